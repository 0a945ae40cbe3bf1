/**
 * Parses YAML text into generic nodes that keep what Go's decoder needs: mapping key order,
 * whether a scalar was plain (so its tag is resolved the Go way) or quoted (always a string).
 */
import { isMap, isScalar, isSeq, parseAllDocuments, Scalar } from "yaml";
import { type ResolvedTag, resolvePlain } from "./go_yaml_emit.ts";

export type GNode =
  | { k: "map"; entries: Array<[string, GNode]> }
  | { k: "seq"; items: GNode[] }
  | { k: "scalar"; value: string; tag: ResolvedTag };

export class YamlParseError extends Error {
  override name = "YamlParseError";
}

function convert(node: unknown): GNode {
  if (node === null || node === undefined) return { k: "scalar", value: "", tag: "null" };
  if (isMap(node)) {
    const entries: Array<[string, GNode]> = [];
    for (const pair of node.items) {
      const key = convert(pair.key);
      if (key.k !== "scalar") throw new YamlParseError("complex mapping keys are not supported");
      entries.push([key.value, convert(pair.value)]);
    }
    return { k: "map", entries };
  }
  if (isSeq(node)) return { k: "seq", items: node.items.map(convert) };
  if (isScalar(node)) {
    const s = node as Scalar;
    const value = String(s.value ?? "");
    if (s.type === Scalar.PLAIN) return { k: "scalar", value, tag: resolvePlain(value) };
    if (s.tag === "!!null") return { k: "scalar", value: "", tag: "null" };
    return { k: "scalar", value, tag: "str" };
  }
  throw new YamlParseError("unsupported YAML node (aliases are not supported)");
}

/** Parses every document of a YAML stream; empty documents come back as null scalars. */
export function parseYamlDocuments(text: string): GNode[] {
  const docs = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const out: GNode[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new YamlParseError(d.errors[0]!.message);
    out.push(convert(d.contents));
  }
  return out;
}

/** Converts plain JS data (objects in insertion order) into a generic node. */
export function fromJS(v: unknown): GNode {
  if (v === null || v === undefined) return { k: "scalar", value: "", tag: "null" };
  if (typeof v === "string") return { k: "scalar", value: v, tag: "str" };
  if (typeof v === "boolean") return { k: "scalar", value: String(v), tag: "bool" };
  if (typeof v === "number") {
    return { k: "scalar", value: String(v), tag: Number.isInteger(v) ? "int" : "float" };
  }
  if (Array.isArray(v)) return { k: "seq", items: v.map(fromJS) };
  if (v instanceof Map) {
    return { k: "map", entries: [...v.entries()].map(([k, x]) => [String(k), fromJS(x)]) };
  }
  if (typeof v === "object") {
    return {
      k: "map",
      entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJS(x)]),
    };
  }
  throw new YamlParseError(`cannot convert ${typeof v}`);
}

export function mapGet(n: GNode, key: string): GNode | undefined {
  if (n.k !== "map") return undefined;
  for (const [k, v] of n.entries) if (k === key) return v;
  return undefined;
}

export function scalarValue(n: GNode | undefined): string {
  return n && n.k === "scalar" && n.tag !== "null" ? n.value : "";
}
