/** EtcdMaintenance (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, s3Ref, sealedCausalChain, secretReference } from "../common.ts";

export const EtcdMaintenanceSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  etcdBackupS3SecretRef: secretReference.describe("S3 configuration Secret for this operation.").optional(),
  lineage: sealedCausalChain.optional(),
  maxRetry: z.int().min(1).describe(
    "Job re-submissions before permanent failure (then HumanInterventionRequired on the TalosCluster).",
  ).default(3),
  operation: z.enum(["backup", "restore", "defrag"]).describe("etcd operation."),
  pvcFallbackEnabled: z.boolean().describe("Allow a PVC target when no S3 destination exists (backup).")
    .optional(),
  s3Destination: s3Ref.describe("Where backups are written.").optional(),
  s3SnapshotPath: s3Ref.describe("Snapshot to restore from (restore).").optional(),
  schedule: z.string().describe("Cron expression for recurring backups.").optional(),
  targetNodes: z.array(z.string()).describe("etcd members for restore; empty = all.").optional(),
});
export type EtcdMaintenanceSpec = z.infer<typeof EtcdMaintenanceSpecSchema>;

export const EtcdMaintenanceStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
  retryCount: z.int().describe("Failed submissions so far; reset on success.").optional(),
});
export type EtcdMaintenanceStatus = z.infer<typeof EtcdMaintenanceStatusSchema>;

export const EtcdMaintenanceDef = defineKind({
  name: "EtcdMaintenance",
  description: "etcd backup, restore or defragmentation of one cluster.",
  spec: EtcdMaintenanceSpecSchema,
  status: EtcdMaintenanceStatusSchema,
  printerColumns: [
    { name: "Operation", type: "string", jsonPath: ".spec.operation" },
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const EtcdMaintenanceSchema = EtcdMaintenanceDef.object;
export type EtcdMaintenance = z.infer<typeof EtcdMaintenanceSchema>;
