import type { Command } from "../command.ts";
import { NotAvailableError } from "../command.ts";

export const componentCommand: Command = {
  name: "component",
  summary: "RBACProfiles for third-party components (catalog, descriptor or --discover)",
  help: `Usage: compiler component (--component <name>... | --descriptor <file> | --discover) [flags]

Catalog mode renders RBACProfiles for the embedded catalog (cilium, cnpg, kueue, cert-manager,
local-path-provisioner); descriptor mode scaffolds from a component descriptor; --discover reads a
live cluster read-only and reports what it found.`,
  flags: [
    { name: "component", kind: "list", value: "<name>", help: "catalog entry" },
    { name: "descriptor", kind: "string", value: "<path>", help: "component descriptor file" },
    { name: "discover", kind: "bool", help: "discovery report mode" },
    { name: "output", kind: "string", value: "<path>", help: "directory or file (stdout when empty)" },
    {
      name: "namespace",
      kind: "string",
      value: "<ns>",
      help: "RBACProfile namespace (catalog) or namespace to scan (discover)",
    },
    {
      name: "target-clusters",
      kind: "string",
      value: "<a,b>",
      help: "comma list of target clusters (catalog)",
    },
    { name: "rbac-policy-ref", kind: "string", value: "<name>", help: "RBACPolicy name (catalog)" },
    { name: "kubeconfig", kind: "string", value: "<path>", help: "kubeconfig for --discover" },
  ],
  required: [],
  helpOnMissing: true,
  run() {
    return Promise.reject(
      new NotAvailableError("not part of this build yet (component is still to come); nothing was written"),
    );
  },
};
