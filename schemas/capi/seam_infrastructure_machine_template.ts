import { z } from "zod";
import { AGE_COLUMN, defineKind, freeform, int32 } from "../crd.ts";
import { sealedCausalChain, secretRef } from "../common.ts";

export const SeamInfrastructureMachineTemplateSpecSchema = z.object({
  template: z.object({
    metadata: freeform().optional(),
    spec: z.object({
      address: z.string(),
      lineage: sealedCausalChain.optional(),
      nodeRole: z.enum(["controlplane", "worker"]),
      port: int32().optional(),
      talosConfigSecretRef: secretRef,
    }),
  }),
});
export type SeamInfrastructureMachineTemplateSpec = z.infer<
  typeof SeamInfrastructureMachineTemplateSpecSchema
>;

export const SeamInfrastructureMachineTemplateDef = defineKind({
  name: "SeamInfrastructureMachineTemplate",
  spec: SeamInfrastructureMachineTemplateSpecSchema,
  printerColumns: [
    AGE_COLUMN,
  ],
});

export const SeamInfrastructureMachineTemplateSchema = SeamInfrastructureMachineTemplateDef.object;
export type SeamInfrastructureMachineTemplate = z.infer<typeof SeamInfrastructureMachineTemplateSchema>;
