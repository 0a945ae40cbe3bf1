/** What every compiler subcommand provides: its flags, its help and its work. */
import type { FlagSpec, ParsedFlags } from "../shared/go_flags.ts";

export interface CommandContext {
  env(name: string): string | undefined;
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for the top-level usage. */
  summary: string;
  /** Help text without the flag list (which is appended from `flags`). */
  help: string;
  flags: readonly FlagSpec[];
  /** Required flags, checked in this order before `run` (`--<flag> is required`). */
  required?: readonly string[];
  /** Whether a missing required flag also prints the help text (launch, enable, component). */
  helpOnMissing?: boolean;
  run(flags: ParsedFlags, ctx: CommandContext): Promise<void>;
}

/** Raised by subcommands whose engine is not part of this build; exit 1 with the reason. */
export class NotAvailableError extends Error {
  override name = "NotAvailableError";
}

export const KUBECONFIG_FLAG: FlagSpec = {
  name: "kubeconfig",
  kind: "string",
  value: "<path>",
  help: "kubeconfig file (else $KUBECONFIG, else ~/.kube/config)",
};
