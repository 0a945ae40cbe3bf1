/** compiler.md §11.9 (MA-1…MA-6) and the port's gate failure cases, against a fake cluster. */
// deno-lint-ignore-file no-explicit-any
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { parseYamlStream } from "../../shared/yaml_io.ts";
import { apiVersionOf, MaintenanceBundleSchema } from "../../schemas/mod.ts";
import { runCompilerCli } from "../cli.ts";
import type { LeaseView, MaintenanceCluster, PodView } from "./cluster.ts";
import { runMaintenance } from "./maintenance.ts";

interface FakeState {
  leases?: Record<string, LeaseView>;
  pods?: Record<string, PodView>;
  secrets?: string[];
  nodes?: string[];
  hang?: boolean;
}

function fake(s: FakeState): MaintenanceCluster & { calls: string[] } {
  const calls: string[] = [];
  const wait = <T>(v: T) => s.hang ? new Promise<T>(() => {}) : Promise.resolve(v);
  return {
    calls,
    getLease(ns, n) {
      calls.push(`lease ${ns}/${n}`);
      return wait(s.leases?.[`${ns}/${n}`] ?? null);
    },
    getPod(ns, n) {
      calls.push(`pod ${ns}/${n}`);
      return wait(s.pods?.[`${ns}/${n}`] ?? null);
    },
    secretExists(ns, n) {
      calls.push(`secret ${ns}/${n}`);
      return wait((s.secrets ?? []).includes(`${ns}/${n}`));
    },
    nodeExists(n) {
      calls.push(`node ${n}`);
      return wait((s.nodes ?? []).includes(n));
    },
  };
}

const HEALTHY = (node = "cp-node-1"): FakeState => ({
  leases: { "seam-system/platform-leader": { holderIdentity: "platform-abc_test-uid" } },
  pods: { "seam-system/platform-abc": { nodeName: node } },
  secrets: ["seam-system/seam-etcd-backup-config"],
  nodes: ["worker-1", "worker-2"],
});

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const req = (operation: string, cluster: string, targets: string[] = []) => ({
  operation,
  cluster,
  output: "out",
  targets,
  namespace: "seam-system",
});

Deno.test("MA-1/MA-6: drain against the fake client writes <cluster>-drain.yaml", () =>
  withDir(async (dir) => {
    const c = fake(HEALTHY());
    assertEquals(await runMaintenance(req("drain", "ccs-test"), dir, () => c), "out/ccs-test-drain.yaml");
    const doc = parseYamlStream(await Deno.readTextFile(`${dir}/out/ccs-test-drain.yaml`), "x")[0]!
      .value as any;
    assertEquals(doc.apiVersion, apiVersionOf("MaintenanceBundle"));
    assertEquals(doc.metadata, { name: "ccs-test-drain", namespace: "seam-system" });
    assertEquals(doc.spec, {
      clusterRef: { name: "ccs-test" },
      operation: "drain",
      operatorLeaderNode: "cp-node-1",
    });
    assert(MaintenanceBundleSchema.safeParse(doc).success);
    assertEquals(c.calls, ["lease seam-system/platform-leader", "pod seam-system/platform-abc"]);
  }));

Deno.test("MA-2: etcd-backup with targets records nodes and the S3 Secret reference", () =>
  withDir(async (dir) => {
    await runMaintenance(
      req("etcd-backup", "ccs-test", ["worker-1", "worker-2"]),
      dir,
      () => fake(HEALTHY()),
    );
    const text = await Deno.readTextFile(`${dir}/out/ccs-test-etcd-backup.yaml`);
    for (const s of ["etcd-backup", "worker-1", "worker-2"]) assertStringIncludes(text, s);
    const doc = parseYamlStream(text, "x")[0]!.value as any;
    assertEquals(doc.spec.s3ConfigSecretRef, { name: "seam-etcd-backup-config", namespace: "seam-system" });
    assertEquals(doc.spec.maintenanceTargetNodes, ["worker-1", "worker-2"]);
  }));

Deno.test("MA-3/MA-4: upgrade records the cluster and the leader's node", () =>
  withDir(async (dir) => {
    await runMaintenance(req("upgrade", "ccs-prod"), dir, () => fake(HEALTHY("cp-node-3")));
    const text = await Deno.readTextFile(`${dir}/out/ccs-prod-upgrade.yaml`);
    for (const s of ["upgrade", "ccs-prod", "cp-node-3"]) assertStringIncludes(text, s);
    assert(!text.includes("s3ConfigSecretRef"));
  }));

Deno.test("MA-5: an unknown operation is rejected before any cluster access", () =>
  withDir(async (dir) => {
    const err: string[] = [];
    const ctx = { env: () => undefined, stdout: () => {}, stderr: (s: string) => err.push(s), cwd: dir };
    const code = await runCompilerCli(
      [
        "maintenance",
        "--operation",
        "reboot-cluster",
        "--cluster",
        "c",
        "--output",
        "o",
        "--kubeconfig",
        "/nonexistent",
      ],
      ctx,
    );
    assertEquals(code, 1);
    for (
      const s of ["reboot-cluster", "drain", "upgrade", "etcd-backup", "machineconfig-rotation"]
    ) assertStringIncludes(err.join(""), s);
    assertEquals([...Deno.readDirSync(dir)], []);
  }));

const FAILURES: [string, string, FakeState, string[], string][] = [
  ["missing lease", "drain", { ...HEALTHY(), leases: {} }, [], "leader-lease"],
  ["empty holder", "drain", { ...HEALTHY(), leases: { "seam-system/platform-leader": {} } }, [], "no holder"],
  ["missing pod", "drain", { ...HEALTHY(), pods: {} }, [], "stale"],
  [
    "unscheduled pod",
    "drain",
    { ...HEALTHY(), pods: { "seam-system/platform-abc": {} } },
    [],
    "not scheduled",
  ],
  ["missing S3 Secret", "etcd-backup", { ...HEALTHY(), secrets: [] }, [], "s3-config"],
  ["missing target node", "drain", HEALTHY(), ["worker-1", "ghost-9"], "ghost-9"],
];

for (const [label, op, state, targets, want] of FAILURES) {
  Deno.test(`gate failure: ${label} → exit 1 naming the gate, nothing written`, () =>
    withDir(async (dir) => {
      const err: string[] = [];
      const ctx = { env: () => undefined, stdout: () => {}, stderr: (s: string) => err.push(s), cwd: dir };
      const { runCommand } = await import("../cli.ts");
      const { maintenanceCommand } = await import("./command.ts");
      const cmd = {
        ...maintenanceCommand,
        run: (flags: any, c: any) =>
          runMaintenance(
            {
              operation: flags.strings.get("operation"),
              cluster: flags.strings.get("cluster"),
              output: flags.strings.get("output"),
              targets: (flags.strings.get("targets") ?? "").split(",").filter(Boolean),
              namespace: "seam-system",
            },
            c.cwd,
            () => fake(state),
          ).then(() => {}),
      };
      const args = ["--operation", op, "--cluster", "c1", "--output", "out"];
      if (targets.length) args.push("--targets", targets.join(","));
      assertEquals(await runCommand(cmd, args, ctx), 1);
      assertStringIncludes(err.join(""), "compiler maintenance: gate ");
      assertStringIncludes(err.join(""), want);
      assertEquals([...Deno.readDirSync(dir)], []);
    }));
}

Deno.test("the cluster deadline turns a hung API call into a gate failure", () =>
  withDir(async (dir) => {
    let msg = "";
    try {
      await runMaintenance(req("drain", "c"), dir, () => fake({ hang: true }), 50);
    } catch (e) {
      msg = (e as Error).message;
    }
    assertStringIncludes(msg, "leader-lease");
    assertStringIncludes(msg, "within");
  }));

Deno.test("required flags are checked in the order operation, cluster, output", async () => {
  const err: string[] = [];
  const ctx = { env: () => undefined, stdout: () => {}, stderr: (s: string) => err.push(s), cwd: "/" };
  assertEquals(await runCompilerCli(["maintenance", "--cluster", "c"], ctx), 1);
  assertStringIncludes(err.join(""), "--operation is required");
  err.length = 0;
  assertEquals(await runCompilerCli(["maintenance", "--operation", "drain", "--output", "o"], ctx), 1);
  assertStringIncludes(err.join(""), "--cluster is required");
  err.length = 0;
  assertEquals(
    await runCompilerCli(
      ["maintenance", "--operation", "drain", "--cluster", "c", "--talosconfig", "x"],
      ctx,
    ),
    2,
  );
});
