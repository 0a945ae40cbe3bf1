/**
 * The `--report` flag and its environment variable, without the report machinery: command tables
 * list the flag statically while report.ts (and the SOPS engine it needs) loads only when a
 * subcommand runs. report.ts keeps its own copies; compiler/startup_test.ts checks they agree.
 */
import type { FlagSpec } from "../../shared/go_flags.ts";

export const REPORT_ENV = "COMPILER_REPORT";

export const REPORT_FLAG: FlagSpec = {
  name: "report",
  kind: "string",
  value: "<path>",
  help:
    `also write a compile report (JSON: command, input and output digests) to <path> (else $${REPORT_ENV})`,
};
