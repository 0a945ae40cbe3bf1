/**
 * One value ↔ `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` (renderers.md §5.2).
 *
 * AES-256-GCM with sops' 32-byte IV. WebCrypto in Deno only accepts 12/16-byte GCM nonces, so
 * this uses `node:crypto` (synchronous, any IV length). The IV source is injectable.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { type Comment, type Leaf, leafBytes } from "./tree.ts";

export const IV_SIZE = 32;

/** Supplies IVs (and data keys): `n` random bytes. Tests pass a deterministic source. */
export type RandomBytes = (n: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

export class SopsCipherError extends Error {
  override name = "SopsCipherError";
}

const ENC_RE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;

export function looksEncrypted(s: string): boolean {
  return ENC_RE.test(s);
}

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function unb64(s: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new SopsCipherError(`error base64-decoding ${what}`);
  }
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: false });

/** Encrypts a leaf or comment. Empty strings/comments are returned unencrypted (as sops does). */
export function encryptValue(
  value: Leaf | Comment,
  key: Uint8Array,
  additionalData: string,
  random: RandomBytes = cryptoRandomBytes,
  iv?: Uint8Array,
): string {
  if (value.t === "null") throw new SopsCipherError("null values are not encrypted");
  const plain = leafBytes(value);
  if ((value.t === "str" || value.t === "comment" || value.t === "bytes") && plain.length === 0) return "";
  const type = value.t === "bytes" ? "str" : value.t;
  const nonce = iv ?? random(IV_SIZE);
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(enc.encode(additionalData));
  const ct = new Uint8Array([...c.update(plain), ...c.final()]);
  const tag = new Uint8Array(c.getAuthTag());
  return `ENC[AES256_GCM,data:${b64(ct)},iv:${b64(nonce)},tag:${b64(tag)},type:${type}]`;
}

export interface Decrypted {
  value: Leaf | Comment;
  iv: Uint8Array;
}

/** Go `strconv.ParseBool`. */
function parseGoBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

/**
 * Decrypts an `ENC[…]` string. An empty string decrypts to an empty string. Throws
 * `SopsCipherError` on a malformed value or an authentication failure.
 */
export function decryptValue(ciphertext: string, key: Uint8Array, additionalData: string): Decrypted {
  if (ciphertext === "") return { value: { t: "str", v: "" }, iv: new Uint8Array() };
  const m = ENC_RE.exec(ciphertext);
  if (!m) throw new SopsCipherError(`value does not match sops' data format: ${ciphertext.slice(0, 40)}`);
  const data = unb64(m[1]!, "data");
  const iv = unb64(m[2]!, "iv");
  const tag = unb64(m[3]!, "tag");
  const type = m[4]!;
  if (tag.length !== 16) throw new SopsCipherError("GCM tag must be 16 bytes");
  if (iv.length === 0) throw new SopsCipherError("empty IV");
  let plain: Uint8Array;
  try {
    const d = createDecipheriv("aes-256-gcm", key, iv);
    d.setAAD(enc.encode(additionalData));
    d.setAuthTag(tag);
    plain = new Uint8Array([...d.update(data), ...d.final()]);
  } catch {
    throw new SopsCipherError(`could not decrypt with AES_GCM (wrong key or path "${additionalData}")`);
  }
  const text = dec.decode(plain);
  let value: Leaf | Comment;
  switch (type) {
    case "str":
      value = { t: "str", v: text };
      break;
    case "bytes":
      value = { t: "bytes", v: plain };
      break;
    case "int":
      if (!/^[+-]?\d+$/.test(text)) throw new SopsCipherError(`invalid int value "${text}"`);
      value = { t: "int", v: BigInt(text).toString() };
      break;
    case "float": {
      const f = parseGoFloat(text);
      if (f === undefined) throw new SopsCipherError(`invalid float value "${text}"`);
      value = { t: "float", v: f };
      break;
    }
    case "bool": {
      const b = parseGoBool(text);
      if (b === undefined) throw new SopsCipherError(`invalid bool value "${text}"`);
      value = { t: "bool", v: b };
      break;
    }
    case "time":
      if (Number.isNaN(Date.parse(text))) throw new SopsCipherError(`invalid time value "${text}"`);
      value = { t: "time", v: text };
      break;
    case "comment":
      value = { t: "comment", v: text };
      break;
    default:
      throw new SopsCipherError(`unknown datatype: ${type}`);
  }
  return { value, iv };
}

function parseGoFloat(s: string): number | undefined {
  const t = s.replaceAll("_", "");
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}
