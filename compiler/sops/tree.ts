/**
 * The store-independent tree every SOPS format is read into (renderers.md §5): ordered mappings,
 * lists, typed leaves and comment items. Comments are items of their enclosing mapping or list,
 * as in sops itself, so they can be encrypted with that container's path and kept in place.
 *
 * Typed leaves keep what JavaScript values lose: `int` vs `float`, timestamps, raw bytes.
 */

export type Leaf =
  | { readonly t: "str"; readonly v: string }
  /** Decimal text of an integer (kept as text so 64-bit values survive). */
  | { readonly t: "int"; readonly v: string }
  | { readonly t: "float"; readonly v: number }
  | { readonly t: "bool"; readonly v: boolean }
  /** RFC 3339 text of a YAML timestamp. */
  | { readonly t: "time"; readonly v: string }
  | { readonly t: "bytes"; readonly v: Uint8Array }
  | { readonly t: "null" };

export interface Comment {
  readonly t: "comment";
  /** The comment text after `#` (leading space kept). */
  readonly v: string;
  /** Written on the same line as the value before it. */
  readonly inline?: boolean;
}

export interface MapEntry {
  readonly key: string;
  readonly value: Node;
}

export interface MapNode {
  readonly t: "map";
  readonly items: (MapEntry | Comment)[];
}

export interface ListNode {
  readonly t: "list";
  readonly items: (Node | Comment)[];
}

export type Node = Leaf | MapNode | ListNode;

/** One document (YAML documents of a stream, or the single JSON/dotenv/binary document). */
export type Branch = MapNode;

export function isComment(x: MapEntry | Comment | Node): x is Comment {
  return (x as { t?: string }).t === "comment";
}

export function isLeaf(n: Node): n is Leaf {
  return n.t !== "map" && n.t !== "list";
}

export const str = (v: string): Leaf => ({ t: "str", v });

/** Entries of a mapping without its comments. */
export function entries(m: MapNode): MapEntry[] {
  return m.items.filter((i): i is MapEntry => !isComment(i));
}

export function getEntry(m: MapNode, key: string): Node | undefined {
  return entries(m).find((e) => e.key === key)?.value;
}

/**
 * Converts a plain JavaScript value (e.g. a Kubernetes object) to a tree. Integers that are safe
 * JavaScript integers become `int`, other numbers `float`; `Date` becomes `time`; `Uint8Array`
 * becomes `bytes`; `undefined` members are dropped.
 */
export function fromJS(value: unknown, where = ""): Node {
  if (value === null || value === undefined) return { t: "null" };
  if (typeof value === "string") return { t: "str", v: value };
  if (typeof value === "boolean") return { t: "bool", v: value };
  if (typeof value === "bigint") return { t: "int", v: value.toString() };
  if (typeof value === "number") {
    return Number.isSafeInteger(value) ? { t: "int", v: String(value) } : { t: "float", v: value };
  }
  if (value instanceof Date) return { t: "time", v: value.toISOString().replace(".000Z", "Z") };
  if (value instanceof Uint8Array) return { t: "bytes", v: value };
  if (Array.isArray(value)) return { t: "list", items: value.map((v, i) => fromJS(v, `${where}[${i}]`)) };
  if (typeof value === "object") {
    const items: MapEntry[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      items.push({ key: k, value: fromJS(v, where ? `${where}.${k}` : k) });
    }
    return { t: "map", items };
  }
  throw new TypeError(`cannot store a ${typeof value} in a SOPS document${where ? ` at ${where}` : ""}`);
}

/**
 * Converts a tree to plain JavaScript: mappings → objects (comments dropped), `int` → number (or
 * bigint beyond 2^53), `time` → its RFC 3339 string, `bytes` → UTF-8 text.
 */
export function toJS(node: Node): unknown {
  switch (node.t) {
    case "null":
      return null;
    case "str":
    case "bool":
    case "float":
    case "time":
      return node.v;
    case "int": {
      const n = Number(node.v);
      return Number.isSafeInteger(n) ? n : BigInt(node.v);
    }
    case "bytes":
      return new TextDecoder().decode(node.v);
    case "list":
      return node.items.filter((i): i is Node => !isComment(i)).map(toJS);
    case "map": {
      const out: Record<string, unknown> = {};
      for (const e of entries(node)) {
        Object.defineProperty(out, e.key, {
          value: toJS(e.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

/** Structural equality of two trees, comments ignored; `int`/`float` of equal value are equal. */
export function treeEquals(a: Node, b: Node): boolean {
  if (a.t === "map" && b.t === "map") {
    const ea = entries(a), eb = entries(b);
    return ea.length === eb.length &&
      ea.every((e, i) => e.key === eb[i]!.key && treeEquals(e.value, eb[i]!.value));
  }
  if (a.t === "list" && b.t === "list") {
    const la = a.items.filter((i): i is Node => !isComment(i));
    const lb = b.items.filter((i): i is Node => !isComment(i));
    return la.length === lb.length && la.every((x, i) => treeEquals(x, lb[i]!));
  }
  if (a.t === "map" || a.t === "list" || b.t === "map" || b.t === "list") return false;
  return leafText(a) === leafText(b) && numericKind(a) === numericKind(b);
}

function numericKind(l: Leaf): string {
  return l.t === "int" || l.t === "float" ? "number" : l.t;
}

/**
 * The bytes sops hashes and encrypts for a leaf (sops `ToBytes`): strings as UTF-8, integers in
 * decimal, floats as Go `FormatFloat(f, 'f', -1, 64)`, booleans `True`/`False`, times as text.
 */
export function leafBytes(l: Leaf | Comment): Uint8Array {
  if (l.t === "bytes") return l.v;
  return new TextEncoder().encode(leafText(l));
}

export function leafText(l: Leaf | Comment): string {
  switch (l.t) {
    case "str":
    case "int":
    case "time":
    case "comment":
      return l.v;
    case "float":
      return formatGoFloat(l.v);
    case "bool":
      return l.v ? "True" : "False";
    case "bytes":
      return new TextDecoder().decode(l.v);
    case "null":
      return "";
  }
}

/** Go `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (Object.is(f, -0)) return "-0";
  const s = String(f);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, first, rest = "", expText] = m;
  const digits = first! + rest;
  const exp = Number(expText);
  // value = 0.digits... × 10^(exp+1)
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
