/**
 * Where signatures live (conductor.md §1.3, §5.3; api.md §10.1, §10.6). The keys are contracts with
 * Go components and keep upstream's strings byte for byte, retired group name included (C-D4).
 */
export const ANNOTATION_MANAGEMENT_SIGNATURE = "infrastructure.ontai.dev/management-signature";
export const ANNOTATION_MANAGEMENT_SPEC_HASH = "infrastructure.ontai.dev/management-spec-hash";
export const ANNOTATION_PACK_SIGNATURE = "ontai.dev/pack-signature";
/** New key of the port: SPKI fingerprint of the key that signed (instead of `spec.signingKeyFingerprint`). */
export const ANNOTATION_SIGNING_KEY_ID = "seam.ontai.dev/signing-key-id";
/** Label on the signed artifact Secret naming its target cluster. */
export const LABEL_SEAM_CLUSTER = "seam.ontai.dev/cluster";

/** `seam-pack-signed-{cluster}-{name}`: the signed artifact Secret in `seam-tenant-{cluster}`. */
export function signedArtifactSecretName(cluster: string, name: string): string {
  return `seam-pack-signed-${cluster}-${name}`;
}
export function signedArtifactSecretPrefix(cluster: string): string {
  return `seam-pack-signed-${cluster}-`;
}
