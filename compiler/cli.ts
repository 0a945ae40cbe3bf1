/**
 * The compiler's command line (compiler.md §2). It only ever produces manifests for review; it
 * never applies anything to a cluster.
 */
import { formatFlagHelp, parseGoFlags } from "../shared/go_flags.ts";
import { errorMessage, SeamError, UsageError, ValidationError } from "../shared/errors.ts";
import { SEAM_VERSION } from "../shared/version.ts";
import type { Command, CommandContext } from "./command.ts";
import { COMMANDS } from "./commands.ts";

export const DOMAIN_MESSAGE =
  "compiler domain: reserved for a future Sovereign Domain surface; not implemented in this release";

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), "domain".length) + 2;
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  rows.push(`  ${"domain".padEnd(width)}(reserved) future Sovereign Domain surface`);
  return `compiler turns declarations into Kubernetes YAML for review. It never applies anything to a
cluster: apply its output yourself, or let GitOps do it.

Usage: compiler <subcommand> [flags]

Subcommands:
${rows.join("\n")}

Run 'compiler <subcommand> -h' for the flags of one subcommand. 'compiler --version' prints the version.
`;
}

export function commandHelp(cmd: Command): string {
  return `${cmd.help.trimEnd()}\n\nFlags:\n${formatFlagHelp(cmd.flags)}\n`;
}

export async function runCompilerCli(args: readonly string[], ctx: CommandContext): Promise<number> {
  const sub = args[0];
  if (sub === undefined) {
    ctx.stderr(usage());
    return 2;
  }
  if (sub === "help" || sub === "-h" || sub === "--help" || sub === "-help") {
    ctx.stdout(usage());
    return 0;
  }
  if (sub === "version" || sub === "--version" || sub === "-version") {
    ctx.stdout(`compiler ${SEAM_VERSION}\n`);
    return 0;
  }
  if (sub === "domain") {
    ctx.stderr(DOMAIN_MESSAGE + "\n");
    return 1;
  }
  const cmd = COMMANDS.find((c) => c.name === sub);
  if (!cmd) {
    ctx.stderr(`compiler: unknown subcommand ${JSON.stringify(sub)}\n\n${usage()}`);
    return 2;
  }
  return await runCommand(cmd, args.slice(1), ctx);
}

export async function runCommand(
  cmd: Command,
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const prefix = `compiler ${cmd.name}`;
  let flags;
  try {
    flags = parseGoFlags(args, cmd.flags);
  } catch (err) {
    ctx.stderr(`${prefix}: ${errorMessage(err)}\n\n${commandHelp(cmd)}`);
    return 2;
  }
  if (flags.help) {
    ctx.stderr(commandHelp(cmd));
    return 0;
  }
  for (const name of cmd.required ?? []) {
    if (!flags.strings.has(name) && !(flags.lists.get(name)?.length)) {
      ctx.stderr(`${prefix}: --${name} is required\n${cmd.helpOnMissing ? "\n" + commandHelp(cmd) : ""}`);
      return 1;
    }
  }
  try {
    await cmd.run(flags, ctx);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.stderr(`${prefix}: ${err.describe()}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    if (err instanceof ValidationError) {
      ctx.stderr(`${prefix}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof SeamError || (err instanceof Error && err.name === "NotAvailableError")) {
      ctx.stderr(`${prefix}: ${errorMessage(err)}\n`);
      return 1;
    }
    // Not a user error: keep the stack for the bug report.
    ctx.stderr(
      `${prefix}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`,
    );
    return 1;
  }
}
