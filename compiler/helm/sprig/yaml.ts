// YAML as Helm sees it (renderers.md §4.1, §4.2): go-yaml v2 resolver + emitter behind sigs.k8s.io/yaml.

import YAML from "yaml";
import { formatFloatV, GoInt, goTypeName, isPlainMap, isStruct, structFields } from "../template/value.ts";
import { JsonError, jsonFloat, unmarshalJSON } from "./json.ts";
import { goYamlKeyLess } from "../../go_yaml/key_order.ts";

// ---------------------------------------------------------------- go-yaml v2 resolver

export type Resolved =
  | { tag: "null" }
  | { tag: "bool"; value: boolean }
  | { tag: "int"; value: bigint }
  | { tag: "float"; value: number }
  | { tag: "timestamp" }
  | { tag: "merge" }
  | { tag: "str" };

const RESOLVE_MAP: Record<string, Resolved> = {};
for (const s of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) {
  RESOLVE_MAP[s] = { tag: "bool", value: true };
}
for (const s of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) {
  RESOLVE_MAP[s] = { tag: "bool", value: false };
}
for (const s of ["", "~", "null", "Null", "NULL"]) RESOLVE_MAP[s] = { tag: "null" };
for (const s of [".nan", ".NaN", ".NAN"]) RESOLVE_MAP[s] = { tag: "float", value: NaN };
for (const s of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) {
  RESOLVE_MAP[s] = { tag: "float", value: Infinity };
}
for (const s of ["-.inf", "-.Inf", "-.INF"]) RESOLVE_MAP[s] = { tag: "float", value: -Infinity };
RESOLVE_MAP["<<"] = { tag: "merge" };

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const MAX_I64 = (1n << 63n) - 1n, MIN_I64 = -(1n << 63n), MAX_U64 = (1n << 64n) - 1n;

function parseIntBase0Go(s: string, unsigned: boolean): bigint | undefined {
  // strconv.ParseInt/ParseUint(s, 0, 64) — underscores already removed by caller
  let t = s;
  let neg = false;
  if (t[0] === "+" || t[0] === "-") {
    if (unsigned) return undefined;
    neg = t[0] === "-";
    t = t.slice(1);
  }
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = BigInt(t);
  else if (/^0[bB][01]+$/.test(t)) v = BigInt(t);
  else if (/^0[oO][0-7]+$/.test(t)) v = BigInt("0o" + t.slice(2));
  else if (/^0[0-7]*$/.test(t)) v = t.length > 1 ? BigInt("0o" + t.slice(1)) : 0n;
  else if (/^[1-9][0-9]*$/.test(t)) v = BigInt(t);
  else return undefined;
  if (neg) v = -v;
  if (unsigned) return v <= MAX_U64 ? v : undefined;
  return v >= MIN_I64 && v <= MAX_I64 ? v : undefined;
}

function isTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/
      .exec(s);
  if (!m) return false;
  const mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  const h = m[4] ?? m[7], mi = m[5] ?? m[8], se = m[6] ?? m[9];
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59)) return false;
  return true;
}

/** go-yaml v2 `resolve("", s)` for a plain scalar. */
export function resolvePlain(s: string): Resolved {
  const c = s[0];
  let hint = "";
  if (c !== undefined) {
    if (c === "+" || c === "-") hint = "S";
    else if (c >= "0" && c <= "9") hint = "D";
    else if ("yYnNtTfFoO~".includes(c)) hint = "M";
    else if (c === ".") hint = ".";
  }
  if (s === "") return { tag: "null" };
  if (hint === "" && s !== "<<") return { tag: "str" };
  const m = RESOLVE_MAP[s];
  if (m && hint !== "") return m;
  switch (hint) {
    case ".": {
      const f = Number(s);
      if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) && !Number.isNaN(f)) return { tag: "float", value: f };
      break;
    }
    case "D":
    case "S": {
      if (hint === "D" && isTimestamp(s)) return { tag: "timestamp" };
      const plain = s.replace(/_/g, "");
      const iv = parseIntBase0Go(plain, false);
      if (iv !== undefined) return { tag: "int", value: iv };
      const uv = parseIntBase0Go(plain, true);
      if (uv !== undefined) return { tag: "int", value: uv };
      if (YAML_STYLE_FLOAT.test(plain)) return { tag: "float", value: Number(plain) };
      if (plain.startsWith("0b")) {
        if (/^[01]+$/.test(plain.slice(2))) return { tag: "int", value: BigInt("0b" + plain.slice(2)) };
      } else if (plain.startsWith("-0b")) {
        if (/^[01]+$/.test(plain.slice(3))) return { tag: "int", value: -BigInt("0b" + plain.slice(3)) };
      }
      break;
    }
  }
  return { tag: "str" };
}

function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

// ---------------------------------------------------------------- YAML -> Go values (Helm's sigs.k8s.io/yaml path)

export class YamlError extends Error {}

/**
 * go-yaml v2 wording for the common syntax errors (`yaml: line N: …`); others keep the yaml
 * library's message. go-yaml reports a scanner error at the scanner's position + 1 line: for a
 * required simple key without ':' that is the next non-blank line after the key, or past the end.
 */
function goYamlError(text: string, e: YAML.YAMLError): YamlError {
  const msg = e.message.split("\n")[0]!;
  const at = e.pos?.[0];
  const lines = text.split("\n");
  const lineOf = (off: number) => text.slice(0, off).split("\n").length; // 1-based
  if (
    at !== undefined &&
    (e.code === "MISSING_CHAR" && /Implicit map keys need to be followed by map values/.test(msg) ||
      e.code === "MULTILINE_IMPLICIT_KEY")
  ) {
    const keyLine = lineOf(at);
    let n = keyLine + 1;
    while (n <= lines.length && lines[n - 1]!.trim() === "") n++;
    if (n > lines.length) n = (lines.length - 1) + (text.endsWith("\n") ? 1 : 2);
    return new YamlError(`yaml: line ${n}: could not find expected ':'`);
  }
  const line = e.linePos?.[0]?.line;
  return new YamlError(`yaml: ${line !== undefined ? `line ${line}: ` : ""}${msg}`);
}

type YNode = YAML.Node | null | undefined;

function nodeToGo(doc: YAML.Document, node: YNode, seen: Set<unknown>): unknown {
  if (node === null || node === undefined) return null;
  if (YAML.isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) throw new YamlError(`yaml: unknown anchor '${node.source}' referenced`);
    if (seen.has(target)) throw new YamlError("yaml: anchor cycle");
    seen.add(target);
    try {
      return nodeToGo(doc, target as YNode, seen);
    } finally {
      seen.delete(target);
    }
  }
  if (YAML.isScalar(node)) return scalarToGo(node);
  if (YAML.isSeq(node)) return node.items.map((it) => nodeToGo(doc, it as YNode, seen));
  if (YAML.isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const k = pair.key as YNode;
      if (YAML.isScalar(k) && k.type === "PLAIN" && !k.tag && String(k.value) === "<<") {
        mergeInto(doc, out, pair.value as YNode, seen);
        continue;
      }
      const key = keyString(nodeToGo(doc, k, seen));
      out[key] = nodeToGo(doc, pair.value as YNode, seen);
    }
    return out;
  }
  return null;
}

function mergeInto(doc: YAML.Document, out: Record<string, unknown>, v: YNode, seen: Set<unknown>): void {
  const fail = () => {
    throw new YamlError("yaml: map merge requires map or sequence of maps as the value");
  };
  const target = YAML.isAlias(v) ? v.resolve(doc) as YNode : v;
  if (YAML.isMap(target)) {
    Object.assign(out, nodeToGo(doc, target, seen) as Record<string, unknown>);
  } else if (YAML.isSeq(target)) {
    for (let i = target.items.length - 1; i >= 0; i--) {
      const it = target.items[i] as YNode;
      const t = YAML.isAlias(it) ? it.resolve(doc) as YNode : it;
      if (!YAML.isMap(t)) fail();
      Object.assign(out, nodeToGo(doc, t, seen) as Record<string, unknown>);
    }
  } else fail();
}

function keyString(k: unknown): string {
  if (typeof k === "string") return k;
  if (k === null) return "null";
  if (typeof k === "boolean") return k ? "true" : "false";
  if (typeof k === "number") return formatFloatV(k);
  if (k instanceof GoInt) return k.value.toString();
  throw new YamlError(`error converting YAML to JSON: yaml: invalid map key: ${JSON.stringify(k)}`);
}

const TAG = "tag:yaml.org,2002:";

function scalarToGo(node: YAML.Scalar): unknown {
  const text = String(node.value ?? "");
  const tag = node.tag;
  const finiteNum = (f: number): number => {
    if (!Number.isFinite(f)) {
      throw new JsonError(`json: unsupported value: ${Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"}`);
    }
    return f;
  };
  if (tag && tag !== "!") {
    switch (tag) {
      case TAG + "str":
        return text;
      case TAG + "null":
        return null;
      case TAG + "bool": {
        const r = resolvePlain(text);
        if (r.tag === "bool") return r.value;
        throw new YamlError(`yaml: cannot decode !!str \`${text}\` as a !!bool`);
      }
      case TAG + "int":
      case TAG + "float": {
        const r = resolvePlain(text);
        if (r.tag === "int") return Number(r.value);
        if (r.tag === "float") return finiteNum(r.value);
        throw new YamlError(`yaml: cannot decode !!str \`${text}\` as a !!${tag.slice(TAG.length)}`);
      }
      case TAG + "binary":
        try {
          return atob(text.replace(/\s+/g, ""));
        } catch {
          throw new YamlError("yaml: !!binary value contains invalid base64 data");
        }
      case TAG + "timestamp":
        return text;
    }
    // unknown tags: value resolved as if untagged for plain, else string
  }
  if (node.type !== "PLAIN") return text;
  const r = resolvePlain(text);
  switch (r.tag) {
    case "null":
      return null;
    case "bool":
      return r.value;
    case "int":
      return Number(r.value);
    case "float":
      return finiteNum(r.value);
    default:
      return text;
  }
}

/**
 * Parse the first YAML document the way Helm does (go-yaml v2 → JSON → interface{}):
 * every number is float64, YAML 1.1 booleans, timestamps stay strings, keys become strings.
 * Throws YamlError (syntax) or JsonError (unrepresentable values).
 */
export function parseYamlGo(text: string): unknown {
  const docs = YAML.parseAllDocuments(text, {
    schema: "failsafe",
    merge: false,
    uniqueKeys: false,
    strict: false,
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc) return null;
  if (doc.errors.length > 0) throw goYamlError(text, doc.errors[0]!);
  return nodeToGo(doc, doc.contents as YNode, new Set());
}

/** Parse all documents (for callers that need a stream). */
export function parseYamlGoAll(text: string): unknown[] {
  const docs = YAML.parseAllDocuments(text, {
    schema: "failsafe",
    merge: false,
    uniqueKeys: false,
    strict: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  return list.map((doc) => {
    if (doc.errors.length > 0) throw goYamlError(text, doc.errors[0]!);
    return nodeToGo(doc, doc.contents as YNode, new Set());
  });
}

// ---------------------------------------------------------------- Go value -> YAML (sigs.k8s.io/yaml.Marshal)

type JNode = null | boolean | string | { num: string } | { raw: string } | JNode[] | Map<string, JNode>;

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Go value → the JSON data model (as encoding/json would write it), keeping number texts. */
export function toJsonNode(v: unknown, direct = false): JNode {
  if (direct) {
    // go-yaml v3 encodes Go values directly: float64 keeps its %g form, ints print in full
    if (typeof v === "number") {
      return {
        raw: Number.isNaN(v) ? ".nan" : v === Infinity ? ".inf" : v === -Infinity ? "-.inf" : formatFloatV(v),
      };
    }
    if (Array.isArray(v)) return v.map((x) => toJsonNode(x, true));
    if (isPlainMap(v)) {
      const m = new Map<string, JNode>();
      for (const k of Object.keys(v)) m.set(k, toJsonNode(v[k], true));
      return m;
    }
  }
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "boolean":
    case "string":
      return v;
    case "number":
      return { num: jsonFloat(v) };
    case "bigint":
      return { num: v.toString() };
    case "function":
      throw new JsonError("json: unsupported type: func(...interface {}) (interface {}, error)");
  }
  if (v instanceof GoInt) return { num: v.value.toString() };
  if (v instanceof Uint8Array) return b64(v);
  if (Array.isArray(v)) return v.map((x) => toJsonNode(x));
  const m = new Map<string, JNode>();
  if (isPlainMap(v)) {
    for (const k of Object.keys(v)) m.set(k, toJsonNode(v[k]));
    return m;
  }
  if (v instanceof Map) {
    for (const [k, val] of v) m.set(String(k), toJsonNode(val));
    return m;
  }
  if (isStruct(v)) {
    const custom = (v as { MarshalJSON?: unknown }).MarshalJSON;
    if (typeof custom === "function") return goToJNode(unmarshalJSONKeepNumbers(String(custom.call(v))));
    for (const [k, val] of structFields(v)) m.set(k, toJsonNode(val));
    return m;
  }
  throw new JsonError(`json: unsupported type: ${goTypeName(v)}`);
}

function unmarshalJSONKeepNumbers(text: string): unknown {
  return unmarshalJSON(text);
}

function goToJNode(v: unknown): JNode {
  return toJsonNode(v);
}

// go-yaml v2 keyList.Less for string keys
/** go-yaml v2 key order (sorter.go). */
export const yamlKeyLess = goYamlKeyLess;

// ---------------------------------------------------------------- emitter

type Style = "plain" | "single" | "double" | "literal";

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isPrintableCp(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}
function isBreakCp(cp: number | undefined): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}
function isBlankCp(cp: number | undefined): boolean {
  return cp === 0x20 || cp === 0x09;
}

function analyzeScalar(value: string): Analysis {
  if (value.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  const cps = [...value].map((c) => c.codePointAt(0)!);
  let blockIndicators = false, flowIndicators = false, lineBreaks = false, specialCharacters = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  if (value.startsWith("---") || value.startsWith("...")) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const ch = String.fromCodePoint(c);
    const followedByWhitespace = i + 1 >= cps.length || isBlankCp(cps[i + 1]) || isBreakCp(cps[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === "?" || ch === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === "-") {
        if (followedByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      }
    } else {
      if (",?[]{}".includes(ch)) flowIndicators = true;
      else if (ch === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === "#") {
        if (precededByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      }
    }
    if (!isPrintableCp(c)) specialCharacters = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakCp(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankCp(c) || isBreakCp(c);
  }
  const a: Analysis & { flowPlainAllowed: boolean } = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

class Emitter {
  out = "";
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  simpleKeyContext = false;
  constructor(readonly indentSequences = false) {}

  put(s: string): void {
    this.out += s;
    this.column += 1;
  }
  write(ch: string): void {
    this.out += ch;
    this.column++;
  }
  putBreak(): void {
    this.out += "\n";
    this.column = 0;
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }
  writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of ind) this.write(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  // ------------------------------------------------------------ nodes

  emitNode(n: JNode, ctx: { mapping?: boolean; sequence?: boolean; simpleKey?: boolean }): void {
    this.simpleKeyContext = !!ctx.simpleKey;
    if (Array.isArray(n)) {
      if (n.length === 0) return this.emitFlowEmpty("[", "]");
      return this.emitBlockSequence(n, !!ctx.mapping);
    }
    if (n instanceof Map) {
      if (n.size === 0) return this.emitFlowEmpty("{", "}");
      return this.emitBlockMapping(n);
    }
    this.emitScalarNode(n);
  }

  emitFlowEmpty(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  emitBlockSequence(items: JNode[], mappingContext: boolean): void {
    this.increaseIndent(false, !this.indentSequences && mappingContext && !this.indention);
    for (const it of items) {
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.emitNode(it, { sequence: true });
    }
    this.popIndent();
  }

  emitBlockMapping(m: Map<string, JNode>): void {
    this.increaseIndent(false, false);
    const keys = [...m.keys()].sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
    for (const k of keys) {
      this.writeIndent();
      const v = m.get(k)!;
      const { style } = this.scalarStyleFor(k);
      const simple = !(style === "literal" || [...k].some((c) => isBreakCp(c.codePointAt(0)))) &&
        new TextEncoder().encode(k).length <= 128;
      if (simple) {
        this.emitNode(k, { mapping: true, simpleKey: true });
        this.writeIndicator(":", false, false, false);
      } else {
        this.writeIndicator("?", true, false, true);
        this.emitNode(k, { mapping: true });
        this.writeIndent();
        this.writeIndicator(":", true, false, true);
      }
      this.emitNode(v, { mapping: true });
    }
    this.popIndent();
  }

  scalarStyleFor(s: string): { style: Style } {
    const canUsePlain = resolvePlain(s).tag === "str" && !isBase60Float(s);
    if (s.includes("\n")) return { style: "literal" };
    return { style: canUsePlain ? "plain" : "double" };
  }

  emitScalarNode(n: null | boolean | string | { num: string } | { raw: string }): void {
    let text: string;
    let requested: Style = "plain";
    if (n === null) text = "null";
    else if (typeof n === "boolean") text = n ? "true" : "false";
    else if (typeof n === "string") {
      text = n;
      requested = this.scalarStyleFor(n).style;
    } else if ("raw" in n) text = n.raw;
    else text = yamlNumber(n.num);
    const a = analyzeScalar(text);
    let style = requested;
    if (this.simpleKeyContext && a.multiline) style = "double";
    if (style === "plain") {
      if (!a.blockPlainAllowed) style = "single";
      if (text.length === 0 && this.simpleKeyContext) style = "single";
    }
    if (style === "single" && !a.singleQuotedAllowed) style = "double";
    if (style === "literal" && (!a.blockAllowed || this.simpleKeyContext)) style = "double";
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    switch (style) {
      case "plain":
        this.writePlain(text, allowBreaks);
        break;
      case "single":
        this.writeSingle(text, allowBreaks);
        break;
      case "double":
        this.writeDouble(text, allowBreaks);
        break;
      case "literal":
        this.writeLiteral(text);
        break;
    }
    this.popIndent();
  }

  writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    const cps = [...value];
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]!;
      if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cps[i + 1] !== " ") {
          this.writeIndent();
        } else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  writeSingle(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = [...value];
    let spaces = false, breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]!;
      const cp = c.codePointAt(0)!;
      if (c === " ") {
        if (
          allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1 &&
          cps[i + 1] !== " "
        ) {
          this.writeIndent();
        } else this.write(c);
        spaces = true;
      } else if (isBreakCp(cp)) {
        if (!breaks && c === "\n") this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.write("'");
        this.write(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
  }

  writeBreak(c: string): void {
    if (c === "\n") this.putBreak();
    else {
      this.out += c;
      this.column = 0;
    }
  }

  writeDouble(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cps = [...value];
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintableCp(cp) || cp === 0xfeff || isBreakCp(cp) || c === '"' || c === "\\") {
        this.put("\\");
        let esc: string | undefined;
        switch (cp) {
          case 0x00:
            esc = "0";
            break;
          case 0x07:
            esc = "a";
            break;
          case 0x08:
            esc = "b";
            break;
          case 0x09:
            esc = "t";
            break;
          case 0x0a:
            esc = "n";
            break;
          case 0x0b:
            esc = "v";
            break;
          case 0x0c:
            esc = "f";
            break;
          case 0x0d:
            esc = "r";
            break;
          case 0x1b:
            esc = "e";
            break;
          case 0x22:
            esc = '"';
            break;
          case 0x5c:
            esc = "\\";
            break;
          case 0x85:
            esc = "N";
            break;
          case 0xa0:
            esc = "_";
            break;
          case 0x2028:
            esc = "L";
            break;
          case 0x2029:
            esc = "P";
            break;
        }
        if (esc !== undefined) this.write(esc);
        else {
          const [p, w] = cp <= 0xff ? ["x", 2] : cp <= 0xffff ? ["u", 4] : ["U", 8];
          this.write(p);
          for (const h of cp.toString(16).toUpperCase().padStart(w, "0")) this.write(h);
        }
        spaces = false;
      } else if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === " ") this.put("\\");
        } else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
  }

  writeLiteral(value: string): void {
    this.writeIndicator("|", true, false, false);
    const cps = [...value];
    if (cps[0] === " " || isBreakCp(cps[0]?.codePointAt(0))) {
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    }
    let chomp = "";
    const last = cps[cps.length - 1];
    if (!isBreakCp(last?.codePointAt(0))) chomp = "-";
    else if (cps.length === 1) chomp = "+";
    else if (isBreakCp(cps[cps.length - 2]?.codePointAt(0))) chomp = "+";
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cps) {
      if (isBreakCp(c.codePointAt(0))) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          breaks = false;
        }
        this.write(c);
        this.indention = false;
      }
    }
  }
}

/** A JSON number text re-read by go-yaml v2 and re-emitted. */
function yamlNumber(num: string): string {
  const r = resolvePlain(num);
  if (r.tag === "int") return r.value.toString();
  const f = Number(num);
  if (Number.isNaN(f)) return ".nan";
  if (f === Infinity) return ".inf";
  if (f === -Infinity) return "-.inf";
  return formatFloatV(f);
}

/** sigs.k8s.io/yaml.Marshal (with its trailing newline). Throws JsonError for unsupported values. */
export function marshalYaml(v: unknown, pretty = false): string {
  const node = toJsonNode(v, pretty);
  const e = new Emitter(pretty);
  e.emitNode(node, {});
  // Document end (implicit): yaml_emitter_write_indent at indent 0 — breaks unless a block scalar's
  // trailing line break already left the emitter at column 0.
  e.indent = -1;
  e.writeIndent();
  return e.out;
}
