import { assert, assertEquals, assertStringIncludes, assertThrows } from "./testing/asserts.ts";
import { ValidationError } from "./errors.ts";
import {
  buildSteps,
  RUNNER_CONFIG_PHASES,
  runnerConfigFromTalosCluster,
  runnerConfigsFromPackBuild,
  runnerConfigsFromPackDelivery,
  STEP_STATUSES,
} from "./runner_config.ts";
import { toYaml } from "./yaml_io.ts";

Deno.test("vocabulary", () => {
  assertEquals([...STEP_STATUSES], ["Succeeded", "Failed", "Skipped"]);
  assertEquals([...RUNNER_CONFIG_PHASES], ["Completed", "Failed"]);
});

Deno.test("from a bootstrap TalosCluster: {cluster} in ont-system, execute image, one enable step", () => {
  const rc = runnerConfigFromTalosCluster(
    {
      metadata: { name: "ccs-dev", namespace: "seam-system" },
      spec: { mode: "bootstrap", role: "tenant", talosVersion: "v1.9.3", clusterEndpoint: "10.20.0.10:6443" },
    },
    { registry: "ghcr.io/ontai-dev" },
  );
  assertEquals(
    toYaml(rc),
    `apiVersion: seam.ontai.dev/v1alpha1
kind: RunnerConfig
metadata:
  labels:
    platform.ontai.dev/cluster: ccs-dev
  name: ccs-dev
  namespace: ont-system
spec:
  clusterRef: ccs-dev
  runnerImage: ghcr.io/ontai-dev/conductor-exec:v1.9.3
  steps:
    - capability: bootstrap
      haltOnFailure: true
      name: enable
      parameters:
        cluster: ccs-dev
`,
  );
  assertEquals(Object.keys(rc), ["apiVersion", "kind", "metadata", "spec"]);
});

Deno.test("from an imported management cluster: no steps, self-operation", () => {
  const rc = runnerConfigFromTalosCluster(
    { metadata: { name: "management" }, spec: { mode: "import", role: "management", talosVersion: "1.9.3" } },
    { registry: "reg.local:5000/ontai" },
  );
  assertEquals(rc.spec, {
    clusterRef: "management",
    runnerImage: "reg.local:5000/ontai/conductor-exec:v1.9.3",
    selfOperation: true,
  });
});

Deno.test("from a TalosCluster: talosVersion required unless runnerImage is given; name checked", () => {
  const e = assertThrows(
    () => runnerConfigFromTalosCluster({ metadata: { name: "Bad_Name" }, spec: {} }, { registry: "r" }),
    ValidationError,
  );
  assertEquals(e.issues.map((i) => i.path), ["metadata.name", "spec.talosVersion"]);
  assertEquals(e.issues[1]!.code, "TalosVersionRequired");
  assertThrows(
    () => runnerConfigFromTalosCluster({ metadata: { name: "c" }, spec: { talosVersion: "latest" } }),
    ValidationError,
    "latest",
  );
  const rc = runnerConfigFromTalosCluster({ metadata: { name: "c" }, spec: {} }, { runnerImage: "img:1" });
  assertEquals(rc.spec.runnerImage, "img:1");
});

Deno.test("deterministic: same input, same bytes", () => {
  const tc = { metadata: { name: "ccs-dev" }, spec: { talosVersion: "v1.9.3" } };
  assertEquals(
    toYaml(runnerConfigFromTalosCluster(tc, { registry: "r" })),
    toYaml(runnerConfigFromTalosCluster(tc, { registry: "r" })),
  );
});

const PD = {
  metadata: { name: "cert-manager-helm-v1.14.0-r1", namespace: "seam-tenant-management" },
  spec: {
    version: "v1.14.0-r1",
    registryRef: { url: "10.0.0.1:5000/ontai-dev/packs/cert-manager-helm", digest: "sha256:abc" },
    checksum: "0f0f",
    targetClusters: ["ccs-dev", "management"],
  },
};

Deno.test("from a PackDelivery: one pack-deploy RunnerConfig per target, sorted", () => {
  const rcs = runnerConfigsFromPackDelivery(PD, {
    runnerImage: (c) => `r/conductor-exec:${c === "management" ? "v1.9.3" : "v1.10.1"}`,
  });
  assertEquals(rcs.map((r) => `${r.metadata.namespace}/${r.metadata.name}`), [
    "seam-tenant-ccs-dev/cert-manager-helm-v1.14.0-r1-ccs-dev",
    "seam-tenant-management/cert-manager-helm-v1.14.0-r1-management",
  ]);
  assertEquals(
    toYaml(rcs[1]),
    `apiVersion: seam.ontai.dev/v1alpha1
kind: RunnerConfig
metadata:
  labels:
    infrastructure.ontai.dev/cluster: management
    infrastructure.ontai.dev/pack: cert-manager-helm-v1.14.0-r1
    infrastructure.ontai.dev/pack-version: v1.14.0-r1
  name: cert-manager-helm-v1.14.0-r1-management
  namespace: seam-tenant-management
spec:
  clusterRef: management
  runnerImage: r/conductor-exec:v1.9.3
  steps:
    - capability: pack-deploy
      haltOnFailure: true
      name: pack-deploy
      parameters:
        checksum: 0f0f
        kueueQueue: pack-deploy-queue
        operationResultCM: cert-manager-helm-v1.14.0-r1-management
        registryRef: 10.0.0.1:5000/ontai-dev/packs/cert-manager-helm@sha256:abc
`,
  );
  assertEquals(rcs[0]!.spec.runnerImage, "r/conductor-exec:v1.10.1");
});

Deno.test("from a PackDelivery: no queue on request, target filter, errors gathered", () => {
  const [only] = runnerConfigsFromPackDelivery(PD, {
    runnerImage: "i",
    queueName: "",
    targetClusters: ["ccs-dev"],
  });
  assertEquals(only!.spec.steps![0]!.parameters!.kueueQueue, undefined);
  const e = assertThrows(
    () =>
      runnerConfigsFromPackDelivery(
        { metadata: { name: "p" }, spec: { version: "", registryRef: { url: "" }, targetClusters: [] } },
        { runnerImage: "" },
      ),
    ValidationError,
  );
  assertEquals(e.issues.map((i) => i.path), ["spec.version", "spec.registryRef.url", "spec.targetClusters"]);
  assertThrows(
    () =>
      runnerConfigsFromPackDelivery({ ...PD, spec: { ...PD.spec, targetClusters: ["Bad"] } }, {
        runnerImage: "i",
      }),
    ValidationError,
    '"Bad"',
  );
});

Deno.test("from a PackBuild input: same records as the PackDelivery it becomes", () => {
  const fromBuild = runnerConfigsFromPackBuild(
    {
      name: PD.metadata.name,
      namespace: PD.metadata.namespace,
      version: PD.spec.version,
      registryUrl: PD.spec.registryRef.url,
      digest: "sha256:abc",
      checksum: "0f0f",
      targetClusters: ["management", "ccs-dev"],
    },
    { runnerImage: "i" },
  );
  assertEquals(fromBuild, runnerConfigsFromPackDelivery(PD, { runnerImage: "i" }));
  const noDigest = runnerConfigsFromPackBuild({
    name: "p",
    version: "v1",
    registryUrl: "reg/p",
    targetClusters: ["c"],
  }, { runnerImage: "i" });
  assertEquals(noDigest[0]!.spec.steps![0]!.parameters!.registryRef, "reg/p");
});

Deno.test("buildSteps: valid list normalised (parameters sorted, empty ones dropped)", () => {
  const steps = buildSteps([
    {
      name: "backup",
      capability: "etcd-backup",
      parameters: { timeoutSeconds: "600", s3SecretRef: "s3-env" },
    },
    { name: "defrag", capability: "etcd-defrag", parameters: {}, dependsOn: "backup", haltOnFailure: false },
  ]);
  assertEquals(steps, [
    {
      name: "backup",
      capability: "etcd-backup",
      parameters: { s3SecretRef: "s3-env", timeoutSeconds: "600" },
    },
    { name: "defrag", capability: "etcd-defrag", dependsOn: "backup", haltOnFailure: false },
  ]);
  assertEquals(Object.keys(steps[0]!.parameters!), ["s3SecretRef", "timeoutSeconds"]);
});

Deno.test("buildSteps: every problem reported with its path", () => {
  const e = assertThrows(
    () =>
      buildSteps([
        { name: "a", capability: "etcd-backup", dependsOn: "c" },
        { name: "a", capability: "pack-compile" },
        { name: "Bad", capability: "nope" },
        { name: "c", capability: "node-drain", dependsOn: "c" },
        { name: "d", capability: "pack-deploy", dependsOn: "zzz", parameters: { timeoutSeconds: "x" } },
      ]),
    ValidationError,
  );
  assertEquals(e.issues.map((i) => `${i.path}: ${i.message}`), [
    'steps[0].dependsOn: step "a" depends on "c", which is declared later; steps must be declared in dependency order',
    'steps[1].name: step name "a" is already used by steps[0]',
    'steps[1].capability: capability "pack-compile" is compile-only; the Conductor never runs it',
    'steps[2].name: step name "Bad" must be a lowercase RFC 1123 label (≤ 63 characters)',
    'steps[2].capability: unknown capability "nope"',
    'steps[3].capability: capability "node-drain" is declared but not implemented',
    'steps[3].dependsOn: step "c" depends on itself',
    "steps[4].parameters.operationResultCM: operationResultCM is required",
    "steps[4].parameters.timeoutSeconds: timeoutSeconds must be a non-negative whole number",
    'steps[4].dependsOn: step "d" depends on unknown step "zzz"',
  ]);
  assertThrows(() => buildSteps([]), ValidationError, "must not be empty");
  assertEquals(buildSteps([{ name: "x", capability: "node-drain" }], { allowDeclared: true }).length, 1);
});

Deno.test("buildSteps: message of a single problem is one line", () => {
  const e = assertThrows(() => buildSteps([{ name: "a", capability: "nope" }]), ValidationError);
  assertStringIncludes(e.message, 'steps[0].capability: unknown capability "nope"');
  assert(!e.message.includes("\n"));
});
