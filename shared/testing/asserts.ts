/**
 * The handful of assertions the tests use. JSR (and so `@std/assert`) cannot be reached from the
 * machines this project is built on; `node:assert` supplies the comparison logic.
 */
import { AssertionError, deepStrictEqual } from "node:assert";

export { AssertionError };

export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError({ message: msg });
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  deepStrictEqual(actual, expected, msg);
}

export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  let equal = true;
  try {
    deepStrictEqual(actual, expected);
  } catch {
    equal = false;
  }
  if (equal) {
    throw new AssertionError({ message: msg ?? `expected values to differ: ${Deno.inspect(actual)}` });
  }
}

export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError({
      message: msg ?? `expected string to include ${JSON.stringify(expected)}, got:\n${actual}`,
    });
  }
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError({ message: msg ?? `expected ${JSON.stringify(actual)} to match ${re}` });
  }
}

type Ctor<E> = abstract new (...args: never[]) => E;

function _check<E extends Error>(err: unknown, cls: Ctor<E> | undefined, includes: string | undefined): E {
  if (cls && !(err instanceof cls)) {
    throw new AssertionError({
      message: `expected error of class ${cls.name}, got ${err instanceof Error ? err.name : typeof err}: ${
        err instanceof Error ? err.message : String(err)
      }`,
    });
  }
  if (includes !== undefined && !(err instanceof Error && err.message.includes(includes))) {
    throw new AssertionError({
      message: `expected error message to include ${JSON.stringify(includes)}, got ${
        err instanceof Error ? JSON.stringify(err.message) : String(err)
      }`,
    });
  }
  return err as E;
}

export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  cls?: Ctor<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (err) {
    return _check(err, cls, includes);
  }
  throw new AssertionError({ message: "expected function to throw" });
}

export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  cls?: Ctor<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (err) {
    return _check(err, cls, includes);
  }
  throw new AssertionError({ message: "expected promise to reject" });
}
