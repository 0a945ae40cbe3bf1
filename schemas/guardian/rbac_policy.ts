/** RBACPolicy (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const RBACPolicySpecSchema = z.object({
  allowedClusters: z.array(z.string()).describe("Clusters the policy allows; empty = management only.")
    .optional(),
  enforcementMode: z.enum(["strict", "audit"]).describe("strict rejects violations; audit logs them."),
  lineage: sealedCausalChain.optional(),
  maximumPermissionSetRef: z.string().describe("PermissionSet bounding what governed profiles may declare."),
  subjectScope: z.enum(["platform", "tenant"]).describe("Class of principals governed."),
});
export type RBACPolicySpec = z.infer<typeof RBACPolicySpecSchema>;

export const RBACPolicyStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  profileCount: int32().describe("Profiles governed.").optional(),
  validationSummary: z.string().describe("One-line validation summary.").optional(),
});
export type RBACPolicyStatus = z.infer<typeof RBACPolicyStatusSchema>;

export const RBACPolicyDef = defineKind({
  name: "RBACPolicy",
  description: "Governs a class of principals: maximum PermissionSet, allowed clusters, enforcement mode.",
  spec: RBACPolicySpecSchema,
  status: RBACPolicyStatusSchema,
  printerColumns: [
    { name: "EnforcementMode", type: "string", jsonPath: ".spec.enforcementMode" },
    {
      "name": "Valid",
      "type": "string",
      "jsonPath": '.status.conditions[?(@.type=="RBACPolicyValid")].status',
    },
    AGE_COLUMN,
  ],
});

export const RBACPolicySchema = RBACPolicyDef.object;
export type RBACPolicy = z.infer<typeof RBACPolicySchema>;
