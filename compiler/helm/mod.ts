// Helm engine public API: renderChart (library entry) and helmTemplate (the `helm template` pipeline).

import { type Chart, ChartLoadError, loadChart, loadChartBytes } from "./chart/loader.ts";
import {
  checkDependencies,
  coalesceValues,
  isTable,
  mergeMaps,
  processDependencies,
  type Values,
} from "./chart/values.ts";
import { parseInto, parseIntoFile, parseIntoString, parseJSON, parseLiteralInto } from "./chart/strvals.ts";
import { validateAgainstSchema } from "./chart/schema.ts";
import { satisfies } from "./chart/semver.ts";
import { type ChartSourceOptions, fetchRemoteChart, isRemoteChartRef } from "./chart/sources.ts";
import {
  crdObjects,
  DEFAULT_KUBE_VERSION,
  goMatch,
  type Manifest,
  parseKubeVersion,
  RenderError,
  renderTemplates,
  sortManifests,
  splitManifests,
} from "./render.ts";
import { parseYamlGo } from "./sprig/yaml.ts";
import { sprigFuncs } from "./sprig/mod.ts";
import { TemplateSet, toGo } from "./template/mod.ts";

export { type Chart, loadChart, loadChartBytes } from "./chart/loader.ts";
export { DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION } from "./render.ts";
export {
  type ChartSourceOptions,
  type FetchedChart,
  fetchFromRepo,
  fetchRemoteChart,
  pullOciChart,
} from "./chart/sources.ts";

/** Error of the `helm template` pipeline; `render` errors get Helm's "Use --debug flag" hint in the CLI. */
export class HelmError extends Error {
  /**
   * With a render error: what `helm template --debug` still prints (the release manifest: empty after
   * a template error, every rendered file after a YAML parse error).
   */
  debugManifest = "";
  constructor(message: string, readonly render = false) {
    super(message);
    this.name = "HelmError";
  }
}

export interface RenderChartOptions {
  releaseName?: string;
  namespace?: string;
  /** Values maps, merged left to right like several -f files (plain JS data; numbers are float64). */
  values?: Values | Values[];
  /** Values files (YAML text) merged like -f, before `values`. */
  valuesFiles?: string[];
  set?: string[];
  setString?: string[];
  setJson?: string[];
  setLiteral?: string[];
  /** --set-file entries; files are read through readFile (default: Deno.readTextFileSync). */
  setFile?: string[];
  readFile?: (path: string) => string;
  kubeVersion?: string;
  apiVersions?: string[];
  includeCrds?: boolean;
  skipCrds?: boolean;
  noHooks?: boolean;
  skipTests?: boolean;
  isUpgrade?: boolean;
  skipSchemaValidation?: boolean;
  showOnly?: string[];
  /** Determinism: seed for Sprig's random functions (default: crypto randomness). */
  seed?: number | bigint;
  /** Determinism: fixed clock in ms since epoch (default: real time). */
  now?: number;
  /**
   * Remote chart source (§3.10): with `repo` the chart argument is a chart name in that HTTP(S)
   * repository; `oci://…` and `http(s)://….tgz` chart arguments are fetched; `version` may be a constraint.
   */
  source?: ChartSourceOptions;
  /** Receives Helm's warnings (stderr lines in the CLI). */
  warn?: (msg: string) => void;
}

export interface RenderResult {
  /** Documents in output order (CRDs, manifests, hooks), source = template path. */
  manifests: { source: string; content: string; hook?: boolean; crd?: boolean }[];
  /** Exactly what `helm template` prints on stdout. */
  text: string;
}

function valuesTextToMap(text: string, name: string): Values {
  let v: unknown;
  try {
    v = parseYamlGo(text);
  } catch (e) {
    const m = (e as Error).message;
    throw new HelmError(`failed to parse ${name}: error converting YAML to JSON: ${m}`);
  }
  if (v === null || v === undefined) return {};
  if (!isTable(v)) {
    throw new HelmError(
      `failed to parse ${name}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${
        Array.isArray(v)
          ? "array"
          : typeof v === "string"
          ? "string"
          : typeof v === "boolean"
          ? "bool"
          : "number"
      } into Go value of type map[string]interface {}`,
    );
  }
  return v;
}

/** cli/values.Options.MergeValues. */
export function mergeUserValues(
  opts: RenderChartOptions,
  files: { name: string; text: string }[] = [],
): Values {
  let base: Values = {};
  for (const f of files) base = mergeMaps(base, valuesTextToMap(f.text, f.name));
  for (const t of opts.valuesFiles ?? []) base = mergeMaps(base, valuesTextToMap(t, "values"));
  const vs = opts.values === undefined ? [] : Array.isArray(opts.values) ? opts.values : [opts.values];
  for (const v of vs) base = mergeMaps(base, toGo(v) as Values);
  const wrap = (fn: () => void, what: string, raw?: string) => {
    try {
      fn();
    } catch (e) {
      if (raw !== undefined) throw new HelmError(`failed parsing --set-json data ${raw}`);
      throw new HelmError(`failed parsing ${what} data: ${(e as Error).message}`);
    }
  };
  for (const s of opts.setJson ?? []) wrap(() => parseJSON(s, base), "--set-json", s);
  for (const s of opts.set ?? []) wrap(() => parseInto(s, base), "--set");
  for (const s of opts.setString ?? []) wrap(() => parseIntoString(s, base), "--set-string");
  const rf = opts.readFile ?? ((p: string) => Deno.readTextFileSync(p));
  for (const s of opts.setFile ?? []) wrap(() => parseIntoFile(s, base, rf), "--set-file");
  for (const s of opts.setLiteral ?? []) wrap(() => parseLiteralInto(s, base), "--set-literal");
  return base;
}

/** Run the `helm template` pipeline on a loaded chart with merged user values. */
export function templateChart(chart: Chart, userValues: Values, opts: RenderChartOptions): RenderResult {
  const type = chart.meta.Type;
  if (type !== "" && type !== "application") throw new HelmError(`${type} charts are not installable`);
  if (chart.meta.Dependencies) {
    try {
      checkDependencies(chart);
    } catch (e) {
      throw new HelmError(
        "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: " +
          (e as Error).message,
      );
    }
  }
  try {
    processDependencies(chart, userValues);
  } catch (e) {
    throw new HelmError((e as Error).message);
  }
  const kubeVersion = opts.kubeVersion ?? DEFAULT_KUBE_VERSION;
  let values: Values;
  try {
    values = coalesceValues(chart, userValues);
  } catch (e) {
    throw new HelmError((e as Error).message);
  }
  if (!opts.skipSchemaValidation) {
    const err = validateAgainstSchema(chart, values);
    if (err) {
      throw new HelmError(
        `values don't meet the specifications of the schema(s) in the following chart(s):\n${err}`,
      );
    }
  }
  const kv = parseKubeVersion(kubeVersion).Version;
  const kc = chart.meta.KubeVersion as string;
  if (kc && !satisfies(kc, kv)) {
    throw new HelmError(
      `chart requires kubeVersion: ${chart.meta.KubeVersion} which is incompatible with Kubernetes ${kv}`,
      true,
    );
  }
  let files: Map<string, string>;
  let sorted: { hooks: Manifest[]; manifests: Manifest[] };
  try {
    const ro: Parameters<typeof renderTemplates>[2] = {
      releaseName: opts.releaseName ?? "release-name",
      namespace: opts.namespace ?? "default",
      isUpgrade: opts.isUpgrade === true,
      kubeVersion,
      apiVersions: opts.apiVersions ?? [],
    };
    if (opts.seed !== undefined) ro.seed = opts.seed;
    if (opts.now !== undefined) ro.now = opts.now;
    files = renderTemplates(chart, values, ro);
  } catch (e) {
    if (e instanceof RenderError) throw new HelmError(e.message, true);
    throw e;
  }
  for (const k of [...files.keys()]) if (k.endsWith("NOTES.txt")) files.delete(k);
  try {
    sorted = sortManifests(files);
  } catch (e) {
    if (e instanceof RenderError) {
      // action.renderResources: "the files as a big blob of data to help the user debug parser
      // errors" (Go map order there; sorted here).
      const err = new HelmError(e.message, true);
      for (const name of [...files.keys()].sort()) {
        const content = files.get(name)!;
        if (content.trim() === "") continue;
        err.debugManifest += `---\n# Source: ${name}\n${content}\n`;
      }
      throw err;
    }
    throw e;
  }
  const out: RenderResult["manifests"] = [];
  let buf = "";
  const dec = new TextDecoder();
  if (opts.includeCrds && !opts.skipCrds) {
    for (const crd of crdObjects(chart)) {
      const content = dec.decode(crd.file.data);
      buf += `---\n# Source: ${crd.filename}\n${content}\n`;
      out.push({ source: crd.filename, content, crd: true });
    }
  }
  for (const m of sorted.manifests) {
    buf += `---\n# Source: ${m.source}\n${m.content}\n`;
    out.push({ source: m.source, content: m.content });
  }
  let text = goTrim(buf) + "\n";
  if (!opts.noHooks) {
    for (const h of sorted.hooks) {
      if (opts.skipTests && h.hook!.events.some((e) => e === "test" || e === "test-success")) continue;
      text += `---\n# Source: ${h.source}\n${h.content}\n`;
      out.push({ source: h.source, content: h.content, hook: true });
    }
  }
  if (opts.showOnly && opts.showOnly.length > 0) {
    const docs = splitManifests(text);
    let res = "";
    const kept: RenderResult["manifests"] = [];
    for (const f of opts.showOnly) {
      let missing = true;
      for (const d of docs) {
        const m = /# Source: [^/]+\/(.+)/.exec(d);
        if (!m) continue;
        if (!goMatch(f, m[1]!)) continue;
        res += `---\n${d}\n`;
        const src = /# Source: (.+)/.exec(d)![1]!;
        kept.push({ source: src, content: d.slice(d.indexOf("\n") + 1) });
        missing = false;
      }
      if (missing) throw new HelmError(`could not find template ${f} in chart`);
    }
    return { manifests: kept, text: res };
  }
  return { manifests: out, text };
}

function goTrim(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "");
}

/** Render a chart (directory, .tgz path or archive bytes) like `helm template`. */
export async function renderChart(
  chartPathOrBytes: string | Uint8Array,
  opts: RenderChartOptions = {},
): Promise<RenderResult> {
  let chart: Chart;
  try {
    chart = typeof chartPathOrBytes !== "string"
      ? await loadChartBytes(chartPathOrBytes)
      : isRemoteChartRef(chartPathOrBytes, opts.source)
      ? await loadChartBytes((await fetchRemoteChart(chartPathOrBytes, opts.source)).bytes)
      : await loadChart(chartPathOrBytes);
  } catch (e) {
    if (e instanceof ChartLoadError) throw new HelmError(e.message);
    throw e;
  }
  const vals = mergeUserValues(opts);
  return templateChart(chart, vals, opts);
}

/** `--name-template`: render with Sprig. */
export function renderNameTemplate(t: string): string {
  const set = new TemplateSet({ missingKey: "default", rootName: "name-template" });
  set.funcs(sprigFuncs());
  set.parse("name-template", t);
  return set.has("name-template") ? set.execute("name-template", {}) : "";
}
