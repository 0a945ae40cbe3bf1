import type { Command } from "../command.ts";
import { NotAvailableError } from "../command.ts";

export const enableCommand: Command = {
  name: "enable",
  summary: "the six-phase operator bundle for a management (or tenant) cluster",
  help: `Usage: compiler enable --output <dir> [--cluster-name <name>] [--cluster-role management|tenant]

Writes the phased operator deployment: 00-infrastructure-dependencies, 00a-namespaces,
(00b-capi-prerequisites with --capi), 01-guardian-bootstrap, 02-guardian-deploy, 03-platform-wrapper,
04-conductor and 05-post-bootstrap, each with a phase-meta.yaml.`,
  flags: [
    { name: "output", kind: "string", value: "<dir>", help: "output directory" },
    {
      name: "version",
      kind: "string",
      value: "<tag>",
      help: "image tag for all operator images",
      default: "dev",
    },
    {
      name: "registry",
      kind: "string",
      value: "<prefix>",
      help: "image prefix; image = <registry>/<operator>:<version>",
      default: "10.20.0.1:5000/ontai-dev",
    },
    { name: "capi", kind: "bool", help: "also emit phase 00b-capi-prerequisites" },
    { name: "kubeconfig", kind: "string", value: "<path>", help: "accepted and ignored" },
    {
      name: "cluster-name",
      kind: "string",
      value: "<name>",
      help: "cluster name stamped on the Conductor and its RBAC",
    },
    {
      name: "cluster-role",
      kind: "string",
      value: "<role>",
      help: "management or tenant",
      default: "management",
    },
    { name: "dsns-ip", kind: "string", value: "<ip>", help: "DSNS LoadBalancer IP" },
    {
      name: "management-signing-public-key",
      kind: "string",
      value: "<path>",
      help: "management public key PEM (required for tenant)",
    },
    {
      name: "signing-private-key",
      kind: "string",
      value: "<path>",
      help: "existing PKCS#8 Ed25519 private key (management only)",
    },
    {
      name: "output-public-key",
      kind: "string",
      value: "<path>",
      help: "where to write the management public key PEM",
    },
  ],
  required: ["output"],
  helpOnMissing: true,
  run() {
    return Promise.reject(
      new NotAvailableError(
        "not part of this build yet (the enable bundle is still to come); nothing was written",
      ),
    );
  },
};
