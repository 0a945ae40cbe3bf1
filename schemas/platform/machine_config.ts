/** MachineConfig (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, anyJson, conditions, dateTime, defineKind, int32, int64 } from "../crd.ts";

export const MachineConfigSpecSchema = z.object({
  cluster: anyJson().describe('Raw Talos "cluster" section (opaque JSON).').optional(),
  clusterRef: z.object({
    name: z.string().describe("Cluster name.").default(""),
  }).meta({ "x-kubernetes-map-type": "atomic" }).describe("Owning TalosCluster (name only)."),
  machine: anyJson().describe('Raw Talos "machine" section (opaque JSON).').optional(),
  nodeHostname: z.string().describe("Hostname from the cluster input."),
  nodeIP: z.string().describe("Node IPv4 (Talos API port 50000)."),
  order: int32().describe("Upgrade order (init 0, control planes next, workers last)."),
  role: z.enum(["init", "controlplane", "worker"]).describe("Talos role of the node."),
});
export type MachineConfigSpec = z.infer<typeof MachineConfigSpecSchema>;

export const MachineConfigStatusSchema = z.object({
  conditions: conditions.optional(),
  lastSyncedAt: dateTime().describe("Time of the last confirmed apply.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  syncedVersion: z.string().describe("Talos version at the last confirmed apply.").optional(),
});
export type MachineConfigStatus = z.infer<typeof MachineConfigStatusSchema>;

export const MachineConfigDef = defineKind({
  name: "MachineConfig",
  description: "Per-node Talos machine configuration held by the platform.",
  spec: MachineConfigSpecSchema,
  status: MachineConfigStatusSchema,
  printerColumns: [
    { name: "Role", type: "string", jsonPath: ".spec.role" },
    { name: "Order", type: "integer", jsonPath: ".spec.order" },
    { name: "NodeIP", type: "string", jsonPath: ".spec.nodeIP" },
    AGE_COLUMN,
  ],
});

export const MachineConfigSchema = MachineConfigDef.object;
export type MachineConfig = z.infer<typeof MachineConfigSchema>;
