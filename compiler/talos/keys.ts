/**
 * Key pairs and signatures for the Talos CAs, driven by an injectable random source so a seeded
 * source yields byte-identical output: ECDSA P-256 (SEC1 "EC PRIVATE KEY"), Ed25519 (PKCS#8 under
 * "ED25519 PRIVATE KEY", as Talos writes it) and RSA (PKCS#1 "RSA PRIVATE KEY").
 */
import * as ed from "@noble/ed25519";
import {
  bigintToBytes,
  bitString,
  bytesToBigint,
  concat,
  explicit,
  integer,
  nullValue,
  octetString,
  oid,
  pem,
  seq,
} from "./der.ts";

/** The part of shared/rand.ts RandomSource the key generators need. */
export interface ByteSource {
  bytes(n: number): Uint8Array;
}

export interface KeyPair {
  /** AlgorithmIdentifier for certificate signatures made with this key. */
  signatureAlgorithm: Uint8Array;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** Private key PEM as Talos writes it. */
  privateKeyPem: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  prime256v1: "1.2.840.10045.3.1.7",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  ed25519: "1.3.101.112",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSA: "1.2.840.113549.1.1.11",
};

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** b^e mod m by left-to-right sliding-window exponentiation (5-bit windows). */
export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  b = mod(b, m);
  if (e < 64n) {
    let r = 1n;
    while (e > 0n) {
      if (e & 1n) r = (r * b) % m;
      b = (b * b) % m;
      e >>= 1n;
    }
    return r;
  }
  // Odd powers b^1, b^3, …, b^31.
  const W = 5;
  const b2 = (b * b) % m;
  const odd: bigint[] = [b];
  for (let i = 1; i < 1 << (W - 1); i++) odd.push((odd[i - 1]! * b2) % m);
  const bits = e.toString(2);
  let r = 1n;
  let i = 0;
  while (i < bits.length) {
    if (bits[i] === "0") {
      r = (r * r) % m;
      i++;
      continue;
    }
    // The longest window of at most W bits starting here that ends in a 1.
    let j = Math.min(i + W, bits.length);
    while (bits[j - 1] === "0") j--;
    const v = parseInt(bits.slice(i, j), 2);
    for (let k = i; k < j; k++) r = (r * r) % m;
    r = (r * odd[(v - 1) >> 1]!) % m;
    i = j;
  }
  return r;
}

export function modInv(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error("not invertible");
  return mod(oldS, m);
}

/** A uniform integer in [1, max) from the byte source (rejection sampling). */
function randomBelow(src: ByteSource, max: bigint): bigint {
  const len = Math.ceil(max.toString(16).length / 2);
  for (;;) {
    const v = bytesToBigint(src.bytes(len));
    if (v > 0n && v < max) return v;
  }
}

// ---- P-256 ----
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;
type Pt = { x: bigint; y: bigint } | null;

function ptAdd(p: Pt, q: Pt): Pt {
  if (!p) return q;
  if (!q) return p;
  if (p.x === q.x) {
    if (mod(p.y + q.y, P) === 0n) return null;
    const l = mod((3n * p.x * p.x + A) * modInv(2n * p.y, P), P);
    const x = mod(l * l - 2n * p.x, P);
    return { x, y: mod(l * (p.x - x) - p.y, P) };
  }
  const l = mod((q.y - p.y) * modInv(q.x - p.x, P), P);
  const x = mod(l * l - p.x - q.x, P);
  return { x, y: mod(l * (p.x - x) - p.y, P) };
}

/** Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
type Jac = { X: bigint; Y: bigint; Z: bigint };

/** 2P for a = -3 ("dbl-2001-b"). */
function jacDouble(p: Jac): Jac {
  if (p.Z === 0n || p.Y === 0n) return { X: 1n, Y: 1n, Z: 0n };
  const delta = (p.Z * p.Z) % P;
  const gamma = (p.Y * p.Y) % P;
  const beta = (p.X * gamma) % P;
  const alpha = (3n * mod(p.X - delta, P) * (p.X + delta)) % P;
  const X = mod(alpha * alpha - 8n * beta, P);
  const Z = mod((p.Y + p.Z) * (p.Y + p.Z) - gamma - delta, P);
  const Y = mod(alpha * (4n * beta - X) - 8n * ((gamma * gamma) % P), P);
  return { X, Y, Z };
}

/** P + Q with Q affine ("madd"). */
function jacAddAffine(p: Jac, q: { x: bigint; y: bigint }): Jac {
  if (p.Z === 0n) return { X: q.x, Y: q.y, Z: 1n };
  const z1z1 = (p.Z * p.Z) % P;
  const u2 = (q.x * z1z1) % P;
  const s2 = (((q.y * p.Z) % P) * z1z1) % P;
  const h = mod(u2 - p.X, P);
  const r = mod(s2 - p.Y, P);
  if (h === 0n) return r === 0n ? jacDouble(p) : { X: 1n, Y: 1n, Z: 0n };
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (p.X * hh) % P;
  const X = mod(r * r - hhh - 2n * v, P);
  const Y = mod(r * (v - X) - p.Y * hhh, P);
  return { X, Y, Z: (p.Z * h) % P };
}

/** kP by double-and-add in Jacobian coordinates: one inversion at the end instead of one per step. */
function ptMul(k: bigint, p: Pt): Pt {
  if (!p || k === 0n) return null;
  let r: Jac = { X: 1n, Y: 1n, Z: 0n };
  for (const bit of k.toString(2)) {
    r = jacDouble(r);
    if (bit === "1") r = jacAddAffine(r, p);
  }
  if (r.Z === 0n) return null;
  const zi = modInv(r.Z, P);
  const zi2 = (zi * zi) % P;
  return { x: (r.X * zi2) % P, y: (((r.Y * zi2) % P) * zi) % P };
}

/** The affine double-and-add kP the Jacobian version replaced; kept as the reference for tests. */
export function ptMulAffine(k: bigint, p: Pt): Pt {
  let r: Pt = null;
  let a = p;
  while (k > 0n) {
    if (k & 1n) r = ptAdd(r, a);
    a = ptAdd(a, a);
    k >>= 1n;
  }
  return r;
}

/** kP on P-256 (exported for tests). */
export const p256Mul = (k: bigint, p: Pt): Pt => ptMul(k, p);
export const P256_G = { x: GX, y: GY };

export function generateP256(src: ByteSource): KeyPair {
  const d = randomBelow(src, N);
  const Q = ptMul(d, { x: GX, y: GY })!;
  const pub = concat([Uint8Array.of(4), bigintToBytes(Q.x, 32), bigintToBytes(Q.y, 32)]);
  const algId = seq(oid(OID.ecPublicKey), oid(OID.prime256v1));
  const sec1 = seq(
    integer(1),
    octetString(bigintToBytes(d, 32)),
    explicit(0, oid(OID.prime256v1)),
    explicit(1, bitString(pub)),
  );
  return {
    signatureAlgorithm: seq(oid(OID.ecdsaWithSHA256)),
    spki: seq(algId, bitString(pub)),
    privateKeyPem: pem("EC PRIVATE KEY", sec1),
    async sign(data) {
      const e = bytesToBigint(await sha256(data));
      for (;;) {
        const k = randomBelow(src, N);
        const R = ptMul(k, { x: GX, y: GY })!;
        const r = mod(R.x, N);
        if (r === 0n) continue;
        const s = mod(modInv(k, N) * (e + r * d), N);
        if (s === 0n) continue;
        return seq(integer(r), integer(s));
      }
    },
  };
}

// ---- Ed25519 ----
export async function generateEd25519(src: ByteSource): Promise<KeyPair> {
  const seed = src.bytes(32);
  const pub = await ed.getPublicKeyAsync(seed);
  const pkcs8 = seq(integer(0), seq(oid(OID.ed25519)), octetString(octetString(seed)));
  return {
    signatureAlgorithm: seq(oid(OID.ed25519)),
    spki: seq(seq(oid(OID.ed25519)), bitString(pub)),
    privateKeyPem: pem("ED25519 PRIVATE KEY", pkcs8),
    sign: (data) => ed.signAsync(data, seed),
  };
}

// ---- RSA ----
/** Odd primes below `limit`. */
function oddPrimesBelow(limit: number): number[] {
  const composite = new Uint8Array(limit);
  const out: number[] = [];
  for (let n = 3; n < limit; n += 2) {
    if (composite[n]) continue;
    out.push(n);
    for (let k = n * n; k < limit; k += 2 * n) composite[k] = 1;
  }
  return out;
}

/** The first 400 odd primes (3 … 2749): the trial divisors of the deterministic (seeded) search. */
const SMALL_PRIMES: number[] = oddPrimesBelow(2750);
let sievePrimes: number[] | undefined;
/** Odd primes below 2^16: the sieve of the fast search. */
const SIEVE_PRIMES = (): number[] => (sievePrimes ??= oddPrimesBelow(1 << 16));

/**
 * Prime search. `deterministic` keeps the byte consumption and result of the original seeded
 * algorithm (trial division by the first 400 odd primes, 24 Miller-Rabin rounds), so `--seed`
 * output never changes. `fast` (fresh keys from a crypto source) sieves by every prime below 2^16
 * and runs the Miller-Rabin rounds FIPS 186-5 Table B.1 asks for (what Go's crypto/rsa does: 4 for
 * a 2048-bit prime).
 */
export type RsaSearch = "deterministic" | "fast";

function millerRabinRounds(bits: number): number {
  return bits >= 3747 ? 3 : bits >= 1345 ? 4 : bits >= 476 ? 5 : 10;
}

/** Miller-Rabin with `rounds` random bases in [2, n-2]; n odd and above every trial divisor. */
function millerRabin(n: bigint, src: ByteSource, rounds: number): boolean {
  let d = n - 1n, s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  outer: for (let i = 0; i < rounds; i++) {
    const a = 2n + randomBelow(src, n - 3n);
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

const WINDOW = 20000;

function randomPrime(src: ByteSource, bits: number, search: RsaSearch): bigint {
  const primes = search === "fast" ? SIEVE_PRIMES() : SMALL_PRIMES;
  const rounds = search === "fast" ? millerRabinRounds(bits) : 24;
  for (;;) {
    const b = src.bytes(bits / 8);
    b[0]! |= 0xc0; // top two bits set: the product has exactly 2*bits bits
    b[b.length - 1]! |= 1;
    const start = bytesToBigint(b);
    // Sieve the window of odd candidates start + delta (delta even, < WINDOW) by the trial divisors:
    // marked[delta / 2] when some divisor divides the candidate (and the candidate is not it).
    const marked = new Uint8Array(WINDOW / 2);
    for (const p of primes) {
      const r = Number(start % BigInt(p));
      let delta = (p - r) % p; // start + delta ≡ 0 (mod p)
      if (delta % 2) delta += p; // the next even offset
      for (; delta < WINDOW; delta += 2 * p) {
        if (start + BigInt(delta) !== BigInt(p)) marked[delta / 2] = 1;
      }
    }
    // Candidates with c ≡ 1 (mod 65537) are skipped: gcd(e, c-1) must be 1.
    const r65537 = Number(start % 65537n);
    for (let delta = 0; delta < WINDOW; delta += 2) {
      if ((r65537 + delta) % 65537 === 1) continue;
      if (marked[delta / 2]) continue;
      const c = start + BigInt(delta);
      if (millerRabin(c, src, rounds)) return c;
    }
  }
}

/** RSA key (e = 65537) with primes found from the byte source. */
export function generateRsa(
  src: ByteSource,
  bits = 4096,
  search: RsaSearch = "deterministic",
): KeyPair & { pkcs1: Uint8Array } {
  const e = 65537n;
  for (;;) {
    const p = randomPrime(src, bits / 2, search);
    const q = randomPrime(src, bits / 2, search);
    if (p === q) continue;
    const n = p * q;
    const phi = (p - 1n) * (q - 1n);
    let d: bigint;
    try {
      d = modInv(e, phi);
    } catch {
      continue;
    }
    const pkcs1 = seq(
      integer(0),
      integer(n),
      integer(e),
      integer(d),
      integer(p),
      integer(q),
      integer(d % (p - 1n)),
      integer(d % (q - 1n)),
      integer(modInv(q, p)),
    );
    const pubKey = seq(integer(n), integer(e));
    return {
      pkcs1,
      signatureAlgorithm: seq(oid(OID.sha256WithRSA), nullValue()),
      spki: seq(seq(oid(OID.rsaEncryption), nullValue()), bitString(pubKey)),
      privateKeyPem: pem("RSA PRIVATE KEY", pkcs1),
      async sign(data) {
        // PKCS#1 v1.5 with SHA-256
        const digestInfo = concat([
          Uint8Array.from([
            0x30,
            0x31,
            0x30,
            0x0d,
            0x06,
            0x09,
            0x60,
            0x86,
            0x48,
            0x01,
            0x65,
            0x03,
            0x04,
            0x02,
            0x01,
            0x05,
            0x00,
            0x04,
            0x20,
          ]),
          await sha256(data),
        ]);
        const k = bits / 8;
        const em = new Uint8Array(k).fill(0xff);
        em[0] = 0;
        em[1] = 1;
        em[k - digestInfo.length - 1] = 0;
        em.set(digestInfo, k - digestInfo.length);
        return bigintToBytes(modPow(bytesToBigint(em), d, n), k);
      },
    };
  }
}
