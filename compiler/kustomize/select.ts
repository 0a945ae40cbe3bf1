/** Target selectors (group/version/kind/name/namespace regexes, label and annotation selectors). */
import { KustomizeError } from "./errors.ts";
import { effectiveNs, type Resource } from "./resource.ts";
import { getPath, isMap, scalarText, type Value } from "./value.ts";

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export function toSelector(v: Value | undefined, where: string, file: string): Selector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) throw new KustomizeError(`${where} must be a map`, { file, path: where });
  const s: Selector = {};
  for (
    const k of [
      "group",
      "version",
      "kind",
      "name",
      "namespace",
      "labelSelector",
      "annotationSelector",
    ] as const
  ) {
    const x = v[k];
    if (x !== undefined && x !== null) s[k] = scalarText(x) ?? "";
  }
  return s;
}

function anchored(re: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`);
  } catch {
    throw new KustomizeError(`invalid regular expression '${re}' in target selector`);
  }
}

type Req = { key: string; op: "=" | "!=" | "in" | "notin" | "exists" | "!"; values: string[] };

export function parseLabelSelector(s: string): Req[] {
  const reqs: Req[] = [];
  let i = 0;
  const src = s.trim();
  if (src === "") return reqs;
  // split on commas not inside parentheses
  const parts: string[] = [];
  let depth = 0, cur = "";
  for (; i < src.length; i++) {
    const c = src[i]!;
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) {
      reqs.push({ key: m[1]!, op: m[2] as "in" | "notin", values: m[3]!.split(",").map((x) => x.trim()) });
    } else if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(p))) {
      reqs.push({ key: m[1]!, op: "!=", values: [m[2]!] });
    } else if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(p))) {
      reqs.push({ key: m[1]!, op: "=", values: [m[2]!] });
    } else if ((m = /^!\s*(\S+)$/.exec(p))) {
      reqs.push({ key: m[1]!, op: "!", values: [] });
    } else if (/^\S+$/.test(p)) {
      reqs.push({ key: p, op: "exists", values: [] });
    } else throw new KustomizeError(`unable to parse selector '${s}'`);
  }
  return reqs;
}

export function matchesSelector(labels: Record<string, string>, s: string): boolean {
  for (const r of parseLabelSelector(s)) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "=":
        if (!has || v !== r.values[0]) return false;
        break;
      case "!=":
        if (has && v === r.values[0]) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v!)) return false;
        break;
      case "notin":
        if (has && r.values.includes(v!)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
    }
  }
  return true;
}

export function stringMapAt(r: Resource, path: string[]): Record<string, string> {
  const v = getPath(r.obj, path);
  const out: Record<string, string> = {};
  if (isMap(v)) { for (const k of Object.keys(v)) out[k] = scalarText(v[k]) ?? ""; }
  return out;
}

/** kustomize resWrangler.Select. */
export function selectResources(list: readonly Resource[], s: Selector): Resource[] {
  const re = (x: string | undefined) => (x ? anchored(x) : undefined);
  const g = re(s.group), v = re(s.version), k = re(s.kind), n = re(s.name), ns = re(s.namespace);
  return list.filter((r) => {
    const cur = r.curId(), org = r.orgId();
    if (ns && !ns.test(effectiveNs(org)) && !ns.test(effectiveNs(cur))) return false;
    if (n && !n.test(org.name) && !n.test(cur.name)) return false;
    const gvk = r.gvk();
    if (g && !g.test(gvk.group)) return false;
    if (v && !v.test(gvk.version)) return false;
    if (k && !k.test(gvk.kind)) return false;
    if (s.labelSelector && !matchesSelector(stringMapAt(r, ["metadata", "labels"]), s.labelSelector)) {
      return false;
    }
    if (
      s.annotationSelector &&
      !matchesSelector(stringMapAt(r, ["metadata", "annotations"]), s.annotationSelector)
    ) return false;
    return true;
  });
}
