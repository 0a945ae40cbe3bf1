/**
 * OCI image manifests and descriptors (image-spec v1.1; renderers.md §7.5), serialised
 * deterministically: compact JSON, fixed field order, no trailing newline — the digest is over
 * these exact bytes.
 */
import { RegistryError } from "./errors.ts";
import { ociDigest } from "./digest.ts";

export const MEDIA_TYPES = Object.freeze({
  imageManifest: "application/vnd.oci.image.manifest.v1+json",
  imageIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  imageConfig: "application/vnd.oci.image.config.v1+json",
  empty: "application/vnd.oci.empty.v1+json",
  layerTar: "application/vnd.oci.image.layer.v1.tar",
  layerTarGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
});

/** What `GET …/manifests/<ref>` accepts. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.imageManifest,
  MEDIA_TYPES.imageIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerManifestList,
].join(", ");

/** The two bytes `{}`: the empty config (and upstream's image config body). */
export const EMPTY_JSON: Uint8Array = new TextEncoder().encode("{}");
export const EMPTY_JSON_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

export interface Descriptor {
  mediaType: string;
  size: number;
  digest: string;
  annotations?: Record<string, string> | undefined;
  artifactType?: string | undefined;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string | undefined;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string> | undefined;
}

/** The descriptor of `bytes` under `mediaType`. */
export function descriptorOf(
  mediaType: string,
  bytes: Uint8Array,
  annotations?: Record<string, string>,
): Descriptor {
  return { mediaType, size: bytes.length, digest: ociDigest(bytes), ...(annotations ? { annotations } : {}) };
}

function _sorted(rec: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k]!;
  return out;
}

function _desc(d: Descriptor): Record<string, unknown> {
  // Field order as upstream writes it (compiler.md §6.9): mediaType, size, digest.
  const o: Record<string, unknown> = { mediaType: d.mediaType, size: d.size, digest: d.digest };
  if (d.artifactType !== undefined) o.artifactType = d.artifactType;
  if (d.annotations !== undefined) o.annotations = _sorted(d.annotations);
  return o;
}

/** Compact JSON bytes of an image manifest: schemaVersion, mediaType, artifactType?, config, layers, annotations?. */
export function serializeImageManifest(m: {
  config: Descriptor;
  layers: readonly Descriptor[];
  artifactType?: string | undefined;
  annotations?: Record<string, string> | undefined;
}): Uint8Array {
  const o: Record<string, unknown> = { schemaVersion: 2, mediaType: MEDIA_TYPES.imageManifest };
  if (m.artifactType !== undefined) o.artifactType = m.artifactType;
  o.config = _desc(m.config);
  o.layers = m.layers.map(_desc);
  if (m.annotations !== undefined) o.annotations = _sorted(m.annotations);
  return new TextEncoder().encode(JSON.stringify(o));
}

function _isDesc(v: unknown): v is Descriptor {
  if (v === null || typeof v !== "object") return false;
  const d = v as Record<string, unknown>;
  return typeof d.mediaType === "string" && typeof d.digest === "string" && typeof d.size === "number";
}

/** Parses an image manifest (OCI or Docker v2 schema 2); a RegistryError when it is not one. */
export function parseImageManifest(bytes: Uint8Array, where?: string): ImageManifest {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new RegistryError("manifest is not JSON", { url: where, cause, code: "ManifestInvalid" });
  }
  const m = v as Record<string, unknown> | null;
  if (
    !m || typeof m !== "object" || m.schemaVersion !== 2 || !_isDesc(m.config) || !Array.isArray(m.layers) ||
    !m.layers.every(_isDesc)
  ) {
    throw new RegistryError("not an image manifest (schemaVersion 2 with config and layers)", {
      url: where,
      code: "ManifestInvalid",
    });
  }
  return m as unknown as ImageManifest;
}
