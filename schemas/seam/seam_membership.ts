/** SeamMembership (api.md §4); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind } from "../crd.ts";

export const SeamMembershipSpecSchema = z.object({
  appIdentityRef: z.string().describe(
    "Operator identity: the operator name (guardian, platform, dispatcher, seam, conductor).",
  ),
  domainIdentityRef: z.string().describe(
    "Domain identity; must equal the operator RBACProfile's domainIdentityRef.",
  ),
  principalRef: z.string().describe(
    "Service-account principal, system:serviceaccount:{ns}:{name}; must match the RBACProfile.",
  ),
  tier: z.enum(["infrastructure", "application"]).describe("Membership tier."),
});
export type SeamMembershipSpec = z.infer<typeof SeamMembershipSpecSchema>;

export const SeamMembershipStatusSchema = z.object({
  admitted: z.boolean().describe("Guardian admitted the member.").optional(),
  admittedAt: dateTime().describe("When it was admitted.").optional(),
  conditions: conditions.optional(),
  permissionSnapshotRef: z.string().describe(
    "PermissionSnapshot resolved for the member (snapshot-{appIdentityRef}).",
  ).optional(),
});
export type SeamMembershipStatus = z.infer<typeof SeamMembershipStatusSchema>;

export const SeamMembershipDef = defineKind({
  name: "SeamMembership",
  description: "An operator's request to join the Seam operator family; guardian admits it.",
  spec: SeamMembershipSpecSchema,
  status: SeamMembershipStatusSchema,
  printerColumns: [
    { name: "Admitted", type: "boolean", jsonPath: ".status.admitted" },
    { name: "Tier", type: "string", jsonPath: ".spec.tier" },
    AGE_COLUMN,
  ],
});

export const SeamMembershipSchema = SeamMembershipDef.object;
export type SeamMembership = z.infer<typeof SeamMembershipSchema>;
