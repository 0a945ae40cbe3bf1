/** The three input kinds the compiler reads, with their schemas and JSON Schema identities. */
import type { z } from "zod";
import { ClusterInputSchema } from "./cluster_input.ts";
import { PackBuildInputSchema } from "./pack_build_input.ts";
import { ComponentDescriptorSchema } from "./component_descriptor.ts";

export interface InputKindInfo<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** Type name, also the JSON Schema title. */
  title: string;
  /** The command that reads this kind of file. */
  command: string;
  /** File name of the generated JSON Schema under schemas/json/. */
  jsonSchemaFile: string;
}

export const INPUT_KINDS = {
  "cluster-input": {
    schema: ClusterInputSchema,
    title: "ClusterInput",
    command: "compiler bootstrap --input",
    jsonSchemaFile: "cluster-input.schema.json",
  },
  "pack-build-input": {
    schema: PackBuildInputSchema,
    title: "PackBuildInput",
    command: "compiler packbuild --input",
    jsonSchemaFile: "pack-build-input.schema.json",
  },
  "component-descriptor": {
    schema: ComponentDescriptorSchema,
    title: "ComponentDescriptor",
    command: "compiler component --descriptor",
    jsonSchemaFile: "component-descriptor.schema.json",
  },
} as const satisfies Record<string, InputKindInfo>;

export type InputKind = keyof typeof INPUT_KINDS;
export type InputOf<K extends InputKind> = z.output<(typeof INPUT_KINDS)[K]["schema"]>;

export const INPUT_KIND_NAMES = Object.keys(INPUT_KINDS) as InputKind[];

/**
 * Which kind a parsed document looks like, from its keys (for tools that get a file without being
 * told its kind). Undefined when it looks like none of them.
 */
export function guessInputKind(value: unknown): InputKind | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const has = (k: string) => k in value;
  if (["bootstrap", "mode", "importExistingCluster", "machineConfigPaths", "capi"].some(has)) {
    return "cluster-input";
  }
  if (["version", "registryUrl", "helmSource", "rawSource", "kustomizeSource", "category"].some(has)) {
    return "pack-build-input";
  }
  if (["principalRef", "rbacPolicyRef"].some(has) || (has("name") && has("namespace"))) {
    return "component-descriptor";
  }
  return undefined;
}
