import type { Command } from "../command.ts";
import { NotAvailableError } from "../command.ts";

export const maintenanceCommand: Command = {
  name: "maintenance",
  summary: "a MaintenanceBundle CR with scheduling context from the live cluster",
  help: `Usage: compiler maintenance --operation <op> --cluster <name> --output <dir>

Resolves the scheduling context (target nodes, the platform-leader node, the S3 configuration)
from the management cluster, read-only, and writes a MaintenanceBundle CR. Any failed gate writes
nothing. Operations: drain, upgrade, etcd-backup, machineconfig-rotation.`,
  flags: [
    {
      name: "operation",
      kind: "string",
      value: "<op>",
      help: "drain | upgrade | etcd-backup | machineconfig-rotation",
    },
    { name: "cluster", kind: "string", value: "<name>", help: "TalosCluster name" },
    { name: "output", kind: "string", value: "<dir>", help: "output directory" },
    { name: "targets", kind: "string", value: "<a,b>", help: "comma list of node names" },
    { name: "namespace", kind: "string", value: "<ns>", help: "CR namespace", default: "seam-system" },
    {
      name: "kubeconfig",
      kind: "string",
      value: "<path>",
      help: "kubeconfig (else $KUBECONFIG, else ~/.kube/config)",
    },
  ],
  required: ["operation", "cluster", "output"],
  helpOnMissing: false,
  run() {
    return Promise.reject(
      new NotAvailableError("not part of this build yet (maintenance is still to come); nothing was written"),
    );
  },
};
