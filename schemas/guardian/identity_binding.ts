/** IdentityBinding (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { conditions, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const IdentityBindingSpecSchema = z.object({
  certificateConfig: z.object({
    commonName: z.string().describe("CN."),
    organization: z.string().describe("O.").optional(),
  }).describe("Certificate settings (identityType=certificate).").optional(),
  identityProviderRef: z.string().describe("IdentityProvider used as trust anchor.").optional(),
  identityType: z.enum(["oidc", "serviceAccount", "certificate"]).describe("Class of external identity."),
  lineage: sealedCausalChain.optional(),
  oidcConfig: z.object({
    clientID: z.string().describe("Client id."),
    groupsClaim: z.string().describe("Groups claim.").optional(),
    issuer: z.string().describe("Issuer URL."),
  }).describe("OIDC settings (identityType=oidc).").optional(),
  principalName: z.string().describe("Principal name used in RBACProfiles."),
  serviceAccountConfig: z.object({
    name: z.string().describe("SA name."),
    namespace: z.string().describe("SA namespace."),
  }).describe("SA settings (identityType=serviceAccount).").optional(),
  tokenMaxTTLSeconds: int32().describe("Token lifetime cap (hard limit 900).").optional(),
  trustMethod: z.enum(["mtls", "token"]).describe("mtls or token (token limited to 900 s)."),
});
export type IdentityBindingSpec = z.infer<typeof IdentityBindingSpecSchema>;

export const IdentityBindingStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  validationSummary: z.string().describe("Summary text.").optional(),
});
export type IdentityBindingStatus = z.infer<typeof IdentityBindingStatusSchema>;

export const IdentityBindingDef = defineKind({
  name: "IdentityBinding",
  description: "Binds an external identity (OIDC, service account, certificate) to a principal name.",
  spec: IdentityBindingSpecSchema,
  status: IdentityBindingStatusSchema,
  printerColumns: [],
});

export const IdentityBindingSchema = IdentityBindingDef.object;
export type IdentityBinding = z.infer<typeof IdentityBindingSchema>;
