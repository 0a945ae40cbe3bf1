/**
 * The admin talosconfig (spec/talos.md §2): a client certificate issued from the OS CA the way
 * `Bundle.GenerateTalosAPIClientCertificate` does it (Ed25519 key, subject `O=os:admin`, issuer = the
 * OS CA's subject, notBefore = now, notAfter = now + 8760 h, KeyUsage critical digitalSignature,
 * ExtKeyUsage clientAuth, AuthorityKeyIdentifier = the CA's SKI, random 128-bit serial), and the
 * talosconfig file around it (go-yaml, 4-space indent, one context named after the cluster).
 */
import * as ed from "@noble/ed25519";
import { base64, bitString, bytesToBigint, explicit, integer, oid, pem, seq, time, tlv } from "./der.ts";
import { type ByteSource, generateEd25519, OID } from "./keys.ts";
import type { CertAndKey } from "./secrets.ts";
import { extension, organizationName } from "./x509.ts";

export const TALOS_API_CLIENT_VALIDITY_HOURS = 8760;

export class TalosconfigError extends Error {
  override name = "TalosconfigError";
}

interface Tlv {
  tag: number;
  /** Offset of the first byte of the whole element. */
  start: number;
  /** Offset of the content. */
  body: number;
  /** Offset just after the element. */
  end: number;
}

function readTlv(b: Uint8Array, off: number): Tlv {
  const tag = b[off];
  let len = b[off + 1];
  if (tag === undefined || len === undefined) throw new TalosconfigError("truncated DER");
  let body = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[body + i] ?? 0);
    body += n;
  }
  if (body + len > b.length) throw new TalosconfigError("truncated DER");
  return { tag, start: off, body, end: body + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = t.body; off < t.end;) {
    const c = readTlv(b, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

function pemBody(text: string, labels: readonly string[]): Uint8Array {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m || !labels.includes(m[1]!)) {
    throw new TalosconfigError(`expected a PEM block of type ${labels.join(" or ")}`);
  }
  const bin = atob(m[2]!.replace(/\s+/g, ""));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function fromBase64Text(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    throw new TalosconfigError("not base64-encoded PEM");
  }
}

const OID_DER = (dotted: string) => oid(dotted).slice(2);

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Subject (DER) and SubjectKeyIdentifier of a CA certificate. */
export function caIdentity(certDer: Uint8Array): { subject: Uint8Array; ski: Uint8Array | undefined } {
  const cert = readTlv(certDer, 0);
  const tbs = children(certDer, cert)[0];
  if (!tbs) throw new TalosconfigError("malformed certificate");
  const parts = children(certDer, tbs);
  const offset = parts[0]?.tag === 0xa0 ? 1 : 0;
  const subject = parts[offset + 4];
  if (!subject) throw new TalosconfigError("malformed certificate");
  let ski: Uint8Array | undefined;
  const extWrap = parts.find((p) => p.tag === 0xa3);
  if (extWrap) {
    const exts = children(certDer, extWrap)[0];
    for (const ext of exts ? children(certDer, exts) : []) {
      const [id, ...rest] = children(certDer, ext);
      if (!id || !equalBytes(certDer.subarray(id.body, id.end), OID_DER("2.5.29.14"))) continue;
      const value = rest[rest.length - 1]!;
      const inner = readTlv(certDer, value.body);
      ski = certDer.slice(inner.body, inner.end);
    }
  }
  return { subject: certDer.slice(subject.start, subject.end), ski };
}

/** The 32-byte seed of an Ed25519 private key in PKCS#8 (Talos writes it as "ED25519 PRIVATE KEY"). */
export function ed25519Seed(keyPem: string): Uint8Array {
  const der = pemBody(keyPem, ["ED25519 PRIVATE KEY", "PRIVATE KEY"]);
  const top = readTlv(der, 0);
  const [, alg, key] = children(der, top);
  if (!alg || !key) throw new TalosconfigError("malformed PKCS#8 key");
  const algOid = children(der, alg)[0];
  if (!algOid || !equalBytes(der.subarray(algOid.body, algOid.end), OID_DER(OID.ed25519))) {
    throw new TalosconfigError(
      "the OS CA key is not Ed25519; only Ed25519 OS CAs (every Talos release since v0.8) are supported",
    );
  }
  const inner = readTlv(der, key.body);
  const seed = der.slice(inner.body, inner.end);
  if (seed.length !== 32) throw new TalosconfigError("malformed Ed25519 key");
  return seed;
}

export interface AdminCertificateOptions {
  /** The OS CA as in the secrets bundle (base64 of PEM cert and key). */
  osCa: CertAndKey;
  now: Date;
  random: ByteSource;
  /** Roles, each an `O=` value; default `["os:admin"]`. */
  roles?: readonly string[];
  validityHours?: number;
}

/** Issues a Talos API client certificate; returns base64 of the PEM certificate and key. */
export async function issueAdminCertificate(o: AdminCertificateOptions): Promise<CertAndKey> {
  if (!o.osCa.key) throw new TalosconfigError("the OS CA has no private key (a worker config?)");
  const caDer = pemBody(fromBase64Text(o.osCa.crt), ["CERTIFICATE"]);
  const caSeed = ed25519Seed(fromBase64Text(o.osCa.key));
  const { subject: issuer, ski } = caIdentity(caDer);
  const now = new Date(Math.floor(o.now.getTime() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + (o.validityHours ?? TALOS_API_CLIENT_VALIDITY_HOURS) * 3600_000);
  const serial = bytesToBigint(o.random.bytes(16));
  const leaf = await generateEd25519(o.random);
  const subject = organizationName(o.roles ?? ["os:admin"]);
  const exts = [
    extension("2.5.29.15", true, bitString(Uint8Array.of(0x80), 7)),
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))),
  ];
  if (ski) exts.push(extension("2.5.29.35", false, seq(tlv(0x80, ski))));
  const sigAlg = seq(oid(OID.ed25519));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    sigAlg,
    issuer,
    seq(time(now), time(notAfter)),
    subject,
    leaf.spki,
    explicit(3, seq(...exts)),
  );
  const sig = await ed.signAsync(tbs, caSeed);
  const certPem = pem("CERTIFICATE", seq(tbs, sigAlg, bitString(sig)));
  return { crt: base64(certPem), key: base64(leaf.privateKeyPem) };
}

export interface TalosconfigOptions {
  /** Context name (Talos' generator uses the cluster name). */
  context: string;
  endpoints: readonly string[];
  nodes?: readonly string[];
  /** base64 of the OS CA certificate PEM. */
  ca: string;
  /** base64 of the client certificate PEM and key PEM. */
  crt: string;
  key: string;
}

function goScalar(s: string): string {
  // Plain when go-yaml would emit it plain; the values here are names, IPs and base64.
  return /^[A-Za-z0-9][A-Za-z0-9._/+=:@-]*$/.test(s) && !/^(true|false|null|~|y|n|yes|no|on|off)$/i.test(s) &&
      !/^[-+]?([0-9]+|[0-9]*\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?$/.test(s)
    ? s
    : JSON.stringify(s);
}

/** The talosconfig file text (go-yaml v3 layout, 4-space indent, fields in Talos' struct order). */
export function renderTalosconfig(o: TalosconfigOptions): string {
  const list = (key: string, xs: readonly string[]) =>
    xs.length === 0
      ? [`        ${key}: []`]
      : [`        ${key}:`, ...xs.map((x) => `            - ${goScalar(x)}`)];
  const lines = [
    `context: ${goScalar(o.context)}`,
    "contexts:",
    `    ${goScalar(o.context)}:`,
    ...list("endpoints", o.endpoints),
    ...(o.nodes && o.nodes.length > 0 ? list("nodes", o.nodes) : []),
    `        ca: ${o.ca}`,
    `        crt: ${o.crt}`,
    `        key: ${o.key}`,
  ];
  return lines.join("\n") + "\n";
}

/** Admin certificate plus talosconfig text, in one call. */
export async function generateAdminTalosconfig(
  o: { clusterName: string; endpoints: readonly string[]; osCa: CertAndKey; now: Date; random: ByteSource },
): Promise<string> {
  const client = await issueAdminCertificate({ osCa: o.osCa, now: o.now, random: o.random });
  return renderTalosconfig({
    context: o.clusterName,
    endpoints: o.endpoints,
    ca: o.osCa.crt,
    crt: client.crt,
    key: client.key,
  });
}
