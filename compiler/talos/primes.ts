/**
 * Modular arithmetic and the RSA prime search of keys.ts, free of npm imports so the parallel search
 * (rsa_parallel.ts) can run it in a worker.
 */
import { bytesToBigint } from "./der.ts";

/** The part of shared/rand.ts RandomSource the key generators need. */
export interface ByteSource {
  bytes(n: number): Uint8Array;
}

export function mod(a: bigint, m: bigint): bigint {
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
export function randomBelow(src: ByteSource, max: bigint): bigint {
  const len = Math.ceil(max.toString(16).length / 2);
  for (;;) {
    const v = bytesToBigint(src.bytes(len));
    if (v > 0n && v < max) return v;
  }
}

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

/** Trial divisors in groups whose product stays below 2^53: one bigint remainder per group. */
interface DivisorGroup {
  product: bigint;
  primes: number[];
}

function grouped(primes: number[]): DivisorGroup[] {
  const out: DivisorGroup[] = [];
  let cur: number[] = [];
  let product = 1;
  for (const p of primes) {
    if (product * p > Number.MAX_SAFE_INTEGER) {
      out.push({ product: BigInt(product), primes: cur });
      cur = [];
      product = 1;
    }
    cur.push(p);
    product *= p;
  }
  if (cur.length > 0) out.push({ product: BigInt(product), primes: cur });
  return out;
}

/** The first 400 odd primes (3 … 2749): the trial divisors of the deterministic (seeded) search. */
const SMALL_PRIMES: DivisorGroup[] = grouped(oddPrimesBelow(2750));
let sievePrimes: DivisorGroup[] | undefined;
/**
 * Odd primes below 2^20: the sieve of the fast search. About 8% of the odd candidates survive it
 * (10% below 2^16), which saves more Miller-Rabin tests than the ~25 ms setup and ~10 ms per window
 * cost.
 */
const SIEVE_PRIMES = (): DivisorGroup[] => (sievePrimes ??= grouped(oddPrimesBelow(1 << 20)));

/**
 * Prime search. `deterministic` keeps the byte consumption and result of the original seeded
 * algorithm (trial division by the first 400 odd primes, 24 Miller-Rabin rounds), so `--seed`
 * output never changes. `fast` (fresh keys from a crypto source) sieves by every prime below 2^20
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

/**
 * A random `bits`-bit prime (top two bits set). `stop` is polled before each Miller-Rabin test; when
 * it returns true the search gives up and returns undefined (parallel searches, rsa_parallel.ts).
 */
export function randomPrime(
  src: ByteSource,
  bits: number,
  search: RsaSearch,
  stop?: () => boolean,
): bigint | undefined {
  const primes = search === "fast" ? SIEVE_PRIMES() : SMALL_PRIMES;
  const rounds = search === "fast" ? millerRabinRounds(bits) : 24;
  for (;;) {
    const b = src.bytes(bits / 8);
    b[0]! |= 0xc0; // top two bits set: the product has exactly 2*bits bits
    b[b.length - 1]! |= 1;
    const start = bytesToBigint(b);
    const small = bits <= 17; // the candidate may be one of the divisors
    // Sieve the window of odd candidates start + delta (delta even, < WINDOW) by the trial divisors:
    // marked[delta / 2] when some divisor divides the candidate (and the candidate is not it).
    const marked = new Uint8Array(WINDOW / 2);
    for (const group of primes) {
      const rest = Number(start % group.product);
      for (const p of group.primes) {
        let delta = (p - (rest % p)) % p; // start + delta ≡ 0 (mod p)
        if (delta % 2) delta += p; // the next even offset
        for (; delta < WINDOW; delta += 2 * p) {
          if (!small || start + BigInt(delta) !== BigInt(p)) marked[delta / 2] = 1;
        }
      }
    }
    // Candidates with c ≡ 1 (mod 65537) are skipped: gcd(e, c-1) must be 1.
    const r65537 = Number(start % 65537n);
    for (let delta = 0; delta < WINDOW; delta += 2) {
      if ((r65537 + delta) % 65537 === 1) continue;
      if (marked[delta / 2]) continue;
      if (stop?.()) return undefined;
      const c = start + BigInt(delta);
      if (millerRabin(c, src, rounds)) return c;
    }
  }
}
