import { assertEquals, assertThrows } from "./testing/asserts.ts";
import {
  clockFromSourceDateEpoch,
  fixedClock,
  ManualClock,
  rfc3339,
  rfc3339Nano,
  systemClock,
} from "./clock.ts";
import { InputError } from "./errors.ts";

Deno.test("fixedClock always answers the same instant, and copies", () => {
  const c = fixedClock("2026-05-01T10:00:00Z");
  const a = c.now();
  a.setUTCFullYear(1999);
  assertEquals(c.now().toISOString(), "2026-05-01T10:00:00.000Z");
});

Deno.test("fixedClock rejects an invalid instant with an InputError", () => {
  assertThrows(() => fixedClock("not a date"), InputError, "invalid instant");
});

Deno.test("ManualClock advances only when told to", () => {
  const c = new ManualClock(0);
  assertEquals(c.now().getTime(), 0);
  c.advance(1500);
  assertEquals(c.now().getTime(), 1500);
  c.set("2026-01-01T00:00:00Z");
  assertEquals(rfc3339(c.now()), "2026-01-01T00:00:00Z");
});

Deno.test("systemClock reads the real time", () => {
  const before = Date.now();
  const t = systemClock.now().getTime();
  assertEquals(t >= before && t <= Date.now(), true);
});

Deno.test("rfc3339 drops fractions; rfc3339Nano trims trailing zeros like Go", () => {
  assertEquals(rfc3339(new Date("2026-05-01T10:00:00.123Z")), "2026-05-01T10:00:00Z");
  assertEquals(rfc3339Nano(new Date("2026-05-01T10:00:00.000Z")), "2026-05-01T10:00:00Z");
  assertEquals(rfc3339Nano(new Date("2026-05-01T10:00:00.500Z")), "2026-05-01T10:00:00.5Z");
  assertEquals(rfc3339Nano(new Date("2026-05-01T10:00:00.120Z")), "2026-05-01T10:00:00.12Z");
  assertEquals(rfc3339Nano(new Date("2026-05-01T10:00:00.123Z")), "2026-05-01T10:00:00.123Z");
});

Deno.test("clockFromSourceDateEpoch pins time, falls back to the system clock, rejects garbage", () => {
  assertEquals(rfc3339(clockFromSourceDateEpoch("1700000000").now()), "2023-11-14T22:13:20Z");
  assertEquals(clockFromSourceDateEpoch(undefined), systemClock);
  assertEquals(clockFromSourceDateEpoch(" "), systemClock);
  assertThrows(() => clockFromSourceDateEpoch("-5"), InputError, '"-5"');
  assertThrows(() => clockFromSourceDateEpoch("1.5"), InputError, "SOURCE_DATE_EPOCH");
});
