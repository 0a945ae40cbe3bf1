// `conductor execute` pack-deploy end to end: a raw pack built and pushed by `compiler packbuild` to a real
// registry (Debian docker-registry on loopback, e2e/registry), the Seam CRDs on a real apiserver
// (e2e/cluster), PackDelivery + PackExecution created, and the pack-deploy Job run by the job runner under
// the `conductor` permission set with exactly the RBAC this test grants:
// - the Job's ServiceAccount `conductor` (management side, in-cluster token): reads the PackExecution and
//   PackDelivery, writes PackOperationResults;
// - the target cluster (here the same apiserver, through a kubeconfig Secret for ServiceAccount
//   `pack-target`, as the platform mounts `seam-mc-{cluster}-kubeconfig`): applies the pack.
// Needs the Debian package docker-registry; a missing one fails with the package name, never skips.
import { assert, assertEquals, assertStringIncludes } from "../shared/testing/asserts.ts";
import { startRegistry } from "./registry/mod.ts";
import {
  apply,
  type Cluster,
  type KubeObject,
  parseManifests,
  saKubeconfig,
  startJobRunner,
  waitForJobFinished,
} from "./cluster/mod.ts";
import { suiteCluster, waitEstablished } from "./compat/mod.ts";
import { launchBundle } from "../compiler/launch/launch.ts";
import { jobSpecBuilder, toJob } from "../shared/job_spec.ts";
import { parseYamlStream } from "../shared/yaml_io.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const NS = "seam-tenant-c1";
const SEAM = "/apis/seam.ontai.dev/v1alpha1";
const FM = { fieldManager: "e2e-pack-deploy" };

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

async function packbuild(work: string, registryHost: string): Promise<Obj> {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  const denoDir = (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string }).denoDir;
  await Deno.mkdir(`${work}/pack-raw`, { recursive: true });
  for await (const e of Deno.readDir(`${ROOT}examples/pack-raw`)) {
    await Deno.copyFile(`${ROOT}examples/pack-raw/${e.name}`, `${work}/pack-raw/${e.name}`);
  }
  // No nodes here: a Deployment of 0 replicas is what the real deployment controller can make Available,
  // which the readiness wait of pack-deploy then observes.
  const dep = `${work}/pack-raw/30-minio.yaml`;
  const text = await Deno.readTextFile(dep);
  assert(text.includes("  replicas: 1\n"), "the example Deployment has one replica");
  await Deno.writeTextFile(dep, text.replace("  replicas: 1\n", "  replicas: 0\n"));
  await Deno.writeTextFile(
    `${work}/pack.yaml`,
    [
      "name: minio-raw",
      `namespace: ${NS}`,
      "version: v0.1.0-r1",
      `registryUrl: ${registryHost}/ontai-dev/packs/minio-raw`,
      "targetClusters: [c1]",
      "category: raw",
      "rawSource: {path: ./pack-raw}",
      "",
    ].join("\n"),
  );
  const env = Deno.env.toObject();
  delete env.DOCKER_CONFIG;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      `--config=${ROOT}deno.json`,
      "-P=compiler",
      `${ROOT}compiler/main.ts`,
      "packbuild",
      "--input",
      "pack.yaml",
      "--output",
      "out",
    ],
    cwd: work,
    env: { ...env, NO_COLOR: "1", DENO_DIR: denoDir, HOME: `${work}/home` },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const docs = parseYamlStream(await Deno.readTextFile(`${work}/out/minio-raw.yaml`), "pack CR");
  return docs[0]!.value as Obj;
}

function packDeployJob(name: string, pe: string, signature: string): Obj {
  const spec = jobSpecBuilder()
    .withName(name)
    .withNamespace(NS)
    .withCapability("pack-deploy")
    .withClusterRef("c1")
    .withRunnerImage("conductor-exec:e2e")
    .withOperationResultConfigMap(pe)
    .withKubeconfigSecret()
    .withEnv("PACK_SIGNATURE", signature)
    // the in-cluster token and CA: the job runner maps mount paths found in env values to the pod root
    .withEnv("SERVICEACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount")
    .withEnv("READINESS_TIMEOUT_SECONDS", "90")
    .withTimeout(180)
    .build();
  return toJob(spec) as Obj;
}

/** A day-2 Job (TCOR record path) for a capability this build declares but cannot run. */
function drainJob(name: string): Obj {
  const spec = jobSpecBuilder()
    .withName(name)
    .withNamespace(NS)
    .withCapability("node-drain")
    .withClusterRef("c1")
    .withRunnerImage("conductor-exec:e2e")
    .withOperationResultCR(name)
    .withEnv("SERVICEACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount")
    .withTimeout(180)
    .build();
  return toJob(spec) as Obj;
}

async function rbac(cluster: Cluster): Promise<void> {
  const objs: Obj[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ont-system" } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "conductor", namespace: NS } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "pack-deploy", namespace: NS },
      rules: [
        { apiGroups: ["seam.ontai.dev"], resources: ["packexecutions", "packdeliveries"], verbs: ["get"] },
        {
          apiGroups: ["seam.ontai.dev"],
          resources: ["packoperationresults"],
          verbs: ["get", "list", "create", "patch", "delete"],
        },
        // day-2 path: the cluster's TalosClusterOperationResult (created when missing, D-X7)
        {
          apiGroups: ["seam.ontai.dev"],
          resources: ["talosclusteroperationresults"],
          verbs: ["get", "create", "patch"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "conductor-pack-deploy", namespace: NS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pack-deploy" },
      subjects: [{ kind: "ServiceAccount", name: "conductor", namespace: NS }],
    },
    // the target side: what the pack needs (namespaces, RBAC it grants, PriorityClass, workload) + PackReceipt
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "pack-target", namespace: "ont-system" } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "e2e-pack-target" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "pack-target", namespace: "ont-system" }],
    },
  ];
  await apply(cluster.client, objs as KubeObject[], FM);
  const kc = await saKubeconfig(cluster, "ont-system", "pack-target", { create: false });
  await apply(cluster.client, [{
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "seam-mc-c1-kubeconfig", namespace: NS },
    stringData: { value: await Deno.readTextFile(kc) },
  }] as unknown as KubeObject[], FM);
}

Deno.test({
  name:
    "e2e execute pack-deploy: packbuild → registry → Job → objects on the cluster and a PackOperationResult",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const reg = await startRegistry();
    const work = await Deno.makeTempDir({ prefix: "seam-e2e-pack-deploy-" });
    let cluster: Cluster | undefined;
    const runners: { stop(): Promise<void> }[] = [];
    try {
      const [pd, c] = await Promise.all([
        packbuild(work, reg.host),
        suiteCluster("management", "MGMT_KUBECONFIG"),
      ]);
      cluster = c;
      const client = cluster.client;
      const bundle = parseManifests(launchBundle());
      await apply(client, bundle, FM);
      await waitEstablished(client, bundle.map((o) => o.metadata.name));
      await rbac(cluster);

      pd.metadata.annotations = { ...pd.metadata.annotations, "ontai.dev/pack-signature": "c2lnbmF0dXJl" };
      await apply(client, [pd as KubeObject], FM);
      for (const pe of ["minio-raw-c1", "minio-raw-c1-bad"]) {
        await client.post(`${SEAM}/namespaces/${NS}/packexecutions`, {
          apiVersion: "seam.ontai.dev/v1alpha1",
          kind: "PackExecution",
          metadata: { name: pe, namespace: NS },
          spec: {
            clusterPackRef: { name: pd.metadata.name, version: pd.spec.version },
            targetClusterRef: "c1",
          },
        });
      }
      const runner = await startJobRunner(cluster, { namespace: NS });
      runners.push(runner);
      await client.post(
        `/apis/batch/v1/namespaces/${NS}/jobs`,
        packDeployJob("pack-deploy-ok", "minio-raw-c1", "c2lnbmF0dXJl"),
      );
      await client.post(
        `/apis/batch/v1/namespaces/${NS}/jobs`,
        packDeployJob("pack-deploy-bad", "minio-raw-c1-bad", "d3Jvbmc="),
      );
      await client.post(`/apis/batch/v1/namespaces/${NS}/jobs`, drainJob("node-drain-1"));

      await t.step("the pack is applied and the PackOperationResult says Succeeded", async () => {
        const job = await waitForJobFinished(client, NS, "pack-deploy-ok", 150_000);
        const run = await runner.runFor("pack-deploy-ok", NS);
        assertEquals(run.exitCode, 0, `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
        assertEquals(job.status.succeeded, 1);
        const por: Obj = await client.get(
          `${SEAM}/namespaces/${NS}/packoperationresults/pack-deploy-result-minio-raw-c1-r1`,
        );
        assertEquals(por.spec.status, "Succeeded", JSON.stringify(por.spec.failureReason));
        assertEquals(por.spec.revision, 1);
        assertEquals(por.spec.clusterPackRef, pd.metadata.name);
        assertEquals(por.spec.clusterPackVersion, "v0.1.0-r1");
        assertEquals(por.spec.rbacDigest, pd.spec.rbacDigest);
        assertEquals(por.spec.workloadDigest, pd.spec.workloadDigest);
        assertEquals(por.metadata.ownerReferences[0].kind, "PackExecution");
        const kinds = (por.spec.deployedResources as Obj[]).map((d) => d.kind);
        assertEquals(kinds, [
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "PriorityClass",
          "Namespace",
          "Deployment",
          "Service",
        ]);
        await client.get("/api/v1/namespaces/minio");
        const dep: Obj = await client.get("/apis/apps/v1/namespaces/minio/deployments/minio");
        assert(
          (dep.metadata.managedFields as Obj[]).some((f) => f.manager === "conductor-pack-deploy"),
          "applied by the conductor's field manager",
        );
        await client.get("/apis/rbac.authorization.k8s.io/v1/namespaces/minio/roles/minio");
        await client.get("/apis/scheduling.k8s.io/v1/priorityclasses/minio-storage");
        await client.get("/api/v1/namespaces/minio/services/minio");
        const receipt: Obj = await client.get(
          `${SEAM}/namespaces/ont-system/packreceipts/${pd.metadata.name}`,
        );
        assertEquals(receipt.spec.deployedResources.length, 7);
        const ready = (por.spec.steps as Obj[]).find((x) => x.name === "wait-ready")!;
        assertEquals([ready.status, ready.message], ["Succeeded", "1 object(s) ready"]);
        assertStringIncludes(run.stdout, '"msg":"completed"');
      });

      await t.step(
        "a wrong PACK_SIGNATURE: Failed result recorded, the Job still succeeds (exit 0)",
        async () => {
          const job = await waitForJobFinished(client, NS, "pack-deploy-bad", 150_000);
          const run = await runner.runFor("pack-deploy-bad", NS);
          assertEquals(run.exitCode, 0, run.stderr);
          assertEquals(job.status.succeeded, 1);
          const por: Obj = await client.get(
            `${SEAM}/namespaces/${NS}/packoperationresults/pack-deploy-result-minio-raw-c1-bad-r1`,
          );
          assertEquals(por.spec.status, "Failed");
          assertEquals(por.spec.failureReason.category, "ValidationFailure");
          assertStringIncludes(por.spec.failureReason.reason, "pack signature mismatch");
          assertEquals(por.spec.deployedResources, undefined);
        },
      );

      await t.step(
        "a declared capability without a handler: CapabilityUnavailable in the TCOR, exit 0",
        async () => {
          const job = await waitForJobFinished(client, NS, "node-drain-1", 150_000);
          const run = await runner.runFor("node-drain-1", NS);
          assertEquals(run.exitCode, 0, run.stderr);
          assertEquals(job.status.succeeded, 1);
          const tcor: Obj = await client.get(`${SEAM}/namespaces/${NS}/talosclusteroperationresults/c1`);
          assertEquals(tcor.spec.clusterRef, "c1");
          assertEquals(tcor.spec.operationCount, 1);
          const rec = tcor.spec.operations["node-drain-1"];
          assertEquals([rec.capability, rec.jobRef, rec.status], ["node-drain", "node-drain-1", "Failed"]);
          assertEquals(rec.failureReason.category, "CapabilityUnavailable");
        },
      );
    } finally {
      for (const r of runners) await r.stop();
      await cluster?.stop();
      await reg.stop();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
