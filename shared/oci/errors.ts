/** Errors of the OCI distribution client: data, with the HTTP facts a user needs to act on. */
import { SeamError, type SeamErrorOptions } from "../errors.ts";

/** The substring the runbook tells users to look for when a push is refused (compiler.md §6.9, §10). */
export const AUTH_HINT = "check registry auth if 401/403";

/** One entry of a distribution-spec error body `{"errors":[{"code","message","detail"}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message: string;
}

export interface RegistryErrorOptions extends SeamErrorOptions {
  /** HTTP status, when the registry answered. */
  status?: number | undefined;
  method?: string | undefined;
  url?: string | undefined;
  /** Error codes and messages from the response body. */
  errors?: readonly RegistryErrorDetail[] | undefined;
  /** The response body (truncated), when it was not a distribution-spec error body. */
  body?: string | undefined;
  /** Whether trying again may help (5xx, 429, network failure, timeout). */
  retryable?: boolean | undefined;
}

/** A registry request failed: bad status, network failure, timeout, or content that does not verify. */
export class RegistryError extends SeamError {
  override name = "RegistryError";
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly errors: readonly RegistryErrorDetail[];
  readonly body: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: RegistryErrorOptions = {}) {
    super(message, { code: "RegistryError", ...options });
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.method = options.method;
    this.url = options.url;
    this.errors = options.errors ?? [];
    this.body = options.body;
  }
}

/** Bytes that do not hash to the digest they were asked for. */
export class DigestMismatchError extends RegistryError {
  override name = "DigestMismatchError";
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, options: RegistryErrorOptions = {}) {
    super(`content digest mismatch: expected ${expected}, got ${actual}`, {
      code: "DigestMismatch",
      ...options,
    });
    this.expected = expected;
    this.actual = actual;
  }
}
