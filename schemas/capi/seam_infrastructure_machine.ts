/** SeamInfrastructureMachine: the Cluster API InfrastructureMachine of the Seam provider (api.md §6.18). */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain, secretRef } from "../common.ts";

export const MachineNodeRoleSchema = z.enum(["controlplane", "worker"]);
export type MachineNodeRole = z.infer<typeof MachineNodeRoleSchema>;

export const SeamInfrastructureMachineSpecSchema = z.object({
  address: z.string().describe("Pre-provisioned node IP reachable on the Talos maintenance API port."),
  port: int32().describe("Talos maintenance API port (50000 when unset).").optional(),
  nodeRole: MachineNodeRoleSchema.describe("Control-plane or worker; must match the MachineDeployment role."),
  talosConfigSecretRef: secretRef.describe("Secret holding the talosconfig for this machine."),
  lineage: sealedCausalChain.optional(),
});
export type SeamInfrastructureMachineSpec = z.infer<typeof SeamInfrastructureMachineSpecSchema>;

export const SeamInfrastructureMachineStatusSchema = z.object({
  ready: z.boolean().describe("True once the config is applied and the node left maintenance mode.")
    .optional(),
  providerID: z.string().describe("talos://{cluster}/{node-ip}, written back to the CAPI Machine.")
    .optional(),
  machineConfigApplied: z.boolean().describe("True after the machine config was applied.").optional(),
  applyAttempts: int32().describe("Consecutive failed apply attempts; reset on success.").optional(),
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type SeamInfrastructureMachineStatus = z.infer<typeof SeamInfrastructureMachineStatusSchema>;

export const SeamInfrastructureMachineDef = defineKind({
  name: "SeamInfrastructureMachine",
  description: "Cluster API infrastructure machine backed by Seam: one pre-provisioned Talos node.",
  spec: SeamInfrastructureMachineSpecSchema,
  status: SeamInfrastructureMachineStatusSchema,
  printerColumns: [
    { name: "Ready", type: "boolean", jsonPath: ".status.ready" },
    { name: "Role", type: "string", jsonPath: ".spec.nodeRole" },
    { name: "Address", type: "string", jsonPath: ".spec.address" },
    AGE_COLUMN,
  ],
});

export const SeamInfrastructureMachineSchema = SeamInfrastructureMachineDef.object;
export type SeamInfrastructureMachine = z.infer<typeof SeamInfrastructureMachineSchema>;
