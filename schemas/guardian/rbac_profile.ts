/** RBACProfile (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const RBACProfileSpecSchema = z.object({
  domainIdentityRef: z.string().describe("Domain identity (set by compiler enable for operator profiles).")
    .optional(),
  lineage: sealedCausalChain.optional(),
  permissionDeclarations: z.array(z.object({
    clusters: z.array(z.string()).describe("Subset of targetClusters; empty = all.").optional(),
    permissionSetRef: z.string().describe("PermissionSet in the same namespace."),
    scope: z.enum(["namespaced", "cluster"]).describe("namespaced or cluster."),
  })).describe("Declarations; must not be empty."),
  principalRef: z.string().describe("Principal governed (system:serviceaccount:{ns}:{name} for operators)."),
  rbacPolicyRef: z.string().describe("Governing RBACPolicy in the same namespace."),
  targetClusters: z.array(z.string()).describe("Clusters the profile applies to; must not be empty."),
});
export type RBACProfileSpec = z.infer<typeof RBACProfileSpecSchema>;

export const RBACProfileStatusSchema = z.object({
  conditions: conditions.optional(),
  epgVersion: z.string().describe("EPG computation version that last included the profile.").optional(),
  lastProvisionedAt: dateTime().describe("When provisioned last became true.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  provisioned: z.boolean().describe("Primary gate: true only when validation and compliance pass.")
    .optional(),
  validationSummary: z.string().describe("Summary text.").optional(),
});
export type RBACProfileStatus = z.infer<typeof RBACProfileStatusSchema>;

export const RBACProfileDef = defineKind({
  name: "RBACProfile",
  description: "Permissions declared for one principal, validated against its RBACPolicy.",
  spec: RBACProfileSpecSchema,
  status: RBACProfileStatusSchema,
  printerColumns: [
    { name: "Name", type: "string", jsonPath: ".metadata.name" },
    { name: "Provisioned", type: "boolean", jsonPath: ".status.provisioned" },
    AGE_COLUMN,
  ],
});

export const RBACProfileSchema = RBACProfileDef.object;
export type RBACProfile = z.infer<typeof RBACProfileSchema>;
