// Helm rendering (renderers.md §3.4–§3.8): render context, include/tpl/required/fail/lookup on top of the
// template engine and Sprig, then `helm template` output assembly (sorting, hooks, CRDs, --show-only).

import {
  type GoFunc,
  goFunc,
  GoInt,
  goQuote,
  GoStruct,
  stringSlice,
  tagType,
  TemplateError,
  TemplateSet,
} from "./template/mod.ts";
import { sprigFuncs, toYaml } from "./sprig/mod.ts";
import { parseYamlGo } from "./sprig/yaml.ts";
import type { Chart, ChartFile } from "./chart/loader.ts";
import { isTable, type Values } from "./chart/values.ts";
import { goMatch } from "./chart/loader.ts";

const dec = new TextDecoder();

// ---------------------------------------------------------------- capabilities

export const DEFAULT_API_VERSIONS: readonly string[] = [
  "v1",
  "admissionregistration.k8s.io/v1",
  "admissionregistration.k8s.io/v1alpha1",
  "admissionregistration.k8s.io/v1beta1",
  "internal.apiserver.k8s.io/v1alpha1",
  "apps/v1",
  "apps/v1beta1",
  "apps/v1beta2",
  "authentication.k8s.io/v1",
  "authentication.k8s.io/v1alpha1",
  "authentication.k8s.io/v1beta1",
  "authorization.k8s.io/v1",
  "authorization.k8s.io/v1beta1",
  "autoscaling/v1",
  "autoscaling/v2",
  "autoscaling/v2beta1",
  "autoscaling/v2beta2",
  "batch/v1",
  "batch/v1beta1",
  "certificates.k8s.io/v1",
  "certificates.k8s.io/v1beta1",
  "certificates.k8s.io/v1alpha1",
  "coordination.k8s.io/v1alpha2",
  "coordination.k8s.io/v1beta1",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "discovery.k8s.io/v1beta1",
  "events.k8s.io/v1",
  "events.k8s.io/v1beta1",
  "extensions/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1beta2",
  "flowcontrol.apiserver.k8s.io/v1beta3",
  "networking.k8s.io/v1",
  "networking.k8s.io/v1alpha1",
  "networking.k8s.io/v1beta1",
  "node.k8s.io/v1",
  "node.k8s.io/v1alpha1",
  "node.k8s.io/v1beta1",
  "policy/v1",
  "policy/v1beta1",
  "rbac.authorization.k8s.io/v1",
  "rbac.authorization.k8s.io/v1beta1",
  "rbac.authorization.k8s.io/v1alpha1",
  "resource.k8s.io/v1beta1",
  "resource.k8s.io/v1alpha3",
  "scheduling.k8s.io/v1alpha1",
  "scheduling.k8s.io/v1beta1",
  "scheduling.k8s.io/v1",
  "storage.k8s.io/v1beta1",
  "storage.k8s.io/v1",
  "storage.k8s.io/v1alpha1",
  "storagemigration.k8s.io/v1alpha1",
  "apiextensions.k8s.io/v1beta1",
  "apiextensions.k8s.io/v1",
];

/** Kubernetes version used when none is given (Helm 3.17.2's built-in default). */
export const DEFAULT_KUBE_VERSION = "v1.32.0";

export const HELM_VERSION = {
  Version: "v3.17.2",
  GitCommit: "cc0bbbd6d6276b83880042c1ecb34087e84d41eb",
  GitTreeState: "clean",
  GoVersion: "go1.23.7",
};

/** chartutil.ParseKubeVersion: lenient semver, printed as "v" + canonical form. */
export function parseKubeVersion(v: string): { Version: string; Major: string; Minor: string } {
  const m = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) throw new Error(`invalid kube version '${v}': Invalid Semantic Version`);
  const major = BigInt(m[1]!).toString(),
    minor = BigInt(m[2] ?? "0").toString(),
    patch = BigInt(m[3] ?? "0").toString();
  return { Version: `v${major}.${minor}.${patch}${m[4] ?? ""}${m[5] ?? ""}`, Major: major, Minor: minor };
}

function makeCapabilities(kubeVersion: string, apiVersions: string[]): GoStruct {
  const kv = parseKubeVersion(kubeVersion);
  const kube = new GoStruct("chartutil.KubeVersion", kv) as GoStruct & Record<string, unknown>;
  Object.defineProperty(kube, "String", { value: goFunc([], () => kv.Version), enumerable: false });
  Object.defineProperty(kube, "GitVersion", { value: goFunc([], () => kv.Version), enumerable: false });
  const list = [...apiVersions];
  const vs = new GoStruct("chartutil.VersionSet") as GoStruct & Record<string, unknown>;
  Object.defineProperty(vs, "Has", {
    value: goFunc(["string"], (s) => list.includes(s as string)),
    enumerable: false,
  });
  Object.defineProperty(vs, "String", { value: () => "[" + list.join(" ") + "]", enumerable: false });
  Object.defineProperty(vs, "goRange", {
    value: function* () {
      for (let i = 0; i < list.length; i++) yield [new GoInt(i, "int"), list[i]];
    },
    enumerable: false,
  });
  Object.defineProperty(vs, "goList", { value: list, enumerable: false });
  return new GoStruct("*chartutil.Capabilities", {
    APIVersions: vs,
    KubeVersion: kube,
    HelmVersion: new GoStruct("chartutil.HelmVersion", { ...HELM_VERSION }),
  });
}

// ---------------------------------------------------------------- .Files

/** gobwas/glob with '/' separator → RegExp (invalid pattern → undefined). */
export function globToRegExp(p: string): RegExp | undefined {
  let re = "^";
  let inAlt = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*") {
      if (p[i + 1] === "*") {
        re += ".*";
        i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const j = p.indexOf("]", i + 1);
      if (j < 0) return undefined;
      let cls = p.slice(i + 1, j);
      if (cls.startsWith("!")) cls = "^" + cls.slice(1);
      re += "[" + cls.replace(/\\/g, "\\\\") + "]";
      i = j;
    } else if (c === "{") {
      inAlt++;
      re += "(?:";
    } else if (c === "}" && inAlt > 0) {
      inAlt--;
      re += ")";
    } else if (c === "," && inAlt > 0) re += "|";
    else if (c === "\\" && i + 1 < p.length) re += "\\" + p[++i];
    else re += c.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  if (inAlt > 0) return undefined;
  try {
    return new RegExp(re + "$", "s");
  } catch {
    return undefined;
  }
}

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

export function makeFiles(files: Map<string, Uint8Array>): GoStruct {
  const f = new GoStruct("engine.files") as GoStruct & Record<string, unknown>;
  const def = (name: string, fn: unknown) => Object.defineProperty(f, name, { value: fn, enumerable: false });
  const sortedKeys = () => [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  def(
    "Get",
    goFunc(["string"], (name) => {
      const d = files.get(name as string);
      return d ? dec.decode(d) : "";
    }),
  );
  def("GetBytes", goFunc(["string"], (name) => files.get(name as string) ?? new Uint8Array()));
  def(
    "Glob",
    goFunc(["string"], (pattern) => {
      const re = globToRegExp(pattern as string);
      const out = new Map<string, Uint8Array>();
      for (const [k, v] of files) if (!re || re.test(k)) out.set(k, v);
      return makeFiles(out);
    }),
  );
  def(
    "Lines",
    goFunc(["string"], (name) => {
      const d = files.get(name as string);
      if (!d) return stringSlice([]);
      let s = dec.decode(d);
      if (s.endsWith("\n")) s = s.slice(0, -1);
      return stringSlice(s.split("\n"));
    }),
  );
  def(
    "AsConfig",
    goFunc([], () => {
      if (files.size === 0) return "";
      const m: Record<string, string> = {};
      for (const k of sortedKeys()) m[basename(k)] = dec.decode(files.get(k)!);
      return toYaml(m);
    }),
  );
  def(
    "AsSecrets",
    goFunc([], () => {
      if (files.size === 0) return "";
      const m: Record<string, string> = {};
      for (const k of sortedKeys()) m[basename(k)] = b64(files.get(k)!);
      return toYaml(m);
    }),
  );
  def("goRange", function* () {
    for (const k of sortedKeys()) yield [k, files.get(k)];
  });
  def(
    "String",
    () =>
      "map[" + sortedKeys().map((k) => k + ":[" + Array.from(files.get(k)!).join(" ") + "]").join(" ") + "]",
  );
  return f;
}

// ---------------------------------------------------------------- render

export interface RenderOptions {
  releaseName: string;
  namespace: string;
  isUpgrade?: boolean;
  revision?: number;
  kubeVersion?: string;
  apiVersions?: string[];
  /** Seed for Sprig's random functions (off by default: crypto randomness). */
  seed?: number | bigint;
  /** Fixed clock (ms since epoch) for now/date functions (off by default). */
  now?: number;
}

/** The context top map shared by every chart (Release, Capabilities). */
export function makeTop(opts: RenderOptions): { release: Values; caps: GoStruct } {
  const release: Values = {
    Name: opts.releaseName,
    Namespace: opts.namespace,
    IsUpgrade: opts.isUpgrade === true,
    IsInstall: opts.isUpgrade !== true,
    Revision: new GoInt(opts.revision ?? 1, "int"),
    Service: "Helm",
  };
  const caps = makeCapabilities(opts.kubeVersion ?? DEFAULT_KUBE_VERSION, [
    ...DEFAULT_API_VERSIONS,
    ...(opts.apiVersions ?? []),
  ]);
  return { release, caps };
}

function emptyList<T>(v: T[] | null, type: string): T[] {
  return v ?? tagType([] as T[], type);
}

function chartStruct(c: Chart): GoStruct {
  const m = c.meta as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(m)) fields[k] = m[k];
  fields.Sources = emptyList(m.Sources as string[] | null, "[]string");
  fields.Keywords = emptyList(m.Keywords as string[] | null, "[]string");
  fields.Maintainers = emptyList(m.Maintainers as unknown[] | null, "[]*chart.Maintainer");
  fields.Dependencies = emptyList(m.Dependencies as unknown[] | null, "[]*chart.Dependency");
  if (m.Annotations === null) fields.Annotations = tagType({}, "map[string]string");
  const metaStruct = new GoStruct("chart.Metadata", { ...fields });
  const s = new GoStruct("struct { chart.Metadata; IsRoot bool }", { ...fields, IsRoot: c.isRoot });
  Object.defineProperty(s, "goFields", {
    value: () => [["Metadata", metaStruct], ["IsRoot", c.isRoot]],
    enumerable: false,
  });
  return s;
}

interface Renderable {
  tpl: string;
  vals: Values;
  basePath: string;
}

function isTemplateValid(c: Chart, name: string): boolean {
  if (c.meta.Type === "library") return basename(name).startsWith("_");
  return true;
}

function recAllTpls(c: Chart, templates: Map<string, Renderable>, parentVals: Values): Values {
  const subCharts: Values = {};
  const files = new Map<string, Uint8Array>();
  for (const f of c.files) files.set(f.name, f.data);
  const next: Values = {
    Chart: chartStruct(c),
    Files: makeFiles(files),
    Release: parentVals.Release,
    Capabilities: parentVals.Capabilities,
    Values: {},
    Subcharts: subCharts,
  };
  if (c.isRoot) next.Values = parentVals.Values;
  else {
    const pv = parentVals.Values;
    if (isTable(pv) && isTable(pv[c.name])) next.Values = pv[c.name];
  }
  for (const child of c.dependencies) subCharts[child.name] = recAllTpls(child, templates, next);
  const id = c.fullPath();
  for (const t of c.templates) {
    if (!isTemplateValid(c, t.name)) continue;
    templates.set(id + "/" + t.name, { tpl: dec.decode(t.data), vals: next, basePath: id + "/templates" });
  }
  return next;
}

function slashes(s: string): number {
  let n = 0;
  for (const c of s) if (c === "/") n++;
  return n;
}

export function sortTemplates(keys: string[]): string[] {
  return [...keys].sort((a, b) => {
    const ca = slashes(a), cb = slashes(b);
    if (ca !== cb) return cb - ca;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

const WARN_START = "HELM_ERR_START";
const WARN_END = "HELM_ERR_END";
const warnWrap = (s: string) => WARN_START + s + WARN_END;

/** An error of the render phase (Helm appends "Use --debug flag …" to these). */
export class RenderError extends Error {}

function cleanupParseError(filename: string, msg: string): string {
  const tokens = msg.split(": ");
  if (tokens.length === 1) return `parse error in (${filename}): ${msg}`;
  return `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`;
}

function reformatExecError(filename: string, msg: string): string {
  const i1 = msg.indexOf(": ");
  const i2 = i1 < 0 ? -1 : msg.indexOf(": ", i1 + 2);
  if (i1 < 0 || i2 < 0) return `execution error in (${filename}): ${msg}`;
  const location = msg.slice(i1 + 2, i2);
  const rest = msg.slice(i2 + 2);
  const m = new RegExp(WARN_START + "([\\s\\S]*)" + WARN_END).exec(rest);
  if (m) return `execution error at (${location}): ${m[1]}`;
  return msg;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** engine.Render: file name → rendered text (partials excluded, NOTES included). */
export function renderTemplates(chart: Chart, values: Values, opts: RenderOptions): Map<string, string> {
  const { release, caps } = makeTop(opts);
  const top: Values = { Values: values, Release: release, Capabilities: caps };
  const tpls = new Map<string, Renderable>();
  recAllTpls(chart, tpls, top);
  const set = new TemplateSet({ missingKey: "zero", rootName: "gotpl" });
  const sprigOpts: { seed?: number | bigint; now?: number } = {};
  if (opts.seed !== undefined) sprigOpts.seed = opts.seed;
  if (opts.now !== undefined) sprigOpts.now = opts.now;
  set.funcs(sprigFuncs(sprigOpts));
  const includedNames = new Map<string, number>();
  const includeFun = (t: TemplateSet): GoFunc =>
    goFunc(["string", "any"], (name, data) => {
      const n = name as string;
      const v = includedNames.get(n);
      if (v !== undefined) {
        if (v > 1000) {
          throw new Error(`rendering template has a nested reference name: ${n}: unable to execute template`);
        }
        includedNames.set(n, v + 1);
      } else includedNames.set(n, 1);
      try {
        return t.execute(n, data);
      } finally {
        includedNames.set(n, includedNames.get(n)! - 1);
      }
    });
  const tplFun = (parent: TemplateSet): GoFunc =>
    goFunc(["string", "any"], (text, vals) => {
      const t = parent.clone();
      t.funcs({ include: includeFun(t), tpl: tplFun(t) });
      try {
        t.parse("gotpl", text as string);
      } catch (e) {
        throw new Error(`cannot parse template ${goQuote(text as string)}: ${errText(e)}`);
      }
      let out: string;
      try {
        out = t.has("gotpl") ? t.execute("gotpl", vals) : "";
      } catch (e) {
        throw new Error(`error during tpl function execution for ${goQuote(text as string)}: ${errText(e)}`);
      }
      return out.replaceAll("<no value>", "");
    });
  set.funcs({
    include: includeFun(set),
    tpl: tplFun(set),
    required: goFunc(["string", "any"], (warn, val) => {
      if (val === null || val === undefined || val === "") throw new Error(warnWrap(warn as string));
      return val;
    }),
    fail: goFunc(["string"], (msg) => {
      throw new Error(warnWrap(msg as string));
    }),
    lookup: goFunc(["string", "string", "string", "string"], () => ({})),
    getHostByName: goFunc(["string"], () => ""),
    toYaml: goFunc(["any"], (v) => toYaml(v)),
  });
  const keys = sortTemplates([...tpls.keys()]);
  for (const filename of keys) {
    try {
      set.parse(filename, tpls.get(filename)!.tpl);
    } catch (e) {
      throw new RenderError(cleanupParseError(filename, errText(e)));
    }
  }
  const rendered = new Map<string, string>();
  for (const filename of keys) {
    if (basename(filename).startsWith("_")) continue;
    const r = tpls.get(filename)!;
    r.vals.Template = { Name: filename, BasePath: r.basePath };
    let out: string;
    try {
      out = set.execute(filename, r.vals);
    } catch (e) {
      if (e instanceof TemplateError || e instanceof Error) {
        throw new RenderError(reformatExecError(filename, errText(e)));
      }
      throw e;
    }
    rendered.set(filename, out.replaceAll("<no value>", ""));
  }
  return rendered;
}

// ---------------------------------------------------------------- manifests

export const INSTALL_ORDER = [
  "PriorityClass",
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
];

const HOOK_EVENTS = new Set([
  "pre-install",
  "post-install",
  "pre-delete",
  "post-delete",
  "pre-upgrade",
  "post-upgrade",
  "pre-rollback",
  "post-rollback",
  "test",
  "test-success",
]);

const GO_TRIM = /^[\s\u0085]+|[\s\u0085]+$/g;
export function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, "");
}

/** releaseutil.SplitManifests, in order. */
export function splitManifests(big: string): string[] {
  const docs = goTrimSpace(big).split(/(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/);
  const out: string[] = [];
  for (const d of docs) {
    if (d === "") continue;
    out.push(goTrimSpace(d));
  }
  return out;
}

export interface Manifest {
  /** Template path, e.g. `mychart/templates/deploy.yaml`. */
  source: string;
  content: string;
  kind: string;
  hook?: { events: string[] };
}

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v === null) return "null";
  if (typeof v === "object" && !(v instanceof GoInt)) return "object";
  return "number";
}

function parseHead(doc: string, file: string): { kind: string; annotations: Record<string, string> | null } {
  let v: unknown;
  try {
    v = parseYamlGo(doc);
  } catch (e) {
    const m = errText(e);
    const pre = m.startsWith("yaml:") ? "error converting YAML to JSON: " : "error converting YAML to JSON: ";
    throw new RenderError(`YAML parse error on ${file}: ${pre}${m}`);
  }
  const unm = (what: string) =>
    new RenderError(
      `YAML parse error on ${file}: error unmarshaling JSON: while decoding JSON: json: ${what}`,
    );
  if (v === null || v === undefined) return { kind: "", annotations: null };
  if (!isTable(v)) {
    throw unm(`cannot unmarshal ${jsonTypeName(v)} into Go value of type releaseutil.SimpleHead`);
  }
  const kind = v.kind;
  if (kind !== undefined && kind !== null && typeof kind !== "string") {
    throw unm(`cannot unmarshal ${jsonTypeName(kind)} into Go struct field SimpleHead.kind of type string`);
  }
  const av = v.apiVersion;
  if (av !== undefined && av !== null && typeof av !== "string") {
    throw unm(
      `cannot unmarshal ${jsonTypeName(av)} into Go struct field SimpleHead.apiVersion of type string`,
    );
  }
  let annotations: Record<string, string> | null = null;
  const md = v.metadata;
  if (md !== undefined && md !== null) {
    if (!isTable(md)) {
      throw unm(
        `cannot unmarshal ${
          jsonTypeName(md)
        } into Go struct field SimpleHead.metadata of type struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }`,
      );
    }
    const name = md.name;
    if (name !== undefined && name !== null && typeof name !== "string") {
      throw unm(`cannot unmarshal ${jsonTypeName(name)} into Go struct field .metadata.name of type string`);
    }
    const ann = md.annotations;
    if (ann !== undefined && ann !== null) {
      if (!isTable(ann)) {
        throw unm(
          `cannot unmarshal ${
            jsonTypeName(ann)
          } into Go struct field .metadata.annotations of type map[string]string`,
        );
      }
      annotations = {};
      for (const [k, x] of Object.entries(ann)) {
        if (x !== null && typeof x !== "string") {
          throw unm(
            `cannot unmarshal ${jsonTypeName(x)} into Go struct field .metadata.annotations of type string`,
          );
        }
        annotations[k] = (x as string | null) ?? "";
      }
    }
  }
  return { kind: typeof kind === "string" ? kind : "", annotations };
}

function sortByKind(ms: Manifest[]): Manifest[] {
  const order = new Map(INSTALL_ORDER.map((k, i) => [k, i]));
  return ms
    .map((m, i) => ({ m, i }))
    .sort((a, b) => {
      const ka = a.m.kind, kb = b.m.kind;
      const fa = order.get(ka), fb = order.get(kb);
      if (fa === undefined && fb === undefined) {
        if (ka !== kb) return ka < kb ? -1 : 1;
        return a.i - b.i;
      }
      if (fa === undefined) return 1;
      if (fb === undefined) return -1;
      return fa - fb || a.i - b.i;
    })
    .map((x) => x.m);
}

/** releaseutil.SortManifests: → hooks and manifests, each sorted by kind (stable). */
export function sortManifests(files: Map<string, string>): { hooks: Manifest[]; manifests: Manifest[] } {
  const hooks: Manifest[] = [];
  const generic: Manifest[] = [];
  const paths = [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const p of paths) {
    const content = files.get(p)!;
    if (basename(p).startsWith("_")) continue;
    if (goTrimSpace(content) === "") continue;
    for (const doc of splitManifests(content)) {
      const head = parseHead(doc, p);
      const ann = head.annotations;
      if (!ann || Object.keys(ann).length === 0 || !("helm.sh/hook" in ann)) {
        generic.push({ source: p, content: doc, kind: head.kind });
        continue;
      }
      const events: string[] = [];
      let unknown = false;
      for (const h of ann["helm.sh/hook"]!.split(",")) {
        const t = h.trim().toLowerCase();
        if (!HOOK_EVENTS.has(t)) {
          unknown = true;
          break;
        }
        events.push(t);
      }
      if (unknown) continue;
      hooks.push({ source: p, content: doc, kind: head.kind, hook: { events } });
    }
  }
  return { hooks: sortByKind(hooks), manifests: sortByKind(generic) };
}

/** Chart.CRDObjects order: own crds/ files, then each dependency's, recursively. */
export function crdObjects(c: Chart): { filename: string; file: ChartFile }[] {
  const out: { filename: string; file: ChartFile }[] = [];
  for (const f of c.files) {
    if (f.name.startsWith("crds/") && /\.(ya?ml|json)$/i.test(f.name)) {
      out.push({ filename: c.fullPath() + "/" + f.name, file: f });
    }
  }
  for (const d of c.dependencies) out.push(...crdObjects(d));
  return out;
}

export { goMatch };
