/**
 * The large flat kustomize trees of the benchmarks (bench/packbuild_bench.ts, bench/kustomize_bench.ts):
 * ~400-byte objects of several kinds, PER_FILE to a file, under one kustomization with a namespace and
 * a label. A module of its own (not a *_bench.ts) so that importing it runs no benchmark.
 */

/** Objects per resource file. */
export const PER_FILE = 100;

/** One of several kinds, ~400 bytes each (with the annotation), so the split has work in every bucket. */
export function object(i: number): string {
  const body = _object(i);
  const note =
    `  annotations:\n    bench.example/description: "object ${i} of the packbuild benchmark, padded so that the pack weighs about two megabytes"\n`;
  return body.replace(/^metadata:\n/m, `metadata:\n${note}`);
}

function _object(i: number): string {
  switch (i % 10) {
    case 0:
      return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${i}\n  namespace: team-${
        i % 7
      }\n  labels:\n    app: app-${i}\n`;
    case 1:
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-${i}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps, secrets]\n    verbs: [get, list, watch]\n`;
    case 2:
      return `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: pc-${i}\nvalue: ${i}\ndescription: priority class number ${i} of the benchmark pack\n`;
    case 3:
    case 4:
      return `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  labels:\n    app: app-${i}\nspec:\n  selector:\n    app: app-${i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n    - name: metrics\n      port: 9090\n`;
    case 5:
    case 6:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dep-${i}\n  labels:\n    app: app-${i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-${i}\n  template:\n    metadata:\n      labels:\n        app: app-${i}\n    spec:\n      containers:\n        - name: main\n          image: registry.example/app:${i}\n          args: ["--port=8080", "--verbose"]\n          ports:\n            - containerPort: 8080\n          resources:\n            requests: {cpu: 10m, memory: 16Mi}\n`;
    default:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels:\n    app: app-${i}\ndata:\n  config.yaml: |\n    key: value-${i}\n    list: [a, b, c]\n  mode: bench\n`;
  }
}

/**
 * Writes a kustomization over `objects` objects in files of PER_FILE into `dir` (created if missing):
 * r000.yaml, r001.yaml, … and kustomization.yaml. Returns the bytes of YAML in the resource files.
 */
export function writeFlatTree(dir: string, objects: number): { bytes: number } {
  Deno.mkdirSync(dir, { recursive: true });
  const files = Math.ceil(objects / PER_FILE);
  let bytes = 0;
  const resources: string[] = [];
  for (let f = 0; f < files; f++) {
    const docs: string[] = [];
    for (let j = f * PER_FILE; j < Math.min(objects, (f + 1) * PER_FILE); j++) docs.push(object(j));
    const text = docs.join("---\n");
    bytes += text.length;
    const name = `r${String(f).padStart(3, "0")}.yaml`;
    resources.push(name);
    Deno.writeTextFileSync(`${dir}/${name}`, text);
  }
  Deno.writeTextFileSync(
    `${dir}/kustomization.yaml`,
    `namespace: bench\nlabels:\n  - pairs: {pack: bench}\nresources:\n${
      resources.map((r) => `  - ${r}`).join("\n")
    }\n`,
  );
  return { bytes };
}
