// values.schema.json validation (renderers.md §3.5): a gojsonschema-flavoured subset (draft 4/6/7).

import { GoInt } from "../template/mod.ts";
import { formatFloatV } from "../template/value.ts";
import { marshalJSON, unmarshalJSON } from "../sprig/json.ts";
import type { Chart } from "./loader.ts";
import { isTable, type Values } from "./values.ts";

type Schema = Record<string, unknown> | boolean;

interface Err {
  field: string;
  msg: string;
}

const dec = new TextDecoder();

function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof GoInt) return Number(v.value);
  return undefined;
}

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "string") return "string";
  if (Array.isArray(v)) return "array";
  const n = num(v);
  if (n !== undefined) return Number.isInteger(n) ? "integer" : "number";
  return "object";
}

function fmtNum(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? String(n) : formatFloatV(n);
}

function deepEq(a: unknown, b: unknown): boolean {
  return marshalJSON(a) === marshalJSON(b);
}

class Validator {
  errors: Err[] = [];
  constructor(readonly root: Schema) {}
  resolve(ref: string): Schema | undefined {
    if (!ref.startsWith("#")) return undefined;
    let cur: unknown = this.root;
    for (const raw of ref.slice(1).split("/").filter((p) => p !== "")) {
      const p = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      if (!isTable(cur) && !Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[p];
    }
    return cur as Schema;
  }
  field(path: string[]): string {
    return path.length === 0 ? "(root)" : path.join(".");
  }
  add(path: string[], msg: string): void {
    this.errors.push({ field: this.field(path), msg });
  }
  valid(s: Schema, v: unknown, path: string[]): boolean {
    const sub = new Validator(this.root);
    sub.validate(s, v, path);
    return sub.errors.length === 0;
  }
  validate(s: Schema, v: unknown, path: string[]): void {
    if (s === true) return;
    if (s === false) {
      this.add(path, "False always fails validation");
      return;
    }
    if (!isTable(s)) return;
    if (typeof s.$ref === "string") {
      const r = this.resolve(s.$ref);
      if (r !== undefined) this.validate(r, v, path);
      return;
    }
    const t = jsonType(v);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type as string[] : [s.type as string];
      const ok = types.some((x) => x === t || (x === "number" && t === "integer"));
      if (!ok) {
        this.add(path, `Invalid type. Expected: ${types.join(", ")}, given: ${t}`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEq(e, v))) {
      this.add(
        path,
        `${this.field(path)} must be one of the following: ${s.enum.map((e) => marshalJSON(e)).join(", ")}`,
      );
    }
    if ("const" in s && !deepEq(s.const, v)) {
      this.add(path, `${this.field(path)} does not match: ${marshalJSON(s.const)}`);
    }
    if (Array.isArray(s.allOf)) {
      let ok = true;
      for (const x of s.allOf) {
        if (!this.valid(x as Schema, v, path)) {
          ok = false;
          this.validate(x as Schema, v, path);
        }
      }
      if (!ok) this.add(path, "Must validate all the schemas (allOf)");
    }
    if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => this.valid(x as Schema, v, path))) {
      this.add(path, "Must validate at least one schema (anyOf)");
    }
    if (Array.isArray(s.oneOf) && s.oneOf.filter((x) => this.valid(x as Schema, v, path)).length !== 1) {
      this.add(path, "Must validate one and only one schema (oneOf)");
    }
    if (s.not !== undefined && this.valid(s.not as Schema, v, path)) {
      this.add(path, "Must not validate the schema (not)");
    }
    if (s.if !== undefined) {
      if (this.valid(s.if as Schema, v, path)) {
        if (s.then !== undefined) this.validate(s.then as Schema, v, path);
      } else if (s.else !== undefined) this.validate(s.else as Schema, v, path);
    }
    if (t === "object" && isTable(v)) this.object(s, v, path);
    if (t === "array" && Array.isArray(v)) this.array(s, v, path);
    if (t === "string" && typeof v === "string") this.string(s, v, path);
    const n = num(v);
    if (n !== undefined) this.number(s, n, path);
  }
  object(s: Record<string, unknown>, v: Values, path: string[]): void {
    if (Array.isArray(s.required)) {
      for (const r of s.required as string[]) if (!(r in v)) this.add(path, `${r} is required`);
    }
    const props = isTable(s.properties) ? s.properties : {};
    const pats = isTable(s.patternProperties) ? s.patternProperties : {};
    if (typeof s.maxProperties === "number" && Object.keys(v).length > s.maxProperties) {
      this.add(path, `Must have at most ${s.maxProperties} properties`);
    }
    if (typeof s.minProperties === "number" && Object.keys(v).length < s.minProperties) {
      this.add(path, `Must have at least ${s.minProperties} properties`);
    }
    for (const k of Object.keys(v).sort()) {
      let matched = false;
      if (k in props) {
        matched = true;
        this.validate(props[k] as Schema, v[k], [...path, k]);
      }
      for (const [p, ps] of Object.entries(pats)) {
        if (new RegExp(p, "u").test(k)) {
          matched = true;
          this.validate(ps as Schema, v[k], [...path, k]);
        }
      }
      if (!matched && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) this.add(path, `Additional property ${k} is not allowed`);
        else if (isTable(s.additionalProperties)) this.validate(s.additionalProperties, v[k], [...path, k]);
      }
    }
    if (isTable(s.dependencies)) {
      for (const [k, d] of Object.entries(s.dependencies)) {
        if (!(k in v)) continue;
        if (Array.isArray(d)) {
          for (const r of d as string[]) if (!(r in v)) this.add(path, `Has a dependency on ${r}`);
        } else this.validate(d as Schema, v, path);
      }
    }
  }
  array(s: Record<string, unknown>, v: unknown[], path: string[]): void {
    if (typeof s.minItems === "number" && v.length < s.minItems) {
      this.add(path, `Array must have at least ${s.minItems} items`);
    }
    if (typeof s.maxItems === "number" && v.length > s.maxItems) {
      this.add(path, `Array must have at most ${s.maxItems} items`);
    }
    if (s.uniqueItems === true) {
      const seen = v.map((x) => marshalJSON(x));
      for (let i = 0; i < seen.length; i++) {
        const j = seen.indexOf(seen[i]!);
        if (j < i) {
          this.add(path, `array items[${j},${i}] must be unique`);
          break;
        }
      }
    }
    if (Array.isArray(s.items)) {
      v.forEach((x, i) => {
        const it = (s.items as Schema[])[i];
        if (it !== undefined) this.validate(it, x, [...path, String(i)]);
        else if (s.additionalItems === false) this.add(path, `No additional items allowed on array`);
        else if (isTable(s.additionalItems)) this.validate(s.additionalItems, x, [...path, String(i)]);
      });
    } else if (s.items !== undefined) {
      v.forEach((x, i) => this.validate(s.items as Schema, x, [...path, String(i)]));
    }
    if (s.contains !== undefined && !v.some((x) => this.valid(s.contains as Schema, x, path))) {
      this.add(path, "At least one of the items must match");
    }
  }
  string(s: Record<string, unknown>, v: string, path: string[]): void {
    const len = [...v].length;
    if (typeof s.minLength === "number" && len < s.minLength) {
      this.add(path, `String length must be greater than or equal to ${s.minLength}`);
    }
    if (typeof s.maxLength === "number" && len > s.maxLength) {
      this.add(path, `String length must be less than or equal to ${s.maxLength}`);
    }
    if (typeof s.pattern === "string") {
      try {
        if (!new RegExp(s.pattern, "u").test(v)) this.add(path, `Does not match pattern '${s.pattern}'`);
      } catch { /* ignore */ }
    }
  }
  number(s: Record<string, unknown>, n: number, path: string[]): void {
    const exMin = s.exclusiveMinimum, exMax = s.exclusiveMaximum;
    if (typeof s.minimum === "number") {
      if (exMin === true ? n <= s.minimum : n < s.minimum) {
        this.add(
          path,
          exMin === true
            ? `Must be greater than ${fmtNum(s.minimum)}`
            : `Must be greater than or equal to ${fmtNum(s.minimum)}`,
        );
      }
    }
    if (typeof exMin === "number" && n <= exMin) this.add(path, `Must be greater than ${fmtNum(exMin)}`);
    if (typeof s.maximum === "number") {
      if (exMax === true ? n >= s.maximum : n > s.maximum) {
        this.add(
          path,
          exMax === true
            ? `Must be less than ${fmtNum(s.maximum)}`
            : `Must be less than or equal to ${fmtNum(s.maximum)}`,
        );
      }
    }
    if (typeof exMax === "number" && n >= exMax) this.add(path, `Must be less than ${fmtNum(exMax)}`);
    if (typeof s.multipleOf === "number" && s.multipleOf > 0) {
      const q = n / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) this.add(path, `Must be a multiple of ${fmtNum(s.multipleOf)}`);
    }
  }
}

/** Validate values against one schema; returns the "- field: msg\n" lines or "" when valid. */
export function validateSingle(values: Values, schemaJSON: Uint8Array): string {
  let schema: Schema;
  try {
    schema = unmarshalJSON(dec.decode(schemaJSON)) as Schema;
  } catch (e) {
    return `- (root): ${(e as Error).message}\n`;
  }
  // values go through JSON (numbers as in Go): ints stay ints
  const data = unmarshalJSON(marshalJSON(values) === "null" ? "{}" : marshalJSON(values));
  const v = new Validator(schema);
  v.validate(schema, data, []);
  return v.errors.map((e) => `- ${e.field}: ${e.msg}\n`).join("");
}

export function validateAgainstSchema(ch: Chart, values: Values): string {
  let out = "";
  if (ch.schema) {
    const e = validateSingle(values, ch.schema);
    if (e) out += `${ch.name}:\n${e}`;
  }
  for (const sub of ch.dependencies) {
    const sv = isTable(values[sub.name]) ? values[sub.name] as Values : {};
    out += validateAgainstSchema(sub, sv);
  }
  return out;
}
