/**
 * The apiserver's rules for CRD schemas, as far as the port's CRDs can break them, plus a small
 * validator of objects against such a schema (what the apiserver checks on create/update, minus CEL).
 *
 * `structuralErrors(schema)` follows apiextensions-apiserver's validation of `openAPIV3Schema`
 * (structural schema rules, forbidden keywords, list/map extensions, defaults). `validateObject`
 * applies type, enum, required, bounds, pattern, format and list-map-key uniqueness; unknown fields
 * are reported separately because the apiserver prunes (or, with strict field validation, rejects)
 * them rather than failing schema validation.
 */

type Schema = { [key: string]: unknown };

/** Every keyword apiextensions.k8s.io/v1 JSONSchemaProps knows. */
const KNOWN = new Set([
  "id",
  "$schema",
  "$ref",
  "description",
  "type",
  "format",
  "title",
  "default",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "multipleOf",
  "enum",
  "maxProperties",
  "minProperties",
  "required",
  "items",
  "allOf",
  "oneOf",
  "anyOf",
  "not",
  "properties",
  "additionalProperties",
  "patternProperties",
  "dependencies",
  "additionalItems",
  "definitions",
  "externalDocs",
  "example",
  "nullable",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
]);
const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);
const JUNCTORS = ["allOf", "anyOf", "oneOf", "not"] as const;

function isObj(v: unknown): v is Schema {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function typeOfValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Structural-schema and CRD-validation errors of a CRD's `openAPIV3Schema`; empty when accepted. */
export function structuralErrors(root: unknown): string[] {
  const errs: string[] = [];
  if (!isObj(root)) return ["openAPIV3Schema must be an object"];
  if (root.type !== "object") errs.push("<root>: type must be object");
  if (root.nullable === true) errs.push("<root>: nullable is not allowed");
  const props = isObj(root.properties) ? root.properties : {};
  const meta = props.metadata;
  if (meta !== undefined) checkMetadata(meta, errs);
  for (const k of ["apiVersion", "kind"]) {
    const p = props[k];
    if (p !== undefined && (!isObj(p) || p.type !== "string")) errs.push(`.${k}: must be type string`);
  }
  walk(root, "", errs, false);
  return errs;
}

function checkMetadata(meta: unknown, errs: string[]): void {
  if (!isObj(meta)) {
    errs.push(".metadata: must be a schema object");
    return;
  }
  for (const k of Object.keys(meta)) {
    if (k !== "type" && k !== "properties") {
      errs.push(`.metadata: only type and properties may be set, not ${k}`);
    }
  }
  if (meta.type !== "object") errs.push(".metadata: type must be object");
  if (isObj(meta.properties)) {
    for (const [k, v] of Object.entries(meta.properties)) {
      if (k !== "name" && k !== "generateName") {
        errs.push(`.metadata.${k}: only name and generateName may be restricted`);
      } else if (isObj(v) && (v.type !== "string" || v.default !== undefined)) {
        errs.push(`.metadata.${k}: must be type string without default`);
      }
    }
  }
}

function walk(n: unknown, path: string, errs: string[], inJunctor: boolean): void {
  const p = path || "<root>";
  if (!isObj(n)) {
    errs.push(`${p}: schema must be an object`);
    return;
  }
  for (const k of Object.keys(n)) if (!KNOWN.has(k)) errs.push(`${p}: unknown keyword ${k}`);
  for (
    const k of [
      "$ref",
      "$schema",
      "id",
      "definitions",
      "dependencies",
      "additionalItems",
      "patternProperties",
    ]
  ) {
    if (n[k] !== undefined) errs.push(`${p}: ${k} is forbidden`);
  }
  if (n.uniqueItems === true) errs.push(`${p}: uniqueItems cannot be true`);
  if (n.additionalProperties === false) errs.push(`${p}: additionalProperties cannot be false`);
  if (n["x-kubernetes-preserve-unknown-fields"] === false) {
    errs.push(`${p}: x-kubernetes-preserve-unknown-fields must be true or undefined`);
  }
  const intOrString = n["x-kubernetes-int-or-string"] === true;
  const preserve = n["x-kubernetes-preserve-unknown-fields"] === true;
  const type = n.type;

  if (inJunctor) {
    for (const k of ["type", "description", "default", "additionalProperties", "nullable"]) {
      if (n[k] !== undefined) errs.push(`${p}: ${k} must not be set inside allOf/anyOf/oneOf/not`);
    }
    for (const k of Object.keys(n)) {
      if (k.startsWith("x-kubernetes-")) errs.push(`${p}: ${k} must not be set inside allOf/anyOf/oneOf/not`);
    }
  } else {
    if (type === undefined || type === "") {
      if (!intOrString && !preserve) errs.push(`${p}: type must be set (structural schema)`);
    } else if (typeof type !== "string" || !TYPES.has(type)) {
      errs.push(`${p}: unsupported type ${JSON.stringify(type)}`);
    }
  }
  if (intOrString) {
    if (type !== undefined) errs.push(`${p}: type must be empty with x-kubernetes-int-or-string`);
    checkIntOrStringJunctors(n, p, errs);
  }
  if (isObj(n.properties) && n.additionalProperties !== undefined) {
    errs.push(`${p}: additionalProperties and properties are mutually exclusive`);
  }
  if (!inJunctor && type === "object" && n.items !== undefined) errs.push(`${p}: items set on an object`);
  if (!inJunctor && type === "array") {
    if (!isObj(n.items)) errs.push(`${p}: items must be a single schema for arrays`);
  }
  if (Array.isArray(n.items)) errs.push(`${p}: items must be a single schema, not a list`);
  if (n.required !== undefined) {
    if (!Array.isArray(n.required) || n.required.some((r) => typeof r !== "string")) {
      errs.push(`${p}: required must be a list of strings`);
    } else if (!inJunctor && isObj(n.properties)) {
      for (const r of n.required as string[]) {
        if (!(r in n.properties) && !preserve) errs.push(`${p}: required field ${r} is not a property`);
      }
    }
  }
  if (Array.isArray(n.enum) && typeof type === "string") {
    for (const v of n.enum) {
      const t = typeOfValue(v);
      const ok = t === type || (type === "number" && t === "integer") || (v === null && n.nullable === true);
      if (!ok) errs.push(`${p}: enum value ${JSON.stringify(v)} is not of type ${type}`);
    }
  }
  if (
    n.format !== undefined && typeof type === "string" && type !== "string" && type !== "integer" &&
    type !== "number"
  ) {
    errs.push(`${p}: format on type ${type}`);
  }
  checkExtensions(n, p, errs);
  if (n.default !== undefined && !inJunctor) {
    const dErrs = validateValue(n, n.default, `${p}(default)`).errors;
    errs.push(...dErrs.map((e) => `default does not validate: ${e}`));
  }

  if (isObj(n.properties)) {
    for (const [k, v] of Object.entries(n.properties)) walk(v, `${path}.${k}`, errs, inJunctor);
  }
  if (isObj(n.items)) walk(n.items, `${path}[]`, errs, inJunctor);
  if (isObj(n.additionalProperties)) walk(n.additionalProperties, `${path}{}`, errs, inJunctor);
  for (const j of JUNCTORS) {
    const v = n[j];
    if (v === undefined) continue;
    if (intOrString) continue;
    const list = j === "not" ? [v] : Array.isArray(v) ? v : [];
    list.forEach((s, i) => {
      walk(s, `${path}<${j}${i}>`, errs, true);
      checkJunctorFieldsSpecified(n, s, `${path}<${j}${i}>`, errs);
    });
  }
}

/** Int-or-string nodes may only carry `anyOf: [{type: integer}, {type: string}]` (optionally in allOf). */
function checkIntOrStringJunctors(n: Schema, p: string, errs: string[]): void {
  const ok = (a: unknown) =>
    Array.isArray(a) && a.length === 2 && isObj(a[0]) && isObj(a[1]) &&
    a[0].type === "integer" && a[1].type === "string" && Object.keys(a[0]).length === 1 &&
    Object.keys(a[1]).length === 1;
  if (n.anyOf !== undefined && !ok(n.anyOf)) errs.push(`${p}: int-or-string anyOf must be [integer, string]`);
  if (n.oneOf !== undefined || n.not !== undefined) errs.push(`${p}: int-or-string allows only anyOf/allOf`);
}

/** Properties/items named inside a junctor must also be specified outside of it. */
function checkJunctorFieldsSpecified(outer: Schema, inner: unknown, p: string, errs: string[]): void {
  if (!isObj(inner)) return;
  if (isObj(inner.properties)) {
    const outerProps = isObj(outer.properties) ? outer.properties : {};
    for (const k of Object.keys(inner.properties)) {
      if (!(k in outerProps)) errs.push(`${p}.${k}: must be specified outside the logical junctor too`);
    }
  }
  if (inner.items !== undefined && outer.items === undefined) {
    errs.push(`${p}[]: items must be specified outside the logical junctor too`);
  }
}

function checkExtensions(n: Schema, p: string, errs: string[]): void {
  const listType = n["x-kubernetes-list-type"];
  const keys = n["x-kubernetes-list-map-keys"];
  if (listType !== undefined) {
    if (!["atomic", "set", "map"].includes(listType as string)) {
      errs.push(`${p}: unknown list-type ${listType}`);
    }
    if (n.type !== "array") errs.push(`${p}: x-kubernetes-list-type requires type array`);
  }
  if (keys !== undefined && listType !== "map") errs.push(`${p}: list-map-keys requires list-type map`);
  if (listType === "map") {
    const items = n.items;
    if (!Array.isArray(keys) || keys.length === 0) errs.push(`${p}: list-type map requires list-map-keys`);
    else if (!isObj(items) || items.type !== "object") errs.push(`${p}: list-type map requires object items`);
    else {
      const props = isObj(items.properties) ? items.properties : {};
      const req = Array.isArray(items.required) ? items.required as string[] : [];
      for (const k of keys as string[]) {
        const prop = props[k];
        if (!isObj(prop)) {
          errs.push(`${p}: list-map-key ${k} is not a property of the items`);
          continue;
        }
        if (!["string", "integer", "number", "boolean"].includes(prop.type as string)) {
          errs.push(`${p}: list-map-key ${k} must be a scalar`);
        }
        if (!req.includes(k) && prop.default === undefined) {
          errs.push(`${p}: list-map-key ${k} must be required or have a default`);
        }
        if (prop.nullable === true) errs.push(`${p}: list-map-key ${k} must not be nullable`);
      }
    }
  }
  if (listType === "set" && isObj(n.items)) {
    const t = n.items.type;
    if (t === "object" && n.items["x-kubernetes-map-type"] !== "atomic") {
      errs.push(`${p}: list-type set requires scalar or atomic items`);
    }
  }
  const mapType = n["x-kubernetes-map-type"];
  if (mapType !== undefined) {
    if (mapType !== "atomic" && mapType !== "granular") errs.push(`${p}: unknown map-type ${mapType}`);
    if (n.type !== "object") errs.push(`${p}: x-kubernetes-map-type requires type object`);
  }
  if (n["x-kubernetes-embedded-resource"] === true && n.type !== "object") {
    errs.push(`${p}: x-kubernetes-embedded-resource requires type object`);
  }
  const v = n["x-kubernetes-validations"];
  if (v !== undefined) {
    if (!Array.isArray(v) || v.some((r) => !isObj(r) || typeof r.rule !== "string" || r.rule === "")) {
      errs.push(`${p}: x-kubernetes-validations must be a list of {rule, message}`);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Object validation

export interface ValidationResult {
  /** Schema violations: the apiserver rejects the object. */
  errors: string[];
  /** Fields the schema does not declare: pruned (or rejected with strict field validation). */
  unknownFields: string[];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Validates a value against a structural schema node (no CEL rules). */
export function validateValue(schema: unknown, value: unknown, path = ""): ValidationResult {
  const res: ValidationResult = { errors: [], unknownFields: [] };
  check(schema, value, path, res);
  return res;
}

/** Validates a whole custom object against a CRD's `openAPIV3Schema` (metadata is not checked). */
export function validateObject(root: unknown, obj: unknown): ValidationResult {
  const res: ValidationResult = { errors: [], unknownFields: [] };
  if (!isObj(root) || !isObj(obj)) {
    res.errors.push("object and schema must be objects");
    return res;
  }
  const { metadata: _m, ...rest } = obj;
  const props = isObj(root.properties) ? root.properties : {};
  const { metadata: _ms, ...restProps } = props;
  check({ ...root, properties: restProps }, rest, "", res);
  return res;
}

function check(s: unknown, v: unknown, path: string, res: ValidationResult): void {
  if (!isObj(s)) return;
  const p = path || "<root>";
  if (v === null) {
    if (s.nullable !== true) res.errors.push(`${p}: must not be null`);
    return;
  }
  if (s["x-kubernetes-int-or-string"] === true) {
    const t = typeOfValue(v);
    if (t !== "integer" && t !== "string") res.errors.push(`${p}: must be an integer or a string`);
    return;
  }
  const t = typeOfValue(v);
  const type = s.type as string | undefined;
  if (type !== undefined) {
    const ok = t === type || (type === "number" && t === "integer");
    if (!ok) {
      res.errors.push(`${p}: must be of type ${type}, got ${t}`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    res.errors.push(`${p}: unsupported value ${JSON.stringify(v)}; allowed: ${JSON.stringify(s.enum)}`);
  }
  if (typeof v === "string") {
    if (typeof s.minLength === "number" && [...v].length < s.minLength) {
      res.errors.push(`${p}: shorter than ${s.minLength}`);
    }
    if (typeof s.maxLength === "number" && [...v].length > s.maxLength) {
      res.errors.push(`${p}: longer than ${s.maxLength}`);
    }
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(v)) {
      res.errors.push(`${p}: does not match ${s.pattern}`);
    }
    if (s.format === "date-time" && !DATE_TIME.test(v)) res.errors.push(`${p}: not an RFC 3339 date-time`);
  }
  if (typeof v === "number") {
    if (typeof s.minimum === "number" && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      res.errors.push(`${p}: below minimum ${s.minimum}`);
    }
    if (typeof s.maximum === "number" && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      res.errors.push(`${p}: above maximum ${s.maximum}`);
    }
    if (s.format === "int32" && (v < -2147483648 || v > 2147483647)) {
      res.errors.push(`${p}: out of int32 range`);
    }
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === "number" && v.length < s.minItems) {
      res.errors.push(`${p}: fewer than ${s.minItems} items`);
    }
    if (typeof s.maxItems === "number" && v.length > s.maxItems) {
      res.errors.push(`${p}: more than ${s.maxItems} items`);
    }
    v.forEach((item, i) => check(s.items, item, `${path}[${i}]`, res));
    const lt = s["x-kubernetes-list-type"];
    if (lt === "map" && Array.isArray(s["x-kubernetes-list-map-keys"])) {
      const seen = new Set<string>();
      for (const item of v) {
        if (!isObj(item)) continue;
        const key = JSON.stringify((s["x-kubernetes-list-map-keys"] as string[]).map((k) => item[k]));
        if (seen.has(key)) res.errors.push(`${p}: duplicate entry for key ${key}`);
        seen.add(key);
      }
    } else if (lt === "set") {
      const seen = new Set<string>();
      for (const item of v) {
        const key = JSON.stringify(item);
        if (seen.has(key)) res.errors.push(`${p}: duplicate set entry ${key}`);
        seen.add(key);
      }
    }
  }
  if (isObj(v) && (type === "object" || type === undefined)) {
    const props = isObj(s.properties) ? s.properties : undefined;
    if (Array.isArray(s.required)) {
      for (const r of s.required as string[]) if (!(r in v)) res.errors.push(`${path}.${r}: required value`);
    }
    for (const [k, child] of Object.entries(v)) {
      const cp = `${path}.${k}`;
      if (props && k in props) check(props[k], child, cp, res);
      else if (isObj(s.additionalProperties)) check(s.additionalProperties, child, cp, res);
      else if (s["x-kubernetes-preserve-unknown-fields"] !== true) res.unknownFields.push(cp);
    }
  }
}
