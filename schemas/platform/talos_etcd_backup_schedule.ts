/** TalosEtcdBackupSchedule (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int64 } from "../crd.ts";
import { localObjectRef, s3Ref, secretReference } from "../common.ts";

export const TalosEtcdBackupScheduleSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  etcdBackupS3SecretRef: secretReference.describe("S3 configuration Secret for this operation.").optional(),
  s3Destination: s3Ref.describe("Where backups are written."),
  schedule: z.string().describe("Interval as a Go duration string, not cron."),
});
export type TalosEtcdBackupScheduleSpec = z.infer<typeof TalosEtcdBackupScheduleSpecSchema>;

export const TalosEtcdBackupScheduleStatusSchema = z.object({
  conditions: conditions.optional(),
  lastBackupName: z.string().describe("Last EtcdMaintenance created.").optional(),
  lastRunAt: dateTime().describe("Last time one was created.").optional(),
  nextRunAt: dateTime().describe("Next time an EtcdMaintenance(backup) is created.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type TalosEtcdBackupScheduleStatus = z.infer<typeof TalosEtcdBackupScheduleStatusSchema>;

export const TalosEtcdBackupScheduleDef = defineKind({
  name: "TalosEtcdBackupSchedule",
  description: "Recurring etcd backups of one cluster.",
  spec: TalosEtcdBackupScheduleSpecSchema,
  status: TalosEtcdBackupScheduleStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
    { name: "NextRun", type: "date", jsonPath: ".status.nextRunAt" },
    AGE_COLUMN,
  ],
});

export const TalosEtcdBackupScheduleSchema = TalosEtcdBackupScheduleDef.object;
export type TalosEtcdBackupSchedule = z.infer<typeof TalosEtcdBackupScheduleSchema>;
