import { assert, assertEquals, assertThrows } from "../../shared/testing/asserts.ts";
import { ManualClock } from "../../shared/clock.ts";
import { conductorLogger, memoryWriter } from "../../shared/logger.ts";
import { LeaderElector, MemoryLeaseStore } from "./leader_election.ts";

function pair(store = new MemoryLeaseStore(), clock = new ManualClock("2026-01-01T00:00:00Z")) {
  const events: string[] = [];
  const log = conductorLogger({ writer: memoryWriter() });
  const mk = (id: string) =>
    new LeaderElector({
      identity: id,
      store,
      clock,
      log,
      onStartedLeading: () => events.push(`${id}:start`),
      onStoppedLeading: () => events.push(`${id}:stop`),
    });
  return { a: mk("a"), b: mk("b"), store, clock, events };
}

Deno.test("the first candidate creates the lease and leads; the second follows", async () => {
  const { a, b, store, events } = pair();
  assertEquals(a.state, "unknown");
  await a.tick();
  await b.tick();
  assert(a.isLeader());
  assert(!b.isLeader());
  assertEquals(b.leader, "a");
  assertEquals(a.state, "leader");
  assertEquals(b.state, "follower");
  const spec = store.peek()!.spec;
  assertEquals(spec.holderIdentity, "a");
  assertEquals(spec.leaseDurationSeconds, 15);
  assertEquals(spec.leaseTransitions, 0);
  assertEquals(events, ["a:start"]);
});

Deno.test("a renewing leader keeps the lease; the follower never takes it", async () => {
  const { a, b, clock } = pair();
  await a.tick();
  for (let i = 0; i < 20; i++) {
    clock.advance(2_000);
    await a.tick();
    await b.tick();
    assert(a.isLeader() && !b.isLeader());
  }
});

Deno.test("fencing: the leader stops at the renew deadline, before the follower may take over", async () => {
  const { a, b, store, clock, events } = pair();
  await a.tick();
  await b.tick(); // b observes a's renewal now
  store.failWith = new Error("apiserver unreachable");
  for (let t = 2_000; t <= 16_000; t += 2_000) {
    clock.advance(2_000);
    await a.tick();
    if (t >= 10_000) assert(!a.isLeader(), `a must be fenced at +${t}ms`);
    else assert(a.isLeader(), `a is still leader at +${t}ms`);
    if (t === 12_000) {
      store.failWith = undefined;
      await b.tick();
      assert(!b.isLeader(), "b may not take the lease before the lease duration passed");
      store.failWith = new Error("apiserver unreachable");
    }
  }
  assertEquals(events, ["a:start", "a:stop"]);
  store.failWith = undefined;
  await b.tick(); // 16 s after b's observation: expired
  assert(b.isLeader());
  assertEquals(store.peek()!.spec.leaseTransitions, 1);
});

Deno.test("a paused leader is fenced by its own clock even before its next tick", async () => {
  const { a, clock, events } = pair();
  await a.tick();
  clock.advance(10_001);
  assert(!a.isLeader());
  a.checkFence();
  assertEquals(events, ["a:start", "a:stop"]);
});

Deno.test("expiry is measured from the follower's own observation, not server timestamps", async () => {
  const { a, b, clock } = pair();
  await a.tick();
  clock.advance(14_000); // a silent (paused) for 14 s, b has never looked
  await b.tick(); // first observation now
  assert(!b.isLeader());
  clock.advance(14_000);
  await b.tick();
  assert(!b.isLeader(), "only 14 s since b observed the record");
  clock.advance(1_000);
  await b.tick();
  assert(b.isLeader());
});

Deno.test("release on shutdown lets the follower take over at its next retry", async () => {
  const { a, b, store, clock, events } = pair();
  await a.tick();
  await b.tick();
  assert(await a.release());
  assertEquals(store.peek()!.spec.holderIdentity, "");
  clock.advance(2_000);
  await b.tick();
  assert(b.isLeader());
  assertEquals(events, ["a:start", "b:start"]);
  assertEquals(store.peek()!.spec.leaseTransitions, 1);
  assert(!(await a.release()), "a no longer holds it");
});

Deno.test("conflicting updates: only one of two simultaneous candidates wins", async () => {
  const { a, b } = pair();
  await Promise.all([a.tick(), b.tick()]);
  assertEquals([a.isLeader(), b.isLeader()].filter(Boolean).length, 1);
});

Deno.test("the renew deadline must be shorter than the lease duration", () => {
  assertThrows(
    () =>
      new LeaderElector({
        identity: "x",
        store: new MemoryLeaseStore(),
        clock: new ManualClock(0),
        log: conductorLogger({ writer: memoryWriter() }),
        renewDeadlineMs: 15_000,
      }),
    RangeError,
  );
});
