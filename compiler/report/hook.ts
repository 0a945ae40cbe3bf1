/**
 * The compile-report hook for subcommands that write their outputs themselves (launch, enable,
 * component, maintenance): `withCompileReport(command, spec)` adds `--report` and, when a report is
 * asked for, writes it after a successful run from what the output path then holds.
 *
 * Outputs are the regular files under the output directory (or the output file) after the run,
 * minus the report itself and staging leftovers; files an earlier run left there are listed too.
 * The report is written by its own atomic write after the outputs. A subcommand that wants the
 * exact output set and the report in the same atomic step calls `writeTreeWithReport` instead
 * (bootstrap does).
 *
 * report.ts (and the SOPS engine behind it) is loaded only when a report is asked for, so a
 * subcommand's start-up does not pay for it.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Command } from "../command.ts";
import { REPORT_ENV, REPORT_FLAG } from "./flag.ts";
import type { InputRef } from "./report.ts";

export interface ReportHookSpec {
  /** Flags naming input files (digested). */
  inputFlags?: readonly string[];
  /** Flags naming credential files (listed without digest). */
  credentialFlags?: readonly string[];
  /** Flags whose values are redacted in argv. */
  secretFlags?: readonly string[];
  /** Flag naming the output directory or file; default "output". */
  outputFlag?: string;
  /** Flags naming further files the run writes outside the output path. */
  extraOutputFlags?: readonly string[];
}

/** Staging and backup directories of shared/atomic_write.ts. */
const STAGING = /^\..+\.(tmp|old)-/;

async function walk(root: string, rel: string, skip: string | undefined, out: Map<string, Uint8Array>) {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(join(root, rel))) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    if (rel === "" && STAGING.test(e.name)) continue;
    const p = rel === "" ? e.name : `${rel}/${e.name}`;
    if (p === skip) continue;
    if (e.isDirectory) await walk(root, p, skip, out);
    else if (e.isFile) out.set(p, await Deno.readFile(join(root, p)));
  }
}

async function statOrNull(p: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(p);
  } catch {
    return null;
  }
}

/** `cmd` with `--report` (and `$COMPILER_REPORT`) support; behaviour without a report unchanged. */
export function withCompileReport(cmd: Command, spec: ReportHookSpec = {}): Command {
  const flags = cmd.flags.some((f) => f.name === REPORT_FLAG.name) ? cmd.flags : [...cmd.flags, REPORT_FLAG];
  return {
    ...cmd,
    flags,
    async run(parsed, ctx) {
      // Exactly the case in which reportRequest returns undefined: no report, nothing to load.
      if (parsed.strings.get(REPORT_FLAG.name) === undefined && !ctx.env(REPORT_ENV)?.trim()) {
        await cmd.run(parsed, ctx);
        return;
      }
      const { renderReport, reportPathInside, reportRequest, writeReportAlone } = await import("./report.ts");
      const req = reportRequest(cmd.name, flags, parsed, ctx, spec.secretFlags ?? []);
      await cmd.run(parsed, ctx);
      if (!req) return;
      const abs = (p: string) => isAbsolute(p) ? p : resolve(ctx.cwd, p);
      const inputs: InputRef[] = [];
      for (const f of spec.inputFlags ?? []) {
        const v = parsed.strings.get(f);
        if (v !== undefined) inputs.push({ path: v });
      }
      for (const f of spec.credentialFlags ?? []) {
        const v = parsed.strings.get(f);
        if (v !== undefined) inputs.push({ path: v, credential: true });
      }
      const outputs = new Map<string, Uint8Array>();
      const given = parsed.strings.get(spec.outputFlag ?? "output");
      let outputDir: string | undefined;
      if (given !== undefined) {
        const info = await statOrNull(abs(given));
        if (info?.isDirectory) {
          outputDir = given;
          await walk(abs(given), "", reportPathInside(abs(given), req.path), outputs);
        } else if (info?.isFile) {
          outputDir = dirname(given);
          outputs.set(abs(given).slice(abs(outputDir).length + 1), await Deno.readFile(abs(given)));
        }
      }
      const extraOutputs = new Map<string, Uint8Array>();
      for (const f of spec.extraOutputFlags ?? []) {
        const v = parsed.strings.get(f);
        if (v !== undefined && (await statOrNull(abs(v)))?.isFile) {
          extraOutputs.set(v, await Deno.readFile(abs(v)));
        }
      }
      const text = await renderReport(req, {
        inputs,
        outputDir,
        outputs,
        ...(extraOutputs.size > 0 ? { extraOutputs } : {}),
      });
      await writeReportAlone(req, text);
      ctx.stderr(`compiler ${cmd.name}: compile report written to ${req.given}\n`);
    },
  };
}
