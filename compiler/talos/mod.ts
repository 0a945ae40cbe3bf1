/**
 * Talos machine configuration in TypeScript: secrets bundles, machine-config generation for the
 * v1.9–v1.12 contracts (byte-identical to Talos' comment-free encoding) and config patching.
 */
export { SUPPORTED_CONTRACTS } from "./contract.ts";
export type { ContractName } from "./contract.ts";
export {
  parseSecretsBundle,
  SecretsBundleError,
  serializeSecretsBundle,
  validateSecretsBundle,
} from "./secrets.ts";
export type { CertAndKey, SecretsBundle } from "./secrets.ts";
export { generateSecretsBundle, generateToken } from "./secrets_generate.ts";
export type { GenerateSecretsOptions } from "./secrets_generate.ts";
export { GenerateError, generateMachineConfig } from "./generate.ts";
export type { CniOptions, MachineConfigOptions, MachineType } from "./generate.ts";
export { applyPatches, loadPatch, PatchError } from "./patcher.ts";
export type { Patch } from "./patcher.ts";
export { ConfigLoadError, encodeConfig, loadConfig } from "./documents.ts";
