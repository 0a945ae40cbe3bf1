// Sprig crypto functions (renderers.md §2.7) on node:crypto.

import * as nodeCrypto from "node:crypto";
import { Buffer } from "node:buffer";
import { GO_TYPE, GoStruct } from "../template/value.ts";
import type { RandomSource } from "./misc.ts";

export function genPrivateKey(typ: string): string {
  switch (typ) {
    case "":
    case "rsa": {
      const { privateKey } = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 4096 });
      return privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    }
    case "dsa": {
      const { privateKey } = nodeCrypto.generateKeyPairSync("dsa", {
        modulusLength: 2048,
        divisorLength: 256,
      });
      return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    }
    case "ecdsa": {
      const { privateKey } = nodeCrypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
      return privateKey.export({ type: "sec1", format: "pem" }).toString();
    }
    case "ed25519": {
      const { privateKey } = nodeCrypto.generateKeyPairSync("ed25519");
      return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    }
  }
  return "Unknown type " + typ;
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, "utf8").copy(key, 0, 0, 32);
  return key;
}

export function encryptAES(password: string, plaintext: string, rand: RandomSource): string {
  const key = aesKey(password);
  const content = Buffer.from(plaintext, "utf8");
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = Buffer.from(rand.bytes(16));
  const cipher = nodeCrypto.createCipheriv("aes-256-cbc", key, iv);
  cipher.setAutoPadding(false);
  const enc = Buffer.concat([cipher.update(padded), cipher.final()]);
  return Buffer.concat([iv, enc]).toString("base64");
}

export function decryptAES(password: string, crypt64: string): string {
  const key = aesKey(password);
  const crypt = Buffer.from(crypt64, "base64");
  if (crypt.length < 16) throw new Error("ciphertext too short");
  const iv = crypt.subarray(0, 16);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error("ciphertext is not a multiple of the block size");
  const decipher = nodeCrypto.createDecipheriv("aes-256-cbc", key, iv);
  decipher.setAutoPadding(false);
  const dec = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = dec[dec.length - 1] ?? 0;
  return dec.subarray(0, dec.length - pad).toString("utf8");
}

/** Master Password algorithm (v3) as used by Sprig's derivePassword. */
const TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: [
    "CvcvnoCvcvCvcv",
    "CvcvCvcvnoCvcv",
    "CvcvCvcvCvcvno",
    "CvccnoCvcvCvcv",
    "CvccCvcvnoCvcv",
    "CvccCvcvCvcvno",
    "CvcvnoCvccCvcv",
    "CvcvCvccnoCvcv",
    "CvcvCvccCvcvno",
    "CvcvnoCvcvCvcc",
    "CvcvCvcvnoCvcc",
    "CvcvCvcvCvccno",
    "CvccnoCvccCvcv",
    "CvccCvccnoCvcv",
    "CvccCvccCvcvno",
    "CvcvnoCvccCvcc",
    "CvcvCvccnoCvcc",
    "CvcvCvccCvccno",
    "CvccnoCvcvCvcc",
    "CvccCvcvnoCvcc",
    "CvccCvcvCvccno",
  ],
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};
const CHARS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

export function derivePassword(
  counter: number,
  passwordType: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const be32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  };
  const scope = "com.lyndir.masterpassword";
  const userBytes = Buffer.from(user, "utf8");
  const salt = Buffer.concat([Buffer.from(scope), be32(userBytes.length), userBytes]);
  const key = nodeCrypto.scryptSync(Buffer.from(password, "utf8"), salt, 64, {
    N: 32768,
    r: 8,
    p: 2,
    maxmem: 64 * 1024 * 1024,
  });
  const siteBytes = Buffer.from(site, "utf8");
  const seed = nodeCrypto.createHmac("sha256", key).update(
    Buffer.concat([Buffer.from(scope), be32(siteBytes.length), siteBytes, be32(counter)]),
  ).digest();
  const tpl = templates[seed[0]! % templates.length]!;
  let out = "";
  for (let i = 0; i < tpl.length; i++) {
    const chars = CHARS[tpl[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

/** Sprig's certificate object: fields Cert and Key (PEM). */
export class Certificate extends GoStruct {
  Cert: string;
  Key: string;
  constructor(cert: string, key: string) {
    super("sprig.certificate");
    Object.defineProperty(this, GO_TYPE, { value: "sprig.certificate", enumerable: false });
    this.Cert = cert;
    this.Key = key;
  }
}

export function buildCustomCert(b64cert: string, b64key: string): Certificate {
  const cert = Buffer.from(b64cert, "base64").toString("utf8");
  const key = Buffer.from(b64key, "base64").toString("utf8");
  if (!/-----BEGIN CERTIFICATE-----/.test(cert)) throw new Error("unable to decode base64 certificate");
  try {
    new nodeCrypto.X509Certificate(cert);
  } catch (e) {
    throw new Error(`error parsing certificate: ${(e as Error).message}`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new Error("unable to decode base64 private key");
  return new Certificate(cert, key);
}

// ---------------------------------------------------------------- X.509 (genCA, genSelfSignedCert, genSignedCert)

function derLen(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n >>= 8;
  }
  return [0x80 | out.length, ...out];
}
function tlv(tag: number, body: Uint8Array | number[]): Uint8Array {
  const b = body instanceof Uint8Array ? Array.from(body) : body;
  return new Uint8Array([tag, ...derLen(b.length), ...b]);
}
function cat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const seq = (...p: Uint8Array[]) => tlv(0x30, cat(...p));
const set = (...p: Uint8Array[]) => tlv(0x31, cat(...p));
function derInt(v: bigint): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let bytes = hex.match(/../g)!.map((h) => parseInt(h, 16));
  if (bytes[0]! & 0x80) bytes = [0, ...bytes];
  return tlv(0x02, bytes);
}
function oid(s: string): Uint8Array {
  const parts = s.split(".").map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    let v = p >>> 7;
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(...stack);
  }
  return tlv(0x06, out);
}
const utf8 = new TextEncoder();
function derString(s: string): Uint8Array {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s) ? tlv(0x13, utf8.encode(s)) : tlv(0x0c, utf8.encode(s));
}
function derTime(ms: number): Uint8Array {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const y = d.getUTCFullYear();
  const body = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${
    p(d.getUTCSeconds())
  }Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, utf8.encode(p(y % 100) + body));
  return tlv(0x18, utf8.encode(String(y).padStart(4, "0") + body));
}
const bitString = (b: Uint8Array, unused = 0) => tlv(0x03, [unused, ...b]);
const octet = (b: Uint8Array) => tlv(0x04, b);
const explicit = (n: number, b: Uint8Array) => tlv(0xa0 + n, b);
function ext(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), tlv(0x01, [0xff]), octet(value)) : seq(oid(id), octet(value));
}
function name(cn: string): Uint8Array {
  return cn === "" ? seq() : seq(set(seq(oid("2.5.4.3"), derString(cn))));
}
function keyUsage(bits: number[]): Uint8Array {
  let v = 0;
  for (const b of bits) v |= 1 << (7 - b);
  let unused = 0;
  while (unused < 8 && !(v & (1 << unused))) unused++;
  return bitString(new Uint8Array([v]), unused);
}
function ipBytes(ip: string): number[] | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip.split(".").map(Number);
  if (ip.includes(":")) {
    const [head, tail] = ip.split("::") as [string, string | undefined];
    const h = head ? head.split(":") : [];
    const t = tail !== undefined && tail ? tail.split(":") : [];
    const fill = tail !== undefined ? 8 - h.length - t.length : 0;
    const groups = [...h, ...Array(fill).fill("0"), ...t].map((g) => parseInt(g, 16));
    if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return undefined;
    return groups.flatMap((g) => [g >> 8, g & 0xff]);
  }
  return undefined;
}

function sigAlg(key: nodeCrypto.KeyObject): { alg: Uint8Array; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { alg: seq(oid("1.2.840.113549.1.1.11"), tlv(0x05, [])), hash: "sha256" };
    case "ec":
      return { alg: seq(oid("1.2.840.10045.4.3.2")), hash: "sha256" };
    case "ed25519":
      return { alg: seq(oid("1.3.101.112")), hash: null };
  }
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function keyPem(key: nodeCrypto.KeyObject): string {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return key.export({ type: "pkcs1", format: "pem" }).toString();
    case "ec":
      return key.export({ type: "sec1", format: "pem" }).toString();
    default:
      return key.export({ type: "pkcs8", format: "pem" }).toString();
  }
}

function parseKey(pemText: string): nodeCrypto.KeyObject {
  try {
    return nodeCrypto.createPrivateKey(pemText);
  } catch {
    throw new Error("error decoding provided private key");
  }
}

export interface CertEnv {
  now: () => number;
  rand: RandomSource;
}

function ski(pub: nodeCrypto.KeyObject): Uint8Array {
  const spki = new Uint8Array(pub.export({ type: "spki", format: "der" }) as Buffer);
  // SHA-1 of the subjectPublicKey BIT STRING contents: take the last TLV of the SPKI sequence
  let i = 1;
  i += (spki[i]! & 0x80) ? (spki[i]! & 0x7f) + 1 : 1; // skip outer length
  // skip AlgorithmIdentifier
  const algLenByte = spki[i + 1]!;
  const algLen = algLenByte & 0x80
    ? Number(`0x${Buffer.from(spki.slice(i + 2, i + 2 + (algLenByte & 0x7f))).toString("hex")}`) +
      (algLenByte & 0x7f)
    : algLenByte;
  i += 2 + algLen;
  // bit string
  const lb = spki[i + 1]!;
  const hdr = lb & 0x80 ? 2 + (lb & 0x7f) : 2;
  const content = spki.slice(i + hdr + 1);
  return new Uint8Array(nodeCrypto.createHash("sha1").update(content).digest());
}

function makeCert(
  env: CertEnv,
  cn: string,
  ips: unknown[],
  dns: unknown[],
  days: number,
  isCA: boolean,
  key: nodeCrypto.KeyObject,
  parent?: { cert: nodeCrypto.X509Certificate; key: nodeCrypto.KeyObject },
): Certificate {
  const pub = nodeCrypto.createPublicKey(key);
  const signer = parent?.key ?? key;
  const { alg, hash } = sigAlg(signer);
  const serialBytes = env.rand.bytes(16);
  serialBytes[0] = serialBytes[0]! & 0x7f;
  const serial = BigInt("0x" + Buffer.from(serialBytes).toString("hex"));
  const now = env.now();
  const exts: Uint8Array[] = [];
  exts.push(ext("2.5.29.15", true, keyUsage(isCA ? [0, 2, 5] : [0, 2])));
  exts.push(ext("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))));
  exts.push(ext("2.5.29.19", true, isCA ? seq(tlv(0x01, [0xff])) : seq()));
  if (isCA) exts.push(ext("2.5.29.14", false, octet(ski(pub))));
  if (parent) {
    const pski = ski(parent.cert.publicKey);
    exts.push(ext("2.5.29.35", false, seq(tlv(0x80, pski))));
  }
  const san: Uint8Array[] = [];
  for (const d of dns) if (typeof d === "string") san.push(tlv(0x82, utf8.encode(d)));
  for (const ip of ips) {
    if (typeof ip !== "string") continue;
    const b = ipBytes(ip);
    if (!b) throw new Error(`error parsing ip: ${ip}`);
    san.push(tlv(0x87, b));
  }
  if (san.length > 0) exts.push(ext("2.5.29.17", false, seq(...san)));
  const issuer = parent ? name(parent.cert.subject.replace(/^CN=/, "")) : name(cn);
  const tbs = seq(
    explicit(0, derInt(2n)),
    derInt(serial),
    alg,
    issuer,
    seq(derTime(now), derTime(now + days * 86400000)),
    name(cn),
    new Uint8Array(pub.export({ type: "spki", format: "der" }) as Buffer),
    explicit(3, seq(...exts)),
  );
  const sig = new Uint8Array(nodeCrypto.sign(hash, tbs, signer));
  const der = seq(tbs, alg, bitString(sig));
  return new Certificate(pem("CERTIFICATE", der), keyPem(key));
}

function rsa2048(): nodeCrypto.KeyObject {
  return nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
}

function caParts(ca: unknown): { cert: nodeCrypto.X509Certificate; key: nodeCrypto.KeyObject } {
  const c = ca as { Cert?: unknown; Key?: unknown };
  if (typeof c?.Cert !== "string" || typeof c?.Key !== "string") {
    throw new Error("error parsing CA certificate");
  }
  return { cert: new nodeCrypto.X509Certificate(c.Cert), key: parseKey(c.Key) };
}

export function genCA(env: CertEnv, cn: string, days: number, keyPemText?: string): Certificate {
  return makeCert(env, cn, [], [], days, true, keyPemText ? parseKey(keyPemText) : rsa2048());
}

export function genSelfSignedCert(
  env: CertEnv,
  cn: string,
  ips: unknown,
  dns: unknown,
  days: number,
  keyPemText?: string,
): Certificate {
  return makeCert(
    env,
    cn,
    (ips as unknown[]) ?? [],
    (dns as unknown[]) ?? [],
    days,
    false,
    keyPemText ? parseKey(keyPemText) : rsa2048(),
  );
}

export function genSignedCert(
  env: CertEnv,
  cn: string,
  ips: unknown,
  dns: unknown,
  days: number,
  ca: unknown,
  keyPemText?: string,
): Certificate {
  return makeCert(
    env,
    cn,
    (ips as unknown[]) ?? [],
    (dns as unknown[]) ?? [],
    days,
    false,
    keyPemText ? parseKey(keyPemText) : rsa2048(),
    caParts(ca),
  );
}
