/**
 * The Talos secrets bundle: types and the `secrets.yaml` form (`talosctl gen secrets`): lower-cased
 * Go field names, 4-space go-yaml, PEM material as standard base64 of the PEM bytes.
 */
import { type GNode, mapGet, parseYamlDocuments } from "./go_yaml_parse.ts";
import { emitDocument, type OutNode, stringNode } from "./go_yaml_emit.ts";

/** PEM certificate and key, each as base64 of the PEM text ("" when absent). */
export interface CertAndKey {
  crt: string;
  key: string;
}

export interface SecretsBundle {
  cluster: { id: string; secret: string };
  secrets: {
    bootstrapToken: string;
    aescbcEncryptionSecret?: string;
    secretboxEncryptionSecret?: string;
  };
  trustdInfo: { token: string };
  certs: {
    etcd: CertAndKey;
    k8s: CertAndKey;
    k8sAggregator: CertAndKey;
    k8sServiceAccount: { key: string };
    os: CertAndKey;
  };
}

export class SecretsBundleError extends Error {
  override name = "SecretsBundleError";
  constructor(readonly issues: string[]) {
    super(`invalid secrets bundle: ${issues.join("; ")}`);
  }
}

function str(n: GNode | undefined): string {
  return n && n.k === "scalar" && n.tag !== "null" ? n.value : "";
}

function certOf(n: GNode | undefined): CertAndKey {
  return { crt: str(n && mapGet(n, "crt")), key: str(n && mapGet(n, "key")) };
}

const TOKEN_RE = /^[0-9a-z]{6}\.[0-9a-z]{16}$/;

function decodesAsPem(b64: string, labels: string[]): boolean {
  try {
    const text = atob(b64);
    return labels.some((l) => text.includes(`-----BEGIN ${l}-----`) && text.includes(`-----END ${l}-----`));
  } catch {
    return false;
  }
}

/** Checks the bundle the way `gen config --with-secrets` does, gathering every issue. */
export function validateSecretsBundle(b: SecretsBundle): string[] {
  const issues: string[] = [];
  if (!b.cluster.id) issues.push("cluster.id is missing");
  if (!b.cluster.secret) issues.push("cluster.secret is missing");
  if (!b.secrets.bootstrapToken) issues.push("secrets.bootstraptoken is missing");
  else if (!TOKEN_RE.test(b.secrets.bootstrapToken)) issues.push("secrets.bootstraptoken is malformed");
  const enc = [b.secrets.aescbcEncryptionSecret, b.secrets.secretboxEncryptionSecret].filter((x) => x);
  if (enc.length !== 1) {
    issues.push("exactly one of secretboxencryptionsecret/aescbcencryptionsecret is required");
  }
  if (!b.trustdInfo.token) issues.push("trustdinfo.token is missing");
  const keyLabels = ["EC PRIVATE KEY", "ED25519 PRIVATE KEY", "RSA PRIVATE KEY", "PRIVATE KEY"];
  for (const name of ["etcd", "k8s", "k8sAggregator", "os"] as const) {
    const c = b.certs[name];
    if (!decodesAsPem(c.crt, ["CERTIFICATE"])) {
      issues.push(`certs.${name.toLowerCase()}.crt is not a PEM certificate`);
    }
    if (!decodesAsPem(c.key, keyLabels)) {
      issues.push(`certs.${name.toLowerCase()}.key is not a PEM private key`);
    }
  }
  if (!decodesAsPem(b.certs.k8sServiceAccount.key, keyLabels)) {
    issues.push("certs.k8sserviceaccount.key is not a PEM private key");
  }
  return issues;
}

/** Parses `secrets.yaml`; throws SecretsBundleError listing every problem. */
export function parseSecretsBundle(text: string): SecretsBundle {
  const docs = parseYamlDocuments(text);
  const root = docs[0];
  if (!root || root.k !== "map") throw new SecretsBundleError(["not a YAML mapping"]);
  const cluster = mapGet(root, "cluster"), secrets = mapGet(root, "secrets");
  const trustd = mapGet(root, "trustdinfo"), certs = mapGet(root, "certs");
  const b: SecretsBundle = {
    cluster: { id: str(cluster && mapGet(cluster, "id")), secret: str(cluster && mapGet(cluster, "secret")) },
    secrets: { bootstrapToken: str(secrets && mapGet(secrets, "bootstraptoken")) },
    trustdInfo: { token: str(trustd && mapGet(trustd, "token")) },
    certs: {
      etcd: certOf(certs && mapGet(certs, "etcd")),
      k8s: certOf(certs && mapGet(certs, "k8s")),
      k8sAggregator: certOf(certs && mapGet(certs, "k8saggregator")),
      k8sServiceAccount: { key: certOf(certs && mapGet(certs, "k8sserviceaccount")).key },
      os: certOf(certs && mapGet(certs, "os")),
    },
  };
  const aescbc = str(secrets && mapGet(secrets, "aescbcencryptionsecret"));
  const secretbox = str(secrets && mapGet(secrets, "secretboxencryptionsecret"));
  if (aescbc) b.secrets.aescbcEncryptionSecret = aescbc;
  if (secretbox) b.secrets.secretboxEncryptionSecret = secretbox;
  const issues = validateSecretsBundle(b);
  if (issues.length > 0) throw new SecretsBundleError(issues);
  return b;
}

function m(entries: Array<[string, OutNode]>): OutNode {
  return { k: "map", entries: entries.map(([k, v]) => [stringNode(k), v]) };
}

function ck(c: CertAndKey): OutNode {
  return m([["crt", stringNode(c.crt)], ["key", stringNode(c.key)]]);
}

/** Serialises the bundle exactly as talosctl writes `secrets.yaml`. */
export function serializeSecretsBundle(b: SecretsBundle): string {
  const secrets: Array<[string, OutNode]> = [["bootstraptoken", stringNode(b.secrets.bootstrapToken)]];
  if (b.secrets.aescbcEncryptionSecret) {
    secrets.push(["aescbcencryptionsecret", stringNode(b.secrets.aescbcEncryptionSecret)]);
  }
  if (b.secrets.secretboxEncryptionSecret) {
    secrets.push(["secretboxencryptionsecret", stringNode(b.secrets.secretboxEncryptionSecret)]);
  }
  return emitDocument(m([
    ["cluster", m([["id", stringNode(b.cluster.id)], ["secret", stringNode(b.cluster.secret)]])],
    ["secrets", m(secrets)],
    ["trustdinfo", m([["token", stringNode(b.trustdInfo.token)]])],
    [
      "certs",
      m([
        ["etcd", ck(b.certs.etcd)],
        ["k8s", ck(b.certs.k8s)],
        ["k8saggregator", ck(b.certs.k8sAggregator)],
        ["k8sserviceaccount", m([["key", stringNode(b.certs.k8sServiceAccount.key)]])],
        ["os", ck(b.certs.os)],
      ]),
    ],
  ]));
}
