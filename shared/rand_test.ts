import { assert, assertEquals, assertMatch, assertNotEquals, assertThrows } from "./testing/asserts.ts";
import { cryptoRandom, seededRandom, Xoshiro128StarStar } from "./rand.ts";

Deno.test("xoshiro128** matches the reference sequence for state [1,2,3,4]", () => {
  const r = new Xoshiro128StarStar([1, 2, 3, 4]);
  const got = Array.from({ length: 10 }, () => r.uint32());
  assertEquals(got, [
    11520,
    0,
    5927040,
    70819200,
    2031721883,
    1637235492,
    1287239034,
    3734860849,
    3729100597,
    4258142804,
  ]);
});

Deno.test("an all-zero state is never stuck at zero", () => {
  const r = new Xoshiro128StarStar([0, 0, 0, 0]);
  const vals = Array.from({ length: 8 }, () => r.uint32());
  assert(vals.some((v) => v !== 0));
});

Deno.test("seededRandom is deterministic per seed and differs across seeds", () => {
  assertEquals(seededRandom("seed-a").hex(32), seededRandom("seed-a").hex(32));
  assertNotEquals(seededRandom("seed-a").hex(32), seededRandom("seed-b").hex(32));
  // Pinned value: a change of algorithm or seeding must be deliberate (it changes outputs).
  assertEquals(seededRandom("x").hex(8), "0317677b6f21b6ad");
});

Deno.test("fork gives independent streams that do not depend on the parent's position", () => {
  const a = seededRandom("root");
  const b = seededRandom("root");
  b.uint32();
  b.uint32();
  assertEquals(a.fork("one").hex(16), b.fork("one").hex(16));
  assertNotEquals(a.fork("one").hex(16), a.fork("two").hex(16));
  assertEquals(a.fork("one").hex(16), seededRandom("root/one").hex(16));
});

Deno.test("int stays in range and covers it; rejects bad bounds", () => {
  const r = seededRandom("int");
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = r.int(7);
    assert(v >= 0 && v < 7 && Number.isInteger(v));
    seen.add(v);
  }
  assertEquals(seen.size, 7);
  assertEquals(r.int(1), 0);
  assertThrows(() => r.int(0), RangeError);
  assertThrows(() => r.int(1.5), RangeError);
});

Deno.test("float is in [0, 1); bytes has the requested length", () => {
  const r = seededRandom("float");
  for (let i = 0; i < 1000; i++) {
    const f = r.float();
    assert(f >= 0 && f < 1);
  }
  assertEquals(r.bytes(5).length, 5);
  assertEquals(r.bytes(0).length, 0);
  assertEquals(r.hex(3).length, 6);
});

Deno.test("uuid is a well-formed version 4 UUID and deterministic when seeded", () => {
  const u = seededRandom("uuid").uuid();
  assertMatch(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assertEquals(u, seededRandom("uuid").uuid());
  assertMatch(cryptoRandom().uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

Deno.test("cryptoRandom produces varying values", () => {
  const r = cryptoRandom();
  assertNotEquals(r.hex(16), r.hex(16));
  assertNotEquals(r.fork("x").hex(16), r.fork("x").hex(16));
});
