/** TalosClusterOperationResult (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, dateTime, defineKind, int64 } from "../crd.ts";
import { FailureCategorySchema, ResultStatusSchema } from "../common.ts";

/** One day-2 capability run, keyed by Job name in spec.operations. */
export const OperationRecordSchema = z.object({
  jobRef: z.string().describe("Job name (equals the map key)."),
  capability: z.string().describe("Capability that ran."),
  status: ResultStatusSchema.describe("Outcome."),
  startedAt: dateTime().describe("Start.").optional(),
  completedAt: dateTime().describe("End.").optional(),
  message: z.string().describe("Text: the failure reason, else the status word.").optional(),
  failureReason: z.object({
    category: FailureCategorySchema.describe("Failure class (the full list, api.md §9.4)."),
    reason: z.string().describe("Text."),
  }).describe("Set only on failure.").optional(),
});
export type OperationRecord = z.infer<typeof OperationRecordSchema>;

export const TalosClusterOperationResultSpecSchema = z.object({
  clusterRef: z.string().describe(
    "Cluster name; the object is named after the cluster and lives in seam-tenant-{cluster}.",
  ),
  operationCount: int64().describe("Number of entries in operations; always serialised (0 included).")
    .optional(),
  operations: z.record(
    z.string(),
    OperationRecordSchema,
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
  description: "Accumulating log of one cluster's day-2 capability runs, keyed by Job name.",
  spec: TalosClusterOperationResultSpecSchema,
  status: TalosClusterOperationResultStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef" },
    { name: "TalosVersion", type: "string", jsonPath: ".spec.talosVersion" },
    { name: "Revision", type: "integer", jsonPath: ".spec.revision" },
    { name: "Ops", type: "integer", jsonPath: ".spec.operationCount" },
    AGE_COLUMN,
  ],
});

export const TalosClusterOperationResultSchema = TalosClusterOperationResultDef.object;
export type TalosClusterOperationResult = z.infer<typeof TalosClusterOperationResultSchema>;
