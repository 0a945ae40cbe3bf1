/**
 * Constants the bootstrap help text shows, kept apart from bootstrap.ts so that `compiler --help`
 * does not load the Talos engine. bootstrap.ts has its own copy; compiler/startup_test.ts checks
 * they agree.
 */

/** Instant used with `--seed` when SOURCE_DATE_EPOCH is not set (reproducible demos and fixtures). */
export const SEEDED_EPOCH = "2026-01-01T00:00:00Z";
