/** TalosMachineConfigBackupSchedule (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int64 } from "../crd.ts";
import { localObjectRef, s3Ref, secretReference } from "../common.ts";

export const TalosMachineConfigBackupScheduleSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  s3BackupSecretRef: secretReference.describe("S3 configuration Secret for this operation.").optional(),
  s3Destination: s3Ref.describe("Where backups are written."),
  schedule: z.string().describe("Interval as a Go duration string (24h, 6h...), not cron."),
});
export type TalosMachineConfigBackupScheduleSpec = z.infer<typeof TalosMachineConfigBackupScheduleSpecSchema>;

export const TalosMachineConfigBackupScheduleStatusSchema = z.object({
  conditions: conditions.optional(),
  lastBackupName: z.string().describe("Last TalosMachineConfigBackup created.").optional(),
  lastRunAt: dateTime().describe("Last time one was created.").optional(),
  nextRunAt: dateTime().describe("Next time a backup object is created.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type TalosMachineConfigBackupScheduleStatus = z.infer<
  typeof TalosMachineConfigBackupScheduleStatusSchema
>;

export const TalosMachineConfigBackupScheduleDef = defineKind({
  name: "TalosMachineConfigBackupSchedule",
  description: "Recurring machine-config backups of one cluster.",
  spec: TalosMachineConfigBackupScheduleSpecSchema,
  status: TalosMachineConfigBackupScheduleStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
    { name: "NextRun", type: "date", jsonPath: ".status.nextRunAt" },
    AGE_COLUMN,
  ],
});

export const TalosMachineConfigBackupScheduleSchema = TalosMachineConfigBackupScheduleDef.object;
export type TalosMachineConfigBackupSchedule = z.infer<typeof TalosMachineConfigBackupScheduleSchema>;
