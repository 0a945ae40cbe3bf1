import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { kustomizeBuild, memoryFs, RemoteResourceError } from "./mod.ts";
import { emitYamlDoc, goFormatFloatG } from "./yaml_emit.ts";
import { parseYamlDocs, resolvePlain } from "./yaml_parse.ts";
import { applySmp } from "./smp.ts";
import { nameHash } from "./generators.ts";
import type { VMap } from "./value.ts";

Deno.test("yaml: go-yaml v3 scalar resolution", () => {
  assertEquals(resolvePlain("0123"), 83n);
  assertEquals(resolvePlain("yes"), "yes");
  assertEquals(resolvePlain("True"), true);
  assertEquals(resolvePlain("2024-01-01"), "2024-01-01T00:00:00Z");
  assertEquals(goFormatFloatG(1234567.5), "1.2345675e+06");
});

Deno.test("yaml: go-yaml v2 style output", () => {
  const v = parseYamlDocs("b: 'yes'\na: [x, 'a: b']\nc: |\n  l1\n  l2\nd: {}\n", "t.yaml")[0]!.value;
  assertEquals(emitYamlDoc(v), 'a:\n- x\n- \'a: b\'\nb: "yes"\nc: |\n  l1\n  l2\nd: {}\n');
});

Deno.test("smp: containers merge by name, new items first, null deletes", () => {
  const t = parseYamlDocs(
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {a: b}}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: a, image: x}\n",
    "t",
  )[0]!.value as VMap;
  const p = parseYamlDocs(
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {a: null}}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: b, image: y}\n      - {name: a, image: z}\n",
    "p",
  )[0]!.value as VMap;
  const r = applySmp(t, p)!;
  assertEquals(
    emitYamlDoc(r),
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels: {}\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - image: \"y\"\n        name: b\n      - image: z\n        name: a\n",
  );
});

Deno.test("generator hash ignores the name", () => {
  const a = parseYamlDocs("kind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}\n", "a")[0]!.value as VMap;
  const b = parseYamlDocs("kind: ConfigMap\nmetadata: {name: y}\ndata: {k: v}\n", "b")[0]!.value as VMap;
  assertEquals(nameHash(a), nameHash(b));
});

Deno.test("build from an in-memory fs; remote resources refused naming file and entry", () => {
  const fs = memoryFs({
    "/app/kustomization.yaml": "namePrefix: p-\nresources:\n- cm.yaml\n",
    "/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    "/r/kustomization.yaml": "resources:\n- https://github.com/org/repo//base?ref=v1\n",
  });
  assertEquals(kustomizeBuild("/app", { fs }), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-c\n");
  try {
    kustomizeBuild("/r", { fs });
    assert(false, "expected refusal");
  } catch (e) {
    assert(e instanceof RemoteResourceError);
    assertEquals(e.file, "/r/kustomization.yaml");
    assertStringIncludes(e.message, "https://github.com/org/repo//base?ref=v1");
  }
});
