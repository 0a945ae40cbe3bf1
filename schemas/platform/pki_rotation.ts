/** PKIRotation (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const PKIRotationSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  lineage: sealedCausalChain.optional(),
});
export type PKIRotationSpec = z.infer<typeof PKIRotationSpecSchema>;

export const PKIRotationStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
});
export type PKIRotationStatus = z.infer<typeof PKIRotationStatusSchema>;

export const PKIRotationDef = defineKind({
  name: "PKIRotation",
  description: "Rotation of a cluster's certificates.",
  spec: PKIRotationSpecSchema,
  status: PKIRotationStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const PKIRotationSchema = PKIRotationDef.object;
export type PKIRotation = z.infer<typeof PKIRotationSchema>;
