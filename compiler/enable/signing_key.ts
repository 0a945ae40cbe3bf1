/**
 * The Conductor signing key (compiler.md §5.8; conductor.md §5.1): Ed25519, private key as PKCS#8
 * PEM, public key as SPKI PEM. PEM and Ed25519 handling is shared/signing's (the conductor loads these
 * keys with it); what is enable's own is the input checking, which names a wrong key's algorithm.
 */
import { InputError } from "../../shared/errors.ts";
import {
  generateKeyPairPem,
  pemBlocks,
  privateKeyFromPkcs8,
  privateKeyPem,
  publicKeyFromSpki,
  publicKeyPem,
} from "../../shared/signing/keys.ts";

export { pemEncode as toPem } from "../../shared/signing/keys.ts";

export interface SigningKeyPair {
  privatePem: string;
  publicPem: string;
}

const _OID_NAMES: Record<string, string> = {
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.2.840.113549.1.1.1": "RSA",
  "1.2.840.113549.1.1.10": "RSA-PSS",
  "1.2.840.10045.2.1": "ECDSA",
  "1.2.840.10040.4.1": "DSA",
};

/** The first (well-formed) PEM block of `text`, or undefined. */
export function firstPemBlock(text: string): { label: string; der: Uint8Array<ArrayBuffer> } | undefined {
  const b = pemBlocks(text)[0];
  return b && { label: b.label, der: new Uint8Array(b.der) };
}

/** Reads a DER TLV header at `pos`; returns tag, content start and content length. */
function _tlv(der: Uint8Array, pos: number): { tag: number; start: number; len: number } {
  const tag = der[pos];
  let len = der[pos + 1];
  if (tag === undefined || len === undefined) throw new Error("truncated DER");
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (der[start + i] ?? 0);
    start += n;
  }
  if (start + len > der.length) throw new Error("truncated DER");
  return { tag, start, len };
}

function _oid(bytes: Uint8Array): string {
  const parts: number[] = [];
  const first = bytes[0] ?? 0;
  parts.push(Math.floor(first / 40), first % 40);
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = (v << 7) | (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

/** The algorithm name of a PKCS#8 (`PrivateKeyInfo`) or SPKI structure. */
export function keyAlgorithmOf(der: Uint8Array, kind: "pkcs8" | "spki"): string {
  const outer = _tlv(der, 0);
  if (outer.tag !== 0x30) throw new Error("not a DER SEQUENCE");
  let pos = outer.start;
  if (kind === "pkcs8") {
    const version = _tlv(der, pos);
    if (version.tag !== 0x02) throw new Error("missing PKCS#8 version");
    pos = version.start + version.len;
  }
  const algId = _tlv(der, pos);
  if (algId.tag !== 0x30) throw new Error("missing AlgorithmIdentifier");
  const oid = _tlv(der, algId.start);
  if (oid.tag !== 0x06) throw new Error("missing algorithm OID");
  const dotted = _oid(der.subarray(oid.start, oid.start + oid.len));
  return _OID_NAMES[dotted] ?? `unknown (OID ${dotted})`;
}

/** The PEM pair of a WebCrypto Ed25519 private key (PKCS#8 as WebCrypto exports it: RFC 8410 v1). */
async function _pair(privateKey: CryptoKey): Promise<SigningKeyPair> {
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
  const key = await privateKeyFromPkcs8(pkcs8);
  return { privatePem: privateKeyPem(pkcs8), publicPem: publicKeyPem(key.publicKey.spki) };
}

/** A fresh Ed25519 key pair. */
export async function generateSigningKey(): Promise<SigningKeyPair> {
  const { privatePem, publicPem } = await generateKeyPairPem();
  return { privatePem, publicPem };
}

/** Parses a PKCS#8 PEM Ed25519 private key (first PEM block); `source` names the file in errors. */
export async function signingKeyFromPem(text: string, source: string): Promise<SigningKeyPair> {
  const block = firstPemBlock(text);
  const fail = (msg: string, cause?: unknown) =>
    new InputError(`signing private key ${JSON.stringify(source)}: ${msg}`, {
      code: "SigningKeyInvalid",
      cause,
    });
  if (!block) throw fail("no PEM block found");
  let alg: string;
  try {
    alg = keyAlgorithmOf(block.der, "pkcs8");
  } catch (cause) {
    throw fail(`not a PKCS#8 private key (PEM type ${JSON.stringify(block.label)})`, cause);
  }
  if (alg !== "Ed25519") throw fail(`the key is ${alg}, want Ed25519`);
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("pkcs8", block.der, { name: "Ed25519" }, true, ["sign"]);
  } catch (cause) {
    throw fail("cannot parse the PKCS#8 Ed25519 key", cause);
  }
  return await _pair(key);
}

/** Checks that `text` holds at least one SPKI Ed25519 public key PEM; returns the text unchanged. */
export async function checkPublicKeyPem(text: string, source: string): Promise<string> {
  const fail = (msg: string, cause?: unknown) =>
    new InputError(`management signing public key ${JSON.stringify(source)}: ${msg}`, {
      code: "PublicKeyInvalid",
      cause,
    });
  const block = firstPemBlock(text);
  if (!block) throw fail("no PEM block found");
  let alg: string;
  try {
    alg = keyAlgorithmOf(block.der, "spki");
  } catch (cause) {
    throw fail(`not an SPKI public key (PEM type ${JSON.stringify(block.label)})`, cause);
  }
  if (alg !== "Ed25519") throw fail(`the key is ${alg}, want Ed25519`);
  try {
    await publicKeyFromSpki(block.der);
  } catch (cause) {
    throw fail("cannot parse the SPKI Ed25519 key", cause);
  }
  return text;
}
