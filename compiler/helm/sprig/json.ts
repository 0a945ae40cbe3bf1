// Go encoding/json over the Go value model (renderers.md §4.3).

import {
  GoInt,
  goTypeName,
  isPlainMap,
  isStruct,
  shortestDigits,
  sortedKeys,
  structFields,
} from "../template/value.ts";
import { fixedFromDigits } from "../template/value.ts";

export class JsonError extends Error {}

/** Go's float64 JSON text. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) {
    throw new JsonError(`json: unsupported value: ${Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"}`);
  }
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const abs = Math.abs(f);
  const neg = f < 0 ? "-" : "";
  const { digits, dp } = shortestDigits(f);
  if (abs < 1e-6 || abs >= 1e21) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const e = dp - 1;
    return neg + mant + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e));
  }
  return neg + fixedFromDigits(digits, dp);
}

const HEX = "0123456789abcdef";

export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += "\ufffd";
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += "\ufffd";
      continue;
    }
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c < 0x20) {
      if (c === 0x0a) out += "\\n";
      else if (c === 0x0d) out += "\\r";
      else if (c === 0x09) out += "\\t";
      else if (c === 0x08) out += "\\b";
      else if (c === 0x0c) out += "\\f";
      else out += "\\u00" + HEX[c >> 4] + HEX[c & 15];
    } else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) {
      out += "\\u00" + HEX[c >> 4] + HEX[c & 15];
    } else if (c === 0x2028 || c === 0x2029) {
      out += "\\u202" + HEX[c & 15];
    } else out += s[i];
  }
  return out + '"';
}

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export interface JsonOpts {
  escapeHTML?: boolean;
  indent?: string;
}

/** json.Marshal / MarshalIndent. Throws JsonError on unsupported values. */
export function marshalJSON(v: unknown, opts: JsonOpts = {}): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const indent = opts.indent;
  const enc = (x: unknown, depth: number): string => {
    if (x === null || x === undefined) return "null";
    switch (typeof x) {
      case "boolean":
        return x ? "true" : "false";
      case "number":
        return jsonFloat(x);
      case "string":
        return jsonString(x, escapeHTML);
      case "bigint":
        return x.toString();
      case "function":
        throw new JsonError(`json: unsupported type: func(...interface {}) (interface {}, error)`);
    }
    if (x instanceof GoInt) return x.value.toString();
    if (x instanceof Uint8Array) return '"' + b64(x) + '"';
    const nl = indent !== undefined ? "\n" + indent.repeat(depth + 1) : "";
    const nlEnd = indent !== undefined ? "\n" + indent.repeat(depth) : "";
    const colon = indent !== undefined ? ": " : ":";
    if (Array.isArray(x)) {
      if (x.length === 0) return "[]";
      return "[" + x.map((e) => nl + enc(e, depth + 1)).join(",") + nlEnd + "]";
    }
    let entries: [string, unknown][];
    if (isPlainMap(x)) entries = sortedKeys(x).map((k) => [k, x[k]]);
    else if (x instanceof Map) {
      entries = [...x.entries()].map(([k, val]) => [String(k), val] as [string, unknown]).sort((a, b) =>
        a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
      );
    } else if (isStruct(x)) {
      const custom = (x as { MarshalJSON?: unknown }).MarshalJSON;
      if (typeof custom === "function") return String(custom.call(x));
      entries = structFields(x);
    } else throw new JsonError(`json: unsupported type: ${goTypeName(x)}`);
    if (entries.length === 0) return "{}";
    return "{" +
      entries.map(([k, val]) => nl + jsonString(k, escapeHTML) + colon + enc(val, depth + 1)).join(",") +
      nlEnd + "}";
  };
  return enc(v, 0);
}

// ---------------------------------------------------------------- decoding with Go's error texts

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

/** json.Unmarshal into interface{} (numbers float64). Throws JsonError with Go's messages. */
export function unmarshalJSON(text: string): unknown {
  let i = 0;
  const n = text.length;
  const syntax = (msg: string): never => {
    throw new JsonError(msg);
  };
  const eof = (): never => syntax("unexpected end of JSON input");
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const bad = (ctx: string): never => {
    if (i >= n) return eof();
    return syntax(`invalid character ${quoteChar(String.fromCodePoint(text.codePointAt(i)!))} ${ctx}`);
  };
  const value = (): unknown => {
    ws();
    if (i >= n) return eof();
    const c = text[i]!;
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      while (true) {
        ws();
        if (text[i] !== '"') return bad("looking for beginning of object key string");
        const k = str();
        ws();
        if (text[i] !== ":") return bad("after object key");
        i++;
        obj[k] = value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        return bad("after object key:value pair");
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      while (true) {
        arr.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        return bad("after array element");
      }
    }
    if (c === '"') return str();
    if (c === "-" || (c >= "0" && c <= "9")) return num();
    for (const [lit, val] of [["true", true], ["false", false], ["null", null]] as const) {
      if (c === lit[0]) {
        i++;
        for (let k = 1; k < lit.length; k++) {
          if (i >= n) return eof();
          if (text[i] !== lit[k]) return bad(`in literal ${lit} (expecting ${quoteChar(lit[k]!)})`);
          i++;
        }
        return val;
      }
    }
    return bad("looking for beginning of value");
  };
  const str = (): string => {
    const start = i;
    i++;
    while (true) {
      if (i >= n) return eof();
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) return bad("in string literal");
      if (c === 0x5c) {
        i++;
        if (i >= n) return eof();
        const e = text[i]!;
        if (e === "u") {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) {
              i += k;
              return eof();
            }
            if (!/[0-9a-fA-F]/.test(text[i + k]!)) {
              i += k;
              return bad("in \\u hexadecimal character escape");
            }
          }
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) return bad("in string escape code");
      }
      i++;
    }
    i++;
    const raw = text.slice(start, i);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  };
  const num = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === "-") {
      i++;
      return bad("in numeric literal");
    }
    i += m[0].length;
    // Go reports an error for a partial fraction/exponent like "1." / "1e"
    if (text[i] === "." || text[i] === "e" || text[i] === "E") {
      i++;
      return bad(
        text[i - 1] === "." ? "after decimal point in numeric literal" : "in exponent of numeric literal",
      );
    }
    return Number(m[0]);
  };
  const v = value();
  ws();
  if (i < n) bad("after top-level value");
  return v;
}
