import { assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { applyPatches } from "./patcher.ts";

const DIR = new URL("../../../shared/reference/talos/configpatcher/", import.meta.url);
const read = (p: string) => Deno.readTextFileSync(new URL(p, DIR));

function patchCase(name: string, config: string, patches: string[], expected: string) {
  Deno.test(`configpatcher golden: ${name}`, () => {
    assertEquals(applyPatches(read(config), patches.map(read)), read(expected));
  });
}

patchCase("apply", "apply/config.yaml", [
  "apply/strategic1.yaml",
  "apply/jsonpatch1.yaml",
  "apply/jsonpatch2.yaml",
  "apply/strategic2.yaml",
  "apply/strategic3.yaml",
], "apply/expected.yaml");
patchCase("multidoc", "multidoc/config.yaml", [
  "multidoc/strategic1.yaml",
  "multidoc/strategic2.yaml",
  "multidoc/strategic3.yaml",
], "multidoc/expected.yaml");
patchCase("auditpolicy", "auditpolicy/config.yaml", ["auditpolicy/patch1.yaml"], "auditpolicy/expected.yaml");
patchCase(
  "manifest newline",
  "apply/config.yaml",
  ["apply/strategic4.yaml"],
  "apply/expected_manifests.yaml",
);
patchCase(
  "patchdelete",
  "patchdelete/config.yaml",
  ["patchdelete/strategic1.yaml"],
  "patchdelete/expected.yaml",
);
patchCase("patchdelete controlplane", "patchdelete/controlplane_orig.yaml", [
  "patchdelete/strategic2.yaml",
  "patchdelete/strategic3.yaml",
  "patchdelete/strategic4.yaml",
], "patchdelete/controlplane_expected.yaml");
patchCase("patchlink", "patchlink/base.yaml", ["patchlink/patch.yaml"], "patchlink/expected.yaml");
patchCase("patchmixed", "patchmixed/base.yaml", ["patchmixed/patch.yaml"], "patchmixed/expected.yaml");

Deno.test("configpatcher golden: JSON patch refused on multi-document config", () => {
  let msg = "";
  try {
    applyPatches(read("multidoc/config.yaml"), [
      read("multidoc/jsonpatch.yaml"),
      read("multidoc/strategic1.yaml"),
    ]);
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, "JSON6902 patches are not supported for multi-document machine configuration");
});

Deno.test("configpatcher golden: deleting a missing path fails", () => {
  let msg = "";
  try {
    applyPatches(read("patchdeletemissing/config.yaml"), [read("patchdeletemissing/strategic1.yaml")]);
  } catch (e) {
    msg = (e as Error).message;
  }
  assertStringIncludes(
    msg,
    "patch delete: path 'machine.network.hostname' in document '/v1alpha1': failed to delete path " +
      "'machine.network.hostname': lookup failed",
  );
});

Deno.test("JSON patch only: result is re-encoded the ghodss/yaml way", () => {
  const out = applyPatches("version: v1alpha1\nmachine:\n  certSANs: []\n", [read("patch.json")]);
  assertEquals(out, "machine:\n  certSANs:\n  - foo.com\nversion: v1alpha1\n");
});
