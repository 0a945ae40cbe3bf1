/** Structures shared by several kinds (api.md §3). */
import { z } from "zod";
import { int64 } from "./crd.ts";

/** Why a lineage-tracked object was created (api.md §3.1). */
export const CreationRationaleSchema = z.enum([
  "ClusterProvision",
  "ClusterDecommission",
  "SecurityEnforcement",
  "PackExecution",
  "VirtualizationFulfillment",
  "ConductorAssignment",
  "VortexBinding",
]);
export type CreationRationale = z.infer<typeof CreationRationaleSchema>;

/** `spec.lineage`: written once at creation, never changed afterwards (api.md §3.1). */
export const sealedCausalChain = z.object({
  rootKind: z.string().describe("Kind of the root declaration that caused this object."),
  rootName: z.string().describe("Name of that root."),
  rootNamespace: z.string().describe("Namespace of that root."),
  rootUID: z.string().describe("UID of the root at creation time (detects a replaced root)."),
  creatingOperator: z.object({
    name: z.string().describe("Operator name."),
    version: z.string().describe("Operator version at creation."),
  }).describe("Operator that created the object."),
  creationRationale: CreationRationaleSchema.describe("Why it was created."),
  rootGenerationAtCreation: int64().describe("Root metadata.generation at creation."),
}).describe("Sealed causal chain: immutable lineage of this object, set once at creation.");
export type SealedCausalChain = z.infer<typeof sealedCausalChain>;

/** LocalObjectRef: a named object, in the referrer's namespace unless `namespace` is given. */
export const localObjectRef = z.object({
  name: z.string().describe("Name of the referenced object."),
  namespace: z.string().optional().describe("Namespace; the referrer's namespace when empty."),
});
export type LocalObjectRef = z.infer<typeof localObjectRef>;

/** Platform SecretRef: same shape as LocalObjectRef, naming a Secret. */
export const secretRef = z.object({
  name: z.string().describe("Secret name."),
  namespace: z.string().optional().describe("Secret namespace; the consumer's namespace when empty."),
});
export type SecretRef = z.infer<typeof secretRef>;

/** corev1.SecretReference: both fields optional, replaced as a whole (`map-type: atomic`). */
export const secretReference = z.object({
  name: z.string().optional().describe("Secret name, unique within a namespace."),
  namespace: z.string().optional().describe("Namespace in which the Secret name must be unique."),
}).meta({ "x-kubernetes-map-type": "atomic" });
export type SecretReference = z.infer<typeof secretReference>;

/** S3 object location with its credentials Secret (api.md §3.3). */
export const s3Ref = z.object({
  bucket: z.string().describe("Bucket name."),
  key: z.string().describe("Object key or key prefix."),
  credentialsSecretRef: secretRef.describe("Secret holding the S3 credentials."),
});
export type S3Ref = z.infer<typeof s3Ref>;

/** An object applied by pack-deploy (api.md §3.3 "Deployed resource ref"). */
export const deployedResource = z.object({
  apiVersion: z.string().describe("apiVersion of the object."),
  kind: z.string().describe("Kind of the object."),
  name: z.string().describe("Name of the object."),
  namespace: z.string().optional().describe("Namespace; empty for cluster-scoped objects."),
});
export type DeployedResource = z.infer<typeof deployedResource>;

/** Failure classes of capability results (api.md §3.4, full list). */
export const FailureCategorySchema = z.enum([
  "ValidationFailure",
  "CapabilityUnavailable",
  "ExecutionFailure",
  "ExternalDependencyFailure",
  "InvariantViolation",
  "LicenseViolation",
  "StorageUnavailable",
]);
export type FailureCategory = z.infer<typeof FailureCategorySchema>;

/** Outcome of a run or of one step (api.md §3.4). */
export const ResultStatusSchema = z.enum(["Succeeded", "Failed"]);
export type ResultStatus = z.infer<typeof ResultStatusSchema>;
