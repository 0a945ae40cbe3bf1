/**
 * Validation of a parsed input document against one of the input schemas.
 *
 * Every problem is reported in one pass: the result is either the value plus warnings, or a thrown
 * `ValidationError` whose `issues` are `InputError`s, each with file, line, column, the dotted field
 * path (`bootstrap.nodes[2].role`), a message quoting the offending value and a hint saying what
 * would be valid. Unknown keys are accepted (spec/compiler.md §2.7) and come back as warnings.
 */
import type { z } from "zod";
import { InputError, SeamError, ValidationError } from "../../shared/errors.ts";
import { readYamlFile, type SourceDoc } from "../../shared/yaml_io.ts";
import { type FieldInfo, INPUT_FIELDS, type IssueParams, quote } from "./fields.ts";
import { INPUT_KINDS, type InputKind, type InputOf } from "./kinds.ts";

export interface Validated<T> {
  value: T;
  /** Unknown keys and rule warnings, positioned like errors, in document order. */
  warnings: SeamError[];
}

/** Error code of a warning about a key no schema knows. */
export const UNKNOWN_KEY = "UnknownKey";
/** Error code of the other warnings (ignored fields, several sources without category, …). */
export const INPUT_WARNING = "InputWarning";

type Segment = string | number;

/**
 * Validates `doc.value` against `schema`. Throws a `ValidationError` listing every error; returns the
 * value and the warnings otherwise. The input schemas apply no transforms, so the value is the
 * document as written.
 */
export function validateInput<S extends z.ZodType>(schema: S, doc: SourceDoc): Validated<z.output<S>> {
  const result = schema.safeParse(doc.value);
  const errors: SeamError[] = [];
  const warnings: SeamError[] = [];
  for (const issue of result.success ? [] : result.error.issues) {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    const params = issue.code === "custom" ? (issue.params as IssueParams | undefined) : undefined;
    const { message, hint } = explain(schema, doc.value, issue, path);
    const where = { ...locate(doc, path), hint };
    if (params?.severity === "warning") {
      warnings.push(new SeamError(message, { code: INPUT_WARNING, ...where }));
    } else {
      errors.push(new InputError(message, where));
    }
  }
  for (const path of unknownKeys(schema, doc.value, [])) {
    const key = String(path[path.length - 1]);
    const known = knownKeys(schema, path.slice(0, -1));
    warnings.push(
      new SeamError(`unknown key ${quote(key)} is ignored`, {
        code: UNKNOWN_KEY,
        ...locate(doc, path),
        hint: suggestKey(key, known),
      }),
    );
  }
  if (errors.length > 0) {
    const issues = byPosition(dedupe(errors));
    // A single issue already starts with its file name; several get it once in the heading.
    throw new ValidationError(issues, issues.length > 1 ? { file: doc.file } : {});
  }
  return { value: (result.success ? result.data : doc.value) as z.output<S>, warnings: byPosition(warnings) };
}

/** Reads a YAML file and validates it as `kind` (syntax errors are InputErrors with positions). */
export async function loadInput<K extends InputKind>(kind: K, path: string): Promise<Validated<InputOf<K>>> {
  const doc = await readYamlFile(path);
  return validateInput(INPUT_KINDS[kind].schema, doc) as Validated<InputOf<K>>;
}

/** Dotted form of a field path: `bootstrap.nodes[2].role`, `machineConfigPaths["cp1.lan"]`. */
export function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function locate(doc: SourceDoc, path: Segment[]) {
  const { line, column } = doc.positionOf(path);
  const dotted = formatPath(path);
  return { file: doc.file, line, column, path: dotted === "" ? undefined : dotted };
}

function byPosition(list: SeamError[]): SeamError[] {
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.line ?? 0) - (b.e.line ?? 0) || (a.e.column ?? 0) - (b.e.column ?? 0) || a.i - b.i)
    .map(({ e }) => e);
}

function dedupe(list: SeamError[]): SeamError[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Messages

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function describeValue(v: unknown): string {
  if (v === null) return "an empty value (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${quote(v)}`;
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "boolean") return `the boolean ${v}`;
  return String(v);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function explain(
  schema: z.ZodType,
  root: unknown,
  issue: z.core.$ZodIssue,
  path: Segment[],
): { message: string; hint: string | undefined } {
  const value = valueAt(root, path);
  const info = fieldInfoAt(schema, path);
  const what = info.what ?? "value";
  const missing = value === undefined && path.length > 0;
  switch (issue.code) {
    case "invalid_type":
      if (missing) {
        return { message: "required field is missing", hint: info.hint ?? typeName(issue.expected) };
      }
      return {
        message: `expected ${typeName(issue.expected)}, got ${describeValue(value)}`,
        hint: info.hint ?? (path.length === 0 ? undefined : `write ${typeName(issue.expected)}`),
      };
    case "invalid_value": {
      const hint = `expected one of: ${issue.values.map((x) => String(x)).join(", ")}`;
      if (missing) return { message: "required field is missing", hint };
      return { message: `invalid ${what} ${quote(value)}`, hint };
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") {
        return { message: `must not be empty, got ${quote(value)}`, hint: info.hint };
      }
      if (issue.origin === "array") {
        const n = Array.isArray(value) ? value.length : 0;
        return {
          message: `needs at least ${plural(min, "item")}, got ${n === 0 ? "an empty list" : n}`,
          hint: info.hint,
        };
      }
      return { message: `must be at least ${min}, got ${quote(value)}`, hint: info.hint };
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") {
        return {
          message: `${quote(value)} is ${String(value).length} characters long; at most ${max} are allowed`,
          hint: info.hint,
        };
      }
      return { message: `must be at most ${max}, got ${quote(value)}`, hint: info.hint };
    }
    case "invalid_format":
    case "invalid_union":
      return { message: `invalid ${what} ${quote(value)}`, hint: info.hint };
    case "custom":
      return { message: issue.message, hint: (issue.params as IssueParams | undefined)?.hint ?? info.hint };
    default:
      return { message: `${issue.message} (value ${quote(value)})`, hint: info.hint };
  }
}

// ---------------------------------------------------------------------------------------------
// Schema walking: field metadata at a path, unknown keys

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: readonly z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The schema and its wrappers, outermost first, ending at the unwrapped schema. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const chain = [schema];
  let s = schema;
  for (;;) {
    const def = defOf(s);
    const next = WRAPPERS.has(def.type) ? def.innerType : def.type === "pipe" ? def.in : undefined;
    if (!next) return chain;
    chain.push(next);
    s = next;
  }
}

/** Child schema for one path segment, or undefined when the schema has no such child. */
function child(schema: z.ZodType, seg: Segment): z.ZodType | undefined {
  const chain = unwrap(schema);
  const def = defOf(chain[chain.length - 1]!);
  if (def.type === "object") return Object.hasOwn(def.shape!, seg) ? def.shape![seg] : undefined;
  if (def.type === "array") return typeof seg === "number" ? def.element : undefined;
  if (def.type === "record") return def.valueType;
  return undefined;
}

function schemaAt(schema: z.ZodType, path: readonly Segment[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const seg of path) {
    if (!s) return undefined;
    s = child(s, seg);
  }
  return s;
}

function fieldInfoAt(schema: z.ZodType, path: readonly Segment[]): FieldInfo {
  const s = schemaAt(schema, path);
  if (!s) return {};
  const out: FieldInfo = {};
  for (const link of unwrap(s)) {
    const info = INPUT_FIELDS.get(link);
    if (info?.what !== undefined && out.what === undefined) out.what = info.what;
    if (info?.hint !== undefined && out.hint === undefined) out.hint = info.hint;
  }
  return out;
}

function knownKeys(schema: z.ZodType, path: readonly Segment[]): string[] {
  const s = schemaAt(schema, path);
  if (!s) return [];
  const chain = unwrap(s);
  const def = defOf(chain[chain.length - 1]!);
  return def.type === "object" ? Object.keys(def.shape!) : [];
}

/** Paths of every key of `value` that the (loose) object schemas do not declare. */
export function unknownKeys(schema: z.ZodType, value: unknown, path: Segment[]): Segment[][] {
  const chain = unwrap(schema);
  const def = defOf(chain[chain.length - 1]!);
  const out: Segment[][] = [];
  if (def.type === "object" && value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) {
      const sub = Object.hasOwn(def.shape!, key) ? def.shape![key] : undefined;
      if (sub) out.push(...unknownKeys(sub, v, [...path, key]));
      else out.push([...path, key]);
    }
  } else if (def.type === "array" && Array.isArray(value)) {
    value.forEach((v, i) => out.push(...unknownKeys(def.element!, v, [...path, i])));
  } else if (def.type === "record" && value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) out.push(...unknownKeys(def.valueType!, v, [...path, key]));
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = key.toLowerCase();
  const close = known.find((k) => k.toLowerCase() === lower) ??
    known
      .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
      .filter(({ d }) => d <= 2)
      .sort((a, b) => a.d - b.d)[0]?.k;
  const list = `known keys here: ${known.join(", ")}`;
  return close ? `did you mean ${quote(close)}? ${list}` : list;
}
