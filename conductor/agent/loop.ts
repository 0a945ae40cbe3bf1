/**
 * The loop convention (conductor.md §3.2): one pass immediately (unless told otherwise), then one
 * per tick; passes never overlap (ticks during a long pass are coalesced); cancellation stops the
 * loop between passes; an error in a pass is logged and counted, never fatal. `synced` turns true
 * after the first complete pass (the readiness gate's "informer synced").
 *
 * Watchdog (DESIGN habit 11): a pass is a full relist, so a loop that has not completed a pass
 * within `3 × interval` is reported stale by `stale()` and readiness says so.
 */
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import { M, type Metrics } from "./metrics.ts";

export interface LoopOptions {
  name: string;
  intervalMs: number;
  /** Run the first pass at start (default true). */
  immediate?: boolean;
  pass: (signal: AbortSignal) => Promise<void>;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
}

export class PeriodicLoop {
  readonly name: string;
  readonly intervalMs: number;
  #synced = false;
  #lastPassEnd = -Infinity;
  #running: Promise<void> | undefined;
  readonly #o: LoopOptions;

  constructor(o: LoopOptions) {
    this.#o = o;
    this.name = o.name;
    this.intervalMs = o.intervalMs;
  }

  #wake: (() => void) | undefined;
  #kicked = false;

  /** Runs the next pass now (coalesced; a pass in progress is followed by one more). */
  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** True when no pass completed within three intervals while running. */
  stale(): boolean {
    return this.#running !== undefined && this.#synced &&
      this.#o.clock.now().getTime() - this.#lastPassEnd > 3 * this.intervalMs;
  }

  /** One pass with logging and metrics; never throws. */
  async runOnce(signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    try {
      await this.#o.pass(signal);
      this.#synced = true;
      this.#lastPassEnd = this.#o.clock.now().getTime();
    } catch (e) {
      if (signal.aborted) return;
      this.#o.metrics.inc(M.loopErrors[0], M.loopErrors[1], { loop: this.name });
      this.#o.log.error("loop pass failed", { loop: this.name, error: e });
    } finally {
      this.#o.metrics.observe(
        M.loopDuration[0],
        M.loopDuration[1],
        { loop: this.name },
        (performance.now() - t0) / 1000,
      );
    }
  }

  /** Runs until `signal` aborts; resolves when the current pass has finished. */
  start(signal: AbortSignal): Promise<void> {
    this.#running = (async () => {
      if (this.#o.immediate ?? true) await this.runOnce(signal);
      while (!signal.aborted) {
        if (!this.#kicked) {
          const wake = new AbortController();
          this.#wake = () => wake.abort();
          const both = AbortSignal.any([signal, wake.signal]);
          await sleep(this.intervalMs, both);
          this.#wake = undefined;
        }
        this.#kicked = false;
        if (signal.aborted) break;
        await this.runOnce(signal);
      }
    })();
    const r = this.#running;
    return r.finally(() => {
      if (this.#running === r) this.#running = undefined;
    });
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
