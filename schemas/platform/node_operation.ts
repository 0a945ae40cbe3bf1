/** NodeOperation (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const NodeOperationSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  lineage: sealedCausalChain.optional(),
  maxRetry: z.int().min(1).describe(
    "Job re-submissions before permanent failure (then HumanInterventionRequired on the TalosCluster).",
  ).default(3),
  nodeRole: z.enum(["controlplane", "worker"]).describe("Role of the new node (scale-up; worker when unset).")
    .optional(),
  operation: z.enum(["scale-up", "decommission", "reboot", "rollback"]).describe("Node lifecycle operation."),
  performWipe: z.boolean().describe("Secure disk wipe after decommission (needs approval).").optional(),
  replicaCount: int32().describe("Desired worker count after scale-up.").optional(),
  targetNodeIP: z.string().describe("IP of the new node in maintenance mode (scale-up).").optional(),
  targetNodes: z.array(z.string()).describe("Nodes to decommission or reboot.").optional(),
});
export type NodeOperationSpec = z.infer<typeof NodeOperationSpecSchema>;

export const NodeOperationStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
  retryCount: z.int().describe("Failed submissions so far; reset on success.").optional(),
});
export type NodeOperationStatus = z.infer<typeof NodeOperationStatusSchema>;

export const NodeOperationDef = defineKind({
  name: "NodeOperation",
  description: "Node lifecycle operation: scale-up, decommission, reboot or rollback.",
  spec: NodeOperationSpecSchema,
  status: NodeOperationStatusSchema,
  printerColumns: [
    { name: "Operation", type: "string", jsonPath: ".spec.operation" },
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const NodeOperationSchema = NodeOperationDef.object;
export type NodeOperation = z.infer<typeof NodeOperationSchema>;
