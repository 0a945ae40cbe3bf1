/**
 * The CRD framework: a kind is defined once as zod schemas (`defineKind`), and its
 * CustomResourceDefinition (`crdOf`) is generated from them.
 *
 * zod 4's JSON Schema output is close to, but not, what an apiserver accepts: `toK8sSchema` turns it
 * into a *structural* schema (every node typed, no `$ref`/`additionalProperties: false`, unions
 * collapsed, k8s extensions carried over from `.meta()`). `structural.ts` checks the result.
 *
 * Kubernetes extensions are written with `.meta({...})` on the zod schema, e.g.
 * `z.array(x).meta(listMap("name"))`, `freeform()` (preserve unknown fields), `intOrString()`.
 */
import { z } from "zod";
import { apiVersionOf, crdNameOf, KIND_NAMES, type KindId, type KindName, VERSION } from "./names.ts";

// ------------------------------------------------------------------------------------------------
// Field helpers

/** RFC 3339 timestamp (`metav1.Time`); the CRD says `format: date-time`. */
export function dateTime(): z.ZodISODateTime {
  return z.iso.datetime({ offset: true });
}

/** 32-bit integer (`format: int32`). */
export function int32(): z.ZodNumber {
  return z.int32().meta({ format: "int32" });
}

/** 64-bit integer (`format: int64`; JavaScript keeps it to the safe-integer range). */
export function int64(): z.ZodNumber {
  return z.int().meta({ format: "int64" });
}

/** Any JSON value; the CRD keeps it unpruned (`x-kubernetes-preserve-unknown-fields`). */
export function freeform(): z.ZodRecord<z.ZodString, z.ZodUnknown> {
  return z.record(z.string(), z.unknown()).meta({ "x-kubernetes-preserve-unknown-fields": true });
}

/** Any JSON value, not only objects: the CRD node has no type, only preserve-unknown-fields. */
export function anyJson(): z.ZodUnknown {
  return z.unknown().meta({ "x-kubernetes-preserve-unknown-fields": true });
}

/** Integer or string (`x-kubernetes-int-or-string`), e.g. a port or a percentage. */
export function intOrString() {
  return z.union([z.int(), z.string()]).meta({ "x-kubernetes-int-or-string": true });
}

/** `.meta()` payload of a list merged by key (server-side apply, strategic merge). */
export function listMap(...keys: [string, ...string[]]): Record<string, unknown> {
  return { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": keys };
}

// ------------------------------------------------------------------------------------------------
// Conditions (metav1.Condition), merged by `type` everywhere (api.md §9.4)

export const ConditionSchema = z.object({
  type: z.string().max(316).regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
  ).describe("Type of condition in CamelCase or in foo.example.com/CamelCase."),
  status: z.enum(["True", "False", "Unknown"]).describe("Status of the condition: True, False or Unknown."),
  reason: z.string().min(1).max(1024).regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
    .describe("Programmatic CamelCase identifier of the reason for the last transition."),
  message: z.string().max(32768).describe("Human-readable details about the transition; may be empty."),
  lastTransitionTime: dateTime().describe("When the condition last changed status."),
  observedGeneration: int64().min(0).optional()
    .describe("metadata.generation the condition was set from."),
});
export type Condition = z.infer<typeof ConditionSchema>;
export type ConditionStatus = Condition["status"];

/** `status.conditions`: the standard condition list, keyed by `type`. */
export const conditions = z.array(ConditionSchema).refine(
  (list) => new Set(list.map((c) => c.type)).size === list.length,
  { message: "condition types must be unique (list-type map keyed by type)" },
).meta({
  ...listMap("type"),
  description: "Standard Kubernetes conditions, merged by type.",
});

// ------------------------------------------------------------------------------------------------
// Object envelope

/** The part of ObjectMeta the port reads and writes; other fields pass through untouched. */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: z.array(z.looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    name: z.string(),
    uid: z.string(),
    controller: z.boolean().optional(),
    blockOwnerDeletion: z.boolean().optional(),
  })).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** The usual trailing column. */
export const AGE_COLUMN: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
};

export interface KindOptions<K extends KindId, S extends z.ZodType, T extends z.ZodType> {
  name: K;
  spec: S;
  status?: T;
  printerColumns?: readonly PrinterColumn[];
  /** Default: a status subresource exactly when a status schema is given. */
  subresources?: { status?: boolean };
  /** One-line description of the kind (the CRD root's `description`). */
  description?: string;
}

/** What every kind definition offers, independent of its schema types. */
export interface AnyKindDef {
  readonly name: KindId;
  readonly names: KindName;
  readonly apiVersion: string;
  readonly description: string | undefined;
  readonly spec: z.ZodType;
  readonly status: z.ZodType | undefined;
  readonly printerColumns: readonly PrinterColumn[];
  readonly subresources: { readonly status: boolean };
  /** The whole object (apiVersion, kind, metadata, spec, status) as a zod schema. */
  readonly object: z.ZodType;
}

type ObjectShape<K extends KindId, S extends z.ZodType, T extends z.ZodType> = {
  apiVersion: z.ZodLiteral<string>;
  kind: z.ZodLiteral<K>;
  metadata: typeof ObjectMetaSchema;
  spec: S;
  status: z.ZodOptional<T>;
};

export interface KindDef<K extends KindId, S extends z.ZodType, T extends z.ZodType> extends AnyKindDef {
  readonly name: K;
  readonly spec: S;
  readonly status: T | undefined;
  readonly object: z.ZodObject<ObjectShape<K, S, T>>;
}

export function defineKind<K extends KindId, S extends z.ZodType, T extends z.ZodType = z.ZodNever>(
  opts: KindOptions<K, S, T>,
): KindDef<K, S, T> {
  const names = KIND_NAMES[opts.name];
  const apiVersion = apiVersionOf(opts.name);
  const status = opts.status;
  const shape = {
    apiVersion: z.literal(apiVersion as string),
    kind: z.literal(opts.name),
    metadata: ObjectMetaSchema,
    spec: opts.spec,
    status: (status ?? z.never()).optional(),
  } as ObjectShape<K, S, T>;
  return {
    name: opts.name,
    names,
    apiVersion,
    description: opts.description,
    spec: opts.spec,
    status,
    printerColumns: opts.printerColumns ?? [],
    subresources: { status: opts.subresources?.status ?? status !== undefined },
    object: z.object(shape),
  };
}

// ------------------------------------------------------------------------------------------------
// zod → structural OpenAPI v3 schema

export type JsonSchema = { [key: string]: unknown };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MIN_SAFE = Number.MIN_SAFE_INTEGER;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** Keywords of apiextensions/v1 JSONSchemaProps the port emits. Anything else is a bug. */
const KEEP = new Set([
  "type",
  "format",
  "description",
  "default",
  "enum",
  "nullable",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-validations",
]);
/** JSON Schema annotations zod may emit that mean nothing to the apiserver. */
const DROP = new Set([
  "$schema",
  "$id",
  "id",
  "title",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "$comment",
]);

export class SchemaConversionError extends Error {
  constructor(path: string, message: string) {
    super(`${path || "<root>"}: ${message}`);
    this.name = "SchemaConversionError";
  }
}

function isObj(v: unknown): v is JsonSchema {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isEmptySchema(v: unknown): boolean {
  return v === true || (isObj(v) && Object.keys(v).length === 0);
}

/** `a\/b` (JavaScript's RegExp.source) → `a/b`; RE2 reads both, upstream writes the latter. */
function unescapeSlashes(p: string): string {
  let out = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\" && i + 1 < p.length) {
      const n = p[i + 1]!;
      out += n === "/" ? "/" : c + n;
      i++;
    } else out += c;
  }
  return out;
}

/** Collapses an `anyOf`/`oneOf` into one node: enums of one type merge, objects merge. */
function collapseUnion(node: JsonSchema, variants: JsonSchema[], path: string): JsonSchema {
  const { anyOf: _a, oneOf: _o, ...outer } = node;
  let nullable = false;
  const vs = variants.filter((v) => {
    if (v.type === "null" || (Array.isArray(v.enum) && v.enum.length === 1 && v.enum[0] === null)) {
      nullable = true;
      return false;
    }
    return true;
  });
  if (vs.length === 0) throw new SchemaConversionError(path, "union of nothing but null");
  let merged: JsonSchema;
  if (vs.length === 1) merged = { ...vs[0] };
  else {
    const types = new Set(vs.map((v) => v.type));
    if (types.size !== 1 || [...types][0] === undefined) {
      throw new SchemaConversionError(
        path,
        `cannot collapse a union of types ${[...types].join(", ")}; use intOrString() or freeform()`,
      );
    }
    const type = [...types][0] as string;
    if (vs.every((v) => Array.isArray(v.enum))) {
      const values: unknown[] = [];
      for (const v of vs) for (const e of v.enum as unknown[]) if (!values.includes(e)) values.push(e);
      merged = { type, enum: values };
    } else if (type === "object") {
      const props: Record<string, JsonSchema> = {};
      let required: string[] | undefined;
      for (const v of vs) {
        for (const [k, p] of Object.entries((v.properties ?? {}) as Record<string, JsonSchema>)) {
          props[k] = props[k] ? mergeSchemas(props[k]!, p, `${path}.${k}`) : p;
        }
        const r = (v.required ?? []) as string[];
        required = required ? required.filter((x) => r.includes(x)) : [...r];
      }
      merged = { type: "object", properties: props };
      if (required && required.length) merged.required = required;
    } else if (
      vs.every((v) =>
        JSON.stringify({ ...v, enum: undefined }) === JSON.stringify({ ...vs[0], enum: undefined })
      )
    ) {
      merged = { ...vs[0] };
      delete merged.enum;
    } else {
      throw new SchemaConversionError(
        path,
        `cannot collapse a union of ${type} schemas with different constraints`,
      );
    }
  }
  const out: JsonSchema = { ...merged, ...outer };
  if (nullable) out.nullable = true;
  return out;
}

/** Merges two schemas for the same property (object unions): enums join, objects merge. */
function mergeSchemas(a: JsonSchema, b: JsonSchema, path: string): JsonSchema {
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  return collapseUnion({}, [a, b], path);
}

function mergeAllOf(node: JsonSchema, parts: JsonSchema[], path: string): JsonSchema {
  const { allOf: _, ...rest } = node;
  let out: JsonSchema = { ...rest };
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      if (k === "properties" && isObj(out.properties) && isObj(v)) {
        out.properties = { ...out.properties, ...v };
      } else if (k === "required" && Array.isArray(out.required) && Array.isArray(v)) {
        out.required = [...new Set([...(out.required as string[]), ...(v as string[])])];
      } else if (k === "enum" && Array.isArray(out.enum) && Array.isArray(v)) {
        out.enum = (out.enum as unknown[]).filter((x) => (v as unknown[]).includes(x));
      } else if (out[k] !== undefined && JSON.stringify(out[k]) !== JSON.stringify(v)) {
        throw new SchemaConversionError(path, `allOf parts disagree on ${k}`);
      } else out[k] = v;
    }
  }
  out = normalize(out, path);
  return out;
}

function normalize(input: JsonSchema, path: string): JsonSchema {
  let n: JsonSchema = { ...input };
  for (const k of DROP) delete n[k];
  if (n.$ref !== undefined || n.definitions !== undefined || n.$defs !== undefined) {
    throw new SchemaConversionError(path, "references are not allowed (recursive or reused schema?)");
  }
  if (n.const !== undefined) {
    n.enum = [n.const];
    delete n.const;
  }
  if (n.propertyNames !== undefined) delete n.propertyNames;

  if (n["x-kubernetes-int-or-string"] === true) {
    const out: JsonSchema = { "x-kubernetes-int-or-string": true };
    for (const k of ["description", "default", "nullable", "x-kubernetes-validations"]) {
      if (n[k] !== undefined) out[k] = n[k];
    }
    return out;
  }
  if (Array.isArray(n.allOf)) return mergeAllOf(n, n.allOf as JsonSchema[], path);
  const union = (n.anyOf ?? n.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) n = collapseUnion(n, union.map((v, i) => normalize(v, `${path}<${i}>`)), path);

  // zod's integer bounds (safe-integer, int32) are implied by the type/format.
  if (n.type === "integer") {
    if (n.minimum === MIN_SAFE || (n.format === "int32" && n.minimum === INT32_MIN)) delete n.minimum;
    if (n.maximum === MAX_SAFE || (n.format === "int32" && n.maximum === INT32_MAX)) delete n.maximum;
  }
  // zod adds a strict pattern to ISO date-times; the apiserver checks `format: date-time` itself.
  if (n.format === "date-time") delete n.pattern;
  if (typeof n.pattern === "string") n.pattern = unescapeSlashes(n.pattern);

  if (n.type === "object" || isObj(n.properties) || n.additionalProperties !== undefined) {
    n.type ??= "object";
    const props = isObj(n.properties) ? n.properties : {};
    const hasProps = Object.keys(props).length > 0;
    if (hasProps) {
      const out: Record<string, JsonSchema> = {};
      for (const [k, v] of Object.entries(props)) out[k] = normalize(v as JsonSchema, `${path}.${k}`);
      n.properties = out;
    } else delete n.properties;
    const ap = n.additionalProperties;
    if (ap === false) delete n.additionalProperties;
    else if (ap !== undefined && isEmptySchema(ap)) {
      delete n.additionalProperties;
      n["x-kubernetes-preserve-unknown-fields"] = true;
    } else if (isObj(ap)) {
      if (hasProps) {
        throw new SchemaConversionError(
          path,
          "properties and additionalProperties together are not structural",
        );
      }
      if (n["x-kubernetes-preserve-unknown-fields"] === true) delete n.additionalProperties;
      else n.additionalProperties = normalize(ap, `${path}{}`);
    }
    if (Array.isArray(n.required)) {
      if (n.required.length === 0) delete n.required;
      else n.required = [...(n.required as string[])];
    }
  }
  if (n.type === "array") {
    if (!isObj(n.items)) throw new SchemaConversionError(path, "array without a single items schema");
    n.items = normalize(n.items, `${path}[]`);
  }
  if (n.type === undefined && n["x-kubernetes-preserve-unknown-fields"] !== true) {
    const rest = Object.keys(n).filter((k) => k !== "description" && k !== "default" && k !== "nullable");
    if (rest.length > 0) throw new SchemaConversionError(path, `untyped schema with ${rest.join(", ")}`);
    n["x-kubernetes-preserve-unknown-fields"] = true;
  }
  if (n.nullable === false) delete n.nullable;
  for (const k of Object.keys(n)) {
    if (!KEEP.has(k)) throw new SchemaConversionError(path, `keyword ${k} is not supported in a CRD schema`);
  }
  return n;
}

/** zod schema → structural OpenAPI v3 schema node (apiextensions.k8s.io/v1 JSONSchemaProps). */
export function toK8sSchema(schema: z.ZodType, path = ""): JsonSchema {
  const raw = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "input",
    reused: "inline",
    unrepresentable: "any",
    cycles: "throw",
  }) as JsonSchema;
  return normalize(raw, path);
}

/** The CRD's `openAPIV3Schema` for a kind. */
export function openApiSchemaOf(def: AnyKindDef): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    apiVersion: {
      type: "string",
      description: "Versioned schema of this representation of an object.",
    },
    kind: { type: "string", description: "REST resource this object represents, in CamelCase." },
    metadata: { type: "object" },
    spec: toK8sSchema(def.spec, ".spec"),
  };
  if (def.status) properties.status = toK8sSchema(def.status, ".status");
  const root: JsonSchema = { type: "object", properties };
  if (def.description) root.description = def.description;
  return root;
}

/** The CustomResourceDefinition (apiextensions.k8s.io/v1) of a kind. */
export function crdOf(def: AnyKindDef): Record<string, unknown> {
  const n = def.names;
  const version: Record<string, unknown> = {
    name: VERSION,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: openApiSchemaOf(def) },
  };
  if (def.subresources.status) version.subresources = { status: {} };
  if (def.printerColumns.length > 0) {
    version.additionalPrinterColumns = def.printerColumns.map((c) => ({ ...c }));
  }
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crdNameOf(def.name) },
    spec: {
      group: n.group,
      names: {
        kind: n.kind,
        listKind: `${n.kind}List`,
        plural: n.plural,
        singular: n.singular,
        shortNames: [...n.shortNames],
        categories: [...n.categories],
      },
      scope: n.scope,
      versions: [version],
    },
  };
}
