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

import { type ByteSource, mod, modInv, modPow, randomBelow, randomPrime, type RsaSearch } from "./primes.ts";

export type { ByteSource, RsaSearch };
export { modInv, modPow } from "./primes.ts";

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
export type RsaKeyPair = KeyPair & { pkcs1: Uint8Array };

/** RSA key (e = 65537) with primes found from the byte source. */
export function generateRsa(src: ByteSource, bits = 4096, search: RsaSearch = "deterministic"): RsaKeyPair {
  for (;;) {
    const p = randomPrime(src, bits / 2, search)!;
    const q = randomPrime(src, bits / 2, search)!;
    const key = rsaKeyFromPrimes(p, q, bits);
    if (key) return key;
  }
}

/** The key of primes p and q (e = 65537); undefined when they do not make one (p = q, gcd(e, φ) ≠ 1). */
export function rsaKeyFromPrimes(p: bigint, q: bigint, bits: number): RsaKeyPair | undefined {
  const e = 65537n;
  {
    if (p === q) return undefined;
    const n = p * q;
    const phi = (p - 1n) * (q - 1n);
    let d: bigint;
    try {
      d = modInv(e, phi);
    } catch {
      return undefined;
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
