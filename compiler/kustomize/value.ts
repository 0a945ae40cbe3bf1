/**
 * The value model kustomize resources are held in: JSON-like data where integers are `bigint`
 * (go-yaml v3 `!!int`, kept exact) and floats are `number` (`!!float`). Maps are null-prototype
 * objects so that any key (even `__proto__`) is safe.
 */

export type Value = null | boolean | string | bigint | number | Value[] | VMap;
export interface VMap {
  [key: string]: Value;
}

export function newMap(): VMap {
  return Object.create(null) as VMap;
}

export function isMap(v: unknown): v is VMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function has(m: VMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

export function clone<T extends Value>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (isMap(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) out[k] = clone(v[k]!);
    return out as T;
  }
  return v;
}

export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => has(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Get a nested map field, or undefined. */
export function getPath(v: Value | undefined, path: readonly string[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const p of path) {
    if (!isMap(cur) || !has(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** A scalar's text as kustomize's kyaml would see it (its YAML value text). */
export function scalarText(v: Value | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

/** Convert a Value to a plain JS structure (for debugging and tests). */
export function toPlain(v: Value): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isMap(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = toPlain(v[k]!);
    return o;
  }
  if (typeof v === "bigint") return Number(v);
  return v;
}

/** Convert plain JS data (JSON.parse output etc.) into a Value: integral numbers become ints. */
export function fromPlain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === "object") {
    const m = newMap();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m[k] = fromPlain(x);
    return m;
  }
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") return v;
  return String(v);
}
