/** The subcommand table, in the order the usage text lists them. */
import type { Command } from "./command.ts";
import { bootstrapCommand } from "./bootstrap/command.ts";
import { launchCommand } from "./launch/command.ts";
import { enableCommand } from "./enable/command.ts";
import { packbuildCommand } from "./packbuild/command.ts";
import { maintenanceCommand } from "./maintenance/command.ts";
import { componentCommand } from "./component/command.ts";

export const COMMANDS: readonly Command[] = [
  bootstrapCommand,
  launchCommand,
  enableCommand,
  packbuildCommand,
  maintenanceCommand,
  componentCommand,
];
