/**
 * Strategic merge patch as kustomize applies it (kyaml merge2 walker, ListIncreaseDirection=prepend,
 * no inference of merge keys for lists without schema): maps merge, `null` deletes, lists with a
 * schema merge strategy merge by key (patch items first), other lists are replaced,
 * `$patch: delete|replace|merge` directives.
 */
import { KustomizeError } from "./errors.ts";
import { isMergeList, schemaElements, schemaField, schemaForResource, type SchemaNode } from "./schema.ts";
import { clone, has, isMap, scalarText, type Value, type VMap } from "./value.ts";

const CLEAR = Symbol("clear");
type R = Value | undefined | typeof CLEAR;

const DIRECTIVE = "$patch";

function mapDirective(m: VMap): string {
  if (!has(m, DIRECTIVE)) return "merge";
  const v = m[DIRECTIVE];
  delete m[DIRECTIVE];
  if (v === "delete" || v === "replace" || v === "merge") return v;
  throw new KustomizeError(`unknown patch strategy '${scalarText(v) ?? ""}'`);
}

function listDirective(l: Value[]): string {
  const i = l.findIndex((e) => isMap(e) && has(e, DIRECTIVE));
  if (i < 0) return "merge";
  const e = l[i] as VMap;
  if (Object.keys(e).length > 1) return "merge";
  const v = e[DIRECTIVE];
  if (v === "delete" || v === "replace" || v === "merge") {
    // elide every element that is exactly this directive
    for (let j = l.length - 1; j >= 0; j--) {
      const x = l[j];
      if (isMap(x) && Object.keys(x).length === 1 && x[DIRECTIVE] === v) l.splice(j, 1);
    }
    return v;
  }
  throw new KustomizeError(`unknown patch strategy '${scalarText(v) ?? ""}'`);
}

function kindOf(dest: Value | undefined, src: Value | undefined): "map" | "seq" | "scalar" | "none" {
  for (const v of [dest, src]) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) return "seq";
    if (isMap(v)) return "map";
    return "scalar";
  }
  return "none";
}

function checkKind(kind: string, v: Value | undefined, path: string[]): void {
  if (v === undefined || v === null) return;
  const k = Array.isArray(v) ? "seq" : isMap(v) ? "map" : "scalar";
  if (k !== kind) {
    const want = kind === "map" ? "MappingNode" : kind === "seq" ? "SequenceNode" : "ScalarNode";
    throw new KustomizeError(`wrong node kind: expected ${want} but got ${k === "map" ? "MappingNode" : k === "seq" ? "SequenceNode" : "ScalarNode"}: node contents at ${path.join(".") || "."}`);
  }
}

function walk(dest: Value | undefined, src: Value | undefined, schema: SchemaNode | null, path: string[]): R {
  if (src === undefined) return dest; // nothing to merge
  const kind = kindOf(dest, src);
  switch (kind) {
    case "none":
    case "map":
      return walkMap(dest, src, schema, path);
    case "seq":
      checkKind("seq", dest, path);
      checkKind("seq", src, path);
      return walkSeq(dest as Value[] | null | undefined, src as Value[] | null, schema, path);
    case "scalar":
      checkKind("scalar", dest, path);
      checkKind("scalar", src, path);
      if (src === null) return CLEAR;
      return src;
  }
}

function walkMap(dest: Value | undefined, src: Value, schema: SchemaNode | null, path: string[]): R {
  checkKind("map", dest, path);
  checkKind("map", src, path);
  let d: VMap;
  if (dest === undefined || dest === null) {
    if (src === null) return CLEAR;
    const s = src as VMap;
    if (mapDirective(s) === "delete") return CLEAR;
    // a new subtree: merge it with itself (drops nulls, applies nested directives)
    d = clone(s);
    return mergeFields(d, s, schema, path);
  }
  if (src === null) return CLEAR;
  const s = src as VMap;
  const dir = mapDirective(s);
  if (dir === "delete") return CLEAR;
  if (dir === "replace") {
    d = clone(s);
    return mergeFields(d, s, schema, path);
  }
  d = dest as VMap;
  return mergeFields(d, s, schema, path);
}

function mergeFields(d: VMap, s: VMap, schema: SchemaNode | null, path: string[]): Value {
  const names = new Set([...Object.keys(d), ...Object.keys(s)]);
  for (const k of [...names].sort()) {
    if (!has(s, k)) continue;
    const r = walk(has(d, k) ? d[k] : undefined, s[k], schemaField(schema, k), [...path, k]);
    if (r === CLEAR || r === undefined) delete d[k];
    else d[k] = r;
  }
  return d;
}

function elemKeyValues(e: Value, keys: string[]): string[] {
  if (!isMap(e)) return keys.map(() => "");
  return keys.map((k) => (has(e, k) ? scalarText(e[k]) ?? "" : ""));
}

function unify(a: string[], b: string[]): string[] | null {
  if (a.length !== b.length) return null;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]!);
      continue;
    }
    if (a[i] !== "" && b[i] !== "") return null;
    res.push(a[i] !== "" ? a[i]! : b[i]!);
  }
  return common ? res : null;
}

function matches(e: Value, keys: string[], values: string[]): boolean {
  if (!isMap(e)) return false;
  let any = false;
  for (let i = 0; i < keys.length; i++) {
    const want = values[i]!;
    const k = keys[i]!;
    const got = has(e, k) ? scalarText(e[k]) ?? "" : "";
    if (want === "") continue;
    if (got === want) any = true;
    else if (got !== "" || keys.length === 1) return false;
  }
  return any;
}

function walkSeq(dest: Value[] | null | undefined, src: Value[] | null, schema: SchemaNode | null, path: string[]): R {
  if (!isMergeList(schema)) {
    if (src === null) return CLEAR;
    return src;
  }
  let d: Value[];
  if (dest === undefined || dest === null) {
    if (src === null) return CLEAR;
    d = clone(src);
  } else {
    if (src === null) return CLEAR;
    const dir = listDirective(src);
    if (dir === "delete") return CLEAR;
    d = dir === "replace" ? clone(src) : dest;
  }
  const keys = schema?.keys ?? [];
  const elemSchema = schemaElements(schema);
  if (keys.length === 0) {
    // primitive list union: patch values first, then destination values
    const seen = new Set<string>();
    const out: Value[] = [];
    for (const x of [...src, ...d]) {
      const t = scalarText(x) ?? JSON.stringify(x);
      if (seen.has(t)) continue;
      seen.add(t);
      out.push(x);
    }
    return out;
  }
  // values lists: patch first, then dest
  let valuesList: string[][] = [];
  const seen = new Set<string>();
  for (const x of [...src, ...d]) {
    const v = elemKeyValues(x, keys);
    if (v.every((s) => s === "")) continue;
    const id = JSON.stringify(v);
    if (seen.has(id)) continue;
    seen.add(id);
    valuesList.push(v);
  }
  if (keys.length > 1) {
    for (let i = 0; i < valuesList.length; i++) {
      for (let j = 0; j < valuesList.length; j++) {
        const u = unify(valuesList[i]!, valuesList[j]!);
        if (u) {
          valuesList[i] = u;
          valuesList[j] = u;
        }
      }
    }
    const s2 = new Set<string>();
    valuesList = valuesList.filter((v) => {
      const id = JSON.stringify(v);
      if (s2.has(id)) return false;
      s2.add(id);
      return true;
    });
  }
  const out: Value[] = [];
  const used = new Set<Value>();
  for (const values of valuesList) {
    const de = d.find((e) => !used.has(e) && matches(e, keys, values));
    const se = src.find((e) => matches(e, keys, values));
    let r: R;
    if (se === undefined) r = de;
    else if (de === undefined) r = walk(undefined, clone(se), elemSchema, path);
    else r = walk(de, clone(se), elemSchema, path);
    if (de !== undefined) used.add(de);
    if (r === CLEAR || r === undefined || r === null || (isMap(r) && Object.keys(r).length === 0)) continue;
    if (isMap(r)) {
      for (let i = 0; i < keys.length; i++) {
        if (!has(r, keys[i]!) && values[i] !== "") r[keys[i]!] = values[i]!;
      }
    }
    out.push(r);
  }
  // elements without any key value stay (appended)
  for (const e of d) {
    if (!used.has(e) && elemKeyValues(e, keys).every((s) => s === "")) out.push(e);
  }
  return out;
}

/** Apply a strategic-merge patch to a resource (in place semantics; returns the result or null if deleted). */
export function applySmp(target: VMap, patch: VMap): VMap | null {
  const apiVersion = typeof target.apiVersion === "string" ? target.apiVersion : "";
  const kind = typeof target.kind === "string" ? target.kind : "";
  const schema = schemaForResource(apiVersion, kind);
  const r = walk(target, clone(patch), schema, []);
  if (r === CLEAR || r === undefined || r === null) return null;
  if (!isMap(r)) throw new KustomizeError("strategic merge patch produced a non-map resource");
  return r;
}
