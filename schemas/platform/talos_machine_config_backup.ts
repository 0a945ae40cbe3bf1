/** TalosMachineConfigBackup (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, s3Ref, sealedCausalChain, secretReference } from "../common.ts";

export const TalosMachineConfigBackupSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  lineage: sealedCausalChain.optional(),
  s3BackupSecretRef: secretReference.describe("S3 configuration Secret for this operation.").optional(),
  s3Destination: s3Ref.describe("Where backups are written."),
});
export type TalosMachineConfigBackupSpec = z.infer<typeof TalosMachineConfigBackupSpecSchema>;

export const TalosMachineConfigBackupStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
});
export type TalosMachineConfigBackupStatus = z.infer<typeof TalosMachineConfigBackupStatusSchema>;

export const TalosMachineConfigBackupDef = defineKind({
  name: "TalosMachineConfigBackup",
  description: "One backup of every node's machine config to S3.",
  spec: TalosMachineConfigBackupSpecSchema,
  status: TalosMachineConfigBackupStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const TalosMachineConfigBackupSchema = TalosMachineConfigBackupDef.object;
export type TalosMachineConfigBackup = z.infer<typeof TalosMachineConfigBackupSchema>;
