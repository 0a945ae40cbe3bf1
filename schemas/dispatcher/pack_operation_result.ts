/** PackOperationResult: result record of one pack-deploy run (api.md §5.5). */
import { z } from "zod";
import { AGE_COLUMN, dateTime, defineKind, int64 } from "../crd.ts";
import { deployedResource, FailureCategorySchema, ResultStatusSchema } from "../common.ts";

/** Artifact kinds a pack-deploy run records. */
export const ArtifactKindSchema = z.enum(["ConfigMap", "Secret", "OCIImage", "S3Object"]);
export type ArtifactKind = z.infer<typeof ArtifactKindSchema>;

export const PackOperationResultSpecSchema = z.object({
  artifacts: z.array(z.object({
    checksum: z.string().describe("Checksum.").optional(),
    kind: ArtifactKindSchema.describe("Artifact type."),
    name: z.string().describe(
      "Logical name (cluster-pack, rbac-layer, cluster-scoped-layer, workload-layer).",
    ),
    reference: z.string().describe("Full reference (url@digest for OCI)."),
  })).describe("Artifacts used or produced.").optional(),
  capability: z.string().describe("Capability that produced it (pack-deploy)."),
  clusterPackRef: z.string().describe("PackDelivery (pack) deployed.").optional(),
  clusterPackVersion: z.string().describe("Pack version deployed (rollback anchor).").optional(),
  completedAt: dateTime().describe("End.").optional(),
  deployedResources: z.array(deployedResource).describe("Objects applied.").optional(),
  failureReason: z.object({
    category: FailureCategorySchema.describe("Failure class."),
    failedStep: z.string().describe("Step that failed.").optional(),
    reason: z.string().describe("Text."),
  }).describe("Set only on failure.").optional(),
  packExecutionRef: z.string().describe("PackExecution that ran.").optional(),
  phase: z.string().describe("RunnerConfig phase, if any.").optional(),
  previousRevisionRef: z.string().describe("Name of the predecessor revision, if any.").optional(),
  rbacDigest: z.string().describe("RBAC layer digest deployed (rollback anchor).").optional(),
  revision: int64().describe("Monotonic revision per PackExecution (starts at 1)."),
  startedAt: dateTime().describe("Start.").optional(),
  status: ResultStatusSchema.describe("Outcome."),
  steps: z.array(z.object({
    completedAt: dateTime().describe("End.").optional(),
    message: z.string().describe("Text.").optional(),
    name: z.string().describe(
      "Step name (pull-manifests, ensure-namespaces, apply-manifests, wait-ready, or a stage name...).",
    ),
    startedAt: dateTime().describe("Start.").optional(),
    status: ResultStatusSchema.describe("Step outcome."),
  })).describe("Per-step results.").optional(),
  talosClusterOperationResultRef: z.string().describe("Reserved; never set.").optional(),
  targetClusterRef: z.string().describe("Target cluster.").optional(),
  workloadDigest: z.string().describe("Workload layer digest deployed (rollback anchor).").optional(),
});
export type PackOperationResultSpec = z.infer<typeof PackOperationResultSpecSchema>;

export const PackOperationResultStatusSchema = z.object({
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type PackOperationResultStatus = z.infer<typeof PackOperationResultStatusSchema>;

export const PackOperationResultDef = defineKind({
  name: "PackOperationResult",
  description: "Immutable result of one pack-deploy run; revisions form a chain per PackExecution.",
  spec: PackOperationResultSpecSchema,
  status: PackOperationResultStatusSchema,
  printerColumns: [
    { name: "Capability", type: "string", jsonPath: ".spec.capability" },
    { name: "Status", type: "string", jsonPath: ".spec.status" },
    { name: "Cluster", type: "string", jsonPath: ".spec.targetClusterRef" },
    AGE_COLUMN,
  ],
});

export const PackOperationResultSchema = PackOperationResultDef.object;
export type PackOperationResult = z.infer<typeof PackOperationResultSchema>;
