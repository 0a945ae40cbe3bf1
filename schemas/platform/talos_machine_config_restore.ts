/** TalosMachineConfigRestore (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain, secretReference } from "../common.ts";

export const TalosMachineConfigRestoreSpecSchema = z.object({
  backupTimestamp: z.string().describe(
    "Which backup: the timestamp path segment, format 20060102T150405Z (UTC).",
  ),
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  lineage: sealedCausalChain.optional(),
  s3BackupSecretRef: secretReference.describe("S3 configuration Secret for this operation.").optional(),
  s3SourceBucket: z.string().describe("Bucket holding the backup."),
  targetNodes: z.array(z.string()).describe("Hostnames to restore; empty = all.").optional(),
});
export type TalosMachineConfigRestoreSpec = z.infer<typeof TalosMachineConfigRestoreSpecSchema>;

export const TalosMachineConfigRestoreStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
  phase: z.string().describe(
    "Pending, Running, Succeeded, Failed or PartiallyFailed (free string in the schema).",
  ).optional(),
  restoredNodes: z.array(z.string()).describe("Hostnames restored.").optional(),
});
export type TalosMachineConfigRestoreStatus = z.infer<typeof TalosMachineConfigRestoreStatusSchema>;

export const TalosMachineConfigRestoreDef = defineKind({
  name: "TalosMachineConfigRestore",
  description: "Restore of node machine configs from an S3 backup.",
  spec: TalosMachineConfigRestoreSpecSchema,
  status: TalosMachineConfigRestoreStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Timestamp", type: "string", jsonPath: ".spec.backupTimestamp" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    AGE_COLUMN,
  ],
});

export const TalosMachineConfigRestoreSchema = TalosMachineConfigRestoreDef.object;
export type TalosMachineConfigRestore = z.infer<typeof TalosMachineConfigRestoreSchema>;
