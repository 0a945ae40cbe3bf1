/** `kustomize build DIR`: load kustomizations, accumulate resources, run generators and transformers. */
import { KustomizeError, RemoteResourceError } from "./errors.ts";
import {
  defaultConfig,
  emptyConfig,
  type FieldSpec,
  mergeConfig,
  mergeSpecs,
  mergeTC,
  toFieldSpec,
  type TransformerConfig,
} from "./fieldspec.ts";
import { basename, denoFs, dirname, isWithin, joinPath, type KustomizeFs, normalizePath } from "./fs.ts";
import { generate, type GeneratorOptions, nameHash, parseGenOptions } from "./generators.ts";
import { applyJson6902, toOps } from "./json6902.ts";
import { fixNameReferences } from "./namereference.ts";
import {
  builtinOrigin,
  goJoin,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  type Origin,
  ORIGIN_ANNOTATION,
  originString,
  pluginOrigin,
  TRANSFORMATIONS_ANNOTATION,
  transformationsString,
} from "./origin.ts";
import { idEquals, idKey, idString, isClusterScoped, Resource } from "./resource.ts";
import { type Selector, selectResources, toSelector } from "./select.ts";
import { applySmp } from "./smp.ts";
import {
  imagesTransform,
  namespaceTransform,
  prefixSuffixTransform,
  replicasTransform,
  setMapEntries,
  stringMapOf,
} from "./transformers.ts";
import { clone, getPath, has, isMap, scalarText, type Value, type VMap } from "./value.ts";
import { applyReplacements, bindVars, type ReplacementEntry, resolveVars, toVar, type Var } from "./vars.ts";
import { emitYamlStream } from "./yaml_emit.ts";
import { parseYamlDocs } from "./yaml_parse.ts";

export interface BuildOptions {
  fs?: KustomizeFs;
  /** `legacy` (default, like `kustomize build`) or `none` (FIFO, like `--reorder none`). */
  reorder?: "legacy" | "none";
  /** Deprecation warnings (kustomize prints them on stderr). */
  onWarning?: (message: string) => void;
}

const KFILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const KNOWN_FIELDS = new Set([
  "apiVersion",
  "kind",
  "metadata",
  "resources",
  "bases",
  "components",
  "namespace",
  "namePrefix",
  "nameSuffix",
  "labels",
  "commonLabels",
  "commonAnnotations",
  "patches",
  "patchesStrategicMerge",
  "patchesJson6902",
  "images",
  "imageTags",
  "replicas",
  "configMapGenerator",
  "secretGenerator",
  "generatorOptions",
  "replacements",
  "vars",
  "configurations",
  "crds",
  "openapi",
  "generators",
  "transformers",
  "validators",
  "helmCharts",
  "helmGlobals",
  "helmChartInflationGenerator",
  "sortOptions",
  "buildMetadata",
]);

interface Acc {
  resources: Resource[];
  config: TransformerConfig;
  vars: Var[];
}

interface Ctx {
  fs: KustomizeFs;
  warn: (m: string) => void;
  visiting: string[];
  sortOptions?: VMap | undefined;
  /** the top-level kustomization's buildMetadata (inherited by every base and component) */
  buildMetadata?: string[];
}

function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || /\.git(\/\/|\?|$)/.test(entry) ||
    /\?ref=/.test(entry);
}

function findKustomization(fs: KustomizeFs, dir: string): string {
  const found = KFILES.filter((f) => fs.isFile(joinPath(dir, f)));
  if (found.length === 0) {
    throw new KustomizeError(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
      { file: dir },
    );
  }
  if (found.length > 1) {
    throw new KustomizeError(`Found multiple kustomization files under: ${dir}`, { file: dir });
  }
  return joinPath(dir, found[0]!);
}

function decode(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

class Loader {
  /**
   * @param originPath with buildMetadata: this kustomization's directory relative to the top-level one (the
   *   path origins are recorded under); undefined when origins are not tracked
   */
  constructor(
    readonly fs: KustomizeFs,
    readonly root: string,
    readonly kfile: string,
    readonly originPath?: string,
  ) {}
  /** origin of a builtin generator/transformer configured in this kustomization file */
  builtin(kind: string): Origin | undefined {
    return this.originPath === undefined
      ? undefined
      : builtinOrigin(this.originPath, basename(this.kfile), kind);
  }
  resolve(rel: string, field: string): string {
    const p = joinPath(this.root, rel);
    const real = this.fs.realPath(p);
    const realRoot = this.fs.realPath(this.root);
    if (!isWithin(realRoot, real)) {
      throw new KustomizeError(`security; file '${real}' is not in or below '${realRoot}'`, {
        file: this.kfile,
        path: field,
      });
    }
    return p;
  }
  read(rel: string, field: string): Uint8Array {
    const p = this.resolve(rel, field);
    const b = this.fs.readFile(p);
    if (b === undefined) {
      throw new KustomizeError(
        `${field}: file '${rel}' not found (evalsymlink failure on '${p}' : lstat ${p}: no such file or directory)`,
        { file: this.kfile, path: field },
      );
    }
    return b;
  }
}

function loadResourcesFromText(text: string, file: string): Resource[] {
  const out: Resource[] = [];
  for (const d of parseYamlDocs(text, file)) {
    const v = d.value;
    if (!isMap(v)) {
      throw new KustomizeError(`resource is not a map (a YAML mapping was expected)`, { file, line: d.line });
    }
    const kind = typeof v.kind === "string" ? v.kind : "";
    if (kind.endsWith("List") && Array.isArray(v.items)) {
      for (const it of v.items) {
        if (isMap(it)) {
          if (
            isMap(it.kind === undefined ? null : it) && typeof it.kind === "string" &&
            it.kind.endsWith("List") && Array.isArray(it.items)
          ) {
            out.push(...loadResourcesFromText(JSON.stringify(null), file));
          }
          out.push(new Resource(it));
        }
      }
      continue;
    }
    if (kind === "") {
      throw new KustomizeError(`missing Resource metadata: kind is required`, { file, line: d.line });
    }
    out.push(new Resource(v));
  }
  return out;
}

/**
 * Add resources, refusing an id already there. `seen` holds the keys of the ids in `acc` (built here when
 * not given); a caller appending several times may pass the same set while nothing else changes the ids.
 */
function appendAll(acc: Acc, rs: Resource[], kfile: string, field: string, seen?: Set<string>): void {
  if (!seen) {
    seen = new Set<string>();
    for (const x of acc.resources) seen.add(idKey(x.curId()));
  }
  for (const r of rs) {
    const id = r.curId();
    const key = idKey(id);
    if (seen.has(key)) {
      throw new KustomizeError(
        `may not add resource with an already registered id: ${idString(id)}`,
        { file: kfile, path: field },
      );
    }
    seen.add(key);
    acc.resources.push(r);
  }
}

function strings(k: VMap, field: string, kfile: string): string[] {
  const v = k[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`${field} must be a list`, { file: kfile, path: field });
  return v.map((x) => {
    if (typeof x !== "string") {
      throw new KustomizeError(`${field} entries must be strings`, { file: kfile, path: field });
    }
    return x;
  });
}

function loadKustomization(ctx: Ctx, dir: string, component: boolean): { k: VMap; kfile: string } {
  const kfile = findKustomization(ctx.fs, dir);
  const text = decode(ctx.fs.readFile(kfile)!);
  const docs = parseYamlDocs(text, kfile, { timestamps: false });
  const k = (docs[0]?.value ?? Object.create(null)) as VMap;
  if (!isMap(k)) throw new KustomizeError("invalid Kustomization: not a map", { file: kfile });
  for (const key of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new KustomizeError(`invalid Kustomization: json: unknown field "${key}"`, {
        file: kfile,
        path: key,
      });
    }
  }
  const kind = typeof k.kind === "string" ? k.kind : "";
  if (component && kind !== "Component") {
    throw new KustomizeError(
      `accumulating components: expected kind 'Component' for path '${dir}' but got '${
        kind || "Kustomization"
      }'`,
      { file: kfile, path: "kind" },
    );
  }
  if (!component && kind === "Component") {
    throw new KustomizeError(`accumulating resources: expected kind != 'Component' for path '${dir}'`, {
      file: kfile,
      path: "kind",
    });
  }
  const dep = (f: string, to: string, exp = false) => {
    if (has(k, f)) {
      ctx.warn(
        `# Warning: '${f}' is deprecated. Please use '${to}' instead.${
          exp ? " [EXPERIMENTAL]" : ""
        } Run 'kustomize edit fix' to update your Kustomization automatically.`,
      );
    }
  };
  dep("bases", "resources");
  dep("commonLabels", "labels");
  dep("imageTags", "images");
  dep("patchesJson6902", "patches");
  dep("patchesStrategicMerge", "patches");
  dep("vars", "replacements", true);
  return { k, kfile };
}

/** Give resources without an origin this one (resmap AddOriginAnnotation). */
function addOrigin(rs: Resource[], o: Origin | undefined): void {
  if (!o) return;
  for (const r of rs) if (!r.origin) r.origin = o;
}

/** After a transformer ran (resmap AddTransformerAnnotation). */
function addTransformation(rs: Resource[], o: Origin | undefined): void {
  if (!o) return;
  for (const r of rs) {
    if (!r.origin) r.origin = o;
    else r.transformations.push(o);
  }
}

function accumulateDir(ctx: Ctx, dir: string, acc: Acc, component: boolean, originPath?: string): void {
  const real = ctx.fs.realPath(dir);
  if (ctx.visiting.includes(real)) {
    throw new KustomizeError(
      `cycle detected: candidate root '${real}' contains visited root '${
        ctx.visiting[ctx.visiting.length - 1]
      }'`,
      { file: dir },
    );
  }
  ctx.visiting.push(real);
  try {
    const { k, kfile } = loadKustomization(ctx, dir, component);
    if (ctx.buildMetadata === undefined) {
      ctx.buildMetadata = Array.isArray(k.buildMetadata) ? k.buildMetadata.map((x) => String(x)) : [];
      originPath = ctx.buildMetadata.length > 0 ? "" : undefined;
    }
    const ldr = new Loader(ctx.fs, dir, kfile, originPath);
    if (ctx.sortOptions === undefined && isMap(k.sortOptions)) ctx.sortOptions = k.sortOptions;
    // 1. resources
    const entries = [...strings(k, "resources", kfile), ...strings(k, "bases", kfile)];
    // the ids in acc: only these appends change them until the resources are in (subdirectories are
    // accumulated and transformed on their own)
    const seen = new Set<string>();
    for (const x of acc.resources) seen.add(idKey(x.curId()));
    for (const e of entries) {
      if (isRemote(e)) throw new RemoteResourceError(e, { file: kfile, path: "resources" });
      const p = joinPath(dir, e);
      if (ctx.fs.isDir(p)) {
        const sub: Acc = { resources: [], config: emptyConfig(), vars: [] };
        try {
          accumulateDir(ctx, p, sub, false, originPath === undefined ? undefined : goJoin(originPath, e));
        } catch (err) {
          if (err instanceof KustomizeError && !err.message.startsWith("accumulating resources")) {
            throw new KustomizeError(`accumulating resources: ${err.message}`, {
              file: err.file,
              path: err.path,
              hint: err.hint,
              cause: err,
            });
          }
          throw err;
        }
        appendAll(acc, sub.resources, kfile, "resources", seen);
        acc.config = mergeTC(acc.config, sub.config);
        for (const v of sub.vars) {
          if (acc.vars.some((x) => x.name === v.name)) {
            throw new KustomizeError(`var '${v.name}' already encountered`, {
              file: kfile,
              path: "resources",
            });
          }
          acc.vars.push(v);
        }
      } else if (ctx.fs.isFile(p)) {
        const fp = ldr.resolve(e, "resources");
        const rs = loadResourcesFromText(decode(ctx.fs.readFile(fp)!), fp);
        if (originPath !== undefined) { for (const r of rs) r.origin = { path: goJoin(originPath, e) }; }
        appendAll(acc, rs, kfile, "resources", seen);
      } else {
        throw new KustomizeError(
          `accumulating resources: accumulation err='accumulating resources from '${e}': evalsymlink failure on '${p}' : lstat ${p}: no such file or directory'`,
          { file: kfile, path: "resources" },
        );
      }
    }
    // 2. configurations and crds
    const confs = strings(k, "configurations", kfile);
    if (confs.length === 0) acc.config = mergeTC(acc.config, defaultConfig());
    else {
      let user = emptyConfig();
      for (const c of confs) {
        const docs = parseYamlDocs(decode(ldr.read(c, "configurations")), c, { timestamps: false });
        for (const d of docs) if (isMap(d.value)) user = mergeConfig(user, d.value, c);
      }
      acc.config = mergeTC(acc.config, user);
    }
    for (const c of strings(k, "crds", kfile)) loadCrd(acc, ldr, c);
    // 3. generators
    const gopts: GeneratorOptions = parseGenOptions(k.generatorOptions);
    const gctx = { file: kfile, readFile: (rel: string, field: string) => ldr.read(rel, field) };
    for (
      const [field, kind] of [["configMapGenerator", "ConfigMap"], ["secretGenerator", "Secret"]] as const
    ) {
      const list = k[field];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        throw new KustomizeError(`${field} must be a list`, { file: kfile, path: field });
      }
      list.forEach((entry, i) => {
        const r = generate(kind, entry, i, gopts, gctx);
        addOrigin([r], ldr.builtin(`${kind}Generator`));
        absorb(acc, r, kfile, `${field}[${i}]`);
      });
    }
    for (const { cfg, origin } of pluginConfigs(ldr, k, "generators")) {
      const kind = typeof cfg.kind === "string" ? cfg.kind : "";
      if (kind !== "ConfigMapGenerator" && kind !== "SecretGenerator") {
        throw new KustomizeError(
          `generators: unsupported generator plugin '${kind}' (only builtin ConfigMapGenerator and SecretGenerator)`,
          { file: kfile, path: "generators" },
        );
      }
      const entry = clone(cfg);
      const md = isMap(cfg.metadata) ? cfg.metadata : Object.create(null) as VMap;
      // the plugin's own `name`/`namespace` win; metadata's are the fallback
      if (typeof cfg.name !== "string" || cfg.name === "") {
        entry.name = md.name ?? null;
      }
      if ((typeof cfg.namespace !== "string" || cfg.namespace === "") && md.namespace !== undefined) {
        entry.namespace = md.namespace;
      }
      const r = generate(kind === "ConfigMapGenerator" ? "ConfigMap" : "Secret", entry, 0, gopts, gctx);
      addOrigin([r], origin);
      absorb(acc, r, kfile, "generators");
    }
    // 4. components
    for (const c of strings(k, "components", kfile)) {
      if (isRemote(c)) throw new RemoteResourceError(c, { file: kfile, path: "components" });
      const p = joinPath(dir, c);
      if (!ctx.fs.isDir(p)) {
        throw new KustomizeError(`accumulating components: '${c}' must be a directory`, {
          file: kfile,
          path: "components",
        });
      }
      accumulateDir(ctx, p, acc, true, originPath === undefined ? undefined : goJoin(originPath, c));
    }
    // 5. transformers
    runTransformers(ctx, k, kfile, ldr, acc);
    // 6. vars
    if (Array.isArray(k.vars)) {
      try {
        bindVars(acc.resources, k.vars.map((v) => toVar(v, kfile)));
      } catch (e) {
        if (e instanceof KustomizeError) {
          throw new KustomizeError(`merging vars: ${e.message}`, {
            file: kfile,
            path: "vars",
            cause: e,
          });
        }
        throw e;
      }
      for (const v of k.vars) {
        const vv = toVar(v, kfile);
        if (acc.vars.some((x) => x.name === vv.name)) {
          throw new KustomizeError(`var '${vv.name}' already encountered`, { file: kfile, path: "vars" });
        }
        acc.vars.push(vv);
      }
    }
  } finally {
    ctx.visiting.pop();
  }
}

function loadCrd(acc: Acc, ldr: Loader, path: string): void {
  // CRD OpenAPI definitions: properties with x-kubernetes-object-ref-kind give name references.
  const text = decode(ldr.read(path, "crds"));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const v = doc === undefined ? parseYamlDocs(text, path)[0]?.value : undefined;
  void v;
  if (typeof doc !== "object" || doc === null) return;
  const defs = doc as Record<
    string,
    { properties?: Record<string, unknown>; "x-kubernetes-group-version-kind"?: unknown }
  >;
  for (const [defName, def] of Object.entries(defs)) {
    const gvkList = def["x-kubernetes-group-version-kind"];
    const kind = Array.isArray(gvkList) && gvkList[0]
      ? (gvkList[0] as { kind?: string }).kind
      : defName.split(".").pop();
    walkCrdProps(acc, defs, def, kind ?? "", "", 0);
  }
}

function walkCrdProps(
  acc: Acc,
  defs: Record<string, { properties?: Record<string, unknown> }>,
  def: { properties?: Record<string, unknown> },
  kind: string,
  prefix: string,
  depth: number,
): void {
  if (depth > 10 || !def.properties) return;
  for (const [name, p] of Object.entries(def.properties)) {
    const prop = p as Record<string, unknown>;
    const path = prefix ? `${prefix}/${name}` : name;
    const refKind = prop["x-kubernetes-object-ref-kind"];
    if (typeof refKind === "string") {
      const nameKey = typeof prop["x-kubernetes-object-ref-name-key"] === "string"
        ? prop["x-kubernetes-object-ref-name-key"] as string
        : "name";
      const fs: FieldSpec = { kind, path: `${path}/${nameKey}` };
      const ex = acc.config.nameReference.find((b) => b.gvk.kind === refKind && !b.gvk.group);
      if (ex) ex.fieldSpecs = mergeSpecs(ex.fieldSpecs, [fs]);
      else {acc.config.nameReference = [...acc.config.nameReference, {
          gvk: { kind: refKind },
          fieldSpecs: [fs],
        }];}
    }
    const ref = typeof prop.$ref === "string"
      ? (prop.$ref as string).replace(/^#\/definitions\//, "")
      : undefined;
    if (ref && defs[ref]) walkCrdProps(acc, defs, defs[ref]!, kind, path, depth + 1);
  }
}

function absorb(acc: Acc, r: Resource, kfile: string, field: string): void {
  const id = r.curId();
  const matches = acc.resources.filter((x) => x.allIds().some((i) => idEquals(i, id)));
  const behavior = r.generator?.behavior ?? "create";
  if (matches.length === 0) {
    if (behavior === "merge" || behavior === "replace") {
      throw new KustomizeError(`id ${JSON.stringify(idString(id))} does not exist; cannot merge or replace`, {
        file: kfile,
        path: field,
      });
    }
    acc.resources.push(r);
    return;
  }
  if (matches.length > 1) {
    throw new KustomizeError(`found multiple objects that could accept merge of ${idString(id)}`, {
      file: kfile,
      path: field,
    });
  }
  const old = matches[0]!;
  if (behavior === "create") {
    throw new KustomizeError(`id ${JSON.stringify(idString(id))} exists; behavior must be merge or replace`, {
      file: kfile,
      path: field,
    });
  }
  const md = r.metadata();
  const omd = old.metadata();
  for (const f of ["labels", "annotations"]) {
    const merged = { ...(isMap(omd[f]) ? omd[f] : {}), ...(isMap(md[f]) ? md[f] : {}) } as VMap;
    if (Object.keys(merged).length) {
      const m = Object.create(null) as VMap;
      for (const k of Object.keys(merged)) m[k] = merged[k]!;
      md[f] = m;
    }
  }
  md.name = old.name;
  if (old.namespace) md.namespace = old.namespace;
  else delete md.namespace;
  if (behavior === "merge") {
    for (const f of ["data", "binaryData"]) {
      if (isMap(old.obj[f]) || isMap(r.obj[f])) {
        const m = Object.create(null) as VMap;
        const o = isMap(old.obj[f]) ? old.obj[f] as VMap : {};
        const n = isMap(r.obj[f]) ? r.obj[f] as VMap : {};
        for (const k of Object.keys(o)) m[k] = o[k]!;
        for (const k of Object.keys(n)) m[k] = n[k]!;
        r.obj[f] = m;
      }
    }
  }
  // buildMetadata: a merge keeps the base's origin, a replace takes the new one; transformations carry over
  r.origin = behavior === "merge" ? old.origin ?? r.origin : r.origin ?? old.origin;
  if (r.transformations.length === 0) r.transformations = [...old.transformations];
  r.refVarNames = [...old.refVarNames];
  r.prevIds = old.prevIds;
  r.prefixes = old.prefixes;
  r.suffixes = old.suffixes;
  if (r.generator) {
    r.generator = {
      behavior: r.generator.behavior,
      needsHash: !!old.generator?.needsHash && r.generator.needsHash,
    };
  }
  acc.resources[acc.resources.indexOf(old)] = r;
}

function patchText(ldr: Loader, entry: VMap | string, field: string): { text: string; file: string } {
  if (typeof entry === "string") {
    // patchesStrategicMerge: a file path or an inline patch
    if (!entry.includes("\n") && ldr.fs.isFile(joinPath(ldr.root, entry))) {
      return { text: decode(ldr.read(entry, field)), file: joinPath(ldr.root, entry) };
    }
    return { text: entry, file: ldr.kfile };
  }
  if (typeof entry.path === "string") {
    return { text: decode(ldr.read(entry.path, field)), file: joinPath(ldr.root, entry.path) };
  }
  if (typeof entry.patch === "string") return { text: entry.patch, file: ldr.kfile };
  throw new KustomizeError(`${field}: must specify a patch file path or an inline patch`, {
    file: ldr.kfile,
    path: field,
  });
}

function applySmpTo(
  acc: Acc,
  targets: Set<Resource>,
  patch: VMap,
  opts: { allowNameChange?: boolean; allowKindChange?: boolean },
): void {
  const out: Resource[] = [];
  for (const r of acc.resources) {
    if (!targets.has(r)) {
      out.push(r);
      continue;
    }
    const name = r.name, ns = r.namespace, kind = r.kind;
    if (opts.allowNameChange || opts.allowKindChange) r.storePreviousId();
    const p = clone(patch);
    p.apiVersion = r.obj.apiVersion ?? null;
    p.kind = typeof patch.kind === "string" ? patch.kind : kind;
    const res = applySmp(r.obj, p);
    if (res === null || Object.keys(res).length === 0) continue;
    r.obj = res;
    if (!opts.allowKindChange) r.obj.kind = kind;
    if (!opts.allowNameChange) r.setName(name);
    if (ns) r.setNamespace(ns);
    else if (isMap(r.obj.metadata)) delete r.obj.metadata.namespace;
    out.push(r);
  }
  acc.resources = out;
}

function patchById(acc: Acc, patch: VMap, kfile: string, field: string): Set<Resource> {
  const g = { ...parseApi(patch), kind: typeof patch.kind === "string" ? patch.kind : "" };
  const md = isMap(patch.metadata) ? patch.metadata : Object.create(null) as VMap;
  const id = {
    ...g,
    name: typeof md.name === "string" ? md.name : "",
    namespace: typeof md.namespace === "string" ? md.namespace : "",
  };
  const m = acc.resources.filter((r) => r.allIds().some((i) => idEquals(i, id)));
  if (m.length !== 1) {
    throw new KustomizeError(
      m.length === 0
        ? `no resource matches strategic merge patch "${idString(id)}": no matches for Id ${
          idString(id)
        }; failed to find unique target for patch ${idString(id)}`
        : `multiple matches for Id ${idString(id)}; failed to find unique target for patch ${idString(id)}`,
      { file: kfile, path: field },
    );
  }
  return new Set(m);
}

function parseApi(v: VMap): { group: string; version: string } {
  const a = typeof v.apiVersion === "string" ? v.apiVersion : "";
  const i = a.indexOf("/");
  return i < 0 ? { group: "", version: a } : { group: a.slice(0, i), version: a.slice(i + 1) };
}

function runTransformers(ctx: Ctx, k: VMap, kfile: string, ldr: Loader, acc: Acc, tracked = true): void {
  const cfg = acc.config;
  /** one builtin transformer instance finished (buildMetadata transformer annotations) */
  const done = (kind: string) => {
    if (tracked) addTransformation(acc.resources, ldr.builtin(kind));
  };
  // patchesStrategicMerge
  if (Array.isArray(k.patchesStrategicMerge)) {
    k.patchesStrategicMerge.forEach((e, i) => {
      const field = `patchesStrategicMerge[${i}]`;
      if (typeof e !== "string") {
        throw new KustomizeError(`${field} must be a string`, { file: kfile, path: field });
      }
      const { text, file } = patchText(ldr, e, field);
      for (const d of parseYamlDocs(text, file)) {
        if (!isMap(d.value)) {
          throw new KustomizeError(`${field}: a strategic merge patch must be a map`, { file });
        }
        applySmpTo(acc, patchById(acc, d.value, kfile, field), d.value, {});
      }
    });
    if (k.patchesStrategicMerge.length > 0) done("PatchStrategicMergeTransformer");
  }
  // patches
  if (Array.isArray(k.patches)) {
    k.patches.forEach((e, i) => {
      const field = `patches[${i}]`;
      if (!isMap(e)) throw new KustomizeError(`${field} must be a map`, { file: kfile, path: field });
      const { text, file } = patchText(ldr, e, field);
      const target = toSelector(e.target, `${field}.target`, kfile);
      const o = isMap(e.options) ? e.options : Object.create(null) as VMap;
      const opts = {
        allowNameChange: o.allowNameChange === true,
        allowKindChange: o.allowKindChange === true,
      };
      const docs = parseYamlDocs(text, file);
      if (docs.length === 1 && Array.isArray(docs[0]!.value)) {
        if (!target) {
          throw new KustomizeError(`${field}: a JSON 6902 patch needs a target`, {
            file: kfile,
            path: field,
          });
        }
        applyJsonTo(acc, selectResources(acc.resources, target), toOps(docs[0]!.value, file));
        done("PatchTransformer");
        return;
      }
      for (const d of docs) {
        if (!isMap(d.value)) throw new KustomizeError(`${field}: unable to parse patch`, { file });
        const set = target
          ? new Set(selectResources(acc.resources, target))
          : patchById(acc, d.value, kfile, field);
        applySmpTo(acc, set, d.value, opts);
      }
      done("PatchTransformer");
    });
  }
  // namespace
  if (typeof k.namespace === "string" && k.namespace !== "") {
    namespaceTransform(acc.resources, k.namespace, cfg.namespace);
    done("NamespaceTransformer");
  }
  if (typeof k.namePrefix === "string" && k.namePrefix !== "") {
    prefixSuffixTransform(acc.resources, k.namePrefix, cfg.namePrefix, false);
    done("PrefixTransformer");
  }
  if (typeof k.nameSuffix === "string" && k.nameSuffix !== "") {
    prefixSuffixTransform(acc.resources, k.nameSuffix, cfg.nameSuffix, true);
    done("SuffixTransformer");
  }
  // labels
  if (Array.isArray(k.labels)) {
    k.labels.forEach((l, i) => {
      if (!isMap(l)) return;
      const pairs = stringMapOf(l.pairs, `labels[${i}].pairs`, kfile);
      let fss: FieldSpec[] = Array.isArray(l.fields) ? l.fields.map((f) => toFieldSpec(f, kfile)) : [];
      if (l.includeSelectors === true) fss = mergeSpecs(fss, cfg.commonLabels);
      else {
        if (l.includeTemplates === true) fss = mergeSpecs(fss, cfg.templateLabels);
        fss = mergeSpecs(fss, [{ path: "metadata/labels", create: true }]);
      }
      setMapEntries(acc.resources, pairs, fss, "labels");
      done("LabelTransformer");
    });
  }
  if (k.commonLabels !== undefined && k.commonLabels !== null) {
    setMapEntries(
      acc.resources,
      stringMapOf(k.commonLabels, "commonLabels", kfile),
      cfg.commonLabels,
      "commonLabels",
    );
  }
  // kustomize runs one LabelTransformer per labels entry plus one for commonLabels (even if empty)
  if (
    (Array.isArray(k.labels) && k.labels.length > 0) ||
    (isMap(k.commonLabels) && Object.keys(k.commonLabels).length > 0)
  ) {
    done("LabelTransformer");
  }
  if (k.commonAnnotations !== undefined && k.commonAnnotations !== null) {
    setMapEntries(
      acc.resources,
      stringMapOf(k.commonAnnotations, "commonAnnotations", kfile),
      cfg.commonAnnotations,
      "commonAnnotations",
    );
    if (isMap(k.commonAnnotations) && Object.keys(k.commonAnnotations).length > 0) {
      done("AnnotationsTransformer");
    }
  }
  // patchesJson6902
  if (Array.isArray(k.patchesJson6902)) {
    k.patchesJson6902.forEach((e, i) => {
      const field = `patchesJson6902[${i}]`;
      if (!isMap(e)) throw new KustomizeError(`${field} must be a map`, { file: kfile, path: field });
      const target = toSelector(e.target, `${field}.target`, kfile);
      if (!target) throw new KustomizeError(`${field}: must specify a target`, { file: kfile, path: field });
      const { text, file } = patchText(ldr, e, field);
      const docs = parseYamlDocs(text, file);
      const ops = docs[0]?.value ?? [];
      const exact: Selector = { ...target };
      applyJsonTo(acc, selectResources(acc.resources, exact), toOps(ops, file));
      done("PatchJson6902Transformer");
    });
  }
  // replicas
  if (Array.isArray(k.replicas)) {
    for (const r of k.replicas) {
      if (!isMap(r) || typeof r.name !== "string") continue;
      replicasTransform(acc.resources, r.name, r.count ?? 0n, cfg.replicas);
      done("ReplicaCountTransformer");
    }
  }
  // images
  for (const f of ["images", "imageTags"]) {
    const list = k[f];
    if (!Array.isArray(list)) continue;
    for (const im of list) {
      if (!isMap(im) || typeof im.name !== "string") continue;
      const spec = { name: im.name } as { name: string; newName?: string; newTag?: string; digest?: string };
      if (im.newName !== undefined && im.newName !== null) spec.newName = scalarText(im.newName)!;
      if (im.newTag !== undefined && im.newTag !== null) spec.newTag = scalarText(im.newTag)!;
      if (im.digest !== undefined && im.digest !== null) spec.digest = scalarText(im.digest)!;
      imagesTransform(acc.resources, spec, cfg.images);
      done("ImageTagTransformer");
    }
  }
  // replacements
  if (Array.isArray(k.replacements)) {
    const reps: ReplacementEntry[] = [];
    for (const r of k.replacements) {
      if (isMap(r) && typeof r.path === "string") {
        if (has(r, "source") || has(r, "targets")) {
          throw new KustomizeError("cannot specify both path and inline replacement", {
            file: kfile,
            path: "replacements",
          });
        }
        for (const d of parseYamlDocs(decode(ldr.read(r.path, "replacements")), r.path)) {
          if (Array.isArray(d.value)) reps.push(...d.value.map((value) => ({ value, strict: false })));
          else reps.push({ value: d.value, strict: false });
        }
      } else reps.push({ value: r, strict: tracked });
    }
    applyReplacements(acc.resources, reps, kfile);
    if (k.replacements.length > 0) done("ReplacementTransformer");
  }
  for (const { cfg: p, origin } of pluginConfigs(ldr, k, "transformers")) {
    runPluginTransformer(ctx, p, kfile, ldr, acc);
    if (tracked) addTransformation(acc.resources, origin);
  }
}

/** `generators:`/`transformers:` entries: files or inline YAML with builtin plugin configs. */
function pluginConfigs(ldr: Loader, k: VMap, field: string): { cfg: VMap; origin: Origin | undefined }[] {
  const v = k[field];
  if (!Array.isArray(v)) return [];
  // kustomize collects the inline configurations first, then loads the listed files
  const out: { cfg: VMap; origin: Origin | undefined }[] = [];
  const fromFiles: { cfg: VMap; origin: Origin | undefined }[] = [];
  for (const e of v) {
    if (typeof e !== "string") continue;
    let text: string, file: string, originPath: string | undefined;
    if (e.includes("\n") || e.trimStart().startsWith("apiVersion")) {
      text = e;
      file = ldr.kfile;
      if (ldr.originPath !== undefined) originPath = goJoin(ldr.originPath, basename(ldr.kfile));
    } else {
      if (isRemote(e)) throw new RemoteResourceError(e, { file: ldr.kfile, path: field });
      const p = joinPath(ldr.root, e);
      if (ldr.fs.isDir(p)) {
        throw new KustomizeError(
          `${field}: directories of plugin configurations are not supported ('${e}')`,
          { file: ldr.kfile, path: field },
        );
      }
      text = decode(ldr.read(e, field));
      file = p;
      if (ldr.originPath !== undefined) originPath = goJoin(ldr.originPath, e);
    }
    const into = file === ldr.kfile ? out : fromFiles;
    for (const d of parseYamlDocs(text, file)) {
      if (isMap(d.value)) {
        into.push({
          cfg: d.value,
          origin: originPath === undefined ? undefined : pluginOrigin(originPath, d.value),
        });
      }
    }
  }
  return [...out, ...fromFiles];
}

function specsFrom(v: Value | undefined, file: string, dflt: FieldSpec[]): FieldSpec[] {
  return Array.isArray(v) ? v.map((f) => toFieldSpec(f, file)) : dflt;
}

function runPluginTransformer(ctx: Ctx, p: VMap, kfile: string, ldr: Loader, acc: Acc): void {
  const kind = typeof p.kind === "string" ? p.kind : "";
  const cfg = acc.config;
  const synth = (m: Record<string, Value>) => {
    const k = Object.create(null) as VMap;
    for (const [a, b] of Object.entries(m)) k[a] = b;
    runTransformers(ctx, k, kfile, ldr, acc, false);
  };
  switch (kind) {
    case "PrefixSuffixTransformer":
    case "PrefixTransformer":
    case "SuffixTransformer": {
      const fss = specsFrom(p.fieldSpecs, kfile, cfg.namePrefix);
      if (typeof p.prefix === "string" && p.prefix) {
        prefixSuffixTransform(acc.resources, p.prefix, fss, false);
      }
      if (typeof p.suffix === "string" && p.suffix) prefixSuffixTransform(acc.resources, p.suffix, fss, true);
      return;
    }
    case "LabelTransformer":
      setMapEntries(
        acc.resources,
        stringMapOf(p.labels, "labels", kfile),
        specsFrom(p.fieldSpecs, kfile, cfg.commonLabels),
        "labels",
      );
      return;
    case "AnnotationsTransformer":
      setMapEntries(
        acc.resources,
        stringMapOf(p.annotations, "annotations", kfile),
        specsFrom(p.fieldSpecs, kfile, cfg.commonAnnotations),
        "annotations",
      );
      return;
    case "NamespaceTransformer": {
      const md = isMap(p.metadata) ? p.metadata : Object.create(null) as VMap;
      if (typeof md.namespace === "string") {
        namespaceTransform(acc.resources, md.namespace, specsFrom(p.fieldSpecs, kfile, cfg.namespace), {
          unsetOnly: p.unsetOnly === true,
          subjects: typeof p.setRoleBindingSubjects === "string" ? p.setRoleBindingSubjects : "defaultOnly",
        });
      }
      return;
    }
    case "ImageTagTransformer": {
      const it = isMap(p.imageTag) ? p.imageTag : undefined;
      if (it && typeof it.name === "string") {
        const spec = { name: it.name } as {
          name: string;
          newName?: string;
          newTag?: string;
          digest?: string;
        };
        if (typeof it.newName === "string") spec.newName = it.newName;
        if (it.newTag !== undefined && it.newTag !== null) spec.newTag = scalarText(it.newTag)!;
        if (typeof it.digest === "string") spec.digest = it.digest;
        imagesTransform(acc.resources, spec, specsFrom(p.fieldSpecs, kfile, cfg.images));
      }
      return;
    }
    case "ReplicaCountTransformer": {
      const r = isMap(p.replica) ? p.replica : undefined;
      if (r && typeof r.name === "string") {
        replicasTransform(acc.resources, r.name, r.count ?? 0n, specsFrom(p.fieldSpecs, kfile, cfg.replicas));
      }
      return;
    }
    case "PatchTransformer": {
      const e = Object.create(null) as VMap;
      for (const f of ["path", "patch", "target", "options"]) if (has(p, f)) e[f] = p[f]!;
      synth({ patches: [e] });
      return;
    }
    case "PatchStrategicMergeTransformer":
      synth({
        patchesStrategicMerge: Array.isArray(p.paths)
          ? p.paths
          : typeof p.patches === "string"
          ? [p.patches]
          : [],
      });
      return;
    case "PatchJson6902Transformer": {
      const e = Object.create(null) as VMap;
      for (const f of ["path", "patch", "target"]) if (has(p, f)) e[f] = p[f]!;
      synth({ patchesJson6902: [e] });
      return;
    }
    case "ReplacementTransformer":
      synth({ replacements: Array.isArray(p.replacements) ? p.replacements : [] });
      return;
    default:
      throw new KustomizeError(
        `transformers: unsupported transformer plugin '${kind}' (only builtin transformers are available)`,
        { file: kfile, path: "transformers" },
      );
  }
}

function applyJsonTo(_acc: Acc, targets: Resource[], ops: ReturnType<typeof toOps>): void {
  for (const r of targets) {
    const res = applyJson6902(r.obj, ops);
    if (!isMap(res)) throw new KustomizeError("JSON patch produced a non-map resource");
    r.obj = res;
  }
}

const LEGACY_FIRST = [
  "Namespace",
  "ResourceQuota",
  "StorageClass",
  "CustomResourceDefinition",
  "ServiceAccount",
  "PodSecurityPolicy",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "Secret",
  "Endpoints",
  "Service",
  "LimitRange",
  "PriorityClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const LEGACY_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

export function legacySort(list: Resource[], first = LEGACY_FIRST, last = LEGACY_LAST): Resource[] {
  const order = new Map<string, number>();
  first.forEach((k, i) => order.set(k, -first.length + i));
  last.forEach((k, i) => order.set(k, 1 + i));
  const gs = (g: { group: string; version: string; kind: string }) =>
    `${g.group || "~G"}_${g.version || "~V"}_${g.kind || "~K"}`;
  // the keys once per resource, then a comparator on them (a stable sort, so the same order as comparing
  // the resources' ids afresh on every comparison)
  const keyed = list.map((r) => {
    const id = r.curId();
    const s = `${gvkStr(id)}|${id.namespace || "~X"}|${id.name || "~N"}`;
    return { r, g: id, gs: gs(id), o: order.get(id.kind) ?? 0, s };
  });
  type K = (typeof keyed)[number];
  const cmp = (a: K, b: K): number => {
    const ga = a.g, gb = b.g;
    if (ga.group !== gb.group || ga.version !== gb.version || ga.kind !== gb.kind) {
      const ia = a.o, ib = b.o;
      if (ia !== ib) return ia - ib;
      const sa = a.gs, sb = b.gs;
      if (ga.kind === "Namespace" && gb.kind === "Namespace" && (ga.group === "" || gb.group === "")) {
        return sa > sb ? -1 : sa < sb ? 1 : 0;
      }
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    const x = a.s, y = b.s;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return keyed.sort(cmp).map((k) => k.r);
}

function gvkStr(g: { group: string; version: string; kind: string }): string {
  return `${g.kind || "[noKind]"}.${g.version || "[noVer]"}.${g.group || "[noGrp]"}`;
}

/** Build the kustomization in `dir` and return the YAML stream `kustomize build` prints. */
export function kustomizeBuild(dir: string, options: BuildOptions = {}): string {
  const fs = options.fs ?? denoFs();
  const root = normalizePath(dir.startsWith("/") ? dir : joinPath(Deno.cwd(), dir));
  if (!fs.isDir(root)) {
    throw new KustomizeError(`must build at directory: not a valid directory: '${dir}'`, { file: dir });
  }
  const ctx: Ctx = { fs, warn: options.onWarning ?? (() => {}), visiting: [] };
  const acc: Acc = { resources: [], config: emptyConfig(), vars: [] };
  accumulateDir(ctx, root, acc, false);
  // hash suffixes
  for (const r of acc.resources) {
    if (r.generator?.needsHash) {
      const h = nameHash(r.obj);
      r.storePreviousId();
      r.setName(`${r.name}-${h}`);
    }
  }
  fixNameReferences(acc.resources, acc.config.nameReference);
  resolveVars(acc.resources, acc.vars, acc.config.varReference);
  let list = acc.resources.filter((r) => {
    const a = getPath(r.obj, ["metadata", "annotations", "config.kubernetes.io/local-config"]);
    return a !== "true";
  });
  let order = options.reorder;
  if (order === undefined) {
    const so = ctx.sortOptions;
    order = isMap(so) && so.order === "fifo" ? "none" : "legacy";
    if (isMap(so) && so.order === "legacy" && isMap(so.legacySortOptions)) {
      const l = so.legacySortOptions;
      const f = Array.isArray(l.orderFirst) ? l.orderFirst.map(String) : LEGACY_FIRST;
      const la = Array.isArray(l.orderLast) ? l.orderLast.map(String) : LEGACY_LAST;
      list = legacySort(list, f, la);
      order = "none";
    }
  }
  if (order === "legacy") list = legacySort(list);
  const bm = ctx.buildMetadata ?? [];
  for (const r of list) {
    if (bm.includes("managedByLabel")) {
      const md = r.metadata();
      if (!isMap(md.labels)) md.labels = Object.create(null) as VMap;
      (md.labels as VMap)[MANAGED_BY_LABEL] = MANAGED_BY_VALUE;
    }
    cleanMetadata(r.obj);
    const keep: [string, string][] = [];
    if (bm.includes("originAnnotations") && r.origin) keep.push([ORIGIN_ANNOTATION, originString(r.origin)]);
    if (bm.includes("transformerAnnotations") && r.transformations.length > 0) {
      keep.push([TRANSFORMATIONS_ANNOTATION, transformationsString(r.transformations)]);
    }
    if (keep.length > 0) {
      const md = r.metadata();
      if (!isMap(md.annotations)) md.annotations = Object.create(null) as VMap;
      for (const [a, v] of keep) (md.annotations as VMap)[a] = v;
    }
  }
  return emitYamlStream(list.map((r) => r.obj));
}

function cleanMetadata(obj: VMap): void {
  const md = obj.metadata;
  if (!isMap(md)) return;
  const an = md.annotations;
  if (isMap(an)) {
    for (const k of Object.keys(an)) {
      if (
        k.startsWith("internal.config.kubernetes.io/") || k === "config.kubernetes.io/origin" ||
        k.startsWith("config.kubernetes.io/previous") || k === "alpha.config.kubernetes.io/transformations"
      ) delete an[k];
    }
    if (Object.keys(an).length === 0) delete md.annotations;
  }
}

export { basename, dirname, isClusterScoped };
