/** IdentityProvider (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const IdentityProviderSpecSchema = z.object({
  allowedAudiences: z.array(z.string()).describe("Accepted audiences; empty = any.").optional(),
  caBundle: z.string().describe("PEM CA bundle (pki).").optional(),
  issuerURL: z.string().describe("OIDC issuer (oidc).").optional(),
  lineage: sealedCausalChain.optional(),
  tokenSigningKey: z.string().describe("PEM public key (token).").optional(),
  type: z.enum(["oidc", "pki", "token"]).describe(
    "Provider class; decides which of issuerURL/caBundle/tokenSigningKey is required.",
  ),
  validationRules: z.array(z.string()).describe("CEL expressions an assertion must pass.").optional(),
});
export type IdentityProviderSpec = z.infer<typeof IdentityProviderSpecSchema>;

export const IdentityProviderStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type IdentityProviderStatus = z.infer<typeof IdentityProviderStatusSchema>;

export const IdentityProviderDef = defineKind({
  name: "IdentityProvider",
  description: "Trust anchor for external identities (OIDC issuer, PKI CA bundle or token signing key).",
  spec: IdentityProviderSpecSchema,
  status: IdentityProviderStatusSchema,
  printerColumns: [
    { name: "Type", type: "string", jsonPath: ".spec.type" },
    { name: "Valid", type: "string", jsonPath: '.status.conditions[?(@.type=="Valid")].status' },
    AGE_COLUMN,
  ],
});

export const IdentityProviderSchema = IdentityProviderDef.object;
export type IdentityProvider = z.infer<typeof IdentityProviderSchema>;
