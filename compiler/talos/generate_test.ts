import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { generateMachineConfig, type MachineConfigOptions } from "./generate.ts";
import { parseSecretsBundle } from "./secrets.ts";
import { applyPatches } from "./patcher.ts";
import { stringNode } from "./go_yaml_emit.ts";

const secrets = parseSecretsBundle(
  Deno.readTextFileSync(new URL("../../../shared/reference/talos/stability/secrets.yaml", import.meta.url)),
);
const base = (o: Partial<MachineConfigOptions>): MachineConfigOptions => ({
  machineType: "controlplane",
  contract: "v1.11",
  clusterName: "c1",
  endpoint: "https://10.0.0.1:6443",
  kubernetesVersion: "v1.32.3",
  secrets,
  ...o,
});

Deno.test("init equals controlplane except machine.type", () => {
  const cp = generateMachineConfig(base({}));
  const init = generateMachineConfig(base({ machineType: "init" }));
  assertEquals(init.replace("    type: init\n", "    type: controlplane\n"), cp);
  assertStringIncludes(cp, "image: registry.k8s.io/kube-apiserver:v1.32.3\n");
  assertStringIncludes(cp, "            - 10.0.0.1\n");
});

Deno.test("v1.12 registry mirrors become sorted RegistryMirrorConfig documents before HostnameConfig", () => {
  const out = generateMachineConfig(base({
    contract: "v1.12",
    machineType: "worker",
    registryMirrors: { "registry.k8s.io": ["https://b.example"], "docker.io": ["https://a.example"] },
  }));
  const docs = out.split("---\n");
  assertEquals(docs.length, 4);
  assertStringIncludes(docs[1]!, "name: docker.io\n");
  assertStringIncludes(docs[2]!, "name: registry.k8s.io\n");
  assertEquals(docs[3], "apiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n");
  assert(!out.includes("mirrors:"));
});

Deno.test("v1.11 registry mirrors use machine.registries with the real lower-case keys", () => {
  const out = generateMachineConfig(base({ registryMirrors: { "docker.io": ["https://a.example"] } }));
  assertStringIncludes(
    out,
    "    registries:\n        mirrors:\n            docker.io:\n                endpoints:\n",
  );
});

Deno.test("patching keeps every document of a v1.12 config", () => {
  const out = generateMachineConfig(base({ contract: "v1.12" }));
  const patched = applyPatches(out, ['machine:\n  sysctls:\n    vm.max_map_count: "262144"\n']);
  assertStringIncludes(patched, '        vm.max_map_count: "262144"\n');
  assert(patched.endsWith("---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n"));
});

Deno.test("unsupported contracts are refused", () => {
  let msg = "";
  try {
    generateMachineConfig(base({ contract: "v1.8" }));
  } catch (e) {
    msg = (e as Error).message;
  }
  assertStringIncludes(msg, "unsupported Talos contract v1.8");
});

Deno.test("string scalars are quoted the way go-yaml quotes them", () => {
  const style = (s: string) => (stringNode(s) as { style: string }).style;
  assertEquals(style(""), "double");
  assertEquals(style("true"), "double");
  assertEquals(style("yes"), "double");
  assertEquals(style("5443"), "double");
  assertEquals(style("1.10"), "double");
  assertEquals(style("2024-01-01"), "double");
  assertEquals(style("foo=bar"), "plain");
  assertEquals(style("a\nb"), "literal");
});
