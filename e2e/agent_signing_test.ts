// Signing on management and verification on the tenant with real agents (`deno run -P=conductor
// conductor/main.ts agent`, ServiceAccount kubeconfigs with only the RBAC each role needs) on two
// real kube-apiservers. Signed objects verify and receipts are written; a tampered object or a key
// the tenant does not trust gives no receipt and DegradedSecurityState; a key ring (new + old)
// accepts a rotated key.
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import {
  ANNOTATION_MANAGEMENT_SIGNATURE,
  ANNOTATION_MANAGEMENT_SPEC_HASH,
  ANNOTATION_PACK_SIGNATURE,
  ANNOTATION_SIGNING_KEY_ID,
  canonicalJson,
  generateKeyPairPem,
  KeyRing,
  loadPublicKeysPem,
  sha256Hex,
} from "../shared/signing/mod.ts";
import { apiVersionOf } from "../schemas/names.ts";
import { saKubeconfig, startClusters } from "./cluster/mod.ts";
import {
  AgentProc,
  deniedNeeds,
  enableConductorRbac,
  enableManagementSideRbac,
  eventually,
  installCrds,
  kpath,
  managementNeeds,
  namespaces,
  needText,
  runCompilerEnable,
  tenantLocalNeeds,
  tenantOnManagementNeeds,
  writeTemp,
} from "./agent_support_test.ts";
import { apply } from "./cluster/mod.ts";

const T = "t1";
const ONT = "ont-system";
const TNS = `seam-tenant-${T}`;
const SEAM = "seam-system";

type Cond = { type: string; status: string; reason: string };
type Obj = {
  metadata: { name: string; annotations?: Record<string, string>; resourceVersion?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Cond[] };
  data?: Record<string, string>;
};
const cond = (o: Obj | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);
const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const unb64 = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));

Deno.test({
  name: "e2e agent signing: management signs, tenant verifies; tampering and wrong keys give no receipt",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const clusters = await startClusters();
    const { management: mgmt, tenant } = clusters;
    const agents: AgentProc[] = [];
    const dir = await Deno.makeTempDir({ prefix: "agent-signing-" });
    try {
      await Promise.all([installCrds(mgmt), installCrds(tenant)]);
      await namespaces(mgmt, [ONT, SEAM, TNS]);
      await namespaces(tenant, [ONT]);
      const k1 = await generateKeyPairPem();
      const k2 = await generateKeyPairPem();
      const files = {
        k1priv: await writeTemp(dir, "k1.pem", k1.privatePem),
        k1pub: await writeTemp(dir, "k1.pub", k1.publicPem),
        k2priv: await writeTemp(dir, "k2.pem", k2.privatePem),
        k2pub: await writeTemp(dir, "k2.pub", k2.publicPem),
        ring: await writeTemp(dir, "ring.pub", k2.publicPem + k1.publicPem),
      };
      // Both agents run as ont-system/conductor with the RBAC `compiler enable` emits for their role.
      const csa = { namespace: ONT, name: "conductor" };
      const mgmtBundle = await runCompilerEnable(`${dir}/enable-mgmt`, ["--cluster-name", "mgmt"]);
      const tenantBundle = await runCompilerEnable(`${dir}/enable-tenant`, [
        "--cluster-name",
        T,
        "--cluster-role",
        "tenant",
        "--management-signing-public-key",
        files.k1pub,
      ]);
      await apply(mgmt.client, await enableConductorRbac(mgmtBundle), { fieldManager: "compiler-enable" });
      await apply(tenant.client, await enableConductorRbac(tenantBundle), {
        fieldManager: "compiler-enable",
      });
      // The tenant agent's identity on management: the tenant bundle's management-side/ (applied there).
      await apply(mgmt.client, await enableManagementSideRbac(tenantBundle), {
        fieldManager: "compiler-enable",
      });
      const mgmtKc = await saKubeconfig(mgmt, ONT, "conductor", { create: false });
      const tenantKc = await saKubeconfig(tenant, ONT, "conductor", { create: false });
      const remoteSa = { namespace: TNS, name: `conductor-${T}` };
      const remoteKc = await saKubeconfig(mgmt, TNS, remoteSa.name, { create: false });

      await t.step("compiler enable's RBAC covers what each agent does (no hand-granted rules)", async () => {
        // (the authorizer sees new bindings within a moment)
        const settle = (what: string, f: () => Promise<unknown[]>) =>
          eventually(what, 10_000, async () => (await f()).length === 0).catch(async () => {
            assertEquals(await f(), [], what);
          });
        await settle(
          "management: enable's RBAC (Guardian-provisioned profile) is short",
          async () => (await deniedNeeds(mgmt, csa, managementNeeds("mgmt", [T]))).map(needText),
        );
        await settle(
          "tenant: enable's tenant ClusterRole is short",
          async () => (await deniedNeeds(tenant, csa, tenantLocalNeeds(T))).map(needText),
        );
        await settle(
          "tenant on management: enable's management-side/ RBAC is short",
          async () => (await deniedNeeds(mgmt, remoteSa, tenantOnManagementNeeds(T))).map(needText),
        );
      });

      const mgmtEnv = (priv: string, pub: string) => ({
        CONDUCTOR_ROLE: "management",
        CLUSTER_REF: "mgmt",
        POD_NAMESPACE: ONT,
        KUBECONFIG: mgmtKc,
        SIGNING_PRIVATE_KEY_PATH: priv,
        SIGNING_PUBLIC_KEY_PATH: pub,
        CONDUCTOR_LOOP_INTERVAL_MS: "1000",
      });
      const tenantEnv = (pub: string) => ({
        CONDUCTOR_ROLE: "tenant",
        CLUSTER_REF: T,
        POD_NAMESPACE: ONT,
        KUBECONFIG: tenantKc,
        MGMT_KUBECONFIG_PATH: remoteKc,
        SIGNING_PUBLIC_KEY_PATH: pub,
        CONDUCTOR_LOOP_INTERVAL_MS: "1000",
        CONDUCTOR_SWEEP_INTERVAL_MS: "2000",
      });

      // management objects
      const post = (
        kind: Parameters<typeof kpath>[0],
        ns: string,
        name: string,
        spec: Record<string, unknown>,
      ) =>
        mgmt.client.post(kpath(kind, ns), {
          apiVersion: apiVersionOf(kind),
          kind,
          metadata: { name, namespace: ns },
          spec,
        });
      await post("PackDelivery", TNS, "nginx", {
        version: "1.0.0",
        chartName: "nginx <ingress> & co\u2028",
        registryRef: { url: "oci://registry.local/packs/nginx", digest: "sha256:abc" },
        targetClusters: [T],
        rollbackToRevision: 0,
      });
      await post("PackInstalled", TNS, `nginx-${T}`, {
        clusterPackRef: "nginx",
        targetClusterRef: T,
        version: "1.0.0",
        chartName: "nginx <ingress> & co",
      });
      const snapV1 = "2026-01-01T00:00:00Z";
      await post("PermissionSnapshot", SEAM, `snapshot-${T}`, {
        targetCluster: T,
        version: snapV1,
        generatedAt: snapV1,
        subjects: [{
          subjectKind: "ServiceAccount",
          subjectName: "app<1>",
          namespace: "apps",
          permissions: [{ resources: ["pods"], verbs: ["get"] }],
        }],
      });

      let m = new AgentProc("mgmt-0", mgmtEnv(files.k1priv, files.k1pub));
      agents.push(m);
      let ten = new AgentProc("tenant-0", tenantEnv(files.k1pub));
      agents.push(ten);
      const ring1 = new KeyRing(await loadPublicKeysPem(k1.publicPem));
      const get = (c: typeof mgmt, p: string) => c.client.get<Obj>(p).catch(() => undefined);

      await t.step(
        "management signs PackDelivery, PackInstalled (+ artifact Secret) and PermissionSnapshot",
        async () => {
          const pd = await eventually("PackDelivery signed", 60_000, async () => {
            const o = await get(mgmt, kpath("PackDelivery", TNS, "nginx"));
            return o?.metadata.annotations?.[ANNOTATION_PACK_SIGNATURE] ? o : undefined;
          });
          assert((await ring1.verifySpec(pd.spec, pd.metadata.annotations![ANNOTATION_PACK_SIGNATURE])).ok);
          assertEquals(pd.metadata.annotations![ANNOTATION_SIGNING_KEY_ID], k1.keyId);
          const pi = await eventually("PackInstalled signed", 30_000, async () => {
            const o = await get(mgmt, kpath("PackInstalled", TNS, `nginx-${T}`));
            return o?.metadata.annotations?.[ANNOTATION_MANAGEMENT_SIGNATURE] ? o : undefined;
          });
          const bytes = new TextEncoder().encode(canonicalJson(pi.spec));
          assertEquals(pi.metadata.annotations![ANNOTATION_MANAGEMENT_SPEC_HASH], await sha256Hex(bytes));
          const sec = await eventually(
            "artifact Secret",
            30_000,
            () => get(mgmt, `/api/v1/namespaces/${TNS}/secrets/seam-pack-signed-${T}-nginx-${T}`),
          );
          assertEquals(unb64(sec.data!.artifact!), canonicalJson(pi.spec));
          assert(unb64(sec.data!.artifact!).includes("\\u003cingress\\u003e \\u0026 co"));
          const ps = await eventually("PermissionSnapshot signed", 30_000, async () => {
            const o = await get(mgmt, kpath("PermissionSnapshot", SEAM, `snapshot-${T}`));
            return o?.status?.signed === true ? o : undefined;
          });
          assert(
            (await ring1.verifySpec(ps.spec, ps.metadata.annotations![ANNOTATION_MANAGEMENT_SIGNATURE])).ok,
          );
        },
      );

      await t.step(
        "the tenant verifies and writes receipts; management sees the acknowledgement",
        async () => {
          const r = await eventually("receipt-t1 acknowledged", 60_000, async () => {
            const o = await get(tenant, kpath("PermissionSnapshotReceipt", ONT, `receipt-${T}`));
            return o?.status?.syncStatus === "InSync" ? o : undefined;
          });
          assertEquals(r.spec!.snapshotVersion, snapV1);
          assertEquals(r.status!.degradedSecurityState, false);
          const pr = await eventually("PackReceipt verified", 30_000, async () => {
            const o = await get(tenant, kpath("PackReceipt", ONT, `nginx-${T}`));
            return o?.status?.verified === true ? o : undefined;
          });
          assertEquals(cond(pr, "Verified")?.status, "True");
          assertEquals(pr.spec!.clusterPackRef, "nginx");
          assertEquals(pr.spec!.signatureRef, `seam-pack-signed-${T}-nginx-${T}`);
          await eventually(
            "lastAckedVersion on management",
            30_000,
            async () =>
              (await get(mgmt, kpath("PermissionSnapshot", SEAM, `snapshot-${T}`)))?.status
                ?.lastAckedVersion === snapV1,
          );
          // idempotent: a verified receipt is not rewritten on later passes
          const rv = pr.metadata.resourceVersion;
          await new Promise((res) => setTimeout(res, 3_000));
          assertEquals(
            (await get(tenant, kpath("PackReceipt", ONT, `nginx-${T}`)))?.metadata.resourceVersion,
            rv,
          );
        },
      );

      const snapV2 = "2026-02-01T00:00:00Z";
      await t.step(
        "tampered objects (no management signer running): no receipt, DegradedSecurityState",
        async () => {
          assertEquals((await m.stop()).code, 0, m.dump());
          // snapshot spec changed without a new signature
          await mgmt.client.json("PATCH", kpath("PermissionSnapshot", SEAM, `snapshot-${T}`), {
            body: {
              spec: {
                version: snapV2,
                subjects: [{
                  subjectKind: "User",
                  subjectName: "mallory",
                  permissions: [{ resources: ["*"], verbs: ["*"] }],
                }],
              },
            },
            contentType: "application/merge-patch+json",
          });
          // artifact bytes changed, signature kept
          const secPath = `/api/v1/namespaces/${TNS}/secrets/seam-pack-signed-${T}-nginx-${T}`;
          const sec = await mgmt.client.get<Obj>(secPath);
          const forged = unb64(sec.data!.artifact!).replace('"version":"1.0.0"', '"version":"6.6.6"');
          await mgmt.client.json("PATCH", secPath, {
            body: { data: { artifact: b64(forged) } },
            contentType: "application/merge-patch+json",
          });
          // a delivery that was never signed by management at all
          await post("PackDelivery", TNS, "redis", {
            version: "7.0.0",
            registryRef: { url: "oci://registry.local/packs/redis", digest: "sha256:def" },
            targetClusters: [T],
          });
          await post("PackInstalled", TNS, `redis-${T}`, {
            clusterPackRef: "redis",
            targetClusterRef: T,
            version: "7.0.0",
          });
          await mgmt.client.post(`/api/v1/namespaces/${TNS}/secrets`, {
            metadata: { name: `seam-pack-signed-${T}-redis-${T}` },
            data: { artifact: b64('{"clusterPackRef":"redis"}'), signature: btoa("x".repeat(64)) },
          });

          const r = await eventually("receipt-t1 degraded", 60_000, async () => {
            const o = await get(tenant, kpath("PermissionSnapshotReceipt", ONT, `receipt-${T}`));
            return o?.status?.degradedSecurityState === true ? o : undefined;
          });
          assertEquals(r.status!.syncStatus, "DegradedSecurityState");
          assert(String(r.status!.degradedReason).includes("verification failed"), JSON.stringify(r.status));
          assertEquals(
            r.spec!.snapshotVersion,
            snapV1,
            "the receipt must not advance to an unverified version",
          );
          assertEquals(r.status!.degradedSecurityState, true);
          const pr = await eventually("PackReceipt degraded", 30_000, async () => {
            const o = await get(tenant, kpath("PackReceipt", ONT, `nginx-${T}`));
            return o?.status?.verified === false ? o : undefined;
          });
          assertEquals(cond(pr, "Verified")?.status, "False");
          assertEquals(cond(pr, "DegradedSecurityState")?.status, "True");
          const redisPi = await eventually("redis PackInstalled degraded", 30_000, async () => {
            const o = await get(mgmt, kpath("PackInstalled", TNS, `redis-${T}`));
            return cond(o, "DegradedSecurityState")?.status === "True" ? o : undefined;
          });
          assertEquals(cond(redisPi, "DegradedSecurityState")?.reason, "SignatureVerificationFailed");
          assertEquals(await tenant.client.status(kpath("PackReceipt", ONT, `redis-${T}`)), 404);
        },
      );

      await t.step(
        "a key the tenant does not trust: everything re-signed with it still gives no receipt",
        async () => {
          m = new AgentProc("mgmt-1", mgmtEnv(files.k2priv, files.k2pub));
          agents.push(m);
          await eventually("re-signed with k2", 60_000, async () => {
            const o = await get(mgmt, kpath("PermissionSnapshot", SEAM, `snapshot-${T}`));
            return o?.metadata.annotations?.[ANNOTATION_SIGNING_KEY_ID] === k2.keyId;
          });
          await eventually("artifact republished", 30_000, async () => {
            const s = await get(mgmt, `/api/v1/namespaces/${TNS}/secrets/seam-pack-signed-${T}-nginx-${T}`);
            return s && !unb64(s.data!.artifact!).includes("6.6.6");
          });
          const since = ten.lines.length;
          await eventually("tenant rejects with the k1 ring", 30_000, () =>
            Promise.resolve(
              ten.lines.slice(since).filter((l) => l.msg === "signature verification failed").length >= 3,
            ));
          const r = await get(tenant, kpath("PermissionSnapshotReceipt", ONT, `receipt-${T}`));
          assertEquals(r!.spec!.snapshotVersion, snapV1);
          assertEquals(r!.status!.degradedSecurityState, true);
          assertEquals((await get(tenant, kpath("PackReceipt", ONT, `nginx-${T}`)))!.status!.verified, false);
          assertEquals(await tenant.client.status(kpath("PackReceipt", ONT, `redis-${T}`)), 404);
        },
      );

      await t.step("a key ring with the new and the old key accepts the rotated signatures", async () => {
        assertEquals((await ten.stop()).code, 0, ten.dump());
        ten = new AgentProc("tenant-1", tenantEnv(files.ring));
        agents.push(ten);
        const r = await eventually("receipt advanced to v2", 60_000, async () => {
          const o = await get(tenant, kpath("PermissionSnapshotReceipt", ONT, `receipt-${T}`));
          return o?.spec?.snapshotVersion === snapV2 && o.status?.degradedSecurityState === false
            ? o
            : undefined;
        });
        assertEquals(r.status!.degradedSecurityState, false);
        await eventually(
          "nginx receipt verified again",
          30_000,
          async () => (await get(tenant, kpath("PackReceipt", ONT, `nginx-${T}`)))?.status?.verified === true,
        );
        await eventually(
          "redis receipt created once signed",
          30_000,
          async () => (await get(tenant, kpath("PackReceipt", ONT, `redis-${T}`)))?.status?.verified === true,
        );
        const metrics = await ten.metrics();
        assert(
          /conductor_verifications_total\{kind="PermissionSnapshot",result="ok"\} [1-9]/.test(metrics),
          metrics,
        );
        assert(/conductor_sign_duration_seconds_count\{kind="PackInstalled"\} [1-9]/.test(await m.metrics()));
      });

      await t.step(
        "drift: a deleted inventoried object raises drift-{receipt}, management queues it (PackExecution deleted), restoring confirms; version drift from the nodes; a deleted PackDelivery tears the pack down",
        async () => {
          const tc = tenant.client;
          const json = (method: string, path: string, body: unknown, ct = "application/merge-patch+json") =>
            tc.json(method, path, { body, contentType: ct });
          await namespaces(tenant, ["web", "cache"]);
          const deploy = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "nginx", namespace: "web" },
            spec: {
              selector: { matchLabels: { app: "nginx" } },
              template: {
                metadata: { labels: { app: "nginx" } },
                spec: { containers: [{ name: "nginx", image: "nginx" }] },
              },
            },
          };
          await tc.post("/apis/apps/v1/namespaces/web/deployments", deploy);
          await tc.post("/api/v1/namespaces/cache/configmaps", { metadata: { name: "redis-conf" } });
          // pack-deploy's records (PackReceipt named after the pack, with the inventory)
          const receipt = (name: string, inv: Record<string, string>[]) =>
            tc.post(kpath("PackReceipt", ONT), {
              apiVersion: apiVersionOf("PackReceipt"),
              kind: "PackReceipt",
              metadata: { name, namespace: ONT },
              spec: { clusterPackRef: name, targetClusterRef: T, deployedResources: inv },
            });
          await receipt("nginx", [{
            apiVersion: "apps/v1",
            kind: "Deployment",
            namespace: "web",
            name: "nginx",
          }]);
          await receipt("redis", [
            { apiVersion: "v1", kind: "ConfigMap", namespace: "cache", name: "redis-conf" },
            { apiVersion: "v1", kind: "Namespace", name: "cache" },
          ]);
          await post("PackExecution", TNS, `nginx-${T}`, {
            clusterPackRef: { name: "nginx", version: "1.0.0" },
            targetClusterRef: T,
          });
          await tc.delete("/apis/apps/v1/namespaces/web/deployments/nginx");
          const sigPath = (n: string) => kpath("DriftSignal", TNS, n);
          // With 1 s loops the tenant escalates a queued signal on its very next pass while the object is
          // still missing (conductor.md §4.8), so "queued" is visible only for moments. Freeze the tenant
          // once it has raised the signal, let management act, restore the object, then let it go on.
          await eventually(
            "drift-nginx raised by the tenant",
            60_000,
            () => get(mgmt, sigPath("drift-nginx")),
          );
          ten.kill("SIGSTOP");
          let resumed = false;
          const resume = () => {
            if (!resumed) ten.kill("SIGCONT");
            resumed = true;
          };
          let queued;
          try {
            queued = await eventually("drift-nginx queued by management", 60_000, async () => {
              const o = await get(mgmt, sigPath("drift-nginx"));
              return o?.spec?.state === "queued" ? o : undefined;
            });
          } catch (e) {
            resume();
            throw e;
          }
          assertEquals(queued.spec!.correctionJobRef, `nginx-${T}`);
          assertEquals(queued.spec!.affectedCRRef, {
            group: "apps",
            kind: "Deployment",
            namespace: "web",
            name: "nginx",
          });
          assertEquals(await mgmt.client.status(kpath("PackExecution", TNS, `nginx-${T}`)), 404);
          try {
            await tc.post("/apis/apps/v1/namespaces/web/deployments", deploy); // the redeploy
          } finally {
            resume();
          }
          const confirmed = await eventually("drift-nginx confirmed", 30_000, async () => {
            const o = await get(mgmt, sigPath("drift-nginx"));
            return o?.spec?.state === "confirmed" ? o : undefined;
          });
          assertEquals(confirmed.spec!.correlationID, "");

          // version drift: the local TalosCluster copy against the nodes
          await tc.post(kpath("TalosCluster", ONT), {
            apiVersion: apiVersionOf("TalosCluster"),
            kind: "TalosCluster",
            metadata: { name: T, namespace: ONT },
            spec: { mode: "import", role: "tenant", talosVersion: "v1.9.0", kubernetesVersion: "1.34.4" },
          });
          await tc.post("/api/v1/nodes", { metadata: { name: "node-1" } });
          const nodeInfo = (os: string, kubelet: string) =>
            json("PATCH", "/api/v1/nodes/node-1/status", {
              status: { nodeInfo: { osImage: os, kubeletVersion: kubelet } },
            }, "application/strategic-merge-patch+json");
          await nodeInfo("Talos (v1.9.3)", "v1.34.4");
          const tv = await eventually(
            "drift-version-t1",
            30_000,
            () => get(mgmt, sigPath(`drift-version-${T}`)),
          );
          assertEquals(tv.spec!.state, "pending", "management leaves version signals to platform");
          assertEquals(tv.spec!.driftReason, "talos version drift: spec=v1.9.0 observed=v1.9.3");
          assertEquals(await mgmt.client.status(sigPath(`drift-k8s-version-${T}`)), 404);
          await nodeInfo("Talos (v1.9.3)", "v1.34.5");
          const kv = await eventually(
            "drift-k8s-version-t1",
            30_000,
            () => get(mgmt, sigPath(`drift-k8s-version-${T}`)),
          );
          assertEquals(kv.spec!.driftReason, "kubernetes version drift: spec=1.34.4 observed=1.34.5");

          // teardown: the PackDelivery (and with it the PackInstalled and its artifact Secret) is deleted
          await mgmt.client.delete(kpath("PackDelivery", TNS, "redis"));
          await eventually(
            "redis torn down",
            60_000,
            async () =>
              (await tc.status(kpath("PackReceipt", ONT, "redis"))) === 404 &&
              (await tc.status("/api/v1/namespaces/cache/configmaps/redis-conf")) === 404,
          );
          await eventually("inventoried namespace deleted", 60_000, async () => {
            const ns = await tc.get<{ metadata: { deletionTimestamp?: string } }>("/api/v1/namespaces/cache")
              .catch(() => undefined);
            return ns === undefined || !!ns.metadata.deletionTimestamp;
          });
          assert(ten.lines.some((l) => l.msg === "orphaned pack: teardown"), ten.dump());
          const metrics = await ten.metrics();
          assert(/conductor_drift_detected_total\{kind="pack"\} [1-9]/.test(metrics), metrics);
        },
      );

      await t.step(
        "bootstrap sweep: ownership annotations on existing RBAC, component profiles, then the gate is strict and persisted",
        async () => {
          const tc = tenant.client;
          await namespaces(tenant, ["cert-manager"]);
          await tc.post("/api/v1/namespaces/cert-manager/serviceaccounts", {
            metadata: { name: "cert-manager" },
          });
          const prof = await eventually(
            "RBACProfile rbac-cert-manager",
            60_000,
            () =>
              tc.get<Obj>(kpath("RBACProfile", "cert-manager", "rbac-cert-manager")).catch(() => undefined),
          );
          assertEquals(prof.spec!.principalRef, "system:serviceaccount:cert-manager:cert-manager");
          assertEquals(prof.spec!.targetClusters, [T]);
          assertEquals(await tc.status(kpath("PermissionSet", "cert-manager", "cert-manager-baseline")), 200);
          assertEquals(await tc.status(kpath("RBACPolicy", "cert-manager", "cert-manager-rbac-policy")), 200);
          const owner = async (p: string) =>
            (await tc.get<Obj>(p)).metadata.annotations?.["ontai.dev/rbac-owner"];
          const rbac = "/apis/rbac.authorization.k8s.io/v1";
          await eventually(
            "cluster-admin owned",
            30_000,
            async () =>
              (await owner(`${rbac}/clusterroles/cluster-admin`)) === "guardian" &&
              (await owner(`${rbac}/clusterrolebindings/cluster-admin`)) === "guardian",
          );
          assertEquals(await owner(`${rbac}/clusterroles/system:node`), undefined);
          await eventually(
            "cert-manager SA owned",
            30_000,
            async () =>
              (await owner("/api/v1/namespaces/cert-manager/serviceaccounts/cert-manager")) === "guardian",
          );
          assertEquals(await owner("/api/v1/namespaces/kube-system/serviceaccounts/default"), undefined);
          await eventually(
            "strict marker on the Lease",
            30_000,
            async () =>
              (await tc.get<Obj>(`/apis/coordination.k8s.io/v1/namespaces/${ONT}/leases/conductor-${T}`))
                .metadata
                .annotations?.["ontai.dev/rbac-enforcement-mode"] === "strict",
          );
          await eventually(
            "gate metric strict",
            15_000,
            async () => (await ten.metrics()).includes("conductor_enforcement_gate_strict 1"),
          );
        },
      );
    } catch (e) {
      // deno-lint-ignore no-console
      for (const ag of agents) console.error(ag.dump());
      throw e;
    } finally {
      for (const ag of agents) await ag.stop();
      const dumpTo = Deno.env.get("SEAM_E2E_AGENT_LOGS");
      if (dumpTo) await Deno.writeTextFile(dumpTo, agents.map((a) => a.dump()).join("\n"));
      await clusters.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
