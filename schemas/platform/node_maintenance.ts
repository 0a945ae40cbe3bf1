/** NodeMaintenance (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain, secretRef } from "../common.ts";

/** Talos apply mode of node-patch (api.md §9.4; upstream reads it but never declared it). */
export const PatchModeSchema = z.enum(["no-reboot", "reboot", "auto", "staged"]);
export type PatchMode = z.infer<typeof PatchModeSchema>;

export const NodeMaintenanceSpecSchema = z.object({
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  hardeningProfileRef: localObjectRef.describe("HardeningProfile to apply (hardening-apply).").optional(),
  lineage: sealedCausalChain.optional(),
  maxRetry: z.int().min(1).describe(
    "Job re-submissions before permanent failure (then HumanInterventionRequired on the TalosCluster).",
  ).default(3),
  operation: z.enum(["patch", "hardening-apply", "credential-rotate"]).describe("Node-level operation."),
  patchSecretRef: secretRef.describe("Secret holding the machine-config patch (patch).").optional(),
  patchMode: PatchModeSchema.describe("How node-patch applies the patch (Talos apply mode).").default(
    "no-reboot",
  ),
  rotateOIDCCredentials: z.boolean().describe("Rotate OIDC credentials (credential-rotate).").optional(),
  rotateServiceAccountKeys: z.boolean().describe("Rotate SA signing keys (credential-rotate).").optional(),
  targetNodes: z.array(z.string()).describe("Nodes to target; empty = all.").optional(),
});
export type NodeMaintenanceSpec = z.infer<typeof NodeMaintenanceSpecSchema>;

export const NodeMaintenanceStatusSchema = z.object({
  conditions: conditions.optional(),
  jobName: z.string().describe("Most recent executor Job.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  operationResult: z.string().describe("Result message read back from the Job's result record.").optional(),
  retryCount: z.int().describe("Failed submissions so far; reset on success.").optional(),
});
export type NodeMaintenanceStatus = z.infer<typeof NodeMaintenanceStatusSchema>;

export const NodeMaintenanceDef = defineKind({
  name: "NodeMaintenance",
  description: "Node-level day-2 operation: machine-config patch, hardening apply or credential rotation.",
  spec: NodeMaintenanceSpecSchema,
  status: NodeMaintenanceStatusSchema,
  printerColumns: [
    { name: "Operation", type: "string", jsonPath: ".spec.operation" },
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const NodeMaintenanceSchema = NodeMaintenanceDef.object;
export type NodeMaintenance = z.infer<typeof NodeMaintenanceSchema>;
