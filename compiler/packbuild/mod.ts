/** `compiler packbuild` (compiler.md §6): the command, the pipeline and the manifest split. */
export { packbuildCommand } from "./command.ts";
export {
  dispatchPath,
  type PackbuildOptions,
  type PackbuildResult,
  runPackbuild,
  summaryLine,
} from "./packbuild.ts";
export {
  type Buckets,
  checksumOf,
  CLUSTER_SCOPED_KINDS,
  layerText,
  type Manifest,
  parseManifests,
  RBAC_KINDS,
  splitDocuments,
  splitThree,
  splitTwo,
  withHelmNamespace,
} from "./manifests.ts";
export { buildPackDelivery, packNamespace, type PackPath } from "./pack_cr.ts";
export { layerBlobs, pushLayers } from "./push.ts";
