import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, freeform } from "../crd.ts";

export const GuardianSpecSchema = freeform();
export type GuardianSpec = z.infer<typeof GuardianSpecSchema>;

export const GuardianStatusSchema = z.object({
  conditions: conditions.optional(),
  namespaceEnforcements: z.record(z.string(), z.boolean()).describe(
    "Namespaces that switched to full enforcement (value always true).",
  ).optional(),
  webhookMode: z.string().describe("Initialising, ObserveOnly or Enforcing (free string in the schema).")
    .optional(),
});
export type GuardianStatus = z.infer<typeof GuardianStatusSchema>;

export const GuardianDef = defineKind({
  name: "Guardian",
  spec: GuardianSpecSchema,
  status: GuardianStatusSchema,
  printerColumns: [
    { "name": "Mode", "type": "string", "jsonPath": ".status.webhookMode" },
    AGE_COLUMN,
  ],
});

export const GuardianSchema = GuardianDef.object;
export type Guardian = z.infer<typeof GuardianSchema>;
