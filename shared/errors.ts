/**
 * Errors are data: each carries a stable `code` and, where it is known, the place it happened.
 * CLI layers format them; nothing else prints them.
 */

export interface Position {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  /** Field path inside the document, e.g. `spec.nodes[2].role`. */
  path?: string | undefined;
}

export interface SeamErrorOptions extends Position {
  code?: string | undefined;
  cause?: unknown;
  /** What would have been valid, shown after the message. */
  hint?: string | undefined;
}

/** Base class: a user-facing failure whose message is already a sentence. */
export class SeamError extends Error {
  override name = "SeamError";
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, options: SeamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "Error";
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.path = options.path;
    this.hint = options.hint;
  }

  /** `file:line:column: path: message (hint)` — the one-line form every CLI prints. */
  describe(): string {
    return formatIssue(this);
  }
}

/** Bad input: a file or flag the user can fix. Exit code 1. */
export class InputError extends SeamError {
  override name = "InputError";
  constructor(message: string, options: SeamErrorOptions = {}) {
    super(message, { code: "InputError", ...options });
  }
}

/** A command-line usage mistake (unknown flag, bad flag value). Exit code 2. */
export class UsageError extends SeamError {
  override name = "UsageError";
  constructor(message: string, options: SeamErrorOptions = {}) {
    super(message, { code: "UsageError", ...options });
  }
}

/** Several input problems found in one pass; reported together. */
export class ValidationError extends SeamError {
  override name = "ValidationError";
  readonly issues: readonly SeamError[];
  constructor(issues: readonly SeamError[], options: SeamErrorOptions = {}) {
    super(
      issues.length === 1
        ? issues[0]!.describe()
        : `${issues.length} problems:\n${issues.map((i) => `  - ${i.describe()}`).join("\n")}`,
      { code: "ValidationError", ...options },
    );
    this.issues = issues;
  }
}

/** A rule of the system was broken (e.g. compile requested from the conductor). Exit code 2. */
export class InvariantViolation extends SeamError {
  override name = "InvariantViolation";
  constructor(message: string, options: SeamErrorOptions = {}) {
    super(message, { code: "InvariantViolation", ...options });
  }
}

/** Reading or writing the filesystem failed. */
export class IoError extends SeamError {
  override name = "IoError";
  constructor(message: string, options: SeamErrorOptions = {}) {
    super(message, { code: "IoError", ...options });
  }
}

export function formatIssue(issue: Position & { message: string; hint?: string | undefined }): string {
  let where = "";
  if (issue.file !== undefined) {
    where = issue.file;
    if (issue.line !== undefined) {
      where += `:${issue.line}`;
      if (issue.column !== undefined) where += `:${issue.column}`;
    }
    where += ": ";
  }
  const path = issue.path ? `${issue.path}: ` : "";
  const hint = issue.hint ? ` (${issue.hint})` : "";
  return `${where}${path}${issue.message}${hint}`;
}

/** Message of any thrown value, without stack traces. */
export function errorMessage(err: unknown): string {
  if (err instanceof SeamError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
