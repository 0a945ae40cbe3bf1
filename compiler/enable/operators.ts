/**
 * The ONE operator table of `compiler enable` (compiler.md §5.2; DECISIONS "Operator names"):
 * guardian, platform, dispatcher (upstream "wrapper"), seam (upstream "seam-core"), conductor.
 * Every Deployment, ServiceAccount, Lease, RBACProfile, SeamMembership, metrics Service,
 * webhook-Secret, image, executor and runner name is derived from this table; a rename is a one-line
 * change here.
 */

export const SEAM_SYSTEM = "seam-system";
export const ONT_SYSTEM = "ont-system";
export const KUBE_SYSTEM = "kube-system";
export const MANAGED_BY = "compiler";
export const DEFAULT_REGISTRY = "10.20.0.1:5000/ontai-dev";
export const DEFAULT_VERSION = "dev";
/** Cluster name used when `--cluster-name` is empty (Lease `conductor-management`, target cluster). */
export const MANAGEMENT = "management";
export const CLUSTER_ROLES = ["management", "tenant"] as const;
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

export type OperatorId = "guardian" | "platform" | "dispatcher" | "seam" | "conductor";

export interface Operator {
  id: OperatorId;
  /** Deployment, ServiceAccount, image and domain-identity name. */
  name: string;
  namespace: string;
  serviceAccount: string;
  /** Fixed leader Lease name; the conductor's depends on the cluster (see `conductorLeaseName`). */
  lease: string | undefined;
  /** Secret holding the operator's webhook serving certificate (mounted by its Deployment). */
  webhookCertSecret: string | undefined;
  /** Executor ServiceAccount in ont-system (platform, dispatcher). */
  executorServiceAccount: string | undefined;
}

function _op(id: OperatorId, namespace: string, executor: boolean, webhook: boolean): Operator {
  return {
    id,
    name: id,
    namespace,
    serviceAccount: id,
    lease: id === "conductor" ? undefined : `${id}-leader`,
    webhookCertSecret: webhook ? `${id}-webhook-cert` : undefined,
    executorServiceAccount: executor ? `${id}-executor` : undefined,
  };
}

export const OPERATORS: Readonly<Record<OperatorId, Operator>> = Object.freeze({
  guardian: _op("guardian", SEAM_SYSTEM, false, true),
  platform: _op("platform", SEAM_SYSTEM, true, true),
  dispatcher: _op("dispatcher", SEAM_SYSTEM, true, true),
  seam: _op("seam", SEAM_SYSTEM, false, true),
  conductor: _op("conductor", ONT_SYSTEM, false, false),
});

/** Table order (§5.2): profiles, leases and deployments follow it unless the spec says otherwise. */
export const OPERATOR_ORDER: readonly OperatorId[] = [
  "guardian",
  "platform",
  "dispatcher",
  "seam",
  "conductor",
];
/** SeamMembership order (§5.5 01): guardian, platform, dispatcher, conductor, seam. */
export const MEMBERSHIP_ORDER: readonly OperatorId[] = [
  "guardian",
  "platform",
  "dispatcher",
  "conductor",
  "seam",
];
/** The operators whose Deployments phase 03 carries. */
export const PHASE3_OPERATORS: readonly OperatorId[] = ["platform", "dispatcher", "seam"];

/** The per-tenant runner identity of the dispatcher (upstream `wrapper-runner`). */
export const RUNNER_NAME = `${OPERATORS.dispatcher.name}-runner`;
/** Cluster-scoped half of the runner RBAC. */
export const RUNNER_CLUSTER_ROLE = `${RUNNER_NAME}-cluster-scoped`;
/** Pack-deploy queue names (Kueue). */
export const PACK_DEPLOY_LOCAL_QUEUE = "pack-deploy-queue";
export const PACK_DEPLOY_CLUSTER_QUEUE = "seam-pack-deploy";
export const PACK_DEPLOY_FLAVOR = "seam-default-flavor";

export function conductorLeaseName(clusterName: string): string {
  return `${OPERATORS.conductor.name}-${clusterName === "" ? MANAGEMENT : clusterName}`;
}

export function leaseOf(op: Operator, clusterName: string): string {
  return op.lease ?? conductorLeaseName(clusterName);
}

export function imageOf(op: Operator, registry: string, version: string): string {
  return `${registry.replace(/\/+$/, "")}/${op.name}:${version}`;
}

export function principalOf(op: Operator): string {
  return `system:serviceaccount:${op.namespace}:${op.serviceAccount}`;
}

export function tenantNamespace(cluster: string): string {
  return `seam-tenant-${cluster}`;
}
