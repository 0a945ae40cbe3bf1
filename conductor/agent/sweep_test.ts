/** Tenant bootstrap sweep and enforcement gate (conductor.md §4.13, §6.3; conformance W-1…W-3). */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { ManualClock } from "../../shared/clock.ts";
import { conductorLogger, memoryWriter } from "../../shared/logger.ts";
import { FakeKube } from "./_fake_kube.ts";
import { Metrics } from "./metrics.ts";
import { PeriodicLoop } from "./loop.ts";
import {
  ANNOTATION_ENFORCEMENT_MODE,
  ANNOTATION_RBAC_OWNER,
  EnforcementGate,
  GateMarker,
  GateObserver,
  TenantBootstrapSweep,
} from "./sweep.ts";

const writer = memoryWriter();
const log = conductorLogger({ writer });
const clock = new ManualClock("2026-03-01T00:00:00Z");

function cluster(): FakeKube {
  const k = new FakeKube();
  for (
    const n of [
      "apps",
      "kube-system",
      "kube-public",
      "kube-node-lease",
      "seam-system",
      "ont-system",
      "tools",
      "other-ns",
    ]
  ) {
    k.put("namespaces", {
      metadata: {
        name: n,
        ...(n === "seam-system" ? { labels: { "seam.ontai.dev/webhook-mode": "exempt" } } : {}),
      } as never,
    });
  }
  k.put("leases", { metadata: { name: "conductor-t1", namespace: "ont-system" } });
  k.put("roles", { metadata: { name: "app-role", namespace: "apps" } });
  k.put("rolebindings", { metadata: { name: "app-rb", namespace: "apps" } });
  k.put("serviceaccounts", { metadata: { name: "app-sa", namespace: "apps" } });
  k.put("serviceaccounts", {
    metadata: { name: "owned", namespace: "apps", annotations: { [ANNOTATION_RBAC_OWNER]: "guardian" } },
  });
  k.put("roles", { metadata: { name: "kube-role", namespace: "kube-system" } });
  k.put("roles", { metadata: { name: "seam-role", namespace: "seam-system" } });
  k.put("clusterroles", { metadata: { name: "system:node" } });
  k.put("clusterroles", { metadata: { name: "cluster-admin" } });
  k.put("clusterrolebindings", { metadata: { name: "system:basic-user" } });
  k.put("clusterrolebindings", { metadata: { name: "cluster-admin" } });
  return k;
}

function sweepOf(k: FakeKube, guardian = true) {
  const gate = new EnforcementGate(log);
  const marker = new GateMarker(k, "ont-system", "t1", clock);
  const sweep = new TenantBootstrapSweep({
    client: k,
    clusterRef: "t1",
    log,
    metrics: new Metrics(),
    gate,
    marker,
    guardianServed: () => Promise.resolve(guardian),
  });
  return { gate, marker, sweep };
}

const ann = (k: FakeKube, plural: string, ns: string | undefined, name: string) =>
  (k.find(plural, ns, name)?.metadata.annotations ?? {}) as Record<string, string>;

Deno.test("sweep phase 1: app RBAC annotated; kube-* and exempt namespaces and system: cluster objects skipped; owned not patched (W-1)", async () => {
  const k = cluster();
  const { sweep } = sweepOf(k);
  const r = await sweep.run();
  for (
    const [p, n] of [["roles", "app-role"], ["rolebindings", "app-rb"], [
      "serviceaccounts",
      "app-sa",
    ]] as const
  ) {
    assertEquals(ann(k, p, "apps", n)[ANNOTATION_RBAC_OWNER], "guardian");
    assertEquals(ann(k, p, "apps", n)[ANNOTATION_ENFORCEMENT_MODE], "audit");
  }
  assertEquals(ann(k, "roles", "kube-system", "kube-role")[ANNOTATION_RBAC_OWNER], undefined);
  assertEquals(ann(k, "roles", "seam-system", "seam-role")[ANNOTATION_RBAC_OWNER], undefined);
  assertEquals(ann(k, "clusterroles", undefined, "system:node")[ANNOTATION_RBAC_OWNER], undefined);
  assertEquals(ann(k, "clusterroles", undefined, "cluster-admin")[ANNOTATION_RBAC_OWNER], "guardian");
  assertEquals(ann(k, "clusterrolebindings", undefined, "cluster-admin")[ANNOTATION_RBAC_OWNER], "guardian");
  assert(!k.writes.some((w) => w.path.endsWith("/serviceaccounts/owned")), "already owned: not patched");
  assertEquals(r.annotated, 5);
  // a second run patches nothing
  const before = k.writes.length;
  await sweep.run();
  assertEquals(k.writes.slice(before).filter((w) => !w.path.includes("/leases/")), []);
});

Deno.test("sweep phase 2: component profiles where the SA lives; hint wins; absent SA ⇒ nothing; idempotent (W-2)", async () => {
  const k = cluster();
  k.put("serviceaccounts", { metadata: { name: "cert-manager", namespace: "other-ns" } });
  k.put("serviceaccounts", { metadata: { name: "cert-manager", namespace: "cert-manager" } });
  k.put("namespaces", { metadata: { name: "cert-manager" } });
  k.put("serviceaccounts", { metadata: { name: "kueue-controller-manager", namespace: "tools" } });
  const { sweep } = sweepOf(k);
  const r = await sweep.run();
  assertEquals(r.created, 6);
  assert(k.find("permissionsets", "cert-manager", "cert-manager-baseline"));
  assertEquals(k.find("permissionsets", "other-ns", "cert-manager-baseline"), undefined);
  const prof = k.find("rbacprofiles", "tools", "rbac-kueue")!;
  assertEquals(
    (prof.spec as Record<string, unknown>).principalRef,
    "system:serviceaccount:tools:kueue-controller-manager",
  );
  assertEquals((prof.spec as Record<string, unknown>).targetClusters, ["t1"]);
  assertEquals(prof.metadata.labels, {
    "ontai.dev/managed-by": "conductor",
    "ontai.dev/component": "kueue",
    "ontai.dev/rbac-profile-type": "third-party",
  });
  assertEquals(
    (k.find("rbacpolicies", "tools", "kueue-rbac-policy")!.spec as Record<string, unknown>).enforcementMode,
    "strict",
  );
  assertEquals(k.find("rbacprofiles", "tools", "rbac-cnpg"), undefined);
  assertEquals((await sweep.run()).created, 0);
});

Deno.test("sweep: guardian CRDs absent ⇒ phase 2 skipped with success, gate strict (W-2, C-D10)", async () => {
  const k = cluster();
  k.put("serviceaccounts", { metadata: { name: "cert-manager", namespace: "cert-manager" } });
  const { sweep, gate } = sweepOf(k, false);
  const r = await sweep.run();
  assertEquals(r.guardianAbsent, true);
  assertEquals(r.created, 0);
  assertEquals(gate.mode(), "strict");
});

Deno.test("gate: permissive until a successful run; a failed run leaves it; strict is persisted and observed by other replicas (W-3, §3.4)", async () => {
  const k = cluster();
  const { sweep, gate } = sweepOf(k);
  assertEquals(gate.mode(), "permissive");
  assert(gate.metricLines().endsWith("conductor_enforcement_gate_strict 0"));
  const real = k.request.bind(k);
  k.request =
    ((m: string, p: string, i?: { body?: unknown }) =>
      m === "PATCH" && p.includes("/clusterroles/")
        ? Promise.reject(new Error("forbidden"))
        : real(m, p, i)) as typeof k.request;
  let failed = false;
  await sweep.run().catch(() => failed = true);
  assert(failed);
  assertEquals(gate.mode(), "permissive");
  k.request = real as typeof k.request;
  // no receipt yet: the marker goes on the Lease
  k.put("leases", { metadata: { name: "conductor-t1", namespace: "ont-system" } });
  await sweep.run();
  assertEquals(gate.mode(), "strict");
  assert(gate.metricLines().endsWith("conductor_enforcement_gate_strict 1"));
  assertEquals(ann(k, "leases", "ont-system", "conductor-t1")[ANNOTATION_ENFORCEMENT_MODE], "strict");
  // another replica observes it
  const other = new EnforcementGate();
  await new GateObserver(new GateMarker(k, "ont-system", "t1", clock), other).pass();
  assertEquals(other.mode(), "strict");
  other.setStrict("again"); // idempotent
  assertEquals(other.mode(), "strict");
});

Deno.test("gate marker: condition RBACBaselineReady on receipt-{cluster} when the receipt exists", async () => {
  const k = cluster();
  k.put(
    "permissionsnapshotreceipts",
    {
      metadata: { name: "receipt-t1", namespace: "ont-system" },
      status: { conditions: [{ type: "Other", status: "True" }] },
    } as never,
  );
  const { sweep } = sweepOf(k);
  await sweep.run();
  const conds = (k.find("permissionsnapshotreceipts", "ont-system", "receipt-t1")!.status as {
    conditions: { type: string; status: string }[];
  }).conditions;
  assertEquals(conds.map((c) => [c.type, c.status]), [["Other", "True"], ["RBACBaselineReady", "True"]]);
  const g = new EnforcementGate();
  await new GateObserver(new GateMarker(k, "ont-system", "t1", clock), g).pass();
  assertEquals(g.mode(), "strict");
});

Deno.test("sweep loop: runs on start and then every (injected) interval", async () => {
  const k = cluster();
  const { sweep } = sweepOf(k);
  let runs = 0;
  const loop = new PeriodicLoop({
    name: "bootstrap-sweep",
    intervalMs: 20,
    pass: async () => {
      runs++;
      await sweep.pass();
    },
    log,
    metrics: new Metrics(),
    clock,
  });
  const ac = new AbortController();
  const done = loop.start(ac.signal);
  await new Promise((r) => setTimeout(r, 110));
  ac.abort();
  await done;
  assert(runs >= 3, `runs=${runs}`);
});
