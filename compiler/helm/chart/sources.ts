/**
 * Remote chart sources (renderers.md §3.10): HTTP(S) chart repositories (`index.yaml`) and OCI
 * registries (`oci://host/path/name[:version][@digest]`). Both end in the chart's .tgz bytes, which
 * the caller loads with loadChartBytes. No subprocesses; every request has a timeout.
 */
import {
  basicAuthorization,
  type DockerConfigLookup,
  dockerCredential,
  parseImageManifest,
  parseReference,
  parseWwwAuthenticate,
  pickChallenge,
  RegistryClient,
  type RegistryCredential,
  repositoryScope,
} from "../../../shared/oci/mod.ts";
import { parseYamlGo } from "../sprig/yaml.ts";
import { ChartLoadError } from "./loader.ts";
import { compareVersions, parseConstraint, parseVersion, type SemVer } from "./semver.ts";

export const HELM_CHART_CONTENT = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
export const HELM_CHART_CONTENT_LEGACY = "application/tar+gzip";
export const HELM_CHART_CONFIG = "application/vnd.cncf.helm.config.v1+json";
export const HELM_MANIFEST_ACCEPT = "application/vnd.oci.image.manifest.v1+json";

export interface ChartSourceOptions {
  /** `--version`: exact version or constraint. */
  version?: string | undefined;
  /** `--devel`: pre-releases count when no version is given (constraint `>0.0.0-0`). */
  devel?: boolean | undefined;
  /** `--repo`: chart repository URL (then the chart argument is the chart name). */
  repo?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Send basic auth also to hosts other than the repository's (chart URLs elsewhere). */
  passCredentials?: boolean | undefined;
  /** OCI: talk plain HTTP to the registry. */
  plainHttp?: boolean | undefined;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number | undefined;
  /** Docker config lookup for OCI credentials (tests: env / readTextFile). */
  dockerConfig?: DockerConfigLookup | undefined;
  fetch?: typeof fetch | undefined;
}

export interface FetchedChart {
  bytes: Uint8Array;
  /** The chart version that was chosen. */
  version: string;
  /** Where it came from (download URL or OCI reference with digest). */
  source: string;
  /** `sha256:<hex>` of the .tgz (OCI: the layer digest). */
  digest: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

function sha256Hex(b: Uint8Array): Promise<string> {
  return crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>).then((h) =>
    Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, "0")).join("")
  );
}

/** Is `s` a remote chart reference (rather than a local path)? */
export function isRemoteChartRef(s: string, opts: ChartSourceOptions = {}): boolean {
  return s.startsWith("oci://") || /^https?:\/\//.test(s) || (opts.repo !== undefined && opts.repo !== "");
}

/** Resolve and download a remote chart: `oci://…`, a direct `http(s)://….tgz` URL, or `name` with `repo`. */
export async function fetchRemoteChart(ref: string, opts: ChartSourceOptions = {}): Promise<FetchedChart> {
  if (ref.startsWith("oci://")) return await pullOciChart(ref, opts);
  if (opts.repo) return await fetchFromRepo(opts.repo, ref, opts);
  if (/^https?:\/\//.test(ref)) {
    const bytes = await httpGet(ref, opts, authFor(ref, ref, opts));
    return { bytes, version: "", source: ref, digest: `sha256:${await sha256Hex(bytes)}` };
  }
  throw new ChartLoadError(`not a remote chart reference: ${ref}`);
}

// ------------------------------------------------------------------------------------------ versions

interface Candidate<T> {
  version: string;
  item: T;
}

/**
 * Helm's choice (repo.IndexFile.Get / registry.GetTagMatchingVersionOrConstraint): an exact textual
 * match first, else the highest SemVer satisfying the constraint (`*` without a version, which rejects
 * pre-releases; `--devel` → `>0.0.0-0`).
 */
export function pickVersion<T>(
  cands: Candidate<T>[],
  version: string | undefined,
  devel = false,
): T | undefined {
  let want = version ?? "";
  if (want === "" && devel) want = ">0.0.0-0";
  if (want !== "") {
    const exact = cands.find((c) => c.version === want);
    if (exact) return exact.item;
  }
  const constraint = parseConstraint(want === "" ? "*" : want);
  const parsed: { v: SemVer; item: T }[] = [];
  for (const c of cands) {
    const v = parseVersion(c.version);
    if (v) parsed.push({ v, item: c.item });
  }
  parsed.sort((a, b) => compareVersions(b.v, a.v));
  return parsed.find((p) => constraint.check(p.v))?.item;
}

// ------------------------------------------------------------------------------------------ HTTP repo

function hostOf(u: string): string {
  try {
    return new URL(u).host;
  } catch {
    return "";
  }
}

function authFor(repoUrl: string, target: string, opts: ChartSourceOptions): string | undefined {
  if (opts.username === undefined && opts.password === undefined) return undefined;
  if (!opts.passCredentials && hostOf(repoUrl) !== hostOf(target)) return undefined;
  return basicAuthorization(opts.username ?? "", opts.password ?? "");
}

async function httpGet(url: string, opts: ChartSourceOptions, authorization?: string): Promise<Uint8Array> {
  const f = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { "User-Agent": "Helm/3.17.2" };
  if (authorization) headers.Authorization = authorization;
  let res: Response;
  try {
    res = await f(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error;
    if (err.name === "TimeoutError" || err.name === "AbortError") {
      throw new ChartLoadError(`failed to fetch ${url}: timed out after ${timeoutMs}ms`);
    }
    throw new ChartLoadError(`failed to fetch ${url}: ${err.message}`);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new ChartLoadError(`failed to fetch ${url} : ${res.status} ${res.statusText}`.replace(/ $/, ""));
  }
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new ChartLoadError(`failed to fetch ${url}: ${(e as Error).message}`);
  }
}

/** `base` treated as a directory: a relative URL resolves below it. */
export function resolveRepoUrl(base: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref;
  const u = new URL(base);
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return new URL(ref, u).toString();
}

interface IndexEntry {
  name?: unknown;
  version?: unknown;
  urls?: unknown;
  digest?: unknown;
}

/** `helm template NAME CHART --repo URL [--version C]`. */
export async function fetchFromRepo(
  repoUrl: string,
  name: string,
  opts: ChartSourceOptions = {},
): Promise<FetchedChart> {
  const indexUrl = resolveRepoUrl(repoUrl, "index.yaml");
  const raw = await httpGet(indexUrl, opts, authFor(repoUrl, indexUrl, opts));
  let index: unknown;
  try {
    index = parseYamlGo(new TextDecoder().decode(raw));
  } catch (e) {
    throw new ChartLoadError(
      `looks like "${repoUrl}" is not a valid chart repository or cannot be reached: ${(e as Error).message}`,
    );
  }
  const entries = (index as { entries?: Record<string, IndexEntry[]> } | null)?.entries;
  if (!entries || typeof entries !== "object") {
    throw new ChartLoadError(
      `looks like "${repoUrl}" is not a valid chart repository or cannot be reached: no entries in index`,
    );
  }
  const list = Array.isArray(entries[name]) ? entries[name]! : [];
  if (list.length === 0) throw new ChartLoadError(`chart "${name}" not found in ${repoUrl} repository`);
  const cands = list.filter((e) => e && typeof e.version === "string").map((e) => ({
    version: e.version as string,
    item: e,
  }));
  let picked: IndexEntry | undefined;
  try {
    picked = pickVersion(cands, opts.version, opts.devel);
  } catch (e) {
    throw new ChartLoadError(`improper constraint: ${opts.version}: ${(e as Error).message}`);
  }
  if (!picked) {
    throw new ChartLoadError(
      `chart "${name}"${opts.version ? ` version "${opts.version}"` : ""} not found in ${repoUrl} repository`,
    );
  }
  const urls = Array.isArray(picked.urls)
    ? picked.urls.filter((u): u is string => typeof u === "string")
    : [];
  if (urls.length === 0) throw new ChartLoadError(`chart "${name}" has no downloadable URLs`);
  const url = resolveRepoUrl(repoUrl, urls[0]!);
  const bytes = await httpGet(url, opts, authFor(repoUrl, url, opts));
  const hex = await sha256Hex(bytes);
  if (typeof picked.digest === "string" && picked.digest !== "") {
    const want = picked.digest.replace(/^sha256:/, "").toLowerCase();
    if (want !== hex) {
      throw new ChartLoadError(
        `digest mismatch for ${url}: index says sha256:${want}, downloaded sha256:${hex}`,
      );
    }
  }
  return { bytes, version: picked.version as string, source: url, digest: `sha256:${hex}` };
}

// ------------------------------------------------------------------------------------------ OCI

async function ociCredential(
  registry: string,
  opts: ChartSourceOptions,
): Promise<RegistryCredential | undefined> {
  if (opts.username !== undefined || opts.password !== undefined) {
    return { kind: "basic", username: opts.username ?? "", password: opts.password ?? "" };
  }
  const c = await dockerCredential(registry, opts.dockerConfig ?? {});
  return c?.kind === "helper" ? undefined : c;
}

/**
 * `GET /v2/<repo>/tags/list` (following `Link: <…>; rel="next"`), answering a Bearer or Basic
 * challenge once.
 */
export async function listOciTags(
  baseUrl: string,
  repository: string,
  credential: RegistryCredential | undefined,
  opts: ChartSourceOptions = {},
): Promise<string[]> {
  const f = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const get = (url: string, auth?: string) =>
    f(url, {
      headers: { Accept: "application/json", ...(auth ? { Authorization: auth } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  let authorization: string | undefined = credential?.kind === "basic"
    ? basicAuthorization(credential.username, credential.password)
    : credential?.kind === "registryToken"
    ? `Bearer ${credential.token}`
    : undefined;
  const tags: string[] = [];
  let url: string | undefined = `${baseUrl}/v2/${repository}/tags/list`;
  let answered = false;
  while (url) {
    let res = await get(url, authorization);
    if (res.status === 401 && !answered) {
      answered = true;
      const ch = pickChallenge(parseWwwAuthenticate(res.headers.get("WWW-Authenticate") ?? ""));
      await res.body?.cancel();
      if (ch?.scheme === "bearer" && ch.params.realm) {
        const t = new URL(ch.params.realm);
        if (ch.params.service) t.searchParams.set("service", ch.params.service);
        t.searchParams.set("scope", ch.params.scope ?? repositoryScope(repository, false));
        const basic = credential?.kind === "basic"
          ? basicAuthorization(credential.username, credential.password)
          : undefined;
        const tr = await get(t.toString(), basic);
        if (tr.status !== 200) {
          await tr.body?.cancel();
          throw new ChartLoadError(`failed to authorize to ${baseUrl}: token endpoint answered ${tr.status}`);
        }
        const tj = await tr.json() as { token?: string; access_token?: string };
        authorization = `Bearer ${tj.token ?? tj.access_token ?? ""}`;
      }
      res = await get(url, authorization);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new ChartLoadError(
        `failed to list tags of ${repository}: ${res.status} ${res.statusText}`.trim(),
      );
    }
    const body = await res.json() as { tags?: unknown };
    if (Array.isArray(body.tags)) { for (const t of body.tags) if (typeof t === "string") tags.push(t); }
    const link = res.headers.get("Link");
    const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
    url = m ? new URL(m[1]!, baseUrl).toString() : undefined;
  }
  return tags;
}

/** `oci://host/path/name[:tag][@digest]` with an optional `--version` (exact or constraint). */
export async function pullOciChart(ref: string, opts: ChartSourceOptions = {}): Promise<FetchedChart> {
  let parsed;
  try {
    parsed = parseReference(ref);
  } catch (e) {
    throw new ChartLoadError((e as Error).message);
  }
  const { registry, repository } = parsed;
  let tag = parsed.tag;
  if (tag !== undefined && opts.version && opts.version !== tag.replace(/_/g, "+")) {
    throw new ChartLoadError(`chart reference and version mismatch: ${opts.version} is not ${tag}`);
  }
  const credential = await ociCredential(registry, opts);
  const client = new RegistryClient({
    registry,
    plainHttp: opts.plainHttp === true,
    credential,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { attempts: 2 },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    userAgent: "Helm/3.17.2",
  });
  let version = tag?.replace(/_/g, "+") ?? "";
  if (parsed.digest === undefined && tag === undefined) {
    const exact = opts.version && parseVersion(opts.version) ? opts.version : undefined;
    if (exact) version = exact;
    else {
      const tags = await listOciTags(client.baseUrl, repository, credential, opts);
      const cands = tags.map((t) => ({ version: t.replace(/_/g, "+"), item: t.replace(/_/g, "+") }));
      const picked = pickVersion(cands, opts.version, opts.devel);
      if (!picked) {
        throw new ChartLoadError(
          `could not locate a version matching provided version string ${opts.version ?? ""}`,
        );
      }
      version = picked;
    }
    tag = version.replace(/\+/g, "_");
  }
  const reference = parsed.digest ?? tag!;
  try {
    const m = await client.getManifest(repository, reference, { accept: HELM_MANIFEST_ACCEPT });
    const manifest = parseImageManifest(m.bytes, `${registry}/${repository}@${reference}`);
    const layers = manifest.layers.filter((l) =>
      l.mediaType === HELM_CHART_CONTENT || l.mediaType === HELM_CHART_CONTENT_LEGACY
    );
    if (layers.length !== 1) {
      throw new ChartLoadError(
        `manifest does not contain exactly one layer of type ${HELM_CHART_CONTENT} (found ${layers.length})`,
      );
    }
    const bytes = await client.pullBlob(repository, layers[0]!.digest);
    if (bytes.length !== layers[0]!.size) {
      throw new ChartLoadError(
        `chart layer ${layers[0]!.digest} has ${bytes.length} bytes, manifest says ${layers[0]!.size}`,
      );
    }
    if (!version) version = manifest.annotations?.["org.opencontainers.image.version"] ?? "";
    return { bytes, version, source: `${registry}/${repository}@${m.digest}`, digest: layers[0]!.digest };
  } catch (e) {
    if (e instanceof ChartLoadError) throw e;
    throw new ChartLoadError(
      `failed to pull oci://${registry}/${repository}:${reference}: ${(e as Error).message}`,
    );
  }
}
