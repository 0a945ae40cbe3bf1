/**
 * Ed25519 keys for signing (conductor.md §5.1): a PKCS#8 PEM private key (the first PEM block) and
 * one or more SPKI PEM public keys (a key ring file may hold several `PUBLIC KEY` blocks: current
 * and previous during a rotation). Keys are identified by their fingerprint, the lowercase hex
 * SHA-256 of the SPKI DER (the `seam.ontai.dev/signing-key-id` annotation value).
 *
 * Signing and verification use WebCrypto Ed25519; where the runtime lacks it, `@noble/ed25519`
 * (DECISIONS.md). Both produce and accept the same RFC 8032 signatures.
 */
import * as ed from "@noble/ed25519";
import { InputError } from "../errors.ts";

/** DER prefixes of the only encodings Ed25519 has: PKCS#8 v1 (RFC 8410) and SPKI. */
const _PKCS8_PREFIX = Uint8Array.from([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);
const _SPKI_PREFIX = Uint8Array.from([
  0x30,
  0x2a,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x03,
  0x21,
  0x00,
]);

export type Backend = "webcrypto" | "noble";

export interface PublicKey {
  /** Lowercase hex SHA-256 of the SPKI DER. */
  readonly keyId: string;
  readonly spki: Uint8Array;
  /** The 32-byte public key. */
  readonly raw: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export interface PrivateKey {
  readonly publicKey: PublicKey;
  /** Key id of the public half. */
  readonly keyId: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

export class KeyError extends InputError {
  override name = "KeyError";
  constructor(message: string, options: { cause?: unknown; file?: string } = {}) {
    super(message, { code: "SigningKeyInvalid", ...options });
  }
}

let _webcrypto: Promise<boolean> | undefined;
/** True when this runtime's WebCrypto implements Ed25519 (probed once). */
export function webCryptoHasEd25519(): Promise<boolean> {
  _webcrypto ??= (async () => {
    try {
      await crypto.subtle.importKey("raw", new Uint8Array(32), { name: "Ed25519" }, false, ["verify"]);
      return true;
    } catch {
      return false;
    }
  })();
  return _webcrypto;
}

async function _backend(wanted?: Backend): Promise<Backend> {
  if (wanted) return wanted;
  return (await webCryptoHasEd25519()) ? "webcrypto" : "noble";
}

function _b(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Standard base64 with padding, strictly: no whitespace, canonical padding bits. Undefined when invalid. */
export function base64ToBytesStrict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    return undefined;
  }
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return bytesToBase64(out) === text ? out : undefined;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", _b(bytes))));
}

/** Every PEM block in `text`, in order. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const body = m[2]!.replace(/\s+/g, "");
    const der = base64ToBytesStrict(body);
    if (der) out.push({ label: m[1]!, der });
  }
  return out;
}

function _startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  return b.length >= prefix.length && prefix.every((x, i) => b[i] === x);
}

function _spkiOf(raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(_SPKI_PREFIX.length + 32);
  out.set(_SPKI_PREFIX);
  out.set(raw, _SPKI_PREFIX.length);
  return out;
}

/** A public key from its SPKI DER; `where` names the source in errors. */
export async function publicKeyFromSpki(
  spki: Uint8Array,
  where = "public key",
  backend?: Backend,
): Promise<PublicKey> {
  if (!(spki.length === 44 && _startsWith(spki, _SPKI_PREFIX))) {
    throw new KeyError(`${where} is not an Ed25519 SubjectPublicKeyInfo (${spki.length} bytes)`);
  }
  const raw = spki.slice(12);
  const keyId = await sha256Hex(spki);
  const be = await _backend(backend);
  let verify: PublicKey["verify"];
  if (be === "webcrypto") {
    const key = await crypto.subtle.importKey("spki", _b(spki), { name: "Ed25519" }, false, ["verify"]);
    verify = (m, s) => crypto.subtle.verify("Ed25519", key, _b(s), _b(m));
  } else {
    verify = async (m, s) => {
      try {
        return await ed.verifyAsync(s, m, raw);
      } catch {
        return false;
      }
    };
  }
  return {
    keyId,
    spki: spki.slice(),
    raw,
    verify: (m, s) => (s.length === 64 ? verify(m, s) : Promise.resolve(false)),
  };
}

/** A private key from its PKCS#8 DER. */
export async function privateKeyFromPkcs8(
  pkcs8: Uint8Array,
  where = "private key",
  backend?: Backend,
): Promise<PrivateKey> {
  if (!(pkcs8.length === 48 && _startsWith(pkcs8, _PKCS8_PREFIX))) {
    throw new KeyError(`${where} is not an Ed25519 PKCS#8 private key (${pkcs8.length} bytes)`);
  }
  const seed = pkcs8.slice(16);
  const publicKey = await publicKeyFromSpki(_spkiOf(await ed.getPublicKeyAsync(seed)), where, backend);
  const be = await _backend(backend);
  let sign: PrivateKey["sign"];
  if (be === "webcrypto") {
    const key = await crypto.subtle.importKey("pkcs8", _b(pkcs8), { name: "Ed25519" }, false, ["sign"]);
    sign = async (m) => new Uint8Array(await crypto.subtle.sign("Ed25519", key, _b(m)));
  } else {
    sign = (m) => ed.signAsync(m, seed);
  }
  return { publicKey, keyId: publicKey.keyId, sign };
}

/** The first PEM block of `text`, which must be a PKCS#8 Ed25519 key (conductor.md §5.1). */
export async function loadPrivateKeyPem(
  text: string,
  where = "private key",
  backend?: Backend,
): Promise<PrivateKey> {
  const first = pemBlocks(text)[0];
  if (!first) throw new KeyError(`${where}: no PEM block found`);
  if (first.label !== "PRIVATE KEY") {
    throw new KeyError(
      `${where}: PEM block is ${JSON.stringify(first.label)}, want "PRIVATE KEY" (PKCS#8 Ed25519)`,
    );
  }
  return await privateKeyFromPkcs8(first.der, where, backend);
}

/** Every `PUBLIC KEY` block of `text` (a key ring); at least one is required. */
export async function loadPublicKeysPem(
  text: string,
  where = "public key",
  backend?: Backend,
): Promise<PublicKey[]> {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) throw new KeyError(`${where}: no PEM block found`);
  const keys: PublicKey[] = [];
  for (const [i, b] of blocks.entries()) {
    if (b.label !== "PUBLIC KEY") {
      throw new KeyError(
        `${where}: PEM block ${i + 1} is ${JSON.stringify(b.label)}, want "PUBLIC KEY" (SPKI Ed25519)`,
      );
    }
    keys.push(await publicKeyFromSpki(b.der, `${where} (block ${i + 1})`, backend));
  }
  return keys;
}

/** A PEM block: `label`, then the base64 of `der` in lines of 64 characters. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = bytesToBase64(der).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function privateKeyPem(pkcs8: Uint8Array): string {
  return pemEncode("PRIVATE KEY", pkcs8);
}
export function publicKeyPem(spki: Uint8Array): string {
  return pemEncode("PUBLIC KEY", spki);
}

/** A fresh key pair as PEM texts (tests, `compiler enable` may use it too). */
export async function generateKeyPairPem(): Promise<
  { privatePem: string; publicPem: string; keyId: string }
> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(_PKCS8_PREFIX);
  pkcs8.set(seed, 16);
  const spki = _spkiOf(await ed.getPublicKeyAsync(seed));
  return { privatePem: privateKeyPem(pkcs8), publicPem: publicKeyPem(spki), keyId: await sha256Hex(spki) };
}
