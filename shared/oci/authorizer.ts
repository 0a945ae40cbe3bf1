/**
 * Answers registry auth (renderers.md §7.4) for one client: Basic credentials from the first request,
 * the Bearer token flow on a `WWW-Authenticate: Bearer` challenge (`GET <realm>?service=&scope=` with
 * Basic credentials when known, `POST` with a refresh token for identity tokens), tokens cached per
 * scope until they expire, registry tokens sent as they are. Failures carry {@link AUTH_HINT}.
 */
import { AUTH_HINT, RegistryError } from "./errors.ts";
import { type Challenge, parseWwwAuthenticate, pickChallenge, repositoryScope } from "./auth.ts";
import { basicAuthorization, type RegistryCredential } from "./credentials.ts";
import type { RequestEvent } from "./request_event.ts";

/** What the authorizer needs to know about the request it authorizes. */
export interface AuthRequest {
  method: string;
  url: string;
  /** Repository whose scope the request needs; undefined for `/v2/`. */
  repository?: string;
  push?: boolean;
  attempt: number;
  /** For error messages: "push blob sha256:… to repo". */
  what: string;
}

export interface AuthorizerOptions {
  registry: string;
  credential: RegistryCredential | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  userAgent: string;
  signal: AbortSignal | undefined;
  onRequest: ((e: RequestEvent) => void) | undefined;
}

interface _Token {
  value: string;
  expiresAt: number;
}

export class Authorizer {
  readonly #o: AuthorizerOptions;
  /** The scheme the registry asked for, once it has challenged us. */
  #challenge: Challenge | undefined;
  readonly #tokens = new Map<string, _Token>();

  constructor(options: AuthorizerOptions) {
    this.#o = options;
  }

  #scope(req: AuthRequest): string | undefined {
    return req.repository === undefined ? undefined : repositoryScope(req.repository, req.push ?? false);
  }

  /** The Authorization header to send, from what we know so far. */
  async authorization(req: AuthRequest): Promise<string | undefined> {
    const cred = this.#o.credential;
    if (cred?.kind === "registryToken") return `Bearer ${cred.token}`;
    if (this.#challenge?.scheme === "bearer") {
      const scope = this.#scope(req) ?? "";
      const tok = this.#tokens.get(scope);
      if (tok && tok.expiresAt > this.#o.now()) return `Bearer ${tok.value}`;
      if (scope !== "") return `Bearer ${await this.#fetchToken(this.#challenge, scope, req)}`;
      return undefined;
    }
    if (cred?.kind === "basic") return basicAuthorization(cred.username, cred.password);
    return undefined;
  }

  async answerChallenge(req: AuthRequest, header: string, sent: string | undefined): Promise<void> {
    // `sent` tells whether Basic credentials were already refused.
    const challenge = pickChallenge(parseWwwAuthenticate(header));
    const where = `${req.what}: ${req.method} ${req.url} answered 401 Unauthorized`;
    const cred = this.#o.credential;
    const noCred = cred === undefined
      ? `no credentials for ${this.#o.registry} in the Docker config (~/.docker/config.json auths)`
      : cred.kind === "helper"
      ? `credentials for ${this.#o.registry} are kept by the credential helper "docker-credential-${cred.helper}", which is not supported (add an "auths" entry with "auth" instead)`
      : undefined;
    const fail = (why: string) =>
      new RegistryError(`${where}: ${why} (${AUTH_HINT})`, {
        code: "Unauthorized",
        status: 401,
        method: req.method,
        url: req.url,
      });
    if (!challenge) throw fail(noCred ?? "the registry refused the credentials and sent no challenge");
    if (challenge.scheme === "basic") {
      if (cred?.kind !== "basic") throw fail(noCred ?? `the registry wants Basic credentials`);
      if (sent?.startsWith("Basic ")) {
        throw fail(`the registry refused the credentials for ${this.#o.registry}`);
      }
      this.#challenge = challenge;
      return;
    }
    if (challenge.scheme === "bearer") {
      if (cred?.kind === "registryToken") {
        throw fail(`the registry refused the registry token for ${this.#o.registry}`);
      }
      const scope = this.#scope(req) ?? challenge.params.scope ?? "";
      this.#challenge = challenge;
      this.#tokens.delete(scope);
      await this.#fetchToken(challenge, scope, req, challenge.params.scope);
      return;
    }
    throw fail(`unsupported authentication scheme ${JSON.stringify(challenge.scheme)}`);
  }

  async #fetchToken(
    challenge: Challenge,
    scope: string,
    req: AuthRequest,
    extraScope?: string,
  ): Promise<string> {
    const realm = challenge.params.realm;
    const fail = (why: string, status?: number) =>
      new RegistryError(`${req.what}: token request to ${realm ?? "(no realm)"}: ${why} (${AUTH_HINT})`, {
        code: "TokenFailed",
        status,
        url: realm,
        retryable: status !== undefined && (status >= 500 || status === 429),
      });
    if (!realm) throw fail("the Bearer challenge names no realm");
    const scopes = [scope, ...(extraScope && extraScope !== scope ? [extraScope] : [])].filter((s) =>
      s !== ""
    );
    const service = challenge.params.service;
    const cred = this.#o.credential;
    let res: Response;
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    const signal = this.#o.signal ? AbortSignal.any([timeout, this.#o.signal]) : timeout;
    try {
      if (cred?.kind === "identityToken") {
        const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: cred.token });
        if (service) form.set("service", service);
        for (const s of scopes) form.append("scope", s);
        form.set("client_id", "seam");
        res = await this.#o.fetch(realm, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": this.#o.userAgent },
          body: form.toString(),
          signal,
        });
      } else {
        const u = new URL(realm);
        if (service) u.searchParams.set("service", service);
        for (const s of scopes) u.searchParams.append("scope", s);
        const headers: Record<string, string> = { "User-Agent": this.#o.userAgent };
        if (cred?.kind === "basic") headers.Authorization = basicAuthorization(cred.username, cred.password);
        res = await this.#o.fetch(u.href, { method: "GET", headers, signal });
      }
    } catch (cause) {
      throw fail(timeout.aborted ? `timed out after ${this.#o.timeoutMs / 1000}s` : String(cause), 0);
    }
    this.#o.onRequest?.({
      method: cred?.kind === "identityToken" ? "POST" : "GET",
      url: realm,
      status: res.status,
      attempt: req.attempt,
    });
    const text = await res.text();
    if (res.status !== 200) throw fail(`answered ${res.status}: ${text.trim().slice(0, 300)}`, res.status);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw fail("answer is not JSON");
    }
    const token = typeof body.token === "string" && body.token !== ""
      ? body.token
      : typeof body.access_token === "string"
      ? body.access_token
      : "";
    if (token === "") throw fail("answer holds no token");
    const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60;
    // Renew 5 s early so a token does not expire in flight.
    this.#tokens.set(scope, { value: token, expiresAt: this.#o.now() + Math.max(1, expiresIn - 5) * 1000 });
    return token;
  }
}
