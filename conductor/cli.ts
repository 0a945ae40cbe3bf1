/**
 * The conductor's command line once the mode gate has passed (conductor.md §2.1, §2.4).
 *
 * No `shared/quiet_deprecations.ts` here: it exists for `@kubernetes/client-node`, which the
 * conductor never loads, and its `node:process` import alone costs the agent ~3 MiB of RSS.
 */
import { type FlagSpec, formatFlagHelp, parseGoFlags } from "../shared/go_flags.ts";
import { errorMessage, UsageError } from "../shared/errors.ts";
import { SEAM_VERSION } from "../shared/version.ts";
import type { Role } from "./invariant.ts";

export interface CliIo {
  env(name: string): string | undefined;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Exits with an InvariantViolation; never returns. */
  refuse(reason: string): never;
  checkRole(value: string | undefined): { role: Role } | { reason: string };
}

export const USAGE = `Usage: conductor <subcommand> [flags]

Subcommands:
  agent --cluster-ref <name>   long-lived cluster agent; role from CONDUCTOR_ROLE (management | tenant)
  execute                      run one capability as a Kueue Job; reads CAPABILITY, CLUSTER_REF and
                               POD_NAMESPACE from the environment (or the steps of a RunnerConfig)
  version                      print the version

Compile mode is not supported here: compiling belongs to the compiler binary.
`;

export const AGENT_FLAGS: FlagSpec[] = [
  { name: "cluster-ref", kind: "string", value: "<name>", help: "cluster identity (env CLUSTER_REF wins)" },
];

const AGENT_HELP = `Usage: conductor agent [--cluster-ref <name>]

Runs the cluster agent. The role comes only from the environment variable CONDUCTOR_ROLE
(management or tenant), stamped on the Deployment.

Flags:
${formatFlagHelp(AGENT_FLAGS)}
`;

export async function runConductorCli(args: readonly string[], io: CliIo): Promise<number> {
  const sub = args[0];
  switch (sub) {
    case undefined:
      io.stderr(USAGE);
      return 1;
    case "help":
    case "-h":
    case "--help":
      io.stdout(USAGE);
      return 0;
    case "version":
    case "--version":
    case "-version":
      io.stdout(`conductor ${SEAM_VERSION}\n`);
      return 0;
    case "agent":
      return await _agent(args.slice(1), io);
    case "execute": {
      const { runExecute } = await import("./execute/mod.ts");
      return await runExecute({ env: io.env, stderr: io.stderr, refuse: io.refuse });
    }
    default:
      io.stderr(`conductor: unknown subcommand ${JSON.stringify(sub)}\n${USAGE}`);
      return 1;
  }
}

async function _agent(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes("-h") || args.includes("--help") || args.includes("-help")) {
    io.stderr(AGENT_HELP);
    return 0;
  }
  const gate = io.checkRole(io.env("CONDUCTOR_ROLE"));
  if ("reason" in gate) io.refuse(gate.reason);
  let clusterRef: string | undefined;
  try {
    const flags = parseGoFlags(args, AGENT_FLAGS);
    clusterRef = io.env("CLUSTER_REF") || flags.strings.get("cluster-ref");
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`conductor agent: ${err.message}\n${AGENT_HELP}`);
      return 2;
    }
    throw err;
  }
  if (!clusterRef) {
    io.stderr(
      "conductor agent: a cluster ref is required: set the environment variable CLUSTER_REF or pass --cluster-ref <name>\n",
    );
    return 1;
  }
  const { runAgent } = await import("./agent/mod.ts");
  try {
    return await runAgent({ role: gate.role, clusterRef, env: io.env });
  } catch (err) {
    io.stderr(`conductor agent: ${errorMessage(err)}\n`);
    return 1;
  }
}
