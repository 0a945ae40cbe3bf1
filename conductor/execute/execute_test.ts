/** The execute pipeline and pack-deploy against in-memory fakes (kube: ExecFakeKube; OCI: FakeRegistry). */
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { FakeRegistry } from "../../shared/oci/testing/fake_registry.ts";
import { EMPTY_JSON, MEDIA_TYPES, packLayer, RegistryClient } from "../../shared/oci/mod.ts";
import { jsonFormatter, Logger, memoryWriter } from "../../shared/logger.ts";
import { ManualClock } from "../../shared/clock.ts";
import { parseOperationResult } from "../../shared/operation_result.ts";
import type { CapabilityName } from "../../shared/capability_names.ts";
import { ExecFakeKube } from "./_fake_kube.ts";
import { type ExecuteClients, HANDLERS, parametersFromEnv, runPipeline } from "./registry.ts";
import { Discovery, FIELD_MANAGER, isReady, parseManifests, stageOf, waitReady } from "./pack_deploy.ts";
import { porName } from "./persist.ts";

const NS = "seam-tenant-c1";
const REPO = "ontai-dev/packs/app";

const RBAC = `apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: app}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
`;
const CLUSTER_SCOPED = `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: app-prio}
value: 1000
`;
const WORKLOAD = `apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: app}
data: {mode: test}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: elsewhere, namespace: other}
---
# no name: skipped
apiVersion: v1
kind: ConfigMap
metadata: {}
`;

async function pushLayer(client: RegistryClient, tag: string, text: string): Promise<string> {
  const r = await client.pushImage(REPO, tag, {
    config: { mediaType: MEDIA_TYPES.empty, bytes: EMPTY_JSON },
    layers: [{ mediaType: MEDIA_TYPES.layerTar, bytes: packLayer(text) }],
  });
  return r.digest;
}

interface World {
  reg: FakeRegistry;
  mgmt: ExecFakeKube;
  tenant: ExecFakeKube;
  digests: { rbac: string; clusterScoped: string; workload: string };
  logs: string[];
  stderr: string[];
  clients: ExecuteClients;
  run(env: Record<string, string>, capability?: CapabilityName): Promise<number>;
}

async function world(opts: { noTenant?: boolean } = {}): Promise<World> {
  const reg = new FakeRegistry();
  const push = new RegistryClient({ registry: reg.host, plainHttp: true });
  const digests = {
    rbac: await pushLayer(push, "v1-rbac", RBAC),
    clusterScoped: await pushLayer(push, "v1-cluster-scoped", CLUSTER_SCOPED),
    workload: await pushLayer(push, "v1-workload", WORKLOAD),
  };
  const mgmt = new ExecFakeKube();
  const tenant = new ExecFakeKube();
  mgmt.put("packdeliveries", {
    apiVersion: "seam.ontai.dev/v1alpha1",
    kind: "PackDelivery",
    metadata: { name: "app", namespace: NS, annotations: { "ontai.dev/pack-signature": "c2ln" } },
    spec: {
      version: "v1",
      registryRef: { url: `${reg.host}/${REPO}`, digest: digests.workload },
      rbacDigest: digests.rbac,
      clusterScopedDigest: digests.clusterScoped,
      workloadDigest: digests.workload,
      checksum: "abc",
    },
  });
  mgmt.put("packexecutions", {
    apiVersion: "seam.ontai.dev/v1alpha1",
    kind: "PackExecution",
    metadata: { name: "app-c1", namespace: NS },
    spec: { clusterPackRef: { name: "app", version: "v1" }, targetClusterRef: "c1" },
  });
  const lines = memoryWriter();
  const stderr: string[] = [];
  const clients: ExecuteClients = {
    management: () => Promise.resolve(mgmt),
    tenant: () => Promise.resolve(opts.noTenant ? undefined : tenant),
    oci: (registry) => Promise.resolve(new RegistryClient({ registry, plainHttp: true })),
  };
  const w: World = {
    reg,
    mgmt,
    tenant,
    digests,
    logs: lines.lines,
    stderr,
    clients,
    run: (env, capability = "pack-deploy") => {
      const full: Record<string, string> = { POD_NAMESPACE: NS, ...env };
      return runPipeline({
        capability,
        clusterRef: "c1",
        io: { env: (n) => full[n], stderr: (s) => void stderr.push(s) },
        log: new Logger({ formatter: jsonFormatter(), writer: lines }),
        clients: w.clients,
        clock: new ManualClock(new Date("2026-01-02T03:04:05Z")),
      });
    },
  };
  return w;
}

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("pack-deploy split path: namespaces → RBAC → cluster-scoped → workload, receipt, POR r1 Succeeded", async () => {
  const w = await world();
  try {
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1", PACK_SIGNATURE: "c2ln" }), 0, w.stderr.join());
    const applies = w.tenant.writes.filter((x) => x.contentType === "application/apply-patch+yaml");
    assert(applies.every((x) => x.path.includes(`fieldManager=${FIELD_MANAGER}&force=true`)));
    assertEquals(
      applies.map((x) => `${(x.body as Any).kind}/${(x.body as Any).metadata.name}`),
      [
        "Namespace/app",
        "Namespace/other",
        "ServiceAccount/app",
        "Role/app",
        "PriorityClass/app-prio",
        "Namespace/app",
        "ConfigMap/settings",
        "ConfigMap/elsewhere",
        "PackReceipt/app",
      ],
    );
    assertEquals(applies[4]!.path.startsWith("/apis/scheduling.k8s.io/v1/priorityclasses/app-prio?"), true);
    assertEquals(w.tenant.obj("configmaps", "app", "settings")?.data, { mode: "test" });
    const receipt = w.tenant.obj("packreceipts", "ont-system", "app")!;
    assertEquals((receipt.spec as Any).clusterPackRef, "app");
    assertEquals((receipt.spec as Any).targetClusterRef, "c1");
    assertEquals((receipt.spec as Any).deployedResources.length, 6);
    assertEquals((receipt.spec as Any).rbacDigest, w.digests.rbac);

    const por = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 1))!;
    const spec = por.spec as Any;
    assertEquals(spec.status, "Succeeded", JSON.stringify(spec.failureReason));
    assertEquals(spec.revision, 1);
    assertEquals(spec.previousRevisionRef, undefined);
    assertEquals(spec.packExecutionRef, "app-c1");
    assertEquals(spec.clusterPackRef, "app");
    assertEquals(spec.clusterPackVersion, "v1");
    assertEquals(spec.targetClusterRef, "c1");
    assertEquals(spec.capability, "pack-deploy");
    assertEquals(spec.rbacDigest, w.digests.rbac);
    assertEquals(spec.workloadDigest, w.digests.workload);
    assertEquals(spec.deployedResources[0], {
      apiVersion: "v1",
      kind: "ServiceAccount",
      namespace: "app",
      name: "app",
    });
    assertEquals(spec.deployedResources[2], {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      name: "app-prio",
    });
    assertEquals(
      spec.steps.map((s: Any) => s.name),
      [
        "pull-rbac-layer",
        "pull-cluster-scoped-layer",
        "pull-workload-layer",
        "apply-namespaces",
        "apply-rbac-tenant",
        "apply-cluster-scoped",
        "apply-workload",
        "wait-ready",
        "record-receipt",
      ],
    );
    assertEquals(spec.artifacts.map((a: Any) => a.name), [
      "rbac-layer",
      "cluster-scoped-layer",
      "workload-layer",
    ]);
    assertEquals(spec.artifacts[2].reference, `${w.reg.host}/${REPO}@${w.digests.workload}`);
    assertEquals(por.metadata.labels, {
      "ontai.dev/pack-execution": "app-c1",
      "ontai.dev/cluster-pack": "app",
    });
    assertEquals((por.metadata.ownerReferences as Any)[0].kind, "PackExecution");
    assertEquals((por.metadata.ownerReferences as Any)[0].blockOwnerDeletion, true);
    // nothing written on management besides the result
    assertEquals(w.mgmt.writes.map((x) => x.method), ["POST"]);
    for (
      const m of ["starting", "step starting", "capability dispatching", "capability result", "completed"]
    ) {
      assert(w.logs.some((l) => JSON.parse(l).msg === m), `log ${m}`);
    }

    // second run: r2 supersedes r1
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1" }), 0);
    const r2 = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 2))!;
    assertEquals((r2.spec as Any).revision, 2);
    assertEquals((r2.spec as Any).previousRevisionRef, porName("app-c1", 1));
    assertEquals(
      w.mgmt.obj("packoperationresults", NS, porName("app-c1", 1))!.metadata.labels!["ontai.dev/superseded"],
      "true",
    );
    assertEquals(r2.metadata.labels!["ontai.dev/superseded"], undefined);
    assert(w.logs.some((l) => JSON.parse(l).msg === "PackOperationResult superseded"));
  } finally {
    await w.reg.close();
  }
});

Deno.test("pack-deploy: a PACK_SIGNATURE mismatch records a Failed ValidationFailure; nothing pulled or applied; exit 0", async () => {
  const w = await world();
  try {
    const before = w.reg.requests.length;
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1", PACK_SIGNATURE: "b3RoZXI=" }), 0);
    assertEquals(w.reg.requests.length, before);
    assertEquals(w.tenant.writes, []);
    const spec = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 1))!.spec as Any;
    assertEquals(spec.status, "Failed");
    assertEquals(spec.failureReason.category, "ValidationFailure");
    assertStringIncludes(spec.failureReason.reason, "pack signature mismatch");
    assertEquals(spec.artifacts, []);
    assertEquals(spec.steps, []);
  } finally {
    await w.reg.close();
  }
});

Deno.test("pack-deploy: failures are results (pull, version, missing PE, no target client, apply error)", async () => {
  const w = await world();
  try {
    const failure = async (env: Record<string, string>, n: number) => {
      assertEquals(await w.run(env), 0, w.stderr.join());
      return w.mgmt.obj("packoperationresults", NS, porName(env.OPERATION_RESULT_CM!, n))!.spec as Any;
    };
    // a layer missing from the registry → ExternalDependencyFailure at pull-rbac-layer
    const pd = w.mgmt.obj("packdeliveries", NS, "app")!;
    (pd.spec as Any).rbacDigest = "sha256:" + "0".repeat(64);
    w.mgmt.put("packdeliveries", pd);
    let s = await failure({ OPERATION_RESULT_CM: "app-c1" }, 1);
    assertEquals([s.failureReason.category, s.failureReason.failedStep], [
      "ExternalDependencyFailure",
      "pull-rbac-layer",
    ]);
    assertEquals(s.steps.map((x: Any) => x.status), ["Failed"]);
    assertEquals(w.tenant.writes, []);
    (pd.spec as Any).rbacDigest = w.digests.rbac;
    w.mgmt.put("packdeliveries", pd);

    // version mismatch
    w.mgmt.put("packexecutions", {
      apiVersion: "seam.ontai.dev/v1alpha1",
      kind: "PackExecution",
      metadata: { name: "old", namespace: NS },
      spec: { clusterPackRef: { name: "app", version: "v0" }, targetClusterRef: "c1" },
    });
    s = await failure({ OPERATION_RESULT_CM: "old" }, 1);
    assertEquals(s.failureReason.category, "ValidationFailure");
    assertStringIncludes(s.failureReason.reason, "version mismatch");

    // missing PackExecution: ExecutionFailure, result without owner reference
    s = await failure({ OPERATION_RESULT_CM: "ghost" }, 1);
    assertEquals(s.failureReason.category, "ExecutionFailure");
    assertEquals(
      w.mgmt.obj("packoperationresults", NS, porName("ghost", 1))!.metadata.ownerReferences,
      undefined,
    );

    // apply error on the target → ExecutionFailure naming the object
    w.tenant.failOn = { method: "PATCH", path: /\/roles\/app/, status: 403 };
    s = await failure({ OPERATION_RESULT_CM: "app-c1" }, 2);
    assertEquals([s.failureReason.category, s.failureReason.failedStep], [
      "ExecutionFailure",
      "apply-rbac-tenant",
    ]);
    assertStringIncludes(s.failureReason.reason, "apply Role app/app");
    assertEquals(s.status, "Failed");
  } finally {
    await w.reg.close();
  }
  const n = await world({ noTenant: true });
  try {
    assertEquals(await n.run({ OPERATION_RESULT_CM: "app-c1" }), 0);
    let s = n.mgmt.obj("packoperationresults", NS, porName("app-c1", 1))!.spec as Any;
    assertEquals(s.failureReason.category, "ValidationFailure");
    assertStringIncludes(s.failureReason.reason, "D-X3");
    // the management cluster is the target: applied there
    assertEquals(await n.run({ OPERATION_RESULT_CM: "app-c1", MANAGEMENT_CLUSTER_REF: "c1" }), 0);
    s = n.mgmt.obj("packoperationresults", NS, porName("app-c1", 2))!.spec as Any;
    assertEquals(s.status, "Succeeded");
    assert(n.mgmt.obj("configmaps", "app", "settings"));
  } finally {
    await n.reg.close();
  }
});

Deno.test("pack-deploy legacy path: every layer of url@digest, checksum compared", async () => {
  const w = await world();
  try {
    const pd = w.mgmt.obj("packdeliveries", NS, "app")!;
    const spec = pd.spec as Any;
    delete spec.rbacDigest;
    delete spec.clusterScopedDigest;
    delete spec.workloadDigest;
    spec.checksum = "sha256:" + "1".repeat(64);
    w.mgmt.put("packdeliveries", pd);
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1" }), 0);
    let s = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 1))!.spec as Any;
    assertEquals([s.failureReason.category, s.failureReason.failedStep], [
      "ValidationFailure",
      "pull-manifests",
    ]);
    const img = await new RegistryClient({ registry: w.reg.host, plainHttp: true }).pullImage(
      REPO,
      w.digests.workload,
    );
    const { ociDigest } = await import("../../shared/oci/mod.ts");
    spec.checksum = ociDigest(img.layers[0]!.bytes).slice("sha256:".length);
    w.mgmt.put("packdeliveries", pd);
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1" }), 0);
    s = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 2))!.spec as Any;
    assertEquals(s.status, "Succeeded", JSON.stringify(s.failureReason));
    assertEquals(s.steps.map((x: Any) => x.name), [
      "pull-manifests",
      "ensure-namespaces",
      "apply-manifests",
      "wait-ready",
      "record-receipt",
    ]);
    assertEquals(s.artifacts.map((a: Any) => a.name), ["cluster-pack"]);
    // with executionOrder: one step per stage with members, declared first, the rest canonical (D-X14)
    spec.executionOrder = [{ name: "stateful" }, { name: "stateless" }];
    w.mgmt.put("packdeliveries", pd);
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1" }), 0);
    s = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 3))!.spec as Any;
    assertEquals(s.status, "Succeeded", JSON.stringify(s.failureReason));
    assertEquals(s.steps.map((x: Any) => x.name), [
      "pull-manifests",
      "ensure-namespaces",
      "stateless",
      "record-receipt",
    ]);
    assertEquals(s.steps[2].message, "2 manifests applied and ready");
    assertEquals(s.deployedResources.length, 3);
  } finally {
    await w.reg.close();
  }
});

Deno.test("pipeline: declared capabilities record CapabilityUnavailable (TCOR created when missing) and exit 0", async () => {
  const w = await world();
  try {
    assertEquals(await w.run({ OPERATION_RESULT_CR: "drain-job" }, "node-drain"), 0, w.stderr.join());
    const tcor = w.mgmt.obj("talosclusteroperationresults", NS, "c1")!;
    const spec = tcor.spec as Any;
    assertEquals(spec.operationCount, 1);
    assertEquals(spec.operations["drain-job"].status, "Failed");
    assertEquals(spec.operations["drain-job"].failureReason.category, "CapabilityUnavailable");
    assertStringIncludes(spec.operations["drain-job"].message, "no handler is part of this build");
    // a second record on the same TCOR
    assertEquals(await w.run({ OPERATION_RESULT_CR: "sync-job" }, "machineconfig-sync"), 0);
    assertEquals((w.mgmt.obj("talosclusteroperationresults", NS, "c1")!.spec as Any).operationCount, 2);
    // an implemented capability without a handler in this build (until its module lands) behaves alike
    const talosOnly = (["bootstrap", "etcd-defrag"] as const).filter((c) => !HANDLERS[c]);
    for (const c of talosOnly) {
      assertEquals(await w.run({ OPERATION_RESULT_CR: `${c}-job` }, c), 0);
    }
  } finally {
    await w.reg.close();
  }
});

Deno.test("pipeline: RESULT_CONFIGMAP gets the OperationResult; missing targets and unrecordable results exit 1", async () => {
  const w = await world();
  try {
    w.mgmt.put("jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "step-1", namespace: NS } });
    assertEquals(await w.run({ RESULT_CONFIGMAP: "step-1" }, "node-rollback"), 0, w.stderr.join());
    const cm = w.mgmt.obj("configmaps", NS, "step-1")!;
    assertEquals(cm.metadata.labels, { "seam.ontai.dev/operation-result": "true" });
    assertEquals((cm.metadata.ownerReferences as Any)[0].name, "step-1");
    const r = parseOperationResult((cm.data as Any).result);
    assertEquals([r.status, r.capability, r.failureReason?.category], [
      "Failed",
      "node-rollback",
      "CapabilityUnavailable",
    ]);
    // updated in place on a re-run
    assertEquals(await w.run({ RESULT_CONFIGMAP: "step-1" }, "node-rollback"), 0);

    assertEquals(await w.run({}), 1);
    assertStringIncludes(w.stderr.at(-1)!, "OPERATION_RESULT_CM");
    assertStringIncludes(w.stderr.at(-1)!, "OPERATION_RESULT_CR");

    w.mgmt.failOn = { method: "POST", path: /packoperationresults/, status: 403 };
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1" }), 1);
    assertStringIncludes(w.stderr.at(-1)!, "could not be recorded");
  } finally {
    await w.reg.close();
  }
});

Deno.test("parametersFromEnv and parseManifests", () => {
  assertEquals(
    parametersFromEnv((n) =>
      ({ OPERATION_RESULT_CM: "pe", PACK_SIGNATURE: "s" } as Record<string, string>)[n]
    ),
    {
      registryRef: "",
      checksum: "",
      signature: "s",
      operationResultCM: "pe",
      kubeconfigPath: "/var/run/secrets/kubeconfig/value",
    },
  );
  const docs = parseManifests(
    "--- # first\napiVersion: v1\nkind: A\nmetadata: {name: a}\n---\n---\nkind: B\n",
    "x",
  );
  assertEquals(docs.map((d) => d.kind), ["A"]);
});

Deno.test("pack-deploy: objects of the previous PackReceipt that the new pack lacks are pruned (errors not fatal)", async () => {
  const w = await world();
  try {
    w.tenant.put("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "stale", namespace: "app" },
    });
    w.tenant.put("packreceipts", {
      apiVersion: "seam.ontai.dev/v1alpha1",
      kind: "PackReceipt",
      metadata: { name: "app", namespace: "ont-system" },
      spec: {
        clusterPackRef: "app",
        targetClusterRef: "c1",
        deployedResources: [
          { apiVersion: "v1", kind: "ConfigMap", namespace: "app", name: "settings" },
          { apiVersion: "v1", kind: "ConfigMap", namespace: "app", name: "stale" },
          { apiVersion: "v1", kind: "ConfigMap", namespace: "app", name: "gone-already" },
          { apiVersion: "v1", kind: "Secret", namespace: "app", name: "locked" },
        ],
      },
    });
    w.tenant.put("secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "locked", namespace: "app" },
    });
    w.tenant.failOn = { method: "DELETE", path: /\/secrets\/locked/, status: 403 };
    assertEquals(await w.run({ OPERATION_RESULT_CM: "app-c1" }), 0);
    assertEquals(w.tenant.obj("configmaps", "app", "stale"), undefined);
    assert(w.tenant.obj("secrets", "app", "locked"));
    assert(w.tenant.obj("configmaps", "app", "settings"));
    const s = w.mgmt.obj("packoperationresults", NS, porName("app-c1", 1))!.spec as Any;
    assertEquals(s.status, "Succeeded");
    const prune = s.steps.find((x: Any) => x.name === "prune-orphans");
    assertStringIncludes(prune.message, "2 orphaned object(s) deleted; 1 not deleted: Secret app/locked");
    assertEquals(s.steps.at(-1).name, "record-receipt");
    assertEquals(
      (w.tenant.obj("packreceipts", "ont-system", "app")!.spec as Any).deployedResources.length,
      6,
    );
  } finally {
    await w.reg.close();
  }
});

Deno.test("readiness: per-kind rules, terminal states, GET errors and the deadline", async () => {
  const dep = { status: { conditions: [{ type: "Available", status: "True" }] } };
  assertEquals(isReady("Deployment", dep), true);
  assertEquals(isReady("Deployment", {}), false);
  assertEquals(isReady("StatefulSet", { spec: { replicas: 0 }, status: { readyReplicas: 0 } }), false);
  assertEquals(isReady("StatefulSet", { spec: {}, status: { readyReplicas: 1 } }), true);
  assertEquals(isReady("DaemonSet", { status: { desiredNumberScheduled: 0, numberReady: 0 } }), false);
  assertEquals(isReady("DaemonSet", { status: { desiredNumberScheduled: 2, numberReady: 2 } }), true);
  assertEquals(isReady("Job", { spec: { completions: 2 }, status: { succeeded: 1 } }), false);
  let threw = false;
  try {
    isReady("Job", { status: { conditions: [{ type: "Failed", status: "True" }] } });
  } catch {
    threw = true;
  }
  assert(threw, "a failed Job aborts the wait");
  assertEquals(isReady("PersistentVolumeClaim", { status: { phase: "Bound" } }), true);
  assertEquals(isReady("ConfigMap", {}), true);
  assertEquals(
    ["Role", "StorageClass", "DaemonSet", "Deployment", "ServiceAccount"].map(stageOf),
    ["rbac", "storage", "stateful", "stateless", "rbac"],
  );

  const kube = new ExecFakeKube();
  const disco = new Discovery(kube, 0, 0);
  const d = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "app" } };
  kube.put("deployments", { ...d, status: { conditions: [{ type: "Available", status: "False" }] } });
  let err = "";
  await waitReady(kube, disco, [d], 0, 1).catch((e) => err = e.message);
  assertStringIncludes(err, "not ready after 0s: Deployment app/web");
  // becomes ready while polling
  setTimeout(() => kube.put("deployments", { ...d, ...dep }), 20);
  assertEquals(await waitReady(kube, disco, [d], 5_000, 5), "1 object(s) ready");
  // a missing object aborts the wait
  err = "";
  await waitReady(kube, disco, [{ ...d, metadata: { name: "ghost", namespace: "app" } }], 5_000, 5).catch((
    e,
  ) => err = e.message);
  assertStringIncludes(err, "Deployment app/ghost:");
});
