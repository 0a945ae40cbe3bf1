/**
 * The three sources of a pack's manifests (compiler.md §6.6–§6.8): a directory of raw manifests,
 * a kustomization (the native engine, compiler/kustomize), a Helm chart (the native engine,
 * compiler/helm). Each returns one multi-document stream plus the digests of what it read, for the
 * PackDelivery's provenance.
 */
import { InputError } from "../../shared/errors.ts";
import { sha256Hex } from "../../shared/digest.ts";
import { kustomizeBuild } from "../kustomize/mod.ts";
import { HelmError, loadChartBytes, mergeUserValues, templateChart } from "../helm/mod.ts";

export interface RenderedSource {
  /** Multi-document YAML. */
  stream: string;
  /** `label → sha256:<hex>` of what was read (sorted by label when written). */
  inputs: Record<string, string>;
  /** Files read (raw) or documents rendered; for the summary. */
  detail: string;
  /** Absolute paths of the files read, for the compile report. */
  files: string[];
}

function _notFound(err: unknown): boolean {
  return err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory;
}

/**
 * Raw path (§6.7): the directory's regular `.yaml`/`.yml` files (case-sensitive), not recursive,
 * in byte order of their names. Each file is its own document stream (DEFECT D-P5): a `---` line
 * separates the files.
 */
export async function renderRaw(dir: string, shownAs: string): Promise<RenderedSource> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && (e.name.endsWith(".yaml") || e.name.endsWith(".yml"))) names.push(e.name);
    }
  } catch (cause) {
    throw new InputError(
      `read rawSource.path ${JSON.stringify(shownAs)}: ${
        _notFound(cause) ? "no such directory" : String(cause)
      }`,
      { code: "SourceUnreadable", cause, hint: "rawSource.path is relative to the input file's directory" },
    );
  }
  if (names.length === 0) {
    throw new InputError(`no YAML files found in ${JSON.stringify(shownAs)}`, {
      code: "SourceEmpty",
      hint: "the raw path reads *.yaml and *.yml files directly in that directory (not in subdirectories)",
    });
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let stream = "";
  let listing = "";
  for (const name of names) {
    let text: string;
    try {
      text = await Deno.readTextFile(`${dir}/${name}`);
    } catch (cause) {
      throw new InputError(`read ${JSON.stringify(`${shownAs}/${name}`)}: ${String(cause)}`, {
        code: "SourceUnreadable",
        cause,
      });
    }
    stream += `---\n${text}${text.endsWith("\n") ? "" : "\n"}`;
    listing += `${name}\0${sha256Hex(text)}\n`;
  }
  return {
    stream,
    files: names.map((n) => `${dir}/${n}`),
    inputs: { rawSource: `sha256:${sha256Hex(listing)}` },
    detail: `${names.length} file${names.length === 1 ? "" : "s"}`,
  };
}

/** Regular files under `dir`, recursively, sorted (what a kustomization may read; best effort). */
function _treeFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory) walk(`${d}/${e.name}`);
      else if (e.isFile) out.push(`${d}/${e.name}`);
    }
  };
  walk(dir);
  return out;
}

/** Kustomize path (§6.8): `kustomize build` with default options, by the native engine. */
export function renderKustomize(dir: string, shownAs: string, warn: (m: string) => void): RenderedSource {
  let stream: string;
  try {
    stream = kustomizeBuild(dir, { onWarning: (m) => warn(`kustomize: ${m}`) });
  } catch (err) {
    if (err instanceof InputError) {
      throw new InputError(`kustomize build ${JSON.stringify(shownAs)}: ${err.describe()}`, {
        code: err.code,
        cause: err,
      });
    }
    throw err;
  }
  if (stream.trim() === "") {
    throw new InputError(`kustomize build ${JSON.stringify(shownAs)} produced no output`, {
      code: "SourceEmpty",
    });
  }
  return {
    stream,
    inputs: { kustomizeSource: `sha256:${sha256Hex(stream)}` },
    detail: "kustomize build",
    files: _treeFiles(dir),
  };
}

// ---------------------------------------------------------------------------------------------
// Helm

/** The Helm release compiler/helm reproduces (recorded as `spec.helmVersion` by default). */
export const HELM_ENGINE_VERSION = "v3.17.2";

export interface HelmRenderOptions {
  releaseName?: string | undefined;
  namespace: string;
  valuesYaml?: string | undefined;
  /** Seed of Sprig's random functions (deterministic builds). */
  seed: bigint;
  /** Milliseconds since the epoch for `now` (SOURCE_DATE_EPOCH); undefined → real time. */
  now?: number | undefined;
}

/** Renders a chart archive: its name and every document in output order with its source path. */
export async function renderHelmChart(
  chart: Uint8Array,
  url: string,
  o: HelmRenderOptions,
): Promise<{ chartName: string; docs: { source: string; content: string }[] }> {
  let loaded;
  try {
    loaded = await loadChartBytes(chart);
  } catch (err) {
    // The engine's ChartLoadError is not part of its mod.ts; any failure here is the archive's.
    throw new InputError(
      `render chart ${JSON.stringify(url)}: ${err instanceof Error ? err.message : String(err)}`,
      {
        code: "ChartInvalid",
        cause: err,
        hint: "helmSource.url must name a chart archive (.tgz) as `helm package` writes it",
      },
    );
  }
  try {
    const values = mergeUserValues({ valuesFiles: o.valuesYaml !== undefined ? [o.valuesYaml] : [] });
    const result = templateChart(loaded, values, {
      releaseName: o.releaseName ?? loaded.meta.Name,
      namespace: o.namespace,
      // Beyond upstream: the chart's crds/ are part of the pack (compiler.md §12.2 lists the gap).
      includeCrds: true,
      noHooks: true,
      seed: o.seed,
      ...(o.now !== undefined ? { now: o.now } : {}),
    });
    return { chartName: loaded.meta.Name, docs: result.manifests };
  } catch (err) {
    if (err instanceof HelmError) {
      throw new InputError(`render chart ${JSON.stringify(url)}: ${err.message}`, {
        code: "HelmRenderFailed",
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * §6.6 step 6: outputs in order of their template path (stable: documents of one template keep
 * the engine's order); `NOTES.txt` (any case) and outputs empty after trimming are skipped; each
 * kept output becomes `---\n<trimmed>\n`.
 */
export function joinHelmOutputs(docs: readonly { source: string; content: string }[]): string {
  const sorted = docs.map((d, i) => ({ ...d, i })).sort((a, b) =>
    a.source < b.source ? -1 : a.source > b.source ? 1 : a.i - b.i
  );
  let out = "";
  for (const d of sorted) {
    if (d.source.toLowerCase().endsWith("notes.txt")) continue;
    const t = d.content.trim();
    if (t === "") continue;
    out += `---\n${t}\n`;
  }
  return out;
}

/** Fetches a chart archive: `file://` from disk, `http(s)://` with a timeout (D-P3). */
export async function fetchChart(
  url: string,
  options: { fetch?: typeof fetch; timeoutMs?: number; baseDir: string },
): Promise<Uint8Array> {
  if (url.startsWith("file://")) {
    let path = decodeURIComponent(url.slice("file://".length));
    if (!path.startsWith("/")) path = `${options.baseDir}/${path}`;
    try {
      return await Deno.readFile(path);
    } catch (cause) {
      throw new InputError(
        `fetch chart ${JSON.stringify(url)}: ${_notFound(cause) ? "no such file" : String(cause)}`,
        {
          code: "ChartUnreadable",
          cause,
        },
      );
    }
  }
  const f = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let res: Response;
  try {
    res = await f(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new InputError(`fetch chart ${JSON.stringify(url)}: ${String(cause)}`, {
      code: "ChartUnreadable",
      cause,
    });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new InputError(`fetch chart ${JSON.stringify(url)}: HTTP ${res.status}`, {
      code: "ChartUnreadable",
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}
