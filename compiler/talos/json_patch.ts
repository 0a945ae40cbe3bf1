/** RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over plain JSON values. */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface JsonOp {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

export class JsonPatchError extends Error {
  override name = "JsonPatchError";
}

function parsePointer(p: string): string[] {
  if (p === "") return [];
  if (!p.startsWith("/")) throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function clone<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

function container(doc: JsonValue, parts: string[], path: string): JsonValue {
  let cur = doc;
  for (const part of parts) {
    if (Array.isArray(cur)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= cur.length) throw new JsonPatchError(`unable to resolve path ${path}`);
      cur = cur[i]!;
    } else if (cur !== null && typeof cur === "object") {
      if (!(part in cur)) throw new JsonPatchError(`unable to resolve path ${path}`);
      cur = cur[part]!;
    } else throw new JsonPatchError(`unable to resolve path ${path}`);
  }
  return cur;
}

function get(doc: JsonValue, path: string): JsonValue {
  return container(doc, parsePointer(path), path);
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const parts = parsePointer(path);
  if (parts.length === 0) return value;
  const last = parts.pop()!;
  const parent = container(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last);
    if (!(last === "-" || /^\d+$/.test(last)) || i > parent.length) {
      throw new JsonPatchError(`add operation index out of bounds: ${path}`);
    }
    parent.splice(i, 0, value);
  } else if (parent !== null && typeof parent === "object") {
    parent[last] = value;
  } else throw new JsonPatchError(`add operation does not apply: doc is missing path: ${path}`);
  return doc;
}

function remove(doc: JsonValue, path: string): JsonValue {
  const parts = parsePointer(path);
  const last = parts.pop();
  if (last === undefined) throw new JsonPatchError("cannot remove the document root");
  const parent = container(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) {
      throw new JsonPatchError(`remove index out of bounds: ${path}`);
    }
    parent.splice(i, 1);
  } else if (parent !== null && typeof parent === "object" && last in parent) {
    delete parent[last];
  } else throw new JsonPatchError(`remove operation does not apply: doc is missing path: ${path}`);
  return doc;
}

export function applyJsonPatch(input: JsonValue, ops: readonly JsonOp[]): JsonValue {
  let doc = clone(input);
  for (const op of ops) {
    switch (op.op) {
      case "add":
        doc = add(doc, op.path, clone(op.value ?? null));
        break;
      case "remove":
        doc = remove(doc, op.path);
        break;
      case "replace":
        get(doc, op.path);
        doc = remove(doc, op.path);
        doc = add(doc, op.path, clone(op.value ?? null));
        break;
      case "move": {
        const v = get(doc, op.from ?? "");
        doc = remove(doc, op.from ?? "");
        doc = add(doc, op.path, v);
        break;
      }
      case "copy":
        doc = add(doc, op.path, clone(get(doc, op.from ?? "")));
        break;
      case "test":
        if (JSON.stringify(get(doc, op.path)) !== JSON.stringify(op.value ?? null)) {
          throw new JsonPatchError(`testing value ${op.path} failed`);
        }
        break;
      default:
        throw new JsonPatchError(`unexpected kind of operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}
