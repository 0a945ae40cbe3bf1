import { assertEquals, assertStringIncludes, assertThrows } from "./testing/asserts.ts";
import { sha256Hex } from "./digest.ts";
import { ValidationError } from "./errors.ts";
import { toJob } from "./job_spec.ts";
import { jobSpecForStep, resolveNodeExclusions } from "./step_job.ts";
import { toYaml } from "./yaml_io.ts";

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
