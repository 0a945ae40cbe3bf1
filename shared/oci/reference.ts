/**
 * OCI names (renderers.md §7.1): `<registry host>[:port]/<repository>[:<tag>][@<digest>]`.
 *
 * The registry is the text before the first `/`; the repository is the rest up to the tag or digest.
 * Docker Hub's implicit `docker.io/library/` is not applied: Seam always names its registry.
 */
import { InputError } from "../errors.ts";

export interface OciReference {
  /** `host[:port]` */
  registry: string;
  repository: string;
  tag?: string | undefined;
  /** `sha256:<hex>` or `sha512:<hex>` */
  digest?: string | undefined;
}

export const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

function _bad(what: string, value: string, hint: string): InputError {
  return new InputError(`invalid OCI ${what} ${JSON.stringify(value)}`, {
    code: "OciReferenceInvalid",
    hint,
  });
}

/** `host[:port]/repo/path` (no tag) → registry and repository. */
export function parseRepositoryUrl(url: string): { registry: string; repository: string } {
  const ref = parseReference(url);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw _bad("repository", url, "a repository host[:port]/repo/path without a tag or digest");
  }
  return { registry: ref.registry, repository: ref.repository };
}

/** Parses a full reference; throws an InputError naming the part that is wrong. */
export function parseReference(text: string): OciReference {
  let rest = text.trim().replace(/^oci:\/\//, "");
  const slash = rest.indexOf("/");
  if (slash <= 0) {
    throw _bad("reference", text, "host[:port]/repository[:tag][@digest], e.g. 127.0.0.1:5000/packs/app:v1");
  }
  const registry = rest.slice(0, slash);
  rest = rest.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) {
      throw _bad("digest", digest, '"sha256:" followed by 64 lower-case hex digits');
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) {
      throw _bad("tag", tag, "letters, digits, '_', '.', '-'; at most 128 characters");
    }
  }
  if (!/^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$/.test(registry)) {
    throw _bad("registry", registry, "host[:port]");
  }
  if (!REPOSITORY_PATTERN.test(rest)) {
    throw _bad(
      "repository",
      rest,
      "lower-case path components [a-z0-9] separated by '.', '_', '__' or '-', joined by '/'",
    );
  }
  return { registry, repository: rest, tag, digest };
}

/** `registry/repository[:tag][@digest]` */
export function formatReference(ref: OciReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${
    ref.digest !== undefined ? `@${ref.digest}` : ""
  }`;
}

/**
 * Upstream's scheme guess (compiler.md §6.9 step 3): plain HTTP for hosts starting with `10.`,
 * `127.` or `localhost`, HTTPS otherwise. Callers OR it with an explicit `--plain-http`.
 */
export function guessPlainHttp(registry: string): boolean {
  return registry.startsWith("10.") || registry.startsWith("127.") || registry.startsWith("localhost") ||
    registry.startsWith("[::1]");
}
