/**
 * Input files of the compiler — ClusterInput (`bootstrap`), PackBuildInput (`packbuild`) and the
 * component descriptor (`component --descriptor`): zod schemas, inferred types, the positioned
 * validator and the JSON Schema generator. Named exports only, so that `schemas/mod.ts` can re-export
 * this module next to the CRD kinds without name clashes.
 */
export {
  BootstrapSectionSchema,
  CapiSectionSchema,
  CapiWorkerSchema,
  CLUSTER_MODES,
  CLUSTER_NAME_MAX,
  CLUSTER_ROLES,
  clusterInputRules,
  ClusterInputSchema,
  NODE_ROLES,
  NodeSchema,
  RegistryMirrorSchema,
  SUPPORTED_TALOS_MINORS,
} from "./cluster_input.ts";
export type {
  BootstrapSection,
  CapiSection,
  CapiWorker,
  ClusterInput,
  ClusterInputMode,
  ClusterInputRole,
  ClusterNode,
  NodeRole,
  RegistryMirror,
} from "./cluster_input.ts";
export {
  HelmSourceSchema,
  KustomizeSourceSchema,
  PACK_CATEGORIES,
  PACK_SOURCE_KEYS,
  packBuildInputRules,
  PackBuildInputSchema,
  RawSourceSchema,
  SOURCE_OF_CATEGORY,
} from "./pack_build_input.ts";
export type {
  HelmSource,
  KustomizeSource,
  PackBuildInput,
  PackCategory,
  PackSourceKey,
  RawSource,
} from "./pack_build_input.ts";
export {
  componentDescriptorRules,
  ComponentDescriptorSchema,
  DEFAULT_RBAC_POLICY_REF,
  rbacProfileName,
} from "./component_descriptor.ts";
export type { ComponentDescriptor } from "./component_descriptor.ts";
export { guessInputKind, INPUT_KIND_NAMES, INPUT_KINDS } from "./kinds.ts";
export type { InputKind, InputKindInfo, InputOf } from "./kinds.ts";
export { formatPath, INPUT_WARNING, loadInput, UNKNOWN_KEY, validateInput } from "./validate.ts";
export type { Validated } from "./validate.ts";
export {
  JSON_SCHEMA_BASE_ID,
  JSON_SCHEMA_DIR,
  jsonSchemaOf,
  renderJsonSchemas,
  staleJsonSchemas,
  writeJsonSchemas,
} from "./json_schema.ts";
export { dns1123Problem, INPUT_FIELDS, isIP, isIPv4, isIPv6 } from "./fields.ts";
export type { FieldInfo, IssueParams, IssueSink, Severity } from "./fields.ts";
