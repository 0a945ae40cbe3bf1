/** Drift loops (conductor.md §4.8–§4.11, conformance D-1…D-13) against the in-memory API server. */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { ManualClock } from "../../shared/clock.ts";
import { conductorLogger, memoryWriter } from "../../shared/logger.ts";
import { FakeKube } from "./_fake_kube.ts";
import {
  DriftSignalHandler,
  PackDriftLoop,
  type ResolveResource,
  talosVersionOfOsImage,
  VersionDriftLoop,
} from "./drift.ts";
import { Metrics } from "./metrics.ts";

const writer = memoryWriter();
const lines = writer.lines;
const log = conductorLogger({ writer });
const clock = new ManualClock("2026-03-01T00:00:00Z");
const TNS = "seam-tenant-t1";
const ONT = "ont-system";

const resolve: ResolveResource = (apiVersion, kind) => {
  const table: Record<string, { plural: string; namespaced: boolean }> = {
    "apps/v1 Deployment": { plural: "deployments", namespaced: true },
    "v1 ConfigMap": { plural: "configmaps", namespaced: true },
    "v1 Namespace": { plural: "namespaces", namespaced: false },
    "rbac.authorization.k8s.io/v1 ClusterRole": { plural: "clusterroles", namespaced: false },
    "networking.k8s.io/v1 Ingress": { plural: "ingresses", namespaced: true },
    "scheduling.k8s.io/v1 PriorityClass": { plural: "priorityclasses", namespaced: false },
  };
  return Promise.resolve(table[`${apiVersion} ${kind}`]);
};

type Sig = { spec: Record<string, unknown>; status?: { conditions?: { type: string; status: string }[] } };

function setup(opts: { verified?: boolean; detectOnly?: boolean; delivery?: boolean } = {}) {
  const mgmt = new FakeKube();
  const local = new FakeKube();
  if (opts.delivery ?? true) {
    mgmt.put("packdeliveries", { metadata: { name: "nginx", namespace: TNS }, spec: {} });
  }
  const receipt: Record<string, unknown> = {
    metadata: { name: "nginx", namespace: ONT },
    spec: {
      clusterPackRef: "nginx",
      targetClusterRef: "t1",
      deployedResources: [
        { apiVersion: "apps/v1", kind: "Deployment", namespace: "web", name: "nginx" },
        { apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "nginx-conf" },
        { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", name: "nginx-high" },
        { apiVersion: "v1", kind: "Namespace", name: "web" },
        { apiVersion: "v1", kind: "Namespace", name: "default" },
      ],
    },
  };
  if (opts.verified !== undefined) receipt.status = { verified: opts.verified };
  local.put("packreceipts", receipt as never);
  local.put("deployments", { metadata: { name: "nginx", namespace: "web" } });
  local.put("configmaps", { metadata: { name: "nginx-conf", namespace: "web" } });
  local.put("priorityclasses", { metadata: { name: "nginx-high" } });
  local.put("namespaces", { metadata: { name: "web" } });
  local.put("namespaces", { metadata: { name: "default" } });
  const metrics = new Metrics();
  const loop = new PackDriftLoop({
    mgmt,
    local,
    clusterRef: "t1",
    namespace: ONT,
    clock,
    log,
    metrics,
    resolve,
    detectOnly: opts.detectOnly ?? false,
  });
  const signal = () => mgmt.find("driftsignals", TNS, "drift-nginx") as Sig | undefined;
  return { mgmt, local, loop, metrics, signal };
}

Deno.test("pack drift: all inventoried objects present ⇒ no signal (D-3)", async () => {
  const { mgmt, loop } = setup();
  await loop.pass();
  assertEquals(mgmt.writes, []);
});

Deno.test("pack drift: a missing Deployment ⇒ drift-{receipt} pending in seam-tenant-{c} (D-1, D-3)", async () => {
  const { local, loop, signal } = setup();
  local.objects.delete("deployments/web/nginx");
  await loop.pass();
  const s = signal()!;
  assertEquals(s.spec.state, "pending");
  assertEquals(s.spec.escalationCounter, 0);
  assertEquals(s.spec.driftReason, "resource apps/v1 Deployment/web/nginx missing from cluster");
  assertEquals(s.spec.affectedCRRef, { group: "apps", kind: "Deployment", namespace: "web", name: "nginx" });
  assert(/^[0-9a-f-]{36}$/.test(String(s.spec.correlationID)));
  // pending: management has not acted yet ⇒ no escalation (D-A11)
  await loop.pass();
  assertEquals(signal()!.spec.escalationCounter, 0);
});

Deno.test("pack drift: verified=false or DegradedSecurityState ⇒ no drift check (D-2)", async () => {
  const { mgmt, local, loop } = setup({ verified: false });
  local.objects.delete("deployments/web/nginx");
  await loop.pass();
  assertEquals(mgmt.writes, []);
});

Deno.test("pack drift: queued + drift persists ⇒ pending, counter+1; counter 3 ⇒ unchanged (D-4, D-5)", async () => {
  const { mgmt, local, loop, signal } = setup();
  local.objects.delete("deployments/web/nginx");
  await loop.pass();
  mgmt.put("driftsignals", { ...signal()!, spec: { ...signal()!.spec, state: "queued" } } as never);
  await loop.pass();
  assertEquals(signal()!.spec.state, "pending");
  assertEquals(signal()!.spec.escalationCounter, 1);
  mgmt.put(
    "driftsignals",
    { ...signal()!, spec: { ...signal()!.spec, state: "queued", escalationCounter: 3 } } as never,
  );
  await loop.pass();
  assertEquals(signal()!.spec.escalationCounter, 3);
  assertEquals(signal()!.spec.state, "queued");
});

Deno.test("pack drift: queued + drift resolved ⇒ confirmed, correlationID empty (D-6); confirmed + drift ⇒ recreated", async () => {
  const { mgmt, local, loop, signal } = setup();
  local.objects.delete("deployments/web/nginx");
  await loop.pass();
  mgmt.put("driftsignals", { ...signal()!, spec: { ...signal()!.spec, state: "queued" } } as never);
  local.put("deployments", { metadata: { name: "nginx", namespace: "web" } });
  await loop.pass();
  assertEquals(signal()!.spec.state, "confirmed");
  assertEquals(signal()!.spec.correlationID, "");
  local.objects.delete("deployments/web/nginx");
  await loop.pass(); // deletes the confirmed signal
  assertEquals(signal(), undefined);
  await loop.pass(); // raises a fresh one
  assertEquals(signal()!.spec.state, "pending");
});

Deno.test("pack drift: a missing object in a terminating namespace ⇒ no signal (D-8)", async () => {
  const { mgmt, local, loop } = setup();
  local.objects.delete("deployments/web/nginx");
  local.put("namespaces", { metadata: { name: "web", deletionTimestamp: "2026-03-01T00:00:00Z" } as never });
  await loop.pass();
  assertEquals(mgmt.writes, []);
});

Deno.test("pack drift: PackDelivery gone ⇒ inventory deleted one by one, protected namespaces kept, receipt and signal deleted (D-7, D-A12)", async () => {
  const { mgmt, local, loop } = setup({ delivery: false });
  mgmt.put("driftsignals", { metadata: { name: "drift-nginx", namespace: TNS }, spec: { state: "queued" } });
  await loop.pass();
  assertEquals(local.find("deployments", "web", "nginx"), undefined);
  assertEquals(local.find("configmaps", "web", "nginx-conf"), undefined);
  assertEquals(local.find("priorityclasses", undefined, "nginx-high"), undefined);
  assertEquals(local.find("namespaces", undefined, "web"), undefined, "inventoried namespace deleted");
  assert(local.find("namespaces", undefined, "default"), "default is never deleted");
  assertEquals(local.find("packreceipts", ONT, "nginx"), undefined);
  assertEquals(mgmt.find("driftsignals", TNS, "drift-nginx"), undefined);
});

Deno.test("pack drift: management unreachable ⇒ never a teardown", async () => {
  const { mgmt, local, loop } = setup();
  mgmt.request = () => Promise.reject(new Error("connection refused"));
  await loop.pass();
  assert(local.find("packreceipts", ONT, "nginx"));
  assertEquals(local.writes, []);
});

Deno.test("detect-only: drift and orphans are logged and counted, nothing is written", async () => {
  const a = setup({ detectOnly: true });
  a.local.objects.delete("deployments/web/nginx");
  await a.loop.pass();
  assertEquals(a.mgmt.writes, []);
  assertEquals(a.metrics.value("conductor_drift_detected_total", { kind: "pack" }), 1);
  assert(lines.some((l) => l.includes("drift detected (detect-only)")));
  const b = setup({ detectOnly: true, delivery: false });
  await b.loop.pass();
  assertEquals(b.local.writes, []);
  assertEquals(b.mgmt.writes, []);
  assertEquals(b.metrics.value("conductor_drift_detected_total", { kind: "pack-orphan" }), 1);
});

Deno.test("talos osImage parsing (D-11)", () => {
  assertEquals(talosVersionOfOsImage("Talos (v1.7.4)"), "v1.7.4");
  assertEquals(talosVersionOfOsImage("Talos (v2.0.0-alpha.1)"), "v2.0.0-alpha.1");
  assertEquals(talosVersionOfOsImage("Ubuntu 22.04 LTS"), undefined);
  assertEquals(talosVersionOfOsImage(""), undefined);
});

function versionSetup(which: "talos" | "kubernetes", nodes: [string, string][], detectOnly = false) {
  const mgmt = new FakeKube();
  const local = new FakeKube();
  local.put("talosclusters", {
    metadata: { name: "t1", namespace: ONT },
    spec: { talosVersion: "v1.9.0", kubernetesVersion: "1.32.0" },
  });
  nodes.forEach(([os, kubelet], i) =>
    local.put(
      "nodes",
      {
        metadata: { name: `n${i}` },
        status: { nodeInfo: { osImage: os, kubeletVersion: kubelet } },
      } as never,
    )
  );
  const loop = new VersionDriftLoop({
    mgmt,
    local,
    clusterRef: "t1",
    namespace: ONT,
    clock,
    log,
    metrics: new Metrics(),
    detectOnly,
    which,
  });
  const name = which === "talos" ? "drift-version-t1" : "drift-k8s-version-t1";
  return { mgmt, local, loop, signal: () => mgmt.find("driftsignals", TNS, name) as Sig | undefined };
}

Deno.test("talos version drift: spec v1.9.0, nodes v1.9.3 ⇒ drift-version-{c} pending on TalosCluster (D-11)", async () => {
  const { loop, signal } = versionSetup("talos", [["Talos (v1.9.3)", "v1.32.0"], [
    "Talos (v1.9.3)",
    "v1.32.0",
  ]]);
  assertEquals(await loop.pass(), "drift");
  const s = signal()!;
  assertEquals(s.spec.state, "pending");
  assertEquals(s.spec.driftReason, "talos version drift: spec=v1.9.0 observed=v1.9.3");
  assertEquals(s.spec.affectedCRRef, {
    group: "seam.ontai.dev",
    kind: "TalosCluster",
    namespace: ONT,
    name: "t1",
  });
});

Deno.test("talos version drift: equal (with or without v) ⇒ none; mixed nodes ⇒ none (D-11, D-A14)", async () => {
  const eq = versionSetup("talos", [["Talos (v1.9.0)", "v1.32.0"]]);
  assertEquals(await eq.loop.pass(), "in-sync");
  assertEquals(eq.mgmt.writes, []);
  const mixed = versionSetup("talos", [["Talos (v1.9.0)", ""], ["Talos (v1.9.3)", ""]]);
  assertEquals(await mixed.loop.pass(), "none");
  assertEquals(mixed.mgmt.writes, []);
});

Deno.test("kubernetes version drift: drift, queued ⇒ counter+1, resolved ⇒ confirmed, confirmed + drift ⇒ reset (D-12)", async () => {
  const v = versionSetup("kubernetes", [["Talos (v1.9.0)", "v1.32.3"]]);
  assertEquals(await v.loop.pass(), "drift");
  assertEquals(v.signal()!.spec.driftReason, "kubernetes version drift: spec=1.32.0 observed=1.32.3");
  await v.loop.pass(); // pending: no-op
  assertEquals(v.signal()!.spec.escalationCounter, 0);
  v.mgmt.put("driftsignals", { ...v.signal()!, spec: { ...v.signal()!.spec, state: "queued" } } as never);
  await v.loop.pass();
  assertEquals(v.signal()!.spec.state, "pending");
  assertEquals(v.signal()!.spec.escalationCounter, 1);
  v.mgmt.put("driftsignals", { ...v.signal()!, spec: { ...v.signal()!.spec, state: "queued" } } as never);
  v.local.put(
    "nodes",
    { metadata: { name: "n0" }, status: { nodeInfo: { kubeletVersion: "v1.32.0" } } } as never,
  );
  assertEquals(await v.loop.pass(), "in-sync");
  assertEquals(v.signal()!.spec.state, "confirmed");
  assertEquals(v.signal()!.spec.correlationID, "");
  v.local.put(
    "nodes",
    { metadata: { name: "n0" }, status: { nodeInfo: { kubeletVersion: "v1.33.0" } } } as never,
  );
  await v.loop.pass();
  assertEquals(v.signal()!.spec.state, "pending");
  assertEquals(v.signal()!.spec.escalationCounter, 0);
  assert(v.signal()!.spec.correlationID !== "");
  const eq = versionSetup("kubernetes", [["", "v1.32.0"]]);
  assertEquals(await eq.loop.pass(), "in-sync");
  const mixed = versionSetup("kubernetes", [["", "v1.32.0"], ["", "v1.32.1"]]);
  assertEquals(await mixed.loop.pass(), "none");
});

Deno.test("drift handler: pending ⇒ PackExecution deleted, queued with correctionJobRef; counter 3 ⇒ TerminalDrift; others untouched (D-13)", async () => {
  const m = new FakeKube();
  m.put("packexecutions", { metadata: { name: "nginx-t1", namespace: TNS }, spec: {} });
  const sig = (name: string, spec: Record<string, unknown>, ns = TNS) =>
    m.put("driftsignals", {
      metadata: { name, namespace: ns },
      spec: { affectedCRRef: { group: "apps", kind: "Deployment", name: "x" }, ...spec },
    });
  sig("drift-nginx", { state: "pending", escalationCounter: 0 });
  sig("drift-redis", { state: "pending", escalationCounter: 3 });
  sig("drift-gone", { state: "pending" });
  sig("drift-q", { state: "queued" });
  sig("drift-version-t1", {
    state: "pending",
    affectedCRRef: { group: "seam.ontai.dev", kind: "TalosCluster", name: "t1" },
  });
  sig("drift-runnerconfig-t1", {
    state: "pending",
    affectedCRRef: { group: "seam.ontai.dev", kind: "RunnerConfig", name: "t1" },
  });
  sig("drift-x", { state: "pending" }, "default");
  const h = new DriftSignalHandler({ client: m, clock, log, metrics: new Metrics() });
  await h.pass();
  assertEquals(m.find("packexecutions", TNS, "nginx-t1"), undefined);
  const get = (n: string, ns = TNS) => m.find("driftsignals", ns, n) as unknown as Sig;
  assertEquals(get("drift-nginx").spec.state, "queued");
  assertEquals(get("drift-nginx").spec.correctionJobRef, "nginx-t1");
  assertEquals(get("drift-gone").spec.state, "queued");
  assertEquals(get("drift-gone").spec.correctionJobRef, undefined);
  assertEquals(get("drift-redis").spec.state, "pending");
  assertEquals(
    get("drift-redis").status?.conditions?.find((c) => c.type === "TerminalDrift")?.status,
    "True",
  );
  assertEquals(get("drift-q").spec.state, "queued");
  assertEquals(get("drift-version-t1").spec.state, "pending");
  assertEquals(get("drift-runnerconfig-t1").spec.state, "pending");
  assertEquals(get("drift-x", "default").spec.state, "pending");
  // TerminalDrift is written once
  const before = m.writes.length;
  await h.pass();
  assertEquals(m.writes.length, before);
});
