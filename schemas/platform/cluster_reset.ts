/** ClusterReset (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const ClusterResetSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  drainGracePeriodSeconds: int32().describe("Drain wait before forcing the reset (300 when unset).")
    .optional(),
  lineage: sealedCausalChain.optional(),
  wipeDisks: z.boolean().describe("Call the Talos reset with disk wipe.").optional(),
});
export type ClusterResetSpec = z.infer<typeof ClusterResetSpecSchema>;

export const ClusterResetStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
});
export type ClusterResetStatus = z.infer<typeof ClusterResetStatusSchema>;

export const ClusterResetDef = defineKind({
  name: "ClusterReset",
  description: "Destructive reset of a whole cluster; runs only after explicit approval.",
  spec: ClusterResetSpecSchema,
  status: ClusterResetStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    {
      "name": "PendingApproval",
      "type": "string",
      "jsonPath": '.status.conditions[?(@.type=="PendingApproval")].status',
    },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const ClusterResetSchema = ClusterResetDef.object;
export type ClusterReset = z.infer<typeof ClusterResetSchema>;
