/** The informer's watchdog with a fake watch stream (no cluster). */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { conductorLogger, memoryWriter } from "../../shared/logger.ts";
import { Informer, type OpenWatch, type WatchEvent } from "./informer.ts";
import { Metrics } from "./metrics.ts";

const log = conductorLogger({ writer: memoryWriter() });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function never(signal: AbortSignal): Promise<IteratorResult<WatchEvent>> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve({ done: true, value: undefined }))
  );
}

/** A stream that yields `events` (one per `everyMs`), then hangs without closing (a dead watch). */
function fakeWatch(events: WatchEvent[], everyMs = 5, opened: string[] = []): OpenWatch {
  return (rv, signal) => {
    opened.push(rv);
    let i = 0;
    return {
      [Symbol.asyncIterator]: () => ({
        async next() {
          if (i < events.length) {
            await wait(everyMs);
            return { done: false, value: events[i++]! };
          }
          return await never(signal);
        },
      }),
    };
  };
}

const ev = (type: WatchEvent["type"], rv: string): WatchEvent => ({
  type,
  object: { metadata: { resourceVersion: rv } },
});

function informer(watch: OpenWatch, silenceMs: number, metrics = new Metrics(), changes: unknown[] = []) {
  let lists = 0;
  const inf = new Informer({
    name: "PackDelivery",
    list: () => Promise.resolve({ items: [], metadata: { resourceVersion: String(100 + lists++) } }),
    watch,
    silenceMs,
    backoffMs: 5,
    onChange: (e) => changes.push(e?.type ?? "relist"),
    log,
    metrics,
  });
  return { inf, metrics, changes, lists: () => lists };
}

Deno.test("informer watchdog: a watch that goes silent is dropped and relisted", async () => {
  const opened: string[] = [];
  const t = informer(fakeWatch([ev("ADDED", "101")], 5, opened), 40);
  const ac = new AbortController();
  const run = t.inf.run(ac.signal);
  await wait(150);
  ac.abort();
  await run;
  assert(t.lists() >= 3, `lists=${t.lists()}`);
  assert(
    t.metrics.value("conductor_watchdog_relists_total", { informer: "PackDelivery", reason: "silence" }) >= 2,
  );
  assertEquals(opened[0], "100", "the first watch starts at the list's resourceVersion");
  assert(t.changes.includes("ADDED"));
});

Deno.test("informer: bookmarks keep a quiet watch alive and move the resourceVersion", async () => {
  const bookmarks = Array.from({ length: 30 }, (_, i) => ev("BOOKMARK", String(200 + i)));
  const t = informer(fakeWatch(bookmarks, 10), 60);
  const ac = new AbortController();
  const run = t.inf.run(ac.signal);
  await wait(200);
  ac.abort();
  await run;
  assertEquals(t.lists(), 1);
  assertEquals(
    t.metrics.value("conductor_watchdog_relists_total", { informer: "PackDelivery", reason: "silence" }),
    0,
  );
  assert(Number(t.inf.resourceVersion) >= 210, t.inf.resourceVersion);
  assertEquals(t.changes, ["relist"], "bookmarks are not changes");
});

Deno.test("informer: 410 Gone and a closed stream relist", async () => {
  let n = 0;
  const watch: OpenWatch = (_rv, signal) => {
    n++;
    const events = n === 1
      ? [{ type: "ERROR", object: { code: 410, message: "too old" } } as WatchEvent]
      : [];
    let i = 0;
    return {
      [Symbol.asyncIterator]: () => ({
        async next() {
          if (i < events.length) return { done: false, value: events[i++]! };
          if (n === 2) return { done: true, value: undefined }; // server closed
          return await never(signal);
        },
      }),
    };
  };
  const t = informer(watch, 10_000);
  const ac = new AbortController();
  const run = t.inf.run(ac.signal);
  await wait(50);
  ac.abort();
  await run;
  assertEquals(
    t.metrics.value("conductor_watchdog_relists_total", { informer: "PackDelivery", reason: "expired" }),
    1,
  );
  assertEquals(
    t.metrics.value("conductor_watchdog_relists_total", { informer: "PackDelivery", reason: "closed" }),
    1,
  );
  assertEquals(t.lists(), 3);
});
