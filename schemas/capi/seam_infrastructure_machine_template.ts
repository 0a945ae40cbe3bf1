/** SeamInfrastructureMachineTemplate: machine template for CAPI machine sets; no status (api.md §6.18). */
import { z } from "zod";
import { AGE_COLUMN, defineKind } from "../crd.ts";
import { SeamInfrastructureMachineSpecSchema } from "./seam_infrastructure_machine.ts";

export const SeamInfrastructureMachineTemplateSpecSchema = z.object({
  template: z.object({
    metadata: z.looseObject({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }).describe("Labels and annotations for the machines created from the template.").optional(),
    spec: SeamInfrastructureMachineSpecSchema.describe("Spec of each machine created from the template."),
  }).describe("The machine template."),
});
export type SeamInfrastructureMachineTemplateSpec = z.infer<
  typeof SeamInfrastructureMachineTemplateSpecSchema
>;

export const SeamInfrastructureMachineTemplateDef = defineKind({
  name: "SeamInfrastructureMachineTemplate",
  description: "Template of SeamInfrastructureMachines for Cluster API machine sets.",
  spec: SeamInfrastructureMachineTemplateSpecSchema,
  printerColumns: [AGE_COLUMN],
});

export const SeamInfrastructureMachineTemplateSchema = SeamInfrastructureMachineTemplateDef.object;
export type SeamInfrastructureMachineTemplate = z.infer<typeof SeamInfrastructureMachineTemplateSchema>;
