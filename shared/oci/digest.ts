/** Content digests as the distribution spec writes them: `sha256:<lower-case hex>` over the exact bytes. */
import { createHash } from "node:crypto";
import { DIGEST_PATTERN } from "./reference.ts";
import { DigestMismatchError } from "./errors.ts";

/** `sha256:` + hex SHA-256 of the bytes (a string is hashed as UTF-8). */
export function ociDigest(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Digest of `data` with the algorithm `expected` names (`sha256` or `sha512`). */
export function digestLike(expected: string, data: Uint8Array): string {
  const algo = expected.startsWith("sha512:") ? "sha512" : "sha256";
  return `${algo}:${createHash(algo).update(data).digest("hex")}`;
}

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

/** Throws a DigestMismatchError unless `data` hashes to `expected`. */
export function verifyDigest(data: Uint8Array, expected: string, where?: string): void {
  const actual = digestLike(expected, data);
  if (actual !== expected) throw new DigestMismatchError(expected, actual, { url: where });
}
