import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain, secretRef } from "../common.ts";

export const SeamInfrastructureMachineSpecSchema = z.object({
  address: z.string(),
  lineage: sealedCausalChain.optional(),
  nodeRole: z.enum(["controlplane", "worker"]),
  port: int32().optional(),
  talosConfigSecretRef: secretRef,
});
export type SeamInfrastructureMachineSpec = z.infer<typeof SeamInfrastructureMachineSpecSchema>;

export const SeamInfrastructureMachineStatusSchema = z.object({
  applyAttempts: int32().optional(),
  conditions: conditions.optional(),
  machineConfigApplied: z.boolean().optional(),
  observedGeneration: int64().optional(),
  providerID: z.string().optional(),
  ready: z.boolean().optional(),
});
export type SeamInfrastructureMachineStatus = z.infer<typeof SeamInfrastructureMachineStatusSchema>;

export const SeamInfrastructureMachineDef = defineKind({
  name: "SeamInfrastructureMachine",
  spec: SeamInfrastructureMachineSpecSchema,
  status: SeamInfrastructureMachineStatusSchema,
  printerColumns: [
    { "name": "Ready", "type": "boolean", "jsonPath": ".status.ready" },
    { "name": "Role", "type": "string", "jsonPath": ".spec.nodeRole" },
    { "name": "Address", "type": "string", "jsonPath": ".spec.address" },
    AGE_COLUMN,
  ],
});

export const SeamInfrastructureMachineSchema = SeamInfrastructureMachineDef.object;
export type SeamInfrastructureMachine = z.infer<typeof SeamInfrastructureMachineSchema>;
