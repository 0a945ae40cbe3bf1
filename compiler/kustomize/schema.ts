/**
 * Strategic-merge metadata from kustomize's embedded Kubernetes v1.21.2 OpenAPI document
 * (data/openapi_patch_graph.json): GVK → definition, property refs, patch strategy and merge keys.
 */
import graph from "./data/openapi_patch_graph.json" with { type: "json" };

interface PropInfo {
  ref?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-list-map-keys"?: string;
}
interface DefInfo {
  gvk?: string;
  properties?: Record<string, PropInfo>;
}

const DEFS = graph as unknown as Record<string, DefInfo>;

/** A node of the schema walk: the definition of an object, or the property entry of a list/field. */
export interface SchemaNode {
  /** definition name for objects (the item type for lists) */
  def?: string | undefined;
  /** patch strategy of this field (list) */
  strategy?: string | undefined;
  /** merge keys (list-map-keys when present, else the patch merge key) */
  keys?: string[] | undefined;
}

let byGvk: Map<string, string> | undefined;

function parseListText(text: string): string[] {
  // values are YAML text of a list of scalars: "- a\n- b"
  return text.split("\n").map((l) => l.replace(/^-\s*/, "").trim()).filter((l) => l !== "");
}

function gvkIndex(): Map<string, string> {
  if (byGvk) return byGvk;
  byGvk = new Map();
  for (const [name, def] of Object.entries(DEFS)) {
    if (!def.gvk) continue;
    // "- group: apps\n  kind: Deployment\n  version: v1" possibly several entries
    for (const entry of def.gvk.split(/\n(?=- )/)) {
      const g = /group: ?"?([^"\n]*)"?/.exec(entry)?.[1] ?? "";
      const k = /kind: ?([^\n]*)/.exec(entry)?.[1] ?? "";
      const v = /version: ?([^\n]*)/.exec(entry)?.[1] ?? "";
      const key = `${g.trim()}/${v.trim()}/${k.trim()}`;
      if (!byGvk.has(key)) byGvk.set(key, name);
    }
  }
  return byGvk;
}

export function schemaForResource(apiVersion: string, kind: string): SchemaNode | null {
  const [g, v] = apiVersion.includes("/") ? apiVersion.split("/", 2) as [string, string] : ["", apiVersion];
  const def = gvkIndex().get(`${g}/${v}/${kind}`);
  return def ? { def } : null;
}

export function schemaField(s: SchemaNode | null, field: string): SchemaNode | null {
  if (!s?.def) return null;
  const p = DEFS[s.def]?.properties?.[field];
  if (!p) return null;
  let keys: string[] | undefined;
  if (p["x-kubernetes-list-map-keys"]) keys = parseListText(p["x-kubernetes-list-map-keys"]);
  else if (p["x-kubernetes-patch-merge-key"]) keys = [p["x-kubernetes-patch-merge-key"]];
  return {
    def: p.ref && DEFS[p.ref] ? p.ref : undefined,
    strategy: p["x-kubernetes-patch-strategy"],
    keys: p["x-kubernetes-patch-strategy"] ? keys ?? [] : [],
  };
}

/** Schema of the items of a list field. */
export function schemaElements(s: SchemaNode | null): SchemaNode | null {
  if (!s?.def) return null;
  return { def: s.def };
}

export function isMergeList(s: SchemaNode | null): boolean {
  return !!s?.strategy && s.strategy.split(",").includes("merge");
}
