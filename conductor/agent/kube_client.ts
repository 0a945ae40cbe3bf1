/**
 * The agent's Kubernetes REST client: JSON over `fetch` with a `Deno.HttpClient` carrying the
 * cluster CA and client certificate, or a bearer token (re-read from its file, as projected
 * ServiceAccount tokens rotate). Responses are decoded losslessly (`parseJsonLossless`) so specs
 * keep their int64 values for signing.
 *
 * Sources: a kubeconfig file (current context; token, token file, client certificate data or
 * files; exec/auth-provider plugins are refused since the agent may not run subprocesses), or the
 * in-cluster ServiceAccount (`KUBERNETES_SERVICE_HOST`/`_PORT` and the mounted token and CA).
 *
 * `yaml` is imported only when a kubeconfig file is read: in-cluster agents never need it, and the
 * package (CommonJS under Deno) costs several MiB of idle RSS.
 */
import { InputError } from "../../shared/errors.ts";
import { parseJsonLossless } from "../../shared/signing/mod.ts";
// schemas/names.ts, not schemas/mod.ts: mod.ts builds every kind's zod schema (and zod) at load, ~30 MiB of agent RSS.
import { apiVersionOf, KIND_NAMES, type KindId } from "../../schemas/names.ts";

export interface KubeAccess {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  tokenFile?: string;
  insecureSkipTlsVerify?: boolean;
}

export class KubeError extends Error {
  override name = "KubeError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(`${method} ${path}: HTTP ${status} ${reason}: ${message}`);
  }
  get notFound(): boolean {
    return this.status === 404;
  }
  get conflict(): boolean {
    return this.status === 409;
  }
}

/** A write refused locally because this replica may not write (not the leader). */
export class FencedWriteError extends Error {
  override name = "FencedWriteError";
  constructor(readonly method: string, readonly path: string, reason: string) {
    super(`${method} ${path} refused: ${reason}`);
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof KubeError && e.status === 404;
}
export function isConflict(e: unknown): boolean {
  return e instanceof KubeError && e.status === 409;
}

type KObj = Record<string, unknown>;

function _file(path: string, base: string): string {
  return Deno.readTextFileSync(path.startsWith("/") ? path : `${base}/${path}`);
}
function _b64(s: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
}

/** Reads a kubeconfig file (current context). */
export async function kubeAccessFromKubeconfig(path: string, origin = "kubeconfig"): Promise<KubeAccess> {
  const fail = (why: string, cause?: unknown) =>
    new InputError(`${origin} ${JSON.stringify(path)}: ${why}`, { code: "KubeconfigInvalid", cause });
  let doc: KObj;
  try {
    const text = Deno.readTextFileSync(path);
    const { parse: parseYaml } = await import("yaml");
    doc = parseYaml(text) as KObj;
  } catch (cause) {
    throw fail(`cannot read: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const base = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const named = (list: unknown, name: unknown, key: string): KObj | undefined =>
    ((list as KObj[] | undefined) ?? []).find((e) => e.name === name)?.[key] as KObj | undefined;
  const ctxName = doc["current-context"];
  const ctx = named(doc.contexts, ctxName, "context");
  if (!ctx) throw fail(`current-context ${JSON.stringify(ctxName)} is not defined`);
  const cluster = named(doc.clusters, ctx.cluster, "cluster");
  if (!cluster?.server) throw fail(`cluster ${JSON.stringify(ctx.cluster)} has no server`);
  const user = named(doc.users, ctx.user, "user") ?? {};
  if (user.exec || user["auth-provider"]) throw fail("exec and auth-provider credentials are not supported");
  const a: KubeAccess = { server: String(cluster.server) };
  if (cluster["certificate-authority-data"]) a.caPem = _b64(String(cluster["certificate-authority-data"]));
  else if (cluster["certificate-authority"]) a.caPem = _file(String(cluster["certificate-authority"]), base);
  if (cluster["insecure-skip-tls-verify"] === true) a.insecureSkipTlsVerify = true;
  if (user.token) a.token = String(user.token);
  if (user.tokenFile) a.tokenFile = String(user.tokenFile);
  if (user["client-certificate-data"]) a.certPem = _b64(String(user["client-certificate-data"]));
  else if (user["client-certificate"]) a.certPem = _file(String(user["client-certificate"]), base);
  if (user["client-key-data"]) a.keyPem = _b64(String(user["client-key-data"]));
  else if (user["client-key"]) a.keyPem = _file(String(user["client-key"]), base);
  return a;
}

const _SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The in-cluster ServiceAccount. */
export function inClusterAccess(env: (n: string) => string | undefined): KubeAccess {
  const host = env("KUBERNETES_SERVICE_HOST");
  const port = env("KUBERNETES_SERVICE_PORT") ?? "443";
  if (!host) {
    throw new InputError(
      "not running in a cluster: KUBERNETES_SERVICE_HOST is not set and KUBECONFIG is not given",
      {
        code: "KubeconfigMissing",
      },
    );
  }
  const h = host.includes(":") ? `[${host}]` : host;
  return {
    server: `https://${h}:${port}`,
    caPem: Deno.readTextFileSync(`${_SA_DIR}/ca.crt`),
    tokenFile: `${_SA_DIR}/token`,
  };
}

export interface ListResult<T = KObj> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
}

export class KubeClient {
  readonly server: string;
  readonly #http: Deno.HttpClient;
  readonly #access: KubeAccess;
  /** Called after every request (metrics). */
  onRequest?: (method: string, status: number, ms: number) => void;
  /**
   * Checked synchronously right before every write is sent: a reason refuses the write with a
   * FencedWriteError (leader fencing). Reads are never fenced.
   */
  writeGuard?: () => string | undefined;
  /** Called for every write that is sent. */
  onWrite?: (method: string, path: string) => void;

  constructor(access: KubeAccess) {
    this.#access = access;
    this.server = access.server.replace(/\/+$/, "");
    const caCerts = access.caPem ? [access.caPem] : [];
    const opts: Deno.CreateHttpClientOptions = { caCerts };
    if (access.certPem && access.keyPem) {
      (opts as Deno.CreateHttpClientOptions & { cert: string; key: string }).cert = access.certPem;
      (opts as Deno.CreateHttpClientOptions & { cert: string; key: string }).key = access.keyPem;
    }
    this.#http = Deno.createHttpClient(opts);
  }

  close(): void {
    this.#http.close();
  }

  #token(): string | undefined {
    if (this.#access.tokenFile) {
      try {
        return Deno.readTextFileSync(this.#access.tokenFile).trim();
      } catch {
        return this.#access.token;
      }
    }
    return this.#access.token;
  }

  async request<T = KObj>(
    method: string,
    path: string,
    init: { body?: unknown; contentType?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = this.#token();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string"
        ? init.body
        : JSON.stringify(init.body, (_k, v) => typeof v === "bigint" ? _BigRaw.wrap(v) : v);
      body = _BigRaw.unwrap(body);
      headers["content-type"] = init.contentType ?? "application/json";
    }
    if (method !== "GET") {
      const refused = this.writeGuard?.();
      if (refused !== undefined) throw new FencedWriteError(method, path, refused);
      this.onWrite?.(method, path);
    }
    const started = performance.now();
    const req: RequestInit & { client: Deno.HttpClient } = { method, headers, client: this.#http };
    if (body !== undefined) req.body = body;
    if (init.signal) req.signal = init.signal;
    const res = await fetch(this.server + path, req);
    const text = await res.text();
    this.onRequest?.(method, res.status, performance.now() - started);
    let parsed: unknown = null;
    try {
      parsed = text ? parseJsonLossless(text) : null;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const st = (parsed ?? {}) as { reason?: string; message?: string };
      throw new KubeError(
        method,
        path,
        res.status,
        st.reason ?? res.statusText,
        st.message ?? String(text).slice(0, 200),
      );
    }
    return parsed as T;
  }

  /** GET whose body is returned as a stream (watches); non-2xx → KubeError. */
  async stream(path: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = this.#token();
    if (token) headers.authorization = `Bearer ${token}`;
    const req: RequestInit & { client: Deno.HttpClient } = { method: "GET", headers, client: this.#http };
    if (signal) req.signal = signal;
    const res = await fetch(this.server + path, req);
    if (!res.ok || !res.body) {
      const text = await res.text();
      let st: { reason?: string; message?: string } = {};
      try {
        st = JSON.parse(text);
      } catch { /* raw */ }
      throw new KubeError(
        "GET",
        path,
        res.status,
        st.reason ?? res.statusText,
        st.message ?? text.slice(0, 200),
      );
    }
    return res.body;
  }

  get<T = KObj>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
  list<T = KObj>(path: string): Promise<ListResult<T>> {
    return this.request<ListResult<T>>("GET", path);
  }
  create<T = KObj>(path: string, obj: unknown): Promise<T> {
    return this.request<T>("POST", path, { body: obj });
  }
  replace<T = KObj>(path: string, obj: unknown): Promise<T> {
    return this.request<T>("PUT", path, { body: obj });
  }
  mergePatch<T = KObj>(path: string, patch: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body: patch, contentType: "application/merge-patch+json" });
  }
  delete(path: string): Promise<unknown> {
    return this.request("DELETE", path);
  }
}

/** bigint in request bodies: written as exact JSON numbers. */
const _BigRaw = {
  wrap: (v: bigint) => `\u0000big:${v}\u0000`,
  unwrap: (s: string) => s.replace(/"\\u0000big:(-?\d+)\\u0000"/g, "$1"),
};

/** Builds the client for the local cluster: `KUBECONFIG` if set, else in-cluster. */
export async function localKubeClient(env: (n: string) => string | undefined): Promise<KubeClient> {
  const kc = env("KUBECONFIG");
  return new KubeClient(kc ? await kubeAccessFromKubeconfig(kc, "KUBECONFIG") : inClusterAccess(env));
}

/** REST path of a Seam/guardian kind (names from `schemas/names.ts`, never hard-coded). */
export function kindPath(kind: KindId, namespace?: string, name?: string, sub?: "status"): string {
  const k = KIND_NAMES[kind];
  let p = `/apis/${apiVersionOf(kind)}`;
  if (namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${k.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}

/** REST path of a core (`v1`) or grouped built-in resource. */
export function builtinPath(
  groupVersion: string,
  plural: string,
  namespace?: string,
  name?: string,
): string {
  let p = groupVersion === "v1" ? "/api/v1" : `/apis/${groupVersion}`;
  if (namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  return p;
}
