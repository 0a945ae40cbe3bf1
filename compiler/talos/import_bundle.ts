/**
 * The secrets bundle of an existing cluster, taken back from one of its control-plane machine configs
 * (what `talosctl gen secrets --from-controlplane-config` does; compiler.md §3.6 "Extracted" column).
 * Nothing is generated: a config that lacks any item (a worker config has no CA keys) is an error
 * listing every missing item.
 */
import YAML from "yaml";
import { type CertAndKey, type SecretsBundle, SecretsBundleError, validateSecretsBundle } from "./secrets.ts";

type Raw = Record<string, unknown>;

function rec(v: unknown): Raw | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function pair(v: unknown): CertAndKey {
  const r = rec(v);
  return { crt: str(r?.crt), key: str(r?.key) };
}

/** The `version: v1alpha1` document of a (possibly multi-document) machine config, as plain data. */
export function v1alpha1Document(text: string): Raw {
  let docs: YAML.Document[];
  try {
    docs = YAML.parseAllDocuments(text) as YAML.Document[];
  } catch (e) {
    throw new SecretsBundleError([`parse machineconfig: ${e instanceof Error ? e.message : String(e)}`]);
  }
  if (!Array.isArray(docs)) docs = [];
  for (const d of docs) {
    if (d.errors.length > 0) {
      throw new SecretsBundleError([`parse machineconfig: ${d.errors[0]!.message.split("\n")[0]}`]);
    }
  }
  const values = docs.map((d) => rec(d.toJS())).filter((v): v is Raw => v !== undefined);
  const main = values.find((v) => v.version === "v1alpha1") ?? values[0];
  if (!main) throw new SecretsBundleError(["parse machineconfig: not a YAML mapping"]);
  return main;
}

/**
 * Bundle from an init/control-plane machine config. Throws SecretsBundleError whose issues name every
 * missing or unparsable item; the message says that an init/control-plane config is required.
 */
export function bundleFromMachineConfig(text: string): SecretsBundle {
  const doc = v1alpha1Document(text);
  const machine = rec(doc.machine) ?? {};
  const cluster = rec(doc.cluster) ?? {};
  const b: SecretsBundle = {
    cluster: { id: str(cluster.id), secret: str(cluster.secret) },
    secrets: { bootstrapToken: str(cluster.token) },
    trustdInfo: { token: str(machine.token) },
    certs: {
      etcd: pair(rec(cluster.etcd)?.ca),
      k8s: pair(cluster.ca),
      k8sAggregator: pair(cluster.aggregatorCA),
      k8sServiceAccount: { key: str(rec(cluster.serviceAccount)?.key) },
      os: pair(machine.ca),
    },
  };
  const secretbox = str(cluster.secretboxEncryptionSecret);
  const aescbc = str(cluster.aescbcEncryptionSecret);
  if (secretbox) b.secrets.secretboxEncryptionSecret = secretbox;
  if (aescbc) b.secrets.aescbcEncryptionSecret = aescbc;
  const issues = validateSecretsBundle(b);
  if (issues.length > 0) {
    throw new SecretsBundleError([
      ...issues,
      "the derived bundle is incomplete: an init or control-plane machine config is required (a worker config has no CA keys)",
    ]);
  }
  return b;
}

/** `cluster.controlPlane.endpoint` of a machine config; undefined when absent or empty. */
export function endpointOfMachineConfig(text: string): string | undefined {
  const doc = v1alpha1Document(text);
  const ep = str(rec(rec(doc.cluster)?.controlPlane)?.endpoint);
  return ep === "" ? undefined : ep;
}

/** `machine.install.disk` of a machine config; "" when absent. */
export function installDiskOfMachineConfig(text: string): string {
  const doc = v1alpha1Document(text);
  return str(rec(rec(doc.machine)?.install)?.disk);
}
