/** Input schemas of the compiler (ClusterInput, PackBuildInput, component descriptor) and their validator. */
export * from "./fields.ts";
export * from "./cluster_input.ts";
export * from "./pack_build_input.ts";
export * from "./component_descriptor.ts";
export * from "./kinds.ts";
export * from "./validate.ts";
export * from "./json_schema.ts";
