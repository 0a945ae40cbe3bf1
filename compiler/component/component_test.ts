// deno-lint-ignore-file no-explicit-any
/** compiler.md §11.10 (CO-1…CO-11) plus catalog cross-checks against upstream's templates. */
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { splitCommaList } from "../../shared/go_flags.ts";
import { parseYamlStream } from "../../shared/yaml_io.ts";
import { apiVersionOf, RBACProfileSchema } from "../../schemas/mod.ts";
import { runCompilerCli } from "../cli.ts";
import { CATALOG } from "./catalog_data.ts";
import { CATALOG_NAMES } from "./component.ts";
import { coverageOf, type DiscoverCluster, discoverReport, runDiscover } from "./discover.ts";
import { referencePath } from "../../shared/testing/reference.ts";

async function cli(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCompilerCli(["component", ...args], {
    env: () => undefined,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    cwd,
  });
  return { code, out: out.join(""), err: err.join("") };
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const CAT = [
  "--namespace",
  "seam-tenant-management",
  "--target-clusters",
  "management",
  "--rbac-policy-ref",
  "platform-rbac-policy",
];

Deno.test("CO-1: target-cluster parsing", () => {
  assertEquals(splitCommaList("ccs-dev,ccs-test, management"), ["ccs-dev", "ccs-test", "management"]);
  assertEquals(splitCommaList(""), []);
  assertEquals(splitCommaList("management"), ["management"]);
});

Deno.test("CO-2/CO-3: unknown component and missing catalog flags", () =>
  withDir(async (dir) => {
    const r = await cli(["--component", "not-a-real-component", ...CAT], dir);
    assertEquals(r.code, 1);
    assertStringIncludes(r.err, "not-a-real-component");
    assertStringIncludes(r.err, "available: cert-manager, cilium, cnpg, kueue, local-path-provisioner");
    for (const drop of ["--namespace", "--target-clusters", "--rbac-policy-ref"]) {
      const args = [...CAT];
      args.splice(args.indexOf(drop), 2);
      const x = await cli(["--component", "cilium", ...args], dir);
      assertEquals(x.code, 1, drop);
      assertStringIncludes(x.err, drop);
    }
    assertEquals(
      (await cli(
        ["--component", "cilium", ...CAT.slice(0, 2), "--target-clusters", " , ", ...CAT.slice(4)],
        dir,
      )).code,
      1,
    );
  }));

Deno.test("CO-4: one component to a file path", () =>
  withDir(async (dir) => {
    const r = await cli(["--component", "cilium", ...CAT, "--output", "deep/x/rbac-cilium.yaml"], dir);
    assertEquals(r.code, 0, r.err);
    const t = await Deno.readTextFile(`${dir}/deep/x/rbac-cilium.yaml`);
    for (
      const s of [
        `apiVersion: ${apiVersionOf("RBACProfile")}`,
        "kind: RBACProfile",
        "name: rbac-cilium",
        "namespace: seam-tenant-management",
        "rbacPolicyRef: platform-rbac-policy",
        "- management",
      ]
    ) {
      assertStringIncludes(t, s);
    }
    const doc = parseYamlStream(t, "x")[0]!.value as any;
    assert(RBACProfileSchema.safeParse(doc).success);
    assertEquals(doc.metadata.annotations["ontai.dev/catalog-version"], "v1.16");
  }));

Deno.test("CO-5: two components into an existing directory", () =>
  withDir(async (dir) => {
    await Deno.mkdir(`${dir}/out`);
    const r = await cli([
      "--component",
      "cilium",
      "--component",
      "kueue",
      ...CAT.slice(0, 2),
      "--target-clusters",
      "ccs-dev",
      ...CAT.slice(4),
      "--output",
      "out",
    ], dir);
    assertEquals(r.code, 0, r.err);
    assertEquals([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort(), [
      "rbac-cilium.yaml",
      "rbac-kueue.yaml",
    ]);
    assertStringIncludes(
      await Deno.readTextFile(`${dir}/out/rbac-kueue.yaml`),
      "principalRef: kueue-controller-manager",
    );
    assertStringIncludes(await Deno.readTextFile(`${dir}/out/rbac-kueue.yaml`), "- ccs-dev");
  }));

Deno.test("CO-6: an unknown name among several writes nothing", () =>
  withDir(async (dir) => {
    await Deno.mkdir(`${dir}/out`);
    const r = await cli([
      "--component",
      "cilium",
      "--component",
      "not-real",
      "--component",
      "kueue",
      ...CAT,
      "--output",
      "out",
    ], dir);
    assertEquals(r.code, 1);
    assertEquals([...Deno.readDirSync(`${dir}/out`)], []);
  }));

Deno.test("D-C1: several components to a missing path create the directory", () =>
  withDir(async (dir) => {
    const r = await cli(
      ["--component", "cnpg", "--component", "cert-manager", ...CAT, "--output", "new"],
      dir,
    );
    assertEquals(r.code, 0, r.err);
    assertEquals([...Deno.readDirSync(`${dir}/new`)].map((e) => e.name).sort(), [
      "rbac-cert-manager.yaml",
      "rbac-cnpg.yaml",
    ]);
  }));

Deno.test("catalog to stdout: documents separated by ---, none before the first; deterministic", () =>
  withDir(async (dir) => {
    const a = await cli(["--component", "cilium", "--component", "cilium", ...CAT], dir);
    const b = await cli(["--component", "cilium", "--component", "cilium", ...CAT], dir);
    assertEquals(a.out, b.out);
    assert(!a.out.startsWith("---"));
    assertEquals(a.out.split("\n").filter((l) => l === "---").length, 1);
    assertEquals(parseYamlStream(a.out, "x").length, 2);
  }));

Deno.test("CO-7/CO-9: descriptor scaffold", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/d.yaml`,
      "name: my-custom-operator\nnamespace: seam-tenant-management\nprincipalRef: my-operator-sa\nrbacPolicyRef: platform-rbac-policy\n",
    );
    await Deno.mkdir(`${dir}/out`);
    const r = await cli(["--descriptor", "d.yaml", "--output", "out"], dir);
    assertEquals(r.code, 0, r.err);
    const t = await Deno.readTextFile(`${dir}/out/rbac-my-custom-operator.yaml`);
    const firstContent = t.split("\n").find((l) => /[A-Za-z]/.test(l))!;
    assertStringIncludes(firstContent, "HUMAN REVIEW REQUIRED");
    for (
      const s of [
        `apiVersion: ${apiVersionOf("RBACProfile")}`,
        "kind: RBACProfile",
        "name: rbac-my-custom-operator",
        "seam-tenant-management",
        "principalRef: my-operator-sa",
        "rbacPolicyRef: platform-rbac-policy",
        "spec.lineage is controller-managed",
        "TODO",
      ]
    ) {
      assertStringIncludes(t, s);
    }
    await Deno.writeTextFile(`${dir}/bare.yaml`, "name: bare-operator\nnamespace: seam-tenant-management\n");
    const b = await cli(["--descriptor", "bare.yaml"], dir);
    assertEquals(b.code, 0, b.err);
    assertStringIncludes(b.out, "principalRef: bare-operator");
    assertStringIncludes(b.out, "rbacPolicyRef: default-rbac-policy");
  }));

Deno.test("CO-8: descriptor errors are prefixed descriptor:", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/noname.yaml`, "namespace: x\n");
    await Deno.writeTextFile(`${dir}/nons.yaml`, "name: x\n");
    for (const f of ["noname.yaml", "nons.yaml", "missing.yaml"]) {
      const r = await cli(["--descriptor", f], dir);
      assertEquals(r.code, 1, f);
      assertStringIncludes(r.err, "compiler component: descriptor: ");
    }
  }));

Deno.test("CO-11: --component with --descriptor is mutually exclusive; no mode prints help", () =>
  withDir(async (dir) => {
    const r = await cli(["--component", "cilium", "--descriptor", "x"], dir);
    assertEquals(r.code, 1);
    assertStringIncludes(r.err, "mutually exclusive");
    const n = await cli([], dir);
    assertEquals(n.code, 1);
    assertStringIncludes(n.err, "Usage: compiler component");
    assertStringIncludes(n.err, "--descriptor");
  }));

Deno.test("CO-10: catalog principals and discover coverage report", async () => {
  assertEquals(Object.fromEntries(CATALOG.map((e) => [e.name, e.principalRef])), {
    cilium: "cilium",
    cnpg: "cnpg-manager",
    kueue: "kueue-controller-manager",
    "cert-manager": "cert-manager",
    "local-path-provisioner": "local-path-provisioner-service-account",
  });
  assertEquals(CATALOG_NAMES, ["cert-manager", "cilium", "cnpg", "kueue", "local-path-provisioner"]);
  const cov = coverageOf([{ namespace: "kube-system", name: "cilium" }, {
    namespace: "kueue-system",
    name: "kueue-controller-manager",
  }, { namespace: "x", name: "default" }]);
  const rep = discoverReport(cov);
  assertStringIncludes(
    rep,
    "=== compiler component --discover ===\nDeployed ServiceAccounts scanned: 3\n\nCatalog coverage:\n",
  );
  assertStringIncludes(rep, `  [COVERED]  ${"cilium".padEnd(25)}  rbac-cilium\n`);
  assertStringIncludes(rep, `  [MISSING]  ${"cnpg".padEnd(25)}  run: compiler component --component cnpg\n`);
  assertStringIncludes(discoverReport(coverageOf([])), "  (none detected)");
  const all = coverageOf(CATALOG.map((e) => ({ namespace: "n", name: e.principalRef })));
  assertStringIncludes(discoverReport(all), "  (all catalog components detected)");
  const calls: string[] = [];
  const fake: DiscoverCluster = { listServiceAccounts: (ns) => (calls.push(ns), Promise.resolve([])) };
  const out: string[] = [];
  await runDiscover(() => fake, { namespace: "kube-system" }, "/", { stdout: (s) => out.push(s) });
  assertEquals(calls, ["kube-system"]);
  let msg = "";
  try {
    await runDiscover(() => ({ listServiceAccounts: () => new Promise(() => {}) }), { namespace: "" }, "/", {
      stdout: () => {},
    }, 20);
  } catch (e) {
    msg = (e as Error).message;
  }
  assertStringIncludes(msg, "discover: ");
});

Deno.test("--discover with an unusable kubeconfig fails with the discover: prefix", () =>
  withDir(async (dir) => {
    const r = await cli(["--discover", "--kubeconfig", `${dir}/nope`], dir);
    assertEquals(r.code, 1);
    assertStringIncludes(r.err, "compiler component: discover: ");
  }));

Deno.test("the embedded catalog matches upstream's templates (principal, declarations, header)", async () => {
  for (const e of CATALOG) {
    let t: string;
    try {
      t = await Deno.readTextFile(`${referencePath("")}catalog/${e.name}.yaml`);
    } catch {
      continue; // reference data not mounted
    }
    assertStringIncludes(t, `principalRef: ${e.principalRef}`);
    for (const d of e.permissionDeclarations) {
      assertStringIncludes(t, `permissionSetRef: ${d.permissionSetRef}\n      scope: ${d.scope}`);
    }
    assertEquals(
      t.split("\n").filter((l) => l.includes("permissionSetRef:")).length,
      e.permissionDeclarations.length,
    );
    assertStringIncludes(t, e.header[0]!);
  }
});

Deno.test("--output: a trailing / or an existing directory is a directory; else one profile is a file", () =>
  withDir(async (dir) => {
    const names = (p: string) => [...Deno.readDirSync(`${dir}/${p}`)].map((e) => e.name).sort();
    const kind = (p: string) => Deno.statSync(`${dir}/${p}`).isDirectory ? "dir" : "file";
    // a missing path with a trailing / is created as a directory, even when nested
    let r = await cli(["--component", "cilium", ...CAT, "--output", "out/components/"], dir);
    assertEquals(r.code, 0, r.err);
    assertEquals(kind("out/components"), "dir");
    assertEquals(names("out/components"), ["rbac-cilium.yaml"]);
    assertStringIncludes(r.err, `${dir}/out/components/rbac-cilium.yaml`);
    // an existing directory without the trailing /
    r = await cli(["--component", "kueue", ...CAT, "--output", "out/components"], dir);
    assertEquals(r.code, 0, r.err);
    assertEquals(names("out/components"), ["rbac-cilium.yaml", "rbac-kueue.yaml"]);
    // a missing path without a trailing / is a file
    r = await cli(["--component", "cilium", ...CAT, "--output", "out/single"], dir);
    assertEquals(r.code, 0, r.err);
    assertEquals(kind("out/single"), "file");
    assertStringIncludes(Deno.readTextFileSync(`${dir}/out/single`), "name: rbac-cilium");
    // several profiles: always a directory
    r = await cli(["--component", "cnpg", "--component", "kueue", ...CAT, "--output", "many"], dir);
    assertEquals(r.code, 0, r.err);
    assertEquals(names("many"), ["rbac-cnpg.yaml", "rbac-kueue.yaml"]);
    // descriptor mode follows the same rule
    await Deno.writeTextFile(
      `${dir}/d.yaml`,
      "name: my-op\nnamespace: seam-tenant-management\n",
    );
    r = await cli(["--descriptor", "d.yaml", "--output", "scaffold/"], dir);
    assertEquals(r.code, 0, r.err);
    assertEquals(kind("scaffold"), "dir");
    assertEquals(names("scaffold"), ["rbac-my-op.yaml"]);
  }));
