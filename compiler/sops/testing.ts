/** Test helpers: a deterministic byte source for IVs and data keys. */
import { seededRandom } from "../../shared/rand.ts";
import type { RandomBytes } from "./cipher.ts";

export function seededBytes(seed: string): RandomBytes {
  const r = seededRandom(seed);
  return (n) => r.bytes(n);
}

/** Folder of the shared SOPS golden data (override with SEAM_GOLDEN_SOPS). */
export const GOLDEN_SOPS: string = Deno.env.get("SEAM_GOLDEN_SOPS") ??
  new URL("../../../shared/reference/golden/sops/", import.meta.url).pathname;
