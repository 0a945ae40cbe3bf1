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
export {
  bundleFromMachineConfig,
  endpointOfMachineConfig,
  installDiskOfMachineConfig,
  v1alpha1Document,
} from "./import_bundle.ts";
export {
  caIdentity,
  generateAdminTalosconfig,
  issueAdminCertificate,
  renderTalosconfig,
  TALOS_API_CLIENT_VALIDITY_HOURS,
  TalosconfigError,
} from "./talosconfig.ts";
export type { AdminCertificateOptions, TalosconfigOptions } from "./talosconfig.ts";
