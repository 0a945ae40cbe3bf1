/**
 * Talos config patching: strategic merge patches (documents matched by apiVersion/kind/name and
 * merged with Talos' merge rules, `$patch: delete` selectors) and RFC 6902 JSON patches (applied to
 * the YAML bytes through JSON, re-encoded the way ghodss/yaml does).
 */
import { type GNode, mapGet, parseYamlDocuments, scalarValue } from "./go_yaml_parse.ts";
import { emitDocument, type OutNode, plain, stringNode } from "./go_yaml_emit.ts";
import {
  cloneDocument,
  type ConfigDocument,
  decodeDocument,
  documentId,
  encodeConfig,
  loadConfig,
} from "./documents.ts";
import { goFloat, merge, shapeOf, sortKeys, type TV, type TypeRef, zeroValue } from "./typed.ts";
import { applyJsonPatch, type JsonOp, type JsonValue } from "./json_patch.ts";

export class PatchError extends Error {
  override name = "PatchError";
}

/** A `$patch: delete` selector. */
export interface DeleteSelector {
  sel: true;
  path: string[];
  apiVersion: string;
  kind: string;
  name: string;
  key: string;
  value: string;
}

export type StrategicDoc = ConfigDocument | DeleteSelector;

export type Patch =
  | { type: "strategic"; docs: StrategicDoc[] }
  | { type: "json6902"; ops: JsonOp[] };

function isDeleteMarker(k: string, v: GNode): boolean {
  return k === "$patch" && v.k === "scalar" && v.value === "delete";
}

function findValue(root: GNode, key: string, required: boolean): string {
  if (root.k !== "map") throw new PatchError("expected a mapping node");
  const v = mapGet(root, key);
  if (v) return v.k === "scalar" ? v.value : "";
  if (required) throw new PatchError(`missing ${key} in document for which $patch: delete is used`);
  return "";
}

function makeSelector(path: string[], root: GNode, key: string, value: string): DeleteSelector {
  const required = path.length === 0;
  const apiVersion = findValue(root, "apiVersion", required);
  let kind = findValue(root, "kind", required);
  if (kind === "" && apiVersion === "") kind = "v1alpha1";
  else if (kind === "" || apiVersion === "") {
    throw new PatchError(`kind and apiVersion must be both set for path ${path.join(".")}`);
  }
  return { sel: true, path: [...path], apiVersion, kind, name: findValue(root, "name", false), key, value };
}

/** Extracts `$patch: delete` markers from a document node (mutating it); returns [selectors, docDeleted]. */
function extractDeletes(doc: GNode): [DeleteSelector[], boolean] {
  const sels: DeleteSelector[] = [];
  const root = doc;
  // returns [continue, deleteThisNode]
  const walk = (parent: GNode | null, v: GNode, path: string[]): [boolean, boolean] => {
    if (v.k === "map") {
      for (let i = 0; i < v.entries.length; i++) {
        const [k, val] = v.entries[i]!;
        if (isDeleteMarker(k, val)) {
          if (parent !== null && parent.k === "seq") {
            const other = v.entries.find(([kk, vv]) => !isDeleteMarker(kk, vv));
            if (!other) throw new PatchError("no key:val found in sequence node for path " + path.join("."));
            sels.push(makeSelector(path, root, other[0], other[1].k === "scalar" ? other[1].value : ""));
          } else {
            if (path.some((p) => p.startsWith("["))) {
              throw new PatchError("cannot delete an inner key in '" + path.join(".") + "'");
            }
            sels.push(makeSelector(path, root, "", ""));
          }
          return [true, true];
        }
        const [cont, del] = walk(v, val, [...path, k]);
        if (!cont) return [false, del];
        if (del) {
          v.entries.splice(i, 1);
          i--;
          if (v.entries.length === 0) return [true, true];
        }
      }
    } else if (v.k === "seq") {
      for (let i = 0; i < v.items.length; i++) {
        const [cont, del] = walk(v, v.items[i]!, [...path, `[${i}]`]);
        if (!cont) return [false, del];
        if (del) {
          v.items.splice(i, 1);
          i--;
          if (v.items.length === 0) return [true, true];
        }
      }
    }
    return [true, false];
  };
  const [, del] = walk(null, doc, []);
  if (del) return [sels, true];
  return [sels, isEmptyDoc(doc)];
}

function isEmptyDoc(n: GNode): boolean {
  if (n.k !== "map") return false;
  return n.entries.every(([k, v]) => v.k === "scalar" && (k === "version" || k === "kind" || k === "name"));
}

/** Loads a strategic merge patch (YAML documents, `$patch: delete` allowed). */
export function loadStrategicPatch(text: string): StrategicDoc[] {
  // Patches may repeat a document (each occurrence is merged in turn), as current Talos allows.
  const out: StrategicDoc[] = [];
  for (const node of parseYamlDocuments(text)) {
    const [sels, zeroed] = extractDeletes(node);
    out.push(...sels);
    if (zeroed) continue;
    if (node.k === "scalar" && node.tag === "null") continue;
    out.push(decodeDocument(node));
  }
  return out;
}

function toJsonValue(n: GNode): JsonValue {
  switch (n.k) {
    case "map": {
      const o: Record<string, JsonValue> = {};
      for (const [k, v] of n.entries) o[k] = toJsonValue(v);
      return o;
    }
    case "seq":
      return n.items.map(toJsonValue);
    case "scalar":
      switch (n.tag) {
        case "null":
          return null;
        case "bool":
          return /^(true|True|TRUE)$/.test(n.value);
        case "int":
        case "float":
          return Number(n.value.replaceAll("_", ""));
        default:
          return n.value;
      }
  }
}

/** Loads one patch: strategic merge first, then a JSON patch (JSON or YAML list of operations). */
export function loadPatch(text: string): Patch {
  let strategicErr: unknown;
  try {
    return { type: "strategic", docs: loadStrategicPatch(text) };
  } catch (e) {
    strategicErr = e;
  }
  try {
    const parsed = JSON.parse(text);
    if (Array.isArray(parsed)) return { type: "json6902", ops: parsed as JsonOp[] };
  } catch { /* not JSON */ }
  try {
    const docs = parseYamlDocuments(text);
    if (docs.length === 1 && docs[0]!.k === "seq") {
      return { type: "json6902", ops: toJsonValue(docs[0]!) as unknown as JsonOp[] };
    }
  } catch { /* not YAML either */ }
  throw strategicErr instanceof Error ? strategicErr : new PatchError(String(strategicErr));
}

function deleteForPath(t: TypeRef, v: TV, path: string[], key: string, value: string): TV {
  const lookupFailed = () => new PatchError("lookup failed");
  const sh = shapeOf(t);
  if (sh.s === "ptr") {
    if (v === null) throw lookupFailed();
    return deleteForPath(sh.elem, v, path, key, value);
  }
  const [searchFor, ...rest] = path;
  if (searchFor === undefined) throw new PatchError("path is empty");
  if (sh.s === "struct") {
    const m = v as Map<string, TV>;
    for (const f of sh.fields) {
      if (f.inline) {
        try {
          const out = new Map(m);
          out.set(f.go, deleteForPath(f.type, m.get(f.go), path, key, value));
          return out;
        } catch (e) {
          if ((e as Error).message !== "lookup failed") throw e;
        }
        continue;
      }
      if (f.key === searchFor) {
        const out = new Map(m);
        out.set(
          f.go,
          rest.length === 0 ? zeroValue(f.type) : deleteForPath(f.type, m.get(f.go), rest, key, value),
        );
        return out;
      }
    }
    throw lookupFailed();
  }
  if (sh.s === "map") {
    const m = v as Map<string, TV> | null;
    if (m && m.has(searchFor)) {
      const out = new Map(m);
      if (rest.length === 0) out.delete(searchFor);
      else out.set(searchFor, deleteForPath(sh.elem, m.get(searchFor), rest, key, value));
      return out;
    }
    throw lookupFailed();
  }
  if (sh.s === "slice") {
    if (rest.length !== 0) throw new PatchError("searching for complex paths in slices is not supported");
    if (!searchFor.startsWith("[")) {
      throw new PatchError("searching for non-integer keys in slices is not supported");
    }
    const arr = (v ?? []) as TV[];
    let elemType: TypeRef = sh.elem;
    let es = shapeOf(elemType);
    while (es.s === "ptr") {
      elemType = es.elem;
      es = shapeOf(elemType);
    }
    for (let i = 0; i < arr.length; i++) {
      const el = arr[i];
      if (el === null) continue;
      if (es.s === "struct") {
        for (const f of es.fields) {
          if (f.key !== key) continue;
          const fv = (el as Map<string, TV>).get(f.go);
          if (typeof fv !== "string" || fv !== value) continue;
          return [...arr.slice(0, i), ...arr.slice(i + 1)];
        }
      }
    }
    throw lookupFailed();
  }
  throw lookupFailed();
}

function applySelector(sel: DeleteSelector, doc: ConfigDocument): ConfigDocument | null {
  const pathStr = sel.path.join(".");
  const wrap = (msg: string) => {
    const inner = `patch delete: path '${pathStr}' in document '${doc.apiVersion}/${doc.kind}': ${msg}`;
    return new PatchError(
      sel.name ? `named patch delete: document ${doc.apiVersion}/${doc.kind}: ${inner}` : inner,
    );
  };
  if (sel.path.length === 0) {
    if (doc.kind === "v1alpha1") throw wrap("can't delete the root of the legacy document");
    return null;
  }
  try {
    return { ...doc, value: deleteForPath(doc.type, doc.value, sel.path, sel.key, sel.value) };
  } catch (e) {
    throw wrap(`failed to delete path '${pathStr}': ${(e as Error).message}`);
  }
}

/** Strategic merge of patch documents into config documents. */
export function strategicMerge(
  cfg: readonly ConfigDocument[],
  patch: readonly StrategicDoc[],
): ConfigDocument[] {
  let left = cfg.map(cloneDocument);
  for (const r of patch) {
    const id = documentId(r);
    const idx = left.findIndex((d) => documentId(d) === id);
    if ("sel" in r) {
      if (idx < 0) continue;
      const res = applySelector(r, left[idx]!);
      if (res === null) left = [...left.slice(0, idx), ...left.slice(idx + 1)];
      else left[idx] = res;
      continue;
    }
    if (idx >= 0) {
      const l = left[idx]!;
      left[idx] = { ...l, value: merge(l.type, l.value, r.value, false, false) };
    } else {
      left.push(cloneDocument(r));
    }
  }
  return left;
}

function jsonToOut(v: JsonValue): OutNode {
  if (v === null) return plain("null");
  if (typeof v === "string") return stringNode(v);
  if (typeof v === "boolean") return plain(String(v));
  if (typeof v === "number") return plain(goFloat(v));
  if (Array.isArray(v)) return { k: "seq", items: v.map(jsonToOut) };
  return {
    k: "map",
    entries: sortKeys(Object.keys(v)).map((k) => [stringNode(k), jsonToOut(v[k]!)] as [OutNode, OutNode]),
  };
}

/** Applies a JSON 6902 patch to config bytes (single-document configs only), as Talos does. */
export function applyJson6902(configText: string, ops: JsonOp[]): string {
  const docs = parseYamlDocuments(configText);
  if (docs.length !== 1) {
    throw new PatchError("JSON6902 patches are not supported for multi-document machine configuration");
  }
  const patched = applyJsonPatch(toJsonValue(docs[0]!), ops);
  return emitDocument(jsonToOut(patched), "v2");
}

/** Applies patches (YAML/JSON text each) in order to a machine config; returns the config bytes. */
export function applyPatches(configText: string, patches: ReadonlyArray<string | Patch>): string {
  let bytes: string | null = configText;
  let docs: ConfigDocument[] | null = null;
  for (const p of patches) {
    const patch = typeof p === "string" ? loadPatch(p) : p;
    if (patch.type === "json6902") {
      if (bytes === null) bytes = encodeConfig(docs!);
      bytes = applyJson6902(bytes, patch.ops);
      docs = null;
    } else {
      if (docs === null) docs = loadConfig(bytes!);
      docs = strategicMerge(docs, patch.docs);
      bytes = null;
    }
  }
  return bytes ?? encodeConfig(docs!);
}

export { scalarValue };
