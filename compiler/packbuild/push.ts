/**
 * Pushing the layers (compiler.md §6.9): each non-skipped bucket becomes a single-layer image in the
 * pack's repository — the layer a deterministic tar.gz holding `manifests.yaml`, the config the two
 * bytes `{}` — under the tags `<version>-rbac`, `<version>-cluster-scoped` (only when the bucket is
 * non-empty, as upstream) and `<version>-workload`. Media types stay upstream's (DECISIONS.md):
 * config `application/vnd.oci.image.config.v1+json`, layer `application/vnd.oci.image.layer.v1.tar`.
 */
import {
  EMPTY_JSON,
  MEDIA_TYPES,
  packLayer,
  type PushImageResult,
  type RegistryClient,
} from "../../shared/oci/mod.ts";
import type { PushedDigests } from "./pack_cr.ts";

export interface LayerTexts {
  rbac: string;
  clusterScoped: string;
  workload: string;
}

export interface PushedLayer {
  bucket: "rbac" | "cluster-scoped" | "workload";
  tag: string;
  /** Manifest digest. */
  digest: string;
  /** Size of the gzip'd layer. */
  size: number;
  /** Blobs uploaded / already present (layer + config). */
  uploaded: number;
  skipped: number;
}

/** The gzip'd tar of each layer that will be pushed, in push order. */
export function layerBlobs(texts: LayerTexts): { bucket: PushedLayer["bucket"]; bytes: Uint8Array }[] {
  const out: { bucket: PushedLayer["bucket"]; bytes: Uint8Array }[] = [
    { bucket: "rbac", bytes: packLayer(texts.rbac) },
  ];
  if (texts.clusterScoped !== "") {
    out.push({ bucket: "cluster-scoped", bytes: packLayer(texts.clusterScoped) });
  }
  out.push({ bucket: "workload", bytes: packLayer(texts.workload) });
  return out;
}

export async function pushLayers(
  client: RegistryClient,
  repository: string,
  version: string,
  texts: LayerTexts,
  progress?: (message: string) => void,
): Promise<{ digests: PushedDigests; layers: PushedLayer[] }> {
  const layers: PushedLayer[] = [];
  for (const { bucket, bytes } of layerBlobs(texts)) {
    const tag = `${version}-${bucket}`;
    progress?.(`pushing ${bucket} layer (${bytes.length} bytes) to ${client.registry}/${repository}:${tag}`);
    const r: PushImageResult = await client.pushImage(repository, tag, {
      config: { mediaType: MEDIA_TYPES.imageConfig, bytes: EMPTY_JSON },
      layers: [{ mediaType: MEDIA_TYPES.layerTar, bytes }],
    });
    const blobs = [...r.layers, r.config];
    layers.push({
      bucket,
      tag,
      digest: r.digest,
      size: bytes.length,
      uploaded: blobs.filter((b) => b.uploaded).length,
      skipped: blobs.filter((b) => !b.uploaded).length,
    });
  }
  const find = (b: PushedLayer["bucket"]) => layers.find((l) => l.bucket === b)?.digest;
  return {
    digests: { rbac: find("rbac")!, clusterScoped: find("cluster-scoped"), workload: find("workload")! },
    layers,
  };
}
