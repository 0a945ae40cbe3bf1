/** ClusterMaintenance (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const ClusterMaintenanceSpecSchema = z.object({
  blockOutsideWindows: z.boolean().describe("Block Job admission when no window is active.").optional(),
  clusterRef: localObjectRef.describe("Target TalosCluster."),
  lineage: sealedCausalChain.optional(),
  windows: z.array(z.object({
    durationMinutes: int32().describe("Window length."),
    name: z.string().describe("Optional window label.").optional(),
    start: z.string().describe("Cron start expression."),
    timezone: z.string().describe("IANA zone (UTC when empty).").optional(),
  })).describe("Windows in which operations may run.").optional(),
});
export type ClusterMaintenanceSpec = z.infer<typeof ClusterMaintenanceSpecSchema>;

export const ClusterMaintenanceStatusSchema = z.object({
  activeWindowName: z.string().describe("Currently active window, if any.").optional(),
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type ClusterMaintenanceStatus = z.infer<typeof ClusterMaintenanceStatusSchema>;

export const ClusterMaintenanceDef = defineKind({
  name: "ClusterMaintenance",
  description: "Maintenance windows and pause state of one cluster.",
  spec: ClusterMaintenanceSpecSchema,
  status: ClusterMaintenanceStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name" },
    { name: "Paused", type: "string", jsonPath: '.status.conditions[?(@.type=="Paused")].status' },
    {
      "name": "WindowActive",
      "type": "string",
      "jsonPath": '.status.conditions[?(@.type=="WindowActive")].status',
    },
    AGE_COLUMN,
  ],
});

export const ClusterMaintenanceSchema = ClusterMaintenanceDef.object;
export type ClusterMaintenance = z.infer<typeof ClusterMaintenanceSchema>;
