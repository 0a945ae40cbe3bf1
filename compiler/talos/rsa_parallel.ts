/**
 * A fresh RSA key (crypto randomness, the "fast" prime search of primes.ts) with the prime search on
 * two threads: this one and a worker both look for primes, and the first two found — by either —
 * become p and q. A prime search is close to memoryless, so two searchers halve the expected time
 * on two free cores (one searcher per prime would only cut it by a quarter).
 *
 * Not for seeded keys: which thread finds which prime depends on timing. When the worker cannot
 * start (its module is missing, e.g. a `deno compile` binary built without
 * `--include compiler/talos/prime_worker.ts`, or it fails), this thread finds both primes itself.
 */
import { randomPrime } from "./primes.ts";
import { generateRsa, rsaKeyFromPrimes, type RsaKeyPair } from "./keys.ts";

const cryptoBytes = { bytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)) };

/** `workerModule` is a test hook (a module that cannot load exercises the single-thread fallback). */
export async function generateRsaParallel(
  bits = 4096,
  workerModule: URL = new URL("./prime_worker.ts", import.meta.url),
): Promise<RsaKeyPair> {
  const found = new SharedArrayBuffer(4);
  const count = new Int32Array(found);
  const fromWorker: bigint[] = [];
  let worker: Worker | undefined;
  let failed = false;
  let wake: () => void = () => {};
  try {
    // A module that is not there (not embedded in a compiled binary) would print an uncaught
    // worker error; look first.
    if (workerModule.protocol === "file:") Deno.statSync(workerModule);
    worker = new Worker(workerModule, { type: "module" });
    worker.onmessage = (ev: MessageEvent<{ prime?: string; done?: boolean }>) => {
      if (ev.data.prime !== undefined) fromWorker.push(BigInt("0x" + ev.data.prime));
      if (ev.data.done) failed = true; // no more primes will come
      wake();
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      failed = true;
      wake();
    };
    worker.postMessage({ bits: bits / 2, found });
  } catch {
    worker = undefined;
  }
  try {
    const mine: bigint[] = [];
    const stop = () => Atomics.load(count, 0) >= 2;
    while (!stop()) {
      const p = randomPrime(cryptoBytes, bits / 2, "fast", stop);
      if (p !== undefined && Atomics.add(count, 0, 1) < 2) mine.push(p);
    }
    // The worker claimed the other slots: wait for its primes (or for it to fail).
    while (mine.length + fromWorker.length < 2 && worker && !failed) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    const primes = [...mine, ...fromWorker];
    while (primes.length < 2) primes.push(randomPrime(cryptoBytes, bits / 2, "fast")!);
    return rsaKeyFromPrimes(primes[0]!, primes[1]!, bits) ?? generateRsa(cryptoBytes, bits, "fast");
  } finally {
    worker?.terminate();
  }
}
