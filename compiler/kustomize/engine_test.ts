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
  assertEquals(emitYamlDoc(v), "a:\n- x\n- 'a: b'\nb: \"yes\"\nc: |\n  l1\n  l2\nd: {}\n");
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
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels: {}\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - image: "y"\n        name: b\n      - image: z\n        name: a\n',
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

Deno.test("buildMetadata: origin and transformer annotations, managed-by label", () => {
  const fs = memoryFs({
    "/b/kustomization.yaml": "resources:\n- cm.yaml\nnamePrefix: b-\n",
    "/b/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    "/o/kustomization.yaml":
      "resources:\n- ../b\nnameSuffix: -s\nbuildMetadata: [originAnnotations, transformerAnnotations, managedByLabel]\n",
  });
  assertEquals(
    kustomizeBuild("/o", { fs }),
    `apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../b/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PrefixTransformer
      - configuredIn: kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: SuffixTransformer
    config.kubernetes.io/origin: |
      path: ../b/cm.yaml
  labels:
    app.kubernetes.io/managed-by: kustomize-v5.6.0
  name: b-c-s
`,
  );
});

Deno.test("smp: container ports merge by containerPort+protocol", () => {
  const fs = memoryFs({
    "/k/kustomization.yaml": "resources:\n- d.yaml\npatches:\n- path: p.yaml\n",
    "/k/d.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        ports:
        - {containerPort: 80, protocol: TCP, name: http}
        - {containerPort: 80, protocol: UDP, name: udp}
`,
    "/k/p.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        ports:
        - {containerPort: 80, protocol: UDP, hostPort: 8080}
`,
  });
  const out = kustomizeBuild("/k", { fs });
  assertStringIncludes(
    out,
    "        - containerPort: 80\n          name: http\n          protocol: TCP\n        - containerPort: 80\n          hostPort: 8080\n          name: udp\n          protocol: UDP\n",
  );
});

Deno.test("vars bind to the resource of the declaring kustomization", () => {
  const fs = memoryFs({
    "/t/kustomization.yaml": "resources:\n- a\n- b\n",
    "/t/a/kustomization.yaml":
      "namePrefix: a-\nresources:\n- r.yaml\nvars:\n- name: A\n  objref: {apiVersion: v1, kind: Service, name: s}\n",
    "/t/a/r.yaml":
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    command: ["$(A)"]\n',
    "/t/b/kustomization.yaml": "namePrefix: b-\nresources:\n- r.yaml\n",
    "/t/b/r.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
  });
  assertStringIncludes(kustomizeBuild("/t", { fs }), "    - a-s\n");
});
