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
      const { privateKey } = nodeCrypto.generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 });
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

export function derivePassword(counter: number, passwordType: string, password: string, user: string, site: string): string {
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
  const key = nodeCrypto.scryptSync(Buffer.from(password, "utf8"), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 64 * 1024 * 1024 });
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
