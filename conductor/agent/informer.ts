/**
 * A watch-based informer that does not trust its watch (DESIGN habit 11): list, then watch from the list's
 * resourceVersion with `allowWatchBookmarks=true`; every event (bookmarks included) moves the resourceVersion
 * and feeds the silence watchdog. When nothing arrives for `silenceMs` (a watch that hangs without closing),
 * when the server ends the stream, or on an `ERROR` event (410 Gone: the resourceVersion is too old), the
 * watch is dropped and a full relist runs (counted in `conductor_watchdog_relists_total{informer,reason}`).
 *
 * `onChange` is called after every relist and for every ADDED/MODIFIED/DELETED event; the signing loop uses
 * it to run a pass at once instead of waiting for its 30 s tick (the tick stays as the safety net).
 */
import type { Logger } from "../../shared/logger.ts";
import { sleep } from "./loop.ts";
import type { KubeClient, ListResult } from "./kube_client.ts";
import { M, type Metrics } from "./metrics.ts";

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: { metadata?: { resourceVersion?: string; name?: string }; code?: number; message?: string };
}

/** Opens a watch from `resourceVersion`; the iterable ends when the server closes the stream. */
export type OpenWatch = (resourceVersion: string, signal: AbortSignal) => AsyncIterable<WatchEvent>;

export interface InformerOptions {
  name: string;
  list: () => Promise<ListResult<unknown>>;
  watch: OpenWatch;
  /** No event (bookmarks included) for this long → relist. Default 5 minutes. */
  silenceMs?: number;
  /** Pause before relisting after an error. Default 1 s. */
  backoffMs?: number;
  onChange: (e?: WatchEvent) => void;
  log: Logger;
  metrics: Metrics;
}

export const DEFAULT_SILENCE_MS = 5 * 60_000;

export type RelistReason = "silence" | "closed" | "expired" | "error";

export class Informer {
  readonly #o: InformerOptions;
  #rv = "";
  #synced = false;
  relists = 0;
  constructor(o: InformerOptions) {
    this.#o = o;
  }
  get synced(): boolean {
    return this.#synced;
  }
  get resourceVersion(): string {
    return this.#rv;
  }

  #relisted(reason: RelistReason) {
    this.relists++;
    this.#o.metrics.inc(M.relists[0], M.relists[1], { informer: this.#o.name, reason });
    this.#o.log.info("informer relist", { informer: this.#o.name, reason });
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let reason: RelistReason | undefined;
    while (!signal.aborted) {
      try {
        const l = await this.#o.list();
        this.#rv = l.metadata.resourceVersion ?? "";
        this.#synced = true;
        if (reason) this.#relisted(reason);
        this.#o.onChange();
        reason = await this.#watch(signal);
      } catch (e) {
        if (signal.aborted) return;
        this.#o.log.warn("informer list/watch failed", { informer: this.#o.name, error: e });
        reason = "error";
        await sleep(this.#o.backoffMs ?? 1000, signal);
      }
    }
  }

  /** One watch; returns why it ended (unless aborted). */
  async #watch(signal: AbortSignal): Promise<RelistReason | undefined> {
    const ac = new AbortController();
    const stop = () => ac.abort();
    signal.addEventListener("abort", stop, { once: true });
    const silenceMs = this.#o.silenceMs ?? DEFAULT_SILENCE_MS;
    let silent = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        silent = true;
        ac.abort();
      }, silenceMs);
    };
    arm();
    try {
      const it = this.#o.watch(this.#rv, ac.signal)[Symbol.asyncIterator]();
      while (true) {
        // the abort must end a stream that never yields again
        const aborted = new Promise<IteratorResult<WatchEvent>>((resolve) => {
          if (ac.signal.aborted) resolve({ done: true, value: undefined });
          ac.signal.addEventListener("abort", () => resolve({ done: true, value: undefined }), {
            once: true,
          });
        });
        const r = await Promise.race([it.next(), aborted]);
        if (r.done) break;
        arm();
        const e = r.value;
        if (e.type === "ERROR") {
          return e.object.code === 410 ? "expired" : "error";
        }
        const rv = e.object.metadata?.resourceVersion;
        if (rv) this.#rv = rv;
        if (e.type !== "BOOKMARK") this.#o.onChange(e);
      }
      if (signal.aborted) return undefined;
      return silent ? "silence" : "closed";
    } catch (e) {
      if (signal.aborted) return undefined;
      if (silent) return "silence";
      throw e;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      ac.abort();
    }
  }
}

/** A watch over the API server (newline-delimited JSON events). */
export function kubeWatch(client: KubeClient, path: string, timeoutSeconds = 300): OpenWatch {
  return async function* (resourceVersion, signal) {
    const q = new URLSearchParams({
      watch: "1",
      allowWatchBookmarks: "true",
      timeoutSeconds: String(timeoutSeconds),
    });
    if (resourceVersion) q.set("resourceVersion", resourceVersion);
    const res = await client.stream(`${path}?${q}`, signal);
    let buf = "";
    for await (const chunk of res.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line) yield JSON.parse(line) as WatchEvent;
      }
    }
  };
}
