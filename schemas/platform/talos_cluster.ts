/**
 * TalosCluster: the root declaration of one cluster under management (api.md §6.1). Wave-2 shape plus
 * the CAPI fields of wave 1 (api.md §9.4): `spec.capi`, `spec.nodeAddresses`, `status.capiClusterRef`
 * and `capi` in `infrastructureProvider`.
 */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int32, int64 } from "../crd.ts";
import { localObjectRef, sealedCausalChain } from "../common.ts";

export const TalosClusterModeSchema = z.enum(["bootstrap", "import"]);
export type TalosClusterMode = z.infer<typeof TalosClusterModeSchema>;
export const ClusterRoleSchema = z.enum(["management", "tenant"]);
export type ClusterRole = z.infer<typeof ClusterRoleSchema>;
export const InfrastructureProviderSchema = z.enum(["native", "capi", "screen"]);
export type InfrastructureProvider = z.infer<typeof InfrastructureProviderSchema>;

/** Cluster API path: the platform creates CAPI objects instead of running the bootstrap Job itself. */
export const CapiConfigSchema = z.object({
  enabled: z.boolean().describe("Use the Cluster API provider for this cluster."),
  talosVersion: z.string().describe("Talos version of the CAPI machines.").optional(),
  kubernetesVersion: z.string().describe("Kubernetes version of the CAPI cluster.").optional(),
  controlPlane: z.object({
    replicas: int32().describe("Control-plane machine count.").optional(),
  }).describe("Control-plane settings.").optional(),
  workers: z.array(z.object({
    name: z.string().describe("Worker pool name."),
    replicas: int32().describe("Machines in the pool.").optional(),
    seamInfrastructureMachineNames: z.array(z.string()).describe(
      "SeamInfrastructureMachines backing the pool.",
    ).optional(),
  })).describe("Worker pools.").optional(),
  ciliumPackRef: z.object({
    name: z.string().describe("Pack name."),
    version: z.string().describe("Pack version."),
  }).describe("Pack that installs Cilium on the new cluster.").optional(),
});
export type CapiConfig = z.infer<typeof CapiConfigSchema>;

const ROLE_RULE = "self.mode != 'import' || (has(self.role) && self.role != '')";

export const TalosClusterSpecSchema = z.object({
  mode: TalosClusterModeSchema.describe("bootstrap = create a new cluster; import = adopt an existing one."),
  role: ClusterRoleSchema.describe("Topology role; required when mode=import.").optional(),
  talosVersion: z.string().describe("Talos version; selects the execute image tag.").optional(),
  kubernetesVersion: z.string().describe("Kubernetes version (derived from the Talos matrix when not given).")
    .optional(),
  clusterEndpoint: z.string().describe("VIP or API endpoint IP; required for import.").optional(),
  nodeAddresses: z.array(z.string()).describe("Node IP addresses of the cluster.").optional(),
  infrastructureProvider: InfrastructureProviderSchema.describe(
    "Provider backing the cluster: native, capi (Cluster API) or screen (reserved).",
  ).default("native"),
  capi: CapiConfigSchema.describe("Cluster API settings (infrastructureProvider=capi).").optional(),
  kubeconfigSecretRef: z.string().describe("Secret name with the kubeconfig (import).").optional(),
  talosconfigSecretRef: z.string().describe("Secret name with the talosconfig.").optional(),
  hardeningProfileRef: localObjectRef.describe("HardeningProfile applied after the cluster is Ready.")
    .optional(),
  pkiRotationThresholdDays: int32().min(1).describe(
    "Days before certificate expiry at which a PKIRotation is created automatically.",
  ).default(30),
  versionUpgrade: z.boolean().describe(
    "When true, a version change drives an UpgradePolicy (talos, kubernetes or stack by which versions changed).",
  ).optional(),
  lineage: sealedCausalChain.optional(),
}).refine((s) => s.mode !== "import" || (s.role !== undefined && (s.role as string) !== ""), {
  message: "role is required when mode is import",
  path: ["role"],
}).meta({
  "x-kubernetes-validations": [{ rule: ROLE_RULE, message: "role is required when mode is import" }],
});
export type TalosClusterSpec = z.infer<typeof TalosClusterSpecSchema>;

/** Progress of the ordered deletion cascade. */
export const DeletionStageSchema = z.enum([
  "",
  "pack-execution",
  "pack-installed",
  "pack-delivery",
  "runner-config",
  "complete",
]);
export type DeletionStage = z.infer<typeof DeletionStageSchema>;

export const TalosClusterStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  origin: z.enum(["bootstrapped", "imported"]).describe("How the cluster came under management.").optional(),
  observedTalosVersion: z.string().describe(
    "Talos version confirmed by the last successful upgrade; blocks regressions.",
  ).optional(),
  pkiExpiryDate: dateTime().describe(
    "Earliest certificate expiry seen in the talosconfig/kubeconfig Secrets.",
  ).optional(),
  deletionStage: DeletionStageSchema.describe("Progress of the ordered deletion cascade.").optional(),
  capiClusterRef: localObjectRef.describe("The CAPI Cluster created for this cluster (capi provider).")
    .optional(),
});
export type TalosClusterStatus = z.infer<typeof TalosClusterStatusSchema>;

export const TalosClusterDef = defineKind({
  name: "TalosCluster",
  description: "Root declaration of one cluster under management (bootstrap or import).",
  spec: TalosClusterSpecSchema,
  status: TalosClusterStatusSchema,
  printerColumns: [
    { name: "Mode", type: "string", jsonPath: ".spec.mode" },
    { name: "Role", type: "string", jsonPath: ".spec.role" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    AGE_COLUMN,
  ],
});

export const TalosClusterSchema = TalosClusterDef.object;
export type TalosCluster = z.infer<typeof TalosClusterSchema>;
