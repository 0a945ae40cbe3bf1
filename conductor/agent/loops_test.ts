/** The loops' reconcile logic against an in-memory API server (no cluster). */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { ManualClock } from "../../shared/clock.ts";
import { conductorLogger, memoryWriter } from "../../shared/logger.ts";
import {
  ANNOTATION_MANAGEMENT_SIGNATURE,
  ANNOTATION_MANAGEMENT_SPEC_HASH,
  ANNOTATION_PACK_SIGNATURE,
  generateKeyPairPem,
  KeyRing,
  loadPrivateKeyPem,
  loadPublicKeysPem,
  Signer,
} from "../../shared/signing/mod.ts";
import { EXECUTE_CAPABILITIES } from "../../shared/capabilities.ts";
import { FakeKube } from "./_fake_kube.ts";
import { CapabilityPublisher } from "./capability_publisher.ts";
import { Metrics } from "./metrics.ts";
import { PackPullLoop } from "./pack_pull.ts";
import { SigningLoop } from "./signing_loop.ts";
import { SnapshotPullLoop } from "./snapshot_pull.ts";
import { Verifier } from "./verifier.ts";

const log = conductorLogger({ writer: memoryWriter() });
const clock = new ManualClock("2026-03-01T00:00:00Z");
const k1 = await generateKeyPairPem();
const k2 = await generateKeyPairPem();
const signer1 = new Signer(await loadPrivateKeyPem(k1.privatePem));
const signer2 = new Signer(await loadPrivateKeyPem(k2.privatePem));
const ring1 = new KeyRing(await loadPublicKeysPem(k1.publicPem));

type O = {
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: { type: string; status: string }[] };
  data?: Record<string, string>;
};
const cond = (o: O | undefined, t: string) => o?.status?.conditions?.find((c) => c.type === t)?.status;

function mgmtWithObjects(): FakeKube {
  const m = new FakeKube();
  m.put("packdeliveries", {
    metadata: { name: "nginx", namespace: "seam-tenant-t1" },
    spec: { version: "1", registryRef: { url: "u", digest: "" } },
  });
  m.put("packinstalleds", {
    metadata: { name: "nginx-t1", namespace: "seam-tenant-t1" },
    spec: { clusterPackRef: "nginx", targetClusterRef: "t1", version: "1" },
  });
  m.put("permissionsnapshots", {
    metadata: { name: "s", namespace: "seam-system" },
    spec: { targetCluster: "t1", version: "2026-01-01T00:00:00Z", generatedAt: "2026-01-01T00:00:00Z" },
  });
  return m;
}

Deno.test("signing loop signs all three kinds once; a second pass writes nothing", async () => {
  const m = mgmtWithObjects();
  const loop = new SigningLoop({ client: m, signer: signer1, log, metrics: new Metrics() });
  await loop.pass();
  const pd = m.find("packdeliveries", "seam-tenant-t1", "nginx") as O;
  assert((await ring1.verifySpec(pd.spec, pd.metadata.annotations![ANNOTATION_PACK_SIGNATURE])).ok);
  const pi = m.find("packinstalleds", "seam-tenant-t1", "nginx-t1") as O;
  assert((await ring1.verifySpec(pi.spec, pi.metadata.annotations![ANNOTATION_MANAGEMENT_SIGNATURE])).ok);
  const sec = m.find("secrets", "seam-tenant-t1", "seam-pack-signed-t1-nginx-t1") as O;
  assert(sec?.data?.artifact && sec.data.signature);
  const ps = m.find("permissionsnapshots", "seam-system", "s") as O;
  assertEquals(ps.status?.signed, true);
  assert(ps.metadata.annotations![ANNOTATION_MANAGEMENT_SPEC_HASH]);
  const n = m.writes.length;
  await loop.pass();
  assertEquals(m.writes.length, n, "idempotent");
});

Deno.test("signing loop re-signs on spec change (spec hash) and on key rotation", async () => {
  const m = mgmtWithObjects();
  await new SigningLoop({ client: m, signer: signer1, log, metrics: new Metrics() }).pass();
  const ps = m.find("permissionsnapshots", "seam-system", "s")!;
  (ps.spec as Record<string, unknown>).version = "2026-02-01T00:00:00Z";
  m.put("permissionsnapshots", ps);
  await new SigningLoop({ client: m, signer: signer1, log, metrics: new Metrics() }).pass();
  const after = m.find("permissionsnapshots", "seam-system", "s") as O;
  assert(
    (await ring1.verifySpec(after.spec, after.metadata.annotations![ANNOTATION_MANAGEMENT_SIGNATURE])).ok,
  );
  await new SigningLoop({ client: m, signer: signer2, log, metrics: new Metrics() }).pass();
  const ring2 = new KeyRing([signer2.key.publicKey]);
  for (
    const [pl, ns, name, key] of [
      ["packdeliveries", "seam-tenant-t1", "nginx", ANNOTATION_PACK_SIGNATURE],
      ["packinstalleds", "seam-tenant-t1", "nginx-t1", ANNOTATION_MANAGEMENT_SIGNATURE],
      ["permissionsnapshots", "seam-system", "s", ANNOTATION_MANAGEMENT_SIGNATURE],
    ] as const
  ) {
    const o = m.find(pl, ns, name) as O;
    assert((await ring2.verifySpec(o.spec, o.metadata.annotations![key])).ok, pl);
  }
});

function tenantSide(m: FakeKube, ring: KeyRing | undefined, allowUnsigned = false) {
  const local = new FakeKube();
  const metrics = new Metrics();
  const verifier = new Verifier(ring, allowUnsigned, log, metrics);
  const common = { mgmt: m, local, clusterRef: "t1", namespace: "ont-system", verifier, clock, log };
  return { local, metrics, snap: new SnapshotPullLoop(common), packs: new PackPullLoop(common) };
}

Deno.test("tenant: verified objects give receipts; passes are idempotent", async () => {
  const m = mgmtWithObjects();
  await new SigningLoop({ client: m, signer: signer1, log, metrics: new Metrics() }).pass();
  const { local, snap, packs } = tenantSide(m, ring1);
  await snap.pass();
  await packs.pass();
  const r = local.find("permissionsnapshotreceipts", "ont-system", "receipt-t1") as O;
  assertEquals(r.spec?.snapshotVersion, "2026-01-01T00:00:00Z");
  assertEquals(r.status?.syncStatus, "InSync");
  assertEquals(r.status?.degradedSecurityState, false);
  const pr = local.find("packreceipts", "ont-system", "nginx-t1") as O;
  assertEquals(pr.status?.verified, true);
  assertEquals(pr.spec?.clusterPackRef, "nginx");
  assertEquals(
    (m.find("permissionsnapshots", "seam-system", "s") as O).status?.lastAckedVersion,
    "2026-01-01T00:00:00Z",
  );
  assertEquals(snap.store?.version, "2026-01-01T00:00:00Z");
  const n = local.writes.length + m.writes.length;
  await snap.pass();
  await packs.pass();
  assertEquals(local.writes.length + m.writes.length, n, "idempotent");
});

Deno.test("tenant: tampering or a wrong key gives no receipt and DegradedSecurityState", async () => {
  const m = mgmtWithObjects();
  await new SigningLoop({ client: m, signer: signer2, log, metrics: new Metrics() }).pass(); // k2: not trusted
  const { local, snap, packs, metrics } = tenantSide(m, ring1);
  await snap.pass();
  await packs.pass();
  assertEquals(local.find("permissionsnapshotreceipts", "ont-system", "receipt-t1"), undefined);
  assertEquals(local.find("packreceipts", "ont-system", "nginx-t1"), undefined);
  assertEquals(cond(m.find("permissionsnapshots", "seam-system", "s") as O, "DegradedSecurityState"), "True");
  assertEquals(
    cond(m.find("packinstalleds", "seam-tenant-t1", "nginx-t1") as O, "DegradedSecurityState"),
    "True",
  );
  assertEquals(snap.store, undefined);
  assertEquals(
    metrics.value("conductor_verifications_total", { kind: "PermissionSnapshot", result: "failed" }),
    1,
  );

  // now trusted: receipts appear; then the artifact is tampered → receipt degraded, never verified
  const ok = tenantSide(m, new KeyRing([signer2.key.publicKey, ...ring1.keys]));
  await ok.packs.pass();
  assertEquals((ok.local.find("packreceipts", "ont-system", "nginx-t1") as O).status?.verified, true);
  const sec = m.find("secrets", "seam-tenant-t1", "seam-pack-signed-t1-nginx-t1")!;
  (sec.data as Record<string, string>).artifact = btoa('{"clusterPackRef":"evil"}');
  m.put("secrets", sec);
  await ok.packs.pass();
  const pr = ok.local.find("packreceipts", "ont-system", "nginx-t1") as O;
  assertEquals(pr.status?.verified, false);
  assertEquals(cond(pr, "Verified"), "False");
  assertEquals(cond(pr, "DegradedSecurityState"), "True");
  assertEquals(pr.spec?.clusterPackRef, "nginx", "a failed verification never rewrites the receipt's spec");
});

Deno.test("tenant: without a key, objects are refused unless the bootstrap window is enabled", async () => {
  const m = mgmtWithObjects();
  const refused = tenantSide(m, undefined, false);
  await refused.snap.pass();
  assertEquals(refused.local.find("permissionsnapshotreceipts", "ont-system", "receipt-t1"), undefined);
  const open = tenantSide(mgmtWithObjects(), undefined, true);
  await open.snap.pass();
  const r = open.local.find("permissionsnapshotreceipts", "ont-system", "receipt-t1") as O;
  assertEquals(r.status?.syncStatus, "InSync");
});

Deno.test("snapshot pull takes the greatest version targeting this cluster", async () => {
  const m = mgmtWithObjects();
  m.put("permissionsnapshots", {
    metadata: { name: "s2", namespace: "seam-system" },
    spec: { targetCluster: "t1", version: "2026-05-01T00:00:00Z" },
  });
  m.put("permissionsnapshots", {
    metadata: { name: "other", namespace: "seam-system" },
    spec: { targetCluster: "t2", version: "2027-01-01T00:00:00Z" },
  });
  await new SigningLoop({ client: m, signer: signer1, log, metrics: new Metrics() }).pass();
  const { local, snap } = tenantSide(m, ring1);
  await snap.pass();
  assertEquals(
    (local.find("permissionsnapshotreceipts", "ont-system", "receipt-t1") as O).spec?.snapshotVersion,
    "2026-05-01T00:00:00Z",
  );
});

Deno.test("capability publisher: sorted manifest, version and leader; no write when unchanged", async () => {
  const k = new FakeKube();
  k.put("runnerconfigs", { metadata: { name: "m1", namespace: "ont-system" }, spec: {} });
  let leader = "pod-a";
  const p = new CapabilityPublisher({
    client: k,
    namespace: "ont-system",
    clusterRef: "m1",
    leader: () => leader,
    clock,
    log,
    version: "9.9.9",
  });
  await p.pass();
  const st = (k.find("runnerconfigs", "ont-system", "m1") as O).status!;
  assertEquals(st.agentLeader, "pod-a");
  assertEquals(st.agentVersion, "9.9.9");
  assertEquals((st.capabilities as { name: string }[]).map((c) => c.name), [...EXECUTE_CAPABILITIES].sort());
  const n = k.writes.length;
  await p.pass();
  assertEquals(k.writes.length, n);
  leader = "pod-b";
  await p.pass();
  assertEquals((k.find("runnerconfigs", "ont-system", "m1") as O).status!.agentLeader, "pod-b");
});

Deno.test("capability publisher: 5 passes without the own RunnerConfig raise one DriftSignal", async () => {
  const k = new FakeKube();
  const p = new CapabilityPublisher({
    client: k,
    namespace: "ont-system",
    clusterRef: "m1",
    leader: () => "x",
    clock,
    log,
  });
  for (let i = 0; i < 5; i++) await p.pass();
  const ds = k.find("driftsignals", "seam-tenant-m1", "drift-runnerconfig-m1") as O;
  assertEquals(ds.spec?.state, "pending");
  assertEquals((ds.spec?.affectedCRRef as { kind: string }).kind, "RunnerConfig");
});

Deno.test("writes are refused when the write guard says so (fencing)", async () => {
  const m = mgmtWithObjects();
  m.writeGuard = () => "not the leader";
  await new SigningLoop({ client: m, signer: signer1, log, metrics: new Metrics() }).pass();
  assertEquals(m.writes.length, 0);
});
