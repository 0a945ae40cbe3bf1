/**
 * Time as a parameter (DESIGN habit 4). Every generator, loop and result builder takes a `Clock`
 * instead of calling `new Date()`, so tests and reproducible builds pin "now".
 *
 * Timestamps leave the process in UTC only: `rfc3339` (seconds, the Kubernetes `metav1.Time`
 * form) and `rfc3339Nano` (Go's `time.RFC3339Nano`: fractional seconds with trailing zeros
 * trimmed, `Z` suffix), which the InvariantViolation line and the OperationResult use.
 */
import { InputError } from "./errors.ts";

export interface Clock {
  /** The current instant. Callers must not mutate the returned Date. */
  now(): Date;
}

/** Wall-clock time. The only place in `shared/` that reads the real clock. */
export const systemClock: Clock = Object.freeze({
  now: () => new Date(),
});

function _toDate(at: Date | string | number): Date {
  const d = at instanceof Date ? new Date(at.getTime()) : new Date(at);
  if (Number.isNaN(d.getTime())) {
    throw new InputError(`invalid instant ${JSON.stringify(String(at))}`, { code: "InvalidTime" });
  }
  return d;
}

/** A clock that always answers the same instant. */
export function fixedClock(at: Date | string | number): Clock {
  const ms = _toDate(at).getTime();
  return Object.freeze({ now: () => new Date(ms) });
}

/** A clock for tests that moves only when told to. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number) {
    this.#ms = _toDate(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves time forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
  set(at: Date | string | number): void {
    this.#ms = _toDate(at).getTime();
  }
}

/**
 * `SOURCE_DATE_EPOCH` (decimal seconds since the Unix epoch, reproducible-builds.org) pins the
 * clock; unset or empty means the system clock. Anything else is an InputError naming the value.
 */
export function clockFromSourceDateEpoch(value: string | undefined): Clock {
  if (value === undefined || value.trim() === "") return systemClock;
  const v = value.trim();
  if (!/^[0-9]{1,15}$/.test(v)) {
    throw new InputError(
      `SOURCE_DATE_EPOCH must be a whole number of seconds, got ${JSON.stringify(value)}`,
      {
        code: "InvalidSourceDateEpoch",
      },
    );
  }
  return fixedClock(Number(v) * 1000);
}

/** `2026-05-01T10:00:00Z`: UTC, whole seconds (Kubernetes `metav1.Time`). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Go `time.RFC3339Nano` in UTC: `2026-05-01T10:00:00.5Z`, `2026-05-01T10:00:00Z`. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, (_m, frac: string) => {
    const trimmed = frac.replace(/0+$/, "");
    return trimmed === "" ? "Z" : `.${trimmed}Z`;
  });
}
