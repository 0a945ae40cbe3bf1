/**
 * `buildMetadata` bookkeeping: where each resource came from (`config.kubernetes.io/origin`) and which builtin
 * transformers touched it (`alpha.config.kubernetes.io/transformations`), as kustomize v5.6.0 records them.
 */
import { normalizePath } from "./fs.ts";
import { isMap, type VMap } from "./value.ts";
import { v2ResolvesNonString } from "./yaml_emit.ts";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";
export const TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "kustomize-v5.6.0";

export interface ConfiguredBy {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** kustomize resource.Origin (fields in its YAML order; empty ones omitted). */
export interface Origin {
  path?: string;
  repo?: string;
  ref?: string;
  configuredIn?: string;
  configuredBy?: ConfiguredBy;
}

/** Go `filepath.Join` for the relative paths origins carry (empty elements ignored, result cleaned). */
export function goJoin(...parts: string[]): string {
  const p = parts.filter((x) => x !== "");
  if (p.length === 0) return "";
  return normalizePath(p.join("/"));
}

/** An origin for a builtin generator/transformer configured by a kustomization file. */
export function builtinOrigin(originPath: string, kfileName: string, kind: string): Origin {
  return { configuredIn: goJoin(originPath, kfileName), configuredBy: { apiVersion: "builtin", kind } };
}

/** resource.OriginFromCustomPlugin: a plugin config (inline or from a file) as origin of what it does. */
export function pluginOrigin(configPath: string, cfg: VMap): Origin {
  const md = isMap(cfg.metadata) ? cfg.metadata : undefined;
  const by: ConfiguredBy = {};
  if (typeof cfg.apiVersion === "string" && cfg.apiVersion) by.apiVersion = cfg.apiVersion;
  if (typeof cfg.kind === "string" && cfg.kind) by.kind = cfg.kind;
  if (md && typeof md.name === "string" && md.name) by.name = md.name;
  if (md && typeof md.namespace === "string" && md.namespace) by.namespace = md.namespace;
  return { configuredIn: configPath, configuredBy: by };
}

function scalar(s: string): string {
  const plain = s !== "" && /^[A-Za-z0-9_./~][A-Za-z0-9_./~ -]*$/.test(s) && !s.endsWith(" ") &&
    !v2ResolvesNonString(s) && !/^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|~)$/.test(s);
  return plain ? s : `'${s.replaceAll("'", "''")}'`;
}

function originLines(o: Origin): string[] {
  const out: string[] = [];
  for (const k of ["path", "repo", "ref", "configuredIn"] as const) {
    const v = o[k];
    if (v) out.push(`${k}: ${scalar(v)}`);
  }
  const by = o.configuredBy;
  if (by && (by.apiVersion || by.kind || by.name || by.namespace)) {
    out.push("configuredBy:");
    for (const k of ["apiVersion", "kind", "name", "namespace"] as const) {
      const v = by[k];
      if (v) out.push(`  ${k}: ${scalar(v)}`);
    }
  }
  return out;
}

/** Origin.String(): kyaml.Marshal of the origin. */
export function originString(o: Origin): string {
  const lines = originLines(o);
  return lines.length === 0 ? "{}\n" : lines.map((l) => l + "\n").join("");
}

/** Transformations.String(): kyaml.Marshal of the list (sequence items not indented). */
export function transformationsString(list: Origin[]): string {
  if (list.length === 0) return "[]\n";
  let s = "";
  for (const o of list) {
    const lines = originLines(o);
    if (lines.length === 0) {
      s += "- {}\n";
      continue;
    }
    lines.forEach((l, i) => (s += (i === 0 ? "- " : "  ") + l + "\n"));
  }
  return s;
}
