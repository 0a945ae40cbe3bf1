// Chart loading: directory or .tgz (renderers.md §3.1).

import { GoStruct, stringSlice, tagType } from "../template/mod.ts";
import { parseYamlGo } from "../sprig/yaml.ts";
import { parseVersion } from "./semver.ts";
import { gunzip, isGzip, readTar } from "./tar.ts";
import { goPrint } from "../template/mod.ts";

export interface ChartFile {
  name: string;
  data: Uint8Array;
}

export interface Dependency {
  Name: string;
  Version: string;
  Repository: string;
  Condition: string;
  Tags: string[] | null;
  Enabled: boolean;
  ImportValues: unknown[] | null;
  Alias: string;
}

export class Chart {
  meta: Record<string, unknown> & { Name: string; Version: string; APIVersion: string; Type: string };
  values: Record<string, unknown> = {};
  schema: Uint8Array | undefined;
  templates: ChartFile[] = [];
  files: ChartFile[] = [];
  rawFiles: ChartFile[] = [];
  lock: unknown;
  dependencies: Chart[] = [];
  parent?: Chart;
  constructor(meta: Chart["meta"]) {
    this.meta = meta;
  }
  get name(): string {
    return this.meta.Name;
  }
  get isRoot(): boolean {
    return this.parent === undefined;
  }
  fullPath(): string {
    return this.parent ? this.parent.fullPath() + "/charts/" + this.name : this.name;
  }
  get deps(): Dependency[] {
    return (this.meta.Dependencies as Dependency[] | null) ?? [];
  }
  addDependency(c: Chart): void {
    c.parent = this;
    this.dependencies.push(c);
  }
}

export class ChartLoadError extends Error {}

const BOM = [0xef, 0xbb, 0xbf];
const dec = new TextDecoder();
const MAX_FILE = 5 * 1024 * 1024;

function stripBom(d: Uint8Array): Uint8Array {
  return d.length >= 3 && d[0] === BOM[0] && d[1] === BOM[1] && d[2] === BOM[2] ? d.subarray(3) : d;
}

function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  return goPrint(v);
}

function strList(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  return stringSlice(v.map(str));
}

function sanitize(s: string): string {
  // remove non-printable characters (Go unicode.IsPrint keeps spaces only as ' ')
  return s.replace(
    /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu,
    (c) => (c === " " ? c : /\s/.test(c) ? " " : ""),
  );
}

export function makeDependency(d: Record<string, unknown>): Dependency {
  const dep = new GoStruct("*chart.Dependency", {
    Name: str(d.name),
    Version: str(d.version),
    Repository: str(d.repository),
    Condition: str(d.condition),
    Tags: strList(d.tags),
    Enabled: d.enabled === true,
    ImportValues: Array.isArray(d["import-values"]) ? d["import-values"] as unknown[] : null,
    Alias: str(d.alias),
  });
  return dep as unknown as Dependency;
}

export function makeMetadata(m: Record<string, unknown>): Chart["meta"] {
  const ann = m.annotations;
  let annotations: Record<string, string> | null = null;
  if (ann && typeof ann === "object" && !Array.isArray(ann)) {
    annotations = tagType({}, "map[string]string");
    for (const [k, v] of Object.entries(ann)) annotations[k] = str(v);
  }
  const maint = Array.isArray(m.maintainers)
    ? (m.maintainers as Record<string, unknown>[]).map((x) =>
      new GoStruct("*chart.Maintainer", { Name: str(x?.name), Email: str(x?.email), URL: str(x?.url) })
    )
    : null;
  const deps = Array.isArray(m.dependencies)
    ? (m.dependencies as Record<string, unknown>[]).map((d) => makeDependency(d ?? {}))
    : null;
  return new GoStruct("*chart.Metadata", {
    Name: str(m.name),
    Home: str(m.home),
    Sources: strList(m.sources),
    Version: str(m.version),
    Description: str(m.description),
    Keywords: strList(m.keywords),
    Maintainers: maint,
    Icon: str(m.icon),
    APIVersion: str(m.apiVersion),
    Condition: str(m.condition),
    Tags: str(m.tags),
    AppVersion: str(m.appVersion),
    Deprecated: m.deprecated === true,
    Annotations: annotations,
    KubeVersion: str(m.kubeVersion),
    Dependencies: deps,
    Type: str(m.type),
  }) as unknown as Chart["meta"];
}

function validate(md: Chart["meta"]): void {
  for (
    const f of [
      "Name",
      "Home",
      "Version",
      "Description",
      "Icon",
      "APIVersion",
      "Condition",
      "Tags",
      "AppVersion",
      "KubeVersion",
      "Type",
    ]
  ) {
    (md as Record<string, unknown>)[f] = sanitize(md[f] as string);
  }
  const fail = (m: string): never => {
    throw new ChartLoadError("validation: " + m);
  };
  if (!md.APIVersion) fail("chart.metadata.apiVersion is required");
  if (!md.Name) fail("chart.metadata.name is required");
  if (md.Name.includes("/")) {
    fail(`chart.metadata.name ${JSON.stringify(md.Name)} is invalid`);
  }
  if (!md.Version) fail("chart.metadata.version is required");
  if (!parseVersion(md.Version)) fail(`chart.metadata.version ${JSON.stringify(md.Version)} is invalid`);
  if (md.Type !== "" && md.Type !== "application" && md.Type !== "library") {
    fail("chart.metadata.type must be application or library");
  }
  for (const m of (md.Maintainers as { Name: string }[] | null) ?? []) {
    if (!m.Name) fail("chart.metadata.maintainers must have a name");
  }
  const seen = new Set<string>();
  for (const d of (md.Dependencies as Dependency[] | null) ?? []) {
    if (!d.Name) fail("dependencies must have a name");
    if (d.Alias && !/^[a-zA-Z0-9_-]+$/.test(d.Alias)) {
      fail(`dependency ${JSON.stringify(d.Name)} has disallowed characters in the alias`);
    }
    const key = d.Alias || d.Name;
    if (seen.has(key)) fail(`more than one dependency with name or alias ${JSON.stringify(key)}`);
    seen.add(key);
  }
}

function yamlErr(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.startsWith("yaml:") ? "error converting YAML to JSON: " + m : m;
}

export function parseValuesText(text: string): Record<string, unknown> {
  const v = parseYamlGo(text);
  if (v === null || v === undefined) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new Error(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${
        jsonKind(v)
      } into Go value of type map[string]interface {}`,
    );
  }
  return v as Record<string, unknown>;
}

export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || (v && typeof v === "object" && "kind" in v)) return "number";
  return "object";
}

/** Build a chart from its files (paths relative to the chart root). */
export async function loadFiles(files: ChartFile[]): Promise<Chart> {
  let meta: Chart["meta"] | undefined;
  let values: Record<string, unknown> | undefined;
  let schema: Uint8Array | undefined;
  const templates: ChartFile[] = [];
  const other: ChartFile[] = [];
  const subcharts = new Map<string, ChartFile[]>();
  let requirements: unknown;
  let lock: unknown;
  // Chart.yaml first (Helm does so too, to know the apiVersion)
  for (const f of files) {
    if (f.name === "Chart.yaml") {
      let raw: unknown;
      try {
        raw = parseYamlGo(dec.decode(f.data));
      } catch (e) {
        throw new ChartLoadError("cannot load Chart.yaml: " + yamlErr(e));
      }
      meta = makeMetadata(
        (raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>,
      );
      if (!meta.APIVersion) meta.APIVersion = "v1";
    }
  }
  for (const f of files) {
    const n = f.name;
    if (n === "Chart.yaml") continue;
    if (n === "Chart.lock" || n === "requirements.lock") {
      try {
        lock = parseYamlGo(dec.decode(f.data));
      } catch { /* ignore */ }
      if (n === "requirements.lock" && meta?.APIVersion === "v1") other.push(f);
      continue;
    }
    if (n === "values.yaml") {
      try {
        values = parseValuesText(dec.decode(f.data));
      } catch (e) {
        throw new ChartLoadError("cannot load values.yaml: " + yamlErr(e));
      }
      continue;
    }
    if (n === "values.schema.json") {
      schema = f.data;
      continue;
    }
    if (n === "requirements.yaml") {
      if (meta?.APIVersion === "v1") other.push(f);
      try {
        requirements = parseYamlGo(dec.decode(f.data));
      } catch (e) {
        throw new ChartLoadError("cannot load requirements.yaml: " + yamlErr(e));
      }
      continue;
    }
    if (n.startsWith("templates/")) {
      templates.push(f);
      continue;
    }
    if (n.startsWith("charts/")) {
      if (n.endsWith(".prov")) {
        other.push(f);
        continue;
      }
      const rest = n.slice("charts/".length);
      const cname = rest.split("/")[0]!;
      if (!subcharts.has(cname)) subcharts.set(cname, []);
      subcharts.get(cname)!.push({ name: rest, data: f.data });
      continue;
    }
    other.push(f);
  }
  if (!meta) throw new ChartLoadError("Chart.yaml file is missing");
  validate(meta);
  if (requirements && typeof requirements === "object" && meta.APIVersion === "v1") {
    const deps = (requirements as Record<string, unknown>).dependencies;
    if (Array.isArray(deps)) meta.Dependencies = deps.map((d) => makeDependency(d ?? {}));
  }
  const c = new Chart(meta);
  c.values = values ?? {};
  c.schema = schema;
  c.templates = templates;
  c.files = other;
  c.lock = lock;
  for (const [n, fs] of [...subcharts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (n.startsWith("_") || n.startsWith(".")) continue;
    let sc: Chart;
    try {
      if (n.endsWith(".tgz")) {
        const f = fs[0]!;
        if (f.name !== n) {
          throw new ChartLoadError(`error unpacking tar in ${c.name}: expected ${n}, got ${f.name}`);
        }
        sc = await loadArchive(f.data);
      } else {
        const buff: ChartFile[] = [];
        for (const f of fs) {
          const i = f.name.indexOf("/");
          if (i < 0) continue;
          buff.push({ name: f.name.slice(i + 1), data: f.data });
        }
        sc = await loadFiles(buff);
      }
    } catch (e) {
      throw new ChartLoadError(`error unpacking subchart ${n} in ${c.name}: ${(e as Error).message}`);
    }
    c.addDependency(sc);
  }
  return c;
}

export async function loadArchive(data: Uint8Array): Promise<Chart> {
  if (!isGzip(data)) throw new ChartLoadError("file does not appear to be a gzipped archive");
  const tar = readTar(await gunzip(data));
  const files: ChartFile[] = [];
  let total = 0;
  for (const e of tar) {
    if (e.type === "5") continue;
    if (e.type !== "0" && e.type !== "7") continue;
    let n = e.name;
    if (n.includes("\\")) {
      throw new ChartLoadError(
        `chart illegally contains content outside the base directory: ${JSON.stringify(n)}`,
      );
    }
    if (n.startsWith("/")) throw new ChartLoadError(`chart illegally contains absolute paths`);
    const parts = n.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.includes("..")) throw new ChartLoadError(`chart illegally references parent directory`);
    if (parts[0] === "Chart.yaml") throw new ChartLoadError("chart yaml not in base directory");
    if (parts.length < 2) continue;
    n = parts.slice(1).join("/");
    total += e.data.length;
    if (total > 100 * 1024 * 1024) {
      throw new ChartLoadError("decompressed chart is larger than the maximum size");
    }
    if (e.data.length > MAX_FILE) {
      throw new ChartLoadError(`file ${JSON.stringify(n)} is larger than the maximum file size`);
    }
    files.push({ name: n, data: stripBom(e.data) });
  }
  if (files.length === 0) throw new ChartLoadError("no files in chart archive");
  return loadFiles(files);
}

// ---------------------------------------------------------------- .helmignore

interface IgnoreRule {
  negate: boolean;
  mustDir: boolean;
  match: (path: string) => boolean;
}

/** Go path.Match. */
export function goMatch(pattern: string, name: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const j = pattern.indexOf("]", i + 1);
      if (j < 0) return false;
      let cls = pattern.slice(i + 1, j);
      if (cls.startsWith("^")) cls = "^" + cls.slice(1);
      re += "[" + cls.replace(/\\/g, "\\\\") + "]";
      i = j;
    } else if (c === "\\" && i + 1 < pattern.length) {
      re += "\\" + pattern[++i];
    } else re += c.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  try {
    return new RegExp(re + "$", "s").test(name);
  } catch {
    return false;
  }
}

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

export function parseIgnore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const add = (raw: string) => {
    let rule = raw.trim();
    if (rule === "" || rule.startsWith("#")) return;
    if (rule.includes("**")) throw new ChartLoadError("double-star (**) syntax is not supported");
    let negate = false, mustDir = false;
    if (rule.startsWith("!")) {
      negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith("/")) {
      mustDir = true;
      rule = rule.slice(0, -1);
    }
    let match: (p: string) => boolean;
    if (rule.startsWith("/")) {
      const r = rule.slice(1);
      match = (p) => goMatch(r, p);
    } else if (rule.includes("/")) match = (p) => goMatch(rule, p);
    else match = (p) => goMatch(rule, basename(p));
    rules.push({ negate, mustDir, match });
  };
  for (const line of text.split(/\r?\n/)) add(line);
  add("templates/.?*");
  return rules;
}

function ignored(rules: IgnoreRule[], path: string, isDir: boolean): boolean {
  if (path === "" || path === "." || path === "./") return false;
  for (const r of rules) {
    if (r.negate) {
      if (r.mustDir && !isDir) return true;
      if (!r.match(path)) return true;
      continue;
    }
    if (r.mustDir && !isDir) continue;
    if (r.match(path)) return true;
  }
  return false;
}

export async function loadDir(dir: string): Promise<Chart> {
  let rules: IgnoreRule[];
  try {
    rules = parseIgnore(await Deno.readTextFile(dir + "/.helmignore"));
  } catch (e) {
    if (e instanceof ChartLoadError) throw e;
    rules = parseIgnore("");
  }
  const files: ChartFile[] = [];
  const walk = async (abs: string, rel: string) => {
    const names: string[] = [];
    for await (const e of Deno.readDir(abs)) names.push(e.name);
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const p = abs + "/" + name;
      const r = rel ? rel + "/" + name : name;
      const st = await Deno.stat(p);
      if (st.isDirectory) {
        if (ignored(rules, r, true)) continue;
        await walk(p, r);
        continue;
      }
      if (ignored(rules, r, false)) continue;
      if (!st.isFile) {
        throw new ChartLoadError(`cannot load irregular file ${p} as it has file mode type bits set`);
      }
      if (st.size > MAX_FILE) {
        throw new ChartLoadError(
          `chart file ${JSON.stringify(name)} is larger than the maximum file size ${MAX_FILE}`,
        );
      }
      files.push({ name: r, data: stripBom(await Deno.readFile(p)) });
    }
  };
  await walk(dir, "");
  return loadFiles(files);
}

/** Load a chart from a directory or an archive path. */
export async function loadChart(path: string): Promise<Chart> {
  const st = await Deno.stat(path);
  if (st.isDirectory) return loadDir(path.replace(/\/+$/, ""));
  const data = await Deno.readFile(path);
  if (!isGzip(data)) {
    throw new ChartLoadError(
      `file '${path}' does not appear to be a gzipped archive; got 'application/octet-stream'`,
    );
  }
  return loadArchive(data);
}

/** Load from in-memory archive bytes (OCI/HTTP sources). */
export function loadChartBytes(data: Uint8Array): Promise<Chart> {
  return loadArchive(data);
}
