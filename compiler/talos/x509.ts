/**
 * Self-signed certificate authorities with the profile of siderolabs/crypto
 * `NewSelfSignedCertificateAuthority` (spec/talos.md §1.2): v3, random 128-bit serial, notBefore = now,
 * notAfter = now + 87600 h, KeyUsage (critical) digitalSignature+keyCertSign, ExtKeyUsage
 * serverAuth+clientAuth, BasicConstraints (critical) CA:TRUE, random 20-byte SubjectKeyIdentifier.
 */
import {
  bitString,
  bool,
  bytesToBigint,
  directoryString,
  explicit,
  integer,
  octetString,
  oid,
  pem,
  seq,
  set,
  time,
} from "./der.ts";
import type { ByteSource, KeyPair } from "./keys.ts";

export const CA_VALIDITY_HOURS = 87600;

export interface CaOptions {
  /** Organization (O=) values; empty → empty subject. */
  organization: string[];
  now: Date;
  random: ByteSource;
}

/** A distinguished name of `O=` values only (the subjects Talos' CAs and client certificates use). */
export function organizationName(organization: readonly string[]): Uint8Array {
  return seq(...organization.map((o) => set(seq(oid("2.5.4.10"), directoryString(o)))));
}

/** An X.509 v3 Extension; `critical` is encoded only when true (DER omits the default FALSE). */
export function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octetString(value)) : seq(oid(id), octetString(value));
}

/** Builds and signs the CA certificate; returns its PEM. */
export async function selfSignedCA(key: KeyPair, o: CaOptions): Promise<string> {
  const serial = bytesToBigint(o.random.bytes(16));
  const notAfter = new Date(o.now.getTime() + CA_VALIDITY_HOURS * 3600_000);
  const subject = organizationName(o.organization);
  const ski = o.random.bytes(20);
  const extensions = seq(
    extension("2.5.29.15", true, bitString(Uint8Array.of(0x84), 2)),
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))),
    extension("2.5.29.19", true, seq(bool(true))),
    extension("2.5.29.14", false, octetString(ski)),
  );
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    key.signatureAlgorithm,
    subject,
    seq(time(o.now), time(notAfter)),
    subject,
    key.spki,
    explicit(3, extensions),
  );
  const sig = await key.sign(tbs);
  return pem("CERTIFICATE", seq(tbs, key.signatureAlgorithm, bitString(sig)));
}
