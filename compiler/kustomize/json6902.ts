/** RFC 6902 JSON patch operations applied to a resource value (RFC 6901 pointers). */
import { KustomizeError } from "./errors.ts";
import { clone, deepEqual, has, isMap, type Value } from "./value.ts";

export interface JsonOp {
  op: string;
  path: string;
  from?: string;
  value?: Value;
}

function parsePointer(p: string): string[] {
  if (p === "") return [];
  if (!p.startsWith("/")) throw new KustomizeError(`invalid JSON pointer '${p}'`);
  return p.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function parent(doc: Value, toks: string[], op: string, path: string): { holder: Value; key: string } {
  let cur = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!/^\d+$/.test(t) || i >= cur.length) throw missing(op, path);
      cur = cur[i]!;
    } else if (isMap(cur)) {
      if (!has(cur, t)) throw missing(op, path);
      cur = cur[t]!;
    } else throw missing(op, path);
  }
  return { holder: cur, key: toks[toks.length - 1]! };
}

function missing(op: string, path: string): KustomizeError {
  return new KustomizeError(`unable to apply JSON patch operation '${op}': path '${path}' does not exist`);
}

function get(doc: Value, path: string, op: string): Value {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(t) || Number(t) >= cur.length) throw missing(op, path);
      cur = cur[Number(t)]!;
    } else if (isMap(cur) && has(cur, t)) cur = cur[t]!;
    else throw missing(op, path);
  }
  return cur;
}

function remove(doc: Value, path: string, op: string): Value {
  const toks = parsePointer(path);
  const { holder, key } = parent(doc, toks, op, path);
  if (Array.isArray(holder)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= holder.length) throw missing(op, path);
    return holder.splice(i, 1)[0]!;
  }
  if (isMap(holder) && has(holder, key)) {
    const v = holder[key]!;
    delete holder[key];
    return v;
  }
  throw missing(op, path);
}

function add(doc: Value, path: string, value: Value, op: string): Value {
  const toks = parsePointer(path);
  if (toks.length === 0) return value;
  const { holder, key } = parent(doc, toks, op, path);
  if (Array.isArray(holder)) {
    if (key === "-") holder.push(value);
    else {
      const i = Number(key);
      if (!/^\d+$/.test(key) || i > holder.length) throw missing(op, path);
      holder.splice(i, 0, value);
    }
  } else if (isMap(holder)) holder[key] = value;
  else throw missing(op, path);
  return doc;
}

export function applyJson6902(doc: Value, ops: JsonOp[]): Value {
  let d = doc;
  for (const o of ops) {
    switch (o.op) {
      case "add":
        d = add(d, o.path, clone(o.value ?? null), "add");
        break;
      case "remove":
        remove(d, o.path, "remove");
        break;
      case "replace": {
        const toks = parsePointer(o.path);
        if (toks.length === 0) {
          d = clone(o.value ?? null);
          break;
        }
        get(d, o.path, "replace");
        const { holder, key } = parent(d, toks, "replace", o.path);
        if (Array.isArray(holder)) holder[Number(key)] = clone(o.value ?? null);
        else if (isMap(holder)) holder[key] = clone(o.value ?? null);
        break;
      }
      case "move": {
        const v = remove(d, o.from ?? "", "move");
        d = add(d, o.path, v, "move");
        break;
      }
      case "copy": {
        const v = clone(get(d, o.from ?? "", "copy"));
        d = add(d, o.path, v, "copy");
        break;
      }
      case "test": {
        const v = get(d, o.path, "test");
        if (!deepEqual(v, o.value ?? null)) {
          throw new KustomizeError(`testing value ${o.path} failed: test failed`);
        }
        break;
      }
      default:
        throw new KustomizeError(`unexpected kind: ${o.op}`);
    }
  }
  return d;
}

export function toOps(v: Value, file: string): JsonOp[] {
  if (!Array.isArray(v)) throw new KustomizeError("a JSON 6902 patch must be a list of operations", { file });
  return v.map((x, i) => {
    if (!isMap(x) || typeof x.op !== "string") {
      throw new KustomizeError(`JSON 6902 patch operation ${i} has no 'op'`, { file });
    }
    const op: JsonOp = { op: x.op, path: typeof x.path === "string" ? x.path : "" };
    if (typeof x.from === "string") op.from = x.from;
    if (has(x, "value")) op.value = x.value!;
    return op;
  });
}
