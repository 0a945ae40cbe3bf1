/** `vars` ($(NAME) substitution) and `replacements`. */
import { KustomizeError } from "./errors.ts";
import { type FieldSpec, specSelects, walkFieldSpec } from "./fieldspec.ts";
import { effectiveNs, idString, isClusterScoped, type ResId, type Resource } from "./resource.ts";
import { matchesSelector, stringMapAt } from "./select.ts";
import { resolvePlain } from "./yaml_parse.ts";
import { clone, has, isMap, newMap, scalarText, type Value, type VMap } from "./value.ts";

export interface Var {
  name: string;
  apiVersion: string;
  /** objref GVK as kustomize's Target.GVK() derives it (apiVersion wins over inline group/version) */
  group: string;
  version: string;
  kind: string;
  objName: string;
  namespace: string;
  fieldPath: string;
}

export function toVar(v: Value, file: string): Var {
  if (!isMap(v) || typeof v.name !== "string") {
    throw new KustomizeError("invalid var", { file, path: "vars" });
  }
  const o = isMap(v.objref) ? v.objref : newMap();
  const f = isMap(v.fieldref) ? v.fieldref : newMap();
  const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
  let group = typeof o.group === "string" ? o.group : "";
  let version = typeof o.version === "string" ? o.version : "";
  if (apiVersion !== "") {
    const parts = apiVersion.split("/");
    if (parts.length === 2) [group, version] = [parts[0]!, parts[1]!];
    else if (parts.length === 1) version = parts[0]!;
  }
  return {
    name: v.name,
    apiVersion,
    group,
    version,
    kind: typeof o.kind === "string" ? o.kind : "",
    objName: typeof o.name === "string" ? o.name : "",
    namespace: typeof o.namespace === "string" ? o.namespace : "",
    fieldPath: typeof f.fieldPath === "string"
      ? f.fieldPath
      : typeof f.fieldpath === "string"
      ? f.fieldpath
      : "metadata.name",
  };
}

/** Split a kyaml field path: `a.b[c=d].e` / `a.[c=d]` / `a.0`. */
export function splitFieldPath(p: string): string[] {
  const out: string[] = [];
  let cur = "";
  let depth = 0;
  for (const c of p) {
    if (c === "[") {
      if (depth === 0 && cur !== "") {
        out.push(cur);
        cur = "";
      }
      depth++;
      cur += c;
    } else if (c === "]") {
      depth--;
      cur += c;
    } else if (c === "." && depth === 0) {
      if (cur !== "") out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur !== "") out.push(cur);
  return out;
}

export function lookupField(obj: Value, path: string[]): Value | undefined {
  let cur: Value | undefined = obj;
  for (const seg of path) {
    if (cur === undefined || cur === null) return undefined;
    const m = /^\[(.*)\]$/.exec(seg);
    if (m) {
      const inner = m[1]!;
      const eq = inner.indexOf("=");
      if (eq >= 0 && Array.isArray(cur)) {
        const k = inner.slice(0, eq), v = inner.slice(eq + 1);
        cur = cur.find((e) => isMap(e) && scalarText(e[k]) === v);
        continue;
      }
      if (/^\d+$/.test(inner) && Array.isArray(cur)) {
        cur = cur[Number(inner)];
        continue;
      }
      if (isMap(cur)) {
        cur = has(cur, inner) ? cur[inner] : undefined;
        continue;
      }
      return undefined;
    }
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(seg)) cur = cur[Number(seg)];
      else return undefined;
    } else if (isMap(cur)) cur = has(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}

/**
 * ResAccumulator.MergeVars: when a kustomization declaring vars is accumulated, each var is bound to the one
 * resource of that kustomization's accumulated set whose any id (current or previous) has the objref's exact
 * GVK and name (and effective namespace when the objref names one or the kind is cluster-scoped).
 */
export function bindVars(rs: Resource[], vars: Var[]): void {
  for (const v of vars) {
    const target: ResId = {
      group: v.group,
      version: v.version,
      kind: v.kind,
      name: v.objName,
      namespace: v.namespace,
    };
    const withNs = v.namespace !== "" || isClusterScoped(target);
    const matched = rs.filter((r) =>
      r.allIds().some((id) =>
        id.name === target.name && id.group === target.group && id.version === target.version &&
        id.kind === target.kind && (!withNs || effectiveNs(id) === effectiveNs(target))
      )
    );
    if (matched.length > 1) {
      throw new KustomizeError(
        `found ${matched.length} resId matches for var ${v.name} (unable to disambiguate)`,
      );
    }
    if (matched.length === 1) matched[0]!.refVarNames.push(v.name);
  }
}

export function resolveVars(all: Resource[], vars: Var[], specs: FieldSpec[]): void {
  if (vars.length === 0) return;
  const values = new Map<string, Value>();
  for (const v of [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bound = all.find((r) => r.refVarNames.includes(v.name));
    if (!bound) {
      throw new KustomizeError(`var '${v.name}' cannot be mapped to a field in the set of known resources`);
    }
    const fp = v.fieldPath.replace(/\[(\d+)\]/g, ".$1");
    const val = lookupField(bound.obj, splitFieldPath(fp));
    if (val === undefined) {
      throw new KustomizeError(`field specified in var '${v.name}' not found in corresponding resource`);
    }
    values.set(v.name, val);
  }
  const re = /\$\(([^)]*)\)/g;
  const subst = (s: string): Value => {
    const whole = /^\$\(([^)]*)\)$/.exec(s);
    if (whole && values.has(whole[1]!)) {
      const v = values.get(whole[1]!)!;
      return isMap(v) || Array.isArray(v) ? clone(v) : v;
    }
    return s.replace(re, (m, name: string) => {
      if (!values.has(name)) return m;
      return scalarText(values.get(name)) ?? m;
    });
  };
  const visit = (holder: VMap | Value[], key: string | number, v: Value) => {
    if (typeof v === "string") (holder as Record<string | number, Value>)[key] = subst(v);
    else if (Array.isArray(v)) v.forEach((x, i) => visit(v, i, x));
    else if (isMap(v)) { for (const k of Object.keys(v)) visit(v, k, v[k]!); }
  };
  for (const r of all) {
    const gvk = r.gvk();
    for (const f of specs) {
      if (!specSelects(f, gvk)) continue;
      walkFieldSpec(r.obj, { ...f, create: false }, "none", (s) => {
        if (s.value !== undefined) visit(s.holder, s.key, s.value);
      });
    }
  }
}

interface Options {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

function optionsOf(v: Value | undefined): Options {
  const o: Options = {};
  if (!isMap(v)) return o;
  if (typeof v.delimiter === "string" && v.delimiter !== "") o.delimiter = v.delimiter;
  if (typeof v.index === "bigint") o.index = Number(v.index);
  if (v.create === true) o.create = true;
  return o;
}

/** The text kyaml copies into a scalar target (a map or list source has none). */
function textOf(v: Value): string {
  return scalarText(v) ?? "";
}

/**
 * setFieldValue: a scalar target keeps its type and takes the source's text (a created one is an untagged
 * plain scalar, so the text is re-resolved); a map/list target is replaced by the source node.
 */
function assign(cur: Value | undefined, value: Value, opts: Options): Value {
  if (opts.delimiter !== undefined) {
    if (cur !== undefined && (isMap(cur) || Array.isArray(cur))) {
      throw new KustomizeError("delimiter option can only be used with scalar nodes");
    }
    const parts = (cur === undefined ? "" : textOf(cur)).split(opts.delimiter);
    const idx = opts.index ?? 0;
    const v = textOf(value);
    if (idx < 0) parts.unshift(v);
    else if (idx >= parts.length) parts.push(v);
    else parts[idx] = v;
    value = parts.join(opts.delimiter);
  }
  if (cur === undefined) {
    // created: a node of the source's kind
    return isMap(value) || Array.isArray(value) ? clone(value) : resolvePlain(textOf(value));
  }
  if (isMap(cur) || Array.isArray(cur)) return clone(value);
  if (typeof cur === "string") return textOf(value);
  return resolvePlain(textOf(value));
}

/** kyaml PathMatcher + setFieldValue over one target; returns how many fields were set. */
function setField(obj: VMap, path: string[], value: Value, opts: Options): number {
  let cur: Value = obj;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const m = /^\[(.*)\]$/.exec(seg);
    if (m && Array.isArray(cur)) {
      const inner = m[1]!;
      const eq = inner.indexOf("=");
      let next: Value | undefined;
      if (eq >= 0) {
        const k = inner.slice(0, eq), v = inner.slice(eq + 1);
        next = cur.find((e) => isMap(e) && scalarText(e[k]) === v);
        if (next === undefined) {
          if (!opts.create) return 0;
          const nm = newMap();
          nm[k] = v;
          cur.push(nm);
          next = nm;
        }
      } else next = cur[Number(inner)];
      if (next === undefined) return 0;
      if (last) return 0;
      cur = next;
      continue;
    }
    if (seg === "*" && (Array.isArray(cur) || isMap(cur))) {
      const rest = path.slice(i + 1);
      const items: Value[] = Array.isArray(cur) ? cur : Object.values(cur);
      let n = 0;
      for (const it of items) if (isMap(it)) n += setField(it, rest, value, opts);
      return n;
    }
    const key = m ? m[1]! : seg;
    if (Array.isArray(cur) && /^\d+$/.test(key)) {
      const j = Number(key);
      if (j >= cur.length) return 0;
      if (last) {
        cur[j] = assign(cur[j], value, opts);
        return 1;
      }
      cur = cur[j] ?? null;
      continue;
    }
    if (!isMap(cur)) return 0;
    if (last) {
      if (!has(cur, key) && !opts.create) return 0;
      cur[key] = assign(has(cur, key) ? cur[key] : undefined, value, opts);
      return 1;
    }
    if (!has(cur, key) || cur[key] === null) {
      if (!opts.create) return 0;
      cur[key] = /^\[/.test(path[i + 1] ?? "") ? [] : newMap();
    }
    cur = cur[key]!;
  }
  return 0;
}

const REPLACEMENT_FIELDS = new Set(["source", "targets", "path"]);
const SOURCE_FIELDS = new Set(["group", "version", "kind", "name", "namespace", "fieldPath", "options"]);
const OPTION_FIELDS = new Set(["delimiter", "index", "encoding", "create"]);
const SELECTOR_FIELDS = new Set([
  "group",
  "version",
  "kind",
  "name",
  "namespace",
  "labelSelector",
  "annotationSelector",
]);
const TARGET_FIELDS = new Set(["select", "reject", "fieldPaths", "options"]);

/** The Kustomization's strict JSON decoding of an inline replacement. */
function checkReplacementFields(rep: VMap, file: string): void {
  const check = (v: Value | undefined, allowed: Set<string>) => {
    if (!isMap(v)) return;
    for (const k of Object.keys(v)) {
      if (!allowed.has(k)) {
        throw new KustomizeError(`invalid Kustomization: json: unknown field "${k}"`, {
          file,
          path: "replacements",
        });
      }
    }
  };
  check(rep, REPLACEMENT_FIELDS);
  check(rep.source, SOURCE_FIELDS);
  if (isMap(rep.source)) check(rep.source.options, OPTION_FIELDS);
  if (Array.isArray(rep.targets)) {
    for (const t of rep.targets) {
      check(t, TARGET_FIELDS);
      if (!isMap(t)) continue;
      check(t.select, SELECTOR_FIELDS);
      if (Array.isArray(t.reject)) { for (const r of t.reject) check(r, SELECTOR_FIELDS); }
      check(t.options, OPTION_FIELDS);
    }
  }
}

/** resid.ResId of a selector map (group/version/kind/name/namespace; everything else ignored). */
function resIdOf(v: Value | undefined): ResId {
  const m = isMap(v) ? v : newMap();
  const str = (k: string) => scalarText(m[k] ?? undefined) ?? "";
  return {
    group: str("group"),
    version: str("version"),
    kind: str("kind"),
    name: str("name"),
    namespace: str("namespace"),
  };
}

/** ResId.IsSelectedBy: exact name, effective namespace, GVK fields where given. */
function selectedBy(id: ResId, sel: ResId): boolean {
  return (sel.name === "" || sel.name === id.name) &&
    (sel.namespace === "" || effectiveNs(sel) === effectiveNs(id)) &&
    (sel.group === "" || sel.group === id.group) && (sel.version === "" || sel.version === id.version) &&
    (sel.kind === "" || sel.kind === id.kind);
}

function isEmptyId(id: ResId): boolean {
  return !id.group && !id.version && !id.kind && !id.name && !id.namespace;
}

function annoLabelMatch(r: Resource, sel: Value | undefined): boolean {
  const m = isMap(sel) ? sel : newMap();
  const ls = scalarText(m.labelSelector ?? undefined) ?? "";
  const as = scalarText(m.annotationSelector ?? undefined) ?? "";
  if (as && !matchesSelector(stringMapAt(r, ["metadata", "annotations"]), as)) return false;
  if (ls && !matchesSelector(stringMapAt(r, ["metadata", "labels"]), ls)) return false;
  return true;
}

function optionsString(o: Options): string {
  if (o.delimiter === undefined && !o.create) return "";
  return `${o.delimiter ?? ""}(${o.index ?? 0}), create=${o.create ? "true" : "false"}`;
}

/** A replacement entry, and whether it came inline from a kustomization (strictly decoded). */
export interface ReplacementEntry {
  value: Value;
  strict: boolean;
}

export function applyReplacements(all: Resource[], reps: ReplacementEntry[], file: string): void {
  reps.forEach(({ value: rep, strict }, i) => {
    if (strict && isMap(rep)) checkReplacementFields(rep, file);
    if (!isMap(rep) || !isMap(rep.source) || !Array.isArray(rep.targets)) {
      throw new KustomizeError("replacements must specify a source and at least one target", {
        file,
        path: `replacements[${i}]`,
      });
    }
    const src = rep.source;
    const sid = resIdOf(src);
    const so = optionsOf(src.options);
    const rawFp = typeof src.fieldPath === "string" ? src.fieldPath : "";
    const srcString = [
      idString(sid),
      ...(rawFp ? [rawFp] : []),
      ...(optionsString(so) ? [optionsString(so)] : []),
    ].join(":");
    const matches = all.filter((r) => r.allIds().some((id) => selectedBy(id, sid)));
    if (matches.length > 1) {
      throw new KustomizeError(`multiple matches for selector ${srcString}`, {
        file,
        path: `replacements[${i}].source`,
      });
    }
    if (matches.length === 0) {
      throw new KustomizeError(`nothing selected by ${srcString}`, {
        file,
        path: `replacements[${i}].source`,
      });
    }
    const fp = rawFp || "metadata.name";
    let value = lookupField(matches[0]!.obj, splitFieldPath(fp));
    if (
      value === undefined || value === null || (isMap(value) && Object.keys(value).length === 0) ||
      (Array.isArray(value) && value.length === 0)
    ) {
      throw new KustomizeError(`fieldPath \`${fp}\` is missing for replacement source ${idString(sid)}`, {
        file,
      });
    }
    if (so.delimiter !== undefined) {
      if (isMap(value) || Array.isArray(value)) {
        throw new KustomizeError("delimiter option can only be used with scalar nodes", { file });
      }
      const parts = textOf(value).split(so.delimiter);
      const idx = so.index ?? 0;
      if (idx >= parts.length || idx < 0) {
        throw new KustomizeError(`options.index ${idx} is out of bounds for value ${textOf(value)}`, {
          file,
        });
      }
      value = parts[idx]!;
    }
    for (const t of rep.targets) {
      if (!isMap(t) || !isMap(t.select)) {
        throw new KustomizeError("target must specify resources to select", { file });
      }
      const selId = resIdOf(t.select);
      const rejects = Array.isArray(t.reject) ? t.reject : [];
      const opts = optionsOf(t.options);
      const paths = Array.isArray(t.fieldPaths) && t.fieldPaths.length > 0 ? t.fieldPaths : ["metadata.name"];
      for (const r of all) {
        if (!annoLabelMatch(r, t.select)) continue;
        if (
          rejects.some((rj) =>
            isMap(rj) && (rj.labelSelector || rj.annotationSelector) && annoLabelMatch(r, rj)
          )
        ) continue;
        const ids = r.allIds();
        if (!ids.some((id) => selectedBy(id, selId))) continue;
        if (rejects.some((rj) => !isEmptyId(resIdOf(rj)) && ids.some((id) => selectedBy(id, resIdOf(rj))))) {
          continue;
        }
        for (const p of paths) {
          if (typeof p !== "string") continue;
          if (setField(r.obj, splitFieldPath(p), value, opts) === 0) {
            throw new KustomizeError(
              `unable to find ${opts.create ? "or create " : ""}field "${p}" in replacement target`,
              { file },
            );
          }
        }
      }
    }
  });
}
