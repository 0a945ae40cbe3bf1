/**
 * Every API group, kind, plural and short name in one place (DECISIONS.md): a later rename is a
 * one-line change here. Metadata keys (annotations, labels, finalizers) are contracts with other
 * operators and live in `keys.ts`; they are never derived from these groups.
 */

export const VERSION = "v1alpha1";
export const GROUP_SEAM = "seam.ontai.dev";
export const GROUP_GUARDIAN = "guardian.ontai.dev";
export const GROUP_CAPI_INFRA = "infrastructure.cluster.x-k8s.io";

export type Owner = "seam" | "dispatcher" | "platform" | "guardian" | "capi";

export interface KindName {
  kind: string;
  group: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
  scope: "Namespaced" | "Cluster";
  /** Which operator owns the CRD (DECISIONS.md operator table; `capi` for the provider kinds). */
  owner: Owner;
}

function _k(
  kind: string,
  group: string,
  plural: string,
  short: string,
  owner: Owner,
): KindName {
  const category = group === GROUP_GUARDIAN ? "guardian" : group === GROUP_SEAM ? "seam" : "seam-capi";
  return {
    kind,
    group,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [short],
    categories: [category],
    scope: "Namespaced",
    owner,
  };
}

/** api.md §9.2 with DECISIONS.md's pack mapping (PackDelivery is what packbuild emits). */
export const KIND_NAMES = {
  RunnerConfig: _k("RunnerConfig", GROUP_SEAM, "runnerconfigs", "rcfg", "seam"),
  DriftSignal: _k("DriftSignal", GROUP_SEAM, "driftsignals", "dsig", "seam"),
  LineageRecord: _k("LineageRecord", GROUP_SEAM, "lineagerecords", "lr", "seam"),
  SeamMembership: _k("SeamMembership", GROUP_SEAM, "seammemberships", "sm", "seam"),

  PackDelivery: _k("PackDelivery", GROUP_SEAM, "packdeliveries", "pd", "dispatcher"),
  PackExecution: _k("PackExecution", GROUP_SEAM, "packexecutions", "pe", "dispatcher"),
  PackInstalled: _k("PackInstalled", GROUP_SEAM, "packinstalleds", "pin", "dispatcher"),
  PackReceipt: _k("PackReceipt", GROUP_SEAM, "packreceipts", "pr", "dispatcher"),
  PackOperationResult: _k("PackOperationResult", GROUP_SEAM, "packoperationresults", "por", "dispatcher"),

  TalosCluster: _k("TalosCluster", GROUP_SEAM, "talosclusters", "tc", "platform"),
  TalosClusterOperationResult: _k(
    "TalosClusterOperationResult",
    GROUP_SEAM,
    "talosclusteroperationresults",
    "tcor",
    "platform",
  ),
  MaintenanceBundle: _k("MaintenanceBundle", GROUP_SEAM, "maintenancebundles", "mb", "platform"),
  UpgradePolicy: _k("UpgradePolicy", GROUP_SEAM, "upgradepolicies", "upgp", "platform"),
  NodeOperation: _k("NodeOperation", GROUP_SEAM, "nodeoperations", "nop", "platform"),
  NodeMaintenance: _k("NodeMaintenance", GROUP_SEAM, "nodemaintenances", "nm", "platform"),
  EtcdMaintenance: _k("EtcdMaintenance", GROUP_SEAM, "etcdmaintenances", "em", "platform"),
  PKIRotation: _k("PKIRotation", GROUP_SEAM, "pkirotations", "pkir", "platform"),
  ClusterReset: _k("ClusterReset", GROUP_SEAM, "clusterresets", "crst", "platform"),
  HardeningProfile: _k("HardeningProfile", GROUP_SEAM, "hardeningprofiles", "hp", "platform"),
  ClusterMaintenance: _k("ClusterMaintenance", GROUP_SEAM, "clustermaintenances", "cmaint", "platform"),
  TalosMachineConfigBackup: _k(
    "TalosMachineConfigBackup",
    GROUP_SEAM,
    "talosmachineconfigbackups",
    "mcb",
    "platform",
  ),
  TalosMachineConfigBackupSchedule: _k(
    "TalosMachineConfigBackupSchedule",
    GROUP_SEAM,
    "talosmachineconfigbackupschedules",
    "mcbs",
    "platform",
  ),
  TalosMachineConfigRestore: _k(
    "TalosMachineConfigRestore",
    GROUP_SEAM,
    "talosmachineconfigrestores",
    "mcr",
    "platform",
  ),
  TalosEtcdBackupSchedule: _k(
    "TalosEtcdBackupSchedule",
    GROUP_SEAM,
    "talosetcdbackupschedules",
    "etcdbs",
    "platform",
  ),
  MachineConfig: _k("MachineConfig", GROUP_SEAM, "machineconfigs", "mc", "platform"),
  MachineConfigSync: _k("MachineConfigSync", GROUP_SEAM, "machineconfigsyncs", "mcs", "platform"),

  SeamInfrastructureCluster: _k(
    "SeamInfrastructureCluster",
    GROUP_CAPI_INFRA,
    "seaminfrastructureclusters",
    "sic",
    "capi",
  ),
  SeamInfrastructureMachine: _k(
    "SeamInfrastructureMachine",
    GROUP_CAPI_INFRA,
    "seaminfrastructuremachines",
    "sim",
    "capi",
  ),
  SeamInfrastructureMachineTemplate: _k(
    "SeamInfrastructureMachineTemplate",
    GROUP_CAPI_INFRA,
    "seaminfrastructuremachinetemplates",
    "simt",
    "capi",
  ),

  PermissionSet: _k("PermissionSet", GROUP_GUARDIAN, "permissionsets", "ps", "guardian"),
  RBACPolicy: _k("RBACPolicy", GROUP_GUARDIAN, "rbacpolicies", "rp", "guardian"),
  RBACProfile: _k("RBACProfile", GROUP_GUARDIAN, "rbacprofiles", "rbp", "guardian"),
  PermissionSnapshot: _k("PermissionSnapshot", GROUP_GUARDIAN, "permissionsnapshots", "psn", "guardian"),
  PermissionSnapshotReceipt: _k(
    "PermissionSnapshotReceipt",
    GROUP_GUARDIAN,
    "permissionsnapshotreceipts",
    "psr",
    "guardian",
  ),
  Guardian: _k("Guardian", GROUP_GUARDIAN, "guardians", "gdn", "guardian"),
  IdentityProvider: _k("IdentityProvider", GROUP_GUARDIAN, "identityproviders", "idp", "guardian"),
  IdentityBinding: _k("IdentityBinding", GROUP_GUARDIAN, "identitybindings", "ib", "guardian"),
} as const satisfies Record<string, KindName>;

export type KindId = keyof typeof KIND_NAMES;

export function apiVersionOf(kind: KindId): string {
  return `${KIND_NAMES[kind].group}/${VERSION}`;
}

/** `<plural>.<group>`, the CRD object's name. */
export function crdNameOf(kind: KindId): string {
  return `${KIND_NAMES[kind].plural}.${KIND_NAMES[kind].group}`;
}
