/**
 * Multi-document Talos machine configs: strict decoding of each YAML document into its Go type and
 * comment-free encoding (documents joined with "---\n"), as Talos' config container does.
 */
import { type GNode, mapGet, parseYamlDocuments, scalarValue } from "./go_yaml_parse.ts";
import { emitDocuments } from "./go_yaml_emit.ts";
import { clone, decode, DOCUMENT_TYPES, encode, type TV } from "./typed.ts";

export interface ConfigDocument {
  /** apiVersion ("" for the legacy v1alpha1 document). */
  apiVersion: string;
  /** kind ("v1alpha1" for the legacy document). */
  kind: string;
  /** name for named documents, else "". */
  name: string;
  /** Go type name from the type table. */
  type: string;
  value: TV;
}

export class ConfigLoadError extends Error {
  override name = "ConfigLoadError";
}

const LEGACY_KEYS = new Set(["machine", "cluster", "debug", "persist"]);

export function documentId(d: { apiVersion: string; kind: string; name: string }): string {
  return d.apiVersion + "/" + d.kind + (d.name ? "/" + d.name : "");
}

/** Decodes one YAML mapping node into a config document. */
export function decodeDocument(node: GNode): ConfigDocument {
  if (node.k !== "map") throw new ConfigLoadError("expected a YAML mapping document");
  let version = "";
  let kind = "";
  for (const [k, v] of node.entries) {
    if (k === "kind") kind = scalarValue(v);
    else if (k === "apiVersion") version = scalarValue(v);
    else if (LEGACY_KEYS.has(k)) version = "v1alpha1";
  }
  let type: string | undefined;
  if (version === "v1alpha1" && kind === "") type = DOCUMENT_TYPES["v1alpha1"];
  else if (kind === "") throw new ConfigLoadError("missing kind");
  else if (version === "") throw new ConfigLoadError("missing apiVersion");
  else if (version === "v1alpha1") type = DOCUMENT_TYPES[kind];
  if (!type) throw new ConfigLoadError(`"${kind}" "${version}": not registered`);
  const legacy = kind === "";
  let value: TV;
  try {
    value = decode(type, node);
  } catch (e) {
    throw new ConfigLoadError(`error decoding ${legacy ? "v1alpha1" : kind}: ${(e as Error).message}`);
  }
  const name = legacy ? "" : scalarValue(mapGet(node, "name"));
  return { apiVersion: legacy ? "" : version, kind: legacy ? "v1alpha1" : kind, name, type, value };
}

/** Loads a config (all documents; null documents skipped; duplicates rejected). */
export function loadConfig(text: string): ConfigDocument[] {
  const out: ConfigDocument[] = [];
  const seen = new Set<string>();
  for (const node of parseYamlDocuments(text)) {
    if (node.k === "scalar" && node.tag === "null") continue;
    const doc = decodeDocument(node);
    const id = documentId(doc);
    if (seen.has(id)) throw new ConfigLoadError(`duplicate document ${id} is not allowed`);
    seen.add(id);
    out.push(doc);
  }
  if (out.length === 0) throw new ConfigLoadError("config not found");
  return out;
}

/** Encodes documents the way Talos' `EncodeBytes(WithComments(CommentsDisabled))` does. */
export function encodeConfig(docs: readonly ConfigDocument[]): string {
  return emitDocuments(docs.map((d) => encode(d.type, d.value)));
}

export function cloneDocument(d: ConfigDocument): ConfigDocument {
  return { ...d, value: clone(d.value) };
}
