import type { Command } from "../command.ts";
import { clockFromSourceDateEpoch } from "../../shared/clock.ts";
import { REPORT_FLAG } from "../report/flag.ts";

export const packbuildCommand: Command = {
  name: "packbuild",
  summary: "render a pack (Helm / Kustomize / raw), push three OCI layers, emit the PackDelivery CR",
  help: `Usage: compiler packbuild --input <pack.yaml> --output <dir> [--plain-http]

Renders the pack's source (helmSource, rawSource or kustomizeSource; category picks one), splits
the objects into RBAC, cluster-scoped and workload layers, pushes each layer to registryUrl under
the tags <version>-rbac, <version>-cluster-scoped (only when there are cluster-scoped objects) and
<version>-workload, and writes <dir>/<name>.yaml: the PackDelivery CR with the layer digests. An
input without a source block describes a pre-built pack: only the CR is written, nothing is pushed.

Registry credentials come from ~/.docker/config.json (auths; $DOCKER_CONFIG is honoured); Basic
and Bearer-token registries are supported, credential helpers are not. Registries at 10.*, 127.*
and localhost are reached over plain HTTP; --plain-http forces it for any other host.

Relative paths in the input file are relative to its directory. The same input gives the same
layer digests and the same CR bytes (set SOURCE_DATE_EPOCH to record a build time). --report
writes a compile report: the inputs read (input file, manifests, chart, values) with their
digests, the CR's digest, the compiler version and the command.`,
  flags: [
    { name: "input", kind: "string", value: "<path>", help: "PackBuildInput YAML file" },
    { name: "output", kind: "string", value: "<dir>", help: "output directory (created if absent)" },
    { name: "plain-http", kind: "bool", help: "talk to the registry over plain HTTP (no TLS)" },
    REPORT_FLAG,
  ],
  required: ["input", "output"],
  helpOnMissing: false,
  async run(flags, ctx) {
    const [{ reportRequest }, { runPackbuild, summaryLine }] = await Promise.all([
      import("../report/report.ts"),
      import("./packbuild.ts"),
    ]);
    const tty = Deno.stderr.isTerminal();
    const sde = ctx.env("SOURCE_DATE_EPOCH");
    const result = await runPackbuild({
      input: flags.strings.get("input")!,
      output: flags.strings.get("output")!,
      cwd: ctx.cwd,
      plainHttp: flags.bools.get("plain-http") ?? false,
      env: (n) => ctx.env(n),
      warn: (m) => ctx.stderr(`compiler packbuild: warning: ${m}\n`),
      progress: tty ? (m) => ctx.stderr(`compiler packbuild: ${m}\n`) : undefined,
      report: reportRequest("packbuild", packbuildCommand.flags, flags, ctx),
      clock: sde !== undefined && sde.trim() !== "" ? clockFromSourceDateEpoch(sde) : undefined,
    });
    ctx.stderr(`compiler packbuild: ${summaryLine(result)}\n`);
  },
};
