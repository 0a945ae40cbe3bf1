import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const SeamInfrastructureClusterSpecSchema = z.object({
  controlPlaneEndpoint: z.object({
    host: z.string(),
    port: int32().optional(),
  }).optional(),
  lineage: sealedCausalChain.optional(),
});
export type SeamInfrastructureClusterSpec = z.infer<typeof SeamInfrastructureClusterSpecSchema>;

export const SeamInfrastructureClusterStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().optional(),
  ready: z.boolean().optional(),
});
export type SeamInfrastructureClusterStatus = z.infer<typeof SeamInfrastructureClusterStatusSchema>;

export const SeamInfrastructureClusterDef = defineKind({
  name: "SeamInfrastructureCluster",
  spec: SeamInfrastructureClusterSpecSchema,
  status: SeamInfrastructureClusterStatusSchema,
  printerColumns: [
    { "name": "Ready", "type": "boolean", "jsonPath": ".status.ready" },
    { "name": "Host", "type": "string", "jsonPath": ".spec.controlPlaneEndpoint.host" },
    AGE_COLUMN,
  ],
});

export const SeamInfrastructureClusterSchema = SeamInfrastructureClusterDef.object;
export type SeamInfrastructureCluster = z.infer<typeof SeamInfrastructureClusterSchema>;
