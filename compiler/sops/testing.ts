/** Test helpers: a deterministic byte source for IVs and data keys. */
import { seededRandom } from "../../shared/rand.ts";
import type { RandomBytes } from "./cipher.ts";

export function seededBytes(seed: string): RandomBytes {
  const r = seededRandom(seed);
  return (n) => r.bytes(n);
}
