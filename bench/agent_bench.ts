// deno-lint-ignore-file no-console
// Conductor agent benchmarks:
//  1. Ed25519 signs/s and verifies/s over a PermissionSnapshot-sized canonical spec, WebCrypto vs @noble/ed25519
//     (the two backends of shared/signing), side by side with ratios.
//  2. Idle RSS of a running agent: `deno run -P=conductor conductor/main.ts agent` (management role, signing
//     key, leader) against a real kube-apiserver from e2e/cluster; VmRSS from /proc/<pid>/status once settled.
//
// Idle VmRSS, management role + signing + leader, KUBECONFIG file (so `yaml` is loaded), 2 shared cores:
//   before (1eba0ec):                                     91.5–93.6 MiB  — zod + every kind's schema via
//     schemas/mod.ts, zod + 24 parameter schemas via shared/capabilities.ts, yaml, node:process
//   agent graph trimmed (names.ts, capability_names.ts):  74.4–75.5 MiB  — the agent's static graph has no
//     npm package but @noble/ed25519; yaml is imported only when a kubeconfig file is read (in-cluster: never)
//   + --agent-v8-flags=--max-semi-space-size=1           68.6 MiB
//   + --agent-v8-flags=--optimize-for-size               68.2 MiB
//   + --agent-v8-flags=--lite-mode                        64.1 MiB  (no optimising JIT: not proposed)
// Usage: deno run -A bench/agent_bench.ts [seconds-per-measurement] [--no-rss] [--no-sign]
//          [--agent-v8-flags=<flags>]   (passed to the agent as `deno run --v8-flags=<flags>`, to try V8 settings)
import {
  canonicalBytes,
  generateKeyPairPem,
  loadPrivateKeyPem,
  loadPublicKeysPem,
} from "../shared/signing/mod.ts";
import type { Backend } from "../shared/signing/keys.ts";
import { launchBundle } from "../compiler/launch/launch.ts";
import { apply, startCluster } from "../e2e/cluster/mod.ts";

const SECONDS = Number(Deno.args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 2);
const RSS = !Deno.args.includes("--no-rss");
const SIGN = !Deno.args.includes("--no-sign");
const AGENT_V8_FLAGS = Deno.args.find((a) => a.startsWith("--agent-v8-flags="))?.slice(
  "--agent-v8-flags=".length,
);
const TARGET_MIB = 80;

const spec = {
  targetCluster: "t1",
  version: "2026-01-01T00:00:00Z",
  generatedAt: "2026-01-01T00:00:00Z",
  subjects: Array.from({ length: 20 }, (_, i) => ({
    subjectKind: "ServiceAccount",
    subjectName: `app-${i}`,
    namespace: "apps",
    permissions: [{
      apiGroups: ["", "apps"],
      resources: ["pods", "deployments"],
      verbs: ["get", "list", "watch"],
    }],
  })),
};
const msg = canonicalBytes(spec);

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

async function rate(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(); // warm-up
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    for (let i = 0; i < 20; i++) await fn();
    n += 20;
  }
  return n / ((performance.now() - t0) / 1000);
}

const pair = await generateKeyPairPem();
const results: Record<Backend, { sign: number; verify: number }> = {
  webcrypto: { sign: 0, verify: 0 },
  noble: { sign: 0, verify: 0 },
};
for (const be of SIGN ? ["webcrypto", "noble"] as const : []) {
  const priv = await loadPrivateKeyPem(pair.privatePem, "bench", be);
  const [pub] = await loadPublicKeysPem(pair.publicPem, "bench", be);
  const sig = await priv.sign(msg);
  if (!(await pub!.verify(msg, sig))) throw new Error(`${be}: signature does not verify`);
  results[be].sign = await rate(() => priv.sign(msg));
  results[be].verify = await rate(() => pub!.verify(msg, sig));
}
const f = (n: number) => n.toFixed(0).padStart(10);
console.log(`\nEd25519 over ${msg.length} canonical bytes (${SECONDS}s per cell, 2 shared cores)`);
console.log(`operation     webcrypto/s      noble/s   webcrypto÷noble`);
for (const op of SIGN ? ["sign", "verify"] as const : []) {
  const w = results.webcrypto[op], n = results.noble[op];
  console.log(`${op.padEnd(10)} ${f(w)}   ${f(n)}   ${(w / n).toFixed(2).padStart(10)}×`);
}

if (RSS) {
  console.log(`\nIdle RSS of a running agent (management role, signing, leader; target < ${TARGET_MIB} MiB)`);
  const cluster = await startCluster({ name: "agent-bench" });
  const dir = await Deno.makeTempDir({ prefix: "agent-bench-" });
  let child: Deno.ChildProcess | undefined;
  try {
    await apply(cluster.client, launchBundle(), { fieldManager: "bench" });
    await apply(cluster.client, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "ont-system" } }], {
      fieldManager: "bench",
    });
    await Deno.writeTextFile(`${dir}/k.pem`, pair.privatePem);
    await Deno.writeTextFile(`${dir}/k.pub`, pair.publicPem);
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-q",
        "-P=conductor",
        ...(AGENT_V8_FLAGS ? [`--v8-flags=${AGENT_V8_FLAGS}`] : []),
        new URL("../conductor/main.ts", import.meta.url).pathname,
        "agent",
      ],
      env: {
        NO_COLOR: "1",
        CONDUCTOR_ROLE: "management",
        CLUSTER_REF: "bench",
        POD_NAMESPACE: "ont-system",
        POD_NAME: "bench-0",
        KUBECONFIG: cluster.kubeconfig,
        METRICS_ADDR: `127.0.0.1:${freePort()}`,
        SIGNING_PRIVATE_KEY_PATH: `${dir}/k.pem`,
        SIGNING_PUBLIC_KEY_PATH: `${dir}/k.pub`,
        LOG_LEVEL: "warn",
      },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const rss = async () => {
      const s = await Deno.readTextFile(`/proc/${child!.pid}/status`);
      return Number(/VmRSS:\s+(\d+) kB/.exec(s)?.[1] ?? NaN) / 1024;
    };
    // settle: leader elected, first passes done; sample until three readings 2 s apart agree within 1 MiB
    await new Promise((r) => setTimeout(r, 8000));
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      samples.push(await rss());
      const last = samples.slice(-3);
      if (last.length === 3 && Math.max(...last) - Math.min(...last) < 1) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const v = samples.at(-1)!;
    if (AGENT_V8_FLAGS) console.log(`agent V8 flags: ${AGENT_V8_FLAGS}`);
    console.log(`samples (MiB): ${samples.map((x) => x.toFixed(1)).join(" ")}`);
    console.log(
      `idle VmRSS: ${v.toFixed(1)} MiB  → ${v < TARGET_MIB ? "within" : "OVER"} the ${TARGET_MIB} MiB target`,
    );
  } finally {
    try {
      child?.kill("SIGTERM");
      await child?.status;
    } catch { /* gone */ }
    await cluster.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
