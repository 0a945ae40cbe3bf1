/**
 * Signing and verification of canonical specs (conductor.md §5.3–§5.6): a `Signer` with the one
 * private key, a `KeyRing` of public keys (current + previous) that accepts a signature if any key
 * verifies it. Verification is strict: standard padded base64 only, exactly 64 bytes.
 */
import { canonicalBytes } from "./canonical.ts";
import { base64ToBytesStrict, bytesToBase64, type PrivateKey, type PublicKey, sha256Hex } from "./keys.ts";

export type VerifyFailureCode =
  | "MissingSignature"
  | "BadSignatureEncoding"
  | "BadSignatureLength"
  | "SignatureMismatch"
  | "NoKeys";

export type VerifyResult =
  | { ok: true; keyId: string }
  | { ok: false; code: VerifyFailureCode; reason: string };

export interface SignedSpec {
  /** Base64 (standard, padded) Ed25519 signature. */
  signature: string;
  /** Lowercase hex SHA-256 of the canonical bytes. */
  specHash: string;
  keyId: string;
  bytes: Uint8Array;
}

export class Signer {
  constructor(readonly key: PrivateKey) {}
  get keyId(): string {
    return this.key.keyId;
  }
  async signBytes(bytes: Uint8Array): Promise<string> {
    return bytesToBase64(await this.key.sign(bytes));
  }
  /** Signs the canonical bytes of `spec` (a missing spec is `null`). */
  async signSpec(spec: unknown): Promise<SignedSpec> {
    const bytes = canonicalBytes(spec ?? null);
    const [signature, specHash] = await Promise.all([this.signBytes(bytes), sha256Hex(bytes)]);
    return { signature, specHash, keyId: this.keyId, bytes };
  }
}

export class KeyRing {
  readonly keys: readonly PublicKey[];
  constructor(keys: readonly PublicKey[]) {
    this.keys = [...keys];
  }
  get keyIds(): string[] {
    return this.keys.map((k) => k.keyId);
  }
  /** Verifies a base64 signature over exact bytes. */
  async verifyBytes(bytes: Uint8Array, signature: string | undefined | null): Promise<VerifyResult> {
    if (this.keys.length === 0) return { ok: false, code: "NoKeys", reason: "no public key is configured" };
    if (signature === undefined || signature === null || signature === "") {
      return { ok: false, code: "MissingSignature", reason: "the signature is missing" };
    }
    const sig = base64ToBytesStrict(signature);
    if (!sig) {
      return {
        ok: false,
        code: "BadSignatureEncoding",
        reason: "the signature is not standard padded base64",
      };
    }
    if (sig.length !== 64) {
      return {
        ok: false,
        code: "BadSignatureLength",
        reason: `the signature has ${sig.length} bytes, want 64`,
      };
    }
    for (const k of this.keys) {
      if (await k.verify(bytes, sig)) return { ok: true, keyId: k.keyId };
    }
    return {
      ok: false,
      code: "SignatureMismatch",
      reason: `Ed25519 signature verification failed (INV-026) with ${this.keys.length} key(s) in the ring`,
    };
  }
  /** Verifies a signature over the canonical bytes of `spec`. */
  verifySpec(spec: unknown, signature: string | undefined | null): Promise<VerifyResult> {
    return this.verifyBytes(canonicalBytes(spec ?? null), signature);
  }
}
