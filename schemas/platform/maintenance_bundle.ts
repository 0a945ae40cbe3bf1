/** MaintenanceBundle (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain, secretReference } from "../common.ts";

export const MaintenanceBundleSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  lineage: sealedCausalChain.optional(),
  maintenanceTargetNodes: z.array(z.string()).describe(
    "Nodes the operation targets, validated live by compiler maintenance; copied into RunnerConfig.",
  ).optional(),
  operation: z.enum(["drain", "upgrade", "etcd-backup", "machineconfig-rotation"]).describe(
    "Maintenance operation; selects the capability.",
  ),
  operatorLeaderNode: z.string().describe(
    "Node of the platform leader pod at compile time (from Lease platform-leader); copied into RunnerConfig.",
  ).optional(),
  s3ConfigSecretRef: secretReference.describe("S3 configuration Secret (etcd-backup only).").optional(),
});
export type MaintenanceBundleSpec = z.infer<typeof MaintenanceBundleSpecSchema>;

export const MaintenanceBundleStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Executor Job submitted.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message from the Job.").optional(),
});
export type MaintenanceBundleStatus = z.infer<typeof MaintenanceBundleStatusSchema>;

export const MaintenanceBundleDef = defineKind({
  name: "MaintenanceBundle",
  description: "A compiled maintenance operation for one cluster (compiler maintenance).",
  spec: MaintenanceBundleSpecSchema,
  status: MaintenanceBundleStatusSchema,
  printerColumns: [
    { name: "Operation", type: "string", jsonPath: ".spec.operation" },
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const MaintenanceBundleSchema = MaintenanceBundleDef.object;
export type MaintenanceBundle = z.infer<typeof MaintenanceBundleSchema>;
