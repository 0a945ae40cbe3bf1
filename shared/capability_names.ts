/**
 * The zod-free part of the capability table (`capabilities.ts` re-exports all of it): the names,
 * which of them the execute image registers, and the sorted name lists.
 *
 * Split out so that a caller that needs only names — the conductor agent's capability publisher —
 * does not load zod and build 24 parameter schemas: that is ~15 MiB of the agent's idle RSS.
 * Everything else about a capability (owner, clients, mounts, parameters and their zod schema)
 * stays in `capabilities.ts`.
 */

/** Every capability name; keys follow upstream's `Capability…` constants. */
export const Capability = {
  Bootstrap: "bootstrap",
  TalosUpgrade: "talos-upgrade",
  KubeUpgrade: "kube-upgrade",
  StackUpgrade: "stack-upgrade",
  NodePatch: "node-patch",
  NodeScaleUp: "node-scale-up",
  NodeDecommission: "node-decommission",
  NodeReboot: "node-reboot",
  EtcdBackup: "etcd-backup",
  EtcdDefrag: "etcd-defrag",
  EtcdRestore: "etcd-restore",
  PKIRotate: "pki-rotate",
  CredentialRotate: "credential-rotate",
  HardeningApply: "hardening-apply",
  ClusterReset: "cluster-reset",
  MachineConfigBackup: "machineconfig-backup",
  MachineConfigRestore: "machineconfig-restore",
  PackCompile: "pack-compile",
  PackDeploy: "pack-deploy",
  RBACProvision: "rbac-provision",
  NodeDrain: "node-drain",
  NodeRollback: "node-rollback",
  MachineConfigRotation: "machineconfig-rotation",
  MachineConfigSync: "machineconfig-sync",
} as const;

export type CapabilityName = (typeof Capability)[keyof typeof Capability];

/** `implemented` (registered), `compile-only` (never registered), `declared` (no handler yet). */
export type CapabilityStatus = "implemented" | "compile-only" | "declared";

/** The capabilities that are not `implemented`; every other name is. */
const _NOT_IMPLEMENTED: Readonly<Partial<Record<CapabilityName, Exclude<CapabilityStatus, "implemented">>>> =
  Object.freeze({
    "pack-compile": "compile-only",
    "node-drain": "declared",
    "node-rollback": "declared",
    "machineconfig-rotation": "declared",
    "machineconfig-sync": "declared",
  });

/** The status of a capability (`CAPABILITY_INFO[name].status` without loading the table). */
export function capabilityStatus(name: CapabilityName): CapabilityStatus {
  return _NOT_IMPLEMENTED[name] ?? "implemented";
}

function _byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** All 24 names, sorted. */
export const ALL_CAPABILITIES: readonly CapabilityName[] = Object.freeze(
  (Object.values(Capability) as CapabilityName[]).slice().sort(_byName),
);
/** The 19 the execute image registers (§10.0.1), sorted. */
export const EXECUTE_CAPABILITIES: readonly CapabilityName[] = Object.freeze(
  ALL_CAPABILITIES.filter((n) => capabilityStatus(n) === "implemented"),
);
/** The four platform `e8b0b94` capabilities without a handler (api.md U5), sorted. */
export const DECLARED_CAPABILITIES: readonly CapabilityName[] = Object.freeze(
  ALL_CAPABILITIES.filter((n) => capabilityStatus(n) === "declared"),
);
