/** Field specs (`{group, version, kind, path, create}`) and walking a resource along one. */
import { KustomizeError } from "./errors.ts";
import type { Gvk } from "./resource.ts";
import { parseYamlDocs } from "./yaml_parse.ts";
import { BUILTIN_FIELD_SPECS } from "./data/builtin_fieldspecs.ts";
import { has, isMap, newMap, type Value, type VMap } from "./value.ts";

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

export interface NameBackRef {
  gvk: Partial<Gvk>;
  fieldSpecs: FieldSpec[];
}

export function toFieldSpec(v: Value, where: string): FieldSpec {
  if (!isMap(v) || typeof v.path !== "string") throw new KustomizeError(`invalid field spec in ${where}`);
  const fs: FieldSpec = { path: v.path };
  if (typeof v.group === "string") fs.group = v.group;
  if (typeof v.version === "string") fs.version = v.version;
  if (typeof v.kind === "string") fs.kind = v.kind;
  if (v.create === true) fs.create = true;
  return fs;
}

export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackRef[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

/** Parsed builtin field specs, by name: parsed once (read only; specsOf/backRefsOf build fresh specs from them). */
const BUILTIN_PARSED = new Map<string, VMap>();

function parseBuiltin(name: string): VMap {
  const cached = BUILTIN_PARSED.get(name);
  if (cached) return cached;
  const text = BUILTIN_FIELD_SPECS[name];
  if (text === undefined) throw new Error(`missing builtin field specs ${name}`);
  const m = (parseYamlDocs(text, name, { timestamps: false })[0]?.value ?? newMap()) as VMap;
  BUILTIN_PARSED.set(name, m);
  return m;
}

function specsOf(m: VMap, key: string, where: string): FieldSpec[] {
  const v = m[key];
  if (!Array.isArray(v)) return [];
  return v.map((x) => toFieldSpec(x, where));
}

export function backRefsOf(m: VMap, where: string): NameBackRef[] {
  const v = m.nameReference;
  if (!Array.isArray(v)) return [];
  return v.map((x) => {
    if (!isMap(x)) throw new KustomizeError(`invalid nameReference entry in ${where}`);
    const gvk: Partial<Gvk> = {};
    if (typeof x.group === "string") gvk.group = x.group;
    if (typeof x.version === "string") gvk.version = x.version;
    if (typeof x.kind === "string") gvk.kind = x.kind;
    const fss = Array.isArray(x.fieldSpecs) ? x.fieldSpecs.map((f) => toFieldSpec(f, where)) : [];
    return { gvk, fieldSpecs: fss };
  });
}

export function defaultConfig(): TransformerConfig {
  return {
    namePrefix: specsOf(parseBuiltin("namePrefixFieldSpecs"), "namePrefix", "builtin"),
    nameSuffix: specsOf(parseBuiltin("nameSuffixFieldSpecs"), "nameSuffix", "builtin"),
    namespace: specsOf(parseBuiltin("namespaceFieldSpecs"), "namespace", "builtin"),
    commonLabels: specsOf(parseBuiltin("commonLabelFieldSpecs"), "commonLabels", "builtin"),
    templateLabels: specsOf(parseBuiltin("templateLabelFieldSpecs"), "templateLabels", "builtin"),
    commonAnnotations: specsOf(parseBuiltin("commonAnnotationFieldSpecs"), "commonAnnotations", "builtin"),
    nameReference: backRefsOf(parseBuiltin("nameReferenceFieldSpecs"), "builtin"),
    varReference: specsOf(parseBuiltin("varReferenceFieldSpecs"), "varReference", "builtin"),
    images: specsOf(parseBuiltin("imagesFieldSpecs"), "images", "builtin"),
    replicas: specsOf(parseBuiltin("replicasFieldSpecs"), "replicas", "builtin"),
  };
}

function fsKey(f: FieldSpec): string {
  return `${f.group ?? ""}|${f.version ?? ""}|${f.kind ?? ""}|${f.path}`;
}

export function mergeSpecs(a: FieldSpec[], b: FieldSpec[]): FieldSpec[] {
  const out = [...a];
  const seen = new Set(a.map(fsKey));
  for (const f of b) {
    if (!seen.has(fsKey(f))) {
      out.push(f);
      seen.add(fsKey(f));
    }
  }
  return out;
}

/** Merge a user `configurations` file into a config. */
export function mergeConfig(c: TransformerConfig, m: VMap, where: string): TransformerConfig {
  const out = { ...c };
  const keys: [keyof TransformerConfig, string][] = [
    ["namePrefix", "namePrefix"],
    ["nameSuffix", "nameSuffix"],
    ["namespace", "namespace"],
    ["commonLabels", "commonLabels"],
    ["templateLabels", "templateLabels"],
    ["commonAnnotations", "commonAnnotations"],
    ["varReference", "varReference"],
    ["images", "images"],
    ["replicas", "replicas"],
  ];
  for (const [k, yk] of keys) {
    if (has(m, yk)) (out[k] as FieldSpec[]) = mergeSpecs(out[k] as FieldSpec[], specsOf(m, yk, where));
  }
  if (has(m, "nameReference")) {
    const refs = [...out.nameReference.map((r) => ({ gvk: r.gvk, fieldSpecs: [...r.fieldSpecs] }))];
    for (const nr of backRefsOf(m, where)) {
      const ex = refs.find((r) =>
        (r.gvk.group ?? "") === (nr.gvk.group ?? "") && (r.gvk.version ?? "") === (nr.gvk.version ?? "") &&
        (r.gvk.kind ?? "") === (nr.gvk.kind ?? "")
      );
      if (ex) ex.fieldSpecs = mergeSpecs(ex.fieldSpecs, nr.fieldSpecs);
      else refs.push(nr);
    }
    out.nameReference = refs;
  }
  return out;
}

/** gvkSelected(g, the spec's non-empty group/version/kind), without building the selector. */
export function specSelects(fs: FieldSpec, g: Gvk): boolean {
  if (fs.group && g.group !== fs.group) return false;
  if (fs.version && g.version !== fs.version) return false;
  if (fs.kind && g.kind !== fs.kind) return false;
  return true;
}

export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && path[i + 1] === "/") {
      cur += "/";
      i++;
    } else if (c === "/") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.filter((s) => s !== "");
}

export type CreateKind = "map" | "scalar" | "none";

/** A settable location: `holder[key]`. */
export interface Slot {
  holder: VMap | Value[];
  key: string | number;
  value: Value | undefined;
}

/**
 * Visit every location a field spec path names in `obj`. Lists met on the way are descended into
 * (with or without `[]`). Missing fields are created only when `fs.create` and `createKind` allow.
 */
export function walkFieldSpec(
  obj: VMap,
  fs: FieldSpec,
  createKind: CreateKind,
  fn: (slot: Slot) => void,
): void {
  const segs = splitPath(fs.path);
  const visit = (node: Value, i: number): void => {
    if (Array.isArray(node)) {
      for (const el of node) visit(el, i);
      return;
    }
    if (!isMap(node)) return;
    let seg = segs[i]!;
    const isSeq = seg.endsWith("[]");
    if (isSeq) seg = seg.slice(0, -2);
    const last = i === segs.length - 1;
    if (last) {
      if (has(node, seg) && node[seg] !== null) {
        const v = node[seg]!;
        if (Array.isArray(v) && isSeq) {
          for (let j = 0; j < v.length; j++) fn({ holder: v, key: j, value: v[j] });
        } else fn({ holder: node, key: seg, value: v });
      } else if (fs.create && createKind !== "none") {
        fn({ holder: node, key: seg, value: undefined });
      }
      return;
    }
    if (!has(node, seg) || node[seg] === null) {
      if (!fs.create || createKind === "none" || isSeq) return;
      node[seg] = newMap();
    }
    visit(node[seg]!, i + 1);
  };
  if (segs.length > 0) visit(obj, 0);
}

export function emptyConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}

/** TransformerConfig.Merge */
export function mergeTC(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const out = emptyConfig();
  for (const k of Object.keys(out) as (keyof TransformerConfig)[]) {
    if (k === "nameReference") continue;
    (out[k] as FieldSpec[]) = mergeSpecs(a[k] as FieldSpec[], b[k] as FieldSpec[]);
  }
  const refs = a.nameReference.map((r) => ({ gvk: r.gvk, fieldSpecs: [...r.fieldSpecs] }));
  for (const nr of b.nameReference) {
    const ex = refs.find((r) =>
      (r.gvk.group ?? "") === (nr.gvk.group ?? "") && (r.gvk.version ?? "") === (nr.gvk.version ?? "") &&
      (r.gvk.kind ?? "") === (nr.gvk.kind ?? "")
    );
    if (ex) ex.fieldSpecs = mergeSpecs(ex.fieldSpecs, nr.fieldSpecs);
    else refs.push({ gvk: nr.gvk, fieldSpecs: [...nr.fieldSpecs] });
  }
  out.nameReference = refs;
  return out;
}
