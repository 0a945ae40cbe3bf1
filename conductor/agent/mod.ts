/**
 * Agent mode (conductor.md §3). The role has already been checked by the mode gate (main.ts) before
 * this module is loaded. Order: operations endpoint, clients, keys (bad key files → exit 1), loops,
 * then leader election; the leader runs the role's loops, every replica serves /readyz and /metrics.
 *
 * Leadership loss cancels leader work, waits for it (≤ 10 s) and exits 1 (D-A6). SIGTERM/SIGINT
 * stop the loops, release the Lease and exit 0.
 */
import type { Role } from "../invariant.ts";
import { systemClock } from "../../shared/clock.ts";
import { conductorLogger, type LogLevel, parseLogLevel } from "../../shared/logger.ts";
import { NAMESPACE_ONT_SYSTEM } from "../../shared/runner_keys.ts";
import { KeyRing, loadPrivateKeyPem, loadPublicKeysPem, Signer } from "../../shared/signing/mod.ts";
import { SEAM_VERSION } from "../../shared/version.ts";
import { CapabilityPublisher, PUBLISH_INTERVAL_MS } from "./capability_publisher.ts";
import { kindPath, kubeAccessFromKubeconfig, KubeClient, localKubeClient } from "./kube_client.ts";
import {
  DiscoveryResolver,
  DRIFT_DETECT_ONLY_ENV,
  DRIFT_INTERVAL_MS,
  DriftSignalHandler,
  PackDriftLoop,
  VersionDriftLoop,
} from "./drift.ts";
import { DEFAULT_SILENCE_MS, Informer, kubeWatch } from "./informer.ts";
import { LeaderElector } from "./leader_election.ts";
import { KubeLeaseStore, leaseName } from "./lease_store.ts";
import { parseListenAddr } from "./listen_addr.ts";
import { PeriodicLoop, sleep } from "./loop.ts";
import { M, Metrics } from "./metrics.ts";
import { startOpsServer } from "./ops_server.ts";
import { PACK_PULL_INTERVAL_MS, PackPullLoop } from "./pack_pull.ts";
import { SIGNING_INTERVAL_MS, SigningLoop } from "./signing_loop.ts";
import { SNAPSHOT_PULL_INTERVAL_MS, SnapshotPullLoop } from "./snapshot_pull.ts";
import { Verifier } from "./verifier.ts";
import {
  EnforcementGate,
  GATE_POLL_INTERVAL_MS,
  GateMarker,
  GateObserver,
  SWEEP_INTERVAL_MS,
  TenantBootstrapSweep,
} from "./sweep.ts";

export interface AgentConfig {
  role: Role;
  clusterRef: string;
  env(name: string): string | undefined;
}

/** Intervals can be shortened for tests through `CONDUCTOR_LOOP_INTERVAL_MS` (all loops). */
function _interval(env: AgentConfig["env"], dflt: number): number {
  const v = Number(env("CONDUCTOR_LOOP_INTERVAL_MS") ?? "");
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

function _identity(env: AgentConfig["env"]): string {
  const pod = env("POD_NAME");
  if (pod) return pod;
  try {
    return Deno.hostname();
  } catch {
    return `conductor-${crypto.randomUUID().slice(0, 8)}`;
  }
}

export async function runAgent(cfg: AgentConfig): Promise<number> {
  const env = cfg.env;
  let level: LogLevel = "info";
  if (env("LOG_LEVEL")) level = parseLogLevel(env("LOG_LEVEL")!);
  const log = conductorLogger({
    component: "conductor-agent",
    cluster: cfg.clusterRef,
    role: cfg.role,
    level,
  });
  const clock = systemClock;
  const metrics = new Metrics();
  const namespace = env("POD_NAMESPACE") || NAMESPACE_ONT_SYSTEM;
  const identity = _identity(env);

  // Readiness is reported by the owners of the state: the elector and the loops.
  const holder: { elector?: LeaderElector; gate?: EnforcementGate } = {};
  const leaderLoops: PeriodicLoop[] = [];
  const notReady = (): string[] => {
    const elector = holder.elector;
    if (!elector) return ["starting"];
    const r: string[] = [];
    if (!elector.leaseKnown()) r.push("leader election: the lease state is not known yet");
    if (elector.isLeader()) {
      for (const l of leaderLoops) {
        if (!l.synced) r.push(`loop ${l.name}: first pass not completed`);
        else if (l.stale()) r.push(`loop ${l.name}: no pass completed in 3 intervals`);
      }
    }
    return r;
  };
  const addr = parseListenAddr(env("METRICS_ADDR") ?? ":8080", "METRICS_ADDR");
  const server = startOpsServer({
    addr,
    role: cfg.role,
    clusterRef: cfg.clusterRef,
    readiness: { notReadyReasons: notReady },
    metrics: () => {
      const leaderLine = `conductor_leader{identity="${identity.replace(/["\\\n]/g, "_")}"} ${
        holder.elector?.isLeader() ? 1 : 0
      }`;
      return [
        metrics.render(),
        "# HELP conductor_leader 1 while this replica holds the lease.",
        "# TYPE conductor_leader gauge",
        leaderLine,
        holder.gate?.metricLines() ?? "",
      ]
        .filter((s) => s !== "").join("\n");
    },
  });
  log.info("agent started", {
    metricsAddr: `${server.addr.hostname}:${server.addr.port}`,
    identity,
    version: SEAM_VERSION,
  });

  const fence = () => (holder.elector?.isLeader() ? undefined : "this replica is not the leader");
  const guard = (c: KubeClient, cluster: string) => {
    c.writeGuard = () => {
      const r = fence();
      if (r) metrics.inc(M.fenced[0], M.fenced[1], { cluster });
      return r;
    };
    c.onWrite = (method, path) => {
      metrics.inc(M.writes[0], M.writes[1], { cluster, method });
      log.info("kube write", { method, path, target: cluster });
    };
    return c;
  };

  const clients: KubeClient[] = [];
  const shutdown = async (code: number) => {
    await server.shutdown();
    for (const c of clients) c.close();
    return code;
  };
  let leaseClient: KubeClient, local: KubeClient;
  try {
    leaseClient = await localKubeClient(env);
    local = guard(await localKubeClient(env), "local");
    clients.push(leaseClient, local);
  } catch (e) {
    await shutdown(1);
    throw e;
  }

  // Keys and loops by role (§3.1 steps 6–11); bad key files abort startup.
  const loops: { name: string; intervalMs: number; immediate?: boolean; pass: () => Promise<void> }[] = [];
  // Tenant: the enforcement gate (every replica observes the persisted marker; the leader's sweep sets it).
  const gate = cfg.role === "tenant"
    ? new EnforcementGate(log.with({ component: "enforcement-gate" }))
    : undefined;
  if (gate) holder.gate = gate;
  const replicaLoops: PeriodicLoop[] = [];
  const informers: Informer[] = [];
  try {
    const pubPath = env("SIGNING_PUBLIC_KEY_PATH");
    const ring = pubPath
      ? new KeyRing(
        await loadPublicKeysPem(
          await Deno.readTextFile(pubPath),
          `SIGNING_PUBLIC_KEY_PATH ${JSON.stringify(pubPath)}`,
        ),
      )
      : undefined;
    if (ring) log.info("verification keys loaded", { keyIds: ring.keyIds });
    if (cfg.role === "management") {
      const publisher = new CapabilityPublisher({
        client: local,
        namespace,
        clusterRef: cfg.clusterRef,
        leader: () => identity,
        clock,
        log: log.with({ loop: "capability-publisher" }),
      });
      loops.push({
        name: "capability-publisher",
        intervalMs: _interval(env, PUBLISH_INTERVAL_MS),
        pass: () => publisher.pass(),
      });
      const privPath = env("SIGNING_PRIVATE_KEY_PATH");
      if (privPath) {
        const key = await loadPrivateKeyPem(
          await Deno.readTextFile(privPath),
          `SIGNING_PRIVATE_KEY_PATH ${JSON.stringify(privPath)}`,
        );
        log.info("signing key loaded", { keyId: key.keyId });
        const signing = new SigningLoop({
          client: local,
          signer: new Signer(key),
          log: log.with({ loop: "signing" }),
          metrics,
        });
        loops.push({
          name: "signing",
          intervalMs: _interval(env, SIGNING_INTERVAL_MS),
          pass: () => signing.pass(),
        });
        // Watches wake the signing loop at once; the tick stays as the safety net (DESIGN habit 11).
        const silence = Number(env("CONDUCTOR_WATCH_SILENCE_MS") ?? "");
        for (const kind of ["PackDelivery", "PackInstalled", "PermissionSnapshot"] as const) {
          const path = kindPath(kind);
          informers.push(
            new Informer({
              name: kind,
              list: () => local.list(`${path}?limit=1`),
              watch: kubeWatch(local, path),
              silenceMs: Number.isFinite(silence) && silence > 0 ? silence : DEFAULT_SILENCE_MS,
              onChange: () => leaderLoops.find((l) => l.name === "signing")?.kick(),
              log: log.with({ loop: `informer-${kind}` }),
              metrics,
            }),
          );
        }
      } else {
        log.warn("SIGNING_PRIVATE_KEY_PATH is not set: the signing loop does not run");
      }
      const handler = new DriftSignalHandler({
        client: local,
        clock,
        log: log.with({ loop: "drift-handler" }),
        metrics,
      });
      loops.push({
        name: "drift-handler",
        intervalMs: _interval(env, DRIFT_INTERVAL_MS),
        pass: () => handler.pass(),
      });
    } else {
      const marker = new GateMarker(local, namespace, cfg.clusterRef, clock);
      const sweep = new TenantBootstrapSweep({
        client: local,
        clusterRef: cfg.clusterRef,
        log: log.with({ loop: "bootstrap-sweep" }),
        metrics,
        gate: gate!,
        marker,
      });
      const sweepEvery = Number(env("CONDUCTOR_SWEEP_INTERVAL_MS") ?? "");
      loops.push({
        name: "bootstrap-sweep",
        intervalMs: Number.isFinite(sweepEvery) && sweepEvery > 0 ? sweepEvery : SWEEP_INTERVAL_MS,
        pass: () => sweep.pass(),
      });
      const observer = new GateObserver(marker, gate!);
      replicaLoops.push(
        new PeriodicLoop({
          name: "enforcement-gate",
          intervalMs: GATE_POLL_INTERVAL_MS,
          pass: () => observer.pass(),
          log: log.with({ loop: "enforcement-gate" }),
          metrics,
          clock,
        }),
      );
      const mgmtPath = env("MGMT_KUBECONFIG_PATH");
      if (mgmtPath) {
        const mgmt = guard(
          new KubeClient(await kubeAccessFromKubeconfig(mgmtPath, "MGMT_KUBECONFIG_PATH")),
          "management",
        );
        clients.push(mgmt);
        const verifier = new Verifier(
          ring,
          env("CONDUCTOR_ALLOW_UNSIGNED") === "true",
          log.with({ loop: "verify" }),
          metrics,
        );
        const common = { mgmt, local, clusterRef: cfg.clusterRef, namespace, verifier, clock };
        const snap = new SnapshotPullLoop({ ...common, log: log.with({ loop: "snapshot-pull" }) });
        const packs = new PackPullLoop({ ...common, log: log.with({ loop: "pack-pull" }) });
        loops.push({
          name: "snapshot-pull",
          intervalMs: _interval(env, SNAPSHOT_PULL_INTERVAL_MS),
          pass: () => snap.pass(),
        });
        loops.push({
          name: "pack-pull",
          intervalMs: _interval(env, PACK_PULL_INTERVAL_MS),
          pass: () => packs.pass(),
        });
        // Drift (§4.8–§4.10); detect-only mode logs and counts but writes nothing.
        const detectOnly = env(DRIFT_DETECT_ONLY_ENV) === "true";
        if (detectOnly) log.warn("drift loops in detect-only mode: no DriftSignal, no teardown");
        const drift = { ...common, metrics, detectOnly };
        const packDrift = new PackDriftLoop({
          ...drift,
          resolve: new DiscoveryResolver(local).resolve,
          log: log.with({ loop: "pack-drift" }),
        });
        loops.push({
          name: "pack-drift",
          intervalMs: _interval(env, DRIFT_INTERVAL_MS),
          pass: () => packDrift.pass(),
        });
        for (const which of ["talos", "kubernetes"] as const) {
          const name = which === "talos" ? "talos-version-drift" : "k8s-version-drift";
          const v = new VersionDriftLoop({ ...drift, which, log: log.with({ loop: name }) });
          loops.push({
            name,
            intervalMs: _interval(env, DRIFT_INTERVAL_MS),
            pass: async () => void await v.pass(),
          });
        }
      } else {
        log.warn("MGMT_KUBECONFIG_PATH is not set: the tenant pull loops do not run");
      }
    }
  } catch (e) {
    await shutdown(1);
    throw e;
  }

  for (const l of loops) {
    leaderLoops.push(
      new PeriodicLoop({ ...l, pass: () => l.pass(), log: log.with({ loop: l.name }), metrics, clock }),
    );
  }

  const stopReplica = new AbortController();
  const replicaWork = Promise.all(replicaLoops.map((l) => l.start(stopReplica.signal)));
  const stopElection = new AbortController();
  let leaderWork: Promise<unknown> | undefined;
  const lost = Promise.withResolvers<string>();
  const elector = new LeaderElector({
    identity,
    store: new KubeLeaseStore(leaseClient, namespace, leaseName(cfg.clusterRef)),
    clock,
    log: log.with({ loop: "leader-election" }),
    onStartedLeading: (signal) => {
      leaderWork = Promise.all([
        ...leaderLoops.map((l) => l.start(signal)),
        ...informers.map((i) => i.run(signal)),
      ]);
    },
    onStoppedLeading: (reason) => lost.resolve(reason),
  });
  holder.elector = elector;
  const election = elector.run(stopElection.signal);

  const stop = Promise.withResolvers<string>();
  const onSignal = (name: string) => () => stop.resolve(name);
  const handlers: [Deno.Signal, () => void][] = [["SIGTERM", onSignal("SIGTERM")], [
    "SIGINT",
    onSignal("SIGINT"),
  ]];
  for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
  const outcome = await Promise.race([
    stop.promise.then((s) => ({ signal: s })),
    lost.promise.then((r) => ({ lost: r })),
  ]);
  for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);

  const waitLeaderWork = async () => {
    if (!leaderWork) return;
    const timeout = new AbortController();
    await Promise.race([leaderWork, sleep(10_000, timeout.signal)]);
    timeout.abort();
  };
  if ("lost" in outcome) {
    // Leader work is already cancelled by the elector; stop campaigning without releasing.
    stopElection.abort();
    await waitLeaderWork();
    await election;
    stopReplica.abort();
    await replicaWork;
    log.error("lost leadership: exiting so that all state is reset", { reason: outcome.lost });
    return await shutdown(1);
  }
  stopElection.abort(); // aborts leader work, then releases the lease
  await election;
  await waitLeaderWork();
  stopReplica.abort();
  await replicaWork;
  log.info("agent stopped", { signal: outcome.signal });
  return await shutdown(0);
}
