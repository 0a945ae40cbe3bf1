/**
 * Worker half of the parallel RSA prime search (rsa_parallel.ts): searches `bits`-bit primes with
 * crypto randomness until the shared counter says two primes were found, posting each one it claims.
 */
import { randomPrime } from "./primes.ts";

interface Job {
  bits: number;
  found: SharedArrayBuffer;
}

const crypto_ = { bytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)) };

// The worker global scope (this module only runs as a worker).
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (ev) => {
  const { bits, found } = ev.data;
  const count = new Int32Array(found);
  const stop = () => Atomics.load(count, 0) >= 2;
  while (!stop()) {
    const p = randomPrime(crypto_, bits, "fast", stop);
    if (p === undefined) break;
    if (Atomics.add(count, 0, 1) < 2) scope.postMessage({ prime: p.toString(16) });
  }
  scope.postMessage({ done: true });
};
