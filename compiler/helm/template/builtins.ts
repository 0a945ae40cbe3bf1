// text/template builtin functions (renderers.md §1.8).

import type { GoFunc, GoSig } from "./go_func.ts";
import { sprint, sprintf, sprintln } from "./fmt.ts";
import { GoInt, goTypeName, isPlainMap, isStruct, isTrue, printValue } from "./value.ts";

const enc = new TextEncoder();

type BasicKind = "invalid" | "bool" | "int" | "uint" | "float" | "complex" | "string" | "other";

function basicKind(v: unknown): BasicKind {
  if (v === undefined || v === null) return "invalid";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return "float";
    case "string":
      return "string";
    case "bigint":
      return "int";
  }
  if (v instanceof GoInt) return v.unsigned ? "uint" : "int";
  return "other";
}

function intVal(v: unknown): bigint {
  if (v instanceof GoInt) return v.value;
  return BigInt(v as bigint);
}

const errBadComparisonType = "invalid type for comparison";
const errBadComparison = "incompatible types for comparison";
const errNoComparison = "missing argument for comparison";

function isComparable(v: unknown): boolean {
  if (Array.isArray(v) || v instanceof Uint8Array || isPlainMap(v)) return false;
  return true;
}

export function goEq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) throw new Error(errNoComparison);
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === "int" && k2 === "uint") truth = intVal(arg1) >= 0n && intVal(arg1) === intVal(arg);
      else if (k1 === "uint" && k2 === "int") truth = intVal(arg) >= 0n && intVal(arg1) === intVal(arg);
      else if (k1 !== "invalid" && k2 !== "invalid") throw new Error(errBadComparison);
    } else {
      switch (k1) {
        case "bool":
        case "float":
        case "string":
          truth = arg1 === arg;
          break;
        case "int":
        case "uint":
          truth = intVal(arg1) === intVal(arg);
          break;
        case "invalid":
          truth = true; // nil == nil
          break;
        default:
          if (!isComparable(arg1) || !isComparable(arg)) {
            throw new Error(
              `non-comparable types ${printValue(arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${
                printValue(arg)
              }`,
            );
          }
          truth = arg1 === arg || (isStruct(arg1) && isStruct(arg) && structEq(arg1, arg));
      }
    }
    if (truth) return true;
  }
  return false;
}

function structEq(a: object, b: object): boolean {
  if (goTypeName(a) !== goTypeName(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    const va = (a as Record<string, unknown>)[k], vb = (b as Record<string, unknown>)[k];
    try {
      if (!goEq(va, vb)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

export function goLt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  if (k1 === "invalid" || k1 === "other") throw new Error(errBadComparisonType);
  const k2 = basicKind(b);
  if (k2 === "invalid" || k2 === "other") throw new Error(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === "int" && k2 === "uint") return intVal(a) < 0n || intVal(a) < intVal(b);
    if (k1 === "uint" && k2 === "int") return intVal(b) >= 0n && intVal(a) < intVal(b);
    throw new Error(errBadComparison);
  }
  switch (k1) {
    case "bool":
    case "complex":
      throw new Error(errBadComparisonType);
    case "float":
      return (a as number) < (b as number);
    case "int":
    case "uint":
      return intVal(a) < intVal(b);
    case "string":
      return Buffer_compare(a as string, b as string) < 0;
  }
  throw new Error(errBadComparisonType);
}

function Buffer_compare(a: string, b: string): number {
  const x = enc.encode(a), y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function indexArg(index: unknown, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) x = index.value;
  else if (index === undefined || index === null) throw new Error("cannot index slice/array with nil");
  else throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

export function goIndex(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error("index of untyped nil");
  for (const index of indexes) {
    if (item === undefined || item === null) throw new Error("index of nil pointer");
    if (typeof item === "string") {
      const b = enc.encode(item);
      const x = indexArg(index, b.length);
      if (x === b.length) throw new Error(`index out of range: ${x}`);
      item = new GoInt(b[x]!, "uint8");
    } else if (item instanceof Uint8Array) {
      const x = indexArg(index, item.length);
      if (x === item.length) throw new Error(`index out of range: ${x}`);
      item = new GoInt(item[x]!, "uint8");
    } else if (Array.isArray(item)) {
      const x = indexArg(index, item.length);
      if (x === item.length) throw new Error(`index out of range: ${x}`);
      item = item[x] ?? null;
    } else if (isPlainMap(item)) {
      if (typeof index !== "string") {
        if (index === undefined || index === null) throw new Error("value is nil; should be of type string");
        throw new Error(`value has type ${goTypeName(index)}; should be string`);
      }
      item = Object.hasOwn(item, index)
        ? item[index] ?? null
        : (goTypeName(item) === "map[string]string" ? "" : null);
    } else if (item instanceof Map) {
      item = item.has(index) ? item.get(index) : null;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

export function goSlice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error("slice of untyped nil");
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new Error("cannot 3-index slice a string");
    len = enc.encode(item).length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) len = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len];
  for (let i = 0; i < indexes.length; i++) {
    const x = indexArg(indexes[i], len);
    idx[i] = x;
  }
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (typeof item === "string") return new TextDecoder().decode(enc.encode(item).slice(idx[0], idx[1]));
  return item.slice(idx[0], idx[1]);
}

export function goLen(item: unknown): GoInt {
  if (item === undefined || item === null) throw new Error("len of nil pointer");
  if (typeof item === "string") return new GoInt(enc.encode(item).length);
  if (Array.isArray(item) || item instanceof Uint8Array) return new GoInt(item.length);
  if (isPlainMap(item)) return new GoInt(Object.keys(item).length);
  if (item instanceof Map) return new GoInt(item.size);
  throw new Error(`len of type ${goTypeName(item)}`);
}

function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? "<no value>" : a)));
}

export function htmlEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    switch (ch) {
      case "\0":
        out += "\uFFFD";
        break;
      case '"':
        out += "&#34;";
        break;
      case "'":
        out += "&#39;";
        break;
      case "&":
        out += "&amp;";
        break;
      case "<":
        out += "&lt;";
        break;
      case ">":
        out += "&gt;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u;

export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case "\\":
        out += "\\\\";
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case "<":
        out += "\\u003C";
        continue;
      case ">":
        out += "\\u003E";
        continue;
      case "&":
        out += "\\u0026";
        continue;
      case "=":
        out += "\\u003D";
        continue;
    }
    if (cp < 0x20) out += "\\u00" + cp.toString(16).toUpperCase().padStart(2, "0");
    else if (cp < 0x80) out += ch;
    else if (PRINTABLE.test(ch)) out += ch;
    else out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
  }
  return out;
}

export function urlQueryEscape(s: string): string {
  let out = "";
  for (const b of enc.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

const V: GoSig = { params: ["value"], variadic: "value" };
const ANYV: GoSig = { params: [], variadic: "any" };

export const BUILTINS: Record<string, { fn: GoFunc; sig: GoSig }> = {
  and: { fn: () => undefined, sig: V },
  or: { fn: () => undefined, sig: V },
  not: { fn: (a) => !isTrue(a), sig: { params: ["value"] } },
  len: { fn: (a) => goLen(a), sig: { params: ["value"] } },
  index: { fn: (item, ...ix) => goIndex(item, ...ix), sig: V },
  slice: { fn: (item, ...ix) => goSlice(item, ...ix), sig: V },
  print: { fn: (...a) => sprint(a), sig: ANYV },
  printf: { fn: (f, ...a) => sprintf(f as string, a), sig: { params: ["string"], variadic: "any" } },
  println: { fn: (...a) => sprintln(a), sig: ANYV },
  html: { fn: (...a) => htmlEscape(evalArgs(a)), sig: ANYV },
  js: { fn: (...a) => jsEscape(evalArgs(a)), sig: ANYV },
  urlquery: { fn: (...a) => urlQueryEscape(evalArgs(a)), sig: ANYV },
  eq: { fn: (a, ...b) => goEq(a, ...b), sig: V },
  ne: { fn: (a, b) => !goEq(a, b), sig: { params: ["value", "value"] } },
  lt: { fn: (a, b) => goLt(a, b), sig: { params: ["value", "value"] } },
  le: { fn: (a, b) => goLt(a, b) || goEq(a, b), sig: { params: ["value", "value"] } },
  gt: { fn: (a, b) => !goLt(a, b) && !goEq(a, b), sig: { params: ["value", "value"] } },
  ge: { fn: (a, b) => !goLt(a, b), sig: { params: ["value", "value"] } },
  call: {
    fn: (f, ...args) => {
      if (typeof f !== "function") {
        if (f === undefined || f === null) throw new Error("call of nil");
        throw new Error(`non-function of type ${goTypeName(f)}`);
      }
      return (f as GoFunc)(...args.map((a) => (a === undefined ? null : a)));
    },
    sig: V,
  },
};
