import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int32, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const TalosClusterSpecSchema = z.object({
  clusterEndpoint: z.string().describe("VIP or API endpoint IP; required for import.").optional(),
  hardeningProfileRef: localObjectRef.optional(),
  infrastructureProvider: z.enum(["native", "screen"]).describe(
    "Provider backing the cluster; screen is reserved.",
  ).default("native"),
  kubeconfigSecretRef: z.string().describe("Secret name with the kubeconfig (import).").optional(),
  kubernetesVersion: z.string().describe("Kubernetes version (derived from the Talos matrix when not given).")
    .optional(),
  lineage: sealedCausalChain.optional(),
  mode: z.enum(["bootstrap", "import"]).describe(
    "bootstrap = create a new cluster; import = adopt an existing one.",
  ),
  pkiRotationThresholdDays: int32().min(1).describe(
    "Days before certificate expiry at which a PKIRotation is created automatically.",
  ).default(30),
  role: z.enum(["management", "tenant"]).describe("Topology role; required when mode=import (CEL rule).")
    .optional(),
  talosVersion: z.string().describe("Talos version; selects the execute image tag.").optional(),
  talosconfigSecretRef: z.string().describe("Secret name with the talosconfig.").optional(),
  versionUpgrade: z.boolean().describe(
    "When true, a version change drives an UpgradePolicy (talos, kubernetes or stack by which versions changed).",
  ).optional(),
}).meta({
  "x-kubernetes-validations": [{
    "message": "role is required when mode is import",
    "rule": "self.mode != 'import' || (has(self.role) && self.role != '')",
  }],
});
export type TalosClusterSpec = z.infer<typeof TalosClusterSpecSchema>;

export const TalosClusterStatusSchema = z.object({
  conditions: conditions.optional(),
  deletionStage: z.enum([
    "",
    "pack-execution",
    "pack-installed",
    "pack-delivery",
    "runner-config",
    "complete",
  ]).describe("Progress of the ordered deletion cascade.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  observedTalosVersion: z.string().describe(
    "Talos version confirmed by the last successful upgrade; blocks regressions.",
  ).optional(),
  origin: z.enum(["bootstrapped", "imported"]).describe("How the cluster came under management.").optional(),
  pkiExpiryDate: dateTime().describe(
    "Earliest certificate expiry seen in the talosconfig/kubeconfig Secrets.",
  ).optional(),
});
export type TalosClusterStatus = z.infer<typeof TalosClusterStatusSchema>;

export const TalosClusterDef = defineKind({
  name: "TalosCluster",
  spec: TalosClusterSpecSchema,
  status: TalosClusterStatusSchema,
  printerColumns: [
    { "name": "Mode", "type": "string", "jsonPath": ".spec.mode" },
    { "name": "Role", "type": "string", "jsonPath": ".spec.role" },
    { "name": "Ready", "type": "string", "jsonPath": '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const TalosClusterSchema = TalosClusterDef.object;
export type TalosCluster = z.infer<typeof TalosClusterSchema>;
