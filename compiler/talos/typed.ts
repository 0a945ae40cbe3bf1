/**
 * Typed values that follow Talos' Go types (layout from types_table.json, dumped by reflection from
 * pkg/machinery): strict decoding from YAML nodes, Go-YAML encoding (struct field order, omitempty,
 * sorted map keys), and the strategic merge rules of Talos' `merge` package.
 */
import table from "./types_table.json" with { type: "json" };
import type { GNode } from "./go_yaml_parse.ts";
import { type OutNode, plain, stringNode } from "./go_yaml_emit.ts";

export type TypeRef =
  | string
  | { ptr: TypeRef }
  | { slice: TypeRef }
  | { map: TypeRef; key: TypeRef }
  | { array: TypeRef; len: number }
  | { struct: FieldInfo[] };

export interface FieldInfo {
  go: string;
  key: string;
  omitempty?: boolean;
  inline?: boolean;
  flow?: boolean;
  replace?: boolean;
  type: TypeRef;
}

interface NamedInfo {
  kind: string;
  underlying?: TypeRef;
  fields?: FieldInfo[];
  marshalYAML?: boolean;
  unmarshalYAML?: boolean;
  textMarshaler?: boolean;
  isZeroer?: boolean;
  merger?: boolean;
}

const TYPES = table.types as unknown as Record<string, NamedInfo>;

/**
 * Layout differences between machinery v1.12.6 (where the table was dumped) and the Talos revision
 * that produced the golden files (reference/talos/MANIFEST.md): `cluster.controlPlane` became omitempty.
 */
const FIELD_OVERRIDES: Record<string, Record<string, Partial<FieldInfo>>> = {
  "v1alpha1.ClusterConfig": { controlPlane: { omitempty: true } },
};
for (const [typeName, fields] of Object.entries(FIELD_OVERRIDES)) {
  for (const f of TYPES[typeName]?.fields ?? []) Object.assign(f, fields[f.key] ?? {});
}
export const DOCUMENT_TYPES = table.documents as Record<string, string>;

/** Types whose custom YAML form is a small mapping of strings (PEM material as base64 of PEM). */
const PEM_STRUCTS: Record<string, FieldInfo[]> = {
  "x509.PEMEncodedCertificateAndKey": [
    { go: "Crt", key: "crt", type: "string" },
    { go: "Key", key: "key", type: "string" },
  ],
  "x509.PEMEncodedCertificate": [{ go: "Crt", key: "crt", type: "string" }],
  "x509.PEMEncodedKey": [{ go: "Key", key: "key", type: "string" }],
};

/** Resolved shape of a type. */
export type Shape =
  | { s: "struct"; name: string; fields: FieldInfo[]; merger?: string }
  | { s: "ptr"; elem: TypeRef }
  | { s: "slice"; elem: TypeRef; merger?: string }
  | { s: "map"; elem: TypeRef }
  | { s: "string" | "bool" | "int" | "uint" | "float" | "any" | "bytes" }
  | { s: "text"; name: string } // encoding.TextMarshaler: a string scalar
  | { s: "raw"; name: string }; // custom MarshalYAML: kept as the YAML node given

export function shapeOf(t: TypeRef): Shape {
  if (typeof t === "string") {
    switch (t) {
      case "string":
      case "bool":
      case "int":
      case "uint":
      case "float":
      case "any":
      case "bytes":
        return { s: t };
    }
    const pem = PEM_STRUCTS[t];
    if (pem) return { s: "struct", name: t, fields: pem };
    if (t === "time.Duration") return { s: "text", name: t };
    const info = TYPES[t];
    if (!info) throw new Error(`unknown Go type ${t}`);
    if (info.marshalYAML) return { s: "raw", name: t };
    if (info.textMarshaler) return { s: "text", name: t };
    if (info.kind === "struct") {
      return info.merger
        ? { s: "struct", name: t, fields: info.fields ?? [], merger: t }
        : { s: "struct", name: t, fields: info.fields ?? [] };
    }
    const u = shapeOf(info.underlying!);
    if (u.s === "slice" && info.merger) return { ...u, merger: t };
    return u;
  }
  if ("ptr" in t) return { s: "ptr", elem: t.ptr };
  if ("slice" in t) return { s: "slice", elem: t.slice };
  if ("map" in t) return { s: "map", elem: t.map };
  if ("array" in t) return { s: "slice", elem: t.array };
  return { s: "struct", name: "<anon>", fields: t.struct };
}

/** Go "any" values as decoded by go-yaml into interface{}. */
export type AnyValue = null | string | number | boolean | AnyValue[] | Map<string, AnyValue>;

/**
 * A typed value: struct → Map(go field name → value); map → Map(key → value) | null (nil);
 * slice → array | null (nil); ptr → value | null; scalars as JS primitives; raw → GNode | null.
 */
// deno-lint-ignore no-explicit-any
export type TV = any;

export class TypedDecodeError extends Error {
  override name = "TypedDecodeError";
}

export function zeroValue(t: TypeRef): TV {
  const sh = shapeOf(t);
  switch (sh.s) {
    case "struct": {
      const m = new Map<string, TV>();
      for (const f of sh.fields) m.set(f.go, zeroValue(f.type));
      return m;
    }
    case "string":
    case "text":
      return "";
    case "bool":
      return false;
    case "int":
    case "uint":
    case "float":
      return 0;
    default:
      return null;
  }
}

function isNull(n: GNode): boolean {
  return n.k === "scalar" && n.tag === "null";
}

function decodeAny(n: GNode): AnyValue {
  switch (n.k) {
    case "map":
      return new Map(n.entries.map(([k, v]) => [k, decodeAny(v)]));
    case "seq":
      return n.items.map(decodeAny);
    case "scalar":
      switch (n.tag) {
        case "null":
          return null;
        case "bool":
          return /^(true|True|TRUE)$/.test(n.value);
        case "int":
          return Number.parseInt(n.value.replaceAll("_", ""), n.value.match(/^[-+]?0x/i) ? 16 : 10);
        case "float":
          return Number.parseFloat(n.value);
        default:
          return n.value;
      }
  }
}

/** Decodes a node into a value of type t, strictly (unknown fields are an error), as go-yaml does. */
export function decode(t: TypeRef, n: GNode, path = ""): TV {
  const sh = shapeOf(t);
  const fail = (msg: string) => new TypedDecodeError(`${path || "<root>"}: ${msg}`);
  switch (sh.s) {
    case "ptr":
      return isNull(n) ? null : decode(sh.elem, n, path);
    case "any":
      return decodeAny(n);
    case "raw":
      return isNull(n) ? null : n;
    case "string":
      if (isNull(n)) return "";
      if (n.k !== "scalar") throw fail("cannot decode a collection into a string");
      return n.value;
    case "text":
      if (isNull(n)) return "";
      if (n.k !== "scalar") throw fail(`cannot decode a collection into ${sh.name}`);
      return n.value;
    case "bytes":
      if (isNull(n)) return null;
      if (n.k !== "scalar") throw fail("cannot decode a collection into bytes");
      return n.value;
    case "bool":
      if (isNull(n)) return false;
      if (n.k !== "scalar" || n.tag !== "bool") {
        throw fail(`cannot decode ${JSON.stringify(nodeText(n))} into bool`);
      }
      return /^(true|True|TRUE)$/.test(n.value);
    case "int":
    case "uint":
    case "float": {
      if (isNull(n)) return 0;
      if (n.k !== "scalar" || !(n.tag === "int" || (sh.s === "float" && n.tag === "float"))) {
        throw fail(`cannot decode ${JSON.stringify(nodeText(n))} into ${sh.s}`);
      }
      const v = decodeAny(n) as number;
      if (sh.s === "uint" && v < 0) throw fail("negative value for unsigned field");
      return v;
    }
    case "slice": {
      if (isNull(n)) return null;
      if (n.k !== "seq") throw fail("expected a sequence");
      return n.items.map((item, i) => decode(sh.elem, item, `${path}[${i}]`));
    }
    case "map": {
      if (isNull(n)) return null;
      if (n.k !== "map") throw fail("expected a mapping");
      const m = new Map<string, TV>();
      for (const [k, v] of n.entries) m.set(k, decode(sh.elem, v, path ? `${path}.${k}` : k));
      return m;
    }
    case "struct": {
      const m = zeroValue(t) as Map<string, TV>;
      if (isNull(n)) return m;
      if (n.k !== "map") throw fail("expected a mapping");
      const leftover = decodeStructInto(sh.fields, m, n.entries, path);
      if (leftover.length > 0) {
        throw fail(`field ${leftover[0]![0]} not found in type ${sh.name}`);
      }
      if (sh.name === "v1alpha1.ClusterInlineManifest") {
        // Talos trims the leading newlines a block scalar may start with.
        m.set("InlineManifestContents", String(m.get("InlineManifestContents")).replace(/^\n+/, ""));
      }
      return m;
    }
  }
}

function nodeText(n: GNode): string {
  return n.k === "scalar" ? n.value : n.k;
}

/** Fills struct fields from entries; returns the entries no field took. */
function decodeStructInto(
  fields: FieldInfo[],
  m: Map<string, TV>,
  entries: Array<[string, GNode]>,
  path: string,
): Array<[string, GNode]> {
  const byKey = new Map<string, FieldInfo>();
  for (const f of fields) if (!f.inline) byKey.set(f.key, f);
  let rest: Array<[string, GNode]> = [];
  for (const e of entries) {
    const f = byKey.get(e[0]);
    if (f) m.set(f.go, decode(f.type, e[1], path ? `${path}.${e[0]}` : e[0]));
    else rest.push(e);
  }
  for (const f of fields) {
    if (!f.inline) continue;
    const sh = shapeOf(f.type);
    if (sh.s === "struct") {
      const inner = m.get(f.go) as Map<string, TV>;
      rest = decodeStructInto(sh.fields, inner, rest, path);
    } else if (sh.s === "map") {
      if (rest.length > 0) {
        const mm = new Map<string, TV>();
        for (const [k, v] of rest) mm.set(k, decode(sh.elem, v, path ? `${path}.${k}` : k));
        m.set(f.go, mm);
      }
      rest = [];
    }
  }
  return rest;
}

/** go-yaml's isZero (omitempty). */
export function yamlZero(t: TypeRef, v: TV): boolean {
  const sh = shapeOf(t);
  switch (sh.s) {
    case "ptr":
    case "raw":
      return v === null;
    case "any":
      return v === null;
    case "slice":
    case "bytes":
      return v === null || (Array.isArray(v) ? v.length === 0 : v === "");
    case "map":
      return v === null || v.size === 0;
    case "string":
    case "text":
      return v === "";
    case "bool":
      return v === false;
    case "int":
    case "uint":
    case "float":
      return v === 0;
    case "struct":
      return sh.fields.every((f) => yamlZero(f.type, (v as Map<string, TV>).get(f.go)));
  }
}

/** reflect.Value.IsZero (used by the merge). */
export function reflectZero(t: TypeRef, v: TV): boolean {
  const sh = shapeOf(t);
  switch (sh.s) {
    case "ptr":
    case "raw":
    case "any":
    case "slice":
    case "map":
    case "bytes":
      return v === null;
    case "string":
    case "text":
      return v === "";
    case "bool":
      return v === false;
    case "int":
    case "uint":
    case "float":
      return v === 0;
    case "struct":
      return sh.fields.every((f) => reflectZero(f.type, (v as Map<string, TV>).get(f.go)));
  }
}

/** strconv.FormatFloat(f, 'g', -1, 64) with go-yaml's spellings of the special values. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (f === Infinity) return ".inf";
  if (f === -Infinity) return "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant, expStr] = Math.abs(f).toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace(".", "");
  const sign = f < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const e = Math.abs(exp) < 10 ? "0" + Math.abs(exp) : String(Math.abs(exp));
    return sign + m + "e" + (exp < 0 ? "-" : "+") + e;
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return sign + intPart + (frac ? "." + frac : "");
  }
  return sign + "0." + "0".repeat(-exp - 1) + digits;
}

/**
 * Go's YAML map key order (yaml.v3 keyList.Less): letters and digit runs compared "naturally",
 * a letter sorts after a non-letter.
 */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a), br = Array.from(b);
  const isDigit = (c: string) => c >= "0" && c <= "9";
  const isLetter = (c: string) => /\p{L}/u.test(c);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!), bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return digits ? al : bl;
    let an = 0, bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

export function sortKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0));
}

export function encodeAny(v: AnyValue): OutNode {
  if (v === null) return plain("null");
  if (typeof v === "string") return stringNode(v);
  if (typeof v === "boolean") return plain(String(v));
  if (typeof v === "number") return plain(Number.isInteger(v) ? String(v) : goFloat(v));
  if (Array.isArray(v)) return { k: "seq", items: v.map(encodeAny) };
  return {
    k: "map",
    entries: sortKeys([...v.keys()]).map((k) => [stringNode(k), encodeAny(v.get(k)!)] as [OutNode, OutNode]),
  };
}

function encodeRaw(n: GNode): OutNode {
  return encodeAny(decodeAny(n));
}

/** Encodes a typed value the way go-yaml marshals the Go value. */
export function encode(t: TypeRef, v: TV): OutNode {
  const sh = shapeOf(t);
  switch (sh.s) {
    case "ptr":
      return v === null ? plain("null") : encode(sh.elem, v);
    case "any":
      return encodeAny(v);
    case "raw":
      return v === null ? plain("null") : encodeRaw(v);
    case "string":
    case "text":
    case "bytes":
      return v === null ? plain("null") : stringNode(v);
    case "bool":
      return plain(String(v));
    case "int":
    case "uint":
      return plain(String(v));
    case "float":
      return plain(goFloat(v));
    case "slice":
      return { k: "seq", items: (v ?? []).map((x: TV) => encode(sh.elem, x)) };
    case "map": {
      const m = (v ?? new Map()) as Map<string, TV>;
      return {
        k: "map",
        entries: sortKeys([...m.keys()]).map((k) =>
          [stringNode(k), encode(sh.elem, m.get(k))] as [OutNode, OutNode]
        ),
      };
    }
    case "struct": {
      const entries: Array<[OutNode, OutNode]> = [];
      encodeStructInto(sh.fields, v as Map<string, TV>, entries);
      return { k: "map", entries };
    }
  }
}

function encodeStructInto(fields: FieldInfo[], m: Map<string, TV>, entries: Array<[OutNode, OutNode]>): void {
  for (const f of fields) {
    const fv = m.get(f.go);
    if (f.inline) {
      const sh = shapeOf(f.type);
      if (sh.s === "struct") encodeStructInto(sh.fields, fv, entries);
      else if (sh.s === "map" && fv) {
        for (const k of sortKeys([...(fv as Map<string, TV>).keys()])) {
          entries.push([stringNode(k), encode(sh.elem, fv.get(k))]);
        }
      }
      continue;
    }
    if (f.omitempty && yamlZero(f.type, fv)) continue;
    const node = encode(f.type, fv);
    if (f.flow && (node.k === "seq" || node.k === "map")) node.flow = true;
    entries.push([stringNode(f.key), node]);
  }
}

export class MergeError extends Error {
  override name = "MergeError";
}

function anyKind(v: AnyValue): string {
  if (v === null) return "nil";
  if (Array.isArray(v)) return "slice";
  if (v instanceof Map) return "map";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  return typeof v;
}

function mergeAny(l: AnyValue, r: AnyValue, overwrite: boolean): AnyValue {
  if (r === null) return l;
  if (l === null) return r;
  if (anyKind(l) !== anyKind(r)) {
    throw new MergeError(`merge type mismatch left ${anyKind(l)} right ${anyKind(r)}`);
  }
  if (l instanceof Map && r instanceof Map) {
    const out = new Map(l);
    for (const [k, rv] of r) {
      const lv = out.get(k);
      out.set(k, lv === undefined || lv === null ? rv : mergeAny(lv, rv, false));
    }
    return out;
  }
  if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if (typeof r !== "boolean" && (r === "" || r === 0) && !overwrite) return l;
  return r;
}

/** Keyed list merges implemented by Talos types (the `merger` interface). */
function keyedMerge(name: string, elem: TypeRef, left: TV[] | null, right: TV[]): TV[] {
  const out: TV[] = [...(left ?? [])];
  const elemShape = shapeOf(elem);
  const structOf = (x: TV): Map<string, TV> => (elemShape.s === "ptr" ? x : x) as Map<string, TV>;
  const keyOf = (x: TV): ((y: TV) => boolean) | undefined => {
    const s = structOf(x);
    if (s === null) return undefined;
    switch (name) {
      case "v1alpha1.NetworkDeviceList": {
        const iface = s.get("DeviceInterface");
        if (iface) return (y) => structOf(y)?.get("DeviceInterface") === iface;
        const sel = s.get("DeviceSelector");
        if (sel) {
          const k = JSON.stringify(encodeAnyKey(sel));
          return (y) => {
            const o = structOf(y)?.get("DeviceSelector");
            return o !== null && o !== undefined && JSON.stringify(encodeAnyKey(o)) === k;
          };
        }
        return undefined;
      }
      case "v1alpha1.VlanList":
        return (y) => structOf(y)?.get("VlanID") === s.get("VlanID");
      case "v1alpha1.AdmissionPluginConfigList":
        return (y) => structOf(y)?.get("PluginName") === s.get("PluginName");
      case "extensions.ConfigFileList":
        return (y) => structOf(y)?.get("ConfigFileMountPath") === s.get("ConfigFileMountPath");
    }
    return undefined;
  };
  for (const item of right) {
    const match = keyOf(item);
    const idx = match ? out.findIndex(match) : -1;
    if (idx >= 0) out[idx] = merge(elem, out[idx], item, false, false);
    else out.push(item);
  }
  return out;
}

function encodeAnyKey(v: TV): unknown {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [k, encodeAnyKey(x)]);
  if (Array.isArray(v)) return v.map(encodeAnyKey);
  return v;
}

/** Talos' merge.Merge: returns the merged left value (inputs are not mutated). */
export function merge(t: TypeRef, l: TV, r: TV, replace: boolean, overwrite: boolean): TV {
  const sh = shapeOf(t);
  switch (sh.s) {
    case "ptr":
      if (r === null) return l;
      if (l === null) return r;
      return merge(sh.elem, l, r, replace, true);
    case "any":
      return mergeAny(l, r, overwrite);
    case "raw":
      return r === null ? l : r;
    case "bytes":
      return r === null ? l : r;
    case "slice":
      if (r === null) return l;
      if (sh.merger) return keyedMerge(sh.merger, sh.elem, l, r);
      if (replace) return r;
      if (l === null && r.length === 0) return [];
      return [...(l ?? []), ...r];
    case "map": {
      if (r === null) return l;
      if (replace) return r;
      const out = new Map<string, TV>(l ?? []);
      for (const [k, rv] of r as Map<string, TV>) {
        const lv = out.get(k);
        const elemShape = shapeOf(sh.elem);
        const nilish = lv === undefined ||
          (lv === null && ["ptr", "any", "slice", "map", "raw", "bytes"].includes(elemShape.s));
        out.set(k, nilish ? rv : merge(sh.elem, lv, rv, false, false));
      }
      return out;
    }
    case "struct": {
      if (replace) return reflectZero(t, r) ? l : r;
      const out = new Map<string, TV>(l);
      for (const f of sh.fields) {
        out.set(f.go, merge(f.type, l.get(f.go), r.get(f.go), f.replace === true, false));
      }
      return out;
    }
    case "text":
      if (r === "") return l;
      return r;
    default:
      if (sh.s !== "bool" && (r === "" || r === 0) && !overwrite) return l;
      return r;
  }
}

/** Deep copy of a typed value. */
export function clone(v: TV): TV {
  if (v instanceof Map) return new Map([...v.entries()].map(([k, x]) => [k, clone(x)]));
  if (Array.isArray(v)) return v.map(clone);
  return v;
}
