/**
 * Deliberate differences from the upstream shape sources (api.md §9.4), in one place for the unit
 * compatibility test (schemas/compat_test.ts) and the e2e one (e2e/compat_test.ts).
 */
import type { DiffKind } from "./compat.ts";
import type { KindId } from "./names.ts";

export interface CompatAllowance {
  kind: KindId;
  diff: DiffKind;
  path: string;
  reason: string;
}

/** Differences that would otherwise fail the compatibility tests (narrowing, tightening). */
export const COMPAT_ALLOWED: readonly CompatAllowance[] = [
  {
    kind: "RunnerConfig",
    diff: "enumNarrowed",
    path: "status.phase",
    reason: 'api.md §9.4: phase is the enum ""|Completed|Failed so the sequencer contract is checkable',
  },
];

/**
 * Widenings: the port accepts values its shape source rejects, so an object the compiler emits with
 * such a value is rejected by an upstream CRD by design.
 */
export const COMPAT_WIDENED: readonly CompatAllowance[] = [
  {
    kind: "TalosCluster",
    diff: "loosened",
    path: "spec.infrastructureProvider",
    reason:
      "api.md §9.4: infrastructureProvider enum native|capi|screen (the compiler emits capi for CAPI tenants)",
  },
  {
    kind: "TalosClusterOperationResult",
    diff: "loosened",
    path: "spec.operations{}.failureReason.category",
    reason:
      "api.md §9.4: failureReason.category is the full seven-value list (LicenseViolation, StorageUnavailable)",
  },
];
