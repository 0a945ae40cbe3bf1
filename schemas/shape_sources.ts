/**
 * Which upstream CRD each kind's shape follows (api.md §9.2 with DECISIONS.md's pack mapping) and the
 * module that holds its zod schema. The upstream files are the compatibility oracle: `compat_test.ts`
 * checks that every property path of the shape source exists in the port's schema.
 *
 * Paths are relative to `shared/reference/crds/` (the copies of the upstream manifests).
 */
import type { KindId } from "./names.ts";

export interface ShapeSource {
  /** Family folder under `schemas/` and file stem of the kind's module. */
  family: "seam" | "dispatcher" | "platform" | "capi" | "guardian";
  module: string;
  /** Main shape source. */
  source: string;
  /** Extra sources whose listed property paths the port also carries (api.md §9.2 "plus ..."). */
  extra?: { source: string; paths: readonly string[] }[];
  /** Upstream path → port path (api.md §9.4 renames). */
  renames?: Record<string, string>;
}

export const SHAPE_SOURCES: Record<KindId, ShapeSource> = {
  RunnerConfig: { family: "seam", module: "runner_config", source: "seam/seam.ontai.dev_runnerconfigs.yaml" },
  DriftSignal: { family: "seam", module: "drift_signal", source: "seam/seam.ontai.dev_driftsignals.yaml" },
  LineageRecord: {
    family: "seam",
    module: "lineage_record",
    source: "seam/seam.ontai.dev_lineagerecords.yaml",
  },
  SeamMembership: {
    family: "seam",
    module: "seam_membership",
    source: "seam/seam.ontai.dev_seammemberships.yaml",
  },

  PackDelivery: {
    family: "dispatcher",
    module: "pack_delivery",
    source: "seam-core/infrastructure.ontai.dev_infrastructureclusterpacks.yaml",
  },
  PackExecution: {
    family: "dispatcher",
    module: "pack_execution",
    source: "seam-core/infrastructure.ontai.dev_infrastructurepackexecutions.yaml",
  },
  PackInstalled: {
    family: "dispatcher",
    module: "pack_installed",
    source: "seam-core/infrastructure.ontai.dev_infrastructurepackinstances.yaml",
  },
  PackReceipt: {
    family: "dispatcher",
    module: "pack_receipt",
    source: "seam-core/infrastructure.ontai.dev_infrastructurepackreceipts.yaml",
    renames: { "spec.packInstanceRef": "spec.packDeliveryRef" },
  },
  PackOperationResult: {
    family: "dispatcher",
    module: "pack_operation_result",
    source: "seam-core/infrastructure.ontai.dev_packoperationresults.yaml",
  },

  TalosCluster: {
    family: "platform",
    module: "talos_cluster",
    source: "platform/seam.ontai.dev_talosclusters.yaml",
    extra: [{
      source: "seam-core/infrastructure.ontai.dev_infrastructuretalosclusters.yaml",
      paths: ["spec.capi", "spec.nodeAddresses", "status.capiClusterRef"],
    }],
  },
  TalosClusterOperationResult: {
    family: "platform",
    module: "talos_cluster_operation_result",
    source: "platform/seam.ontai.dev_clusterlogs.yaml",
  },
  MaintenanceBundle: {
    family: "platform",
    module: "maintenance_bundle",
    source: "platform/platform.ontai.dev_maintenancebundles.yaml",
  },
  UpgradePolicy: {
    family: "platform",
    module: "upgrade_policy",
    source: "platform/platform.ontai.dev_upgradepolicies.yaml",
  },
  NodeOperation: {
    family: "platform",
    module: "node_operation",
    source: "platform/platform.ontai.dev_nodeoperations.yaml",
  },
  NodeMaintenance: {
    family: "platform",
    module: "node_maintenance",
    source: "platform/platform.ontai.dev_nodemaintenances.yaml",
  },
  EtcdMaintenance: {
    family: "platform",
    module: "etcd_maintenance",
    source: "platform/platform.ontai.dev_etcdmaintenances.yaml",
  },
  PKIRotation: {
    family: "platform",
    module: "pki_rotation",
    source: "platform/platform.ontai.dev_pkirotations.yaml",
  },
  ClusterReset: {
    family: "platform",
    module: "cluster_reset",
    source: "platform/platform.ontai.dev_clusterresets.yaml",
  },
  HardeningProfile: {
    family: "platform",
    module: "hardening_profile",
    source: "platform/platform.ontai.dev_hardeningprofiles.yaml",
  },
  ClusterMaintenance: {
    family: "platform",
    module: "cluster_maintenance",
    source: "platform/platform.ontai.dev_clustermaintenances.yaml",
  },
  TalosMachineConfigBackup: {
    family: "platform",
    module: "talos_machine_config_backup",
    source: "platform/platform.ontai.dev_talosmachineconfigbackups.yaml",
  },
  TalosMachineConfigBackupSchedule: {
    family: "platform",
    module: "talos_machine_config_backup_schedule",
    source: "platform/platform.ontai.dev_talosmachineconfigbackupschedules.yaml",
  },
  TalosMachineConfigRestore: {
    family: "platform",
    module: "talos_machine_config_restore",
    source: "platform/platform.ontai.dev_talosmachineconfigrestores.yaml",
  },
  TalosEtcdBackupSchedule: {
    family: "platform",
    module: "talos_etcd_backup_schedule",
    source: "platform/platform.ontai.dev_talosetcdbackupschedules.yaml",
  },
  MachineConfig: {
    family: "platform",
    module: "machine_config",
    source: "platform/platform.ontai.dev_machineconfigs.yaml",
  },
  MachineConfigSync: {
    family: "platform",
    module: "machine_config_sync",
    source: "platform/platform.ontai.dev_machineconfigsyncs.yaml",
  },

  SeamInfrastructureCluster: {
    family: "capi",
    module: "seam_infrastructure_cluster",
    source: "platform/infrastructure.cluster.x-k8s.io_seaminfrastructureclusters.yaml",
  },
  SeamInfrastructureMachine: {
    family: "capi",
    module: "seam_infrastructure_machine",
    source: "platform/infrastructure.cluster.x-k8s.io_seaminfrastructuremachines.yaml",
  },
  SeamInfrastructureMachineTemplate: {
    family: "capi",
    module: "seam_infrastructure_machine_template",
    source: "platform/infrastructure.cluster.x-k8s.io_seaminfrastructuremachinetemplates.yaml",
  },

  PermissionSet: {
    family: "guardian",
    module: "permission_set",
    source: "guardian/security.ontai.dev_permissionsets.yaml",
  },
  RBACPolicy: {
    family: "guardian",
    module: "rbac_policy",
    source: "guardian/security.ontai.dev_rbacpolicies.yaml",
  },
  RBACProfile: {
    family: "guardian",
    module: "rbac_profile",
    source: "guardian/security.ontai.dev_rbacprofiles.yaml",
  },
  PermissionSnapshot: {
    family: "guardian",
    module: "permission_snapshot",
    source: "guardian/security.ontai.dev_permissionsnapshots.yaml",
  },
  PermissionSnapshotReceipt: {
    family: "guardian",
    module: "permission_snapshot_receipt",
    source: "guardian/security.ontai.dev_permissionsnapshotreceipts.yaml",
  },
  Guardian: { family: "guardian", module: "guardian", source: "guardian/security.ontai.dev_guardians.yaml" },
  IdentityProvider: {
    family: "guardian",
    module: "identity_provider",
    source: "guardian/security.ontai.dev_identityproviders.yaml",
  },
  IdentityBinding: {
    family: "guardian",
    module: "identity_binding",
    source: "guardian/security.ontai.dev_identitybindings.yaml",
  },
};
