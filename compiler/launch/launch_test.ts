import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { parseYamlStream } from "../../shared/yaml_io.ts";
import { crdNameOf, KIND_NAMES, type KindId } from "../../schemas/names.ts";
import { launchBundle } from "./launch.ts";

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { group: string; names: { plural: string } };
}

Deno.test("the launch bundle holds exactly one CRD for every kind, and nothing else", () => {
  const text = launchBundle();
  const docs = parseYamlStream(text, "crds.yaml").map((d) => d.value as Crd);
  assert(
    docs.every((d) => d.kind === "CustomResourceDefinition" && d.apiVersion === "apiextensions.k8s.io/v1"),
  );
  const names = docs.map((d) => d.metadata.name).sort();
  const expected = (Object.keys(KIND_NAMES) as KindId[]).map(crdNameOf).sort();
  assertEquals(names, expected);
  assertEquals(new Set(names).size, names.length);
});

Deno.test("the launch bundle is byte-stable and ordered by group, then plural", () => {
  const a = launchBundle();
  assertEquals(a, launchBundle());
  const docs = parseYamlStream(a, "crds.yaml").map((d) => d.value as Crd);
  const keys = docs.map((d) => `${d.spec.group}\u0000${d.spec.names.plural}`);
  assertEquals(keys, [...keys].sort());
  assert(a.startsWith("# "), "header comments first");
  assertEquals(a.split("\n").filter((l) => l.startsWith("# ")).length >= 4, true);
});
