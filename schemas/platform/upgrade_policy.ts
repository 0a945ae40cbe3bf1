/** UpgradePolicy (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const UpgradePolicySpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  healthGateConditions: z.array(z.string()).describe(
    "Node condition types that must be True before moving to the next node.",
  ).optional(),
  lineage: sealedCausalChain.optional(),
  maxRetry: z.int().min(1).describe(
    "Job re-submissions before permanent failure (then HumanInterventionRequired on the TalosCluster).",
  ).default(3),
  rollingStrategy: z.enum(["sequential", "parallel"]).describe("Node order strategy.").default("sequential"),
  targetKubernetesVersion: z.string().describe("Target Kubernetes version (kubernetes and stack).")
    .optional(),
  targetTalosVersion: z.string().describe("Target Talos version (talos and stack).").optional(),
  upgradeType: z.enum(["talos", "kubernetes", "stack"]).describe(
    "talos, kubernetes or stack (Talos then Kubernetes in one Job).",
  ),
});
export type UpgradePolicySpec = z.infer<typeof UpgradePolicySpecSchema>;

export const UpgradePolicyStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
  progress: z.object({
    completedNodes: z.array(z.string()).describe("Nodes already upgraded.").optional(),
    currentNode: z.string().describe("Node in progress.").optional(),
    failedNode: z.string().describe("Node that failed.").optional(),
    phase: z.enum(["upgrading", "complete"]).describe("upgrading or complete.").optional(),
  }).describe("Per-node checkpoint so a retry can skip finished nodes.").optional(),
  retryCount: z.int().describe("Failed submissions so far; reset on success.").optional(),
});
export type UpgradePolicyStatus = z.infer<typeof UpgradePolicyStatusSchema>;

export const UpgradePolicyDef = defineKind({
  name: "UpgradePolicy",
  description: "Talos, Kubernetes or stack upgrade of one cluster, node by node.",
  spec: UpgradePolicySpecSchema,
  status: UpgradePolicyStatusSchema,
  printerColumns: [
    { name: "Type", type: "string", jsonPath: ".spec.upgradeType" },
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const UpgradePolicySchema = UpgradePolicyDef.object;
export type UpgradePolicy = z.infer<typeof UpgradePolicySchema>;
