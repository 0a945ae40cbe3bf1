// Values: user-value merging, coalescing with chart defaults, dependency enabling and import-values
// (renderers.md §3.2, §3.3) — a port of Helm 3.17 pkg/chartutil/{coalesce,dependencies}.go.

import { goPrint } from "../template/mod.ts";
import type { Chart, Dependency } from "./loader.ts";
import { Chart as ChartClass } from "./loader.ts";
import { parseVersion, satisfies } from "./semver.ts";

export type Values = Record<string, unknown>;

export function isTable(v: unknown): v is Values {
  return v !== null && typeof v === "object" && !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype;
}

export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (isTable(v)) {
    const o: Values = {};
    for (const k of Object.keys(v)) o[k] = deepCopy(v[k]);
    return o as T;
  }
  return v;
}

export type Warn = (msg: string) => void;
let warn: Warn = () => {};
export function setWarningSink(w: Warn): void {
  warn = w;
}

/** Merge of -f files (later wins, maps merge recursively). */
export function mergeMaps(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (isTable(v) && isTable(out[k])) {
      out[k] = mergeMaps(out[k] as Values, v);
      continue;
    }
    out[k] = v;
  }
  return out;
}

const concatPrefix = (a: string, b: string) => (a === "" ? b : `${a}.${b}`);

export function coalesceValues(ch: Chart, vals: Values | null): Values {
  return coalesce(ch, deepCopy(vals ?? {}), "", false);
}
export function mergeValues(ch: Chart, vals: Values | null): Values {
  return coalesce(ch, deepCopy(vals ?? {}), "", true);
}

function coalesce(ch: Chart, dest: Values, prefix: string, merge: boolean): Values {
  coalesceVals(ch, dest, prefix, merge);
  return coalesceDeps(ch, dest, prefix, merge);
}

function coalesceDeps(ch: Chart, dest: Values, prefix: string, merge: boolean): Values {
  for (const sub of ch.dependencies) {
    const c = dest[sub.name];
    if (!(sub.name in dest)) dest[sub.name] = {};
    else if (!isTable(c)) throw new Error(`type mismatch on ${sub.name}: %!t(${goTypeOf(c)}=${goPrint(c)})`);
    const dv = dest[sub.name] as Values;
    const subPrefix = concatPrefix(prefix, ch.meta.Name);
    coalesceGlobals(dv, dest, subPrefix);
    dest[sub.name] = coalesce(sub, dv, subPrefix, merge);
  }
  return dest;
}

function goTypeOf(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return "interface {}";
}

function coalesceGlobals(dest: Values, src: Values, prefix: string): void {
  let dg: Values, sg: Values;
  if (!("global" in dest)) dg = {};
  else if (isTable(dest.global)) dg = dest.global;
  else {
    warn(`warning: skipping globals because destination global is not a table.`);
    return;
  }
  if (!("global" in src)) sg = {};
  else if (isTable(src.global)) sg = src.global;
  else {
    warn(`warning: skipping globals because source global is not a table.`);
    return;
  }
  for (const [key, val] of Object.entries(sg)) {
    if (isTable(val)) {
      const vv = deepCopy(val);
      if (!(key in dg)) dg[key] = vv;
      else {
        const destv = dg[key];
        if (!isTable(destv)) warn(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
        else {
          coalesceTablesFullKey(vv, destv, concatPrefix(prefix, key), true);
          dg[key] = vv;
        }
      }
    } else if (key in dg && isTable(dg[key])) {
      warn(`key ${key} is table. Skipping`);
    } else dg[key] = val;
  }
  dest.global = dg;
}

function coalesceVals(c: Chart, v: Values, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, c.meta.Name);
  const vc = deepCopy(c.values);
  for (const [key, val] of Object.entries(vc)) {
    if (key in v) {
      const value = v[key];
      if (value === null && !merge) delete v[key];
      else if (isTable(value)) {
        if (!isTable(val)) {
          if (val !== null) warn(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          const m = c.dependencies.some((d) => d.name === key) ? true : merge;
          coalesceTablesFullKey(value, val, concatPrefix(subPrefix, key), m);
        }
      }
    } else v[key] = val;
  }
}

export function coalesceTablesFullKey(
  dst: Values | null,
  src: Values | null,
  prefix: string,
  merge: boolean,
): Values | null {
  if (src === null) return dst;
  if (dst === null) return src;
  for (const [key, val] of Object.entries(dst)) if (val === null) src[key] = null;
  for (const [key, val] of Object.entries(src)) {
    const fullkey = concatPrefix(prefix, key);
    const ok = key in dst;
    const dv = dst[key];
    if (ok && !merge && dv === null) delete dst[key];
    else if (!ok) dst[key] = val;
    else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesFullKey(dv, val, fullkey, merge);
      else warn(`warning: cannot overwrite table with non table for ${fullkey} (${goPrint(val)})`);
    } else if (isTable(dv) && val !== null) {
      warn(`warning: destination for ${fullkey} is a table. Ignoring non-table value (${goPrint(val)})`);
    }
  }
  return dst;
}

export function mergeTables(dst: Values, src: Values): Values {
  return coalesceTablesFullKey(dst, src, "", true)!;
}
export function coalesceTables(dst: Values, src: Values): Values {
  return coalesceTablesFullKey(dst, src, "", false)!;
}

// ---------------------------------------------------------------- path helpers

export function table(v: Values, name: string): Values | undefined {
  if (name === "") return v;
  let cur: unknown = v;
  for (const p of name.split(".")) {
    if (!isTable(cur) || !(p in cur)) return undefined;
    cur = cur[p];
  }
  return isTable(cur) ? cur : undefined;
}

function pathValue(v: Values, path: string): { ok: boolean; value?: unknown } {
  if (path === "") return { ok: false };
  const parts = path.split(".");
  const key = parts.pop()!;
  if (parts.length === 0) {
    if (key in v && !isTable(v[key])) return { ok: true, value: v[key] };
    return { ok: false };
  }
  const t = table(v, parts.join("."));
  if (!t) return { ok: false };
  if (key in t && !isTable(t[key])) return { ok: true, value: t[key] };
  return { ok: false };
}

function pathToMap(path: string, data: Values): Values {
  if (path === ".") return data;
  const parts = path.split(".").filter((p) => p !== "");
  const out: Values = {};
  let cur = out;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) cur[p] = data;
    else {
      const n: Values = {};
      cur[p] = n;
      cur = n;
    }
  });
  return out;
}

function trimNil(v: Values): Values {
  const out: Values = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    out[k] = isTable(x) ? trimNil(x) : x;
  }
  return out;
}

// ---------------------------------------------------------------- dependencies

function compatible(constraint: string, version: string): boolean {
  if (constraint.trim() === "") return false; // Masterminds: an empty constraint does not parse
  return satisfies(constraint, version);
}

export function checkDependencies(ch: Chart): void {
  const missing: string[] = [];
  for (const r of ch.deps) {
    if (!ch.dependencies.some((d) => d.name === r.Name)) missing.push(r.Name);
  }
  if (missing.length > 0) {
    throw new Error(`found in Chart.yaml, but missing in charts/ directory: ${missing.join(", ")}`);
  }
}

function cloneChart(c: Chart, name: string): Chart {
  const meta = Object.assign(Object.create(Object.getPrototypeOf(c.meta)), c.meta) as Chart["meta"];
  meta.Name = name;
  if (Array.isArray(meta.Dependencies)) {
    meta.Dependencies = (meta.Dependencies as Dependency[]).map((d) =>
      Object.assign(Object.create(Object.getPrototypeOf(d)), d)
    );
  }
  const out = new ChartClass(meta);
  out.values = c.values;
  out.schema = c.schema;
  out.templates = c.templates;
  out.files = c.files;
  out.lock = c.lock;
  for (const d of c.dependencies) out.addDependency(cloneChart(d, d.name));
  return out;
}

function processDependencyEnabled(c: Chart, v: Values, path: string): void {
  const reqs = c.meta.Dependencies as Dependency[] | null;
  if (!reqs) return;
  const chartDeps: Chart[] = [];
  outer: for (const existing of c.dependencies) {
    for (const req of reqs) {
      if (existing.name === req.Name && compatible(req.Version, existing.meta.Version)) continue outer;
    }
    chartDeps.push(existing);
  }
  for (const req of reqs) {
    for (const ch of c.dependencies) {
      if (ch.name !== req.Name) continue;
      if (!compatible(req.Version, ch.meta.Version)) continue;
      chartDeps.push(cloneChart(ch, req.Alias !== "" ? req.Alias : ch.name));
      break;
    }
    if (req.Alias !== "") req.Name = req.Alias;
  }
  setDependencies(c, chartDeps);
  for (const r of reqs) r.Enabled = true;
  const cvals = coalesceValues(c, v);
  // tags
  const vt = table(cvals, "tags");
  if (vt) {
    for (const r of reqs) {
      let hasTrue = false, hasFalse = false;
      for (const k of r.Tags ?? []) {
        if (k in vt) {
          const b = vt[k];
          if (typeof b === "boolean") {
            if (b) hasTrue = true;
            else hasFalse = true;
          } else warn(`Warning: Tag '${k}' for chart ${r.Name} returned non-bool value`);
        }
      }
      if (!hasTrue && hasFalse) r.Enabled = false;
      else if (hasTrue || !hasFalse) r.Enabled = true;
    }
  }
  // conditions
  for (const r of reqs) {
    for (const cond of r.Condition.trim().split(",")) {
      if (cond.length === 0) continue;
      const pv = pathValue(cvals, path + cond);
      if (pv.ok) {
        if (typeof pv.value === "boolean") {
          r.Enabled = pv.value;
          break;
        }
        warn(`Warning: Condition path '${cond}' for chart ${r.Name} returned non-bool value`);
      }
    }
  }
  const rm = new Set(reqs.filter((r) => !r.Enabled).map((r) => r.Name));
  const cd = c.dependencies.filter((n) => !rm.has(n.name));
  const cdMeta = reqs.filter((n) => !rm.has(n.Name));
  for (const t of cd) processDependencyEnabled(t, cvals, path + t.name + ".");
  c.meta.Dependencies = cdMeta;
  setDependencies(c, cd);
}

function setDependencies(c: Chart, deps: Chart[]): void {
  c.dependencies = [];
  for (const d of deps) c.addDependency(d);
}

function processImportValues(c: Chart): void {
  const reqs = c.meta.Dependencies as Dependency[] | null;
  if (!reqs) return;
  let cvals = mergeValues(c, null);
  let b: Values = {};
  for (const r of reqs) {
    const outiv: unknown[] = [];
    for (const riv of r.ImportValues ?? []) {
      if (isTable(riv)) {
        const child = goPrint(riv.child ?? null).replace("<nil>", "%!v(<nil>)");
        const parent = goPrint(riv.parent ?? null).replace("<nil>", "%!v(<nil>)");
        outiv.push({ child, parent });
        const vv = table(cvals, r.Name + "." + child);
        if (!vv) {
          warn(`Warning: ImportValues missing table from chart ${r.Name}`);
          continue;
        }
        b = mergeTables(b, pathToMap(parent, deepCopy(vv)));
      } else if (typeof riv === "string") {
        const child = "exports." + riv;
        outiv.push({ child, parent: "." });
        const vm = table(cvals, r.Name + "." + child);
        if (!vm) {
          warn(`Warning: ImportValues missing table`);
          continue;
        }
        b = mergeTables(b, deepCopy(vm));
      }
    }
    r.ImportValues = outiv;
  }
  cvals = deepCopy(cvals);
  c.values = mergeTables(cvals, b);
  void trimNil;
}

function processDependencyImportValues(c: Chart): void {
  for (const d of c.dependencies) processDependencyImportValues(d);
  processImportValues(c);
}

export function processDependencies(c: Chart, v: Values): void {
  processDependencyEnabled(c, v, "");
  processDependencyImportValues(c);
}

export { parseVersion };
