import { assert, assertEquals, assertStringIncludes, assertThrows } from "./testing/asserts.ts";
import { sha256Hex } from "./digest.ts";
import { InputError, ValidationError } from "./errors.ts";
import {
  defaultJobName,
  executeImage,
  executeImageTag,
  jobSpecBuilder,
  jobSpecForStep,
  resolveNodeExclusions,
  stepJobName,
  toJob,
} from "./job_spec.ts";
import { toYaml } from "./yaml_io.ts";

const base = () =>
  jobSpecBuilder()
    .withCapability("etcd-defrag")
    .withClusterRef("ccs-dev")
    .withRunnerImage("reg/conductor-exec:v1.9.3")
    .withOperationResultCR("em-1-etcd-defrag");

Deno.test("execute image convention: <registry>/conductor-exec:v<talos>", () => {
  assertEquals(executeImageTag("1.9.3"), "v1.9.3");
  assertEquals(executeImageTag("v1.10.0-r2"), "v1.10.0-r2");
  assertEquals(executeImage("ghcr.io/ontai-dev/", "v1.9.3"), "ghcr.io/ontai-dev/conductor-exec:v1.9.3");
  assertEquals(executeImage("", "1.12.1"), "conductor-exec:v1.12.1");
  assertThrows(() => executeImageTag("latest"), InputError, '"latest"');
  assertThrows(() => executeImageTag("v1.9"), InputError);
});

Deno.test("step Job names: <R>-<step>-<hash6 of uid/step>, ≤ 63, deterministic (§9.6.a)", () => {
  const n = stepJobName("ccs-mgmt", "uid-1", "backup");
  assertEquals(n, `ccs-mgmt-backup-${sha256Hex("uid-1/backup").slice(0, 6)}`);
  assertEquals(stepJobName("ccs-mgmt", "uid-1", "backup"), n);
  assert(stepJobName("ccs-mgmt", "uid-2", "backup") !== n);
  const long = stepJobName("a".repeat(60), "u", "b".repeat(20));
  assertEquals(long.length, 63);
  assert(long.endsWith(`-${sha256Hex("u/" + "b".repeat(20)).slice(0, 6)}`));
  assertEquals(
    defaultJobName("pack-deploy", "ccs-dev", "cert-manager-ccs-dev"),
    `pack-deploy-ccs-dev-${sha256Hex("pack-deploy/ccs-dev/cert-manager-ccs-dev").slice(0, 6)}`,
  );
});

Deno.test("node exclusions (L-5): self-operation only, leader last, de-duplicated", () => {
  assertEquals(
    resolveNodeExclusions({
      selfOperation: true,
      maintenanceTargetNodes: ["cp1", "cp2"],
      operatorLeaderNode: "cp3",
    }),
    ["cp1", "cp2", "cp3"],
  );
  assertEquals(resolveNodeExclusions({ selfOperation: false, maintenanceTargetNodes: ["cp1"] }), null);
  assertEquals(resolveNodeExclusions({ maintenanceTargetNodes: ["cp1"] }), null);
  assertEquals(resolveNodeExclusions({ selfOperation: true, operatorLeaderNode: "cp3" }), ["cp3"]);
  assertEquals(
    resolveNodeExclusions({
      selfOperation: true,
      maintenanceTargetNodes: ["cp1", "cp1"],
      operatorLeaderNode: "cp1",
    }),
    ["cp1"],
  );
});

Deno.test("builder: zero value is safe and lists every missing field (L-4)", () => {
  const err = assertThrows(() => jobSpecBuilder().build(), ValidationError);
  const paths = err.issues.map((i) => i.path);
  for (const p of ["runnerImage", "capability", "clusterRef", "result"]) assert(paths.includes(p), p);
});

Deno.test("builder: defaults and propagation (L-4)", () => {
  const s = base().build();
  assertEquals(s.namespace, "ont-system");
  assertEquals(s.ttlSecondsAfterFinished, 600);
  assertEquals(s.serviceAccountName, "conductor");
  assertEquals(s.secretVolumes, []);
  assertEquals(s.nodeExclusions, []);
  assertEquals(s.name, defaultJobName("etcd-defrag", "ccs-dev", ""));
  const t = base().withName("x-1").withNamespace("seam-tenant-ccs-dev").withTTL(60).withQueueName("q")
    .build();
  assertEquals([t.name, t.namespace, t.ttlSecondsAfterFinished, t.queueName], [
    "x-1",
    "seam-tenant-ccs-dev",
    60,
    "q",
  ]);
});

Deno.test("builder: branches are independent; secret volumes always read-only", () => {
  const b = base();
  const withA = b.withSecretVolume("a", "/a");
  const withB = b.withSecretVolume("b", "/b");
  assertEquals(withA.build().secretVolumes, [{ secretName: "a", mountPath: "/a", readOnly: true }]);
  assertEquals(withB.build().secretVolumes, [{ secretName: "b", mountPath: "/b", readOnly: true }]);
  assertEquals(b.build().secretVolumes, []);
  const nodes = ["n1"];
  const ex = b.withNodeExclusions(nodes);
  nodes.push("n2");
  assertEquals(ex.build().nodeExclusions, ["n1"]);
  assertEquals(b.withNodeExclusions([]).build().nodeExclusions, []);
});

Deno.test("builder: refuses unknown and compile-only capabilities, owned env, bad values", () => {
  assertThrows(() => base().withCapability("frob").build(), ValidationError, 'unknown capability "frob"');
  assertThrows(() => base().withCapability("pack-compile").build(), ValidationError, "compile-only");
  assertThrows(() => base().withEnv("CAPABILITY", "x").build(), ValidationError, "set by the builder");
  assertThrows(() => base().withEnv("1BAD", "x").build(), ValidationError, "invalid environment variable");
  assertThrows(() => base().withTimeout(0).build(), ValidationError, "timeout");
  assertThrows(() => base().withQueueName("bad queue").build(), ValidationError, "label value");
  assertThrows(() => base().withSecretVolume("s", "rel").build(), ValidationError, "absolute");
  assertThrows(
    () => base().withKubeconfigSecret().withSecretVolume("s", "/var/run/secrets/kubeconfig").build(),
    ValidationError,
    "two volumes",
  );
  assertThrows(() => base().withRunnerConfig("rc", "").build(), ValidationError, "uid");
  // Declared capabilities may be submitted (their Jobs fail cleanly at run time).
  assertEquals(base().withCapability("node-drain").build().capability, "node-drain");
});

Deno.test("toJob: a day-2 Job with talosconfig, no queue, no exclusions", () => {
  const job = toJob(
    base().withTalosconfigSecret().withOperationCRName("em-1").withEnv("ZED", "1").withEnv("ALPHA", "2")
      .build(),
  );
  assertEquals(job.apiVersion, "batch/v1");
  assertEquals(job.kind, "Job");
  assertEquals(job.spec?.suspend, undefined);
  assertEquals(job.metadata?.labels?.["kueue.x-k8s.io/queue-name"], undefined);
  const pod = job.spec!.template.spec!;
  assertEquals(pod.affinity, undefined);
  assertEquals(pod.tolerations, [{
    key: "node-role.kubernetes.io/control-plane",
    operator: "Exists",
    effect: "NoSchedule",
  }]);
  const c = pod.containers[0]!;
  assertEquals(c.env!.map((e) => e.name), [
    "CAPABILITY",
    "CLUSTER_REF",
    "POD_NAMESPACE",
    "OPERATION_RESULT_CR",
    "OPERATION_CR_NAME",
    "TALOSCONFIG_PATH",
    "CONDUCTOR_IMAGE",
    "ALPHA",
    "ZED",
  ]);
  assertEquals(
    c.env!.find((e) => e.name === "TALOSCONFIG_PATH")?.value,
    "/var/run/secrets/talosconfig/talosconfig",
  );
  assertEquals(c.env!.find((e) => e.name === "POD_NAMESPACE")?.valueFrom, {
    fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" },
  });
  assertEquals(pod.volumes, [
    { name: "talosconfig", secret: { secretName: "ccs-dev-talosconfig" } },
    { name: "tmp", emptyDir: {} },
  ]);
  assertEquals(c.volumeMounts, [
    { name: "talosconfig", mountPath: "/var/run/secrets/talosconfig", readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ]);
});

Deno.test("toJob: exact rendering of a sequencer step Job (Kueue, S3, self-operation)", () => {
  const spec = jobSpecForStep({
    runnerConfig: {
      metadata: { name: "ccs-mgmt", uid: "0b5d-uid" },
      spec: {
        clusterRef: "ccs-mgmt",
        runnerImage: "ghcr.io/ontai-dev/conductor-exec:v1.9.3",
        selfOperation: true,
        maintenanceTargetNodes: ["cp1"],
        operatorLeaderNode: "cp2",
      },
    },
    step: {
      name: "backup",
      capability: "etcd-backup",
      parameters: {
        s3SecretRef: "em-1-s3-env",
        kueueQueue: "day2",
        timeoutSeconds: "900",
        operationCRName: "em-1",
      },
    },
  }).build();
  const name = `ccs-mgmt-backup-${sha256Hex("0b5d-uid/backup").slice(0, 6)}`;
  assertEquals(spec.name, name);
  assertEquals(spec.resultConfigMap, name);
  const expected = `apiVersion: batch/v1
kind: Job
metadata:
  labels:
    app.kubernetes.io/component: executor
    app.kubernetes.io/name: conductor
    kueue.x-k8s.io/queue-name: day2
    ontai.dev/managed-by: conductor
    platform.ontai.dev/cluster: ccs-mgmt
    seam.ontai.dev/capability: etcd-backup
    seam.ontai.dev/runner-config: ccs-mgmt
    seam.ontai.dev/step: backup
  name: ${name}
  namespace: ont-system
  ownerReferences:
    - apiVersion: seam.ontai.dev/v1alpha1
      blockOwnerDeletion: true
      controller: true
      kind: RunnerConfig
      name: ccs-mgmt
      uid: 0b5d-uid
spec:
  activeDeadlineSeconds: 900
  backoffLimit: 0
  suspend: true
  template:
    metadata:
      labels:
        app.kubernetes.io/component: executor
        app.kubernetes.io/name: conductor
        ontai.dev/managed-by: conductor
        platform.ontai.dev/cluster: ccs-mgmt
        seam.ontai.dev/capability: etcd-backup
        seam.ontai.dev/runner-config: ccs-mgmt
        seam.ontai.dev/step: backup
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: kubernetes.io/hostname
                    operator: NotIn
                    values:
                      - cp1
                      - cp2
      containers:
        - args:
            - execute
          env:
            - name: CAPABILITY
              value: etcd-backup
            - name: CLUSTER_REF
              value: ccs-mgmt
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  apiVersion: v1
                  fieldPath: metadata.namespace
            - name: RESULT_CONFIGMAP
              value: ${name}
            - name: OPERATION_CR_NAME
              value: em-1
            - name: TALOSCONFIG_PATH
              value: /var/run/secrets/talosconfig/talosconfig
            - name: CONDUCTOR_IMAGE
              value: ghcr.io/ontai-dev/conductor-exec:v1.9.3
          envFrom:
            - secretRef:
                name: em-1-s3-env
          image: ghcr.io/ontai-dev/conductor-exec:v1.9.3
          name: conductor
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
            readOnlyRootFilesystem: true
            runAsNonRoot: true
          volumeMounts:
            - mountPath: /var/run/secrets/talosconfig
              name: talosconfig
              readOnly: true
            - mountPath: /tmp
              name: tmp
      restartPolicy: Never
      securityContext:
        fsGroup: 65532
        runAsGroup: 65532
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile:
          type: RuntimeDefault
      serviceAccountName: conductor
      tolerations:
        - effect: NoSchedule
          key: node-role.kubernetes.io/control-plane
          operator: Exists
      volumes:
        - name: talosconfig
          secret:
            secretName: ccs-mgmt-talosconfig
        - emptyDir: {}
          name: tmp
  ttlSecondsAfterFinished: 600
`;
  assertEquals(toYaml(toJob(spec)), expected);
});

Deno.test("jobSpecForStep: pack-deploy gets the kubeconfig, PACK_* env, default queue and timeout", () => {
  const spec = jobSpecForStep({
    runnerConfig: {
      metadata: { name: "cert-manager-ccs-dev", uid: "u" },
      spec: { clusterRef: "ccs-dev", runnerImage: "img:v1" },
    },
    step: {
      name: "pack-deploy",
      capability: "pack-deploy",
      parameters: {
        operationResultCM: "cert-manager-ccs-dev",
        registryRef: "reg/p@sha256:1",
        checksum: "abc",
      },
    },
    namespace: "seam-tenant-ccs-dev",
    defaultQueueName: "pack-deploy-queue",
  }).build();
  assertEquals(spec.kubeconfigPath, "/var/run/secrets/kubeconfig/value");
  assertEquals(spec.secretVolumes, [{
    secretName: "seam-mc-ccs-dev-kubeconfig",
    mountPath: "/var/run/secrets/kubeconfig",
    readOnly: true,
  }]);
  assertEquals(spec.operationResultConfigMap, "cert-manager-ccs-dev");
  assertEquals(spec.env, [{ name: "PACK_CHECKSUM", value: "abc" }, {
    name: "PACK_REGISTRY_REF",
    value: "reg/p@sha256:1",
  }]);
  assertEquals(spec.queueName, "pack-deploy-queue");
  assertEquals(spec.activeDeadlineSeconds, 3600);
  assertEquals(spec.nodeExclusions, []);
  assertEquals(toJob(spec).spec?.suspend, true);
  // Parameters override the default mount paths.
  const over = jobSpecForStep({
    runnerConfig: { metadata: { name: "r", uid: "u" }, spec: { clusterRef: "c", runnerImage: "i" } },
    step: {
      name: "s",
      capability: "kube-upgrade",
      parameters: { kubeconfigPath: "/k", talosconfigPath: "/t" },
    },
  }).build();
  assertEquals([over.kubeconfigPath, over.talosconfigPath], ["/k", "/t"]);
  assertEquals(over.secretVolumes.map((v) => v.mountPath), [
    "/var/run/secrets/talosconfig",
    "/var/run/secrets/kubeconfig",
  ]);
});

Deno.test("jobSpecForStep: an unknown capability is refused at build", () => {
  const e = assertThrows(
    () =>
      jobSpecForStep({
        runnerConfig: { metadata: { name: "r", uid: "u" }, spec: { clusterRef: "c", runnerImage: "i" } },
        step: { name: "s", capability: "nope" },
      }).build(),
    ValidationError,
  );
  assertStringIncludes(e.message, "unknown capability");
});
