/**
 * Synchronous SHA-256 for names and seeds (Job name suffixes, PRNG seeding). WebCrypto's digest
 * is asynchronous, which would make every name derivation async; `node:crypto` is synchronous and
 * available in Deno without extra permissions.
 */
import { createHash } from "node:crypto";

/** SHA-256 of the UTF-8 bytes of a string, or of raw bytes. */
export function sha256(data: string | Uint8Array): Uint8Array {
  const h = createHash("sha256");
  h.update(data);
  return new Uint8Array(h.digest());
}

/** Lowercase hex SHA-256. */
export function sha256Hex(data: string | Uint8Array): string {
  const h = createHash("sha256");
  h.update(data);
  return h.digest("hex");
}
