// Sprig string functions (renderers.md §2.1).

import { sprintf } from "../template/fmt.ts";
import { goQuote } from "../template/fmt.ts";
import { GoInt, goPrint, isPlainMap, stringSlice, tagType } from "../template/value.ts";
import { dec, enc, isList, listItems, strval } from "./conv.ts";

const isSpace = (c: string) => /^\s$/u.test(c) || c === "\u0085";

/** strings.TrimSpace */
export function trim(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, "");
}

export function trimCutset(s: string, cutset: string): string {
  const set = new Set([...cutset]);
  const a = [...s];
  let i = 0, j = a.length;
  while (i < j && set.has(a[i]!)) i++;
  while (j > i && set.has(a[j - 1]!)) j--;
  return a.slice(i, j).join("");
}

function byteSlice(s: string, start: number, end?: number): string {
  const b = enc.encode(s);
  if (start < 0 || (end !== undefined && (end > b.length || end < start)) || start > b.length) {
    throw new Error(
      `runtime error: slice bounds out of range [${start}:${end ?? b.length}] with length ${b.length}`,
    );
  }
  return dec.decode(b.slice(start, end));
}

export function byteLen(s: string): number {
  return enc.encode(s).length;
}

/** strings.Title */
export function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase().length === 1 ? ch.toUpperCase() : ch : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp <= 0x7f) {
    if (/[0-9a-zA-Z_]/.test(c)) return false;
    return true;
  }
  if (/^[\p{L}\p{Nd}]$/u.test(c)) return false;
  return isSpace(c);
}

/** goutils.Uncapitalize with whitespace delimiters */
export function untitle(s: string): string {
  let prevSpace = true;
  let out = "";
  for (const ch of s) {
    out += prevSpace ? ch.toLowerCase() : ch;
    prevSpace = isSpace(ch);
  }
  return out;
}

export function substr(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > byteLen(s)) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

export function trunc(c: number, s: string): string {
  const n = byteLen(s);
  if (c < 0 && n + c > 0) return byteSlice(s, n + c);
  if (c >= 0 && n > c) return byteSlice(s, 0, c);
  return s;
}

function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === "") return "";
  if (maxWidth < 4) throw new Error("stringutils illegal argument: Minimum abbreviation width is 4");
  const len = byteLen(str);
  if (len <= maxWidth) return str;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  const marker = "...";
  if (offset <= 4) return byteSlice(str, 0, maxWidth - 3) + marker;
  if (maxWidth < 7) {
    throw new Error("stringutils illegal argument: Minimum abbreviation width with offset is 7");
  }
  if (offset + maxWidth - 3 < len) return marker + abbreviateFull(byteSlice(str, offset), 0, maxWidth - 3);
  return marker + byteSlice(str, len - (maxWidth - 3));
}

export function abbrev(width: number, s: string): string {
  if (width < 4) return s;
  try {
    return abbreviateFull(s, 0, width);
  } catch {
    return "";
  }
}

export function abbrevboth(left: number, right: number, s: string): string {
  if (right < 4 || (left > 0 && right < 7)) return s;
  try {
    return abbreviateFull(s, left, right);
  } catch {
    return "";
  }
}

export function initials(s: string): string {
  let out = "";
  let lastWasGap = true;
  for (const ch of s) {
    if (isSpace(ch)) lastWasGap = true;
    else if (lastWasGap) {
      out += ch;
      lastWasGap = false;
    }
  }
  return out;
}

export function nospace(s: string): string {
  return [...s].filter((c) => !isSpace(c)).join("");
}

export function swapcase(s: string): string {
  let out = "";
  for (const ch of s) {
    const u = ch.toUpperCase(), l = ch.toLowerCase();
    if (ch === u && ch !== l) out += l;
    else if (ch === l && ch !== u) out += u;
    else out += ch;
  }
  return out;
}

function words(s: string): string[] {
  const out: string[] = [];
  for (const part of s.split(/[^\p{L}\p{N}]+/u)) {
    if (!part) continue;
    const m = part.match(/\p{Lu}+(?![\p{Ll}])|\p{Lu}?\p{Ll}+|\p{Lt}\p{Ll}*|\p{N}+|\p{L}+/gu);
    if (m) out.push(...m);
  }
  return out;
}

export function snakecase(s: string): string {
  return words(s).map((w) => w.toLowerCase()).join("_");
}

export function kebabcase(s: string): string {
  return words(s).map((w) => w.toLowerCase()).join("-");
}

/** xstrings.ToCamelCase: words separated by space/_/- are joined, each capitalised. */
export function camelcase(s: string): string {
  if (s === "") return "";
  const lead = /^[_\- ]*/.exec(s)![0];
  const trail = /[_\- ]*$/.exec(s.slice(lead.length))![0];
  const body = s.slice(lead.length, s.length - trail.length);
  const parts = body.split(/[_\- ]+/);
  return lead.replace(/[- ]/g, "") + parts.map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : "")).join("") +
    trail.replace(/[- ]/g, "");
}

export function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (str === "") return "";
  if (newLine === "") newLine = "\n";
  if (wrapLength < 1) wrapLength = 1;
  const b = enc.encode(str);
  const s = (a: number, e: number) => dec.decode(b.slice(a, e));
  const inputLen = b.length;
  let offset = 0;
  let out = "";
  while (inputLen - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(wrapLength + offset + 1, inputLen);
    let spaceToWrapAt = b.slice(offset, end).lastIndexOf(0x20) + offset;
    if (spaceToWrapAt >= offset) {
      out += s(offset, spaceToWrapAt) + newLine;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += s(offset, wrapLength + offset) + newLine;
      offset += wrapLength;
    } else {
      const e2 = wrapLength + offset;
      const index = b.slice(e2).indexOf(0x20);
      if (index === -1) {
        out += s(offset, inputLen);
        offset = inputLen;
      } else {
        spaceToWrapAt = index + e2;
        out += s(offset, spaceToWrapAt) + newLine;
        offset = spaceToWrapAt + 1;
      }
    }
  }
  return out + s(offset, inputLen);
}

export function quote(...args: unknown[]): string {
  return args.filter((a) => a !== null && a !== undefined).map((a) => goQuote(strval(a))).join(" ");
}

export function squote(...args: unknown[]): string {
  return args.filter((a) => a !== null && a !== undefined).map((a) => "'" + goPrint(a) + "'").join(" ");
}

export function cat(...args: unknown[]): string {
  const v = args.filter((a) => a !== null && a !== undefined);
  return sprintf(v.map(() => "%v").join(" "), v);
}

export function indent(n: number, s: string): string {
  const pad = " ".repeat(Math.max(0, n));
  return pad + s.replaceAll("\n", "\n" + pad);
}

/** strings.Split (sep "" splits into UTF-8 characters). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const chars = [...s];
    if (n > 0 && chars.length > n) return [...chars.slice(0, n - 1), chars.slice(n - 1).join("")];
    return chars;
  }
  const parts: string[] = [];
  let rest = s;
  while (n < 0 || parts.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  parts.push(rest);
  return parts;
}

export function splitMap(parts: string[]): Record<string, string> {
  const res: Record<string, string> = {};
  parts.forEach((p, i) => (res["_" + i] = p));
  return tagType(res, "map[string]string");
}

/** Sprig strslice: list → []string (nil dropped), non-list → [strval]. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v) || v instanceof Uint8Array) {
    return stringSlice(listItems(v).filter((x) => x !== null && x !== undefined).map(strval));
  }
  if (v === null || v === undefined) return stringSlice([]);
  return stringSlice([strval(v)]);
}

export function sortAlpha(v: unknown): string[] {
  if (isList(v)) {
    const a = strslice(v);
    return stringSlice([...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  }
  return stringSlice([strval(v)]);
}

export function adler32(s: string): string {
  let a = 1, b = 0;
  for (const byte of enc.encode(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

export function plural(one: string, many: string, count: GoInt): string {
  return count.value === 1n ? one : many;
}

export { isPlainMap };
