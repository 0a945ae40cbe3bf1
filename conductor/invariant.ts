/**
 * The InvariantViolation exit (conductor.md §2.2): one compact JSON line on stderr, exit code 2.
 * Kept free of imports so that it runs before any other initialisation.
 */

export const INVARIANT_EXIT_CODE = 2;

/** Go's RFC 3339 nano form: fractional seconds with trailing zeros trimmed, `Z` suffix. */
export function goRfc3339Nano(date: Date): string {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.120Z
  const [head, frac = "000Z"] = iso.split(".");
  const digits = frac.slice(0, -1).replace(/0+$/, "");
  return digits === "" ? `${head}Z` : `${head}.${digits}Z`;
}

export function invariantLine(reason: string, now: Date): string {
  // Field order is part of the contract: category, reason, timestamp.
  return JSON.stringify({ category: "InvariantViolation", reason, timestamp: goRfc3339Nano(now) });
}

export function exitInvariant(reason: string): never {
  const line = invariantLine(reason, new Date()) + "\n";
  Deno.stderr.writeSync(new TextEncoder().encode(line));
  Deno.exit(INVARIANT_EXIT_CODE);
}

export const COMPILE_REFUSED =
  "INV-023: compile mode is not supported by the Conductor binary; use the Compiler binary (compiler packbuild / bootstrap / enable)";

/** True when argv or the environment asks this binary to compile, in any of its spellings. */
export function asksForCompile(args: readonly string[], env: (name: string) => string | undefined): boolean {
  if (args[0] === "compile") return true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^--?compile(=(true|1|t|True|TRUE))?$/.test(a)) return true;
    if (/^--?mode=compile$/.test(a)) return true;
    if (/^--?mode$/.test(a) && args[i + 1] === "compile") return true;
  }
  return env("CONDUCTOR_MODE") === "compile";
}

export const ROLES = ["management", "tenant"] as const;
export type Role = typeof ROLES[number];

/** The role gate of conductor.md §2.3: the reason for refusing, or the role. */
export function checkRole(value: string | undefined): { role: Role } | { reason: string } {
  if (value === undefined || value === "") {
    return { reason: "CONDUCTOR_ROLE must be management or tenant; CONDUCTOR_ROLE is not set" };
  }
  if ((ROLES as readonly string[]).includes(value)) return { role: value as Role };
  return { reason: `CONDUCTOR_ROLE must be management or tenant; got ${JSON.stringify(value)}` };
}
