/** SeamInfrastructureCluster: the Cluster API InfrastructureCluster of the Seam provider (api.md §6.18). */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const SeamInfrastructureClusterSpecSchema = z.object({
  controlPlaneEndpoint: z.object({
    host: z.string().describe("API server host (VIP or IP)."),
    port: int32().describe("API server port.").optional(),
  }).describe("API server endpoint of the cluster, written into the CAPI Cluster.").optional(),
  lineage: sealedCausalChain.optional(),
});
export type SeamInfrastructureClusterSpec = z.infer<typeof SeamInfrastructureClusterSpecSchema>;

export const SeamInfrastructureClusterStatusSchema = z.object({
  ready: z.boolean().describe("True when every control-plane machine is ready (CAPI contract).").optional(),
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type SeamInfrastructureClusterStatus = z.infer<typeof SeamInfrastructureClusterStatusSchema>;

export const SeamInfrastructureClusterDef = defineKind({
  name: "SeamInfrastructureCluster",
  description: "Cluster API infrastructure cluster backed by Seam (control-plane endpoint).",
  spec: SeamInfrastructureClusterSpecSchema,
  status: SeamInfrastructureClusterStatusSchema,
  printerColumns: [
    { name: "Ready", type: "boolean", jsonPath: ".status.ready" },
    { name: "Host", type: "string", jsonPath: ".spec.controlPlaneEndpoint.host" },
    AGE_COLUMN,
  ],
});

export const SeamInfrastructureClusterSchema = SeamInfrastructureClusterDef.object;
export type SeamInfrastructureCluster = z.infer<typeof SeamInfrastructureClusterSchema>;
