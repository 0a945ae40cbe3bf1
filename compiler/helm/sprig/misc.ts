// Sprig encoding, paths, URLs, regular expressions, decimal float math, random source (renderers.md §2.1–2.8).

import { dec, enc } from "./conv.ts";
import { formatFloatV, stringSlice } from "../template/value.ts";

// ---------------------------------------------------------------- base64 / base32

export function b64enc(s: string): string {
  let bin = "";
  for (const b of enc.encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** base64.StdEncoding.DecodeString returning bytes or a Go-style error text. */
export function b64decodeBytes(s: string): Uint8Array | string {
  const out: number[] = [];
  let buf = 0, bits = 0, si = 0;
  const chars = s;
  let quantum: number[] = [];
  let qStart = 0;
  for (si = 0; si < chars.length; si++) {
    const c = chars[si]!;
    if (c === "\r" || c === "\n") continue;
    if (quantum.length === 0) qStart = si;
    if (c === "=") {
      // padding: need quantum of 2 or 3 and the rest padding
      const j = quantum.length;
      if (j < 2) return `illegal base64 data at input byte ${si}`;
      let rest = chars.slice(si).replace(/[\r\n]/g, "");
      const need = 4 - j;
      if (!rest.startsWith("=".repeat(need))) {
        return `illegal base64 data at input byte ${si + rest.indexOf(rest.replace(/^=+/, "")[0] ?? "")}`;
      }
      rest = rest.slice(need);
      if (rest.length > 0) return `illegal base64 data at input byte ${si + need}`;
      for (const v of quantum) {
        buf = (buf << 6) | v;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out.push((buf >> bits) & 0xff);
        }
      }
      return new Uint8Array(out);
    }
    const v = B64.indexOf(c);
    if (v < 0) return `illegal base64 data at input byte ${si}`;
    quantum.push(v);
    if (quantum.length === 4) {
      for (const q of quantum) {
        buf = (buf << 6) | q;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out.push((buf >> bits) & 0xff);
        }
      }
      quantum = [];
    }
  }
  if (quantum.length > 0) return `illegal base64 data at input byte ${qStart}`;
  return new Uint8Array(out);
}

export function b64dec(s: string): string {
  const r = b64decodeBytes(s);
  return typeof r === "string" ? r : dec.decode(r);
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function b32enc(s: string): string {
  const bytes = enc.encode(s);
  let out = "";
  let buf = 0, bits = 0;
  for (const b of bytes) {
    buf = (buf << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(buf >> bits) & 31];
    }
    buf &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(buf << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

export function b32dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  const out: number[] = [];
  let buf = 0, bits = 0;
  const body = clean.replace(/=+$/, "");
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${clean.length - (clean.length % 8)}`;
  for (let i = 0; i < body.length; i++) {
    const v = B32.indexOf(body[i]!);
    if (v < 0) return `illegal base32 data at input byte ${i}`;
    buf = (buf << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buf >> bits) & 0xff);
    }
    buf &= (1 << bits) - 1;
  }
  return dec.decode(new Uint8Array(out));
}

// ---------------------------------------------------------------- path (POSIX, Go's path package)

export function pathClean(p: string): string {
  if (p === "") return ".";
  const rooted = p[0] === "/";
  const parts = p.split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? "/" : "") + out.join("/");
  return s === "" ? "." : s;
}

export function pathBase(p: string): string {
  if (p === "") return ".";
  p = p.replace(/\/+$/, "");
  if (p === "") return "/";
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}

export function pathDir(p: string): string {
  const i = p.lastIndexOf("/");
  return pathClean(p.slice(0, i + 1));
}

export function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

// ---------------------------------------------------------------- URLs (net/url subset)

function unescapeURL(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface ParsedURL {
  scheme: string;
  opaque: string;
  user: string | undefined;
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

export function parseURL(raw: string): ParsedURL {
  let rest = raw;
  let fragment = "";
  const h = rest.indexOf("#");
  if (h >= 0) {
    fragment = unescapeURL(rest.slice(h + 1));
    rest = rest.slice(0, h);
  }
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(rest)) {
    throw new Error(`parse ${JSON.stringify(raw)}: net/url: invalid control character in URL`);
  }
  let scheme = "";
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (/^[^/?]*:/.test(rest) && !rest.startsWith("/")) {
    if (rest.startsWith(":")) throw new Error(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
  }
  let rawQuery = "";
  const q = rest.indexOf("?");
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let opaque = "", user: string | undefined, host = "", path = "";
  if (scheme && !rest.startsWith("/")) {
    opaque = rest;
  } else {
    if (rest.startsWith("//")) {
      rest = rest.slice(2);
      const slash = rest.indexOf("/");
      let authority = slash >= 0 ? rest.slice(0, slash) : rest;
      rest = slash >= 0 ? rest.slice(slash) : "";
      const at = authority.lastIndexOf("@");
      if (at >= 0) {
        user = authority.slice(0, at);
        authority = authority.slice(at + 1);
      }
      host = unescapeURL(authority);
    }
    path = unescapeURL(rest);
  }
  return { scheme, opaque, user, host, path, rawQuery, fragment };
}

export function hostname(host: string): string {
  if (host.startsWith("[")) {
    const i = host.indexOf("]");
    return i >= 0 ? host.slice(1, i) : host;
  }
  const c = host.lastIndexOf(":");
  return c >= 0 && /^:\d*$/.test(host.slice(c)) ? host.slice(0, c) : host;
}

function escapePath(p: string): string {
  return p.replace(
    /[^A-Za-z0-9\-_.~$&+,/:;=@!'()*]/g,
    (c) => [...enc.encode(c)].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join(""),
  );
}

function escapeFragment(p: string): string {
  return p.replace(
    /[^A-Za-z0-9\-_.~$&+,/:;=@!'()*?]/g,
    (c) => [...enc.encode(c)].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join(""),
  );
}

export function urlString(u: ParsedURL): string {
  let out = "";
  if (u.scheme) out += u.scheme + ":";
  if (u.opaque) out += u.opaque;
  else {
    if (u.scheme || u.host || u.user !== undefined) {
      if (u.host || u.path || u.user !== undefined) out += "//";
      if (u.user !== undefined) out += u.user + "@";
      out += u.host;
    }
    if (u.path && u.path[0] !== "/" && u.host) out += "/";
    out += escapePath(u.path);
  }
  if (u.rawQuery) out += "?" + u.rawQuery;
  if (u.fragment) out += "#" + escapeFragment(u.fragment);
  return out;
}

// ---------------------------------------------------------------- regular expressions (RE2 → JS)

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-/:-@[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const reCache = new Map<string, RegExp>();

/** Compile a Go RE2 pattern as a JS RegExp (global, unicode). Throws Go-like errors. */
export function compileRE(pattern: string): RegExp {
  const hit = reCache.get(pattern);
  if (hit) return hit;
  let flags = "gu";
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) if (f !== "U" && !flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\[\[:(\^?)([a-z]+):\]\]/g, (_, neg, n) => POSIX_CLASSES[n] ? `[${neg}${POSIX_CLASSES[n]}]` : _)
    .replace(/\[:([a-z]+):\]/g, (_, n) => POSIX_CLASSES[n] ?? _)
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\\p([A-Z])/g, "\\p{$1}")
    .replace(/\\P([A-Z])/g, "\\P{$1}");
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new Error(
      `error parsing regexp: ${
        (e as Error).message.replace(/^Invalid regular expression: /, "")
      }: \`${pattern}\``,
    );
  }
  reCache.set(pattern, re);
  return re;
}

export interface Match {
  index: number;
  end: number;
  text: string;
  groups: (string | undefined)[];
  named: Record<string, string | undefined>;
}

/** FindAll semantics of Go: empty matches abutting a preceding match are skipped. */
export function findAll(re: RegExp, s: string, n: number): Match[] {
  const out: Match[] = [];
  if (n === 0) return out;
  let prevEnd = -1;
  re.lastIndex = 0;
  for (const m of s.matchAll(re)) {
    const index = m.index!;
    const end = index + m[0].length;
    if (m[0].length === 0 && index === prevEnd) continue;
    out.push({ index, end, text: m[0], groups: [...m].slice(1), named: { ...(m.groups ?? {}) } });
    prevEnd = end;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}

/** Regexp.Expand for $1, ${1}, $name, ${name}, $$. */
export function expand(template: string, m: Match): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== "$" || i === template.length - 1) {
      out += c;
      continue;
    }
    const nx = template[i + 1]!;
    if (nx === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    let len = 0;
    if (nx === "{") {
      const close = template.indexOf("}", i + 2);
      if (close > 0 && /^[A-Za-z0-9_]+$/.test(template.slice(i + 2, close))) {
        name = template.slice(i + 2, close);
        len = close - i + 1;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (mm) {
        name = mm[0];
        len = mm[0].length + 1;
      }
    }
    if (name === undefined) {
      out += c;
      continue;
    }
    i += len - 1;
    if (/^[0-9]+$/.test(name)) {
      const k = Number(name);
      if (k === 0) out += m.text;
      else out += m.groups[k - 1] ?? "";
    } else out += m.named[name] ?? "";
  }
  return out;
}

export function regexReplace(re: RegExp, s: string, repl: string, literal: boolean): string {
  const ms = findAll(re, s, -1);
  let out = "";
  let last = 0;
  for (const m of ms) {
    out += s.slice(last, m.index) + (literal ? repl : expand(repl, m));
    last = m.end;
  }
  return out + s.slice(last);
}

export function regexSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return stringSlice([]);
  if (re.source.length > 0 && s.length === 0) return stringSlice([""]);
  const matches = findAll(re, s, n);
  const out: string[] = [];
  let beg = 0, end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return stringSlice(out);
}

export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

// ---------------------------------------------------------------- decimal math (shopspring/decimal subset)

interface Dec {
  m: bigint; // value = m × 10^e
  e: number;
}

function decFromFloat(f: number): Dec {
  if (f === 0 || !Number.isFinite(f)) return { m: 0n, e: 0 };
  const s = f.toExponential(); // shortest round-trip
  const mm = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const digits = mm[2]! + (mm[3] ?? "");
  const e = Number(mm[4]) - (digits.length - 1);
  return { m: BigInt((mm[1] ?? "") + digits), e };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

function decToFloat(d: Dec): number {
  if (d.m === 0n) return 0;
  return Number(`${d.m}e${d.e}`);
}

export type DecOp = "add" | "sub" | "mul" | "div";

export function decimalOp(values: number[], op: DecOp): number {
  let acc = decFromFloat(values[0] ?? 0);
  for (const v of values.slice(1)) {
    const d = decFromFloat(v);
    switch (op) {
      case "add": {
        const [x, y, e] = align(acc, d);
        acc = { m: x + y, e };
        break;
      }
      case "sub": {
        const [x, y, e] = align(acc, d);
        acc = { m: x - y, e };
        break;
      }
      case "mul":
        acc = { m: acc.m * d.m, e: acc.e + d.e };
        break;
      case "div": {
        if (d.m === 0n) throw new Error("decimal division by 0");
        // DivRound to 16 decimal places, half away from zero
        const prec = 16;
        // acc/d = (acc.m/d.m) * 10^(acc.e-d.e); want result scaled 10^-prec
        const shift = acc.e - d.e + prec;
        let num = acc.m, den = d.m;
        if (shift >= 0) num *= 10n ** BigInt(shift);
        else den *= 10n ** BigInt(-shift);
        const neg = (num < 0n) !== (den < 0n);
        if (num < 0n) num = -num;
        if (den < 0n) den = -den;
        let q = num / den;
        const r = num % den;
        if (r * 2n >= den) q += 1n;
        acc = { m: neg ? -q : q, e: -prec };
        break;
      }
    }
  }
  return decToFloat(acc);
}

// ---------------------------------------------------------------- random source

export interface RandomSource {
  /** uniform float in [0, 1) */
  float(): number;
  /** n random bytes */
  bytes(n: number): Uint8Array;
  /** integer in [0, n) */
  intn(n: number): number;
}

/** Deterministic source (xoshiro128** seeded via splitmix32) for --seed. */
export function seededRandom(seed: number | bigint): RandomSource {
  let x = Number(BigInt.asUintN(32, BigInt(seed))) >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = (s[2]! ^ s[0]!) >>> 0;
    s[3] = (s[3]! ^ s[1]!) >>> 0;
    s[1] = (s[1]! ^ s[2]!) >>> 0;
    s[0] = (s[0]! ^ s[3]!) >>> 0;
    s[2] = (s[2]! ^ t) >>> 0;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  return {
    float: () => next() / 4294967296,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
    intn: (n) => Math.floor((next() / 4294967296) * n),
  };
}

export function cryptoRandom(): RandomSource {
  return {
    float: () => {
      const b = new Uint32Array(1);
      crypto.getRandomValues(b);
      return b[0]! / 4294967296;
    },
    bytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    intn: (n) => {
      const b = new Uint32Array(1);
      crypto.getRandomValues(b);
      return Math.floor((b[0]! / 4294967296) * n);
    },
  };
}

export { formatFloatV };
