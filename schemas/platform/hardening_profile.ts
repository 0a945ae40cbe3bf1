/** HardeningProfile (api.md §6); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const HardeningProfileSpecSchema = z.object({
  description: z.string().describe("Free text.").optional(),
  lineage: sealedCausalChain.optional(),
  machineConfigPatches: z.array(z.string()).describe("Talos machine-config patches to apply.").optional(),
  sysctlParams: z.record(z.string(), z.string()).describe(
    "sysctl key/value pairs merged into the machine config.",
  ).optional(),
});
export type HardeningProfileSpec = z.infer<typeof HardeningProfileSpecSchema>;

export const HardeningProfileStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type HardeningProfileStatus = z.infer<typeof HardeningProfileStatusSchema>;

export const HardeningProfileDef = defineKind({
  name: "HardeningProfile",
  description: "Machine-config patches and settings that harden cluster nodes.",
  spec: HardeningProfileSpecSchema,
  status: HardeningProfileStatusSchema,
  printerColumns: [
    AGE_COLUMN,
  ],
});

export const HardeningProfileSchema = HardeningProfileDef.object;
export type HardeningProfile = z.infer<typeof HardeningProfileSchema>;
