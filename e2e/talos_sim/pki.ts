/**
 * PKI for the Talos API simulator (test-only): an Ed25519 OS CA made with the project's own generator
 * (compiler/talos/x509.ts), apid's server certificate issued from it (spec/talos.md §4.1: same key
 * algorithm as the CA, CN = node name, SANs = loopback IPs + `localhost` + node names), and admin
 * client certificates / talosconfigs from compiler/talos/talosconfig.ts.
 */
import * as ed from "@noble/ed25519";
import {
  base64,
  bitString,
  bytesToBigint,
  explicit,
  integer,
  oid,
  pem,
  seq,
  set,
  time,
  tlv,
} from "../../compiler/talos/der.ts";
import { generateEd25519, OID } from "../../compiler/talos/keys.ts";
import { extension, selfSignedCA } from "../../compiler/talos/x509.ts";
import {
  caIdentity,
  ed25519Seed,
  issueAdminCertificate,
  renderTalosconfig,
} from "../../compiler/talos/talosconfig.ts";
import type { CertAndKey } from "../../compiler/talos/secrets.ts";

export const cryptoRandom = { bytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)) };

const fromB64 = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));

function pemDer(text: string): Uint8Array {
  const m = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/.exec(text)!;
  return Uint8Array.from(atob(m[1]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
}

/** An OS CA (base64 PEM cert + key), `O=talos`, Ed25519 — as `talosctl gen secrets` makes it. */
export async function makeOsCa(): Promise<CertAndKey> {
  const key = await generateEd25519(cryptoRandom);
  const crt = await selfSignedCA(key, { organization: ["talos"], now: new Date(), random: cryptoRandom });
  return { crt: base64(crt), key: base64(key.privateKeyPem) };
}

function ipBytes(ip: string): Uint8Array {
  if (ip.includes(":")) {
    // only "::1" is needed here
    const b = new Uint8Array(16);
    if (ip === "::1") b[15] = 1;
    return b;
  }
  return Uint8Array.from(ip.split(".").map(Number));
}

/** apid's server certificate: Ed25519, CN = node name, serverAuth, SANs; PEM cert + PKCS#8 key PEM. */
export async function issueServerCertificate(
  ca: CertAndKey,
  o: { commonName: string; dnsNames: string[]; ips: string[] },
): Promise<{ certPem: string; keyPem: string }> {
  const caDer = pemDer(fromB64(ca.crt));
  const caSeed = ed25519Seed(fromB64(ca.key));
  const { subject: issuer, ski } = caIdentity(caDer);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const notAfter = new Date(now.getTime() + 24 * 3600_000);
  const leaf = await generateEd25519(cryptoRandom);
  const subject = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, new TextEncoder().encode(o.commonName)))));
  const sans = seq(
    ...o.dnsNames.map((d) => tlv(0x82, new TextEncoder().encode(d))),
    ...o.ips.map((ip) => tlv(0x87, ipBytes(ip))),
  );
  const exts = [
    extension("2.5.29.15", true, bitString(Uint8Array.of(0x80), 7)),
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
    extension("2.5.29.17", false, sans),
  ];
  if (ski) exts.push(extension("2.5.29.35", false, seq(tlv(0x80, ski))));
  const sigAlg = seq(oid(OID.ed25519));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(bytesToBigint(cryptoRandom.bytes(16)) >> 1n),
    sigAlg,
    issuer,
    seq(time(now), time(notAfter)),
    subject,
    leaf.spki,
    explicit(3, seq(...exts)),
  );
  const sig = await ed.signAsync(tbs, caSeed);
  return {
    certPem: pem("CERTIFICATE", seq(tbs, sigAlg, bitString(sig))),
    keyPem: leaf.privateKeyPem.replaceAll("ED25519 PRIVATE KEY", "PRIVATE KEY"),
  };
}

/** An admin (or other-role) client certificate from `ca`, as base64 PEM (talosconfig form). */
export function issueClientCertificate(ca: CertAndKey, roles: string[] = ["os:admin"]): Promise<CertAndKey> {
  return issueAdminCertificate({ osCa: ca, now: new Date(Date.now() - 60_000), random: cryptoRandom, roles });
}

/** A talosconfig text (the compiler's writer) for `endpoints`, with the given client certificate. */
export function talosconfigText(
  o: { context: string; endpoints: string[]; nodes?: string[]; ca: CertAndKey; client: CertAndKey },
): string {
  return renderTalosconfig({
    context: o.context,
    endpoints: o.endpoints,
    ...(o.nodes ? { nodes: o.nodes } : {}),
    ca: o.ca.crt,
    crt: o.client.crt,
    key: o.client.key!,
  });
}
