// Helm's own template functions that replace/extend Sprig (renderers.md §2 intro, §3.6, §4.2–4.3):
// toYaml toYamlPretty fromYaml fromYamlArray toJson fromJson fromJsonArray toToml fromToml required fail lookup.
// include/tpl need the TemplateSet and live with the chart renderer.

import { type GoFunc, goFunc, type TemplateSet } from "../template/template.ts";
import { formatFloatV, GoInt, isPlainMap, isStruct, sortedKeys, structFields } from "../template/value.ts";
import { marshalJSON, unmarshalJSON } from "./json.ts";
import { marshalYaml, parseYamlGo } from "./yaml.ts";

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Helm toYaml: sigs.k8s.io/yaml.Marshal, trailing newline removed; "" on error. */
export function toYaml(v: unknown): string {
  try {
    return marshalYaml(v).replace(/\n$/, "");
  } catch {
    return "";
  }
}

/** Helm toYamlPretty (go-yaml v3 encoder, indent 2, sequences indented under keys); "" on error. */
export function toYamlPretty(v: unknown): string {
  try {
    return marshalYaml(v, true).replace(/\n$/, "");
  } catch {
    return "";
  }
}

function yamlErrorMessage(e: unknown): string {
  const m = errText(e);
  if (m.startsWith("json:")) return `error converting YAML to JSON: ${m}`;
  return `error converting YAML to JSON: ${m}`;
}

/** Helm fromYaml: map, or {"Error": message}. */
export function fromYaml(s: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseYamlGo(s);
  } catch (e) {
    return { Error: yamlErrorMessage(e) };
  }
  if (v === null) return {};
  if (!isPlainMap(v)) {
    const kind = Array.isArray(v)
      ? "array"
      : typeof v === "string"
      ? "string"
      : typeof v === "boolean"
      ? "bool"
      : "number";
    return {
      Error:
        `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
    };
  }
  return v;
}

/** Helm fromYamlArray: list, or [message]. */
export function fromYamlArray(s: string): unknown[] {
  let v: unknown;
  try {
    v = parseYamlGo(s);
  } catch (e) {
    return [yamlErrorMessage(e)];
  }
  if (v === null) return [];
  if (!Array.isArray(v)) {
    const kind = isPlainMap(v)
      ? "object"
      : typeof v === "string"
      ? "string"
      : typeof v === "boolean"
      ? "bool"
      : "number";
    return [
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type []interface {}`,
    ];
  }
  return v;
}

/** Helm toJson: compact, HTML-escaped, keys sorted; "" on error. */
export function toJson(v: unknown): string {
  try {
    return marshalJSON(v);
  } catch {
    return "";
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (isPlainMap(v)) return "object";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  return "number";
}

/** Helm fromJson: map or {"Error": message}. */
export function fromJson(s: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = unmarshalJSON(s);
  } catch (e) {
    return { Error: errText(e) };
  }
  if (v === null) return {};
  if (!isPlainMap(v)) {
    return { Error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}` };
  }
  return v;
}

/** Helm fromJsonArray: list or [message]. */
export function fromJsonArray(s: string): unknown[] {
  let v: unknown;
  try {
    v = unmarshalJSON(s);
  } catch (e) {
    return [errText(e)];
  }
  if (v === null) return [];
  if (!Array.isArray(v)) {
    return [`json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`];
  }
  return v;
}

// ---------------------------------------------------------------- TOML (BurntSushi/toml encoder subset)

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k);
}

function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

function entriesOf(v: unknown): [string, unknown][] | undefined {
  if (isPlainMap(v)) return sortedKeys(v).map((k) => [k, v[k]]);
  if (isStruct(v)) return structFields(v);
  return undefined;
}

function tomlValue(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof GoInt) return v.value.toString();
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    let s = Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : formatFloatV(v);
    if (!/[.eEn]/.test(s)) s += ".0";
    return s;
  }
  if (Array.isArray(v)) {
    return "[" + v.filter((x) => x !== null && x !== undefined).map(tomlValue).join(", ") + "]";
  }
  const ent = entriesOf(v);
  if (ent) {
    return "{" + ent.filter(([, x]) =>
      x !== null && x !== undefined
    ).map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`)
      .join(", ") +
      "}";
  }
  throw new Error(`toml: unsupported type ${typeof v}`);
}

function isTable(v: unknown): boolean {
  return entriesOf(v) !== undefined;
}
function isArrayOfTables(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every(isTable);
}

export function toToml(v: unknown): string {
  const out: string[] = [];
  const emitTable = (ent: [string, unknown][], path: string[], indent: string) => {
    for (const [k, x] of ent) {
      if (x === null || x === undefined || isTable(x) || isArrayOfTables(x)) continue;
      out.push(`${indent}${tomlKey(k)} = ${tomlValue(x)}\n`);
    }
    for (const [k, x] of ent) {
      if (x === null || x === undefined) continue;
      const p = [...path, tomlKey(k)];
      if (isTable(x)) {
        if (out.length > 0) out.push("\n");
        out.push(`${indent}[${p.join(".")}]\n`);
        emitTable(entriesOf(x)!, p, indent + "  ");
      } else if (isArrayOfTables(x)) {
        for (const t of x as unknown[]) {
          if (out.length > 0) out.push("\n");
          out.push(`${indent}[[${p.join(".")}]]\n`);
          emitTable(entriesOf(t)!, p, indent + "  ");
        }
      }
    }
  };
  try {
    const ent = entriesOf(v);
    if (!ent) return "toml: top-level values must be Go maps or structs";
    emitTable(ent, [], "");
    return out.join("");
  } catch (e) {
    return errText(e);
  }
}

/** Minimal TOML reader (key/values, tables, arrays, inline tables, basic/literal strings). */
export function fromToml(s: string): Record<string, unknown> {
  try {
    return parseToml(s);
  } catch (e) {
    return { Error: errText(e) };
  }
}

function parseToml(src: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let cur = root;
  let i = 0;
  const n = src.length;
  const fail = (msg: string): never => {
    const line = src.slice(0, i).split("\n").length;
    throw new Error(`toml: line ${line}: ${msg}`);
  };
  const skipWs = () => {
    while (i < n && (src[i] === " " || src[i] === "\t")) i++;
  };
  const skipWsNl = () => {
    while (i < n) {
      if (src[i] === " " || src[i] === "\t" || src[i] === "\n" || src[i] === "\r") i++;
      else if (src[i] === "#") { while (i < n && src[i] !== "\n") i++; }
      else break;
    }
  };
  const key = (): string[] => {
    const parts: string[] = [];
    while (true) {
      skipWs();
      if (src[i] === '"' || src[i] === "'") parts.push(str());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(src.slice(i));
        if (!m) fail("expected key");
        parts.push(m![0]);
        i += m![0].length;
      }
      skipWs();
      if (src[i] === ".") {
        i++;
        continue;
      }
      return parts;
    }
  };
  const str = (): string => {
    const q = src[i]!;
    const triple = src.startsWith(q.repeat(3), i);
    if (triple) {
      i += 3;
      if (src[i] === "\n") i++;
      const end = src.indexOf(q.repeat(3), i);
      if (end < 0) fail("unterminated string");
      const raw = src.slice(i, end);
      i = end + 3;
      return q === "'" ? raw : unescape(raw.replace(/\\\r?\n\s*/g, ""));
    }
    i++;
    let raw = "";
    while (i < n && src[i] !== q) {
      if (src[i] === "\n") fail("unterminated string");
      if (q === '"' && src[i] === "\\") {
        raw += src[i]! + src[i + 1]!;
        i += 2;
        continue;
      }
      raw += src[i++];
    }
    i++;
    return q === "'" ? raw : unescape(raw);
  };
  const unescape = (s: string) =>
    s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
      switch (e[0]) {
        case "n":
          return "\n";
        case "t":
          return "\t";
        case "r":
          return "\r";
        case "b":
          return "\b";
        case "f":
          return "\f";
        case "u":
        case "U":
          return String.fromCodePoint(parseInt(e.slice(1), 16));
        default:
          return e;
      }
    });
  const value = (): unknown => {
    skipWs();
    const c = src[i];
    if (c === '"' || c === "'") return str();
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      while (true) {
        skipWsNl();
        if (src[i] === "]") {
          i++;
          return arr;
        }
        arr.push(value());
        skipWsNl();
        if (src[i] === ",") i++;
      }
    }
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (src[i] === "}") {
        i++;
        return obj;
      }
      while (true) {
        const k = key();
        if (src[i] !== "=") fail("expected =");
        i++;
        setPath(obj, k, value());
        skipWs();
        if (src[i] === ",") {
          i++;
          continue;
        }
        if (src[i] === "}") {
          i++;
          return obj;
        }
        fail("expected , or }");
      }
    }
    const m = /^[^\s,\]}#]+/.exec(src.slice(i));
    if (!m) return fail("expected value");
    const t = m[0];
    i += t.length;
    if (t === "true") return true;
    if (t === "false") return false;
    if (/^[+-]?(inf|nan)$/.test(t)) return t.includes("nan") ? NaN : t[0] === "-" ? -Infinity : Infinity;
    if (/^[+-]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*)$/.test(t)) {
      const neg = t[0] === "-";
      const body = t.replace(/^[+-]/, "").replace(/_/g, "");
      const b = BigInt(body);
      return new GoInt(neg ? -b : b, "int64");
    }
    if (/^[+-]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?$/.test(t)) return Number(t.replace(/_/g, ""));
    // dates/times are kept as strings
    if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
      const m2 = /^[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})?/.exec(src.slice(i));
      if (m2) i += m2[0].length;
      return t + (m2 ? m2[0] : "");
    }
    return fail(`invalid value ${JSON.stringify(t)}`);
  };
  const setPath = (obj: Record<string, unknown>, path: string[], v: unknown) => {
    let o = obj;
    for (const p of path.slice(0, -1)) {
      if (!isPlainMap(o[p])) o[p] = {};
      o = o[p] as Record<string, unknown>;
    }
    o[path[path.length - 1]!] = v;
  };
  while (true) {
    skipWsNl();
    if (i >= n) break;
    if (src[i] === "[") {
      const arrayTable = src[i + 1] === "[";
      i += arrayTable ? 2 : 1;
      const path = key();
      if (src[i] !== "]") fail("expected ]");
      i += arrayTable ? 2 : 1;
      let o = root;
      for (const p of path.slice(0, -1)) {
        let next = o[p];
        if (Array.isArray(next)) next = next[next.length - 1];
        if (!isPlainMap(next)) {
          next = {};
          o[p] = next;
        }
        o = next as Record<string, unknown>;
      }
      const last = path[path.length - 1]!;
      if (arrayTable) {
        if (!Array.isArray(o[last])) o[last] = [];
        const t = {};
        (o[last] as unknown[]).push(t);
        cur = t;
      } else {
        if (!isPlainMap(o[last])) o[last] = {};
        cur = o[last] as Record<string, unknown>;
      }
      continue;
    }
    const k = key();
    if (src[i] !== "=") fail("expected = after key");
    i++;
    setPath(cur, k, value());
    skipWs();
    if (src[i] === "#") { while (i < n && src[i] !== "\n") i++; }
    if (i < n && src[i] !== "\n" && src[i] !== "\r") fail("expected newline");
  }
  return root;
}

export interface HelmFuncOptions {
  /** Whether getHostByName resolves (Helm --enable-dns); the port always returns "" (no DNS in product code). */
  enableDns?: boolean;
}

/** Helm's function overrides (without include/tpl, which need the TemplateSet). */
export function helmFuncs(_opts: HelmFuncOptions = {}): Record<string, GoFunc> {
  return {
    toYaml: goFunc(["any"], (v) => toYaml(v)),
    toYamlPretty: goFunc(["any"], (v) => toYamlPretty(v)),
    fromYaml: goFunc(["string"], (s) => fromYaml(s as string)),
    fromYamlArray: goFunc(["string"], (s) => fromYamlArray(s as string)),
    toJson: goFunc(["any"], (v) => toJson(v)),
    fromJson: goFunc(["string"], (s) => fromJson(s as string)),
    fromJsonArray: goFunc(["string"], (s) => fromJsonArray(s as string)),
    toToml: goFunc(["any"], (v) => toToml(v)),
    fromToml: goFunc(["string"], (s) => fromToml(s as string)),
    required: goFunc(["string", "any"], (msg, v) => {
      if (v === null || v === undefined) throw new Error(msg as string);
      if (typeof v === "string" && v === "") throw new Error(msg as string);
      return v;
    }),
    fail: goFunc(["string"], (msg) => {
      throw new Error(msg as string);
    }),
    lookup: goFunc(["string", "string", "string", "string"], () => ({})),
    getHostByName: goFunc(["string"], () => ""),
  };
}

/**
 * Helm's `include` and `tpl` bound to a TemplateSet (engine.go semantics): include executes a named template
 * (recursion on one name beyond 1000 levels fails), tpl parses its text into a clone of the set under the
 * root name ("gotpl"), executes it with missingkey=zero and removes "<no value>".
 */
export function includeTplFuncs(
  set: TemplateSet,
  includedNames: Map<string, number> = new Map(),
): { include: GoFunc; tpl: GoFunc } {
  const include = goFunc(["string", "any"], (name, data) => {
    const n = name as string;
    const v = includedNames.get(n);
    if (v !== undefined) {
      if (v > 1000) {
        throw new Error(`rendering template has a nested reference name: ${n}: unable to execute template`);
      }
      includedNames.set(n, v + 1);
    } else includedNames.set(n, 1);
    try {
      return set.execute(n, data);
    } finally {
      includedNames.set(n, (includedNames.get(n) ?? 1) - 1);
    }
  });
  const tpl = goFunc(["string", "any"], (text, data) => {
    const clone = set.clone();
    clone.funcs(includeTplFuncs(clone, includedNames));
    try {
      clone.parse(set.rootName, text as string);
    } catch (e) {
      throw new Error(`cannot parse template ${JSON.stringify(text)}: ${errText(e)}`);
    }
    let out: string;
    try {
      out = clone.execute(set.rootName, data);
    } catch (e) {
      throw new Error(`error during tpl function execution for ${JSON.stringify(text)}: ${errText(e)}`);
    }
    return out.replaceAll("<no value>", "");
  });
  return { include, tpl };
}
