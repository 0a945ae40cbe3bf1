// Starts real, independent Kubernetes control planes (etcd + kube-apiserver + kube-controller-manager) on
// loopback for the e2e suites, or attaches to existing clusters named by MGMT_KUBECONFIG/TENANT_KUBECONFIG.
import { type Binaries, ensureBinaries } from "./build.ts";
import { KubeClient } from "./client.ts";
import { type ClusterAccess, loadKubeconfig, writeKubeconfig } from "./kubeconfig.ts";
import { makePki, type Pki } from "./pki.ts";
import { freePorts } from "./ports.ts";
import { logTail, type Proc, spawnGroup } from "./proc.ts";

export interface Cluster {
  readonly name: string;
  /** https://127.0.0.1:PORT (or the external cluster's server). */
  readonly server: string;
  /** Path of the admin kubeconfig (client cert in O=system:masters, or the external file). */
  readonly kubeconfig: string;
  /** Scratch directory of this cluster (PKI, data, logs, minted kubeconfigs). */
  readonly dir: string;
  readonly access: ClusterAccess;
  /** Admin client. Closed by stop(). */
  readonly client: KubeClient;
  /** True when attached via MGMT_KUBECONFIG/TENANT_KUBECONFIG: nothing was launched, stop() only cleans up. */
  readonly external: boolean;
  /** The launched components (etcd, kube-apiserver, kube-controller-manager); empty when external. */
  readonly processes: readonly Proc[];
  /** Loopback ports the components listen on; empty when external. */
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Scratch directory (created). Default: a fresh temp dir, removed by stop() unless SEAM_E2E_KEEP=1. */
  dir?: string;
  binaries?: Binaries;
  /** Per-component readiness timeout. Default 120s (SEAM_E2E_START_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Chooses the 4 loopback ports (etcd client, etcd peer, apiserver, controller-manager). For tests. */
  pickPorts?: (count: number) => number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keep = () => Deno.env.get("SEAM_E2E_KEEP") === "1";

class StartError extends Error {
  constructor(message: string, readonly portClash: boolean) {
    super(message);
  }
}

async function waitFor(
  cluster: string,
  proc: Proc,
  timeoutMs: number,
  probe: (signal: AbortSignal) => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "not ready";
  while (true) {
    if (proc.exited()) {
      const s = await proc.status;
      last = `exited with code ${s.code}${s.signal ? ` (signal ${s.signal})` : ""}`;
      break;
    }
    try {
      // Bounded, and cut short when the process exits: a port squatter must not hang the probe.
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new Error("probe timed out")), 5_000);
      proc.status.then(() => ac.abort(new Error("process exited")));
      try {
        if (await probe(ac.signal)) return;
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      last = `not ready after ${timeoutMs / 1000}s (last probe: ${last})`;
      break;
    }
    await sleep(200);
  }
  const tail = await logTail(proc.logPath);
  throw new StartError(
    `cluster ${cluster}: ${proc.component} failed to start: ${last}\n--- ${proc.logPath} (tail) ---\n${tail}`,
    proc.exited() && /address already in use/.test(tail),
  );
}

async function ok(client: KubeClient, path: string, signal: AbortSignal): Promise<boolean> {
  return (await client.status(path, signal)) === 200;
}

function etcdArgs(name: string, dir: string, client: number, peer: number): string[] {
  const c = `http://127.0.0.1:${client}`, p = `http://127.0.0.1:${peer}`;
  return [
    `--name=${name}`,
    `--data-dir=${dir}/etcd`,
    `--listen-client-urls=${c}`,
    `--advertise-client-urls=${c}`,
    `--listen-peer-urls=${p}`,
    `--initial-advertise-peer-urls=${p}`,
    `--initial-cluster=${name}=${p}`,
    "--initial-cluster-state=new",
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
}

function apiserverArgs(pki: Pki, dir: string, etcd: number, port: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcd}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${port}`,
    `--cert-dir=${dir}/apiserver-certs`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    // Front proxy (aggregation layer), as kubeadm sets it up; also lets controllers load the requestheader CA.
    `--requestheader-client-ca-file=${pki.caCert}`,
    "--requestheader-allowed-names=front-proxy-client",
    "--requestheader-username-headers=X-Remote-User",
    "--requestheader-group-headers=X-Remote-Group",
    "--requestheader-extra-headers-prefix=X-Remote-Extra-",
    `--proxy-client-cert-file=${pki.frontProxyCert}`,
    `--proxy-client-key-file=${pki.frontProxyKey}`,
    "--authorization-mode=Node,RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--endpoint-reconciler-type=none", // the loopback advertise address is not a valid Endpoints IP
    "--allow-privileged=true",
    "--profiling=false",
  ];
}

function kcmArgs(pki: Pki, dir: string, kubeconfig: string, port: number): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${port}`,
    `--cert-dir=${dir}/kcm-certs`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--service-account-private-key-file=${pki.saKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    "--use-service-account-credentials=true",
    "--leader-elect=false",
    // No kubelets or cloud here: drop the controllers that only manage nodes, volumes on nodes, or clouds.
    "--controllers=*,-node-lifecycle-controller,-node-ipam-controller,-persistentvolume-attach-detach-controller," +
    "-cloud-node-lifecycle-controller,-service-lb-controller,-node-route-controller,-taint-eviction-controller",
    "--profiling=false",
  ];
}

/**
 * Launches one control plane. On failure everything started is stopped and the error names the component
 * and shows its log tail. A port taken by someone else between choosing and binding is retried.
 */
export async function startCluster(opts: StartOptions): Promise<Cluster> {
  const timeoutMs = opts.timeoutMs ?? Number(Deno.env.get("SEAM_E2E_START_TIMEOUT_MS") ?? 120_000);
  const bins = opts.binaries ?? await ensureBinaries();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: `seam-e2e-${opts.name}-` });
  for (let attempt = 1;; attempt++) {
    try {
      return await startOnce(opts.name, dir, ownDir, bins, timeoutMs, opts.pickPorts ?? freePorts);
    } catch (e) {
      if (!(e instanceof StartError && e.portClash && attempt < 3)) {
        if (ownDir && !keep()) await Deno.remove(dir, { recursive: true }).catch(() => {});
        throw e;
      }
    }
  }
}

async function startOnce(
  name: string,
  dir: string,
  ownDir: boolean,
  bins: Binaries,
  timeoutMs: number,
  pickPorts: (count: number) => number[],
): Promise<Cluster> {
  // A fresh etcd member and logs on every attempt (an earlier attempt may have left a half-started one).
  for (const sub of ["etcd", "logs"]) await Deno.remove(`${dir}/${sub}`, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${dir}/logs`, { recursive: true });
  const pki = await makePki(`${dir}/pki`, name);
  const [etcdPort, peerPort, apiPort, kcmPort] = pickPorts(4) as [number, number, number, number];
  const read = (p: string) => Deno.readTextFile(p);
  const server = `https://127.0.0.1:${apiPort}`;
  const access: ClusterAccess = {
    server,
    caPem: await read(pki.caCert),
    certPem: await read(pki.adminCert),
    keyPem: await read(pki.adminKey),
  };
  const kubeconfig = `${dir}/admin.kubeconfig`;
  await writeKubeconfig(kubeconfig, `seam-e2e-${name}`, access);
  const kcmKubeconfig = `${dir}/kcm.kubeconfig`;
  await writeKubeconfig(kcmKubeconfig, `seam-e2e-${name}-kcm`, {
    server,
    caPem: access.caPem!,
    certPem: await read(pki.kcmCert),
    keyPem: await read(pki.kcmKey),
  });

  const procs: Proc[] = [];
  const client = new KubeClient(access);
  const kcmClient = new KubeClient({ ...access, server: `https://127.0.0.1:${kcmPort}` });
  const stopAll = async () => {
    for (const p of [...procs].reverse()) await p.stop();
    client.close();
    kcmClient.close();
  };
  try {
    const etcd = spawnGroup(
      "etcd",
      bins.etcd,
      etcdArgs(name, dir, etcdPort, peerPort),
      `${dir}/logs/etcd.log`,
    );
    procs.push(etcd);
    await waitFor(name, etcd, timeoutMs, async (signal) => {
      const res = await fetch(`http://127.0.0.1:${etcdPort}/health`, { signal });
      const body = await res.text();
      return res.ok && (JSON.parse(body) as { health?: string }).health === "true";
    });
    const api = spawnGroup(
      "kube-apiserver",
      bins.kubeApiserver,
      apiserverArgs(pki, dir, etcdPort, apiPort),
      `${dir}/logs/kube-apiserver.log`,
    );
    procs.push(api);
    await waitFor(name, api, timeoutMs, (signal) => ok(client, "/readyz", signal));
    const kcm = spawnGroup(
      "kube-controller-manager",
      bins.kubeControllerManager,
      kcmArgs(pki, dir, kcmKubeconfig, kcmPort),
      `${dir}/logs/kube-controller-manager.log`,
    );
    procs.push(kcm);
    await waitFor(name, kcm, timeoutMs, (signal) => ok(kcmClient, "/healthz", signal));
    // The serviceaccount controller running proves the controllers started, and pods need the SA.
    await waitFor(
      name,
      kcm,
      timeoutMs,
      (signal) => ok(client, "/api/v1/namespaces/default/serviceaccounts/default", signal),
    );
  } catch (e) {
    await stopAll();
    throw e;
  }
  kcmClient.close();
  let stopped = false;
  return {
    name,
    server,
    kubeconfig,
    dir,
    access,
    client,
    external: false,
    processes: procs,
    ports: [etcdPort, peerPort, apiPort, kcmPort],
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const p of [...procs].reverse()) await p.stop();
      client.close();
      if (ownDir && !keep()) await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Attaches to an existing cluster through a kubeconfig file (MGMT_KUBECONFIG / TENANT_KUBECONFIG). */
export async function attachCluster(name: string, kubeconfig: string): Promise<Cluster> {
  const access = await loadKubeconfig(kubeconfig);
  const client = new KubeClient(access);
  const dir = await Deno.makeTempDir({ prefix: `seam-e2e-${name}-` });
  try {
    const status = await client.status("/readyz");
    if (status !== 200) throw new Error(`GET /readyz returned ${status}`);
  } catch (e) {
    client.close();
    await Deno.remove(dir, { recursive: true });
    throw new Error(`cluster ${name}: cannot use ${kubeconfig}: ${e instanceof Error ? e.message : e}`);
  }
  let stopped = false;
  return {
    name,
    server: access.server,
    kubeconfig,
    dir,
    access,
    client,
    external: true,
    processes: [],
    ports: [],
    async stop() {
      if (stopped) return;
      stopped = true;
      client.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

export interface Clusters {
  management: Cluster;
  tenant: Cluster;
  /** Stops both (launched ones are killed; attached ones are only released). */
  stop(): Promise<void>;
}

/**
 * The two clusters of the suites: `management` and `tenant`. Each comes from MGMT_KUBECONFIG /
 * TENANT_KUBECONFIG when set, else is launched (binaries built on first use; a build failure throws).
 */
export async function startClusters(opts: { timeoutMs?: number } = {}): Promise<Clusters> {
  const wanted = [
    ["management", Deno.env.get("MGMT_KUBECONFIG")],
    ["tenant", Deno.env.get("TENANT_KUBECONFIG")],
  ] as const;
  const bins = wanted.some(([, k]) => !k) ? await ensureBinaries() : undefined;
  const results = await Promise.allSettled(wanted.map(([name, kc]) => {
    if (kc) return attachCluster(name, kc);
    const o: StartOptions = { name, binaries: bins! };
    if (opts.timeoutMs !== undefined) o.timeoutMs = opts.timeoutMs;
    return startCluster(o);
  }));
  const failures = results.filter((r) => r.status === "rejected").map((r) =>
    String(r.reason?.message ?? r.reason)
  );
  const started = results.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
  if (failures.length) {
    for (const c of started) await c.stop();
    throw new Error(failures.join("\n\n"));
  }
  const [management, tenant] = started as [Cluster, Cluster];
  return {
    management,
    tenant,
    async stop() {
      await Promise.all([management.stop(), tenant.stop()]);
    },
  };
}
