/**
 * A tiny in-process registry for tests (Deno.serve on 127.0.0.1, random port). It speaks enough of
 * the distribution spec for the client's edge cases: blob HEAD/GET, POST + PUT and chunked PATCH
 * uploads (relative or absolute Locations, `OCI-Chunk-Min-Length`), manifest PUT/GET, Basic or
 * Bearer auth with a token endpoint, injected failures and delays, blob redirects, corrupt blobs.
 * Every request is recorded in `requests`.
 */
import { createHash } from "node:crypto";

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  path: string;
  status: number;
  authorization: string | null;
}

export interface FakeFault {
  method?: string;
  /** Matches the path (and query). */
  path?: RegExp;
  /** Status to answer instead (default 503); 0 closes nothing but delays (see `delayMs`). */
  status?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Delay before answering (timeouts). */
  delayMs?: number;
  /** Headers of the failure answer (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export interface FakeRegistryOptions {
  /** Answer upload Locations as paths (`/v2/...`) instead of absolute URLs. */
  relativeLocation?: boolean;
  /** Answer `OCI-Chunk-Min-Length` on POST. */
  chunkMinLength?: number;
  auth?:
    | { kind: "basic"; username: string; password: string }
    | { kind: "bearer"; username?: string; password?: string; refreshToken?: string; expiresIn?: number };
  faults?: FakeFault[];
  /** Blob GETs redirect (307) to this base URL + same path (another server). */
  blobRedirect?: string;
  /** Serve blobs with one byte flipped. */
  corruptBlobs?: boolean;
  /** Omit Docker-Content-Digest on manifest PUT. */
  noManifestDigestHeader?: boolean;
  /** Answer POST uploads without a Location header. */
  noLocation?: boolean;
}

interface _Upload {
  repo: string;
  data: Uint8Array[];
  size: number;
}

function _sha256(b: Uint8Array): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

function _concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function _err(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [{ code, message }] }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export class FakeRegistry {
  readonly options: FakeRegistryOptions;
  /** digest → bytes (blobs are global, like a real registry's storage). */
  readonly blobs = new Map<string, Uint8Array>();
  /** repo → reference (tag or digest) → manifest. */
  readonly manifests = new Map<string, Map<string, { bytes: Uint8Array; mediaType: string }>>();
  readonly requests: RecordedRequest[] = [];
  readonly #uploads = new Map<string, _Upload>();
  readonly #tokens = new Set<string>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  #next = 0;
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly host: string;

  constructor(options: FakeRegistryOptions = {}) {
    this.options = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (req) => {
        const u = new URL(req.url);
        const res = await this.#handle(req, u);
        this.requests.push({
          method: req.method,
          path: u.pathname + u.search,
          status: res.status,
          authorization: req.headers.get("Authorization"),
        });
        return res;
      },
    );
    this.host = `127.0.0.1:${this.#server.addr.port}`;
    this.url = `http://${this.host}`;
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  /** Lets the process exit while the server still listens (benchmarks). */
  unref(): void {
    this.#server.unref();
  }

  /** Requests matching method and a path regexp. */
  count(method: string, path: RegExp = /./): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  async #handle(req: Request, u: URL): Promise<Response> {
    const body = req.method === "GET" || req.method === "HEAD"
      ? new Uint8Array()
      : new Uint8Array(await req.arrayBuffer());
    for (const f of this.options.faults ?? []) {
      if ((f.times ?? 1) <= 0) continue;
      if (f.method && f.method !== req.method) continue;
      if (f.path && !f.path.test(u.pathname + u.search)) continue;
      f.times = (f.times ?? 1) - 1;
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.status === 0) break;
      return _err(f.status ?? 503, "UNAVAILABLE", "injected failure", f.headers);
    }
    if (u.pathname === "/token") return this.#token(req, u, body);
    if (!u.pathname.startsWith("/v2/")) return _err(404, "NOT_FOUND", "not found");
    const denied = this.#checkAuth(req, u);
    if (denied) return denied;
    if (u.pathname === "/v2/") return new Response("{}", { status: 200 });

    let m = u.pathname.match(/^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/);
    if (m) return this.#upload(req, u, m[1]!, m[2]!, body);
    m = u.pathname.match(/^\/v2\/(.+)\/blobs\/([^/]+)$/);
    if (m) return this.#blob(req, m[1]!, m[2]!);
    m = u.pathname.match(/^\/v2\/(.+)\/manifests\/([^/]+)$/);
    if (m) return this.#manifest(req, m[1]!, m[2]!, body);
    return _err(404, "NOT_FOUND", "not found");
  }

  #challenge(u: URL): Response {
    const a = this.options.auth!;
    if (a.kind === "basic") {
      return _err(401, "UNAUTHORIZED", "authentication required", {
        "WWW-Authenticate": 'Basic realm="fake"',
      });
    }
    const m = u.pathname.match(/^\/v2\/(.+)\/(blobs|manifests)\//);
    const scope = m ? `,scope="repository:${m[1]}:pull,push"` : "";
    return _err(401, "UNAUTHORIZED", "authentication required", {
      "WWW-Authenticate": `Bearer realm="${this.url}/token",service="fake-registry"${scope}`,
    });
  }

  #checkAuth(req: Request, u: URL): Response | undefined {
    const a = this.options.auth;
    if (!a) return undefined;
    const h = req.headers.get("Authorization") ?? "";
    if (a.kind === "basic") {
      if (h === `Basic ${btoa(`${a.username}:${a.password}`)}`) return undefined;
      return this.#challenge(u);
    }
    const tok = h.startsWith("Bearer ") ? h.slice(7) : "";
    if (this.#tokens.has(tok)) return undefined;
    return this.#challenge(u);
  }

  #token(req: Request, u: URL, body: Uint8Array): Response {
    const a = this.options.auth;
    if (a?.kind !== "bearer") return _err(404, "NOT_FOUND", "no token service");
    if (req.method === "POST") {
      const form = new URLSearchParams(new TextDecoder().decode(body));
      if (!a.refreshToken || form.get("refresh_token") !== a.refreshToken) {
        return new Response("denied", { status: 401 });
      }
    } else if (a.username !== undefined) {
      if (req.headers.get("Authorization") !== `Basic ${btoa(`${a.username}:${a.password}`)}`) {
        return new Response("denied", { status: 401 });
      }
    }
    if (!(req.method === "POST" || u.searchParams.get("service") === "fake-registry")) {
      return new Response("bad service", { status: 400 });
    }
    const token = `tok-${++this.#next}`;
    this.#tokens.add(token);
    const key = req.method === "POST" ? "access_token" : "token";
    return Response.json({ [key]: token, expires_in: a.expiresIn ?? 300 });
  }

  #location(path: string): string {
    return this.options.relativeLocation ? path : `${this.url}${path}`;
  }

  #upload(req: Request, u: URL, repo: string, id: string, body: Uint8Array): Response {
    if (req.method === "POST" && id === "") {
      const uuid = `u${++this.#next}`;
      this.#uploads.set(uuid, { repo, data: [], size: 0 });
      const headers: Record<string, string> = {
        Range: "0-0",
        "Docker-Upload-UUID": uuid,
        "Content-Length": "0",
      };
      if (!this.options.noLocation) {
        headers.Location = this.#location(`/v2/${repo}/blobs/uploads/${uuid}?_state=s%3D${uuid}`);
      }
      if (this.options.chunkMinLength) headers["OCI-Chunk-Min-Length"] = String(this.options.chunkMinLength);
      return new Response(null, { status: 202, headers });
    }
    const up = this.#uploads.get(id);
    if (!up || up.repo !== repo) return _err(404, "BLOB_UPLOAD_UNKNOWN", "upload unknown");
    if (u.searchParams.get("_state") !== `s=${id}`) return _err(400, "BLOB_UPLOAD_INVALID", "state lost");
    const loc = this.#location(`/v2/${repo}/blobs/uploads/${id}?_state=s%3D${id}`);
    if (req.method === "PATCH") {
      const range = req.headers.get("Content-Range") ?? "";
      const rm = range.match(/^(\d+)-(\d+)$/);
      if (!rm || Number(rm[1]) !== up.size || Number(rm[2]) !== up.size + body.length - 1) {
        return new Response(null, { status: 416, headers: { Range: `0-${up.size - 1}` } });
      }
      up.data.push(body);
      up.size += body.length;
      return new Response(null, { status: 202, headers: { Location: loc, Range: `0-${up.size - 1}` } });
    }
    if (req.method === "GET") {
      return new Response(null, {
        status: 204,
        headers: { Location: loc, Range: `0-${Math.max(0, up.size - 1)}` },
      });
    }
    if (req.method === "PUT") {
      up.data.push(body);
      const all = _concat(up.data);
      const digest = u.searchParams.get("digest") ?? "";
      if (_sha256(all) !== digest) return _err(400, "DIGEST_INVALID", "digest does not match");
      this.#uploads.delete(id);
      this.blobs.set(digest, all);
      return new Response(null, {
        status: 201,
        headers: { Location: `/v2/${repo}/blobs/${digest}`, "Docker-Content-Digest": digest },
      });
    }
    return _err(405, "UNSUPPORTED", "method not allowed");
  }

  #blob(req: Request, repo: string, digest: string): Response {
    const data = this.blobs.get(digest);
    if (req.method === "HEAD") {
      return data
        ? new Response(null, {
          status: 200,
          headers: { "Content-Length": String(data.length), "Docker-Content-Digest": digest },
        })
        : new Response(null, { status: 404 });
    }
    if (req.method !== "GET") return _err(405, "UNSUPPORTED", "method not allowed");
    if (!data) return _err(404, "BLOB_UNKNOWN", "blob unknown");
    if (this.options.blobRedirect) {
      return new Response(null, {
        status: 307,
        headers: { Location: `${this.options.blobRedirect}/v2/${repo}/blobs/${digest}` },
      });
    }
    const out = data.slice();
    if (this.options.corruptBlobs && out.length > 0) out[0] = out[0]! ^ 0xff;
    return new Response(out, { status: 200, headers: { "Docker-Content-Digest": digest } });
  }

  #manifest(req: Request, repo: string, ref: string, body: Uint8Array): Response {
    const byRef = this.manifests.get(repo) ?? new Map();
    if (req.method === "PUT") {
      let m: { config?: { digest?: string }; layers?: { digest?: string }[] };
      try {
        m = JSON.parse(new TextDecoder().decode(body));
      } catch {
        return _err(400, "MANIFEST_INVALID", "not JSON");
      }
      for (const d of [m.config?.digest, ...(m.layers ?? []).map((l) => l.digest)]) {
        if (!d || !this.blobs.has(d)) return _err(400, "MANIFEST_BLOB_UNKNOWN", `blob unknown: ${d}`);
      }
      const digest = _sha256(body);
      const entry = { bytes: body, mediaType: req.headers.get("Content-Type") ?? "" };
      byRef.set(ref, entry);
      byRef.set(digest, entry);
      this.manifests.set(repo, byRef);
      const headers: Record<string, string> = { Location: `/v2/${repo}/manifests/${digest}` };
      if (!this.options.noManifestDigestHeader) headers["Docker-Content-Digest"] = digest;
      return new Response(null, { status: 201, headers });
    }
    const entry = byRef.get(ref);
    if (!entry) return _err(404, "MANIFEST_UNKNOWN", "manifest unknown");
    const headers = { "Content-Type": entry.mediaType, "Docker-Content-Digest": _sha256(entry.bytes) };
    if (req.method === "HEAD") return new Response(null, { status: 200, headers });
    if (req.method === "GET") return new Response(entry.bytes.slice(), { status: 200, headers });
    return _err(405, "UNSUPPORTED", "method not allowed");
  }
}
