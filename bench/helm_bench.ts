// deno-lint-ignore-file no-console
// Render each catalog chart with cli.ts (in-process) and with the real helm v3.17.2; print our time / helm's time.
// Usage: deno run -A bench/helm_bench.ts [iterations]
import { runHelmCli } from "../compiler/helm/cli.ts";
import { ensureHelm, runHelm } from "../tools/oracles/helm/helm_oracle.ts";
import { referencePath } from "../shared/testing/reference.ts";

const G = Deno.env.get("HELM_GOLDEN_DIR") ?? referencePath("golden/helm/");
const N = Number(Deno.args[0] ?? 3);
const KV = ["--kube-version", "1.33.0"];
const CHARTS: [string, string[]][] = [
  ["cert-manager", [
    "template",
    "cm",
    "charts/cert-manager",
    "-n",
    "cert-manager",
    "--set",
    "crds.enabled=true",
    ...KV,
  ]],
  ["kueue", ["template", "kueue", "charts/kueue", "-n", "kueue-system", ...KV]],
  ["cnpg-operator", ["template", "cnpg", "charts/cloudnative-pg", "-n", "cnpg-system", ...KV]],
  ["cnpg-cluster", ["template", "pg", "charts/cnpg-cluster", ...KV]],
  ["local-path-provisioner", ["template", "lpp", "charts/local-path-provisioner", ...KV]],
  ["metallb", ["template", "metallb", "charts/metallb", "-n", "metallb-system", ...KV]],
];

const bin = await ensureHelm();
console.log(`chart                      ours(ms)  helm(ms)  ratio  same`);
for (const [name, args] of CHARTS) {
  await runHelmCli(args, { cwd: G }); // warm-up
  let t = performance.now();
  let ours;
  for (let i = 0; i < N; i++) ours = await runHelmCli(args, { cwd: G });
  const a = (performance.now() - t) / N;
  t = performance.now();
  let theirs;
  for (let i = 0; i < N; i++) theirs = await runHelm(bin, args, G);
  const b = (performance.now() - t) / N;
  const same = ours!.stdout === theirs!.stdout && ours!.code === theirs!.code;
  console.log(
    `${name.padEnd(26)} ${a.toFixed(1).padStart(8)}  ${b.toFixed(1).padStart(8)}  ${
      (a / b).toFixed(2).padStart(5)
    }  ${same}`,
  );
}
