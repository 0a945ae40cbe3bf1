import { z } from "zod";
import { AGE_COLUMN, dateTime, defineKind, int64 } from "../crd.ts";

export const TalosClusterOperationResultSpecSchema = z.object({
  clusterRef: z.string().describe(
    "Cluster name; the object is named after the cluster and lives in seam-tenant-{cluster}.",
  ),
  operationCount: int64().describe("Number of entries in operations; always serialised (0 included).")
    .optional(),
  operations: z.record(
    z.string(),
    z.object({
      capability: z.string().describe("Capability that ran."),
      completedAt: dateTime().describe("End.").optional(),
      failureReason: z.object({
        category: z.enum([
          "ValidationFailure",
          "CapabilityUnavailable",
          "ExecutionFailure",
          "ExternalDependencyFailure",
          "InvariantViolation",
        ]).describe("Failure class (narrower list than PackOperationResult)."),
        reason: z.string().describe("Text."),
      }).describe("Set only on failure.").optional(),
      jobRef: z.string().describe("Job name (equals the map key)."),
      message: z.string().describe("Text (upstream: the failure reason, else the status word).").optional(),
      startedAt: dateTime().describe("Start.").optional(),
      status: z.enum(["Succeeded", "Failed"]).describe("Outcome."),
    }),
  ).describe("Map keyed by Job name of day-2 operation records.").optional(),
  revision: int64().describe("Epoch counter; bumps when the Talos version changes.").default(1),
  talosVersion: z.string().describe("Talos version of the current revision epoch."),
});
export type TalosClusterOperationResultSpec = z.infer<typeof TalosClusterOperationResultSpecSchema>;

export const TalosClusterOperationResultStatusSchema = z.object({
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type TalosClusterOperationResultStatus = z.infer<typeof TalosClusterOperationResultStatusSchema>;

export const TalosClusterOperationResultDef = defineKind({
  name: "TalosClusterOperationResult",
  spec: TalosClusterOperationResultSpecSchema,
  status: TalosClusterOperationResultStatusSchema,
  printerColumns: [
    { "name": "Cluster", "type": "string", "jsonPath": ".spec.clusterRef" },
    { "name": "TalosVersion", "type": "string", "jsonPath": ".spec.talosVersion" },
    { "name": "Revision", "type": "integer", "jsonPath": ".spec.revision" },
    { "name": "Ops", "type": "integer", "jsonPath": ".spec.operationCount" },
    AGE_COLUMN,
  ],
});

export const TalosClusterOperationResultSchema = TalosClusterOperationResultDef.object;
export type TalosClusterOperationResult = z.infer<typeof TalosClusterOperationResultSchema>;
