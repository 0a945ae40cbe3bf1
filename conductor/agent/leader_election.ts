/**
 * Leader election on the Lease `conductor-{cluster}` (conductor.md §3.3) with client-go's
 * semantics, so Go and TS replicas can share a lock:
 *
 * - a candidate reads the Lease every `retryPeriod`; it may take it when the Lease is absent, has no
 *   holder, or has not changed for `leaseDuration` **as measured by the candidate's own clock since
 *   it observed the change** (never by comparing the server's timestamps with local time);
 * - the holder renews every `retryPeriod`; updates carry the Lease's resourceVersion;
 * - **fencing**: the holder considers itself leader only until `renewDeadline` after the start of
 *   its last successful renewal. `renewDeadline` < `leaseDuration`, so it stops writing at least
 *   `leaseDuration - renewDeadline` (5 s) before any other candidate may take the Lease;
 * - on graceful shutdown the holder releases the Lease (empty holder, duration 1 s), so a successor
 *   takes over at its next retry.
 *
 * `tick()` is one acquire-or-renew step and is what the unit tests drive with a manual clock.
 */
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import { rfc3339Micro } from "./time.ts";

export const LEASE_DURATION_MS = 15_000;
export const RENEW_DEADLINE_MS = 10_000;
export const RETRY_PERIOD_MS = 2_000;

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface LeaseObject {
  resourceVersion: string;
  spec: LeaseSpec;
}

export class LeaseConflictError extends Error {
  override name = "LeaseConflictError";
}

/** The storage the elector needs: optimistic concurrency on one object. */
export interface LeaseStore {
  /** Undefined when the Lease does not exist. */
  get(): Promise<LeaseObject | undefined>;
  /** Throws LeaseConflictError when it exists already. */
  create(spec: LeaseSpec): Promise<LeaseObject>;
  /** Throws LeaseConflictError when `resourceVersion` is stale. */
  update(resourceVersion: string, spec: LeaseSpec): Promise<LeaseObject>;
}

export interface LeaderElectorOptions {
  identity: string;
  store: LeaseStore;
  clock: Clock;
  log: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when this replica becomes leader; `signal` aborts when leadership ends. */
  onStartedLeading?: (signal: AbortSignal) => void;
  /** Called when leadership ends for any reason other than a release on shutdown. */
  onStoppedLeading?: (reason: string) => void;
  onNewLeader?: (identity: string) => void;
}

export type ElectorState = "unknown" | "follower" | "leader";

export class LeaderElector {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly #o: LeaderElectorOptions;
  #observed: LeaseSpec | undefined;
  #observedRv = "";
  #observedAt = 0;
  /** Local time of the last successful read or write of the Lease. */
  #lastContact = -Infinity;
  #leading = false;
  /** Start of the request that last renewed (or acquired) successfully. */
  #renewedAt = -Infinity;
  #leaderAbort: AbortController | undefined;
  #leader = "";
  #transitions = 0;

  constructor(o: LeaderElectorOptions) {
    if ((o.renewDeadlineMs ?? RENEW_DEADLINE_MS) >= (o.leaseDurationMs ?? LEASE_DURATION_MS)) {
      throw new RangeError("the renew deadline must be shorter than the lease duration");
    }
    this.#o = o;
    this.identity = o.identity;
    this.leaseDurationMs = o.leaseDurationMs ?? LEASE_DURATION_MS;
    this.renewDeadlineMs = o.renewDeadlineMs ?? RENEW_DEADLINE_MS;
    this.retryPeriodMs = o.retryPeriodMs ?? RETRY_PERIOD_MS;
  }

  #now(): number {
    return this.#o.clock.now().getTime();
  }

  /** The fence: true only while a renewal started less than `renewDeadline` ago succeeded. */
  isLeader(): boolean {
    return this.#leading && this.#now() - this.#renewedAt < this.renewDeadlineMs;
  }

  /** The holder last observed ("" when none). */
  get leader(): string {
    return this.#leader;
  }

  get transitions(): number {
    return this.#transitions;
  }

  /** Lease state is known: it was read or written within the lease duration. */
  leaseKnown(): boolean {
    return this.#now() - this.#lastContact < this.leaseDurationMs;
  }

  get state(): ElectorState {
    if (!this.leaseKnown()) return "unknown";
    return this.isLeader() ? "leader" : "follower";
  }

  #observe(obj: LeaseObject): void {
    const s = obj.spec;
    const prev = this.#observed;
    if (
      !prev || prev.holderIdentity !== s.holderIdentity || prev.renewTime !== s.renewTime ||
      this.#observedRv !== obj.resourceVersion
    ) {
      this.#observed = { ...s };
      this.#observedRv = obj.resourceVersion;
      this.#observedAt = this.#now();
    }
    const holder = s.holderIdentity ?? "";
    if (holder !== this.#leader) {
      this.#leader = holder;
      if (holder !== "") {
        this.#o.log.info("new leader observed", { leader: holder });
        this.#o.onNewLeader?.(holder);
      }
    }
  }

  #spec(old: LeaseSpec | undefined, now: Date): LeaseSpec {
    const ts = rfc3339Micro(now);
    const mine = old?.holderIdentity === this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: mine && old?.acquireTime ? old.acquireTime : ts,
      renewTime: ts,
      // client-go: any change of holder (an empty one included) is a transition
      leaseTransitions: (old?.leaseTransitions ?? 0) + (old && !mine ? 1 : 0),
    };
  }

  /** One acquire-or-renew attempt; true when this replica holds the Lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const started = this.#now();
    const now = this.#o.clock.now();
    let current: LeaseObject | undefined;
    try {
      current = await this.#o.store.get();
    } catch (e) {
      this.#o.log.warn("cannot read the lease", { error: e });
      return false;
    }
    this.#lastContact = this.#now();
    if (!current) {
      try {
        const created = await this.#o.store.create(this.#spec(undefined, now));
        this.#observe(created);
        this.#renewedAt = started;
        return true;
      } catch (e) {
        if (!(e instanceof LeaseConflictError)) this.#o.log.warn("cannot create the lease", { error: e });
        return false;
      }
    }
    this.#observe(current);
    const holder = current.spec.holderIdentity ?? "";
    const durationMs = (current.spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
    if (holder !== "" && holder !== this.identity && this.#observedAt + durationMs > this.#now()) {
      return false; // held by someone else and not expired by our observation
    }
    try {
      const updated = await this.#o.store.update(current.resourceVersion, this.#spec(current.spec, now));
      this.#observe(updated);
      this.#lastContact = this.#now();
      this.#renewedAt = started;
      return true;
    } catch (e) {
      if (!(e instanceof LeaseConflictError)) this.#o.log.warn("cannot update the lease", { error: e });
      return false;
    }
  }

  /** One step of the election loop. */
  async tick(): Promise<void> {
    const ok = await this.#tryAcquireOrRenew();
    if (ok && !this.#leading) {
      this.#leading = true;
      this.#transitions++;
      this.#leaderAbort = new AbortController();
      this.#o.log.info("became leader", { leader: this.identity });
      this.#o.onStartedLeading?.(this.#leaderAbort.signal);
      return;
    }
    if (this.#leading && !this.isLeader()) {
      this.#lose("the lease could not be renewed within the renew deadline");
    }
  }

  #lose(reason: string): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#leaderAbort?.abort(new Error(reason));
    this.#leaderAbort = undefined;
    this.#o.log.warn("lost leadership, entering standby", { reason });
    this.#o.onStoppedLeading?.(reason);
  }

  /**
   * Checks the fence without waiting for the next tick: call it when a timer may have been
   * delayed (a paused process) so that leadership ends before anything else runs.
   */
  checkFence(): void {
    if (this.#leading && !this.isLeader()) this.#lose("the renew deadline passed without a renewal");
  }

  /** Releases the Lease if this replica still holds it (graceful shutdown). */
  async release(): Promise<boolean> {
    const held = this.isLeader();
    this.#leading = false;
    this.#leaderAbort?.abort(new Error("shutting down"));
    this.#leaderAbort = undefined;
    if (!held) return false;
    try {
      const cur = await this.#o.store.get();
      if (!cur || cur.spec.holderIdentity !== this.identity) return false;
      const ts = rfc3339Micro(this.#o.clock.now());
      await this.#o.store.update(cur.resourceVersion, {
        ...cur.spec,
        holderIdentity: "",
        leaseDurationSeconds: 1,
        renewTime: ts,
        acquireTime: ts,
      });
      this.#o.log.info("released the lease");
      return true;
    } catch (e) {
      this.#o.log.warn("cannot release the lease", { error: e });
      return false;
    }
  }

  /** Runs until `signal` aborts; then releases the Lease. */
  async run(
    signal: AbortSignal,
    sleep: (ms: number, signal: AbortSignal) => Promise<void> = _sleep,
  ): Promise<void> {
    const fence = setInterval(() => this.checkFence(), 250);
    try {
      while (!signal.aborted) {
        await this.tick();
        await sleep(this.retryPeriodMs, signal);
      }
    } finally {
      clearInterval(fence);
      await this.release();
    }
  }
}

function _sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** In-memory store (tests; several electors may share one). */
export class MemoryLeaseStore implements LeaseStore {
  #obj: LeaseObject | undefined;
  #rv = 0;
  /** When set, every call throws it (simulates an unreachable API server). */
  failWith: Error | undefined;
  get(): Promise<LeaseObject | undefined> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(this.#obj && structuredClone(this.#obj));
  }
  create(spec: LeaseSpec): Promise<LeaseObject> {
    if (this.failWith) return Promise.reject(this.failWith);
    if (this.#obj) return Promise.reject(new LeaseConflictError("exists"));
    this.#obj = { resourceVersion: String(++this.#rv), spec: { ...spec } };
    return Promise.resolve(structuredClone(this.#obj));
  }
  update(resourceVersion: string, spec: LeaseSpec): Promise<LeaseObject> {
    if (this.failWith) return Promise.reject(this.failWith);
    if (!this.#obj || this.#obj.resourceVersion !== resourceVersion) {
      return Promise.reject(new LeaseConflictError("stale resourceVersion"));
    }
    this.#obj = { resourceVersion: String(++this.#rv), spec: { ...spec } };
    return Promise.resolve(structuredClone(this.#obj));
  }
  peek(): LeaseObject | undefined {
    return this.#obj && structuredClone(this.#obj);
  }
}
