// deno-lint-ignore-file no-explicit-any
// compiler enable against a real kube-apiserver: third-party CRDs (cert-manager, kueue, cnpg — real
// upstream CRDs from reference/golden), the launch CRDs, then every enable phase in order with
// server-side apply, object by object, following each phase-meta's applyOrder; then a
// SubjectAccessReview table per operator ServiceAccount (allowed and denied verbs); then the tenant
// bundle on the same cluster.
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { parseAllDocuments } from "yaml";
import { launchBundle } from "../compiler/launch/launch.ts";
import { runEnable } from "../compiler/enable/enable.ts";
import { generateSigningKey } from "../compiler/enable/signing_key.ts";
import { apply, type Cluster, type KubeObject, parseManifests, startCluster } from "./cluster/mod.ts";
import { referencePath } from "../shared/testing/reference.ts";
import { decryptSopsFile, isSopsEncrypted, parseAgeIdentities, recipientOf } from "../compiler/sops/mod.ts";

// The management signing key file is SOPS-encrypted for this age recipient and decrypted before it is
// applied, as an operator does with `sops -d <file> | kubectl apply -f -`.
const AGE_ID = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
const AGE_IDENTITIES = parseAgeIdentities(AGE_ID);
const AGE_RECIPIENT = await recipientOf(AGE_IDENTITIES[0]!);

const REF = referencePath("golden");
const THIRD_PARTY = [
  `${REF}/helm/expected/cert-manager-crds.txt`,
  `${REF}/helm/expected/kueue-default.txt`,
  `${REF}/helm/expected/cnpg-operator-default.txt`,
];
const CLUSTER = "ccs-e2e";
const FM = "compiler-enable";

/** Only the CRDs of a rendered chart; conversion webhooks dropped (no webhook servers run here). */
async function thirdPartyCrds(path: string): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const d of parseAllDocuments(await Deno.readTextFile(path))) {
    const o = d.toJS() as KubeObject | null;
    if (!o || o.kind !== "CustomResourceDefinition") continue;
    delete (o.spec as any).conversion;
    out.push(o);
  }
  return out;
}

function phaseDirs(root: string): string[] {
  return [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name).sort();
}

async function applyOrderOf(root: string, dir: string): Promise<string[]> {
  const meta = parseManifests(await Deno.readTextFile(`${root}/${dir}/phase-meta.yaml`))[0] as any;
  return meta.data.applyOrder.split(",");
}

interface Applied {
  objects: number;
  deferred: KubeObject[];
}

/** Applies every phase in order; admission webhook configurations are deferred (no servers run). */
async function applyPhases(c: Cluster, root: string, log: (s: string) => void): Promise<Applied> {
  let objects = 0;
  const deferred: KubeObject[] = [];
  for (const dir of phaseDirs(root)) {
    const order = await applyOrderOf(root, dir);
    for (const f of [...order, "phase-meta.yaml"]) {
      let text = await Deno.readTextFile(`${root}/${dir}/${f}`);
      if (isSopsEncrypted(text, "yaml")) text = (await decryptSopsFile(text, "yaml", AGE_IDENTITIES)).text;
      const objs = parseManifests(text);
      // `kubectl apply -f` fails on a file without objects: every listed file must hold one.
      assert(objs.length > 0, `${dir}/${f} is in applyOrder but holds no object`);
      const now = objs.filter((o) => o.kind !== "ValidatingWebhookConfiguration");
      deferred.push(...objs.filter((o) => o.kind === "ValidatingWebhookConfiguration"));
      for (const o of now) {
        try {
          const [res] = await apply(c.client, [o], { fieldManager: FM, waitForKindMs: 60_000 });
          assert((res!.metadata as any).uid, `${dir}/${f}: ${o.kind} ${o.metadata.name} has no uid`);
        } catch (e) {
          throw new Error(
            `${dir}/${f}: ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}: ${
              (e as Error).message
            }`,
          );
        }
        objects++;
      }
    }
    log(`applied ${dir}`);
  }
  return { objects, deferred };
}

interface Sar {
  sa: string;
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  allowed: boolean;
}

async function sar(c: Cluster, q: Sar): Promise<boolean> {
  const [ns, name] = q.sa.split("/") as [string, string];
  const attrs: Record<string, string> = { verb: q.verb, resource: q.resource, group: q.group ?? "" };
  if (q.namespace) attrs.namespace = q.namespace;
  if (q.name) attrs.name = q.name;
  if (q.subresource) attrs.subresource = q.subresource;
  const res = await c.client.post<{ status: { allowed: boolean } }>(
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: `system:serviceaccount:${ns}:${name}`,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
        resourceAttributes: attrs,
      },
    },
  );
  return res.status.allowed === true;
}

const SEAM = "seam.ontai.dev";
const GUARDIAN = "guardian.ontai.dev";
const TN = `seam-tenant-${CLUSTER}`;

const MANAGEMENT_TABLE: Sar[] = [
  // guardian: the static ClusterRole of compiler.md §5.6
  {
    sa: "seam-system/guardian",
    verb: "create",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    allowed: true,
  },
  {
    sa: "seam-system/guardian",
    verb: "bind",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    allowed: true,
  },
  {
    sa: "seam-system/guardian",
    verb: "escalate",
    resource: "roles",
    group: "rbac.authorization.k8s.io",
    namespace: "ont-system",
    allowed: true,
  },
  {
    sa: "seam-system/guardian",
    verb: "update",
    resource: "rbacprofiles",
    group: GUARDIAN,
    subresource: "status",
    namespace: "seam-system",
    allowed: true,
  },
  {
    sa: "seam-system/guardian",
    verb: "delete",
    resource: "seammemberships",
    group: SEAM,
    namespace: "seam-system",
    allowed: true,
  },
  { sa: "seam-system/guardian", verb: "get", resource: "secrets", namespace: "seam-system", allowed: true },
  {
    sa: "seam-system/guardian",
    verb: "delete",
    resource: "secrets",
    namespace: "seam-system",
    allowed: false,
  },
  { sa: "seam-system/guardian", verb: "delete", resource: "namespaces", allowed: false },
  {
    sa: "seam-system/guardian",
    verb: "create",
    resource: "deployments",
    group: "apps",
    namespace: "seam-system",
    allowed: false,
  },
  { sa: "seam-system/guardian", verb: "create", resource: "pods", namespace: "seam-system", allowed: false },
  {
    sa: "seam-system/guardian",
    verb: "list",
    resource: "runnerconfigs",
    group: SEAM,
    namespace: "ont-system",
    allowed: false,
  },
  {
    sa: "seam-system/guardian",
    verb: "delete",
    resource: "talosclusters",
    group: SEAM,
    namespace: TN,
    allowed: false,
  },
  // platform / dispatcher / seam: only their own Lease (and events) statically
  {
    sa: "seam-system/platform",
    verb: "update",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "seam-system",
    name: "platform-leader",
    allowed: true,
  },
  {
    sa: "seam-system/platform",
    verb: "create",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "seam-system",
    allowed: true,
  },
  {
    sa: "seam-system/platform",
    verb: "update",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "seam-system",
    name: "guardian-leader",
    allowed: false,
  },
  { sa: "seam-system/platform", verb: "list", resource: "secrets", namespace: "seam-system", allowed: false },
  {
    sa: "seam-system/platform",
    verb: "create",
    resource: "talosclusters",
    group: SEAM,
    namespace: TN,
    allowed: false,
  },
  {
    sa: "seam-system/dispatcher",
    verb: "get",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "seam-system",
    name: "dispatcher-leader",
    allowed: true,
  },
  {
    sa: "seam-system/dispatcher",
    verb: "create",
    resource: "events",
    namespace: "seam-system",
    allowed: true,
  },
  {
    sa: "seam-system/dispatcher",
    verb: "update",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "ont-system",
    name: "dispatcher-leader",
    allowed: false,
  },
  {
    sa: "seam-system/seam",
    verb: "patch",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "seam-system",
    name: "seam-leader",
    allowed: true,
  },
  {
    sa: "seam-system/seam",
    verb: "get",
    resource: "configmaps",
    namespace: "kube-system",
    name: "dsns-zone",
    allowed: false,
  },
  // conductor (management): its lease in ont-system only; the rest comes from Guardian
  {
    sa: "ont-system/conductor",
    verb: "update",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "ont-system",
    name: `conductor-${CLUSTER}`,
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "update",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "ont-system",
    name: "conductor-other",
    allowed: false,
  },
  {
    sa: "ont-system/conductor",
    verb: "get",
    resource: "secrets",
    namespace: "ont-system",
    name: "conductor-signing-key",
    allowed: false,
  },
  { sa: "ont-system/conductor", verb: "list", resource: "nodes", allowed: false },
  // platform executor
  {
    sa: "ont-system/platform-executor",
    verb: "create",
    resource: "talosclusteroperationresults",
    group: SEAM,
    namespace: "ont-system",
    allowed: true,
  },
  {
    sa: "ont-system/platform-executor",
    verb: "patch",
    resource: "secrets",
    namespace: "ont-system",
    allowed: true,
  },
  {
    sa: "ont-system/platform-executor",
    verb: "delete",
    resource: "secrets",
    namespace: "ont-system",
    allowed: false,
  },
  {
    sa: "ont-system/platform-executor",
    verb: "list",
    resource: "secrets",
    namespace: "ont-system",
    allowed: false,
  },
  {
    sa: "ont-system/platform-executor",
    verb: "get",
    resource: "secrets",
    namespace: "seam-system",
    allowed: false,
  },
  {
    sa: "ont-system/dispatcher-executor",
    verb: "get",
    resource: "secrets",
    namespace: "ont-system",
    allowed: false,
  },
  // dispatcher runner of the tenant
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "create",
    resource: "deployments",
    group: "apps",
    namespace: TN,
    allowed: true,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "delete",
    resource: "packoperationresults",
    group: SEAM,
    namespace: TN,
    allowed: true,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "get",
    resource: "packdeliveries",
    group: SEAM,
    namespace: TN,
    allowed: true,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "patch",
    resource: "runnerconfigs",
    group: SEAM,
    namespace: TN,
    allowed: true,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "create",
    resource: "customresourcedefinitions",
    group: "apiextensions.k8s.io",
    allowed: true,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "create",
    resource: "apiservices",
    group: "apiregistration.k8s.io",
    allowed: true,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "create",
    resource: "packdeliveries",
    group: SEAM,
    namespace: TN,
    allowed: false,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "create",
    resource: "deployments",
    group: "apps",
    namespace: "seam-system",
    allowed: false,
  },
  { sa: `${TN}/dispatcher-runner`, verb: "delete", resource: "namespaces", allowed: false },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "list",
    resource: "customresourcedefinitions",
    group: "apiextensions.k8s.io",
    allowed: false,
  },
  {
    sa: `${TN}/dispatcher-runner`,
    verb: "create",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    allowed: false,
  },
];

const TT = "seam-tenant-ccs-t1";
const TENANT_TABLE: Sar[] = [
  {
    sa: "ont-system/conductor",
    verb: "update",
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: "ont-system",
    name: "conductor-ccs-t1",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "patch",
    resource: "rbacprofiles",
    group: GUARDIAN,
    namespace: "ont-system",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "create",
    resource: "permissionsnapshotreceipts",
    group: GUARDIAN,
    namespace: "ont-system",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "patch",
    resource: "talosclusters",
    group: SEAM,
    subresource: "status",
    namespace: "ont-system",
    allowed: true,
  },
  { sa: "ont-system/conductor", verb: "list", resource: "nodes", allowed: true },
  {
    sa: "ont-system/conductor",
    verb: "patch",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "get",
    resource: "deployments",
    group: "apps",
    namespace: "default",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "create",
    resource: "clusterrolebindings",
    group: "rbac.authorization.k8s.io",
    allowed: false,
  },
  // sweep phase 1 (conductor.md §4.13) annotates RBAC objects granting more than the agent holds
  {
    sa: "ont-system/conductor",
    verb: "bind",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "escalate",
    resource: "roles",
    group: "rbac.authorization.k8s.io",
    namespace: "default",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "create",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    allowed: false,
  },
  { sa: "ont-system/conductor", verb: "list", resource: "secrets", namespace: "ont-system", allowed: false },
  // pack teardown (§4.8): inventoried objects of any kind, then the PackReceipt
  {
    sa: "ont-system/conductor",
    verb: "delete",
    resource: "deployments",
    group: "apps",
    namespace: "default",
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "delete",
    resource: "packreceipts",
    group: SEAM,
    namespace: "ont-system",
    allowed: true,
  },
  // management-side/: the tenant agent's identity on the management cluster
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "list",
    resource: "permissionsnapshots",
    group: GUARDIAN,
    namespace: "seam-system",
    allowed: true,
  },
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "patch",
    resource: "permissionsnapshots",
    subresource: "status",
    group: GUARDIAN,
    namespace: "seam-system",
    allowed: true,
  },
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "patch",
    resource: "permissionsnapshots",
    group: GUARDIAN,
    namespace: "seam-system",
    allowed: false,
  },
  { sa: `${TT}/conductor-ccs-t1`, verb: "list", resource: "secrets", namespace: TT, allowed: true },
  { sa: `${TT}/conductor-ccs-t1`, verb: "create", resource: "secrets", namespace: TT, allowed: false },
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "list",
    resource: "secrets",
    namespace: "seam-system",
    allowed: false,
  },
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "patch",
    resource: "packinstalleds",
    subresource: "status",
    group: SEAM,
    namespace: TT,
    allowed: true,
  },
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "get",
    resource: "packdeliveries",
    group: SEAM,
    namespace: TT,
    allowed: true,
  },
  {
    sa: `${TT}/conductor-ccs-t1`,
    verb: "delete",
    resource: "driftsignals",
    group: SEAM,
    namespace: TT,
    allowed: true,
  },
  {
    sa: "ont-system/conductor",
    verb: "update",
    resource: "talosclusters",
    group: SEAM,
    namespace: "ont-system",
    allowed: false,
  },
];

async function checkTable(c: Cluster, table: Sar[]): Promise<void> {
  const wrong: string[] = [];
  for (const q of table) {
    const got = await sar(c, q);
    if (got !== q.allowed) {
      wrong.push(
        `${q.sa} ${q.verb} ${q.group ?? ""}/${q.resource}${q.subresource ? "/" + q.subresource : ""} ns=${
          q.namespace ?? "-"
        } name=${q.name ?? "-"}: got ${got}, want ${q.allowed}`,
      );
    }
  }
  assertEquals(wrong, []);
}

Deno.test("e2e enable: every phase accepted by a real API server; RBAC per operator", async (t) => {
  const log = (s: string) => Deno.stderr.writeSync(new TextEncoder().encode(`  ${s}\n`));
  const cluster = await startCluster({ name: "enable" });
  const work = await Deno.makeTempDir({ prefix: "seam-e2e-enable-" });
  try {
    const pair = await generateSigningKey();
    await Deno.writeTextFile(`${work}/mgmt.key`, pair.privatePem);
    await runEnable({
      output: "mgmt",
      clusterName: CLUSTER,
      capi: true,
      signingPrivateKey: "mgmt.key",
      outputPublicKey: "mgmt.pub",
      dsnsIp: "10.20.0.53",
      ageRecipients: [AGE_RECIPIENT],
    }, work);
    const keyFile = await Deno.readTextFile(`${work}/mgmt/04-conductor/conductor-signing-key.yaml`);
    assert(
      isSopsEncrypted(keyFile, "yaml") && !keyFile.includes("PRIVATE KEY"),
      "signing key SOPS-encrypted",
    );

    await t.step("third-party CRDs (cert-manager, kueue, cnpg) and the launch CRDs", async () => {
      let n = 0;
      for (const f of THIRD_PARTY) {
        const crds = await thirdPartyCrds(f);
        assert(crds.length > 0, f);
        await apply(cluster.client, crds, { fieldManager: "e2e" });
        n += crds.length;
      }
      const launch = parseManifests(launchBundle());
      await apply(cluster.client, launch, { fieldManager: FM });
      log(`${n} third-party CRDs, ${launch.length} launch CRDs`);
    });

    let deferred: KubeObject[] = [];
    await t.step("management phases 00 … 05 in order, object by object", async () => {
      const r = await applyPhases(cluster, `${work}/mgmt`, log);
      deferred = r.deferred;
      log(`${r.objects} objects applied`);
      assert(r.objects > 100);
      const dep = await cluster.client.get<any>("/apis/apps/v1/namespaces/ont-system/deployments/conductor");
      const env = dep.spec.template.spec.containers[0].env;
      assertEquals(env.find((e: any) => e.name === "CONDUCTOR_ROLE").value, "management");
      assertEquals(dep.metadata.labels["ontai.dev/conductor-role"], "management");
      const cq = await cluster.client.get<any>("/apis/kueue.x-k8s.io/v1beta1/clusterqueues/seam-pack-deploy");
      assertEquals(cq.metadata.name, "seam-pack-deploy");
      const lq = await cluster.client.get<any>(
        `/apis/kueue.x-k8s.io/v1beta1/namespaces/${TN}/localqueues/pack-deploy-queue`,
      );
      assertEquals(lq.spec.clusterQueue, "seam-pack-deploy");
      const ns = await cluster.client.get<any>("/api/v1/namespaces/kube-system");
      assertEquals(ns.metadata.labels["seam.ontai.dev/webhook-mode"], "exempt");
    });

    await t.step(
      "SubjectAccessReview table per operator ServiceAccount (management)",
      () => checkTable(cluster, MANAGEMENT_TABLE),
    );

    await t.step("tenant bundle: conductor phases accepted, tenant RBAC", async () => {
      await runEnable({
        output: "tenant",
        clusterRole: "tenant",
        clusterName: "ccs-t1",
        managementSigningPublicKey: "mgmt.pub",
      }, work);
      // This cluster doubles as the management cluster for management-side/ (applied last, after
      // 05-post-bootstrap), which needs seam-tenant-ccs-t1 there.
      await apply(cluster.client, [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: TT } } as KubeObject,
      ], {
        fieldManager: "e2e",
      });
      const r = await applyPhases(cluster, `${work}/tenant`, log);
      deferred.push(...r.deferred);
      const key = await cluster.client.get<any>(
        "/api/v1/namespaces/ont-system/secrets/conductor-signing-key",
      );
      assertEquals(
        Object.keys(key.data).sort(),
        ["private.pem", "public.pem"],
        "SSA by the same manager keeps the management key field",
      );
      await checkTable(cluster, TENANT_TABLE);
    });

    await t.step("admission webhook configurations (applied last: no webhook server runs here)", async () => {
      const res = await apply(cluster.client, deferred, { fieldManager: FM });
      assertEquals(res.map((o) => o.metadata.name).sort(), [
        "conductor-tenant-webhook",
        "guardian-lineage-immutability-webhook",
        "guardian-rbac-webhook",
      ]);
    });
  } finally {
    await cluster.stop();
    await Deno.remove(work, { recursive: true });
  }
});
