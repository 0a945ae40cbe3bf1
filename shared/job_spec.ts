/**
 * The execute Job builder (conductor.md §11.5, rendered as §9.6.b–d) and the execute image
 * convention.
 *
 * ## Execute image tag convention
 *
 * `<registry>/conductor-exec:<talos-version>`, e.g. `ghcr.io/ontai-dev/conductor-exec:v1.9.3`
 * (brief; conductor.md §2.9; api.md §4.1 `runnerImage`). The tag is the Talos version of the cluster
 * the Job operates on, with a leading `v`: the image's Talos API client and machine-config helpers
 * are built against that Talos contract, so the tag *is* the compatibility statement. A build
 * revision may follow as a pre-release suffix (`v1.9.3-r1`); `executeImageTag` passes it through.
 * One image serves every capability of that Talos version; `RunnerConfig.spec.runnerImage` carries
 * the full reference and every step Job of that RunnerConfig uses it unchanged (a Talos upgrade Job
 * runs with the image of the version it upgrades *from*; platform moves `runnerImage` afterwards).
 * The image runs as the non-root user 65532 with a read-only root filesystem (debian-slim base,
 * entrypoint `conductor`, args `["execute"]`); `/tmp` is an emptyDir.
 *
 * ## Builder
 *
 * `JobSpecBuilder` is immutable: every `with…` returns a new builder, so branches never share
 * state. `build()` validates everything at once (ValidationError listing each problem) and returns
 * a plain `JobSpec` value; `toJob(spec)` renders the `batch/v1` Job:
 * - labels `seam.ontai.dev/capability`, `platform.ontai.dev/cluster`, `ontai.dev/managed-by`,
 *   `app.kubernetes.io/{name,component}`, and, when set, `seam.ontai.dev/runner-config`,
 *   `seam.ontai.dev/step`; `kueue.x-k8s.io/queue-name` (+ `spec.suspend: true`, Kueue admits by
 *   unsuspending) and `kueue.x-k8s.io/priority-class` on the Job only;
 * - env in a fixed order: `CAPABILITY`, `CLUSTER_REF`, `POD_NAMESPACE` (downward API),
 *   `OPERATION_RESULT_CR`, `OPERATION_RESULT_CM`, `RESULT_CONFIGMAP`, `OPERATION_CR_NAME`,
 *   `TALOSCONFIG_PATH`, `KUBECONFIG`, `CONDUCTOR_IMAGE`, then extra variables sorted by name;
 *   an S3 Secret is projected with `envFrom`;
 * - Secret volumes always read-only (talosconfig Secret `{cluster}-talosconfig` at
 *   `/var/run/secrets/talosconfig`, kubeconfig Secret `seam-mc-{cluster}-kubeconfig` at
 *   `/var/run/secrets/kubeconfig`);
 * - `backoffLimit: 0`, `restartPolicy: Never`, TTL default 600 s, `activeDeadlineSeconds` from the
 *   step timeout, ServiceAccount `conductor` by default;
 * - pod security: `runAsNonRoot`, uid/gid 65532, RuntimeDefault seccomp; container:
 *   `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem: true`, drop ALL capabilities;
 * - node exclusions as required `NotIn` node affinity on `kubernetes.io/hostname`, plus the
 *   control-plane toleration.
 *
 * ## Names (deterministic)
 *
 * - step Jobs: `<runnerConfig>-<step>-<hash6>`, hash6 = first 6 hex of SHA-256(`uid/step`)
 *   (§9.6.a; `step_job.ts` builds sequencer step Jobs);
 * - otherwise: `<capability>-<clusterRef>-<hash6>`, hash6 = SHA-256(`capability/clusterRef/
 *   operationResultConfigMap`) (D-L3), unless `withName` gives one.
 * The prefix is cut so the name fits 63 characters (the Job controller copies it into a label).
 */
import type {
  V1Container,
  V1EnvVar,
  V1Job,
  V1JobSpec,
  V1ObjectMeta,
  V1PodSpec,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import { apiVersionOf, KIND_NAMES } from "../schemas/names.ts";
import { CAPABILITY_INFO, isCapabilityName } from "./capabilities.ts";
import { sha256Hex } from "./digest.ts";
import { InputError, type SeamError, ValidationError } from "./errors.ts";
import { fitName, isDnsLabel, isDnsSubdomain, isLabelValue } from "./k8s_names.ts";
import {
  ENV,
  KUBECONFIG_MOUNT_DIR,
  KUBECONFIG_SECRET_KEY,
  kubeconfigSecretName,
  LABEL_APP_COMPONENT,
  LABEL_APP_NAME,
  LABEL_CAPABILITY,
  LABEL_HOSTNAME,
  LABEL_KUEUE_PRIORITY_CLASS,
  LABEL_KUEUE_QUEUE_NAME,
  LABEL_MANAGED_BY,
  LABEL_PLATFORM_CLUSTER,
  LABEL_RUNNER_CONFIG,
  LABEL_STEP,
  NAMESPACE_ONT_SYSTEM,
  SERVICE_ACCOUNT_CONDUCTOR,
  TALOSCONFIG_MOUNT_DIR,
  TALOSCONFIG_SECRET_KEY,
  talosconfigSecretName,
} from "./runner_keys.ts";

export const EXECUTE_IMAGE_NAME = "conductor-exec";
/** uid and gid of the execute (and agent) image. */
export const RUNNER_UID = 65532;
export const DEFAULT_TTL_SECONDS = 600;
/** Default step timeout (D-X5). */
export const DEFAULT_TIMEOUT_SECONDS = 3600;
const _CONTAINER = "conductor";
const _TALOS_VERSION = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z][0-9A-Za-z.-]*)?$/;

/** `1.9.3` / `v1.9.3` / `v1.9.3-r1` → `v1.9.3` / `v1.9.3` / `v1.9.3-r1`; anything else is an InputError. */
export function executeImageTag(talosVersion: string): string {
  const v = talosVersion.trim();
  if (!_TALOS_VERSION.test(v)) {
    throw new InputError(`Talos version ${JSON.stringify(talosVersion)} is not of the form v1.9.3`, {
      code: "InvalidTalosVersion",
    });
  }
  return v.startsWith("v") ? v : `v${v}`;
}

/** `<registry>/conductor-exec:<tag>`; an empty registry gives `conductor-exec:<tag>`. */
export function executeImage(registry: string, talosVersion: string): string {
  const reg = registry.trim().replace(/\/+$/, "");
  const tag = executeImageTag(talosVersion);
  return reg === "" ? `${EXECUTE_IMAGE_NAME}:${tag}` : `${reg}/${EXECUTE_IMAGE_NAME}:${tag}`;
}

/** `<runnerConfig>-<step>-<6 hex of SHA-256(uid/step)>`, at most 63 characters (§9.6.a). */
export function stepJobName(runnerConfigName: string, runnerConfigUid: string, stepName: string): string {
  const hash6 = sha256Hex(`${runnerConfigUid}/${stepName}`).slice(0, 6);
  return fitName(`${runnerConfigName}-${stepName}`, hash6);
}

/** `<capability>-<clusterRef>-<6 hex of SHA-256(capability/clusterRef/resultCM)>` (D-L3). */
export function defaultJobName(
  capability: string,
  clusterRef: string,
  operationResultConfigMap: string,
): string {
  const hash6 = sha256Hex(`${capability}/${clusterRef}/${operationResultConfigMap}`).slice(0, 6);
  return fitName(`${capability}-${clusterRef}`, hash6);
}

export interface SecretVolume {
  secretName: string;
  mountPath: string;
  /** Always true: execute Jobs never write to their Secrets. */
  readOnly: true;
}

export interface EnvVar {
  name: string;
  value: string;
}

/** The built value (§11.5 `JobSpec`, extended with the port's fields). Empty string = unset. */
export interface JobSpec {
  name: string;
  namespace: string;
  image: string;
  capability: string;
  clusterRef: string;
  queueName: string;
  priorityClass: string;
  /** `OPERATION_RESULT_CM`: pack path, the PackExecution name. */
  operationResultConfigMap: string;
  /** `OPERATION_RESULT_CR`: day-2 path, the TCOR record key (the Job name). */
  operationResultCR: string;
  /** `RESULT_CONFIGMAP`: the result ConfigMap (the Job name for sequencer steps). */
  resultConfigMap: string;
  /** `OPERATION_CR_NAME`: the driving CR (C-D27). */
  operationCRName: string;
  /** `TALOSCONFIG_PATH`. */
  talosconfigPath: string;
  /** `KUBECONFIG`. */
  kubeconfigPath: string;
  /** Secret projected with `envFrom` (S3 settings and credentials). */
  envFromSecret: string;
  secretVolumes: SecretVolume[];
  /** Extra environment, sorted by name. */
  env: EnvVar[];
  ttlSecondsAfterFinished: number;
  activeDeadlineSeconds: number | null;
  serviceAccountName: string;
  nodeExclusions: string[];
  /** Owning RunnerConfig (controller owner reference), or null. */
  runnerConfig: { name: string; uid: string } | null;
  stepName: string;
  managedBy: string;
}

interface _State {
  name: string;
  namespace: string;
  image: string;
  capability: string;
  clusterRef: string;
  queueName: string;
  priorityClass: string;
  operationResultConfigMap: string;
  operationResultCR: string;
  resultConfigMap: string;
  operationCRName: string;
  /** null = not mounted; "" = default name for the cluster. */
  talosconfigSecret: string | null;
  kubeconfigSecret: string | null;
  talosconfigPath: string;
  kubeconfigPath: string;
  envFromSecret: string;
  secretVolumes: readonly { secretName: string; mountPath: string }[];
  env: ReadonlyMap<string, string>;
  ttl: number;
  timeout: number | null;
  serviceAccountName: string;
  nodeExclusions: readonly string[];
  runnerConfig: { name: string; uid: string } | null;
  stepName: string;
  managedBy: string;
}

const _EMPTY: _State = Object.freeze({
  name: "",
  namespace: NAMESPACE_ONT_SYSTEM,
  image: "",
  capability: "",
  clusterRef: "",
  queueName: "",
  priorityClass: "",
  operationResultConfigMap: "",
  operationResultCR: "",
  resultConfigMap: "",
  operationCRName: "",
  talosconfigSecret: null,
  kubeconfigSecret: null,
  talosconfigPath: "",
  kubeconfigPath: "",
  envFromSecret: "",
  secretVolumes: [],
  env: new Map(),
  ttl: DEFAULT_TTL_SECONDS,
  timeout: null,
  serviceAccountName: SERVICE_ACCOUNT_CONDUCTOR,
  nodeExclusions: [],
  runnerConfig: null,
  stepName: "",
  managedBy: "conductor",
});

/** Variables the builder owns; `withEnv` may not set them. */
const _OWNED_ENV = new Set<string>([
  ENV.CAPABILITY,
  ENV.CLUSTER_REF,
  ENV.POD_NAMESPACE,
  ENV.OPERATION_RESULT_CR,
  ENV.OPERATION_RESULT_CM,
  ENV.RESULT_CONFIGMAP,
  ENV.OPERATION_CR_NAME,
  ENV.TALOSCONFIG_PATH,
  ENV.KUBECONFIG,
  ENV.CONDUCTOR_IMAGE,
]);

/** Immutable builder; start with `jobSpecBuilder()`. */
export class JobSpecBuilder {
  readonly #s: _State;
  constructor(state: _State = _EMPTY) {
    this.#s = state;
  }
  #with(patch: Partial<_State>): JobSpecBuilder {
    return new JobSpecBuilder({ ...this.#s, ...patch });
  }

  /** Explicit name; otherwise derived (see module doc). */
  withName(name: string): JobSpecBuilder {
    return this.#with({ name });
  }
  /** Default `ont-system`. */
  withNamespace(namespace: string): JobSpecBuilder {
    return this.#with({ namespace });
  }
  withCapability(capability: string): JobSpecBuilder {
    return this.#with({ capability });
  }
  withClusterRef(clusterRef: string): JobSpecBuilder {
    return this.#with({ clusterRef });
  }
  withRunnerImage(image: string): JobSpecBuilder {
    return this.#with({ image });
  }
  /** Kueue LocalQueue; also makes the Job start suspended. */
  withQueueName(queueName: string): JobSpecBuilder {
    return this.#with({ queueName });
  }
  withPriorityClass(priorityClass: string): JobSpecBuilder {
    return this.#with({ priorityClass });
  }
  /** `OPERATION_RESULT_CM` (pack path: the PackExecution name). */
  withOperationResultConfigMap(name: string): JobSpecBuilder {
    return this.#with({ operationResultConfigMap: name });
  }
  /** `OPERATION_RESULT_CR` (day-2 path: the TCOR record key). */
  withOperationResultCR(name: string): JobSpecBuilder {
    return this.#with({ operationResultCR: name });
  }
  /** `RESULT_CONFIGMAP` (sequencer steps: the Job name). */
  withResultConfigMap(name: string): JobSpecBuilder {
    return this.#with({ resultConfigMap: name });
  }
  /** `OPERATION_CR_NAME` (C-D27). */
  withOperationCRName(name: string): JobSpecBuilder {
    return this.#with({ operationCRName: name });
  }
  /** Mounts the talosconfig Secret (default `{cluster}-talosconfig`) and sets `TALOSCONFIG_PATH`. */
  withTalosconfigSecret(secretName = ""): JobSpecBuilder {
    return this.#with({ talosconfigSecret: secretName });
  }
  /** Mounts the kubeconfig Secret (default `seam-mc-{cluster}-kubeconfig`) and sets `KUBECONFIG`. */
  withKubeconfigSecret(secretName = ""): JobSpecBuilder {
    return this.#with({ kubeconfigSecret: secretName });
  }
  /** Overrides the `TALOSCONFIG_PATH` value (step parameter `talosconfigPath`). */
  withTalosconfigPath(path: string): JobSpecBuilder {
    return this.#with({ talosconfigPath: path });
  }
  /** Overrides the `KUBECONFIG` value (step parameter `kubeconfigPath`). */
  withKubeconfigPath(path: string): JobSpecBuilder {
    return this.#with({ kubeconfigPath: path });
  }
  /** Projects a Secret's keys as environment (`envFrom`), e.g. S3 settings (§10.5). */
  withEnvFromSecret(secretName: string): JobSpecBuilder {
    return this.#with({ envFromSecret: secretName });
  }
  /** Appends a Secret volume; read-only whatever the caller wants. */
  withSecretVolume(secretName: string, mountPath: string): JobSpecBuilder {
    return this.#with({ secretVolumes: [...this.#s.secretVolumes, { secretName, mountPath }] });
  }
  /** An extra environment variable (later calls win); builder-owned names are refused at build. */
  withEnv(name: string, value: string): JobSpecBuilder {
    const env = new Map(this.#s.env);
    env.set(name, value);
    return this.#with({ env });
  }
  withTTL(seconds: number): JobSpecBuilder {
    return this.#with({ ttl: seconds });
  }
  /** Step timeout → `activeDeadlineSeconds`. */
  withTimeout(seconds: number): JobSpecBuilder {
    return this.#with({ timeout: seconds });
  }
  withServiceAccount(name: string): JobSpecBuilder {
    return this.#with({ serviceAccountName: name });
  }
  /** Copies the list; empty → no affinity. */
  withNodeExclusions(nodes: readonly string[] | null): JobSpecBuilder {
    return this.#with({ nodeExclusions: [...(nodes ?? [])] });
  }
  /** Owning RunnerConfig: label and controller owner reference. */
  withRunnerConfig(name: string, uid: string): JobSpecBuilder {
    return this.#with({ runnerConfig: { name, uid } });
  }
  withStep(stepName: string): JobSpecBuilder {
    return this.#with({ stepName });
  }
  /** Value of `ontai.dev/managed-by`; default `conductor`. */
  withManagedBy(managedBy: string): JobSpecBuilder {
    return this.#with({ managedBy });
  }

  /** Validates and returns the JobSpec; every problem is listed in one ValidationError. */
  build(): JobSpec {
    const s = this.#s;
    const issues: SeamError[] = [];
    const bad = (path: string, message: string) => issues.push(new InputError(message, { path }));

    if (s.image === "") bad("runnerImage", "runner image is required");
    if (s.capability === "") bad("capability", "capability is required");
    else if (!isCapabilityName(s.capability)) {
      bad("capability", `unknown capability ${JSON.stringify(s.capability)}`);
    } else if (CAPABILITY_INFO[s.capability].status === "compile-only") {
      bad(
        "capability",
        `capability ${JSON.stringify(s.capability)} is compile-only; the Conductor never runs it`,
      );
    }
    if (s.clusterRef === "") bad("clusterRef", "cluster ref is required (CLUSTER_REF)");
    else if (!isLabelValue(s.clusterRef)) {
      bad("clusterRef", `cluster ref ${JSON.stringify(s.clusterRef)} is not a valid label value`);
    }
    if (!isDnsLabel(s.namespace)) {
      bad("namespace", `namespace ${JSON.stringify(s.namespace)} is not a valid namespace name`);
    }
    if (s.operationResultConfigMap === "" && s.operationResultCR === "" && s.resultConfigMap === "") {
      bad(
        "result",
        "a result target is required: OPERATION_RESULT_CR, OPERATION_RESULT_CM or RESULT_CONFIGMAP",
      );
    }
    for (
      const [path, v] of [
        ["queueName", s.queueName],
        ["priorityClass", s.priorityClass],
        ["stepName", s.stepName],
        ["managedBy", s.managedBy],
        ["runnerConfig", s.runnerConfig?.name ?? ""],
      ] as const
    ) {
      if (!isLabelValue(v)) bad(path, `${JSON.stringify(v)} is not a valid label value`);
    }
    if (s.runnerConfig && s.runnerConfig.uid === "") {
      bad("runnerConfig", "the owning RunnerConfig's uid is required");
    }
    if (!Number.isInteger(s.ttl) || s.ttl < 0) {
      bad("ttlSecondsAfterFinished", `TTL must be a whole number ≥ 0, got ${s.ttl}`);
    }
    if (s.timeout !== null && (!Number.isInteger(s.timeout) || s.timeout < 1)) {
      bad("activeDeadlineSeconds", `timeout must be a whole number ≥ 1, got ${s.timeout}`);
    }
    if (!isDnsSubdomain(s.serviceAccountName)) {
      bad("serviceAccountName", `invalid ServiceAccount ${JSON.stringify(s.serviceAccountName)}`);
    }
    for (const name of s.env.keys()) {
      if (_OWNED_ENV.has(name)) bad(`env.${name}`, `${name} is set by the builder; use its own setter`);
      else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        bad(`env.${name}`, `invalid environment variable name ${JSON.stringify(name)}`);
      }
    }
    if (s.envFromSecret !== "" && !isDnsSubdomain(s.envFromSecret)) {
      bad("envFromSecret", `invalid Secret name ${JSON.stringify(s.envFromSecret)}`);
    }

    const volumes: SecretVolume[] = [];
    const mountPaths = new Set<string>();
    const addVolume = (secretName: string, mountPath: string) => {
      if (!isDnsSubdomain(secretName)) {
        bad("secretVolumes", `invalid Secret name ${JSON.stringify(secretName)}`);
      }
      if (!mountPath.startsWith("/")) {
        bad("secretVolumes", `mount path ${JSON.stringify(mountPath)} must be absolute`);
      }
      if (mountPaths.has(mountPath)) {
        bad("secretVolumes", `two volumes mounted at ${JSON.stringify(mountPath)}`);
      }
      mountPaths.add(mountPath);
      volumes.push({ secretName, mountPath, readOnly: true });
    };
    let talosconfigPath = s.talosconfigPath;
    let kubeconfigPath = s.kubeconfigPath;
    if (s.talosconfigSecret !== null) {
      addVolume(s.talosconfigSecret || talosconfigSecretName(s.clusterRef), TALOSCONFIG_MOUNT_DIR);
      talosconfigPath ||= `${TALOSCONFIG_MOUNT_DIR}/${TALOSCONFIG_SECRET_KEY}`;
    }
    if (s.kubeconfigSecret !== null) {
      addVolume(s.kubeconfigSecret || kubeconfigSecretName(s.clusterRef), KUBECONFIG_MOUNT_DIR);
      kubeconfigPath ||= `${KUBECONFIG_MOUNT_DIR}/${KUBECONFIG_SECRET_KEY}`;
    }
    for (const v of s.secretVolumes) addVolume(v.secretName, v.mountPath);

    const name = s.name !== ""
      ? s.name
      : s.runnerConfig && s.stepName !== ""
      ? stepJobName(s.runnerConfig.name, s.runnerConfig.uid, s.stepName)
      : defaultJobName(s.capability, s.clusterRef, s.operationResultConfigMap);
    if (!isDnsSubdomain(name) || name.length > 63) {
      bad("name", `Job name ${JSON.stringify(name)} must be an RFC 1123 subdomain of at most 63 characters`);
    }

    if (issues.length > 0) throw new ValidationError(issues, { code: "JobSpecInvalid" });
    return {
      name,
      namespace: s.namespace,
      image: s.image,
      capability: s.capability,
      clusterRef: s.clusterRef,
      queueName: s.queueName,
      priorityClass: s.priorityClass,
      operationResultConfigMap: s.operationResultConfigMap,
      operationResultCR: s.operationResultCR,
      resultConfigMap: s.resultConfigMap,
      operationCRName: s.operationCRName,
      talosconfigPath,
      kubeconfigPath,
      envFromSecret: s.envFromSecret,
      secretVolumes: volumes,
      env: [...s.env].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, value]) => ({
        name: n,
        value,
      })),
      ttlSecondsAfterFinished: s.ttl,
      activeDeadlineSeconds: s.timeout,
      serviceAccountName: s.serviceAccountName,
      nodeExclusions: [...s.nodeExclusions],
      runnerConfig: s.runnerConfig ? { ...s.runnerConfig } : null,
      stepName: s.stepName,
      managedBy: s.managedBy,
    };
  }
}

export function jobSpecBuilder(): JobSpecBuilder {
  return new JobSpecBuilder();
}

// ---------------------------------------------------------------------------------------------
// Rendering

function _labels(spec: JobSpec): Record<string, string> {
  const l: Record<string, string> = {
    [LABEL_APP_NAME]: "conductor",
    [LABEL_APP_COMPONENT]: "executor",
    [LABEL_CAPABILITY]: spec.capability,
    [LABEL_MANAGED_BY]: spec.managedBy,
    [LABEL_PLATFORM_CLUSTER]: spec.clusterRef,
  };
  if (spec.runnerConfig) l[LABEL_RUNNER_CONFIG] = spec.runnerConfig.name;
  if (spec.stepName !== "") l[LABEL_STEP] = spec.stepName;
  return l;
}

function _volumeName(mountPath: string, index: number): string {
  if (mountPath === TALOSCONFIG_MOUNT_DIR) return "talosconfig";
  if (mountPath === KUBECONFIG_MOUNT_DIR) return "kubeconfig";
  return `secret-${index}`;
}

/** Renders the `batch/v1` Job (a plain object; key order fixed). */
export function toJob(spec: JobSpec): V1Job {
  const labels = _labels(spec);
  const jobLabels: Record<string, string> = { ...labels };
  if (spec.queueName !== "") jobLabels[LABEL_KUEUE_QUEUE_NAME] = spec.queueName;
  if (spec.priorityClass !== "") jobLabels[LABEL_KUEUE_PRIORITY_CLASS] = spec.priorityClass;

  const env: V1EnvVar[] = [
    { name: ENV.CAPABILITY, value: spec.capability },
    { name: ENV.CLUSTER_REF, value: spec.clusterRef },
    {
      name: ENV.POD_NAMESPACE,
      valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } },
    },
  ];
  const opt = (name: string, value: string) => {
    if (value !== "") env.push({ name, value });
  };
  opt(ENV.OPERATION_RESULT_CR, spec.operationResultCR);
  opt(ENV.OPERATION_RESULT_CM, spec.operationResultConfigMap);
  opt(ENV.RESULT_CONFIGMAP, spec.resultConfigMap);
  opt(ENV.OPERATION_CR_NAME, spec.operationCRName);
  opt(ENV.TALOSCONFIG_PATH, spec.talosconfigPath);
  opt(ENV.KUBECONFIG, spec.kubeconfigPath);
  opt(ENV.CONDUCTOR_IMAGE, spec.image);
  for (const e of spec.env) env.push({ name: e.name, value: e.value });

  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  spec.secretVolumes.forEach((v, i) => {
    const name = _volumeName(v.mountPath, i);
    volumes.push({ name, secret: { secretName: v.secretName } });
    mounts.push({ name, mountPath: v.mountPath, readOnly: true });
  });
  volumes.push({ name: "tmp", emptyDir: {} });
  mounts.push({ name: "tmp", mountPath: "/tmp" });

  const container: V1Container = {
    name: _CONTAINER,
    image: spec.image,
    args: ["execute"],
    env,
    ...(spec.envFromSecret !== "" ? { envFrom: [{ secretRef: { name: spec.envFromSecret } }] } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    volumeMounts: mounts,
  };

  const podSpec: V1PodSpec = {
    serviceAccountName: spec.serviceAccountName,
    restartPolicy: "Never",
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUNNER_UID,
      runAsGroup: RUNNER_UID,
      fsGroup: RUNNER_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...(spec.nodeExclusions.length > 0
      ? {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{
                matchExpressions: [{
                  key: LABEL_HOSTNAME,
                  operator: "NotIn",
                  values: [...spec.nodeExclusions],
                }],
              }],
            },
          },
        },
      }
      : {}),
    tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
    containers: [container],
    volumes,
  };

  const metadata: V1ObjectMeta = {
    name: spec.name,
    namespace: spec.namespace,
    labels: jobLabels,
    ...(spec.runnerConfig
      ? {
        ownerReferences: [{
          apiVersion: apiVersionOf("RunnerConfig"),
          kind: KIND_NAMES.RunnerConfig.kind,
          name: spec.runnerConfig.name,
          uid: spec.runnerConfig.uid,
          controller: true,
          blockOwnerDeletion: true,
        }],
      }
      : {}),
  };
  const jobSpec: V1JobSpec = {
    ...(spec.queueName !== "" ? { suspend: true } : {}),
    backoffLimit: 0,
    ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished,
    ...(spec.activeDeadlineSeconds !== null ? { activeDeadlineSeconds: spec.activeDeadlineSeconds } : {}),
    template: { metadata: { labels }, spec: podSpec },
  };
  return { apiVersion: "batch/v1", kind: "Job", metadata, spec: jobSpec };
}
