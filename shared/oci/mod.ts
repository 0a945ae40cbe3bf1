/**
 * OCI distribution client (renderers.md §7): push and pull blobs and manifests, Docker-config
 * credentials with Basic and Bearer-token auth, deterministic pack layers. Used by `compiler
 * packbuild` to push and by the Conductor's pack-deploy to pull; imports nothing from either binary
 * and never starts subprocesses.
 */
export {
  DEFAULT_RETRY,
  type ManifestResult,
  type PulledImage,
  type PushBlobResult,
  type PushImageResult,
  RegistryClient,
  type RegistryClientOptions,
  type RequestEvent,
  type RetryPolicy,
  withDigestParam,
} from "./client.ts";
export { AUTH_HINT, DigestMismatchError, RegistryError, type RegistryErrorDetail } from "./errors.ts";
export { type Challenge, parseWwwAuthenticate, pickChallenge, repositoryScope } from "./auth.ts";
export {
  basicAuthorization,
  credentialFor,
  type DockerAuthEntry,
  type DockerConfig,
  type DockerConfigLookup,
  dockerConfigPaths,
  dockerCredential,
  loadDockerConfig,
  normaliseRegistryHost,
  parseDockerConfig,
  type RegistryCredential,
} from "./credentials.ts";
export { digestLike, isDigest, ociDigest, verifyDigest } from "./digest.ts";
export {
  type Descriptor,
  descriptorOf,
  EMPTY_JSON,
  EMPTY_JSON_DIGEST,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  parseImageManifest,
  serializeImageManifest,
} from "./manifest.ts";
export {
  gunzip,
  gzip,
  PACK_LAYER_FILE,
  packLayer,
  readYamlFiles,
  type TarEntry,
  tarFiles,
  untarFiles,
} from "./layer.ts";
export {
  DIGEST_PATTERN,
  formatReference,
  guessPlainHttp,
  type OciReference,
  parseReference,
  parseRepositoryUrl,
  REPOSITORY_PATTERN,
  TAG_PATTERN,
} from "./reference.ts";
