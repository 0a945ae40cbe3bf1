// A minimal Kubernetes REST client over fetch: TLS with the cluster CA, client cert or bearer token.
import { type ClusterAccess, loadKubeconfig } from "./kubeconfig.ts";

export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const msg = (body as { message?: string } | null)?.message ?? JSON.stringify(body);
    super(`${method} ${path}: HTTP ${status}: ${msg}`);
    this.name = "KubeApiError";
  }
  get reason(): string | undefined {
    return (this.body as { reason?: string } | null)?.reason;
  }
}

export interface RequestInit {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export class KubeClient {
  readonly #http: Deno.HttpClient;
  readonly server: string;
  readonly #token: string | undefined;

  constructor(readonly access: ClusterAccess) {
    this.server = access.server.replace(/\/+$/, "");
    this.#token = access.token;
    const caCerts = access.caPem ? [access.caPem] : [];
    this.#http = access.certPem && access.keyPem
      ? Deno.createHttpClient({ caCerts, cert: access.certPem, key: access.keyPem })
      : Deno.createHttpClient({ caCerts });
  }

  static async fromKubeconfig(path: string): Promise<KubeClient> {
    return new KubeClient(await loadKubeconfig(path));
  }

  /** Raw request; the caller owns (and must consume) the response body. */
  request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers["content-type"] = init.contentType ?? "application/json";
    }
    const req: globalThis.RequestInit & { client: Deno.HttpClient } = { method, headers, client: this.#http };
    if (body !== undefined) req.body = body;
    if (init.signal) req.signal = init.signal;
    return fetch(this.server + path, req);
  }

  /** JSON request; throws KubeApiError on any non-2xx status. */
  async json<T = Record<string, unknown>>(method: string, path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.request(method, path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep raw text
    }
    if (!res.ok) throw new KubeApiError(method, path, res.status, parsed);
    return parsed as T;
  }

  get<T = Record<string, unknown>>(path: string): Promise<T> {
    return this.json<T>("GET", path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return this.json<T>("POST", path, { body });
  }

  delete<T = Record<string, unknown>>(path: string): Promise<T> {
    return this.json<T>("DELETE", path);
  }

  /** HTTP status of a GET (body discarded): handy for 200/403/404 checks. */
  async status(path: string, signal?: AbortSignal): Promise<number> {
    const res = await this.request("GET", path, signal ? { signal } : {});
    await res.body?.cancel();
    return res.status;
  }

  close(): void {
    this.#http.close();
  }
}
