import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../shared/testing/asserts.ts";
import { InputError, SeamError, ValidationError } from "../../shared/errors.ts";
import { parseYamlDocument } from "../../shared/yaml_io.ts";
import { ClusterInputSchema } from "./cluster_input.ts";
import { PackBuildInputSchema } from "./pack_build_input.ts";
import { formatPath, INPUT_WARNING, loadInput, UNKNOWN_KEY, validateInput } from "./validate.ts";

const TENANT = `name: ccs-app
mode: bootstrap
role: tenant
capi:
  enabled: true
  controlPlaneReplicas: 3
  controlPlane:
    replicas: 3
bootstrap:
  controlPlaneEndpoint: "https://10.20.2.10:6443"
  talosVersion: v1.9.3
  nodes:
    - hostname: cp1
      ip: 10.20.2.2
      role: init
      Role: init
`;

Deno.test("validateInput: unknown keys are warnings with positions, not errors (§2.7)", () => {
  const { value, warnings } = validateInput(ClusterInputSchema, parseYamlDocument(TENANT, "tenant.yaml"));
  assertEquals(value.name, "ccs-app");
  assertEquals(
    warnings.map((w) => [w.code, w.path, w.line, w.column]),
    [
      [UNKNOWN_KEY, "capi.controlPlaneReplicas", 6, 25],
      [UNKNOWN_KEY, "bootstrap.nodes[0].Role", 16, 13],
    ],
  );
  assert(warnings.every((w) => w instanceof SeamError && !(w instanceof InputError)));
  assertEquals(warnings[0]!.message, 'unknown key "controlPlaneReplicas" is ignored');
  assertEquals(
    warnings[0]!.hint,
    "known keys here: enabled, talosVersion, kubernetesVersion, controlPlane, workers, ciliumPackRef",
  );
  assertStringIncludes(warnings[1]!.hint!, 'did you mean "role"?');
  // The value keeps the unknown keys (loose objects); nothing is added or dropped.
  assertEquals(value, parseYamlDocument(TENANT, "tenant.yaml").value as typeof value);
});

Deno.test("validateInput: rule warnings carry the InputWarning code", () => {
  const text =
    "name: p\nversion: v1\nregistryUrl: r.example/p\nhelmSource: {url: http://c/c.tgz}\nrawSource: {path: m}\n";
  const { warnings } = validateInput(PackBuildInputSchema, parseYamlDocument(text, "p.yaml"));
  assertEquals(warnings.map((w) => [w.code, w.file, w.path]), [[INPUT_WARNING, "p.yaml", "rawSource"]]);
});

Deno.test("validateInput: every problem of a document is reported, in document order", () => {
  const text = `name: Bad_Name
mode: bootstrap
role: tenant
importExistingCluster: 1
bootstrap:
  talosVersion: v1.9
  controlPlaneEndpoint: https://10.0.0.1:6443
  nodes:
    - hostname: cp1
      ip: 10.0.0.1
      role: master
    - hostname: cp1
      ip: 10.0.0.999
      role: worker
registryMirrors: {}
`;
  const err = assertThrows(
    () => validateInput(ClusterInputSchema, parseYamlDocument(text, "bad.yaml")),
    ValidationError,
  );
  assertEquals(err.issues.map((i) => [i.path, i.line, i.column]), [
    ["name", 1, 7],
    ["importExistingCluster", 4, 24],
    ["bootstrap.talosVersion", 6, 17],
    ["bootstrap.nodes", 9, 5],
    ["bootstrap.nodes[0].role", 11, 13],
    ["bootstrap.nodes[1].hostname", 12, 17],
    ["bootstrap.nodes[1].ip", 13, 11],
    ["registryMirrors", 15, 18],
  ]);
  assert(err.issues.every((i) => i instanceof InputError && i.file === "bad.yaml" && i.hint !== undefined));
  assertEquals(err.file, "bad.yaml");
  assertStringIncludes(err.describe(), "bad.yaml: 8 problems:\n  - bad.yaml:1:7: name: ");
});

Deno.test("validateInput: the error text format is pinned", () => {
  const one = assertThrows(
    () =>
      validateInput(
        ClusterInputSchema,
        parseYamlDocument(
          "name: ccs-app\nmode: bootstrap\nrole: tenant\nbootstrap:\n  controlPlaneEndpoint: https://10.0.0.1:6443\n  talosVersion: v1.9.3\n  nodes:\n    - {hostname: cp1, ip: 10.0.0.1, role: init}\n    - {hostname: w1, ip: 10.0.0.2, role: master}\n",
          "cluster.yaml",
        ),
      ),
    ValidationError,
  );
  assertEquals(
    one.message,
    'cluster.yaml:9:42: bootstrap.nodes[1].role: invalid node role "master" (expected one of: init, controlplane, worker)',
  );
  assertEquals(one.describe(), one.message);

  const two = assertThrows(
    () =>
      validateInput(
        PackBuildInputSchema,
        parseYamlDocument("name: p\nversion: v1\ncategory: git\n", "pack.yaml"),
      ),
    ValidationError,
  );
  assertEquals(
    two.describe(),
    [
      "pack.yaml: 3 problems:",
      '  - pack.yaml:1:1: registryUrl: required field is missing: it names the registry holding the pre-built layers (an OCI repository host[:port]/repo/path, e.g. "10.0.0.1:5000/ontai-dev/packs/my-pack")',
      '  - pack.yaml:1:1: digest: required field is missing: a pre-built pack (no helmSource, rawSource or kustomizeSource) needs digest, or both rbacDigest and workloadDigest (an OCI digest "sha256:" followed by 64 lower-case hex digits; or add a source block to build the pack)',
      '  - pack.yaml:3:11: category: invalid category "git" (expected one of: helm, kustomize, raw)',
    ].join("\n"),
  );
});

Deno.test("formatPath writes dotted paths with indices and quoted odd keys", () => {
  assertEquals(formatPath(["bootstrap", "nodes", 2, "role"]), "bootstrap.nodes[2].role");
  assertEquals(formatPath(["machineConfigPaths", "cp1.lan"]), 'machineConfigPaths["cp1.lan"]');
  assertEquals(formatPath([]), "");
});

Deno.test("loadInput reads, parses and validates a file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = `${dir}/pack.yaml`;
    await Deno.writeTextFile(
      good,
      "name: p\nversion: v1\nregistryUrl: r.example/p\nrawSource: {path: m}\nextra: 1\n",
    );
    const { value, warnings } = await loadInput("pack-build-input", good);
    assertEquals(value.rawSource?.path, "m");
    assertEquals(warnings.map((w) => [w.file, w.path, w.line]), [[good, "extra", 5]]);

    const bad = `${dir}/cluster.yaml`;
    await Deno.writeTextFile(bad, "name: x\nmode: maybe\n");
    const err = await assertRejects(() => loadInput("cluster-input", bad), ValidationError);
    assert(err.issues.some((i) => i.path === "mode" && i.file === bad && i.line === 2));

    await Deno.writeTextFile(bad, "name: [x\n");
    const syntax = await assertRejects(() => loadInput("cluster-input", bad), InputError, "invalid YAML");
    assertEquals(syntax.file, bad);

    await assertRejects(
      () => loadInput("component-descriptor", `${dir}/missing.yaml`),
      InputError,
      "file not found",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
