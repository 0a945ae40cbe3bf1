/** PackInstalled: one per pack per target cluster, signed and published by the management Conductor (api.md §5.3; upstream PackInstance per DECISIONS.md). */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int64 } from "../crd.ts";
import { deployedResource } from "../common.ts";

export const UpgradeDirectionSchema = z.enum(["Initial", "Upgrade", "Rollback", "Redeploy"]);
export type UpgradeDirection = z.infer<typeof UpgradeDirectionSchema>;

export const PackInstalledSpecSchema = z.object({
  chartName: z.string().describe("Copied from the pack.").optional(),
  chartURL: z.string().describe("Copied from the pack.").optional(),
  chartVersion: z.string().describe("Copied from the pack.").optional(),
  clusterPackRef: z.string().describe("PackDelivery (pack) name this record tracks."),
  dependencyPolicy: z.object({
    onDrift: z.enum(["Block", "Warn", "Ignore"]).describe("Block, Warn or Ignore.").default("Warn"),
  }).describe("Reaction to a drifted dependency.").optional(),
  dependsOn: z.array(z.string()).describe("Pack base names that must be delivered first (same cluster).")
    .optional(),
  helmVersion: z.string().describe("Copied from the pack.").optional(),
  targetClusterRef: z.string().describe("Cluster it is installed on."),
  version: z.string().describe("Pack version delivered."),
});
export type PackInstalledSpec = z.infer<typeof PackInstalledSpecSchema>;

export const PackInstalledStatusSchema = z.object({
  conditions: conditions.optional(),
  deliveredAt: dateTime().describe("Last confirmed delivery.").optional(),
  deployedResources: z.array(deployedResource).describe(
    "Objects applied by pack-deploy; used for deletion cleanup.",
  ).optional(),
  driftSummary: z.string().describe("Human-readable drift state.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  upgradeDirection: UpgradeDirectionSchema.describe("Direction of the last deployment.").optional(),
});
export type PackInstalledStatus = z.infer<typeof PackInstalledStatusSchema>;

export const PackInstalledDef = defineKind({
  name: "PackInstalled",
  description: "Management-side record of one pack on one cluster; the Conductor signs and publishes it.",
  spec: PackInstalledSpecSchema,
  status: PackInstalledStatusSchema,
  printerColumns: [
    { name: "Pack", type: "string", jsonPath: ".spec.clusterPackRef" },
    { name: "Target", type: "string", jsonPath: ".spec.targetClusterRef" },
    AGE_COLUMN,
  ],
});

export const PackInstalledSchema = PackInstalledDef.object;
export type PackInstalled = z.infer<typeof PackInstalledSchema>;
