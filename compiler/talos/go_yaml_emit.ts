/**
 * A YAML emitter that reproduces the block output of Go's YAML encoders byte for byte:
 * - `v3` mode: go.yaml.in/yaml/v4 (and gopkg.in/yaml.v3) `Marshal`, 4-space indentation, sequences
 *   indented under their key, the first level inside a sequence item offset by the "- " indicator only;
 * - `v2` mode: gopkg.in/yaml.v2 (used by ghodss/yaml after JSON patches), 2-space indentation,
 *   sequences inside mappings not indented.
 * Scalars carry an explicit style; `stringNode` chooses the style Go's encoder would choose for a string.
 */

export type OutNode =
  | { k: "map"; entries: Array<[OutNode, OutNode]>; flow?: boolean }
  | { k: "seq"; items: OutNode[]; flow?: boolean }
  | { k: "scalar"; text: string; style: "plain" | "single" | "double" | "literal" };

export type EmitMode = "v3" | "v2";

export function plain(text: string): OutNode {
  return { k: "scalar", text, style: "plain" };
}

const NULL_WORDS = new Set(["", "~", "null", "Null", "NULL"]);
const BOOL_WORDS = new Set(["true", "True", "TRUE", "false", "False", "FALSE"]);
const OLD_BOOLS = new Set([
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
]);
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_RE = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP_RE =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;

export type ResolvedTag = "null" | "bool" | "int" | "float" | "timestamp" | "str";

/** Go's integer literal syntax as accepted by strconv.ParseInt(s, 0, 64) after "_" removal. */
function isGoInt(s: string): boolean {
  return /^[-+]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/.test(s);
}

/** The tag the Go YAML resolver gives a plain scalar (YAML 1.2 core schema plus Go's extensions). */
export function resolvePlain(s: string): ResolvedTag {
  if (NULL_WORDS.has(s)) return "null";
  if (BOOL_WORDS.has(s)) return "bool";
  const c = s[0]!;
  if (c === ".") {
    if (/^\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s)) return "float";
  }
  if (/[0-9+\-.]/.test(c)) {
    if (/^[-+]\.(inf|Inf|INF)$/.test(s)) return "float";
    const p = s.replaceAll("_", "");
    if (isGoInt(p)) return "int";
    if (FLOAT_RE.test(p)) return "float";
    if (/^[0-9]/.test(s) && TIMESTAMP_RE.test(s)) return "timestamp";
  }
  return "str";
}

interface ScalarAnalysis {
  blockPlain: boolean;
  flowPlain: boolean;
  singleQuoted: boolean;
  blockAllowed: boolean;
  multiline: boolean;
}

function isPrintable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c === 0x0a || c === 0x09 || (c >= 0x20 && c <= 0x7e) || c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff);
}

/** A port of libyaml's yaml_emitter_analyze_scalar decisions. */
function analyze(value: string): ScalarAnalysis {
  if (value.length === 0) {
    return { blockPlain: false, flowPlain: false, singleQuoted: true, blockAllowed: false, multiline: false };
  }
  let flowInd = false, blockInd = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  if (value.startsWith("---") || value.startsWith("...")) {
    blockInd = true;
    flowInd = true;
  }
  const chars = Array.from(value);
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    const followedByWs = next === undefined || next === " " || next === "\t" || next === "\n" ||
      next === "\r";
    if (i === 0) {
      switch (ch) {
        case "#":
        case ",":
        case "[":
        case "]":
        case "{":
        case "}":
        case "&":
        case "*":
        case "!":
        case "|":
        case ">":
        case "'":
        case '"':
        case "%":
        case "@":
        case "`":
          flowInd = true;
          blockInd = true;
          break;
        case "?":
        case ":":
          flowInd = true;
          if (followedByWs) blockInd = true;
          break;
        case "-":
          if (followedByWs) {
            flowInd = true;
            blockInd = true;
          }
          break;
      }
    } else {
      switch (ch) {
        case ",":
        case "?":
        case "[":
        case "]":
        case "{":
        case "}":
          flowInd = true;
          break;
        case ":":
          flowInd = true;
          if (followedByWs) blockInd = true;
          break;
        case "#":
          if (precededByWs) {
            flowInd = true;
            blockInd = true;
          }
          break;
      }
    }
    if (!isPrintable(ch)) special = true;
    if (ch === "\n") lineBreaks = true;
    if (ch === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (ch === "\n" || ch === "\r") {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
  }
  const r: ScalarAnalysis = {
    blockPlain: true,
    flowPlain: true,
    singleQuoted: true,
    blockAllowed: true,
    multiline: lineBreaks,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    r.flowPlain = false;
    r.blockPlain = false;
  }
  if (trailingSpace) r.blockAllowed = false;
  if (breakSpace) {
    r.flowPlain = false;
    r.blockPlain = false;
    r.singleQuoted = false;
  }
  if (spaceBreak || special) {
    r.flowPlain = false;
    r.blockPlain = false;
    r.singleQuoted = false;
    r.blockAllowed = false;
  }
  if (lineBreaks) {
    r.flowPlain = false;
    r.blockPlain = false;
  }
  if (flowInd) r.flowPlain = false;
  if (blockInd) r.blockPlain = false;
  return r;
}

/** The node Go's encoder produces for a Go string value. */
export function stringNode(s: string): OutNode {
  if (s.includes("\n")) return { k: "scalar", text: s, style: "literal" };
  const tag = resolvePlain(s);
  const canPlain = tag === "str" && !BASE60_RE.test(s) && !OLD_BOOLS.has(s);
  if (!canPlain) return { k: "scalar", text: s, style: "double" };
  return { k: "scalar", text: s, style: "plain" };
}

function escapeDouble(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\0":
        out += "\\0";
        break;
      default:
        if (!isPrintable(ch) || c === 0xfeff) {
          if (c <= 0xff) out += "\\x" + c.toString(16).toUpperCase().padStart(2, "0");
          else if (c <= 0xffff) out += "\\u" + c.toString(16).toUpperCase().padStart(4, "0");
          else out += "\\U" + c.toString(16).toUpperCase().padStart(8, "0");
        } else out += ch;
    }
  }
  return '"' + out + '"';
}

class Emitter {
  out: string[] = [];
  constructor(readonly mode: EmitMode) {}

  get step(): number {
    return this.mode === "v3" ? 4 : 2;
  }

  /** Indentation for a block collection nested under a parent at `indent`. */
  childIndent(indent: number, insideSeqItem: boolean): number {
    if (this.mode === "v2") return indent + 2;
    if (insideSeqItem) return indent + 2;
    return this.step * Math.floor((indent + this.step) / this.step);
  }

  scalarText(n: Extract<OutNode, { k: "scalar" }>, simpleKey: boolean, indent: number): string {
    let style = n.style;
    const a = analyze(n.text);
    if (style === "plain") {
      if (!a.blockPlain || (n.text.length === 0 && simpleKey)) style = "single";
    }
    if (style === "literal" && (simpleKey || !a.blockAllowed)) style = "double";
    if (style === "single" && (!a.singleQuoted || (simpleKey && a.multiline))) style = "double";
    switch (style) {
      case "plain":
        return n.text;
      case "single":
        return "'" + n.text.replaceAll("'", "''") + "'";
      case "double":
        return escapeDouble(n.text);
      case "literal":
        return this.literal(n.text, indent);
    }
  }

  literal(s: string, indent: number): string {
    let chomp = "";
    if (!s.endsWith("\n")) chomp = "-";
    else if (s.length === 1 || s.endsWith("\n\n")) chomp = "+";
    const blockIndent = indent;
    let hint = "";
    if (s.startsWith(" ") || s.startsWith("\n")) hint = String(this.step);
    const lines = s.split("\n");
    if (s.endsWith("\n")) lines.pop();
    const pad = " ".repeat(blockIndent);
    return "|" + hint + chomp + "\n" + lines.map((l) => (l.length ? pad + l : "")).join("\n");
  }

  flow(n: OutNode): string {
    switch (n.k) {
      case "scalar": {
        const a = analyze(n.text);
        if (n.style === "plain" && a.flowPlain && n.text.length > 0) return n.text;
        if (n.style !== "double" && a.singleQuoted && !a.multiline) {
          return "'" + n.text.replaceAll("'", "''") + "'";
        }
        return escapeDouble(n.text);
      }
      case "seq":
        return "[" + n.items.map((i) => this.flow(i)).join(", ") + "]";
      case "map":
        return "{" + n.entries.map(([k, v]) => this.flow(k) + ": " + this.flow(v)).join(", ") + "}";
    }
  }

  isEmptyCollection(n: OutNode): boolean {
    return (n.k === "map" && n.entries.length === 0) || (n.k === "seq" && n.items.length === 0) ||
      ((n.k === "map" || n.k === "seq") && n.flow === true);
  }

  /** Writes the value after "key:" (or at document root when `prefix` is empty). */
  value(n: OutNode, indent: number, insideSeqItem: boolean): string {
    if (n.k === "scalar") {
      const literalIndent = this.childIndent(indent, insideSeqItem);
      return " " + this.scalarText(n, false, literalIndent);
    }
    if (this.isEmptyCollection(n)) return " " + this.flow(n);
    if (n.k === "map") {
      const ci = this.childIndent(indent, insideSeqItem);
      return "\n" + this.mapping(n, ci);
    }
    // sequence under a key
    const ci = this.mode === "v2" ? indent : this.childIndent(indent, insideSeqItem);
    return "\n" + this.sequence(n, ci);
  }

  mapping(n: Extract<OutNode, { k: "map" }>, indent: number, firstInline = false): string {
    const lines: string[] = [];
    n.entries.forEach(([k, v], i) => {
      const pad = i === 0 && firstInline ? "" : " ".repeat(indent);
      const key = k.k === "scalar" ? this.scalarText(k, true, indent) : this.flow(k);
      lines.push(pad + key + ":" + this.value(v, indent, false));
    });
    return lines.join("\n");
  }

  sequence(n: Extract<OutNode, { k: "seq" }>, indent: number): string {
    const lines: string[] = [];
    for (const item of n.items) {
      const pad = " ".repeat(indent);
      if (item.k === "scalar") {
        lines.push(pad + "- " + this.scalarText(item, false, indent + 2));
      } else if (this.isEmptyCollection(item)) {
        lines.push(pad + "- " + this.flow(item));
      } else if (item.k === "map") {
        // first level inside a sequence item: content starts right after "- "
        lines.push(pad + "- " + this.mappingInSeq(item, indent + 2));
      } else {
        lines.push(pad + "- " + this.sequence(item, indent + 2).trimStart());
      }
    }
    return lines.join("\n");
  }

  mappingInSeq(n: Extract<OutNode, { k: "map" }>, indent: number): string {
    const lines: string[] = [];
    n.entries.forEach(([k, v], i) => {
      const pad = i === 0 ? "" : " ".repeat(indent);
      const key = k.k === "scalar" ? this.scalarText(k, true, indent) : this.flow(k);
      lines.push(pad + key + ":" + this.valueInSeqMap(v, indent));
    });
    return lines.join("\n");
  }

  /** A value of a mapping that sits directly inside a sequence item. */
  valueInSeqMap(n: OutNode, indent: number): string {
    if (this.mode === "v2") return this.value(n, indent, false);
    // libyaml state: the mapping opened inside the sequence item was indented by +2; its own
    // children are aligned to the chosen indentation.
    return this.value(n, indent, false);
  }

  document(n: OutNode): string {
    if (n.k === "scalar") return this.scalarText(n, false, 0) + "\n";
    if (this.isEmptyCollection(n)) return this.flow(n) + "\n";
    if (n.k === "map") return this.mapping(n, 0) + "\n";
    return this.sequence(n, 0) + "\n";
  }
}

/** Emits one document (no leading "---"). */
export function emitDocument(n: OutNode, mode: EmitMode = "v3"): string {
  return new Emitter(mode).document(n);
}

/** Emits documents joined the way Talos' container encoder joins them ("---\n" between documents). */
export function emitDocuments(nodes: OutNode[], mode: EmitMode = "v3"): string {
  return nodes.map((n) => emitDocument(n, mode)).join("---\n");
}
