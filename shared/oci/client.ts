/**
 * A distribution-spec client on `fetch` (renderers.md §7; compiler.md §6.9). One client talks to one
 * registry; repositories are passed per call.
 *
 * - Blobs: `HEAD` first (present → skipped); otherwise `POST …/blobs/uploads/` → `202` + `Location`
 *   (absolute or relative, resolved against the request URL), then one monolithic `PUT <Location>`
 *   with `digest=`, or — for blobs larger than `chunkSize` — `PATCH` chunks with `Content-Range`
 *   (each answer's `Location` is followed; `OCI-Chunk-Min-Length` is honoured) closed by an empty
 *   `PUT`. Pulled blobs are verified against their digest; redirects to storage hosts are followed
 *   without forwarding the registry's `Authorization`.
 * - Manifests: `PUT` with the manifest's media type; the digest is the registry's
 *   `Docker-Content-Digest`, else the sha256 of the bytes sent. `GET` checks the digest when pulling
 *   by digest and whenever the registry states one.
 * - Auth: Basic credentials are sent from the first request (as upstream). A `401` is answered from
 *   its `WWW-Authenticate` challenge: Basic, or the Bearer token flow (`GET <realm>?service=&scope=`
 *   with Basic credentials when known; `POST` with a refresh token for identity tokens); tokens are
 *   cached per scope until they expire. Registry tokens are sent as Bearer as they are. `403` and a
 *   refused retry are errors carrying {@link AUTH_HINT}.
 * - Timeouts on every request (default 60 s); bounded retries with exponential back-off on 5xx,
 *   429, network failures and timeouts. A failed blob upload restarts from the `POST`.
 *
 * Never starts subprocesses (no credential helpers); imports nothing from either binary.
 */
import { AUTH_HINT, RegistryError, type RegistryErrorDetail } from "./errors.ts";
import { Authorizer } from "./authorizer.ts";
import type { RequestEvent } from "./request_event.ts";
export type { RequestEvent } from "./request_event.ts";
import type { RegistryCredential } from "./credentials.ts";
import { ociDigest, verifyDigest } from "./digest.ts";
import {
  type Descriptor,
  descriptorOf,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  parseImageManifest,
  serializeImageManifest,
} from "./manifest.ts";
import { DIGEST_PATTERN } from "./reference.ts";

export interface RetryPolicy {
  /** Total attempts including the first; default 4. */
  attempts: number;
  /** Delay before the first retry; doubled each time; default 250 ms. */
  baseDelayMs: number;
  /** Upper bound of one delay (also of a `Retry-After`); default 5 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
});

/** One HTTP exchange, reported to `onRequest` (logging, tests counting requests). */

export interface RegistryClientOptions {
  /** `host[:port]` */
  registry: string;
  /** Talk HTTP instead of HTTPS; default false. */
  plainHttp?: boolean;
  credential?: RegistryCredential | undefined;
  /** Per-request timeout in milliseconds; default 60 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Blobs larger than this are uploaded in `PATCH` chunks of this size; default 16 MiB. */
  chunkSize?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default `setTimeout`-based. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, for token expiry; default `Date.now`. */
  now?: () => number;
  userAgent?: string;
  onRequest?: (event: RequestEvent) => void;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
}

export interface PushBlobResult {
  digest: string;
  size: number;
  /** False when the registry already had the blob (HEAD 200). */
  uploaded: boolean;
}

export interface ManifestResult {
  bytes: Uint8Array;
  mediaType: string;
  digest: string;
}

export interface PushImageResult {
  /** Manifest digest. */
  digest: string;
  manifest: Uint8Array;
  config: PushBlobResult;
  layers: PushBlobResult[];
}

export interface PulledImage {
  digest: string;
  manifest: ImageManifest;
  /** Layer bytes in manifest order, each verified against its descriptor. */
  layers: { descriptor: Descriptor; bytes: Uint8Array }[];
}

interface _Req {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses that count as success. */
  expect: readonly number[];
  /** Repository whose scope the request needs; undefined for `/v2/`. */
  repository?: string;
  push?: boolean;
  attempt: number;
  /** Follow redirects by hand (blob GET); default fetch's `follow`. */
  manualRedirect?: boolean;
  /** What is being done, for error messages: "push blob sha256:… to repo". */
  what: string;
}

const _MAX_ERROR_BODY = 2_000;

async function _defaultSleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Appends `digest=<d>` to an upload URL (`?` or `&`), keeping its query as the registry wrote it. */
export function withDigestParam(location: string, digest: string): string {
  const hash = location.indexOf("#");
  const base = hash >= 0 ? location.slice(0, hash) : location;
  return `${base}${base.includes("?") ? "&" : "?"}digest=${digest}`;
}

function _errorsOf(text: string): RegistryErrorDetail[] {
  try {
    const v = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(v.errors)) return [];
    return v.errors.flatMap((e) =>
      e && typeof e === "object" && typeof (e as Record<string, unknown>).code === "string"
        ? [{
          code: String((e as Record<string, unknown>).code),
          message: String((e as Record<string, unknown>).message ?? ""),
        }]
        : []
    );
  } catch {
    return [];
  }
}

export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: string;
  readonly #credential: RegistryCredential | undefined;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #chunkSize: number;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #userAgent: string;
  readonly #onRequest: ((e: RequestEvent) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #auth: Authorizer;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.baseUrl = `${options.plainHttp ? "http" : "https"}://${options.registry}`;
    this.#credential = options.credential;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    if (this.#retry.attempts < 1) this.#retry.attempts = 1;
    this.#chunkSize = options.chunkSize ?? 16 * 1024 * 1024;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#sleep = options.sleep ?? _defaultSleep;
    this.#now = options.now ?? Date.now;
    this.#userAgent = options.userAgent ?? "seam-oci/1";
    this.#onRequest = options.onRequest;
    this.#signal = options.signal;
    this.#auth = new Authorizer({
      registry: this.registry,
      credential: this.#credential,
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      now: this.#now,
      userAgent: this.#userAgent,
      signal: this.#signal,
      onRequest: this.#onRequest,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Public operations

  /** `GET /v2/`: reachable and, with the configured credentials, allowed. */
  async ping(): Promise<void> {
    await this.#withRetry(async (attempt) => {
      const res = await this.#send({
        method: "GET",
        url: `${this.baseUrl}/v2/`,
        expect: [200],
        attempt,
        what: `reach registry ${this.registry}`,
      });
      await res.body?.cancel();
    });
  }

  /** `HEAD …/blobs/<digest>`: true on 200, false on 404. */
  async blobExists(repository: string, digest: string): Promise<boolean> {
    return await this.#withRetry(async (attempt) => {
      const res = await this.#send({
        method: "HEAD",
        url: `${this.#repoUrl(repository)}/blobs/${digest}`,
        expect: [200, 404],
        repository,
        push: false,
        attempt,
        what: `check blob ${digest} in ${repository}`,
      });
      await res.body?.cancel();
      return res.status === 200;
    });
  }

  /** Uploads `data` unless the registry has it already. */
  async pushBlob(repository: string, data: Uint8Array, digest = ociDigest(data)): Promise<PushBlobResult> {
    if (await this.blobExists(repository, digest)) return { digest, size: data.length, uploaded: false };
    await this.#withRetry((attempt) => this.#uploadOnce(repository, data, digest, attempt));
    return { digest, size: data.length, uploaded: true };
  }

  /** Downloads a blob and verifies its digest. */
  async pullBlob(repository: string, digest: string): Promise<Uint8Array> {
    if (!DIGEST_PATTERN.test(digest)) {
      throw new RegistryError(`invalid blob digest ${JSON.stringify(digest)}`, { code: "DigestInvalid" });
    }
    return await this.#withRetry(async (attempt) => {
      const url = `${this.#repoUrl(repository)}/blobs/${digest}`;
      const res = await this.#send({
        method: "GET",
        url,
        expect: [200],
        repository,
        push: false,
        attempt,
        manualRedirect: true,
        what: `pull blob ${digest} from ${repository}`,
      });
      const bytes = await this.#readBody(res, "GET", url);
      verifyDigest(bytes, digest, url);
      return bytes;
    });
  }

  /** `PUT …/manifests/<reference>`; returns the manifest digest. */
  async pushManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string = MEDIA_TYPES.imageManifest,
  ): Promise<string> {
    return await this.#withRetry(async (attempt) => {
      const res = await this.#send({
        method: "PUT",
        url: `${this.#repoUrl(repository)}/manifests/${reference}`,
        headers: { "Content-Type": mediaType },
        body: bytes,
        expect: [201, 200],
        repository,
        push: true,
        attempt,
        what: `push manifest ${repository}:${reference}`,
      });
      await res.body?.cancel();
      const header = res.headers.get("Docker-Content-Digest");
      return header && DIGEST_PATTERN.test(header) ? header : ociDigest(bytes);
    });
  }

  /** `GET …/manifests/<reference>` (tag or digest), verified when the digest is known. */
  async getManifest(
    repository: string,
    reference: string,
    options: { accept?: string } = {},
  ): Promise<ManifestResult> {
    return await this.#withRetry(async (attempt) => {
      const url = `${this.#repoUrl(repository)}/manifests/${reference}`;
      const res = await this.#send({
        method: "GET",
        url,
        headers: { Accept: options.accept ?? MANIFEST_ACCEPT },
        expect: [200],
        repository,
        push: false,
        attempt,
        what: `get manifest ${repository}${DIGEST_PATTERN.test(reference) ? "@" : ":"}${reference}`,
      });
      const stated = res.headers.get("Docker-Content-Digest");
      const bytes = await this.#readBody(res, "GET", url);
      let digest = ociDigest(bytes);
      if (DIGEST_PATTERN.test(reference)) {
        verifyDigest(bytes, reference, url);
        digest = reference;
      } else if (stated && DIGEST_PATTERN.test(stated)) {
        verifyDigest(bytes, stated, url);
        digest = stated;
      }
      let mediaType = (res.headers.get("Content-Type") ?? "").split(";")[0]!.trim();
      if (mediaType === "" || mediaType === "application/json" || mediaType === "application/octet-stream") {
        try {
          const m = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown };
          if (typeof m.mediaType === "string") mediaType = m.mediaType;
        } catch { /* left as the registry said */ }
      }
      return { bytes, mediaType, digest };
    });
  }

  /**
   * Pushes an image: every layer blob, then the config blob, then the manifest under `tag`
   * (the order upstream uses).
   */
  async pushImage(
    repository: string,
    tag: string,
    image: {
      config: { mediaType: string; bytes: Uint8Array };
      layers: readonly { mediaType: string; bytes: Uint8Array; annotations?: Record<string, string> }[];
      artifactType?: string;
      annotations?: Record<string, string>;
    },
  ): Promise<PushImageResult> {
    const layers: PushBlobResult[] = [];
    for (const l of image.layers) layers.push(await this.pushBlob(repository, l.bytes));
    const config = await this.pushBlob(repository, image.config.bytes);
    const manifest = serializeImageManifest({
      config: descriptorOf(image.config.mediaType, image.config.bytes),
      layers: image.layers.map((l) => descriptorOf(l.mediaType, l.bytes, l.annotations)),
      artifactType: image.artifactType,
      annotations: image.annotations,
    });
    const digest = await this.pushManifest(repository, tag, manifest, MEDIA_TYPES.imageManifest);
    return { digest, manifest, config, layers };
  }

  /** Pulls an image manifest and every layer, each verified. */
  async pullImage(repository: string, reference: string): Promise<PulledImage> {
    const m = await this.getManifest(repository, reference, {
      accept: `${MEDIA_TYPES.imageManifest}, ${MEDIA_TYPES.dockerManifest}`,
    });
    const manifest = parseImageManifest(m.bytes, `${this.#repoUrl(repository)}/manifests/${reference}`);
    const layers = [];
    for (const d of manifest.layers) {
      const bytes = await this.pullBlob(repository, d.digest);
      if (bytes.length !== d.size) {
        throw new RegistryError(
          `blob ${d.digest} has ${bytes.length} bytes, the manifest says ${d.size}`,
          { code: "SizeInvalid" },
        );
      }
      layers.push({ descriptor: d, bytes });
    }
    return { digest: m.digest, manifest, layers };
  }

  // -------------------------------------------------------------------------------------------
  // Upload

  async #uploadOnce(repository: string, data: Uint8Array, digest: string, attempt: number): Promise<void> {
    const what = `push blob ${digest} to ${repository}`;
    const postUrl = `${this.#repoUrl(repository)}/blobs/uploads/`;
    const post = await this.#send({
      method: "POST",
      url: postUrl,
      expect: [202],
      repository,
      push: true,
      attempt,
      what,
    });
    await post.body?.cancel();
    let location = this.#location(post, postUrl, "POST", what);
    const minChunk = Number(post.headers.get("OCI-Chunk-Min-Length") ?? "0") || 0;
    const chunk = Math.max(this.#chunkSize, minChunk, 1);

    if (data.length <= chunk) {
      await this.#putUpload(location, data, digest, repository, attempt, what);
      return;
    }
    for (let start = 0; start < data.length; start += chunk) {
      const part = data.subarray(start, Math.min(start + chunk, data.length));
      const res = await this.#send({
        method: "PATCH",
        url: location,
        headers: {
          "Content-Type": "application/octet-stream",
          "Content-Range": `${start}-${start + part.length - 1}`,
        },
        body: part,
        expect: [202],
        repository,
        push: true,
        attempt,
        what,
      });
      await res.body?.cancel();
      location = this.#location(res, location, "PATCH", what);
    }
    await this.#putUpload(location, new Uint8Array(0), digest, repository, attempt, what);
  }

  async #putUpload(
    location: string,
    body: Uint8Array,
    digest: string,
    repository: string,
    attempt: number,
    what: string,
  ): Promise<void> {
    const url = withDigestParam(location, digest);
    const res = await this.#send({
      method: "PUT",
      url,
      headers: { "Content-Type": "application/octet-stream" },
      body,
      expect: [201, 200],
      repository,
      push: true,
      attempt,
      what,
    });
    await res.body?.cancel();
    const stated = res.headers.get("Docker-Content-Digest");
    // A registry stating another digest of the same algorithm stored other bytes.
    if (
      stated && DIGEST_PATTERN.test(stated) && stated !== digest &&
      stated.split(":")[0] === digest.split(":")[0]
    ) {
      throw new RegistryError(`registry stored blob ${stated} for upload of ${digest}`, {
        code: "DigestMismatch",
        method: "PUT",
        url,
      });
    }
  }

  #location(res: Response, requestUrl: string, method: string, what: string): string {
    const loc = res.headers.get("Location");
    if (!loc) {
      throw new RegistryError(
        `${what}: ${method} ${requestUrl} answered ${res.status} without a Location header`,
        {
          code: "UploadLocationMissing",
          method,
          url: requestUrl,
          status: res.status,
        },
      );
    }
    // Relative Locations are allowed by the spec (compiler.md D-P6).
    return new URL(loc, requestUrl).href;
  }

  // -------------------------------------------------------------------------------------------
  // Transport

  #repoUrl(repository: string): string {
    return `${this.baseUrl}/v2/${repository}`;
  }

  async #withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1;; attempt++) {
      try {
        return await fn(attempt);
      } catch (err) {
        if (!(err instanceof RegistryError) || !err.retryable || attempt >= this.#retry.attempts) throw err;
        if (this.#signal?.aborted) throw err;
        const backoff = Math.min(this.#retry.baseDelayMs * 2 ** (attempt - 1), this.#retry.maxDelayMs);
        const after = (err as RegistryError & { retryAfterMs?: number }).retryAfterMs;
        await this.#sleep(after !== undefined ? Math.min(after, this.#retry.maxDelayMs) : backoff);
      }
    }
  }

  /** Sends a request, answering one auth challenge; throws RegistryError unless the status is expected. */
  async #send(req: _Req): Promise<Response> {
    let answeredChallenge = false;
    for (;;) {
      const auth = await this.#auth.authorization(req);
      const res = await this.#fetchOnce(req, auth);
      if (res.status === 401 && !answeredChallenge) {
        const header = res.headers.get("WWW-Authenticate") ?? "";
        await res.body?.cancel();
        await this.#auth.answerChallenge(req, header, auth);
        answeredChallenge = true;
        continue;
      }
      if (req.expect.includes(res.status)) return res;
      throw await this.#statusError(req, res);
    }
  }

  async #fetchOnce(req: _Req, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { "User-Agent": this.#userAgent, ...req.headers };
    if (authorization) headers.Authorization = authorization;
    if (req.body !== undefined) headers["Content-Length"] = String(req.body.length);
    let url = req.url;
    for (let hop = 0;; hop++) {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const signal = this.#signal ? AbortSignal.any([timeout, this.#signal]) : timeout;
      let res: Response;
      try {
        res = await this.#fetch(url, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: req.body as Uint8Array<ArrayBuffer> } : {}),
          redirect: req.manualRedirect ? "manual" : "follow",
          signal,
        });
      } catch (cause) {
        this.#onRequest?.({ method: req.method, url, status: 0, attempt: req.attempt });
        const timedOut = timeout.aborted;
        const userAbort = this.#signal?.aborted ?? false;
        const why = timedOut
          ? `timed out after ${this.#timeoutMs / 1000}s`
          : cause instanceof Error
          ? cause.message
          : String(cause);
        throw new RegistryError(`${req.what}: ${req.method} ${url}: ${why}`, {
          code: timedOut ? "Timeout" : "NetworkError",
          method: req.method,
          url,
          cause,
          retryable: !userAbort,
        });
      }
      this.#onRequest?.({ method: req.method, url, status: res.status, attempt: req.attempt });
      const loc = res.headers.get("Location");
      if (req.manualRedirect && [301, 302, 303, 307, 308].includes(res.status) && loc && hop < 5) {
        await res.body?.cancel();
        const next = new URL(loc, url);
        // Storage hosts get no registry credentials (renderers.md §7.3).
        if (next.origin !== new URL(url).origin) delete headers.Authorization;
        url = next.href;
        continue;
      }
      return res;
    }
  }

  async #readBody(res: Response, method: string, url: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (cause) {
      throw new RegistryError(`${method} ${url}: reading the response failed: ${String(cause)}`, {
        code: "NetworkError",
        method,
        url,
        cause,
        retryable: true,
      });
    }
  }

  async #statusError(req: _Req, res: Response): Promise<RegistryError> {
    let text = "";
    try {
      text = req.method === "HEAD" ? "" : await res.text();
    } catch {
      text = "";
    }
    const errors = _errorsOf(text);
    const detail = errors.length > 0
      ? errors.map((e) => `${e.code}${e.message ? ` (${e.message})` : ""}`).join(", ")
      : text.trim().slice(0, _MAX_ERROR_BODY);
    const retryable = res.status >= 500 || res.status === 429;
    const auth = res.status === 401 || res.status === 403;
    const msg =
      `${req.what}: ${req.method} ${res.url || req.url} answered ${res.status} ${res.statusText}`.trimEnd() +
      (detail ? `: ${detail}` : "") + (auth || (req.push && !retryable) ? ` (${AUTH_HINT})` : "");
    const err = new RegistryError(msg, {
      code: errors[0]?.code ?? `HTTP${res.status}`,
      status: res.status,
      method: req.method,
      url: req.url,
      errors,
      body: errors.length > 0 ? undefined : text.slice(0, _MAX_ERROR_BODY),
      retryable,
    });
    const ra = res.headers.get("Retry-After");
    if (ra && /^[0-9]+$/.test(ra.trim())) {
      (err as RegistryError & { retryAfterMs?: number }).retryAfterMs = Number(ra.trim()) * 1000;
    }
    return err;
  }
}
