/**
 * YAML input as kustomize (kyaml / go-yaml v3) reads it: scalars resolved with go-yaml v3 rules
 * (`yes`/`on` stay strings, `0123` is octal, `1_000` is 1000), anchors/aliases and `<<` merges resolved,
 * empty documents dropped. Plain timestamps become their Go JSON form (`2024-01-01T00:00:00Z`).
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, Scalar } from "yaml";
import { KustomizeError } from "./errors.ts";
import { newMap, type Value, type VMap } from "./value.ts";

const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, UINT64_MAX = 2n ** 64n - 1n;

/** Go strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64); undefined when it fails. */
function goParseInt(s: string): bigint | undefined {
  let sign = 1n;
  let t = s;
  if (t.startsWith("+") || t.startsWith("-")) {
    if (t[0] === "-") sign = -1n;
    t = t.slice(1);
  }
  if (t === "") return undefined;
  let v: bigint;
  const lower = t.toLowerCase();
  if (lower.startsWith("0x")) {
    if (!/^[0-9a-f]+$/i.test(t.slice(2))) return undefined;
    v = BigInt("0x" + t.slice(2));
  } else if (lower.startsWith("0o")) {
    if (!/^[0-7]+$/.test(t.slice(2))) return undefined;
    v = BigInt("0o" + t.slice(2));
  } else if (lower.startsWith("0b")) {
    if (!/^[01]+$/.test(t.slice(2))) return undefined;
    v = BigInt("0b" + t.slice(2));
  } else if (t.length > 1 && t[0] === "0") {
    if (!/^[0-7]+$/.test(t.slice(1))) return undefined;
    v = BigInt("0o" + t.slice(1));
  } else {
    if (!/^[0-9]+$/.test(t)) return undefined;
    v = BigInt(t);
  }
  v = sign * v;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  if (sign > 0n && v <= UINT64_MAX && !s.startsWith("+")) return v;
  return undefined;
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** go-yaml v3 parseTimestamp + time.Time JSON form; undefined when not a timestamp. */
export function parseTimestamp(s: string): string | undefined {
  if (!/^[0-9]{4}-/.test(s)) return undefined;
  let m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) return undefined;
    return `${m[1]}-${pad2(mo)}-${pad2(d)}T00:00:00Z`;
  }
  m =
    /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|( ))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/
      .exec(s);
  if (!m) return undefined;
  const space = m[4] === " ";
  const zone = m[9];
  if (space && zone !== undefined) return undefined;
  if (!space && zone === undefined) return undefined;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[5], m[6], m[7]].map(Number) as number[];
  if (!validDate(y!, mo!, d!) || h! > 23 || mi! > 59 || se! > 59) return undefined;
  let frac = m[8] ?? "";
  if (frac.length > 10) return undefined;
  frac = frac.replace(/0+$/, "");
  if (frac === ".") frac = "";
  let z = zone ?? "Z";
  if (z === "+00:00" || z === "-00:00") z = "Z";
  return `${m[1]}-${pad2(mo!)}-${pad2(d!)}T${pad2(h!)}:${pad2(mi!)}:${pad2(se!)}${frac}${z}`;
}

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const dim = [
    31,
    (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= dim[mo - 1]!;
}

/** Resolve a plain (untagged, unquoted) scalar like go-yaml v3. */
export function resolvePlain(s: string, timestamps = true): Value {
  switch (s) {
    case "":
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
    case ".nan":
    case ".NaN":
    case ".NAN":
      return NaN;
    case ".inf":
    case ".Inf":
    case ".INF":
    case "+.inf":
    case "+.Inf":
    case "+.INF":
      return Infinity;
    case "-.inf":
    case "-.Inf":
    case "-.INF":
      return -Infinity;
  }
  const c = s[0]!;
  if (c === ".") {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
    return s;
  }
  if ((c >= "0" && c <= "9") || c === "+" || c === "-") {
    if (timestamps) {
      const t = parseTimestamp(s);
      if (t !== undefined) return t;
    }
    const plain = s.replaceAll("_", "");
    const i = goParseInt(plain);
    if (i !== undefined) return i;
    if (FLOAT_RE.test(plain)) return Number(plain);
  }
  return s;
}

export interface ParsedDoc {
  value: Value;
  line: number;
}

export interface ParseOptions {
  /** Convert plain timestamps to their JSON text (resources: yes; kustomization files: no). */
  timestamps?: boolean;
}

const STR = "tag:yaml.org,2002:str";
const INT = "tag:yaml.org,2002:int";
const FLOAT = "tag:yaml.org,2002:float";
const BOOL = "tag:yaml.org,2002:bool";
const NULL = "tag:yaml.org,2002:null";

/** Parse a YAML stream into values; empty documents are dropped. */
export function parseYamlDocs(text: string, file: string, opts: ParseOptions = {}): ParsedDoc[] {
  const timestamps = opts.timestamps ?? true;
  const docs = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: true, prettyErrors: false }) as
    | Document.Parsed[]
    | { errors?: unknown };
  if (!Array.isArray(docs)) return [];
  const out: ParsedDoc[] = [];
  // 1-based line of an offset; documents come in order, so count on from the previous one
  let lastOffset = 0, lastLine = 1;
  const lineOf = (offset: number) => {
    if (offset < lastOffset) lastOffset = 0, lastLine = 1;
    for (let i = text.indexOf("\n", lastOffset); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
      lastLine++;
    }
    lastOffset = offset;
    return lastLine;
  };
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      throw new KustomizeError(`invalid YAML: ${err.message.split("\n")[0]}`, {
        file,
        line: err.linePos?.[0]?.line,
        column: err.linePos?.[0]?.col,
      });
    }
    const contents = doc.contents as Node | null;
    if (contents === null || contents === undefined) continue;
    const conv = (n: unknown, depth: number): Value => {
      if (depth > 1000) throw new KustomizeError("YAML nesting too deep (alias cycle?)", { file });
      if (n === null || n === undefined) return null;
      if (isAlias(n)) return conv(n.resolve(doc), depth + 1);
      if (isScalar(n)) return scalar(n as Scalar);
      if (isSeq(n)) return n.items.map((x) => conv(x, depth + 1));
      if (isMap(n)) {
        const m = newMap();
        const merges: VMap[] = [];
        for (const pair of n.items) {
          const k = pair.key;
          if (isScalar(k) && k.type === "PLAIN" && k.value === "<<" && !k.tag) {
            const v = conv(pair.value, depth + 1);
            if (Array.isArray(v)) { for (const x of v) merges.push(asMap(x)); }
            else merges.push(asMap(v));
            continue;
          }
          const kv = isScalar(k) ? String(k.value ?? "") : JSON.stringify(conv(k, depth + 1));
          m[kv] = conv(pair.value, depth + 1);
        }
        for (const src of merges) {
          for (const key of Object.keys(src)) if (!(key in m)) m[key] = src[key]!;
        }
        return m;
      }
      return null;
    };
    const asMap = (v: Value): VMap => {
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return v;
      throw new KustomizeError("map merge requires map or sequence of maps as the value", { file });
    };
    const scalar = (s: Scalar): Value => {
      const raw = s.value === null || s.value === undefined ? "" : String(s.value);
      const tag = s.tag;
      if (tag === STR || tag === "tag:yaml.org,2002:binary") return raw;
      if (tag === INT || tag === FLOAT || tag === BOOL || tag === NULL) {
        const r = resolvePlain(raw, false);
        return r;
      }
      if (tag && tag !== "!") return raw;
      if (s.type !== "PLAIN" || tag === "!") return raw;
      return resolvePlain(raw, timestamps);
    };
    const value = conv(contents, 0);
    if (value === null) continue;
    const range = (contents as { range?: [number, number, number] }).range;
    out.push({ value, line: range ? lineOf(range[0]) : 1 });
  }
  return out;
}
