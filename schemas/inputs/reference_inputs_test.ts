/**
 * The real example inputs of the original project (../shared/reference/inputs) and the bundled
 * examples (examples/) must validate, without warnings.
 */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { readYamlFile } from "../../shared/yaml_io.ts";
import { guessInputKind, type InputKind } from "./kinds.ts";
import { loadInput } from "./validate.ts";

const REFERENCE = new URL("../../../shared/reference/inputs/", import.meta.url);
const EXAMPLES = new URL("../../examples/", import.meta.url);

/** Kind of every reference input, by file name: the test fails when a file appears or disappears. */
const REFERENCE_KINDS: Record<string, InputKind> = {
  "conductor-cluster-input-management.yaml": "cluster-input",
  "conductor-cluster-input-tenant.yaml": "cluster-input",
  "conductor-mgmt-import.yaml": "cluster-input",
  "conductor-tenant-capi.yaml": "cluster-input",
  "conductor-tenant-import.yaml": "cluster-input",
  "conductor-packbuild-helm.yaml": "pack-build-input",
  "conductor-packbuild-kustomize.yaml": "pack-build-input",
  "conductor-packbuild-raw.yaml": "pack-build-input",
};

const EXAMPLE_KINDS: Record<string, InputKind> = {
  "cluster-mgmt.yaml": "cluster-input",
  "cluster-tenant.yaml": "cluster-input",
  "pack-raw.yaml": "pack-build-input",
  "pack-prebuilt.yaml": "pack-build-input",
  "component-descriptor.yaml": "component-descriptor",
};

function yamlFiles(dir: URL): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

for (
  const [label, dir, kinds] of [["reference", REFERENCE, REFERENCE_KINDS], [
    "example",
    EXAMPLES,
    EXAMPLE_KINDS,
  ]] as const
) {
  Deno.test(`${label} inputs: every file is one of the input kinds`, async () => {
    assertEquals(yamlFiles(dir), Object.keys(kinds).sort());
    for (const name of yamlFiles(dir)) {
      const doc = await readYamlFile(new URL(name, dir).pathname);
      assertEquals(guessInputKind(doc.value), kinds[name], name);
    }
  });

  for (const [name, kind] of Object.entries(kinds)) {
    Deno.test(`${label} input ${name} validates as ${kind} without warnings`, async () => {
      const { value, warnings } = await loadInput(kind, new URL(name, dir).pathname);
      assert(value !== null && typeof value === "object");
      assertEquals(warnings.map((w) => w.describe()), []);
    });
  }
}

Deno.test("example inputs: the paths they name exist", async () => {
  const cluster = await loadInput("cluster-input", new URL("cluster-mgmt.yaml", EXAMPLES).pathname);
  // machineConfigPaths are relative to the working directory: the repository root.
  const root = new URL("../../", import.meta.url);
  for (const path of Object.values(cluster.value.machineConfigPaths ?? {})) {
    assert(Deno.statSync(new URL(path, root)).isFile, path);
  }
  const pack = await loadInput("pack-build-input", new URL("pack-raw.yaml", EXAMPLES).pathname);
  // rawSource.path is relative to the input file's directory.
  const raw = new URL(`${pack.value.rawSource!.path}/`, EXAMPLES);
  assert(yamlFiles(raw).length > 0, "the raw example has manifests");
});
