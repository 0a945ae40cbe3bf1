import type { Command } from "../command.ts";
import { REPORT_FLAG } from "../report/flag.ts";
import { SEEDED_EPOCH } from "./constants.ts";

export const bootstrapCommand: Command = {
  name: "bootstrap",
  summary: "Talos machine configs, PKI and the TalosCluster CR from a ClusterInput",
  help: `Usage: compiler bootstrap --input <cluster.yaml> --output <dir>

Turns a ClusterInput into one Secret per node holding its Talos machine config (Talos v1.9–v1.12),
the TalosCluster CR, the bootstrap sequence, the secrets bundle and an admin talosconfig.

Paths: mode bootstrap generates fresh PKI (or reuses --secrets); importExistingCluster takes the PKI
from machineConfigPaths[<init node>] (A), else from the live cluster's seam-mc-<name>-<init> Secret
(B, read-only: seam-tenant-<name>, then seam-system), else copies the talosconfig only (C).

Files in <dir>: seam-mc-<name>-<host>.yaml (one per node), seam-mc-<name>-talosconfig.yaml,
<name>.yaml (TalosCluster), bootstrap-sequence.yaml, <name>-secrets.yaml (reuse with --secrets),
<name>-talosconfig.yaml, and seam-tenant-namespace.yaml on import. Files holding key material are
SOPS/age-encrypted for the recipients of --age-recipient, SOPS_AGE_RECIPIENTS or a .sops.yaml
creation rule; without any, bootstrap refuses unless --unencrypted is given. An encrypted file whose
plaintext did not change is left untouched. --seed (with SOURCE_DATE_EPOCH, else ${SEEDED_EPOCH})
makes every plain file byte-identical across runs. --report <path> (or COMPILER_REPORT) also writes a
JSON compile report (inputs, outputs and their sha256, tool version, argv without secrets); inside
<dir> it is written in the same atomic step as the outputs.

Optional ClusterInput fields: patches, ciliumPrerequisites, registryMirrors, importExistingCluster,
machineConfigPaths.`,
  flags: [
    { name: "input", kind: "string", value: "<path>", help: "ClusterInput YAML file" },
    { name: "output", kind: "string", value: "<dir>", help: "output directory (created if absent)" },
    {
      name: "kubeconfig",
      kind: "string",
      value: "<path>",
      help: "kubeconfig for import via the Kubernetes API (else $KUBECONFIG, else ~/.kube/config)",
    },
    {
      name: "talosconfig",
      kind: "string",
      value: "<path>",
      help: "talosconfig for the import paths (else $TALOSCONFIG, else ~/.talos/config)",
    },
    {
      name: "secrets",
      kind: "string",
      value: "<path>",
      help: "existing secrets bundle to reuse (never regenerated when declared)",
    },
    {
      name: "age-recipient",
      kind: "list",
      value: "<age1...>",
      help: "age recipient to encrypt key material for",
    },
    {
      name: "age-identity",
      kind: "string",
      value: "<path>",
      help: "age identity file to decrypt --secrets (else SOPS_AGE_KEY_FILE / SOPS_AGE_KEY)",
    },
    { name: "unencrypted", kind: "bool", help: "write key material in plaintext (prints a warning)" },
    {
      name: "seed",
      kind: "string",
      value: "<text>",
      help: "seed for generated secrets, for reproducible output (else SOURCE_DATE_EPOCH)",
    },
    REPORT_FLAG,
  ],
  required: ["input", "output"],
  helpOnMissing: false,
  async run(flags, ctx) {
    const [{ runBootstrap }, { reportRequest }] = await Promise.all([
      import("./bootstrap.ts"),
      import("../report/report.ts"),
    ]);
    const result = await runBootstrap({
      input: flags.strings.get("input")!,
      output: flags.strings.get("output")!,
      cwd: ctx.cwd,
      env: ctx.env,
      kubeconfig: flags.strings.get("kubeconfig"),
      talosconfig: flags.strings.get("talosconfig"),
      secrets: flags.strings.get("secrets"),
      ageRecipients: flags.lists.get("age-recipient") ?? [],
      ageIdentity: flags.strings.get("age-identity"),
      unencrypted: flags.bools.get("unencrypted") === true,
      seed: flags.strings.get("seed"),
      // --seed derives every key: redacted in the report's argv.
      report: reportRequest("bootstrap", bootstrapCommand.flags, flags, ctx, ["seed"]),
      warn: (m) => ctx.stderr(`compiler bootstrap: warning: ${m}\n`),
    });
    ctx.stderr(
      `compiler bootstrap: path ${result.path}: ${result.files.length} files in ${
        flags.strings.get("output")
      } ` +
        `(${result.written.length} written, ${result.unchanged.length} unchanged; key material ${
          result.encrypted ? "SOPS-encrypted" : "in PLAINTEXT"
        })\n`,
    );
    if (result.report) ctx.stderr(`compiler bootstrap: compile report written to ${result.report}\n`);
  },
};
