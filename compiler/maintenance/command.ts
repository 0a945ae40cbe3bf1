import type { Command } from "../command.ts";
import { withCompileReport } from "../report/hook.ts";
import { splitCommaList } from "../../shared/go_flags.ts";

export const maintenanceCommand: Command = withCompileReport({
  name: "maintenance",
  summary: "a MaintenanceBundle CR with scheduling context from the live cluster",
  help: `Usage: compiler maintenance --operation <op> --cluster <name> --output <dir>

Resolves the scheduling context (target nodes, the platform-leader node, the S3 configuration)
from the management cluster, read-only, and writes a MaintenanceBundle CR. Any failed gate writes
nothing. Operations: drain, upgrade, etcd-backup, machineconfig-rotation.

Gates (in order; the first failure exits 1 and names the gate):
  leader-lease   Lease seam-system/platform-leader exists and has a holder
  leader-pod     the holder's Pod exists in seam-system and is scheduled (its node is recorded)
  s3-config      etcd-backup only: Secret seam-system/seam-etcd-backup-config exists
  target-nodes   every --targets node exists
The cluster is only read (get Lease, Pod, Secret, Node); the CR is written to <dir>/<cluster>-<op>.yaml.`,
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
  async run(flags, ctx) {
    const s = (n: string) => flags.strings.get(n);
    // maintenance always reads the cluster, so the Kubernetes client is loaded up front (connect
    // stays synchronous, as runMaintenance expects).
    const [{ loadKubeconfig }, { kubeMaintenanceCluster }, { runMaintenance }] = await Promise.all([
      import("../../shared/kubeconfig.ts"),
      import("./cluster.ts"),
      import("./maintenance.ts"),
    ]);
    const path = await runMaintenance(
      {
        operation: s("operation")!,
        cluster: s("cluster")!,
        output: s("output")!,
        targets: splitCommaList(s("targets")),
        namespace: s("namespace") ?? "seam-system",
      },
      ctx.cwd,
      () => {
        const kc = loadKubeconfig({ flag: s("kubeconfig"), env: (n) => ctx.env(n) });
        return kubeMaintenanceCluster(kc.kubeConfig);
      },
    );
    ctx.stderr(`compiler maintenance: wrote ${path}\n`);
  },
}, { credentialFlags: ["kubeconfig"] });
