/** A minimal DER (ASN.1) encoder and PEM helpers for the certificates and keys Talos uses. */

export type Der = Uint8Array;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Der {
  return concat([Uint8Array.of(tag), lengthBytes(content.length), content]);
}

export const seq = (...items: Der[]): Der => tlv(0x30, concat(items));
export const set = (...items: Der[]): Der => tlv(0x31, concat(items));
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 | n, inner);
export const octetString = (b: Uint8Array): Der => tlv(0x04, b);
export const bool = (v: boolean): Der => tlv(0x01, Uint8Array.of(v ? 0xff : 0x00));
export const nullValue = (): Der => Uint8Array.of(0x05, 0x00);

export function bitString(b: Uint8Array, unusedBits = 0): Der {
  return tlv(0x03, concat([Uint8Array.of(unusedBits), b]));
}

export function bigintToBytes(v: bigint, len?: number): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  if (len !== undefined) hex = hex.padStart(len * 2, "0");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** INTEGER from a non-negative bigint (minimal two's complement). */
export function integer(v: bigint | number): Der {
  let b = bigintToBytes(BigInt(v));
  if (b.length === 0) b = Uint8Array.of(0);
  if (b[0]! & 0x80) b = concat([Uint8Array.of(0), b]);
  return tlv(0x02, b);
}

export function oid(dotted: string): Der {
  const parts = dotted.split(".").map((x) => BigInt(x));
  const out: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string as Go encodes it: PrintableString when possible, else UTF8String. */
export function directoryString(s: string): Der {
  const b = new TextEncoder().encode(s);
  return tlv(PRINTABLE.test(s) ? 0x13 : 0x0c, b);
}

/** Go's time encoding in certificates: UTCTime before 2050, GeneralizedTime after. */
export function time(d: Date): Der {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const y = d.getUTCFullYear();
  const rest = p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) +
    p(d.getUTCSeconds()) + "Z";
  if (y >= 1950 && y < 2050) return tlv(0x17, new TextEncoder().encode(p(y % 100) + rest));
  return tlv(0x18, new TextEncoder().encode(p(y, 4) + rest));
}

export function pem(label: string, der: Uint8Array): string {
  let b64 = "";
  for (let i = 0; i < der.length; i += 0x8000) b64 += String.fromCharCode(...der.subarray(i, i + 0x8000));
  b64 = btoa(b64);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export function base64(s: string | Uint8Array): string {
  const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export { concat };
