/**
 * One logger, two formats.
 *
 * - `jsonFormatter()` — the Conductor (conductor.md §2.8): one JSON object per line with `time`
 *   (RFC 3339 nano, UTC), `level`, `msg`, then the bound context `component`, `cluster`, `role`,
 *   `loop` (each only when set), then the event's fields sorted by key.
 * - `textFormatter({ program: "compiler", sub })` — the Compiler's human lines (compiler.md §2.4):
 *   `compiler <sub>: message`, `compiler <sub>: warning: message`; fields follow as ` key=value`.
 *
 * Secrets never reach the writer: a field whose key looks like secret material (`password`,
 * `token`, `secret`, `privateKey`, `*Key`, `credentials`, `authorization`, `kubeconfig` …) is
 * written as `[REDACTED]`, recursively, and so is any string value that carries a PEM private key
 * or an age secret key whatever its key. Errors are written as their message, never serialised.
 *
 * The writer is injectable (tests collect lines); the default writes to stdout (JSON) or stderr
 * (text) synchronously. Level filtering: `debug` < `info` < `warn` < `error`.
 */
import { type Clock, rfc3339Nano, systemClock } from "./clock.ts";
import { errorMessage, UsageError } from "./errors.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bound context fields with a fixed place in the JSON line. */
export interface LogContext {
  component?: string;
  cluster?: string;
  role?: string;
  loop?: string;
}

export type LogFields = Readonly<Record<string, unknown>>;

export interface LogRecord {
  time: Date;
  level: LogLevel;
  msg: string;
  context: Readonly<LogContext>;
  /** Event fields, already redacted. */
  fields: LogFields;
}

export type LogFormatter = (record: LogRecord) => string;
/** Receives one formatted line without its trailing newline. */
export type LogWriter = (line: string) => void;

export const REDACTED = "[REDACTED]";

const _RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const _CONTEXT_KEYS = ["component", "cluster", "role", "loop"] as const;
const _RESERVED = new Set<string>(["time", "level", "msg", ..._CONTEXT_KEYS]);

/** `LOG_LEVEL` / `--log-level` value → level; anything else is a UsageError naming it. */
export function parseLogLevel(value: string): LogLevel {
  const v = value.trim().toLowerCase();
  if (v === "warning") return "warn";
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new UsageError(`unknown log level ${JSON.stringify(value)}`, {
    hint: `one of ${LOG_LEVELS.join(", ")}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Redaction

const _SECRET_WORDS =
  /(secret|token|passw(or)?d|passphrase|credential|authorization|cookie|apikey|privatekey|accesskey|kubeconfig|talosconfig|^data$|^stringdata$)/;
const _SECRET_SUFFIX = /(key|keys|pem)$/;
/** Names of secret material, not the material: `signingKeyPath`, `secretRef`, `tokenId`, `keyFile`. */
const _SAFE_SUFFIX = /(path|ref|name|id|file|fingerprint|count|length|size|type)$/;
const _SECRET_VALUE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|AGE-SECRET-KEY-1[0-9A-Z]+/;
const _SECRET_SPANS =
  /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)|AGE-SECRET-KEY-1[0-9A-Z]+/g;

/** A message with any embedded private key or age secret key replaced by `[REDACTED]`. */
export function scrubText(text: string): string {
  return _SECRET_VALUE.test(text) ? text.replace(_SECRET_SPANS, REDACTED) : text;
}

/**
 * True when values under `key` must not be logged. Keys are compared lower-cased without
 * separators, so `private_key`, `privateKey` and `PRIVATE-KEY` all match. Keys naming secret
 * material rather than holding it (ending in `path`, `ref`, `name`, `id`, `file`, …) are logged.
 * `data`/`stringData` are redacted because a Secret's payload lives there.
 */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (k === "" || _SAFE_SUFFIX.test(k)) return false;
  return _SECRET_WORDS.test(k) || _SECRET_SUFFIX.test(k);
}

function _redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return _SECRET_VALUE.test(value) ? REDACTED : value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "boolean") return value;
  if (typeof value === "function" || typeof value === "symbol") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : rfc3339Nano(value);
  if (value instanceof Error) return errorMessage(value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (depth > 8) return "[…]";
  if (seen.has(value as object)) return "[circular]";
  seen.add(value as object);
  try {
    if (value instanceof Map) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of value) o[String(k)] = v;
      return _redact(o, depth, seen);
    }
    if (value instanceof Set) return _redact([...value], depth, seen);
    if (Array.isArray(value)) return value.map((v) => _redact(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort(_byteOrder)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      out[k] = isSecretKey(k) ? REDACTED : _redact(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value as object);
  }
}

/** Redacted, JSON-safe copy of event fields (keys sorted, `undefined` dropped). */
export function redactFields(fields: LogFields): Record<string, unknown> {
  return _redact(fields, 0, new WeakSet()) as Record<string, unknown>;
}

function _byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Formatters

/** JSON lines: `time`, `level`, `msg`, context, then sorted fields (reserved names get a `field.` prefix). */
export function jsonFormatter(): LogFormatter {
  return (r) => {
    const line: Record<string, unknown> = { time: rfc3339Nano(r.time), level: r.level, msg: r.msg };
    for (const k of _CONTEXT_KEYS) {
      const v = r.context[k];
      if (v !== undefined && v !== "") line[k] = v;
    }
    for (const [k, v] of Object.entries(r.fields)) {
      line[_RESERVED.has(k) ? `field.${k}` : k] = v;
    }
    return JSON.stringify(line);
  };
}

export interface TextFormatterOptions {
  /** First word of every line; default `compiler`. */
  program?: string;
  /** Subcommand, e.g. `bootstrap`; omitted → `compiler: message`. */
  sub?: string;
}

function _textValue(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s === "" || /[\s"=]/.test(s) ? JSON.stringify(s) : s;
}

/** Human lines: `compiler <sub>: msg`, `compiler <sub>: warning: msg`, `… debug: msg`; errors as plain. */
export function textFormatter(options: TextFormatterOptions = {}): LogFormatter {
  const program = options.program ?? "compiler";
  const head = options.sub ? `${program} ${options.sub}: ` : `${program}: `;
  return (r) => {
    const tag = r.level === "warn" ? "warning: " : r.level === "debug" ? "debug: " : "";
    const extras = Object.entries(r.fields).map(([k, v]) => ` ${k}=${_textValue(v)}`).join("");
    return `${head}${tag}${r.msg}${extras}`;
  };
}

// ---------------------------------------------------------------------------------------------
// Writers

function _fdWriter(file: { writeSync(p: Uint8Array): number }): LogWriter {
  const enc = new TextEncoder();
  return (line) => {
    let buf = enc.encode(`${line}\n`);
    while (buf.length > 0) {
      const n = file.writeSync(buf);
      buf = buf.subarray(n);
    }
  };
}

export const stdoutWriter: LogWriter = _fdWriter(Deno.stdout);
export const stderrWriter: LogWriter = _fdWriter(Deno.stderr);

/** Collects lines in memory (tests). */
export function memoryWriter(): LogWriter & { lines: string[] } {
  const lines: string[] = [];
  const w = ((line: string) => void lines.push(line)) as LogWriter & { lines: string[] };
  w.lines = lines;
  return w;
}

// ---------------------------------------------------------------------------------------------
// Logger

export interface LoggerOptions {
  formatter: LogFormatter;
  /** Default stdout. */
  writer?: LogWriter;
  /** Minimum level written; default `info`. */
  level?: LogLevel;
  /** Default the system clock. */
  clock?: Clock;
  context?: LogContext;
  /** Fields added to every record (redacted like event fields). */
  fields?: LogFields;
}

export class Logger {
  readonly level: LogLevel;
  readonly context: Readonly<LogContext>;
  readonly #formatter: LogFormatter;
  readonly #writer: LogWriter;
  readonly #clock: Clock;
  readonly #fields: LogFields;

  constructor(options: LoggerOptions) {
    this.level = options.level ?? "info";
    this.context = Object.freeze({ ...options.context });
    this.#formatter = options.formatter;
    this.#writer = options.writer ?? stdoutWriter;
    this.#clock = options.clock ?? systemClock;
    this.#fields = Object.freeze({ ...options.fields });
  }

  enabled(level: LogLevel): boolean {
    return _RANK[level] >= _RANK[this.level];
  }

  /** A logger with more context and/or bound fields (later values win). */
  with(more: LogContext & { fields?: LogFields; level?: LogLevel }): Logger {
    const { fields, level, ...ctx } = more;
    return new Logger({
      formatter: this.#formatter,
      writer: this.#writer,
      clock: this.#clock,
      level: level ?? this.level,
      context: { ...this.context, ...ctx },
      fields: { ...this.#fields, ...fields },
    });
  }

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    const record: LogRecord = {
      time: this.#clock.now(),
      level,
      msg: scrubText(msg),
      context: this.context,
      fields: redactFields({ ...this.#fields, ...fields }),
    };
    this.#writer(this.#formatter(record));
  }

  debug(msg: string, fields?: LogFields): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log("error", msg, fields);
  }
}

/** The Conductor's logger: JSON lines on stdout. */
export function conductorLogger(
  options: LogContext & { level?: LogLevel; writer?: LogWriter; clock?: Clock } = {},
): Logger {
  const { level, writer, clock, ...context } = options;
  return new Logger({
    formatter: jsonFormatter(),
    writer: writer ?? stdoutWriter,
    ...(level ? { level } : {}),
    ...(clock ? { clock } : {}),
    context,
  });
}

/** The Compiler's logger: human lines on stderr, `compiler <sub>: …`. */
export function compilerLogger(
  sub: string,
  options: { level?: LogLevel; writer?: LogWriter } = {},
): Logger {
  return new Logger({
    formatter: textFormatter({ program: "compiler", sub }),
    writer: options.writer ?? stderrWriter,
    ...(options.level ? { level: options.level } : {}),
  });
}

/** Discards everything (a default for library code whose caller passes no logger). */
export const nullLogger: Logger = new Logger({ formatter: () => "", writer: () => {}, level: "error" });
