// deno-lint-ignore-file no-explicit-any
/**
 * compiler bootstrap: conformance cases of compiler.md §11.1–§11.4 (Talos versions moved to the
 * supported v1.9 contract), determinism, --secrets, SOPS re-runs and input errors.
 */
import { parse } from "yaml";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { InputError, SeamError, ValidationError } from "../../shared/mod.ts";
import { decryptSopsFile, parseAgeIdentities, recipientOf } from "../sops/mod.ts";
import { applyPatches } from "../talos/mod.ts";
import { type BootstrapOptions, type BootstrapResult, runBootstrap } from "./bootstrap.ts";
import { bareHostname, resolveKubernetesVersion, stripScheme } from "./derive.ts";
import type { SecretReader } from "./cluster_read.ts";
import { endpointOfMachineConfig, installDiskOfMachineConfig } from "../talos/mod.ts";
import { runCompilerCli } from "../cli.ts";
import { TalosClusterSpecSchema } from "../../schemas/platform/talos_cluster.ts";

const AGE_ID = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
const IDENTITIES = parseAgeIdentities(AGE_ID);
const RECIPIENT = await recipientOf(IDENTITIES[0]!);
const SDE = "1780000000"; // 2026-05-28

interface Run {
  dir: string;
  out: string;
  result: BootstrapResult;
  warnings: string[];
  read(file: string): string;
  doc(file: string): Record<string, any>;
}

const ENV_BASE: Record<string, string> = { HOME: "/nonexistent-home", SOURCE_DATE_EPOCH: SDE };

async function bootstrap(
  inputYaml: string,
  extra: Partial<BootstrapOptions> & { files?: Record<string, string>; envExtra?: Record<string, string> } =
    {},
  dir?: string,
): Promise<Run> {
  const d = dir ?? await Deno.makeTempDir({ prefix: "bs-test-" });
  await Deno.writeTextFile(`${d}/cluster.yaml`, inputYaml);
  for (const [name, text] of Object.entries(extra.files ?? {})) {
    await Deno.writeTextFile(`${d}/${name}`, text);
  }
  const env = { ...ENV_BASE, ...(extra.envExtra ?? {}) };
  const warnings: string[] = [];
  const { files: _f, envExtra: _e, ...rest } = extra;
  const result = await runBootstrap({
    input: "cluster.yaml",
    output: "out",
    cwd: d,
    env: (n) => env[n],
    unencrypted: true,
    seed: "test",
    serviceAccountKeyBits: 1024,
    warn: (m) => warnings.push(m),
    ...rest,
  });
  const out = `${d}/out`;
  return {
    dir: d,
    out,
    result,
    warnings,
    read: (f) => Deno.readTextFileSync(`${out}/${f}`),
    doc: (f) => parse(Deno.readTextFileSync(`${out}/${f}`)),
  };
}

const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};

interface Fixture {
  name?: string;
  namespace?: string;
  mode?: string;
  role?: string | null;
  endpoint?: string | null;
  talos?: string;
  k8s?: string | null;
  nodes?: [string, string, string][];
  extra?: string;
  noBootstrap?: boolean;
}

/** T3 by default (compiler.md §11), with Talos v1.9.3 instead of v1.7.0. */
function input(f: Fixture = {}): string {
  const nodes = f.nodes ??
    [["node1", "10.20.0.11", "init"], ["node2", "10.20.0.12", "controlplane"], [
      "node3",
      "10.20.0.13",
      "worker",
    ]];
  const lines = [
    ...(f.name === "" ? [] : [`name: ${f.name ?? "ccs-mgmt"}`]),
    `namespace: ${f.namespace ?? "seam-system"}`,
    `mode: ${f.mode ?? "bootstrap"}`,
    ...(f.role === null ? [] : [`role: ${f.role ?? "tenant"}`]),
  ];
  if (!f.noBootstrap) {
    lines.push("bootstrap:");
    if (f.endpoint !== null) {
      lines.push(`  controlPlaneEndpoint: "${f.endpoint ?? "https://10.20.0.10:6443"}"`);
    }
    lines.push(`  talosVersion: "${f.talos ?? "v1.9.3"}"`);
    if (f.k8s !== null) lines.push(`  kubernetesVersion: "${f.k8s ?? "1.32.0"}"`);
    lines.push("  installDisk: /dev/sda", "  nodes:");
    for (const [h, ip, r] of nodes) lines.push(`    - {hostname: ${h}, ip: "${ip}", role: ${r}}`);
  }
  if (f.extra) lines.push(f.extra);
  return lines.join("\n") + "\n";
}

const T1: Fixture = {
  name: "test-cluster",
  endpoint: "https://10.0.0.10:6443",
  nodes: [["cp1", "10.0.0.1", "init"]],
};
const T1W: Fixture = { ...T1, nodes: [["cp1", "10.0.0.1", "init"], ["wk1", "10.0.0.2", "worker"]] };

/** MCFILE(c, h) of §11: the init config of a one-node fresh bootstrap. */
async function mcfile(cluster: string, host: string): Promise<string> {
  const r = await bootstrap(input({
    name: cluster,
    endpoint: "https://10.0.0.10:6443",
    nodes: [[host, "10.0.0.1", "init"]],
  }));
  return r.doc(`seam-mc-${cluster}-${bareHostname(cluster, host)}.yaml`).stringData["machineconfig.yaml"];
}

async function fails(
  yaml: string,
  extra: Partial<BootstrapOptions> & { files?: Record<string, string> } = {},
) {
  return await assertRejects(() => bootstrap(yaml, extra), SeamError);
}

// ---------------------------------------------------------------------------------------------
// §11.1 structure

Deno.test("BS-1..BS-5, BS-12: T3 file set, Secrets, CR and sequence", async () => {
  const r = await bootstrap(input());
  for (
    const f of ["seam-mc-ccs-mgmt-node1.yaml", "seam-mc-ccs-mgmt-node2.yaml", "seam-mc-ccs-mgmt-node3.yaml"]
  ) {
    assert(exists(`${r.out}/${f}`), f);
  }
  assert(exists(`${r.out}/ccs-mgmt.yaml`) && exists(`${r.out}/bootstrap-sequence.yaml`));
  assertEquals(r.result.path, "F");
  const s = r.doc("seam-mc-ccs-mgmt-node1.yaml");
  assertEquals([s.apiVersion, s.kind, s.metadata.name, s.metadata.namespace], [
    "v1",
    "Secret",
    "seam-mc-ccs-mgmt-node1",
    "seam-tenant-ccs-mgmt",
  ]);
  assertEquals(s.metadata.labels["ontai.dev/cluster"], "ccs-mgmt");
  assertEquals(s.metadata.labels["ontai.dev/node-role"], "init");
  assert(typeof s.stringData["machineconfig.yaml"] === "string");
  const cr = r.doc("ccs-mgmt.yaml");
  assertEquals([cr.apiVersion, cr.kind, cr.metadata.name, cr.spec.mode], [
    "seam.ontai.dev/v1alpha1",
    "TalosCluster",
    "ccs-mgmt",
    "bootstrap",
  ]);
  assert(!r.read("ccs-mgmt.yaml").includes("capi:"));
  assert(!r.read("ccs-mgmt.yaml").includes("controlPlane:"));
  // §12.2: the CR names the talosconfig Secret and the node IPs; both fit the TalosCluster schema.
  assertEquals(cr.spec.talosconfigSecretRef, "seam-mc-ccs-mgmt-talosconfig");
  assert(exists(`${r.out}/seam-mc-ccs-mgmt-talosconfig.yaml`));
  assertEquals(cr.spec.nodeAddresses, ["10.20.0.11", "10.20.0.12", "10.20.0.13"]);
  assertEquals(TalosClusterSpecSchema.safeParse(cr.spec).success, true);
  const seq = r.doc("bootstrap-sequence.yaml");
  assertEquals([seq.kind, seq.metadata.name], ["ConfigMap", "seam-bootstrap-sequence-ccs-mgmt"]);
  const inner = parse(seq.data["sequence.yaml"]);
  assertEquals(inner.clusterName, "ccs-mgmt");
  assertEquals(inner.steps.map((x: { step: number }) => x.step), [1, 2]);
  assertStringIncludes(seq.data["sequence.yaml"], "seam-mc-ccs-mgmt-node1.yaml");
  assertStringIncludes(seq.data["sequence.yaml"], "ccs-mgmt.yaml");
  for (const h of ["node1", "node2", "node3"]) {
    assertStringIncludes(r.read(`seam-mc-ccs-mgmt-${h}.yaml`), `name: seam-mc-ccs-mgmt-${h}`);
  }
  // Worker configs carry the CA certificates without keys.
  const worker = parse(r.doc("seam-mc-ccs-mgmt-node3.yaml").stringData["machineconfig.yaml"]);
  assertEquals([worker.machine.type, worker.machine.ca.key, worker.cluster.ca.key], ["worker", "", ""]);
});

Deno.test("BS-6..BS-9, BS-11: invalid inputs are errors", async () => {
  await fails(input({ noBootstrap: true }));
  await fails(input({ endpoint: null }));
  const twoInit = await fails(input({
    nodes: [["a", "10.0.0.1", "init"], ["b", "10.0.0.2", "init"]],
  }));
  assertStringIncludes(twoInit.message, "init");
  await fails(input({ nodes: [["a", "10.0.0.1", "init"], ["b", "10.0.0.2", "not-a-real-role"]] }));
  const noName = await fails(input({ name: "" }));
  assertStringIncludes(noName.message, "name");
});

Deno.test("BS-10: default installer image from talosVersion", async () => {
  const r = await bootstrap(input(T1));
  assertStringIncludes(r.read("seam-mc-test-cluster-cp1.yaml"), "ghcr.io/siderolabs/installer:v1.9.3");
});

// ---------------------------------------------------------------------------------------------
// §11.2 patches and derivations

const MIRRORS = `registryMirrors:
  - registry: docker.io
    endpoints: ["http://10.20.0.1:5000"]
  - registry: ghcr.io
    endpoints: ["http://10.20.0.1:5000"]`;
const SOMAXCONN = `  - |
    machine:
      sysctls:
        net.core.somaxconn: "65535"`;

Deno.test("BF-1, BF-2: cilium prerequisites only when asked", async () => {
  const on = await bootstrap(input({ ...T1, extra: "ciliumPrerequisites: true" }));
  const text = on.read("seam-mc-test-cluster-cp1.yaml");
  for (
    const s of ["br_netfilter", "xt_socket", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"]
  ) {
    assertStringIncludes(text, s);
  }
  const mc = parse(on.doc("seam-mc-test-cluster-cp1.yaml").stringData["machineconfig.yaml"]);
  assertEquals(mc.machine.sysctls["net.ipv4.conf.all.rp_filter"], "0");
  const off = await bootstrap(input(T1));
  assert(!off.read("seam-mc-test-cluster-cp1.yaml").includes("br_netfilter"));
  assert(!off.read("seam-mc-test-cluster-cp1.yaml").includes("xt_socket"));
});

Deno.test("BF-3, BF-4, D-B2: mirrors under machine.registries.mirrors with lower-case keys, every node", async () => {
  const r = await bootstrap(input({
    ...T1W,
    extra: MIRRORS + '\n  - registry: registry.k8s.io\n    endpoints: ["http://10.20.0.1:5000"]',
  }));
  for (const h of ["cp1", "wk1"]) {
    const mc = parse(r.doc(`seam-mc-test-cluster-${h}.yaml`).stringData["machineconfig.yaml"]);
    assertEquals(mc.machine.registries.mirrors["docker.io"].endpoints, ["http://10.20.0.1:5000"]);
    assertEquals(mc.machine.registries.mirrors["ghcr.io"].endpoints, ["http://10.20.0.1:5000"]);
    assert(mc.machine.registries.mirrors["registry.k8s.io"]);
    assertEquals(mc.Machine, undefined);
  }
});

Deno.test("BF-5..BF-7: patches reach every node, in order, combined with cilium and mirrors", async () => {
  const r = await bootstrap(input({
    ...T1W,
    extra:
      `patches:\n${SOMAXCONN}\n  - |\n    machine:\n      sysctls:\n        vm.max_map_count: "262144"\n` +
      `ciliumPrerequisites: true\n${MIRRORS}`,
  }));
  for (const h of ["cp1", "wk1"]) {
    const text = r.read(`seam-mc-test-cluster-${h}.yaml`);
    for (
      const s of [
        "net.core.somaxconn",
        "vm.max_map_count",
        "br_netfilter",
        "xt_socket",
        "docker.io",
        "http://10.20.0.1:5000",
      ]
    ) {
      assertStringIncludes(text, s);
    }
  }
});

Deno.test("BF-8, BF-9: deep merge keeps both map keys and appends list items", async () => {
  const base = await mcfile("merge", "cp1");
  const a = applyPatches(base, ['machine:\n  sysctls:\n    existing.key: "1"\n']);
  const b = applyPatches(a, ['machine:\n  sysctls:\n    new.key: "2"\n']);
  const mc = parse(b);
  assertEquals([mc.machine.sysctls["existing.key"], mc.machine.sysctls["new.key"]], ["1", "2"]);
  const m1 = applyPatches(base, ["machine:\n  kernel:\n    modules:\n      - name: existing_module\n"]);
  const m2 = parse(applyPatches(m1, ["machine:\n  kernel:\n    modules:\n      - name: new_module\n"]));
  assertEquals(m2.machine.kernel.modules.map((x: { name: string }) => x.name), [
    "existing_module",
    "new_module",
  ]);
});

Deno.test("BF-11: Kubernetes matrix; unknown minor is an error", () => {
  for (
    const [t, k] of [
      ["v1.9.3", "1.32.3"],
      ["v1.8.0", "1.31.5"],
      ["v1.7.0", "1.30.9"],
      ["v1.6.5", "1.29.14"],
      [
        "v1.5.1",
        "1.28.15",
      ],
      ["v1.12.0", "1.35.4"],
    ]
  ) assertEquals(resolveKubernetesVersion(t!, undefined), k);
  let err: unknown;
  try {
    resolveKubernetesVersion("v1.99.0", undefined);
  } catch (e) {
    err = e;
  }
  assert(err instanceof InputError && err.hint!.includes("bootstrap.kubernetesVersion"));
  assertEquals(stripScheme("https://10.20.0.10:6443"), "10.20.0.10:6443");
});

Deno.test("BF-12, BF-13: endpoint and disk extraction from a machine config", () => {
  const cfg = "version: v1alpha1\ncluster:\n  controlPlane:\n    endpoint: https://10.20.0.10:6443\n";
  assertEquals(endpointOfMachineConfig(cfg), "https://10.20.0.10:6443");
  assertEquals(endpointOfMachineConfig("version: v1alpha1\ncluster: {}\n"), undefined);
  assertEquals(installDiskOfMachineConfig("machine:\n  install:\n    disk: /dev/vda\n"), "/dev/vda");
  assertEquals(installDiskOfMachineConfig("machine: {}\n"), "");
});

function importInput(
  name: string,
  role: string | null,
  mapLine: string | null,
  nodes?: [string, string, string][],
) {
  return input({
    name,
    mode: "import",
    role,
    endpoint: null,
    k8s: null,
    nodes: nodes ?? [["cp1", "10.0.0.1", "init"], ["wk1", "10.0.0.2", "worker"]],
    extra: `importExistingCluster: true\n${mapLine === null ? "" : `machineConfigPaths:\n  ${mapLine}`}`,
  });
}

Deno.test("BF-14..BF-16, BI-1, BI-4, BI-6, BI-13: import from a local init config (Path A)", async () => {
  const mc = await mcfile("import-cluster", "cp1");
  const r = await bootstrap(importInput("import-cluster", "management", "cp1: cp1.yaml"), {
    files: { "cp1.yaml": mc },
  });
  assertEquals(r.result.path, "A");
  for (
    const f of [
      "seam-tenant-namespace.yaml",
      "seam-mc-import-cluster-cp1.yaml",
      "seam-mc-import-cluster-wk1.yaml",
      "import-cluster.yaml",
      "bootstrap-sequence.yaml",
    ]
  ) {
    assert(exists(`${r.out}/${f}`), f);
  }
  const cr = r.doc("import-cluster.yaml");
  assertEquals([cr.spec.mode, cr.spec.role, cr.spec.clusterEndpoint, cr.spec.kubernetesVersion], [
    "import",
    "management",
    "10.0.0.10:6443",
    "1.32.3",
  ]);
  const ns = r.doc("seam-tenant-namespace.yaml");
  assertEquals(ns.metadata.name, "seam-tenant-import-cluster");
  assertEquals(ns.metadata.labels, { "ontai.dev/tenant": "true", "ontai.dev/cluster": "import-cluster" });
  // The imported PKI is used, never regenerated.
  const src = parse(mc),
    out = parse(r.doc("seam-mc-import-cluster-cp1.yaml").stringData["machineconfig.yaml"]);
  assertEquals(out.machine.ca, src.machine.ca);
  assertEquals(out.cluster.ca, src.cluster.ca);
  assertEquals(out.cluster.secret, src.cluster.secret);
  const seq = parse(r.doc("bootstrap-sequence.yaml").data["sequence.yaml"]);
  assertEquals(seq.steps[0].resources[0], "seam-tenant-namespace.yaml");
  const tenant = await bootstrap(importInput("import-cluster", "tenant", "cp1: cp1.yaml"), {
    files: { "cp1.yaml": mc },
  });
  assertEquals(tenant.doc("import-cluster.yaml").spec.role, "tenant");
  const noRole = await bootstrap(importInput("import-cluster", null, "cp1: cp1.yaml"), {
    files: { "cp1.yaml": mc },
  });
  assertEquals(noRole.doc("import-cluster.yaml").spec.role, "management");
});

Deno.test("BF-15: Talos v1.9.3 without kubernetesVersion → 1.32.3", async () => {
  const r = await bootstrap(input({ ...T1, k8s: null }));
  assertStringIncludes(r.read("test-cluster.yaml"), "kubernetesVersion: 1.32.3");
});

Deno.test("BF-17, BF-18, BI-7: no endpoint and no map → error; import without map never falls back to fresh PKI", async () => {
  await fails(input({ ...T1, endpoint: null }));
  const err = await fails(
    importInput("x", "management", null).replace(
      "bootstrap:\n",
      'bootstrap:\n  controlPlaneEndpoint: "https://10.0.0.10:6443"\n',
    ),
    { kubeconfig: "/nonexistent/kubeconfig.yaml" },
  );
  assertStringIncludes(err.message, "/nonexistent/kubeconfig.yaml");
});

Deno.test("BI-2, BI-3: missing machine-config file and missing init entry carry the input position", async () => {
  const e1 = await fails(importInput("x", "management", "cp1: /nonexistent/machineconfig.yaml"));
  assert(e1 instanceof ValidationError || e1 instanceof InputError);
  assertStringIncludes(e1.message, "/nonexistent/machineconfig.yaml");
  assertStringIncludes(e1.message, "cluster.yaml:");
  assertStringIncludes(e1.message, "machineConfigPaths.cp1");
  const e2 = await fails(importInput("x", "management", "worker1: w.yaml"));
  assertStringIncludes(e2.message, "cp1");
});

Deno.test("BI-5, BI-11, BI-12, BI-15: fresh tenant has no namespace file, keeps role tenant, capi accepted", async () => {
  const r = await bootstrap(input({
    ...T1,
    extra: "capi:\n  enabled: true\n  controlPlaneReplicas: 3\n  controlPlane: {replicas: 1}",
  }));
  assert(!exists(`${r.out}/seam-tenant-namespace.yaml`));
  assertEquals(r.doc("test-cluster.yaml").spec.role, "tenant");
  assert(r.warnings.some((w) => w.includes("controlPlaneReplicas")), "unknown key is a warning");
});

Deno.test("BI-9, BI-14: bad role for import; management or no role on mode bootstrap", async () => {
  const e = await fails(importInput("x", "worker", "cp1: cp1.yaml"));
  assertStringIncludes(e.message, "worker");
  assertStringIncludes((await fails(input({ role: "management" }))).message, "mode=import");
  assertStringIncludes((await fails(input({ role: null }))).message, "mode=import");
});

// ---------------------------------------------------------------------------------------------
// §11.4 fixture variants

Deno.test("BV-3, BV-4: tenant CAPI fixture", async () => {
  const r = await bootstrap(input({
    name: "ccs-app",
    namespace: "seam-tenant-ccs-app",
    endpoint: "https://10.20.2.10:6443",
    nodes: [["ccs-app-cp1", "10.20.2.2", "init"]],
    extra: `capi:
  enabled: true
  controlPlane: {replicas: 3, endpointVIP: "10.20.2.10"}
  workers:
    - {name: default, replicas: 2, machines: [ccs-app-w1, ccs-app-w2]}
  ciliumPackRef: {name: cilium-ccs-app, version: v1.16.0}`,
  }));
  assert(exists(`${r.out}/seam-mc-ccs-app-cp1.yaml`), "bare hostname");
  const cr = r.doc("ccs-app.yaml");
  assertEquals(cr.metadata.namespace, "seam-tenant-ccs-app");
  assertEquals(cr.spec.capi, {
    enabled: true,
    controlPlane: { replicas: 3 },
    workers: [{ name: "default", replicas: 2, seamInfrastructureMachineNames: ["ccs-app-w1", "ccs-app-w2"] }],
    ciliumPackRef: { name: "cilium-ccs-app", version: "v1.16.0" },
  });
  assertEquals([cr.spec.mode, cr.spec.role, cr.spec.clusterEndpoint], [
    "bootstrap",
    "tenant",
    "10.20.2.10:6443",
  ]);
});

// ---------------------------------------------------------------------------------------------
// Paths B and C (fake reader), determinism, secrets bundle, SOPS

Deno.test("Path B: Secret from seam-tenant-<name> first, then seam-system; NotFound → Path C", async () => {
  const mc = await mcfile("ccs-dev", "cp1");
  const asked: string[] = [];
  const reader = (where: string): SecretReader => (ns, name) => {
    asked.push(`${ns}/${name}`);
    return Promise.resolve(ns === where ? { "machineconfig.yaml": btoa(mc) } : undefined);
  };
  const yaml = importInput("ccs-dev", "tenant", null).replace(
    "bootstrap:\n",
    'bootstrap:\n  controlPlaneEndpoint: "https://10.20.1.10:6443"\n',
  );
  const r = await bootstrap(yaml, { secretReader: reader("seam-system") });
  assertEquals(r.result.path, "B");
  assertEquals(asked, ["seam-tenant-ccs-dev/seam-mc-ccs-dev-cp1", "seam-system/seam-mc-ccs-dev-cp1"]);
  assertEquals(
    parse(r.doc("seam-mc-ccs-dev-cp1.yaml").stringData["machineconfig.yaml"]).cluster.id,
    parse(mc).cluster.id,
  );
  // Neither namespace has it: talosconfig-only import.
  const c = await bootstrap(yaml, {
    secretReader: reader("nowhere"),
    talosconfig: "talosconfig",
    files: { talosconfig: "context: x\n" },
  });
  assertEquals(c.result.path, "C");
  assertEquals(c.result.files, [
    "ccs-dev.yaml",
    "seam-mc-ccs-dev-talosconfig.yaml",
    "seam-tenant-namespace.yaml",
  ]);
  assertEquals(c.doc("seam-mc-ccs-dev-talosconfig.yaml").stringData.talosconfig, "context: x\n");
  assertEquals(c.doc("ccs-dev.yaml").spec.talosconfigSecretRef, "seam-mc-ccs-dev-talosconfig");
  // A Secret without the key is an error.
  const bad: SecretReader = () => Promise.resolve({ other: "eA==" });
  await assertRejects(() => bootstrap(yaml, { secretReader: bad }), InputError, "machineconfig.yaml");
});

Deno.test("Path C: unreadable talosconfig is an error naming the path", async () => {
  const yaml = "name: c1\nmode: import\nrole: tenant\nimportExistingCluster: true\n";
  const e = await assertRejects(
    () => bootstrap(yaml, { talosconfig: "/nonexistent/talosconfig" }),
    InputError,
  );
  assertStringIncludes(e.describe(), "/nonexistent/talosconfig");
});

Deno.test("determinism: same input + seed → byte-identical plain files; admin talosconfig verifies", async () => {
  const a = await bootstrap(input(T1W));
  const b = await bootstrap(input(T1W));
  assertEquals(a.result.files, b.result.files);
  for (const f of a.result.files) assertEquals(a.read(f), b.read(f), f);
  const tc = parse(a.read("test-cluster-talosconfig.yaml"));
  assertEquals(tc.context, "test-cluster");
  assertEquals(tc.contexts["test-cluster"].endpoints, ["10.0.0.1"]);
  const { X509Certificate } = await import("node:crypto");
  const ca = new X509Certificate(atob(tc.contexts["test-cluster"].ca));
  const crt = new X509Certificate(atob(tc.contexts["test-cluster"].crt));
  assert(crt.verify(ca.publicKey) && crt.subject === "O=os:admin");
});

Deno.test("--secrets: reuses the bundle; declared but missing is an error, never a regeneration", async () => {
  const first = await bootstrap(input(T1), { seed: "one" });
  await Deno.copyFile(`${first.out}/test-cluster-secrets.yaml`, `${first.dir}/bundle.yaml`);
  const second = await bootstrap(input(T1), { seed: "two", secrets: "bundle.yaml" }, first.dir);
  const mc = (r: Run) => parse(r.doc("seam-mc-test-cluster-cp1.yaml").stringData["machineconfig.yaml"]);
  assertEquals(mc(second).cluster.ca, mc(first).cluster.ca);
  assertEquals(mc(second).machine.token, mc(first).machine.token);
  const e = await assertRejects(() => bootstrap(input(T1), { secrets: "missing.yaml" }), InputError);
  assertStringIncludes(e.describe(), "secrets bundle not found");
});

Deno.test("SOPS: key material encrypted; decrypts identically; re-run keeps files byte-identical", async () => {
  const opts = { unencrypted: false, ageRecipients: [RECIPIENT] };
  const a = await bootstrap(input(T1), opts);
  assert(a.result.encrypted);
  const keyFiles = [
    "seam-mc-test-cluster-cp1.yaml",
    "seam-mc-test-cluster-talosconfig.yaml",
    "test-cluster-secrets.yaml",
    "test-cluster-talosconfig.yaml",
  ];
  const before = new Map(keyFiles.map((f) => [f, a.read(f)]));
  for (const f of keyFiles) {
    assertStringIncludes(before.get(f)!, "ENC[AES256_GCM,", f);
    assert(!/LS0tLS1CRUdJTi|BEGIN CERTIFICATE|PRIVATE KEY/.test(before.get(f)!), `${f} has no plaintext PEM`);
  }
  const secret = await decryptSopsFile(before.get("seam-mc-test-cluster-cp1.yaml")!, "yaml", IDENTITIES);
  assertEquals((secret.data as any).kind, "Secret");
  assertEquals((secret.data as any).metadata.name, "seam-mc-test-cluster-cp1");
  // A second, independent run: different ciphertext, same plaintext.
  const b = await bootstrap(input(T1), opts);
  for (const f of keyFiles) {
    const da = await decryptSopsFile(a.read(f), "yaml", IDENTITIES);
    const db = await decryptSopsFile(b.read(f), "yaml", IDENTITIES);
    assertEquals(da.text, db.text, f);
  }
  // Re-run into the same directory with the identity: unchanged files stay byte-identical.
  const again = await bootstrap(input(T1), { ...opts, envExtra: { SOPS_AGE_KEY: AGE_ID } }, a.dir);
  for (const f of keyFiles) assertEquals(again.read(f), before.get(f), f);
  assert(keyFiles.every((f) => again.result.unchanged.includes(f)));
  // --secrets takes the encrypted bundle back with the identity; without one it is an error.
  await bootstrap(input(T1), {
    ...opts,
    secrets: "out/test-cluster-secrets.yaml",
    envExtra: { SOPS_AGE_KEY: AGE_ID },
  }, a.dir);
  const e = await assertRejects(
    () => bootstrap(input(T1), { ...opts, secrets: "out/test-cluster-secrets.yaml" }, a.dir),
    InputError,
  );
  assertStringIncludes(e.describe(), "no age identity");
});

Deno.test("no recipients and no --unencrypted: refused before anything is written", async () => {
  const d = await Deno.makeTempDir({ prefix: "bs-test-" });
  const e = await assertRejects(() => bootstrap(input(T1), { unencrypted: false }, d), InputError);
  assertStringIncludes(e.describe(), "--unencrypted");
  assert(!exists(`${d}/out`));
});

Deno.test("bad inputs: every issue at once with file:line:column and a hint", async () => {
  const yaml = input({
    nodes: [["a", "10.0.0.1", "init"], ["b", "not-an-ip", "boss"]],
    extra: "patches:\n  - 'just a string'",
  });
  const e = await assertRejects(() => bootstrap(yaml), ValidationError);
  assert(e.issues.length >= 2);
  for (const i of e.issues) {
    assert(i.file?.endsWith("cluster.yaml") && i.line !== undefined && i.column !== undefined);
  }
  assertStringIncludes(e.message, "bootstrap.nodes[1].role");
  assertStringIncludes(e.message, "boss");
});

Deno.test("CLI: exit codes and messages", async () => {
  const d = await Deno.makeTempDir({ prefix: "bs-test-" });
  await Deno.writeTextFile(`${d}/c.yaml`, input({ noBootstrap: true }));
  let err = "";
  const ctx = {
    env: (n: string) => ENV_BASE[n],
    stdout: () => {},
    stderr: (s: string) => (err += s),
    cwd: d,
  };
  assertEquals(await runCompilerCli(["bootstrap", "--output", "o"], ctx), 1);
  assertStringIncludes(err, "--input is required");
  err = "";
  assertEquals(
    await runCompilerCli(["bootstrap", "--input", "c.yaml", "--output", "o", "--unencrypted"], ctx),
    1,
  );
  assertStringIncludes(err, "compiler bootstrap: ");
  assertStringIncludes(err, "c.yaml:");
  assert(!exists(`${d}/o`));
});
