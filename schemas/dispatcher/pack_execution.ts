/** PackExecution: one attempt to apply a pack to a cluster (api.md §5.2). */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const PackExecutionSpecSchema = z.object({
  admissionProfileRef: z.string().describe(
    "RBACProfile governing the run (by convention the pack's name).",
  ).optional(),
  chartName: z.string().describe("Copied from the pack.").optional(),
  chartURL: z.string().describe("Copied from the pack.").optional(),
  chartVersion: z.string().describe("Copied from the pack.").optional(),
  clusterPackRef: z.object({
    name: z.string().min(1).describe("PackDelivery name."),
    version: z.string().min(1).describe("Expected pack version (guards against name reuse)."),
  }).describe("Pack to deploy (a PackDelivery)."),
  helmVersion: z.string().describe("Copied from the pack.").optional(),
  lineage: sealedCausalChain.optional(),
  targetClusterRef: z.string().describe("Target cluster name."),
});
export type PackExecutionSpec = z.infer<typeof PackExecutionSpecSchema>;

export const PackExecutionStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("pack-deploy Job name (pack-deploy-{execution}).").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResultRef: z.string().describe("Name of the PackOperationResult written by the Job.").optional(),
});
export type PackExecutionStatus = z.infer<typeof PackExecutionStatusSchema>;

export const PackExecutionDef = defineKind({
  name: "PackExecution",
  description: "One request to apply one pack version to one cluster (runs a pack-deploy Job).",
  spec: PackExecutionSpecSchema,
  status: PackExecutionStatusSchema,
  printerColumns: [
    { name: "Pack", type: "string", jsonPath: ".spec.clusterPackRef.name" },
    { name: "Target", type: "string", jsonPath: ".spec.targetClusterRef" },
    AGE_COLUMN,
  ],
});

export const PackExecutionSchema = PackExecutionDef.object;
export type PackExecution = z.infer<typeof PackExecutionSchema>;
