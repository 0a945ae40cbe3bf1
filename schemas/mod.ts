/**
 * The port's API in one import: every kind's zod schemas and types, the CRD framework, the names.
 *
 * `ALL_KINDS` has a fixed order (group, then kind, byte order) and `allCrds()` follows it, so the
 * generated bundle is deterministic.
 */
import { type AnyKindDef, crdOf } from "./crd.ts";
import { RunnerConfigDef } from "./seam/runner_config.ts";
import { DriftSignalDef } from "./seam/drift_signal.ts";
import { LineageRecordDef } from "./seam/lineage_record.ts";
import { SeamMembershipDef } from "./seam/seam_membership.ts";
import { PackDeliveryDef } from "./dispatcher/pack_delivery.ts";
import { PackExecutionDef } from "./dispatcher/pack_execution.ts";
import { PackInstalledDef } from "./dispatcher/pack_installed.ts";
import { PackReceiptDef } from "./dispatcher/pack_receipt.ts";
import { PackOperationResultDef } from "./dispatcher/pack_operation_result.ts";
import { TalosClusterDef } from "./platform/talos_cluster.ts";
import { TalosClusterOperationResultDef } from "./platform/talos_cluster_operation_result.ts";
import { MaintenanceBundleDef } from "./platform/maintenance_bundle.ts";
import { UpgradePolicyDef } from "./platform/upgrade_policy.ts";
import { NodeOperationDef } from "./platform/node_operation.ts";
import { NodeMaintenanceDef } from "./platform/node_maintenance.ts";
import { EtcdMaintenanceDef } from "./platform/etcd_maintenance.ts";
import { PKIRotationDef } from "./platform/pki_rotation.ts";
import { ClusterResetDef } from "./platform/cluster_reset.ts";
import { HardeningProfileDef } from "./platform/hardening_profile.ts";
import { ClusterMaintenanceDef } from "./platform/cluster_maintenance.ts";
import { TalosMachineConfigBackupDef } from "./platform/talos_machine_config_backup.ts";
import { TalosMachineConfigBackupScheduleDef } from "./platform/talos_machine_config_backup_schedule.ts";
import { TalosMachineConfigRestoreDef } from "./platform/talos_machine_config_restore.ts";
import { TalosEtcdBackupScheduleDef } from "./platform/talos_etcd_backup_schedule.ts";
import { MachineConfigDef } from "./platform/machine_config.ts";
import { MachineConfigSyncDef } from "./platform/machine_config_sync.ts";
import { SeamInfrastructureClusterDef } from "./capi/seam_infrastructure_cluster.ts";
import { SeamInfrastructureMachineDef } from "./capi/seam_infrastructure_machine.ts";
import { SeamInfrastructureMachineTemplateDef } from "./capi/seam_infrastructure_machine_template.ts";
import { PermissionSetDef } from "./guardian/permission_set.ts";
import { RBACPolicyDef } from "./guardian/rbac_policy.ts";
import { RBACProfileDef } from "./guardian/rbac_profile.ts";
import { PermissionSnapshotDef } from "./guardian/permission_snapshot.ts";
import { PermissionSnapshotReceiptDef } from "./guardian/permission_snapshot_receipt.ts";
import { GuardianDef } from "./guardian/guardian.ts";
import { IdentityProviderDef } from "./guardian/identity_provider.ts";
import { IdentityBindingDef } from "./guardian/identity_binding.ts";

export * from "./names.ts";
export * from "./crd.ts";
export * from "./common.ts";
export * from "./seam/runner_config.ts";
export * from "./seam/drift_signal.ts";
export * from "./seam/lineage_record.ts";
export * from "./seam/seam_membership.ts";
export * from "./dispatcher/pack_delivery.ts";
export * from "./dispatcher/pack_execution.ts";
export * from "./dispatcher/pack_installed.ts";
export * from "./dispatcher/pack_receipt.ts";
export * from "./dispatcher/pack_operation_result.ts";
export * from "./platform/talos_cluster.ts";
export * from "./platform/talos_cluster_operation_result.ts";
export * from "./platform/maintenance_bundle.ts";
export * from "./platform/upgrade_policy.ts";
export * from "./platform/node_operation.ts";
export * from "./platform/node_maintenance.ts";
export * from "./platform/etcd_maintenance.ts";
export * from "./platform/pki_rotation.ts";
export * from "./platform/cluster_reset.ts";
export * from "./platform/hardening_profile.ts";
export * from "./platform/cluster_maintenance.ts";
export * from "./platform/talos_machine_config_backup.ts";
export * from "./platform/talos_machine_config_backup_schedule.ts";
export * from "./platform/talos_machine_config_restore.ts";
export * from "./platform/talos_etcd_backup_schedule.ts";
export * from "./platform/machine_config.ts";
export * from "./platform/machine_config_sync.ts";
export * from "./capi/seam_infrastructure_cluster.ts";
export * from "./capi/seam_infrastructure_machine.ts";
export * from "./capi/seam_infrastructure_machine_template.ts";
export * from "./guardian/permission_set.ts";
export * from "./guardian/rbac_policy.ts";
export * from "./guardian/rbac_profile.ts";
export * from "./guardian/permission_snapshot.ts";
export * from "./guardian/permission_snapshot_receipt.ts";
export * from "./guardian/guardian.ts";
export * from "./guardian/identity_provider.ts";
export * from "./guardian/identity_binding.ts";

function _byGroupThenKind(a: AnyKindDef, b: AnyKindDef): number {
  const ka = `${a.names.group}\u0000${a.name}`;
  const kb = `${b.names.group}\u0000${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Every kind (37), ordered by API group, then kind name. */
export const ALL_KINDS: readonly AnyKindDef[] = Object.freeze([
  RunnerConfigDef,
  DriftSignalDef,
  LineageRecordDef,
  SeamMembershipDef,
  PackDeliveryDef,
  PackExecutionDef,
  PackInstalledDef,
  PackReceiptDef,
  PackOperationResultDef,
  TalosClusterDef,
  TalosClusterOperationResultDef,
  MaintenanceBundleDef,
  UpgradePolicyDef,
  NodeOperationDef,
  NodeMaintenanceDef,
  EtcdMaintenanceDef,
  PKIRotationDef,
  ClusterResetDef,
  HardeningProfileDef,
  ClusterMaintenanceDef,
  TalosMachineConfigBackupDef,
  TalosMachineConfigBackupScheduleDef,
  TalosMachineConfigRestoreDef,
  TalosEtcdBackupScheduleDef,
  MachineConfigDef,
  MachineConfigSyncDef,
  SeamInfrastructureClusterDef,
  SeamInfrastructureMachineDef,
  SeamInfrastructureMachineTemplateDef,
  PermissionSetDef,
  RBACPolicyDef,
  RBACProfileDef,
  PermissionSnapshotDef,
  PermissionSnapshotReceiptDef,
  GuardianDef,
  IdentityProviderDef,
  IdentityBindingDef,
].sort(_byGroupThenKind));

/** The CustomResourceDefinitions of every kind, in `ALL_KINDS` order. */
export function allCrds(): Record<string, unknown>[] {
  return ALL_KINDS.map((def) => crdOf(def));
}

// Compiler input schemas (ClusterInput, PackBuildInput, component descriptor), owned by schemas/inputs/.
export * from "./inputs/mod.ts";
