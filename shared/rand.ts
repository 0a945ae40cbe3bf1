/**
 * Randomness as a parameter (DESIGN habit 4). Generators take a `RandomSource`; production code
 * passes `cryptoRandom()` unless the user gave `--seed`, in which case `seededRandom(seed)` makes
 * every output byte-identical across runs.
 *
 * The seeded source is xoshiro128** (Blackman & Vigna) with its 128-bit state taken from the
 * first 16 bytes of SHA-256(seed) (little-endian words). `fork(label)` derives an independent
 * stream from SHA-256(seed + "/" + label), so adding a consumer never shifts another one's values:
 * give each generator its own fork (`rand.fork("talos-secrets")`, `rand.fork("staging-dir")`).
 *
 * Not for key material: keys come from WebCrypto, never from a seeded source.
 */
import { sha256 } from "./digest.ts";

export interface RandomSource {
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number;
  /** Uniform integer in [0, maxExclusive); no modulo bias. `maxExclusive` must be in 1..2^32. */
  int(maxExclusive: number): number;
  /** `n` uniform bytes. */
  bytes(n: number): Uint8Array;
  /** `n` uniform bytes as lowercase hex (2n characters). */
  hex(n: number): string;
  /** A version 4 UUID built from this source's bytes. */
  uuid(): string;
  /** An independent source derived from this one's identity and `label`. */
  fork(label: string): RandomSource;
}

abstract class _Base implements RandomSource {
  abstract uint32(): number;
  abstract fork(label: string): RandomSource;

  float(): number {
    return this.uint32() / 4294967296;
  }

  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > 4294967296) {
      throw new RangeError(`int(maxExclusive): expected an integer in 1..2^32, got ${maxExclusive}`);
    }
    // Rejection sampling: discard the top partial range so every value is equally likely.
    const limit = 4294967296 - (4294967296 % maxExclusive);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % maxExclusive;
    }
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const w = this.uint32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (w >>> (8 * j)) & 0xff;
    }
    return out;
  }

  hex(n: number): string {
    return Array.from(this.bytes(n), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

function _rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** xoshiro128** over an explicit 4-word state; exported for known-answer tests. */
export class Xoshiro128StarStar extends _Base {
  #s: Uint32Array;
  readonly #identity: string;

  /** `state` must not be all zero (the generator would only ever return 0). */
  constructor(state: readonly [number, number, number, number], identity = "") {
    super();
    this.#s = Uint32Array.from(state);
    if (this.#s.every((w) => w === 0)) this.#s[0] = 0x9e3779b9; // never stuck at zero
    this.#identity = identity;
  }

  uint32(): number {
    const s = this.#s;
    let s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const result = Math.imul(_rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = _rotl(s3, 11);
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return result;
  }

  fork(label: string): RandomSource {
    return seededRandom(`${this.#identity}/${label}`);
  }
}

/** A deterministic source: the same seed always yields the same sequence. */
export function seededRandom(seed: string): RandomSource {
  const d = sha256(seed);
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const state: [number, number, number, number] = [
    view.getUint32(0, true),
    view.getUint32(4, true),
    view.getUint32(8, true),
    view.getUint32(12, true),
  ];
  return new Xoshiro128StarStar(state, seed);
}

class _CryptoRandom extends _Base {
  #buf = new Uint32Array(64);
  #pos = 64;
  uint32(): number {
    if (this.#pos >= this.#buf.length) {
      crypto.getRandomValues(this.#buf);
      this.#pos = 0;
    }
    return this.#buf[this.#pos++]!;
  }
  fork(_label: string): RandomSource {
    return new _CryptoRandom();
  }
}

/** Non-deterministic source backed by `crypto.getRandomValues` (for runs without a seed). */
export function cryptoRandom(): RandomSource {
  return new _CryptoRandom();
}
