/** PackDelivery: what `compiler packbuild` emits; the management Conductor signs it (api.md §5.1; upstream ClusterPack per DECISIONS.md). */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const ExecutionStageSchema = z.enum(["rbac", "storage", "stateful", "stateless"]);
export type ExecutionStage = z.infer<typeof ExecutionStageSchema>;

export const PackDeliverySpecSchema = z.object({
  basePackName: z.string().describe("Logical pack name shared by versions.").optional(),
  chartName: z.string().describe("Helm chart name (helm packs only).").optional(),
  chartURL: z.string().describe("Helm repository URL (helm packs only).").optional(),
  chartVersion: z.string().describe("Helm chart version (helm packs only).").optional(),
  checksum: z.string().describe(
    "Content checksum over the manifest set (hex, no prefix; pack-deploy compares it on the single-layer path).",
  ).optional(),
  clusterScopedDigest: z.string().describe("Digest of the cluster-scoped non-RBAC layer (CRDs, webhooks...).")
    .optional(),
  executionOrder: z.array(z.object({
    manifests: z.array(z.string()).describe(
      "Manifest names in the stage (not read by pack-deploy; it classifies by kind).",
    ).optional(),
    name: ExecutionStageSchema.describe("Stage name."),
  })).describe("Ordered apply stages; absent means single pass.").optional(),
  helmVersion: z.string().describe("Helm engine version used to render (helm packs only).").optional(),
  lifecyclePolicies: z.object({
    retainOnDeletion: z.boolean().describe("Keep the OCI artifact when the CR is deleted.").default(true),
  }).describe("Artifact retention rules.").optional(),
  lineage: sealedCausalChain.optional(),
  provenance: z.object({
    buildID: z.string().describe("CI build id.").optional(),
    buildTimestamp: dateTime().describe("Build time.").optional(),
    sourceRef: z.string().describe("Git commit or tag.").optional(),
  }).describe("Build metadata.").optional(),
  rbacDigest: z.string().describe("Digest of the RBAC layer (SA/Role/ClusterRole/bindings).").optional(),
  registryRef: z.object({
    digest: z.string().describe(
      "Manifest digest (sha256:...); the compiler always emits the key, possibly empty.",
    ),
    url: z.string().describe("Registry URL including repository path."),
  }).describe("Where the OCI artifact lives; immutable."),
  rollbackToRevision: int64().describe(
    "When >0, the dispatcher restores the pack to the PackOperationResult with that revision and clears the field.",
  ).optional(),
  sourceBuildRef: z.string().describe("Opaque provenance pointer to the PackBuild input.").optional(),
  targetClusters: z.array(z.string()).describe("Clusters to deliver to; one delivery per entry.").optional(),
  valuesFile: z.string().describe("Values/overlay file used at build time; informational.").optional(),
  version: z.string().describe("Pack version; immutable."),
  workloadDigest: z.string().describe("Digest of the workload layer.").optional(),
});
export type PackDeliverySpec = z.infer<typeof PackDeliverySpecSchema>;

export const PackDeliveryStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  packSignature: z.string().describe("Copy of the base64 Ed25519 signature.").optional(),
  signed: z.boolean().describe("True once the management Conductor signature annotation exists.").optional(),
});
export type PackDeliveryStatus = z.infer<typeof PackDeliveryStatusSchema>;

export const PackDeliveryDef = defineKind({
  name: "PackDelivery",
  description: "One compiled, immutable pack version (three OCI layers) and the clusters it is delivered to.",
  spec: PackDeliverySpecSchema,
  status: PackDeliveryStatusSchema,
  printerColumns: [
    { name: "Version", type: "string", jsonPath: ".spec.version" },
    { name: "Signed", type: "boolean", jsonPath: ".status.signed" },
    AGE_COLUMN,
  ],
});

export const PackDeliverySchema = PackDeliveryDef.object;
export type PackDelivery = z.infer<typeof PackDeliverySchema>;
