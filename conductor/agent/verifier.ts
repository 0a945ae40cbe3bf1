/**
 * Verification policy of the tenant loops (conductor.md §5.4, C-D12): with a key ring, a signature
 * must verify; without one, objects are accepted unverified only when `CONDUCTOR_ALLOW_UNSIGNED=true`
 * (the "bootstrap window"), each acceptance logged as a warning. Counts and times every check.
 */
import type { Logger } from "../../shared/logger.ts";
import { canonicalBytes, type KeyRing, type VerifyResult } from "../../shared/signing/mod.ts";
import { M, type Metrics } from "./metrics.ts";

export type Verdict = VerifyResult | { ok: true; keyId: ""; skipped: true };

export class Verifier {
  constructor(
    readonly ring: KeyRing | undefined,
    readonly allowUnsigned: boolean,
    readonly log: Logger,
    readonly metrics: Metrics,
  ) {}

  async verifyBytes(
    kind: string,
    name: string,
    bytes: Uint8Array,
    signature: string | undefined,
  ): Promise<Verdict> {
    let v: Verdict;
    if (!this.ring) {
      v = this.allowUnsigned ? { ok: true, keyId: "", skipped: true } : {
        ok: false,
        code: "NoKeys",
        reason: "no public key is configured (SIGNING_PUBLIC_KEY_PATH) and unsigned objects are not allowed",
      };
    } else {
      const ring = this.ring;
      v = await this.metrics.time(
        M.verifyLatency[0],
        M.verifyLatency[1],
        { kind },
        () => ring.verifyBytes(bytes, signature),
      );
    }
    this.metrics.inc(M.verifies[0], M.verifies[1], {
      kind,
      result: v.ok ? ("skipped" in v ? "skipped" : "ok") : "failed",
    });
    if (v.ok && "skipped" in v) {
      this.log.warn("accepted without verification (bootstrap window)", { kind, name });
    } else if (v.ok) this.log.debug("signature verified", { kind, name, keyId: v.keyId });
    else this.log.warn("signature verification failed", { kind, name, code: v.code, reason: v.reason });
    return v;
  }

  verifySpec(kind: string, name: string, spec: unknown, signature: string | undefined): Promise<Verdict> {
    return this.verifyBytes(kind, name, canonicalBytes(spec ?? null), signature);
  }
}
