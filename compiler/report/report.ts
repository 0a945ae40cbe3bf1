/**
 * Compile reports (DECISIONS: "Every run can write a compile report (inputs' and outputs' digests,
 * tool version, command)"). `--report <path>` (else `$COMPILER_REPORT`) on a subcommand that writes
 * files makes it also write one deterministic JSON document:
 *
 *   { "apiVersion": "compiler.ontai.dev/report/v1", "tool": {name, version}, "subcommand",
 *     "argv" (canonical, secrets redacted), "inputs": [{path, sha256, size} | {path, credential}],
 *     "outputDir", "outputs": [{path, sha256, size, encrypted}], "extraOutputs", "encrypted",
 *     and "sourceDateEpoch" + "createdAt" only when SOURCE_DATE_EPOCH is set }
 *
 * No timestamps, absolute working directories or host names otherwise: the same run gives the same
 * bytes. Paths are as given on the command line (relative to the working directory); output paths
 * are relative to the output directory, sorted in byte order. Files that authenticate the compiler
 * (kubeconfig, talosconfig, age identity, private signing key) are listed as `credential: true`
 * without a digest.
 *
 * Placement: a report inside the output directory is written in the same atomic step as the
 * outputs (`writeTreeWithReport`); elsewhere it is written by its own `writeTreeAtomically` after
 * the outputs.
 */
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { writeTreeAtomically, type WriteTreeResult } from "../../shared/atomic_write.ts";
import { sha256Hex } from "../../shared/digest.ts";
import { InputError } from "../../shared/errors.ts";
import type { FlagSpec, ParsedFlags } from "../../shared/go_flags.ts";
import { SEAM_VERSION } from "../../shared/version.ts";
import { formatFromPath, isSopsEncrypted } from "../sops/mod.ts";

export const REPORT_API_VERSION = "compiler.ontai.dev/report/v1";
export const REPORT_ENV = "COMPILER_REPORT";
export const REDACTED = "<redacted>";

export const REPORT_FLAG: FlagSpec = {
  name: "report",
  kind: "string",
  value: "<path>",
  help:
    `also write a compile report (JSON: command, input and output digests) to <path> (else $${REPORT_ENV})`,
};

/** What a subcommand needs to know to write a report; undefined when no report was asked for. */
export interface ReportRequest {
  subcommand: string;
  /** Absolute path of the report file. */
  path: string;
  /** The path as given (flag or environment). */
  given: string;
  cwd: string;
  /** Canonical argv, secrets redacted. */
  argv: string[];
  /** SOURCE_DATE_EPOCH when set (the only time a report records). */
  sourceDateEpoch?: string | undefined;
}

export interface InputRef {
  /** As given, relative to the working directory or absolute. */
  path: string;
  /** Authenticates the compiler: recorded without a digest. */
  credential?: boolean;
}

export interface ReportInput {
  path: string;
  sha256?: string;
  size?: number;
  credential?: true;
  missing?: true;
}

export interface ReportOutput {
  path: string;
  sha256: string;
  size: number;
  encrypted: boolean;
}

export interface ReportContent {
  inputs: readonly InputRef[];
  /** Output directory (or file) as given; undefined for stdout-only runs. */
  outputDir?: string | undefined;
  /** Files relative to outputDir. */
  outputs: ReadonlyMap<string, string | Uint8Array>;
  /** Files written outside outputDir (path as given → content). */
  extraOutputs?: ReadonlyMap<string, string | Uint8Array>;
  /** Overrides the per-file detection (e.g. bootstrap knows whether key material is encrypted). */
  encrypted?: boolean;
}

/** Values that are secrets whatever the flag: age identities, PEM private keys. */
const SECRET_VALUE = /AGE-SECRET-KEY-|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * The command line as parsed, in flag-declaration order: `--name=value`, booleans as `--name` or
 * `--name=false`, list flags once per value, then positionals. Deterministic whatever the spelling
 * (`-x v`, `--x=v`) and order used; values of `secretFlags` (and secret-looking values) redacted.
 */
export function canonicalArgv(
  specs: readonly FlagSpec[],
  flags: ParsedFlags,
  secretFlags: readonly string[] = [],
): string[] {
  const secret = new Set(secretFlags);
  const show = (name: string, v: string) =>
    `--${name}=${secret.has(name) || SECRET_VALUE.test(v) ? REDACTED : v}`;
  const out: string[] = [];
  for (const s of specs) {
    if (s.kind === "bool") {
      const b = flags.bools.get(s.name);
      if (b === true) out.push(`--${s.name}`);
      else if (b === false) out.push(`--${s.name}=false`);
    } else if (s.kind === "list") {
      for (const v of flags.lists.get(s.name) ?? []) out.push(show(s.name, v));
    } else {
      const v = flags.strings.get(s.name);
      if (v !== undefined) out.push(show(s.name, v));
    }
  }
  if (flags.positionals.length > 0) {
    out.push("--", ...flags.positionals.map((p) => SECRET_VALUE.test(p) ? REDACTED : p));
  }
  return out;
}

export interface RequestContext {
  cwd: string;
  env(name: string): string | undefined;
}

/** The report request of a run: `--report`, else `$COMPILER_REPORT`, else none. */
export function reportRequest(
  subcommand: string,
  specs: readonly FlagSpec[],
  flags: ParsedFlags,
  ctx: RequestContext,
  secretFlags: readonly string[] = [],
): ReportRequest | undefined {
  const fromEnv = ctx.env(REPORT_ENV);
  const given = flags.strings.get(REPORT_FLAG.name) ?? (fromEnv?.trim() ? fromEnv.trim() : undefined);
  if (given === undefined) return undefined;
  const sde = ctx.env("SOURCE_DATE_EPOCH")?.trim();
  if (sde) epochInstant(sde); // an invalid value fails before anything is written
  return {
    subcommand,
    path: isAbsolute(given) ? resolve(given) : resolve(ctx.cwd, given),
    given,
    cwd: ctx.cwd,
    argv: canonicalArgv(specs, flags, secretFlags),
    sourceDateEpoch: sde ? sde : undefined,
  };
}

function bytesOf(c: string | Uint8Array): Uint8Array {
  return typeof c === "string" ? new TextEncoder().encode(c) : c;
}

/** Whether a file's content is SOPS-encrypted (by its name's SOPS format), or age-armored. */
export function isEncryptedFile(path: string, content: string | Uint8Array): boolean {
  const text = typeof content === "string" ? content : new TextDecoder().decode(content);
  if (text.startsWith("-----BEGIN AGE ENCRYPTED FILE-----") || text.startsWith("age-encryption.org/v1")) {
    return true;
  }
  try {
    const format = formatFromPath(path);
    if (format === "binary") return /"sops"\s*:/.test(text) && /"mac"\s*:/.test(text);
    return isSopsEncrypted(text, format);
  } catch {
    return false;
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalise(rel: string): string {
  return rel.split("/").filter((s) => s !== "" && s !== ".").join("/");
}

function describeOutputs(
  files: ReadonlyMap<string, string | Uint8Array>,
  relativePaths = true,
): ReportOutput[] {
  return [...files].map(([p, c]) => {
    const bytes = bytesOf(c);
    return {
      path: relativePaths ? normalise(p) : p,
      sha256: sha256Hex(bytes),
      size: bytes.length,
      encrypted: isEncryptedFile(p, bytes),
    };
  }).sort((a, b) => byteOrder(a.path, b.path));
}

/** Digests of the inputs (read now); credentials by path only; unreadable ones marked missing. */
export async function describeInputs(cwd: string, inputs: readonly InputRef[]): Promise<ReportInput[]> {
  const seen = new Set<string>();
  const out: ReportInput[] = [];
  for (const i of inputs) {
    if (seen.has(i.path)) continue;
    seen.add(i.path);
    if (i.credential) {
      out.push({ path: i.path, credential: true });
      continue;
    }
    try {
      const bytes = await Deno.readFile(isAbsolute(i.path) ? i.path : resolve(cwd, i.path));
      out.push({ path: i.path, sha256: sha256Hex(bytes), size: bytes.length });
    } catch {
      out.push({ path: i.path, missing: true });
    }
  }
  return out;
}

/** SOURCE_DATE_EPOCH as an RFC 3339 instant (seconds since the epoch, as reproducible-builds.org). */
function epochInstant(sde: string): string {
  if (!/^\d+$/.test(sde)) {
    throw new InputError(`SOURCE_DATE_EPOCH must be a non-negative integer, got ${JSON.stringify(sde)}`, {
      code: "SourceDateEpochInvalid",
    });
  }
  return new Date(Number(sde) * 1000).toISOString().replace(".000Z", "Z");
}

/** The report's JSON text (two-space indent, fixed key order, trailing newline). */
export async function renderReport(req: ReportRequest, content: ReportContent): Promise<string> {
  const outputs = describeOutputs(content.outputs);
  const extra = content.extraOutputs ? describeOutputs(content.extraOutputs, false) : [];
  const doc: Record<string, unknown> = {
    apiVersion: REPORT_API_VERSION,
    tool: { name: "compiler", version: SEAM_VERSION },
    subcommand: req.subcommand,
    argv: req.argv,
    inputs: await describeInputs(req.cwd, content.inputs),
    outputDir: content.outputDir ?? null,
    outputs,
  };
  if (extra.length > 0) doc.extraOutputs = extra;
  doc.encrypted = content.encrypted ?? [...outputs, ...extra].some((o) => o.encrypted);
  if (req.sourceDateEpoch !== undefined) {
    doc.sourceDateEpoch = req.sourceDateEpoch;
    doc.createdAt = epochInstant(req.sourceDateEpoch);
  }
  return JSON.stringify(doc, null, 2) + "\n";
}

/** The report's path relative to `outDir` when it lies inside it, else undefined. */
export function reportPathInside(outDir: string, reportPath: string): string | undefined {
  const rel = relative(resolve(outDir), resolve(reportPath));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

/** Writes the report file on its own (atomically, alone in its directory's write). */
export async function writeReportAlone(req: ReportRequest, text: string): Promise<void> {
  await writeTreeAtomically(dirname(req.path), new Map([[basename(req.path), text]]));
}

export interface WriteWithReportOptions {
  /** Inputs the run read. */
  inputs: readonly InputRef[];
  /** Output directory as given (recorded in the report); default: `outDir`. */
  outputDir?: string;
  extraOutputs?: ReadonlyMap<string, string | Uint8Array>;
  encrypted?: boolean;
}

/**
 * `writeTreeAtomically(outDir, files)` plus the compile report when `req` is set: in the same atomic
 * step when the report lies inside `outDir`, else written separately right after the outputs.
 * This is the helper a subcommand calls in place of `writeTreeAtomically` (packbuild: see the
 * report of this change).
 */
export async function writeTreeWithReport(
  outDir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
  req: ReportRequest | undefined,
  opts: WriteWithReportOptions,
): Promise<WriteTreeResult & { report?: string }> {
  if (!req) return await writeTreeAtomically(outDir, files);
  const inside = reportPathInside(outDir, req.path);
  if (inside !== undefined && [...files.keys()].some((k) => normalise(k) === inside)) {
    throw new InputError(`the compile report ${JSON.stringify(req.given)} would overwrite an output file`, {
      code: "ReportPathClash",
      hint: "choose another --report path",
    });
  }
  const text = await renderReport(req, {
    inputs: opts.inputs,
    outputDir: opts.outputDir ?? outDir,
    outputs: files,
    ...(opts.extraOutputs ? { extraOutputs: opts.extraOutputs } : {}),
    ...(opts.encrypted !== undefined ? { encrypted: opts.encrypted } : {}),
  });
  if (inside !== undefined) {
    const all = new Map(files);
    all.set(inside, text);
    const r = await writeTreeAtomically(outDir, all);
    const drop = (l: string[]) => l.filter((p) => p !== inside);
    return { ...r, written: drop(r.written), unchanged: drop(r.unchanged), report: req.path };
  }
  const r = await writeTreeAtomically(outDir, files);
  await writeReportAlone(req, text);
  return { ...r, report: req.path };
}
