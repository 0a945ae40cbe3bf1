/**
 * `compiler packbuild` (compiler.md §6): read and validate the PackBuildInput, dispatch on the
 * source (category, else helm > raw > kustomize, else pre-built), render, split into three layers,
 * push them, and write `<output>/<name>.yaml` — the PackDelivery — all-or-nothing.
 *
 * Everything the user can get wrong is checked before the first network request: the input, the
 * source directory, the Helm engine's presence, and that the output path is not under a regular
 * file. Layers already pushed stay in the registry when a later step fails (as upstream).
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { loadInput } from "../../schemas/inputs/mod.ts";
import type { PackBuildInput } from "../../schemas/inputs/mod.ts";
import { type InputRef, type ReportRequest, writeTreeWithReport } from "../report/mod.ts";
import { type Clock, rfc3339 } from "../../shared/clock.ts";
import {
  credentialFor,
  guessPlainHttp,
  loadDockerConfig,
  parseRepositoryUrl,
  RegistryClient,
  type RegistryClientOptions,
} from "../../shared/oci/mod.ts";
import { sha256Hex } from "../../shared/digest.ts";
import { SEAM_VERSION } from "../../shared/version.ts";
import {
  checksumOf,
  duplicateObjects,
  layerText,
  parseManifests,
  splitThree,
  withHelmNamespace,
} from "./manifests.ts";
import { buildPackDelivery, type PackCrParams, type PackPath, renderPackDelivery } from "./pack_cr.ts";
import { type PushedLayer, pushLayers } from "./push.ts";
import {
  fetchChart,
  HELM_ENGINE_VERSION,
  joinHelmOutputs,
  type RenderedSource,
  renderHelmChart,
  renderKustomize,
  renderRaw,
} from "./sources.ts";

export interface PackbuildOptions {
  input: string;
  output: string;
  cwd: string;
  /** `--plain-http`; without it, upstream's guess (10.*, 127.*, localhost) still applies. */
  plainHttp: boolean;
  env: (name: string) => string | undefined;
  warn: (message: string) => void;
  /** Called with progress lines (the command passes one only on a TTY). */
  progress?: ((message: string) => void) | undefined;
  /** Pins `spec.provenance.buildTimestamp` (SOURCE_DATE_EPOCH); none → no timestamp. */
  clock?: Clock | undefined;
  /** `--report` / `$COMPILER_REPORT`: the compile report written with the CR. */
  report?: ReportRequest | undefined;
  /** Extra registry client options (tests: retries, fetch, request hooks). */
  registry?: Partial<RegistryClientOptions>;
  fetch?: typeof fetch;
}

export interface PackbuildResult {
  /** Path of the written CR, as the user would name it (`<output>/<name>.yaml`). */
  file: string;
  path: PackPath;
  objects?: { rbac: number; clusterScoped: number; workload: number };
  layers: PushedLayer[];
  repository?: string;
}

/** Which path the input takes (§6.4). */
export function dispatchPath(input: PackBuildInput): PackPath {
  if (input.category) return input.category;
  if (input.helmSource) return "helm";
  if (input.rawSource) return "raw";
  if (input.kustomizeSource) return "kustomize";
  return "prebuilt";
}

function _abs(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Fails before any push when the output directory cannot be created (e.g. under a regular file). */
async function _preflightOutput(outDir: string): Promise<void> {
  for (let d = outDir;; d = dirname(d)) {
    try {
      const info = await Deno.stat(d);
      if (!info.isDirectory) {
        throw new InputError(
          d === outDir
            ? "the output path exists and is not a directory"
            : `cannot create the output directory: ${JSON.stringify(d)} is not a directory`,
          { file: outDir, code: "OutputPathInvalid" },
        );
      }
      return;
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) return;
    }
    if (dirname(d) === d) return;
  }
}

export async function runPackbuild(o: PackbuildOptions): Promise<PackbuildResult> {
  const inputPath = _abs(o.cwd, o.input);
  const outDir = _abs(o.cwd, o.output);
  let inputBytes: Uint8Array;
  try {
    inputBytes = await Deno.readFile(inputPath);
  } catch (cause) {
    throw new InputError(
      `read input file ${JSON.stringify(o.input)}: ${
        cause instanceof Deno.errors.NotFound ? "no such file" : String(cause)
      }`,
      {
        code: "FileUnreadable",
        cause,
      },
    );
  }
  const { value: input, warnings } = await loadInput("pack-build-input", inputPath);
  for (const w of warnings) o.warn(w.describe());
  const path = dispatchPath(input);
  const baseDir = dirname(inputPath);
  const file = `${o.output.replace(/\/+$/, "")}/${input.name}.yaml`;
  await _preflightOutput(outDir);

  if (path === "prebuilt") {
    const params: PackCrParams = { input, path };
    await _write(o, outDir, input.name, renderPackDelivery(buildPackDelivery(params), params), [{
      path: o.input,
    }]);
    return { file, path, layers: [] };
  }

  // Render (no network yet, except fetching a chart).
  const inputs: Record<string, string> = { input: `sha256:${sha256Hex(inputBytes)}` };
  let rendered: RenderedSource;
  let helm: PackCrParams["helm"];
  if (path === "raw") {
    const p = input.rawSource!.path;
    rendered = await renderRaw(_abs(baseDir, p), p);
  } else if (path === "kustomize") {
    const p = input.kustomizeSource!.path;
    rendered = renderKustomize(_abs(baseDir, p), p, o.warn);
  } else {
    const r = await _renderHelm(input, baseDir, o);
    rendered = r.rendered;
    helm = r.helm;
  }
  Object.assign(inputs, rendered.inputs);
  o.progress?.(`rendered ${path} source (${rendered.detail})`);

  const manifests = parseManifests(rendered.stream, `${path} source`);
  if (manifests.length === 0) o.warn(`the ${path} source holds no Kubernetes objects; the layers are empty`);
  const dups = duplicateObjects(manifests);
  if (dups.length > 0) {
    o.warn(
      `objects declared more than once (the last one wins when applied): ${dups.slice(0, 5).join(", ")}${
        dups.length > 5 ? `, and ${dups.length - 5} more` : ""
      }`,
    );
  }
  let buckets = splitThree(manifests);
  if (path === "helm") buckets = withHelmNamespace(buckets);
  const texts = {
    rbac: layerText(buckets.rbac),
    clusterScoped: layerText(buckets.clusterScoped),
    workload: layerText(buckets.workload),
  };

  const { registry, repository } = parseRepositoryUrl(input.registryUrl!);
  const dockerConfig = await loadDockerConfig({ env: o.env });
  const credential = credentialFor(dockerConfig, registry);
  const client = new RegistryClient({
    registry,
    plainHttp: o.plainHttp || guessPlainHttp(registry),
    credential,
    userAgent: `seam-compiler/${SEAM_VERSION} packbuild`,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...o.registry,
  });
  const { digests, layers } = await pushLayers(client, repository, input.version, texts, o.progress);

  const params: PackCrParams = {
    input,
    path,
    pushed: digests,
    checksum: checksumOf(texts),
    inputs,
    ...(helm ? { helm } : {}),
    buildTimestamp: o.clock ? rfc3339(o.clock.now()) : undefined,
  };
  const reportInputs: InputRef[] = [
    { path: o.input },
    ...rendered.files.map((f) => ({ path: _shown(o.cwd, f) })),
  ];
  if (dockerConfig && credential) reportInputs.push({ path: dockerConfig.path, credential: true });
  await _write(o, outDir, input.name, renderPackDelivery(buildPackDelivery(params), params), reportInputs);
  return {
    file,
    path,
    objects: {
      rbac: buckets.rbac.length,
      clusterScoped: buckets.clusterScoped.length,
      workload: buckets.workload.length,
    },
    layers,
    repository: input.registryUrl!,
  };
}

async function _renderHelm(
  input: PackBuildInput,
  baseDir: string,
  o: PackbuildOptions,
): Promise<{ rendered: RenderedSource; helm: NonNullable<PackCrParams["helm"]> }> {
  const hs = input.helmSource!;
  let valuesYaml: string | undefined;
  const inputs: Record<string, string> = {};
  if (hs.valuesFile) {
    try {
      valuesYaml = await Deno.readTextFile(_abs(baseDir, hs.valuesFile));
    } catch (cause) {
      throw new InputError(`read helmSource.valuesFile ${JSON.stringify(hs.valuesFile)}: ${String(cause)}`, {
        code: "FileUnreadable",
        cause,
      });
    }
    inputs.valuesFile = `sha256:${sha256Hex(valuesYaml)}`;
  }
  o.progress?.(`fetching chart ${hs.url}`);
  const chart = await fetchChart(hs.url, { baseDir, ...(o.fetch ? { fetch: o.fetch } : {}) });
  inputs.chart = `sha256:${sha256Hex(chart)}`;
  // Sprig's random functions are seeded from what is rendered, so the same input gives the same bytes.
  const seed = BigInt(
    `0x${sha256Hex(`${inputs.chart}\n${inputs.valuesFile ?? ""}\n${hs.namespace ?? ""}`).slice(0, 15)}`,
  );
  const result = await renderHelmChart(chart, hs.url, {
    releaseName: hs.chart,
    namespace: hs.namespace ?? "default",
    valuesYaml,
    seed,
    now: o.clock ? o.clock.now().getTime() : undefined,
  });
  const stream = joinHelmOutputs(result.docs);
  return {
    rendered: {
      stream,
      inputs,
      detail: `chart ${result.chartName}`,
      files: [
        ...(hs.url.startsWith("file://") ? [_chartPath(hs.url, baseDir)] : []),
        ...(hs.valuesFile ? [_abs(baseDir, hs.valuesFile)] : []),
      ],
    },
    helm: {
      chartURL: hs.url,
      chartVersion: hs.version,
      chartName: hs.chart ?? result.chartName,
      helmVersion: hs.helmVersion ?? HELM_ENGINE_VERSION,
    },
  };
}

function _chartPath(url: string, baseDir: string): string {
  const p = decodeURIComponent(url.slice("file://".length));
  return p.startsWith("/") ? p : `${baseDir}/${p}`;
}

/** A path as the compile report shows it: relative to the working directory when inside it. */
function _shown(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

async function _write(
  o: PackbuildOptions,
  outDir: string,
  name: string,
  text: string,
  inputs: InputRef[],
): Promise<void> {
  await writeTreeWithReport(outDir, new Map([[`${name}.yaml`, text]]), o.report, {
    inputs,
    outputDir: o.output,
  });
}

/** One line for stderr at the end. */
export function summaryLine(r: PackbuildResult): string {
  if (r.path === "prebuilt") return `wrote ${r.file} (pre-built pack; nothing pushed)`;
  const o = r.objects!;
  const up = r.layers.reduce((a, l) => a + l.uploaded, 0);
  const skip = r.layers.reduce((a, l) => a + l.skipped, 0);
  return `wrote ${r.file} (${r.path}: ${
    o.rbac + o.clusterScoped + o.workload
  } objects → rbac ${o.rbac}, cluster-scoped ${o.clusterScoped}, workload ${o.workload}; pushed ${r.layers.length} images to ${r.repository}, ${up} blobs uploaded, ${skip} already present)`;
}
