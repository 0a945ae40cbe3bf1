/** PermissionSet (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

/** The eight standard RBAC verbs; "*" is not allowed in a PermissionSet. */
export const RbacVerbSchema = z.enum([
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
]);
export type RbacVerb = z.infer<typeof RbacVerbSchema>;

export const PermissionSetSpecSchema = z.object({
  description: z.string().describe("Free text.").optional(),
  lineage: sealedCausalChain.optional(),
  permissions: z.array(z.object({
    apiGroups: z.array(z.string()).describe('Groups ("" = core).').optional(),
    resourceNames: z.array(z.string()).describe("Optional name restriction.").optional(),
    resources: z.array(z.string()).describe("Resources."),
    verbs: z.array(RbacVerbSchema).describe('Verbs (the eight standard RBAC verbs only; no "*").'),
  })).describe("Rules; must not be empty."),
});
export type PermissionSetSpec = z.infer<typeof PermissionSetSpecSchema>;

export const PermissionSetStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  profileReferenceCount: int32().describe("Profiles referencing this set.").optional(),
});
export type PermissionSetStatus = z.infer<typeof PermissionSetStatusSchema>;

export const PermissionSetDef = defineKind({
  name: "PermissionSet",
  description: "A named set of RBAC rules that bounds what profiles may declare.",
  spec: PermissionSetSpecSchema,
  status: PermissionSetStatusSchema,
  printerColumns: [],
});

export const PermissionSetSchema = PermissionSetDef.object;
export type PermissionSet = z.infer<typeof PermissionSetSchema>;
