import { type Command, KUBECONFIG_FLAG } from "../command.ts";
import { withCompileReport } from "../report/hook.ts";

export const launchCommand: Command = withCompileReport({
  name: "launch",
  summary: "write the CRD bundle (every Seam CustomResourceDefinition) to --output",
  help: `Usage: compiler launch --output <dir>

Writes <dir>/crds.yaml: every CustomResourceDefinition of the Seam platform (seam.ontai.dev,
guardian.ontai.dev and the Cluster API infrastructure-provider kinds), in a stable order, with the
same bytes on every run. Apply it before any other bundle:

  kubectl apply --server-side -f <dir>/crds.yaml

Nothing in <dir> changes unless the whole bundle was produced.`,
  flags: [
    { name: "output", kind: "string", value: "<dir>", help: "output directory (created if absent)" },
    { ...KUBECONFIG_FLAG, help: "accepted for compatibility and ignored: launch never reads a cluster" },
  ],
  required: ["output"],
  helpOnMissing: true,
  async run(flags, ctx) {
    const out = flags.strings.get("output")!;
    const { writeLaunchBundle } = await import("./launch.ts");
    const path = await writeLaunchBundle(out, ctx.cwd);
    ctx.stderr(`compiler launch: wrote ${path}\n`);
  },
});
