// deno-lint-ignore-file no-explicit-any
// compiler maintenance against a real kube-apiserver: every gate (leader lease → pod → node, S3
// Secret, target nodes), each failure path (exit 1, gate named, nothing written) and the success
// path, run with a ServiceAccount that may only GET (proves the compiler never writes).
import { assert, assertEquals, assertStringIncludes } from "../shared/testing/asserts.ts";
import { parseYamlStream } from "../shared/yaml_io.ts";
import { runCompilerCli } from "../compiler/cli.ts";
import { apply, type Cluster, KubeApiError, saKubeconfig, startCluster } from "./cluster/mod.ts";

const NS = "seam-system";

async function compiler(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCompilerCli(args, {
    env: (n) => (n === "HOME" ? "/nonexistent" : undefined),
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    cwd,
  });
  return { code, out: out.join(""), err: err.join("") };
}

async function ignore409(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 409)) throw e;
  }
}

Deno.test("e2e maintenance: gates against a live cluster, read-only", async (t) => {
  const cluster: Cluster = await startCluster({ name: "maint" });
  const work = await Deno.makeTempDir({ prefix: "seam-e2e-maint-" });
  try {
    const c = cluster.client;
    await apply(
      c,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: compiler}\n`,
      {
        fieldManager: "e2e",
      },
    );
    await apply(
      c,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: maintenance-reader}
rules:
- {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get]}
- {apiGroups: [""], resources: [pods, nodes], verbs: [get]}
- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [seam-etcd-backup-config]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: maintenance-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: maintenance-reader}
subjects: [{kind: ServiceAccount, name: reader, namespace: compiler}]
`,
      { fieldManager: "e2e" },
    );
    const kc = await saKubeconfig(cluster, "compiler", "reader");
    for (const n of ["cp-node-1", "worker-1", "worker-2"]) {
      await ignore409(c.post("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: n } }));
    }
    await ignore409(c.post(`/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: "default" } }));

    const run = async (op: string, extra: string[] = [], cfg = kc) => {
      const out = `out-${crypto.randomUUID().slice(0, 6)}`;
      const r = await compiler([
        "maintenance",
        "--operation",
        op,
        "--cluster",
        "ccs-e2e",
        "--output",
        out,
        "--kubeconfig",
        cfg,
        ...extra,
      ], work);
      let written: string[] = [];
      try {
        written = [...Deno.readDirSync(`${work}/${out}`)].map((e) => e.name);
      } catch { /* absent */ }
      return { ...r, out, written };
    };
    const fails = async (op: string, gate: string, want: string, extra: string[] = []) => {
      const r = await run(op, extra);
      assertEquals(r.code, 1, r.err);
      assertStringIncludes(r.err, `compiler maintenance: gate ${gate}: `);
      assertStringIncludes(r.err, want);
      assertEquals(r.written, [], "nothing written");
    };

    await t.step(
      "no platform-leader Lease → leader-lease gate",
      () => fails("drain", "leader-lease", "Platform operator must be running"),
    );

    await t.step("Lease without holder → leader-lease gate", async () => {
      await apply(
        c,
        `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: platform-leader, namespace: ${NS}}\nspec: {}\n`,
        {
          fieldManager: "e2e",
        },
      );
      await fails("drain", "leader-lease", "no holder");
    });

    await t.step("holder Pod absent → leader-pod gate (stale lease)", async () => {
      await apply(
        c,
        `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: platform-leader, namespace: ${NS}}\nspec: {holderIdentity: platform-7d9f_4b1e-uid}\n`,
        { fieldManager: "e2e" },
      );
      await fails("drain", "leader-pod", "stale");
    });

    await t.step("holder Pod not scheduled → leader-pod gate", async () => {
      await c.post(`/api/v1/namespaces/${NS}/pods`, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "platform-7d9f" },
        spec: {
          automountServiceAccountToken: false,
          containers: [{ name: "p", image: "example.invalid/platform:dev" }],
        },
      });
      await fails("drain", "leader-pod", "not scheduled");
      await c.post(`/api/v1/namespaces/${NS}/pods/platform-7d9f/binding`, {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: "platform-7d9f" },
        target: { apiVersion: "v1", kind: "Node", name: "cp-node-1" },
      });
    });

    await t.step("drain succeeds and records the leader's node", async () => {
      const r = await run("drain", ["--targets", "worker-1, worker-2"]);
      assertEquals(r.code, 0, r.err);
      assertEquals(r.written, ["ccs-e2e-drain.yaml"]);
      const doc = parseYamlStream(await Deno.readTextFile(`${work}/${r.out}/ccs-e2e-drain.yaml`), "x")[0]!
        .value as any;
      assertEquals(doc.spec.operatorLeaderNode, "cp-node-1");
      assertEquals(doc.spec.maintenanceTargetNodes, ["worker-1", "worker-2"]);
      assertEquals(doc.metadata.namespace, NS);
    });

    await t.step(
      "a target node that does not exist → target-nodes gate",
      () => fails("upgrade", "target-nodes", "ghost-9", ["--targets", "worker-1,ghost-9"]),
    );

    await t.step("etcd-backup without the S3 Secret → s3-config gate; with it → success", async () => {
      await fails("etcd-backup", "s3-config", "seam-etcd-backup-config");
      await c.post(`/api/v1/namespaces/${NS}/secrets`, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "seam-etcd-backup-config" },
        stringData: { bucket: "b", endpoint: "https://s3.example.invalid" },
      });
      const r = await run("etcd-backup", ["--targets", "cp-node-1"]);
      assertEquals(r.code, 0, r.err);
      const doc = parseYamlStream(
        await Deno.readTextFile(`${work}/${r.out}/ccs-e2e-etcd-backup.yaml`),
        "x",
      )[0]!.value as any;
      assertEquals(doc.spec.s3ConfigSecretRef, { name: "seam-etcd-backup-config", namespace: NS });
    });

    await t.step("machineconfig-rotation with the admin kubeconfig also succeeds", async () => {
      const r = await run("machineconfig-rotation", [], cluster.kubeconfig);
      assertEquals(r.code, 0, r.err);
    });

    await t.step(
      "a ServiceAccount without read access fails at the first gate, nothing written",
      async () => {
        const nobody = await saKubeconfig(cluster, "compiler", "nobody");
        const r = await run("drain", [], nobody);
        assertEquals(r.code, 1);
        assertStringIncludes(r.err, "gate leader-lease");
        assertEquals(r.written, []);
      },
    );

    await t.step("an unreachable API server fails at the first gate", async () => {
      const dead = `${work}/dead.kubeconfig`;
      const text = (await Deno.readTextFile(kc)).replace(/server: .*/, "server: https://127.0.0.1:1");
      await Deno.writeTextFile(dead, text);
      const r = await run("drain", [], dead);
      assertEquals(r.code, 1);
      assertStringIncludes(r.err, "gate leader-lease");
      assert(r.written.length === 0);
    });
  } finally {
    await cluster.stop();
    await Deno.remove(work, { recursive: true });
  }
});
