/** Guardian (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind } from "../crd.ts";

/** Guardian has no configurable fields: the spec is an empty object. */
export const GuardianSpecSchema = z.object({}).describe("No configurable fields; Guardian is status-only.");
export type GuardianSpec = z.infer<typeof GuardianSpecSchema>;

export const GuardianStatusSchema = z.object({
  conditions: conditions.optional(),
  namespaceEnforcements: z.record(z.string(), z.boolean()).describe(
    "Namespaces that switched to full enforcement (value always true).",
  ).optional(),
  webhookMode: z.string().describe("Initialising, ObserveOnly or Enforcing.").optional(),
  discoveredAPIGroups: z.array(z.string()).describe("API groups guardian discovered on the cluster.")
    .optional(),
});
export type GuardianStatus = z.infer<typeof GuardianStatusSchema>;

export const GuardianDef = defineKind({
  name: "Guardian",
  description: "Singleton status of the guardian operator (webhook mode, enforced namespaces).",
  spec: GuardianSpecSchema,
  status: GuardianStatusSchema,
  printerColumns: [
    { name: "Mode", type: "string", jsonPath: ".status.webhookMode" },
    AGE_COLUMN,
  ],
});

export const GuardianSchema = GuardianDef.object;
export type Guardian = z.infer<typeof GuardianSchema>;
