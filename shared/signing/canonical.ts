/**
 * Canonical bytes of a signed object (conductor.md §5.2, api.md §10.4, ADR 0010): the JSON that
 * Go's `encoding/json` writes for a `map[string]interface{}` decoded from the API server by the
 * Kubernetes dynamic client, so that Go and TypeScript conductors sign and verify the same bytes.
 *
 * - objects: keys sorted by UTF-8 byte order (= code point order, not UTF-16 order); no whitespace
 * - strings: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other C0 controls as `\u00xx`; `<`, `>`,
 *   `&`, U+2028, U+2029 as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`; everything else
 *   literal UTF-8; a lone surrogate becomes U+FFFD
 * - numbers: `bigint` in decimal; finite numbers as ECMAScript `String(n)` (equal to Go's float64
 *   form for every double; `-0` is `0`); NaN and ±Infinity are refused
 * - `undefined` members are skipped (absent), `undefined` at the top level or in arrays is `null`
 *
 * Lossless input: `parseJsonLossless` keeps integer literals outside the safe range but inside
 * int64 as `bigint`, as the dynamic client keeps them as int64.
 */
import { InputError } from "../errors.ts";

/** Code point order, which is the UTF-8 byte order Go sorts map keys by. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate (≥ U+10000) sorts after any BMP unit
    return x - y;
  }
  return a.length - b.length;
}

const _ESC: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

// deno-lint-ignore no-control-regex
const _NEEDS = /["\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

function _string(s: string): string {
  if (!_NEEDS.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    const e = _ESC[c];
    if (e !== undefined) out += e;
    else if (code < 0x20) out += `\\u00${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += c + s[i + 1];
        i++;
      } else out += "\ufffd";
    } else if (code >= 0xdc00 && code <= 0xdfff) out += "\ufffd";
    else out += c;
  }
  return out + '"';
}

function _encode(v: unknown, path: string, depth: number): string {
  if (depth > 512) throw new InputError(`value at ${path} nests deeper than 512 levels`, { path });
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return _string(v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      if (!Number.isFinite(v)) {
        throw new InputError(`cannot encode ${String(v)} at ${path} as JSON`, {
          path,
          code: "CanonicalJson",
        });
      }
      return Object.is(v, -0) ? "0" : String(v);
    case "object": {
      if (Array.isArray(v)) return `[${v.map((x, i) => _encode(x, `${path}[${i}]`, depth + 1)).join(",")}]`;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(compareUtf8);
      return `{${keys.map((k) => `${_string(k)}:${_encode(o[k], `${path}.${k}`, depth + 1)}`).join(",")}}`;
    }
    default:
      throw new InputError(`cannot encode a ${typeof v} at ${path} as JSON`, { path, code: "CanonicalJson" });
  }
}

/** The canonical JSON text of `value` (see the module comment). */
export function canonicalJson(value: unknown): string {
  return _encode(value, "$", 0);
}

/** UTF-8 bytes of `canonicalJson(value)`: the exact message that is signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

const _INT64_MIN = -(2n ** 63n);
const _INT64_MAX = 2n ** 63n - 1n;

/**
 * `JSON.parse` that keeps integer literals the way the Kubernetes dynamic client does: exact as
 * `bigint` when they fit int64 but not a double, as a double otherwise.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, function (_key, value, context?: { source?: string }) {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source) {
      const src = context.source;
      if (/^-?\d+$/.test(src)) {
        const big = BigInt(src);
        if (big >= _INT64_MIN && big <= _INT64_MAX) return big;
      }
    }
    return value;
  });
}
