import type { Command } from "../command.ts";
import { NotAvailableError } from "../command.ts";

export const packbuildCommand: Command = {
  name: "packbuild",
  summary: "render a pack (Helm / Kustomize / raw), push three OCI layers, emit the PackDelivery CR",
  help: `Usage: compiler packbuild --input <pack.yaml> --output <dir>

Renders the pack's sources, splits the objects into RBAC, cluster-scoped and workload layers, pushes
each layer to the OCI registry and writes <dir>/<name>.yaml, the PackDelivery CR.`,
  flags: [
    { name: "input", kind: "string", value: "<path>", help: "PackBuildInput YAML file" },
    { name: "output", kind: "string", value: "<dir>", help: "output directory" },
    { name: "plain-http", kind: "bool", help: "talk to the registry over plain HTTP" },
  ],
  required: ["input", "output"],
  helpOnMissing: false,
  run() {
    return Promise.reject(
      new NotAvailableError("not part of this build yet (packbuild is still to come); nothing was written"),
    );
  },
};
