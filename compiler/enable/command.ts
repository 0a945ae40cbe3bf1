import type { Command } from "../command.ts";
import { withCompileReport } from "../report/hook.ts";

export const enableCommand: Command = withCompileReport({
  name: "enable",
  summary: "the six-phase operator bundle for a management (or tenant) cluster",
  help: `Usage: compiler enable --output <dir> [--cluster-name <name>] [--cluster-role management|tenant]

Writes the phased operator deployment: 00-infrastructure-dependencies, 00a-namespaces,
(00b-capi-prerequisites with --capi), 01-guardian-bootstrap, 02-guardian-deploy, 03-platform-wrapper,
04-conductor and 05-post-bootstrap, each with a phase-meta.yaml whose data.applyOrder lists its files
in apply order. Apply 'compiler launch' (crds.yaml) first, then the phases in directory order:

  kubectl apply --server-side -f <dir>/<phase>/<file>   (for each file of applyOrder)

Operators: guardian, platform, dispatcher, seam, conductor. --cluster-role tenant writes only the
Conductor bundle (phases 00, 00a, (00b), 04, 05) and needs --cluster-name and
--management-signing-public-key. Every file has the same bytes on every run except
04-conductor/conductor-signing-key.yaml, which holds a fresh Ed25519 key unless
--signing-private-key is given. Nothing in <dir> changes unless the whole bundle was produced.

Key material: on management, 04-conductor/conductor-signing-key.yaml holds the private signing key.
It is SOPS/age-encrypted (stringData) for the recipients of --age-recipient (repeatable),
SOPS_AGE_RECIPIENTS or a .sops.yaml creation rule; without any, enable refuses (nothing is written)
unless --unencrypted is given, which writes it in plaintext with a warning. Apply the encrypted file
with 'sops -d <file> | kubectl apply -f -'. Re-running with the same --signing-private-key keeps an
encrypted file byte-identical when its plaintext is unchanged, provided it can be decrypted
(--age-identity, SOPS_AGE_KEY_FILE or SOPS_AGE_KEY); without an identity it is re-encrypted.
The tenant file holds only the management public key and is never encrypted.

Tenant bundles also hold management-side/ (conductor-remote-rbac.yaml and its phase-meta), to be
applied on the MANAGEMENT cluster, not on the tenant: the tenant Conductor's identity there
(ServiceAccount seam-tenant-<name>/conductor-<name>) with Roles in seam-system and seam-tenant-<name>.
Mint the tenant's ont-system/conductor-mgmt-kubeconfig Secret (key value) from that ServiceAccount
with a TokenRequest ('kubectl create token'); the file's header has the commands.`,
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
    {
      name: "age-recipient",
      kind: "list",
      value: "<age1...>",
      help: "age recipient to encrypt the signing key for",
    },
    {
      name: "age-identity",
      kind: "string",
      value: "<path>",
      help:
        "age identity file to decrypt an existing signing key file, so an unchanged one keeps its bytes (else SOPS_AGE_KEY_FILE / SOPS_AGE_KEY)",
    },
    {
      name: "unencrypted",
      kind: "bool",
      help: "write the signing private key in plaintext (prints a warning)",
    },
  ],
  required: ["output"],
  helpOnMissing: true,
  async run(flags, ctx) {
    const s = (n: string) => flags.strings.get(n);
    const { runEnable } = await import("./enable.ts");
    const result = await runEnable({
      output: s("output")!,
      version: s("version"),
      registry: s("registry"),
      capi: flags.bools.get("capi") ?? false,
      clusterName: s("cluster-name"),
      clusterRole: s("cluster-role"),
      dsnsIp: s("dsns-ip"),
      managementSigningPublicKey: s("management-signing-public-key"),
      signingPrivateKey: s("signing-private-key"),
      outputPublicKey: s("output-public-key"),
      ageRecipients: flags.lists.get("age-recipient") ?? [],
      ageIdentity: s("age-identity"),
      unencrypted: flags.bools.get("unencrypted") === true,
      env: ctx.env,
      warn: (m) => ctx.stderr(`compiler enable: warning: ${m}\n`),
    }, ctx.cwd);
    const key = result.signingKey === "encrypted"
      ? "signing key SOPS-encrypted"
      : result.signingKey === "plaintext"
      ? "signing key in PLAINTEXT"
      : "public key only";
    ctx.stderr(`compiler enable: wrote ${result.files.length} files to ${s("output")} (${key})\n`);
    if (result.publicKeyPath) {
      ctx.stdout(`management signing public key written to ${s("output-public-key")}\n`);
      ctx.stdout(
        `pass it as --management-signing-public-key=${
          s("output-public-key")
        } when running compiler enable --cluster-role tenant\n`,
      );
    }
  },
}, {
  inputFlags: ["management-signing-public-key"],
  credentialFlags: ["signing-private-key", "age-identity"],
  extraOutputFlags: ["output-public-key"],
});
