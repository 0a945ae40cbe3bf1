/** Native Kustomize engine (target: `kustomize build` v5.6.0). */
export { type BuildOptions, kustomizeBuild } from "./build.ts";
export { KustomizeError, RemoteResourceError } from "./errors.ts";
export { denoFs, type KustomizeFs, memoryFs } from "./fs.ts";
