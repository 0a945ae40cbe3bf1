// The subset of Go's fmt used by templates: Sprint, Sprintln, Sprintf (renderers.md §1.8–§1.10).

import {
  fixedFromDigits,
  formatFloatV,
  GoInt,
  goTypeName,
  isPlainMap,
  isStruct,
  shortestDigits,
  sortedKeys,
  stringerOf,
  structFields,
} from "./value.ts";

function isStringArg(v: unknown): boolean {
  return typeof v === "string";
}

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && !isStringArg(args[i]) && !isStringArg(args[i - 1])) out += " ";
    out += formatValue(args[i], "v", new Flags());
  }
  return out;
}

/** fmt.Sprintln: always spaces, newline appended. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatValue(a, "v", new Flags())).join(" ") + "\n";
}

class Flags {
  plus = false;
  minus = false;
  sharp = false;
  space = false;
  zero = false;
  width: number | undefined = undefined;
  prec: number | undefined = undefined;
  plusV = false;
  sharpV = false;
}

// ---------------------------------------------------------------- Go strconv.Quote

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

export function isGoPrint(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** strconv.Quote / QuoteToASCII. */
export function goQuote(s: string, asciiOnly = false, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") {
      out += "\\" + ch;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += "\\ufffd";
      continue;
    }
    if (asciiOnly ? cp < 0x7f && cp >= 0x20 : isGoPrint(cp)) {
      out += ch;
      continue;
    }
    switch (ch) {
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
    else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
    else out += "\\U" + hex(cp, 8);
  }
  return out + quote;
}

function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp === 0x27) return "'\\''";
  if (cp === 0x22) return "'\"'";
  const q = goQuote(String.fromCodePoint(cp), asciiOnly, "'");
  return q;
}

// ---------------------------------------------------------------- padding

function runeLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Flags, zeroOk = false): string {
  if (f.width === undefined) return s;
  const n = runeLen(s);
  if (n >= f.width) return s;
  const padding = f.width - n;
  if (f.minus) return s + " ".repeat(padding);
  if (f.zero && zeroOk) {
    // zero padding goes after the sign
    if (s[0] === "-" || s[0] === "+" || s[0] === " ") return s[0] + "0".repeat(padding) + s.slice(1);
    return "0".repeat(padding) + s;
  }
  return " ".repeat(padding) + s;
}

// ---------------------------------------------------------------- integers

function fmtInteger(v: GoInt, verb: string, f: Flags): string {
  let n = v.value;
  const neg = n < 0n;
  if (neg) n = -n;
  let digits: string;
  let prefix = "";
  switch (verb) {
    case "d":
    case "v":
      digits = n.toString(10);
      break;
    case "b":
      digits = n.toString(2);
      if (f.sharp) prefix = "0b";
      break;
    case "o":
    case "O":
      digits = n.toString(8);
      if (verb === "O") prefix = "0o";
      else if (f.sharp && digits !== "0") prefix = "0";
      break;
    case "x":
      digits = n.toString(16);
      if (f.sharp) prefix = "0x";
      break;
    case "X":
      digits = n.toString(16).toUpperCase();
      if (f.sharp) prefix = "0X";
      break;
    case "c":
      return pad(
        String.fromCodePoint(Number(v.value) > 0x10ffff || v.value < 0n ? 0xfffd : Number(v.value)),
        f,
      );
    case "q":
      return pad(quoteRune(Number(v.value), f.plus), f);
    case "U": {
      let s = "U+" + n.toString(16).toUpperCase().padStart(Math.max(4, f.prec ?? 0), "0");
      if (f.sharp && isGoPrint(Number(v.value))) s += " '" + String.fromCodePoint(Number(v.value)) + "'";
      return pad(s, f);
    }
    default:
      return badVerb(verb, v);
  }
  if (f.prec !== undefined) {
    if (f.prec === 0 && n === 0n) digits = "";
    else digits = digits.padStart(f.prec, "0");
  } else if (f.zero && !f.minus && f.width !== undefined) {
    const sign = neg || f.plus || f.space ? 1 : 0;
    digits = digits.padStart(f.width - sign - prefix.length, "0");
  }
  const sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
  return pad(sign + prefix + digits, f);
}

// ---------------------------------------------------------------- floats

function expo(e: number): string {
  const a = Math.abs(e);
  return (e < 0 ? "-" : "+") + (a < 10 ? "0" + a : String(a));
}

function toExpDigits(x: number, prec: number): { digits: string; exp: number } {
  const s = x.toExponential(Math.min(prec, 100));
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  return { digits: m[1]! + (m[2] ?? ""), exp: Number(m[3]) };
}

function toFixedBig(x: number, prec: number): string {
  if (x < 1e21) return x.toFixed(Math.min(prec, 100));
  // exact integer digits
  const big = BigInt(x).toString();
  return prec > 0 ? big + "." + "0".repeat(prec) : big;
}

export function formatFloatVerb(x: number, verb: string, prec: number | undefined, sharp = false): string {
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const sign = neg ? "-" : "";
  switch (verb) {
    case "v":
      if (prec === undefined) return formatFloatV(x);
      return formatFloatVerb(x, "g", prec, sharp);
    case "e":
    case "E": {
      const p = prec ?? 6;
      const { digits, exp } = toExpDigits(a, p);
      let mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits + (sharp ? "." : "");
      if (a === 0) mant = p > 0 ? "0." + "0".repeat(p) : "0";
      const s = sign + mant + "e" + expo(a === 0 ? 0 : exp);
      return verb === "E" ? s.toUpperCase() : s;
    }
    case "f":
    case "F": {
      const s = toFixedBig(a, prec ?? 6);
      return sign + s + (sharp && !s.includes(".") ? "." : "");
    }
    case "g":
    case "G": {
      let s: string;
      if (prec === undefined) {
        s = formatFloatV(x);
      } else {
        let p = prec;
        if (p === 0) p = 1;
        if (a === 0) {
          s = sign + "0";
        } else {
          const { digits: d0, exp } = toExpDigits(a, p - 1);
          let digits = d0;
          if (!sharp) digits = digits.replace(/0+$/, "") || "0";
          const dp = exp + 1;
          let eprec = p;
          if (eprec > digits.length && digits.length >= dp) eprec = digits.length;
          if (sharp) eprec = p;
          if (exp < -4 || exp >= eprec) {
            const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
            s = sign + mant + "e" + expo(exp);
          } else {
            s = sign + fixedFromDigits(digits, dp);
          }
        }
      }
      return verb === "G" ? s.toUpperCase() : s;
    }
    case "x":
    case "X":
    case "b": {
      // rarely used; approximate with %g
      return formatFloatVerb(x, "g", prec, sharp);
    }
  }
  return "";
}

function fmtFloat(x: number, verb: string, f: Flags): string {
  if (!"veEfFgGxXb".includes(verb)) return badVerb(verb, x);
  if (!Number.isFinite(x)) {
    let s = Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf";
    if (Number.isNaN(x) && (f.plus || f.space)) s = (f.plus ? "+" : " ") + s;
    if (x === Infinity && !f.plus) s = f.space ? " Inf" : "+Inf";
    const ff = Object.assign(new Flags(), f, { zero: false });
    return pad(s, ff);
  }
  let s = formatFloatVerb(x, verb, f.prec, f.sharp);
  if (s[0] !== "-") {
    if (f.plus) s = "+" + s;
    else if (f.space) s = " " + s;
  }
  return pad(s, f, !f.minus);
}

// ---------------------------------------------------------------- strings

function truncRunes(s: string, prec: number | undefined): string {
  if (prec === undefined) return s;
  let out = "";
  let n = 0;
  for (const ch of s) {
    if (n++ >= prec) break;
    out += ch;
  }
  return out;
}

function hexBytes(bytes: Uint8Array, upper: boolean, f: Flags): string {
  const parts: string[] = [];
  let n = bytes.length;
  if (f.prec !== undefined && f.prec < n) n = f.prec;
  for (let i = 0; i < n; i++) {
    let h = hex(bytes[i]!, 2);
    if (upper) h = h.toUpperCase();
    parts.push(h);
  }
  const pre = f.sharp ? (upper ? "0X" : "0x") : "";
  if (f.space) return parts.map((p) => pre + p).join(" ");
  return pre + parts.join("");
}

const enc = new TextEncoder();

function canBackquote(s: string): boolean {
  for (const ch of s) {
    if (ch === "`" || ch === "\ufeff") return false;
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 && ch !== "\t") return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

function fmtString(s: string, verb: string, f: Flags): string {
  switch (verb) {
    case "v":
    case "s":
      return pad(truncRunes(s, f.prec), f, true);
    case "q":
      if (f.sharp && canBackquote(s)) return pad("`" + s + "`", f);
      return pad(goQuote(truncRunes(s, f.prec), f.plus), f);
    case "x":
    case "X":
      return pad(hexBytes(enc.encode(s), verb === "X", f), f);
  }
  return badVerb(verb, s);
}

// ---------------------------------------------------------------- generic

export function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v, "v", new Flags())})`;
}

function formatValue(v: unknown, verb: string, f: Flags, depth = 0): string {
  if (verb === "T") return pad(v === null || v === undefined ? "<nil>" : goTypeName(v), f);
  if (v === null || v === undefined) {
    if (verb === "v" || depth > 0) return pad("<nil>", f);
    return badVerb(verb, v);
  }
  switch (typeof v) {
    case "boolean":
      if (verb === "t" || verb === "v") return pad(v ? "true" : "false", f);
      return badVerb(verb, v);
    case "number":
      return fmtFloat(v, verb, f);
    case "bigint":
      return fmtInteger(new GoInt(v, "int64"), verb, f);
    case "string":
      return fmtString(v, verb, f);
    case "function":
      if (verb === "v" || verb === "p") return pad("0x1", f);
      return badVerb(verb, v);
  }
  if (v instanceof GoInt) return fmtInteger(v, verb, f);
  if (v instanceof Uint8Array) {
    switch (verb) {
      case "s":
        return pad(truncRunes(new TextDecoder().decode(v), f.prec), f);
      case "q":
        return pad(goQuote(new TextDecoder().decode(v), f.plus), f);
      case "x":
      case "X":
        return pad(hexBytes(v, verb === "X", f), f);
    }
    return "[" + Array.from(v).map((b) => fmtInteger(new GoInt(b, "uint8"), verb === "v" ? "d" : verb, f))
      .join(" ") +
      "]";
  }
  // handleMethods: Stringer / error for %v %s %x %X %q
  if ("vsxXq".includes(verb) && !f.sharpV) {
    const str = stringerOf(v);
    if (str) return fmtString(str(), verb, f);
  }
  if (Array.isArray(v)) {
    return "[" + v.map((e) => formatValue(e, verb, f, depth + 1)).join(" ") + "]";
  }
  if (isPlainMap(v)) {
    return "map[" + sortedKeys(v).map((k) =>
      formatValue(k, verb, f, depth + 1) + ":" + formatValue(v[k], verb, f, depth + 1)
    ).join(" ") + "]";
  }
  if (isStruct(v)) {
    const ptr = goTypeName(v).startsWith("*") && depth === 0 ? "&" : "";
    return ptr + "{" + structFields(v).map(([k, fv]) =>
      (f.plusV ? k + ":" : "") + formatValue(fv, verb, f, depth + 1)
    ).join(" ") + "}";
  }
  return String(v);
}

function intArg(v: unknown): number | undefined {
  if (v instanceof GoInt) return Number(v.value);
  return undefined;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  let out = "";
  let argNum = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f = new Flags();
    // flags
    flags: while (i < n) {
      switch (format[i]) {
        case "#":
          f.sharp = true;
          break;
        case "0":
          f.zero = true;
          break;
        case "+":
          f.plus = true;
          break;
        case "-":
          f.minus = true;
          break;
        case " ":
          f.space = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    // argument index
    const argIndex = (): void => {
      if (format[i] === "[") {
        const close = format.indexOf("]", i);
        if (close > 0) {
          const k = Number(format.slice(i + 1, close));
          if (Number.isInteger(k) && k >= 1) {
            argNum = k - 1;
            reordered = true;
          }
          i = close + 1;
        }
      }
    };
    argIndex();
    // width
    if (format[i] === "*") {
      i++;
      const w = intArg(args[argNum]);
      argNum++;
      if (w === undefined) out += "%!(BADWIDTH)";
      else {
        f.width = Math.abs(w);
        if (w < 0) f.minus = true;
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        f.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === ".") {
      i++;
      argIndex();
      if (format[i] === "*") {
        i++;
        const p = intArg(args[argNum]);
        argNum++;
        if (p === undefined || p < 0) out += "%!(BADPREC)";
        else f.prec = p;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        if (m) {
          f.prec = Number(m[0]);
          i += m[0].length;
        } else f.prec = 0;
      }
    }
    argIndex();
    if (i >= n) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (f.minus) f.zero = false;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === "v") {
      if (f.sharp) {
        f.sharp = false;
        f.sharpV = true;
      }
      if (f.plus) {
        f.plus = false;
        f.plusV = true;
      }
    }
    if (verb === "w") {
      out += formatValue(arg, "v", f);
      continue;
    }
    out += formatValue(arg, verb, f);
  }
  if (!reordered && argNum < args.length) {
    out += "%!(EXTRA " +
      args.slice(argNum).map((a) =>
        a === null || a === undefined ? "<nil>" : goTypeName(a) + "=" + formatValue(a, "v", new Flags())
      ).join(", ") + ")";
  }
  return out;
}

export { formatValue as _formatValue, shortestDigits as _shortestDigits };
