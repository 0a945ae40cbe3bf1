/**
 * Well-known names of the runner contract (api.md §10, §11; conductor.md §1.3, §1.4, §2.6, §9.6):
 * label and annotation keys, namespaces, Secret names, mount paths and the execute-mode
 * environment. Keys are contracts with other operators and keep their upstream strings; they are
 * never derived from the API group constants in `schemas/names.ts` (api.md §9.1, U9).
 */

/** api.md §11.1. */
export const NAMESPACE_ONT_SYSTEM = "ont-system";
export const NAMESPACE_SEAM_SYSTEM = "seam-system";
/** `seam-tenant-{cluster}`: everything per target cluster on the management cluster. */
export function tenantNamespace(cluster: string): string {
  return `seam-tenant-${cluster}`;
}

/** Label and annotation keys (api.md §10.1, §10.3, §10.6; conductor.md §1.3, §9.6). */
export const LABEL_KUEUE_QUEUE_NAME = "kueue.x-k8s.io/queue-name";
export const LABEL_KUEUE_PRIORITY_CLASS = "kueue.x-k8s.io/priority-class";
export const LABEL_RUNNER_CONFIG = "seam.ontai.dev/runner-config";
export const LABEL_STEP = "seam.ontai.dev/step";
export const LABEL_CAPABILITY = "seam.ontai.dev/capability";
export const LABEL_OPERATION_RESULT = "seam.ontai.dev/operation-result";
export const LABEL_PLATFORM_CLUSTER = "platform.ontai.dev/cluster";
export const LABEL_MANAGED_BY = "ontai.dev/managed-by";
export const LABEL_PACK = "infrastructure.ontai.dev/pack";
export const LABEL_PACK_VERSION = "infrastructure.ontai.dev/pack-version";
export const LABEL_PACK_CLUSTER = "infrastructure.ontai.dev/cluster";
export const LABEL_APP_NAME = "app.kubernetes.io/name";
export const LABEL_APP_COMPONENT = "app.kubernetes.io/component";
export const LABEL_HOSTNAME = "kubernetes.io/hostname";
export const LABEL_JOB_NAME = "batch.kubernetes.io/job-name";

/** LocalQueue the compiler (management) and platform (tenants) emit for pack-deploy Jobs. */
export const PACK_DEPLOY_QUEUE = "pack-deploy-queue";

/** ServiceAccount of sequencer-created step Jobs (conductor.md §9.6.b). */
export const SERVICE_ACCOUNT_CONDUCTOR = "conductor";

/** Secrets (api.md §11.2) and where execute Jobs mount them. */
export function kubeconfigSecretName(cluster: string): string {
  return `seam-mc-${cluster}-kubeconfig`;
}
/** The name executor Jobs mount (api.md §12 item 14: compiler/import use `seam-mc-{cluster}-talosconfig`). */
export function talosconfigSecretName(cluster: string): string {
  return `${cluster}-talosconfig`;
}
export const KUBECONFIG_MOUNT_DIR = "/var/run/secrets/kubeconfig";
export const KUBECONFIG_SECRET_KEY = "value";
export const KUBECONFIG_DEFAULT_PATH = `${KUBECONFIG_MOUNT_DIR}/${KUBECONFIG_SECRET_KEY}`;
export const TALOSCONFIG_MOUNT_DIR = "/var/run/secrets/talosconfig";
export const TALOSCONFIG_SECRET_KEY = "talosconfig";
export const TALOSCONFIG_DEFAULT_PATH = `${TALOSCONFIG_MOUNT_DIR}/${TALOSCONFIG_SECRET_KEY}`;
/** PVC protocol state directory (conductor.md §9.7). */
export const STATE_DIR = "/var/lib/conductor/state";

/** Execute-mode environment (conductor.md §2.6, §9.1, §9.6; api.md §11.4). */
export const ENV = {
  CAPABILITY: "CAPABILITY",
  CLUSTER_REF: "CLUSTER_REF",
  POD_NAMESPACE: "POD_NAMESPACE",
  POD_NAME: "POD_NAME",
  OPERATION_RESULT_CM: "OPERATION_RESULT_CM",
  OPERATION_RESULT_CR: "OPERATION_RESULT_CR",
  RESULT_CONFIGMAP: "RESULT_CONFIGMAP",
  RUNNER_CONFIG: "RUNNER_CONFIG",
  OPERATION_CR_NAME: "OPERATION_CR_NAME",
  TALOSCONFIG_PATH: "TALOSCONFIG_PATH",
  KUBECONFIG: "KUBECONFIG",
  KUEUE_QUEUE_NAME: "KUEUE_QUEUE_NAME",
  CONDUCTOR_IMAGE: "CONDUCTOR_IMAGE",
  PACK_REGISTRY_REF: "PACK_REGISTRY_REF",
  PACK_CHECKSUM: "PACK_CHECKSUM",
  PACK_SIGNATURE: "PACK_SIGNATURE",
  STATE_DIR: "STATE_DIR",
  S3_REGION: "S3_REGION",
  S3_ENDPOINT: "S3_ENDPOINT",
  GUARDIAN_BASE_URL: "GUARDIAN_BASE_URL",
} as const;
export type EnvName = (typeof ENV)[keyof typeof ENV];
