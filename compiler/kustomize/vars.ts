/** `vars` ($(NAME) substitution) and `replacements`. */
import { KustomizeError } from "./errors.ts";
import { type FieldSpec, specSelects, walkFieldSpec } from "./fieldspec.ts";
import { effectiveNs, isClusterScoped, type ResId, type Resource } from "./resource.ts";
import { type Selector, selectResources, toSelector } from "./select.ts";
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
  if (!isMap(v) || typeof v.name !== "string") throw new KustomizeError("invalid var", { file, path: "vars" });
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
    fieldPath: typeof f.fieldPath === "string" ? f.fieldPath : typeof f.fieldpath === "string" ? f.fieldpath : "metadata.name",
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
    const target: ResId = { group: v.group, version: v.version, kind: v.kind, name: v.objName, namespace: v.namespace };
    const withNs = v.namespace !== "" || isClusterScoped(target);
    const matched = rs.filter((r) =>
      r.allIds().some((id) =>
        id.name === target.name && id.group === target.group && id.version === target.version &&
        id.kind === target.kind && (!withNs || effectiveNs(id) === effectiveNs(target))
      )
    );
    if (matched.length > 1) {
      throw new KustomizeError(`found ${matched.length} resId matches for var ${v.name} (unable to disambiguate)`);
    }
    if (matched.length === 1) matched[0]!.refVarNames.push(v.name);
  }
}

export function resolveVars(all: Resource[], vars: Var[], specs: FieldSpec[]): void {
  if (vars.length === 0) return;
  const values = new Map<string, Value>();
  for (const v of [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bound = all.find((r) => r.refVarNames.includes(v.name));
    if (!bound) throw new KustomizeError(`var '${v.name}' cannot be mapped to a field in the set of known resources`);
    const fp = v.fieldPath.replace(/\[(\d+)\]/g, ".$1");
    const val = lookupField(bound.obj, splitFieldPath(fp));
    if (val === undefined) throw new KustomizeError(`field specified in var '${v.name}' not found in corresponding resource`);
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
    else if (isMap(v)) for (const k of Object.keys(v)) visit(v, k, v[k]!);
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
  if (typeof v.delimiter === "string") o.delimiter = v.delimiter;
  if (typeof v.index === "bigint") o.index = Number(v.index);
  if (v.create === true) o.create = true;
  return o;
}

function setField(obj: VMap, path: string[], value: Value, opts: Options, where: string): void {
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
          if (!opts.create) return;
          const nm = newMap();
          nm[k] = v;
          cur.push(nm);
          next = nm;
        }
      } else next = cur[Number(inner)];
      if (next === undefined) return;
      cur = next;
      continue;
    }
    if (seg === "*" && (Array.isArray(cur) || isMap(cur))) {
      const rest = path.slice(i + 1);
      const items: Value[] = Array.isArray(cur) ? cur : Object.values(cur);
      for (const it of items) if (isMap(it)) setField(it, rest, value, opts, where);
      return;
    }
    const key = m ? m[1]! : seg;
    if (Array.isArray(cur) && /^\d+$/.test(key)) {
      if (last) {
        cur[Number(key)] = applyDelim(cur[Number(key)], value, opts);
        return;
      }
      cur = cur[Number(key)] ?? null;
      continue;
    }
    if (!isMap(cur)) return;
    if (last) {
      if (!has(cur, key) && !opts.create) return;
      cur[key] = applyDelim(has(cur, key) ? cur[key] : undefined, value, opts);
      return;
    }
    if (!has(cur, key) || cur[key] === null) {
      if (!opts.create) return;
      cur[key] = /^\[/.test(path[i + 1] ?? "") ? [] : newMap();
    }
    cur = cur[key]!;
  }
}

function applyDelim(cur: Value | undefined, value: Value, opts: Options): Value {
  if (opts.delimiter === undefined) return clone(value);
  const parts = (scalarText(cur) ?? "").split(opts.delimiter);
  const idx = opts.index ?? 0;
  const v = scalarText(value) ?? "";
  if (idx >= parts.length) parts.push(v);
  else if (idx < 0) parts.unshift(v);
  else parts[idx] = v;
  return parts.join(opts.delimiter);
}

export function applyReplacements(all: Resource[], reps: Value[], file: string): void {
  reps.forEach((rep, i) => {
    if (!isMap(rep) || !isMap(rep.source)) {
      throw new KustomizeError(`replacements[${i}] needs a source`, { file, path: `replacements[${i}]` });
    }
    const src = rep.source;
    const sel = toSelector(src, `replacements[${i}].source`, file) ?? {};
    delete (sel as Selector).labelSelector;
    const matches = selectResources(all, { ...sel, ...(sel.name ? { name: escapeRe(sel.name) } : {}), ...(sel.namespace ? { namespace: escapeRe(sel.namespace) } : {}) });
    if (matches.length !== 1) {
      throw new KustomizeError(
        `replacements[${i}]: ${matches.length === 0 ? "nothing selected by" : "multiple matches for"} source selector`,
        { file, path: `replacements[${i}].source` },
      );
    }
    const fp = typeof src.fieldPath === "string" ? src.fieldPath : "metadata.name";
    let value = lookupField(matches[0]!.obj, splitFieldPath(fp));
    if (value === undefined) {
      throw new KustomizeError(`replacements[${i}]: fieldPath \`${fp}\` is missing for replacement source ${matches[0]!.name}`, { file });
    }
    const so = optionsOf(src.options);
    if (so.delimiter !== undefined) {
      const parts = (scalarText(value) ?? "").split(so.delimiter);
      value = parts[so.index ?? 0] ?? "";
    }
    const targets = Array.isArray(rep.targets) ? rep.targets : [];
    for (const t of targets) {
      if (!isMap(t)) continue;
      const tsel = toSelector(t.select, "select", file) ?? {};
      let list = selectResources(all, tsel);
      if (Array.isArray(t.reject)) {
        for (const rj of t.reject) {
          const rs = toSelector(rj, "reject", file) ?? {};
          const rejected = new Set(selectResources(all, rs));
          list = list.filter((r) => !rejected.has(r));
        }
      }
      const opts = optionsOf(t.options);
      const paths = Array.isArray(t.fieldPaths) ? t.fieldPaths : [];
      for (const r of list) {
        for (const p of paths) {
          if (typeof p !== "string") continue;
          setField(r.obj, splitFieldPath(p), value, opts, file);
        }
      }
    }
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
