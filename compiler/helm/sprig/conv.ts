// Shared conversion helpers mirroring Sprig's strval/toInt64/toFloat64 (spf13/cast) and reflect helpers.

import {
  GoInt,
  goKindName,
  goPrint,
  goTypeName,
  isPlainMap,
  isStruct,
  stringerOf,
  structFields,
  tagType,
} from "../template/value.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Sprig strval: string as is, []byte as text, error/Stringer via method, else %v. */
export function strval(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return dec.decode(v);
  const s = stringerOf(v);
  if (s) return s();
  return goPrint(v);
}

/** strconv.ParseInt(s, 0, 64) — undefined on error. */
export function parseIntBase0(s: string, bits = 64): bigint | undefined {
  if (
    !/^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/
      .test(s)
  ) {
    return undefined;
  }
  let t = s.replace(/_/g, "");
  let neg = false;
  if (t[0] === "+" || t[0] === "-") {
    neg = t[0] === "-";
    t = t.slice(1);
  }
  let v: bigint;
  if (/^0[oO]/.test(t)) v = BigInt("0o" + t.slice(2));
  else if (/^0[0-7]+$/.test(t)) v = BigInt("0o" + t.slice(1));
  else v = BigInt(t);
  if (neg) v = -v;
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (v > max || v < -max - 1n) return undefined;
  return v;
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64E; returns undefined when cast would error (callers use 0). */
export function castInt64(v: unknown): bigint | undefined {
  if (v === null || v === undefined) return 0n;
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) return BigInt.asIntN(64, -(1n << 63n));
      return BigInt.asIntN(64, BigInt(Math.trunc(v)));
    case "boolean":
      return v ? 1n : 0n;
    case "string":
      return parseIntBase0(trimZeroDecimal(v));
    case "bigint":
      return v;
  }
  return undefined;
}

export function toInt64(v: unknown): bigint {
  return castInt64(v) ?? 0n;
}

export function toInt(v: unknown): number {
  return Number(toInt64(v));
}

/** strconv.ParseFloat (Go syntax, no hex floats beyond JS support). */
export function parseGoFloat(s: string): number | undefined {
  const t = s.replace(/_/g, "");
  if (/^[+-]?(?:inf|infinity)$/i.test(t)) return t[0] === "-" ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) {
    if (/^[+-]?0[xX]/.test(t)) {
      const iv = parseIntBase0(t);
      if (iv !== undefined) return Number(iv);
    }
    return undefined;
  }
  return Number(t);
}

/** cast.ToFloat64. */
export function toFloat64(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (v instanceof GoInt) return Number(v.value);
  switch (typeof v) {
    case "number":
      return v;
    case "boolean":
      return v ? 1 : 0;
    case "string":
      return parseGoFloat(v) ?? 0;
    case "bigint":
      return Number(v);
  }
  return 0;
}

export const i64 = (n: bigint | number): GoInt => new GoInt(n, "int64");
export const int = (n: bigint | number): GoInt => new GoInt(n, "int");

/** Sprig `empty` (reflect-based). */
export function empty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case "string":
      return v.length === 0;
    case "boolean":
      return !v;
    case "number":
      return v === 0;
    case "bigint":
      return v === 0n;
    case "function":
      return false;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (isPlainMap(v)) return Object.keys(v).length === 0;
  if (v instanceof Map) return v.size === 0;
  return false; // structs are never empty
}

/** reflect.DeepEqual over the Go value model. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (goTypeName(a) !== goTypeName(b)) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  if (typeof a === "number") return a === b;
  if (typeof a !== "object") return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainMap(a) && isPlainMap(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  if (isStruct(a) && isStruct(b)) {
    const fa = structFields(a), fb = structFields(b);
    return fa.length === fb.length && fa.every(([k, v], i) => fb[i]![0] === k && deepEqual(v, fb[i]![1]));
  }
  return a === b;
}

/** Deep copy (copystructure). */
export function deepCopy(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== "object") return v ?? null;
  if (v instanceof GoInt) return v;
  if (v instanceof Uint8Array) return v.slice();
  const t = goTypeName(v);
  if (Array.isArray(v)) {
    const out = v.map(deepCopy);
    return t !== "[]interface {}" ? tagType(out, t) : out;
  }
  if (isPlainMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return t !== "map[string]interface {}" ? tagType(out, t) : out;
  }
  return v;
}

/** reflect Kind name for error messages ("Cannot push on type string"). */
export function kindName(v: unknown): string {
  return goKindName(v);
}

export function isList(v: unknown): v is unknown[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

export function listItems(v: unknown[] | Uint8Array): unknown[] {
  if (v instanceof Uint8Array) return Array.from(v, (b) => new GoInt(b, "uint8"));
  return v.map((x) => (x === undefined ? null : x));
}

/** Panic text Go produces for reflect.TypeOf(nil).Kind(). */
export const NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";
