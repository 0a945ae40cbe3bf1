// Go value model for the text/template port (renderers.md §1.2, §1.7, §1.9, §4.1).
//
// Representation:
//   string            -> JS string
//   bool              -> JS boolean
//   float64           -> JS number (every number decoded from YAML/JSON values, float literals)
//   int, int64, uint8 -> GoInt (bigint payload + Go kind)
//   nil interface     -> null
//   invalid (missing) -> undefined (only produced by missingkey=default lookups)
//   []interface{}     -> JS array (other element types: array tagged with GO_TYPE, e.g. "[]string")
//   []byte            -> Uint8Array
//   map[string]interface{} -> plain JS object (other map types: tagged with GO_TYPE)
//   struct            -> instance of GoStruct (or any non-plain class instance); function-valued
//                        properties are methods; a String() method makes it a fmt.Stringer.
//   func              -> JS function

export const GO_TYPE: unique symbol = Symbol.for("conductor.go.type");

export type IntKind =
  | "int"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "uintptr";

const INT_BITS: Record<IntKind, number> = {
  int: 64,
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  uint: 64,
  uint8: 8,
  uint16: 16,
  uint32: 32,
  uint64: 64,
  uintptr: 64,
};

/** A Go integer of a specific kind (int, int64, uint8 …). */
export class GoInt {
  readonly value: bigint;
  readonly kind: IntKind;
  constructor(value: bigint | number, kind: IntKind = "int") {
    let v = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
    const bits = INT_BITS[kind];
    v = kind.startsWith("u") ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
    this.value = v;
    this.kind = kind;
  }
  get unsigned(): boolean {
    return this.kind.startsWith("u");
  }
  toNumber(): number {
    return Number(this.value);
  }
  toString(): string {
    return this.value.toString();
  }
}

export const goInt = (n: number | bigint): GoInt => new GoInt(n, "int");
export const goInt64 = (n: number | bigint): GoInt => new GoInt(n, "int64");
export const goUint8 = (n: number | bigint): GoInt => new GoInt(n, "uint8");

/** Base class for Go structs. Own enumerable properties are the fields, in declaration order. */
export class GoStruct {
  [GO_TYPE]: string;
  constructor(typeName: string, fields?: Record<string, unknown>) {
    Object.defineProperty(this, GO_TYPE, { value: typeName, enumerable: false, writable: true });
    this[GO_TYPE] = typeName;
    if (fields) Object.assign(this, fields);
  }
}

/** Marks an array or object with a Go type (e.g. "[]string", "map[string]string"). */
export function tagType<T extends object>(v: T, goType: string): T {
  Object.defineProperty(v, GO_TYPE, { value: goType, enumerable: false, configurable: true, writable: true });
  return v;
}

export function stringSlice(items: string[]): string[] {
  return tagType(items, "[]string");
}

export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v) || v instanceof Uint8Array || v instanceof GoInt) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isStruct(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v) || v instanceof Uint8Array || v instanceof GoInt) return false;
  return !isPlainMap(v);
}

export function isMissing(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Go type name as printed by %T / typeOf. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return "float64";
    case "bigint":
      return "int64";
    case "function":
      return "func(...interface {}) (interface {}, error)";
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof Uint8Array) return "[]uint8";
  const tagged = (v as { [GO_TYPE]?: string })[GO_TYPE];
  if (typeof tagged === "string") return tagged;
  if (Array.isArray(v)) return "[]interface {}";
  if (isPlainMap(v)) return "map[string]interface {}";
  const ctor = (v as object).constructor;
  return ctor && ctor.name ? ctor.name : "struct {}";
}

/** reflect.Kind name (kindOf). */
export function goKindName(v: unknown): string {
  if (v === undefined || v === null) return "invalid";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return "float64";
    case "bigint":
      return "int64";
    case "function":
      return "func";
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof Uint8Array || Array.isArray(v)) return "slice";
  const tagged = (v as { [GO_TYPE]?: string })[GO_TYPE];
  if (typeof tagged === "string") {
    if (tagged.startsWith("*")) return "ptr";
    if (tagged.startsWith("map[")) return "map";
    if (tagged.startsWith("[]")) return "slice";
  }
  if (isPlainMap(v)) return "map";
  return "struct";
}

/** Truthiness as in text/template `if` (§1.7). */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "string":
      return v.length > 0;
    case "bigint":
      return v !== 0n;
    case "function":
      return true;
  }
  if (v instanceof GoInt) return v.value !== 0n;
  if (v instanceof Uint8Array) return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Compare strings bytewise (UTF-8 order == code point order). */
export function goStrCmp(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i), cb = b.charCodeAt(i);
    if (ca !== cb) {
      const sa = ca >= 0xd800 && ca <= 0xdfff, sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1; // surrogate (>= U+10000) sorts after BMP
      return ca < cb ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

export function sortedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).sort(goStrCmp);
}

// ---------------------------------------------------------------- float formatting

/** Shortest round-trip digits and decimal exponent: value = 0.d1d2… × 10^dp. */
export function shortestDigits(f: number): { digits: string; dp: number } {
  const s = Math.abs(f).toExponential(); // shortest round-trip digits
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const digits = (m[1]! + (m[2] ?? "")).replace(/0+$/, "") || "0";
  return { digits, dp: Number(m[3]) + 1 };
}

function expStr(e: number): string {
  const a = Math.abs(e);
  return (e < 0 ? "-" : "+") + (a < 10 ? "0" + a : String(a));
}

/** strconv.FormatFloat(f, 'g', -1, 64) — what %v / print use (§1.9). */
export function formatFloatG(f: number): string {
  return formatFloatV(f);
}

export function fixedFromDigits(digits: string, dp: number): string {
  if (dp <= 0) return "0." + "0".repeat(-dp) + digits;
  if (dp >= digits.length) return digits + "0".repeat(dp - digits.length);
  return digits.slice(0, dp) + "." + digits.slice(dp);
}

/** Go's %v for a float: shortest digits, exponent form iff exp < -4 || exp >= 6. */
export function formatFloatV(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const neg = f < 0 ? "-" : "";
  const { digits, dp } = shortestDigits(f);
  const exp = dp - 1;
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return neg + mant + "e" + expStr(exp);
  }
  return neg + fixedFromDigits(digits, dp);
}

// ---------------------------------------------------------------- %v printing

export interface Stringer {
  String(): string;
}

export function stringerOf(v: unknown): (() => string) | undefined {
  if (v !== null && typeof v === "object" && isStruct(v)) {
    const s = (v as { String?: unknown }).String;
    if (typeof s === "function") return () => String(s.call(v));
    const e = (v as { Error?: unknown }).Error;
    if (typeof e === "function") return () => String(e.call(v));
  }
  if (v instanceof Error) return () => v.message;
  return undefined;
}

/** Struct field values in declaration order. */
export function structFields(v: object): [string, unknown][] {
  const custom = (v as { goFields?: unknown }).goFields;
  if (typeof custom === "function") return custom.call(v) as [string, unknown][];
  return Object.keys(v)
    .filter((k) => typeof (v as Record<string, unknown>)[k] !== "function")
    .map((k) => [k, (v as Record<string, unknown>)[k]]);
}

/** fmt %v formatting of a Go value (nested: nil -> <nil>). */
export function goPrint(v: unknown, depth = 0): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return formatFloatV(v);
    case "bigint":
      return v.toString();
    case "function":
      return "0x1";
  }
  if (v instanceof GoInt) return v.value.toString();
  if (v instanceof Uint8Array) return "[" + Array.from(v).join(" ") + "]";
  const str = stringerOf(v);
  if (str) return str();
  if (Array.isArray(v)) return "[" + v.map((e) => goPrint(e, depth + 1)).join(" ") + "]";
  if (isPlainMap(v)) {
    return "map[" + sortedKeys(v).map((k) => k + ":" + goPrint(v[k], depth + 1)).join(" ") + "]";
  }
  if (v instanceof Map) {
    const keys = [...v.keys()].sort((a, b) => compareKeys(a, b));
    return "map[" + keys.map((k) => goPrint(k, depth + 1) + ":" + goPrint(v.get(k), depth + 1)).join(" ") +
      "]";
  }
  if (isStruct(v)) {
    const ptr = goTypeName(v).startsWith("*") ? "&" : "";
    return ptr + "{" + structFields(v).map(([, f]) => goPrint(f, depth + 1)).join(" ") + "}";
  }
  return String(v);
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return goStrCmp(a, b);
  const na = a instanceof GoInt ? Number(a.value) : Number(a);
  const nb = b instanceof GoInt ? Number(b.value) : Number(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** What `{{ pipeline }}` prints: a nil/missing result prints `<no value>`. */
export function printValue(v: unknown): string {
  if (v === undefined || v === null) return "<no value>";
  return goPrint(v);
}

// ---------------------------------------------------------------- conversion helpers

/**
 * Plain JS data (e.g. from a YAML/JSON parser) -> Go value model.
 * Numbers stay float64 (Helm decodes every values-file number as float64, §4.1),
 * bigints become int64, Date becomes its RFC3339 string, undefined becomes nil.
 */
export function toGo(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "bigint") return new GoInt(value, "int64");
  if (typeof value !== "object") return value;
  if (value instanceof GoInt || value instanceof Uint8Array) return value;
  if (value instanceof Date) return value.toISOString().replace(".000Z", "Z");
  if (Array.isArray(value)) {
    const out = value.map(toGo);
    const t = (value as { [GO_TYPE]?: string })[GO_TYPE];
    return t ? tagType(out, t) : out;
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toGo(v);
    return out;
  }
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = toGo(value[k]);
    const t = (value as { [GO_TYPE]?: string })[GO_TYPE];
    return t ? tagType(out, t) : out;
  }
  return value; // structs and other Go-model objects pass through
}

/**
 * Go value model -> plain JS data. Ints become numbers (bigint if outside the safe range),
 * structs become objects of their fields, []byte stays Uint8Array.
 */
export function fromGo(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof GoInt) {
    const n = Number(value.value);
    return Number.isSafeInteger(n) ? n : value.value;
  }
  if (typeof value !== "object") return value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(fromGo);
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = fromGo(value[k]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of structFields(value)) out[k] = fromGo(v);
  return out;
}
