/**
 * YAML output as kustomize writes it: value → Go JSON → sigs.k8s.io/yaml (go-yaml v2) emitter.
 * Keys sorted (go-yaml v2 natural order), block style, sequences under a key not indented,
 * go-yaml v2 scalar quoting/folding rules (renderers.md §4.2, §4.4).
 */
import { KustomizeError } from "./errors.ts";
import { isMap, type Value } from "./value.ts";
import { goYamlEscape } from "../go_yaml/escape.ts";
import { goYamlKeyLess } from "../go_yaml/key_order.ts";

const BEST_WIDTH = 80;

/** Go encoding/json text for a float64 (same thresholds as JS Number#toString). */
export function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new KustomizeError(`json: unsupported value: ${f}`);
  return String(f);
}

/** Go strconv.FormatFloat(f, 'g', -1, 64). */
export function goFormatFloatG(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const e = f.toExponential(); // shortest digits, e.g. "1.2345e+6"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
  const sign = m[1]!, digits = m[2]! + (m[3] ?? ""), exp = Number(m[4]);
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" + ae : ae}`;
  }
  // fixed notation
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** The text a number has after the JSON → go-yaml v2 round trip. */
function numberText(v: bigint | number): string {
  if (typeof v === "bigint") return v.toString();
  const j = goJsonFloat(v);
  if (/^-?[0-9]+$/.test(j)) {
    const b = BigInt(j);
    if (b >= -(2n ** 63n) && b < 2n ** 64n) return j;
  }
  return goFormatFloatG(Number(j));
}

// ---- go-yaml v2 resolver: would this plain text read back as a non-string? ----
const V2_SPECIAL = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "on",
  "On",
  "ON",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "off",
  "Off",
  "OFF",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "null",
  "Null",
  "NULL",
  "~",
  "",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  "<<",
]);
const V2_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const V2_TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]| +)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?(( *)(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$/;

function v2IsInt(plain: string): boolean {
  // strconv.ParseInt(plain, 0, 64) or ParseUint succeeds (underscores removed first)
  let t = plain;
  if (t[0] === "+" || t[0] === "-") t = t.slice(1);
  if (t === "") return false;
  const l = t.toLowerCase();
  let big: bigint;
  try {
    if (l.startsWith("0x")) {
      if (!/^[0-9a-f]+$/i.test(t.slice(2))) return false;
      big = BigInt("0x" + t.slice(2));
    } else if (l.startsWith("0o")) {
      if (!/^[0-7]+$/.test(t.slice(2))) return false;
      big = BigInt("0o" + t.slice(2));
    } else if (l.startsWith("0b")) {
      if (!/^[01]+$/.test(t.slice(2))) return false;
      big = BigInt("0b" + t.slice(2));
    } else if (t.length > 1 && t[0] === "0") {
      if (!/^[0-7]+$/.test(t)) return false;
      big = BigInt("0o" + t.slice(1));
    } else {
      if (!/^[0-9]+$/.test(t)) return false;
      big = BigInt(t);
    }
  } catch {
    return false;
  }
  return big < 2n ** 64n;
}

/** True when a plain scalar with this text would not read back as the same string in go-yaml v2. */
export function v2ResolvesNonString(s: string): boolean {
  if (V2_SPECIAL.has(s)) return true;
  const c = s[0]!;
  if (c === ".") return V2_FLOAT.test(s);
  if ((c >= "0" && c <= "9") || c === "+" || c === "-") {
    const plain = s.replaceAll("_", "");
    if (v2IsInt(plain)) return true;
    if (V2_FLOAT.test(plain)) return true;
    if (plain.startsWith("0b") || plain.startsWith("-0b")) {
      if (/^-?0b[01]+$/.test(plain)) return true;
    }
    if (V2_TIMESTAMP.test(s)) return true;
    // base 60 floats (YAML 1.1 sexagesimal) are quoted too
    if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true;
  }
  return false;
}

// ---- scalar analysis (yaml_emitter_analyze_scalar) ----
function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}
const isBreakCh = (c: string | undefined) =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlankCh = (c: string | undefined) => c === " " || c === "\t";

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function analyze(chars: string[]): Analysis {
  if (chars.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, precededByWs = true, prevSpace = false, prevBreak = false;
  const s3 = chars.slice(0, 3).join("");
  if (s3 === "---" || s3 === "...") blockIndicators = true;
  const n = chars.length;
  for (let i = 0; i < n; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    const followedByWs = i + 1 >= n || isBlankCh(next) || isBreakCh(next);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      else if (c === "?" || c === ":") {
        if (followedByWs) blockIndicators = true;
      } else if (c === "-" && followedByWs) blockIndicators = true;
    } else {
      if (c === ":" && followedByWs) blockIndicators = true;
      else if (c === "#" && precededByWs) blockIndicators = true;
    }
    if (!isPrintable(c.codePointAt(0)!)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreakCh(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankCh(c) || isBreakCh(c);
  }
  let blockPlain = true, single = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    blockPlain = false;
    single = false;
  }
  if (spaceBreak || special) {
    blockPlain = false;
    single = false;
    block = false;
  }
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return {
    multiline: lineBreaks,
    blockPlainAllowed: blockPlain,
    singleQuotedAllowed: single,
    blockAllowed: block,
  };
}

type Style = "plain" | "single" | "double" | "literal";

function chooseStyle(s: string, chars: string[], simpleKey: boolean): Style {
  let style: Style;
  if (s.includes("\n")) style = "literal";
  else if (!v2ResolvesNonString(s)) style = "plain";
  else style = "double";
  const a = analyze(chars);
  if (style === "plain") {
    if (!a.blockPlainAllowed) style = "single";
    if (chars.length === 0 && simpleKey) style = "single";
  }
  if (style === "single" && !a.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || simpleKey)) style = "double";
  return style;
}

class Writer {
  out: string[] = [];
  column = 0;
  whitespace = true;
  indention = true;
  indent = 0;

  put(s: string): void {
    this.out.push(s);
    this.column += 1;
  }
  write(ch: string): void {
    this.out.push(ch);
    this.column += 1;
  }
  newline(): void {
    this.out.push("\n");
    this.column = 0;
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.newline();
    }
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }
  /** yaml_emitter_write_indicator */
  indicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of ind) this.put(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  plain(chars: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== " ") {
          this.writeIndent();
        } else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  single(chars: string[], allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === " ") {
        if (
          allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 &&
          chars[i + 1] !== " "
        ) {
          this.writeIndent();
        } else this.write(c);
        spaces = true;
      } else {
        if (c === "'") this.put("'");
        this.write(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  double(chars: string[], allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreakCh(c) || c === '"' || c === "\\") {
        this.put("\\");
        for (const ch of goYamlEscape(cp)) this.put(ch);
        spaces = false;
      } else if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === " ") this.put("\\");
        } else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(chars: string[]): void {
    this.indicator("|", true, false, false);
    // block scalar hints
    if (chars[0] === " " || isBreakCh(chars[0])) this.indicator("2", false, false, false);
    let chomp = "";
    const n = chars.length;
    if (n === 0) chomp = "-";
    else if (!isBreakCh(chars[n - 1])) chomp = "-";
    else if (n === 1) chomp = "+";
    else if (isBreakCh(chars[n - 2])) chomp = "+";
    if (chomp) this.indicator(chomp, false, false, false);
    this.newline();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreakCh(c)) {
        this.out.push(c === "\r" ? "\r" : "\n");
        if (c !== "\r") this.column = 0;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  scalarString(s: string, simpleKey: boolean): void {
    const chars = Array.from(s);
    const style = chooseStyle(s, chars, simpleKey);
    const allowBreaks = !simpleKey;
    switch (style) {
      case "plain":
        return this.plain(chars, allowBreaks);
      case "single":
        return this.single(chars, allowBreaks);
      case "double":
        return this.double(chars, allowBreaks);
      case "literal":
        return this.literal(chars);
    }
  }
}

/** go-yaml map key order (sorter.go keyList.Less) for string keys. */
export const v2KeyLess = goYamlKeyLess;

export function sortKeysV2(keys: string[]): string[] {
  return keys.sort((a, b) => (v2KeyLess(a, b) ? -1 : v2KeyLess(b, a) ? 1 : 0));
}

function isEmptyCollection(v: Value): boolean {
  return (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
}

function emitNode(w: Writer, v: Value, ctx: "root" | "mapvalue" | "seqitem"): void {
  if (Array.isArray(v) || isMap(v)) {
    if (isEmptyCollection(v)) {
      w.indicator(Array.isArray(v) ? "[]" : "{}", true, false, false);
      w.whitespace = false;
      return;
    }
  }
  if (Array.isArray(v)) {
    const saved = w.indent;
    // block sequence: indentless when directly under a mapping key
    if (ctx !== "mapvalue") w.indent = ctx === "root" ? 0 : w.indent + 2;
    const seqIndent = w.indent;
    for (const item of v) {
      w.indent = seqIndent;
      w.writeIndent();
      w.indicator("-", true, false, true);
      emitNode(w, item, "seqitem");
    }
    w.indent = saved;
    return;
  }
  if (isMap(v)) {
    const saved = w.indent;
    w.indent = ctx === "root" ? 0 : w.indent + 2;
    const mapIndent = w.indent;
    for (const k of sortKeysV2(Object.keys(v))) {
      w.indent = mapIndent;
      w.writeIndent();
      w.scalarString(k, true);
      w.indicator(":", false, false, false);
      emitNode(w, v[k]!, "mapvalue");
    }
    w.indent = saved;
    return;
  }
  // scalar
  const saved = w.indent;
  w.indent = w.indent + 2;
  if (v === null) w.plain(Array.from("null"), false);
  else if (typeof v === "boolean") w.plain(Array.from(v ? "true" : "false"), false);
  else if (typeof v === "bigint" || typeof v === "number") w.plain(Array.from(numberText(v)), false);
  else w.scalarString(v, false);
  w.indent = saved;
}

/** Serialise one document (no `---`), ending with a newline. */
export function emitYamlDoc(v: Value): string {
  const w = new Writer();
  w.indent = -2;
  if (Array.isArray(v) || isMap(v)) {
    if (isEmptyCollection(v)) return Array.isArray(v) ? "[]\n" : "{}\n";
    emitNode(w, v, "root");
  } else {
    w.indent = -2;
    emitNode(w, v, "root");
  }
  const text = w.out.join("");
  return text.endsWith("\n") ? text : text + "\n";
}

/** Documents joined like `kustomize build`: `---\n` between, no leading separator. */
export function emitYamlStream(docs: readonly Value[]): string {
  return docs.map(emitYamlDoc).join("---\n");
}
