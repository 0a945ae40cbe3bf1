/** MachineConfigSync (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const MachineConfigSyncSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  forceApply: z.boolean().describe("Apply even if the node hash already matches.").optional(),
  lineage: sealedCausalChain.optional(),
  maxRetry: z.int().min(1).describe(
    "Job re-submissions before permanent failure (then HumanInterventionRequired on the TalosCluster).",
  ).default(3),
  nodeClass: z.string().min(1).describe(
    "Which machine-config class to push: controlplane, worker, node-{name} or a per-node short name.",
  ),
  nodeRef: z.string().describe("IP of a single node to target.").optional(),
  reason: z.string().describe("Audit text for why the sync was created.").optional(),
});
export type MachineConfigSyncSpec = z.infer<typeof MachineConfigSyncSpecSchema>;

export const MachineConfigSyncStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  observedHash: z.string().describe("SHA-256 of the machine config applied.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
  retryCount: z.int().describe("Failed submissions so far; reset on success.").optional(),
});
export type MachineConfigSyncStatus = z.infer<typeof MachineConfigSyncStatusSchema>;

export const MachineConfigSyncDef = defineKind({
  name: "MachineConfigSync",
  description: "Pushes a machine-config class to the nodes of a cluster.",
  spec: MachineConfigSyncSpecSchema,
  status: MachineConfigSyncStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Class", type: "string", jsonPath: ".spec.nodeClass" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const MachineConfigSyncSchema = MachineConfigSyncDef.object;
export type MachineConfigSync = z.infer<typeof MachineConfigSyncSchema>;
