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
    throw new KustomizeError(
      `wrong node kind: expected ${want} but got ${
        k === "map" ? "MappingNode" : k === "seq" ? "SequenceNode" : "ScalarNode"
      }: node contents at ${path.join(".") || "."}`,
    );
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

// ---- kyaml walk/associative_sequence.go, ported step by step (its quirks are kustomize's output) ----

/** A scalar's text as kyaml sees it (YNode().Value); maps, lists and null read as "". */
function nodeText(v: Value | undefined): string {
  return scalarText(v) ?? "";
}

function isEmptyElem(e: Value | undefined): boolean {
  return e === undefined || e === null || (isMap(e) && Object.keys(e).length === 0);
}

/** RNode.ElementValuesList: per element, the value of each key ("" when missing/null/empty). */
function elementValuesList(list: Value[], keys: string[]): string[][] {
  return list.map((e) => keys.map((k) => (isMap(e) && has(e, k) ? nodeText(e[k]) : "")));
}

/** FieldMatcher{Name, StringValue}: the field when present (any value if `value` is ""), else undefined. */
function fieldMatch(e: VMap, key: string, value: string): Value | undefined {
  if (!has(e, key)) return undefined;
  const v = e[key]!;
  if (value === "") return v;
  return nodeText(v) === value && (scalarText(v) !== undefined) ? v : undefined;
}

/** RNode.ElementList (ElementMatcher with MatchField): first mapping element whose keys equal the values. */
function elementList(list: Value[] | undefined, keys: string[], values: string[]): VMap | undefined {
  if (!list) return undefined;
  for (const e of list) {
    if (!isMap(e)) continue;
    if (keys.every((k, i) => has(e, k) && scalarText(e[k]) !== undefined && nodeText(e[k]) === values[i])) {
      return e;
    }
  }
  return undefined;
}

/** yaml.ElementSetter on a sequence: replace (or delete when `element` is null) matches, else append. */
function elementSetter(list: Value[], element: Value | null, keys: string[], values: string[]): Value[] {
  const mappingSetter = keys.length > 0 && keys[0] !== "" && values.length > 0 && values[0] !== "";
  const out: Value[] = [];
  let found = false;
  for (const e of list) {
    if (isEmptyElem(e)) continue; // empty elements are dropped
    if (!isMap(e)) {
      if (mappingSetter) out.push(e);
      continue;
    }
    let val: Value | undefined = undefined;
    let match = true;
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) val = fieldMatch(e, keys[j]!, values[j]!);
      if (val === undefined) {
        match = false;
        break;
      }
    }
    if (!match) {
      if (values.length > 0) out.push(e);
      continue;
    }
    found = true;
    if (element === null) continue;
    out.push(element);
  }
  if (element === null) return out;
  if (!found) out.push(element);
  return out;
}

/** validateKeys: keep the keys some tuple has a value for (all keys when none has). */
function validateKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of valuesList) vs.forEach((v, i) => v !== "" && valid.add(keys[i]!));
  if (valid.size === 0) return [keys, values];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== "" || valid.has(keys[i]!))];
}

/** match: tuples agree where both are set, and share at least one value. */
function matchValues(a: string[], b: string[]): string[] | null {
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

function mergeValues(valuesList: string[][]): string[][] {
  for (let i = 0; i < valuesList.length; i++) {
    for (let j = 0; j < valuesList.length; j++) {
      const m = matchValues(valuesList[i]!, valuesList[j]!);
      if (m) {
        valuesList[i] = m;
        valuesList[j] = m;
      }
    }
  }
  return valuesList;
}

/** A key value kyaml writes back as an untagged plain scalar. */
function plainScalar(text: string): Value {
  return /^-?(0|[1-9][0-9]*)$/.test(text) ? BigInt(text) : text;
}

/** appendListNode(dst, src, keys) for mapping lists. */
function appendListNode(dst: Value[], src: Value[], keys: string[]): Value[] {
  for (const e of src) {
    const v: string[] = [];
    for (const k of keys) {
      if (!isMap(e) || !has(e, k)) {
        dst.push(e); // no key: appended as is
        continue;
      }
      v.push(nodeText(e[k]));
    }
    if (keys.length > 1) dst = elementSetter(dst, null, keys, v);
    dst = elementSetter(dst, e, keys, v);
  }
  return dst;
}

function walkSeq(
  dest: Value[] | null | undefined,
  src: Value[] | null,
  schema: SchemaNode | null,
  path: string[],
): R {
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
  // elementValues: patch tuples first (ListIncreaseDirection prepend), then the destination's
  let valuesList: string[][] = [];
  const seen = new Set<string>();
  for (const vs of [...elementValuesList(src, keys), ...elementValuesList(d, keys)]) {
    const id = JSON.stringify(vs);
    if (seen.has(id)) continue;
    seen.add(id);
    valuesList.push(vs);
  }
  if (keys.length > 1) valuesList = mergeValues(valuesList);
  let items: Value[] = [];
  let validKeys: string[] = keys;
  for (const values of valuesList) {
    let validValues: string[];
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [ek, ev] = validateKeys([validValues], validValues, validKeys);
    const de = elementList(d, ek, ev);
    const se = elementList(src, ek, ev);
    const r = se === undefined ? de : walk(de, clone(se), elemSchema, path);
    if (r === CLEAR || r === undefined || r === null || (isMap(r) && Object.keys(r).length === 0)) {
      d = elementSetter(d, null, validKeys, validValues);
      continue;
    }
    if (isMap(r)) {
      validKeys.forEach((k, i) => {
        if (!has(r, k) && validValues[i] !== "") r[k] = plainScalar(validValues[i]!);
      });
    }
    items = elementSetter(items, r, validKeys, validValues);
  }
  if (valuesList.length > 0) d = appendListNode(items, d, validKeys);
  return d;
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
