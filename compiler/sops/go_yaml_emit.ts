/**
 * YAML output as `sops` writes it: the sops YAML store turns a tree into go-yaml v3 nodes
 * (stores/yaml/store.go: appendTreeBranch / appendSequence, comments as head/line/foot comments,
 * every value through `Node.Encode`), and go-yaml v3's encoder (go.yaml.in/yaml/v3 encode.go
 * `node`) feeds its emitter (emitterc.go) with `SetIndent(4)`. This is a port of the parts of
 * that pipeline a sops tree can reach — block mappings and sequences, `{}`/`[]` for empty ones,
 * scalar style selection (`yaml_emitter_analyze_scalar`, `yaml_emitter_select_scalar_style`),
 * literal blocks with indentation and chomping indicators, quoting, and comment placement — so
 * the text is byte-identical to `sops -d` / `sops -e` output.
 */
import type { Branch, Comment, Leaf, ListNode, MapNode, Node } from "./tree.ts";
import { isComment } from "./tree.ts";
import { goResolvePlain } from "./go_yaml.ts";
import { goYamlEscape } from "../go_yaml/escape.ts";

// ---- scalar styles ----
const PLAIN = 1, SINGLE = 2, DOUBLE = 3, LITERAL = 4;
type Style = typeof PLAIN | typeof SINGLE | typeof DOUBLE | typeof LITERAL;

// ---- character classes (emitterc.go / yamlprivateh.go on code points) ----
const isBreak = (c: number | undefined) =>
  c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number | undefined) => c === 0x20;
const isBlank = (c: number | undefined) => c === 0x20 || c === 0x09;
/** `is_blankz`: blank, break, NUL or end of input. */
const isBlankz = (c: number | undefined) => c === undefined || c === 0 || isBlank(c) || isBreak(c);
/** `is_printable` (UTF-8 form): no C0/C1 controls but LF, no surrogates, no BOM, nothing past U+FFFD. */
function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

/** Go `strconv.FormatFloat(f, 'g', -1, 64)`. */
export function goFormatFloatG(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(f.toExponential())!;
  const sign = m[1]!, digits = m[2]! + (m[3] ?? ""), exp = Number(m[4]);
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" + ae : ae}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** `yaml_emitter_analyze_scalar`. */
function analyzeScalar(cps: readonly number[]): ScalarAnalysis {
  const n = cps.length;
  if (n === 0) {
    return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  }
  let blockInd = false, flowInd = false, lineBreaks = false, special = false, tabs = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  if (
    n >= 3 && ((cps[0] === 0x2d && cps[1] === 0x2d && cps[2] === 0x2d) ||
      (cps[0] === 0x2e && cps[1] === 0x2e && cps[2] === 0x2e))
  ) {
    blockInd = true;
    flowInd = true;
  }
  let precededByWs = true;
  for (let i = 0; i < n; i++) {
    const c = cps[i]!;
    const followedByWs = i + 1 >= n || isBlank(cps[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) {
        flowInd = true;
        blockInd = true;
      } else if (ch === "?" || ch === ":") {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (ch === "-" && followedByWs) {
        flowInd = true;
        blockInd = true;
      }
    } else {
      if (",?[]{}".includes(ch)) flowInd = true;
      else if (ch === ":") {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (ch === "#" && precededByWs) {
        flowInd = true;
        blockInd = true;
      }
    }
    if (c === 0x09) tabs = true;
    else if (!isPrintable(c)) special = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
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
    precededByWs = isBlankz(c);
  }
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || tabs || special) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

/** `yaml_emitter_select_scalar_style` for an untagged (implicit) scalar. */
function selectStyle(
  requested: Style,
  a: ScalarAnalysis,
  empty: boolean,
  flow: boolean,
  simpleKey: boolean,
): Style {
  let style = requested;
  if (simpleKey && a.multiline) style = DOUBLE;
  if (style === PLAIN) {
    if ((flow && !a.flowPlain) || (!flow && !a.blockPlain)) style = SINGLE;
    if (empty && (flow || simpleKey)) style = SINGLE;
  }
  if (style === SINGLE && !a.singleQuoted) style = DOUBLE;
  if (style === LITERAL && (!a.block || flow || simpleKey)) style = DOUBLE;
  return style;
}

const OLD_BOOL = new Set(
  ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"],
);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * A Go string through `Node.Encode` (encode.go `stringv`, then the emitter at the document root,
 * then parsed back): the style the node keeps.
 */
function encodedStringStyle(s: string): Style {
  const canUsePlain = s !== "" && s !== "<<" && goResolvePlain(s).t === "str" && !BASE60_FLOAT.test(s) &&
    !OLD_BOOL.has(s);
  const requested: Style = s.includes("\n") ? LITERAL : canUsePlain ? PLAIN : DOUBLE;
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  return selectStyle(requested, analyzeScalar(cps), s.length === 0, false, false);
}

function utf8Length(cps: readonly number[]): number {
  let n = 0;
  for (const c of cps) n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  return n;
}

// ---- go-yaml nodes as the sops store builds them ----
interface GNode {
  kind: "map" | "seq" | "scalar";
  value: string;
  /** Style of a scalar as `Node.Encode` leaves it (PLAIN = no style bits). */
  style: Style;
  head: string;
  line: string;
  foot: string;
  content: GNode[];
}

const gnode = (kind: GNode["kind"], value = "", style: Style = PLAIN): GNode => ({
  kind,
  value,
  style,
  head: "",
  line: "",
  foot: "",
  content: [],
});

function stringScalar(s: string): GNode {
  return gnode("scalar", s, encodedStringStyle(s));
}

function leafScalar(l: Leaf): GNode {
  switch (l.t) {
    case "str":
      return stringScalar(l.v);
    case "bytes":
      return stringScalar(new TextDecoder().decode(l.v));
    case "null":
      return gnode("scalar", "null");
    case "bool":
      return gnode("scalar", l.v ? "true" : "false");
    case "int":
      return gnode("scalar", l.v);
    case "float": {
      const s = goFormatFloatG(l.v);
      return gnode("scalar", s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s);
    }
    case "time":
      return gnode("scalar", l.v);
  }
}

function treeValueToNode(n: Node): GNode {
  if (n.t === "map") {
    const m = gnode("map");
    appendTreeBranch(n, m);
    return m;
  }
  if (n.t === "list") {
    const s = gnode("seq");
    appendSequence(n, s);
    return s;
  }
  return leafScalar(n);
}

const joined = (cs: string[]) => "#" + cs.join("\n#");

function addHead(node: GNode, cs: string[]): string[] {
  if (cs.length > 0) node.head = node.head ? joined(cs) + "\n" + node.head : joined(cs);
  return [];
}
function addFoot(node: GNode, cs: string[]): string[] {
  if (cs.length > 0) node.foot = node.foot ? node.foot + "\n" + joined(cs) : joined(cs);
  return [];
}
function addLine(node: GNode, cs: string[]): string[] {
  if (cs.length > 0) node.line = node.line ? node.line + "\n" + joined(cs) : joined(cs);
  return [];
}

function appendSequence(l: ListNode, seq: GNode): void {
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const item of l.items) {
    if (isComment(item)) {
      ((item as Comment).inline ? inline : head).push((item as Comment).v);
      continue;
    }
    if (beginning) {
      head = addHead(seq, head);
      beginning = false;
    }
    const node = treeValueToNode(item as Node);
    head = addHead(node, head);
    inline = addLine(node, inline);
    seq.content.push(node);
  }
  head = [...head, ...inline];
  if (head.length > 0) {
    if (beginning) addHead(seq, head);
    else addFoot(seq.content[seq.content.length - 1]!, head);
  }
}

function appendTreeBranch(m: MapNode, mapping: GNode): void {
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const item of m.items) {
    if (isComment(item)) {
      (item.inline ? inline : head).push(item.v);
      continue;
    }
    if (beginning) {
      head = addHead(mapping, head);
      beginning = false;
    }
    const key = stringScalar(item.key);
    head = addHead(key, head);
    const value = treeValueToNode(item.value);
    inline = addLine(value, inline);
    mapping.content.push(key, value);
  }
  head = [...head, ...inline];
  if (head.length > 0) {
    if (beginning) addHead(mapping, head);
    else addFoot(mapping.content[mapping.content.length - 2]!, head);
  }
}

// ---- events (encode.go `node`) ----
type EvType = "doc-start" | "doc-end" | "seq-start" | "seq-end" | "map-start" | "map-end" | "scalar";
interface Event {
  type: EvType;
  value: string;
  style: Style;
  implicit: boolean;
  head: string;
  line: string;
  foot: string;
  tail: string;
}

function ev(type: EvType, c: Partial<Event> = {}): Event {
  return { type, value: "", style: PLAIN, implicit: true, head: "", line: "", foot: "", tail: "", ...c };
}

function nodeEvents(node: GNode, tail: string, out: Event[]): void {
  switch (node.kind) {
    case "seq":
      out.push(ev("seq-start", { head: node.head }));
      for (const c of node.content) nodeEvents(c, "", out);
      out.push(ev("seq-end", { line: node.line, foot: node.foot }));
      return;
    case "map": {
      out.push(ev("map-start", { tail, head: node.head }));
      let t = "";
      for (let i = 0; i + 1 < node.content.length; i += 2) {
        let k = node.content[i]!;
        const foot = k.foot;
        if (foot !== "") k = { ...k, foot: "" };
        nodeEvents(k, t, out);
        t = foot;
        nodeEvents(node.content[i + 1]!, "", out);
      }
      out.push(ev("map-end", { tail: t, line: node.line, foot: node.foot }));
      return;
    }
    case "scalar": {
      const style = node.style !== PLAIN ? node.style : node.value.includes("\n") ? LITERAL : PLAIN;
      out.push(
        ev("scalar", { value: node.value, style, head: node.head, line: node.line, foot: node.foot, tail }),
      );
      return;
    }
  }
}

// ---- the emitter (emitterc.go) ----
type State =
  | "stream-start"
  | "first-doc-start"
  | "doc-start"
  | "doc-content"
  | "doc-end"
  | "flow-seq-first"
  | "flow-seq-item"
  | "flow-map-first"
  | "flow-map-key"
  | "block-seq-first"
  | "block-seq-item"
  | "block-map-first"
  | "block-map-key"
  | "block-map-simple-value"
  | "block-map-value"
  | "end";

class Emitter {
  out: string[] = [];
  bestIndent: number;
  state: State = "first-doc-start";
  states: State[] = [];
  indent = -1;
  indents: number[] = [];
  flowLevel = 0;
  column = 0;
  whitespace = true;
  indention = true;
  openEnded = false;
  footIndent = -1;
  rootCtx = false;
  seqCtx = false;
  mapCtx = false;
  simpleKeyCtx = false;
  headComment = "";
  lineComment = "";
  footComment = "";
  tailComment = "";
  keyLineComment = "";
  scalar: { value: number[]; a: ScalarAnalysis; style: Style } = {
    value: [],
    a: analyzeScalar([]),
    style: PLAIN,
  };
  events: Event[] = [];
  head = 0;

  constructor(indent: number) {
    this.bestIndent = indent < 2 || indent > 9 ? 2 : indent;
  }

  run(events: Event[]): string {
    this.events = events;
    for (this.head = 0; this.head < events.length; this.head++) {
      const e = events[this.head]!;
      this.analyzeEvent(e);
      this.dispatch(e);
    }
    return this.out.join("");
  }

  // -- output primitives --
  put(s: string): void {
    this.out.push(s);
    this.column++;
  }
  putBreak(): void {
    this.out.push("\n");
    this.column = 0;
    this.indention = true;
  }
  write(cp: number): void {
    this.out.push(String.fromCodePoint(cp));
    this.column++;
  }
  writeAll(s: string): void {
    for (const ch of s) this.write(ch.codePointAt(0)!);
  }
  writeBreak(cp: number): void {
    if (cp === 0x0a) this.putBreak();
    else {
      this.write(cp);
      this.column = 0;
      this.indention = true;
    }
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    if (this.footIndent === indent) this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.footIndent = -1;
  }

  writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(" ");
    this.writeAll(ind);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  writeComment(comment: string): void {
    let breaks = false, pound = false;
    for (const ch of comment) {
      const c = ch.codePointAt(0)!;
      if (isBreak(c)) {
        this.writeBreak(c);
        breaks = true;
        pound = false;
      } else {
        if (breaks) this.writeIndent();
        if (!pound) {
          if (ch !== "#") {
            this.put("#");
            this.put(" ");
          }
          pound = true;
        }
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
    if (!breaks) this.putBreak();
    this.whitespace = true;
  }

  processHeadComment(): void {
    if (this.tailComment.length > 0) {
      this.writeIndent();
      this.writeComment(this.tailComment);
      this.tailComment = "";
      this.footIndent = Math.max(this.indent, 0);
    }
    if (this.headComment.length === 0) return;
    this.writeIndent();
    this.writeComment(this.headComment);
    this.headComment = "";
  }

  processLineComment(linebreak = false): void {
    if (this.lineComment.length === 0) {
      if (linebreak) this.putBreak();
      return;
    }
    if (!this.whitespace) this.put(" ");
    this.writeComment(this.lineComment);
    this.lineComment = "";
  }

  processFootComment(): void {
    if (this.footComment.length === 0) return;
    this.writeIndent();
    this.writeComment(this.footComment);
    this.footComment = "";
    this.footIndent = Math.max(this.indent, 0);
  }

  increaseIndent(flow: boolean, indentless: boolean, compactSeq = false): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (!indentless) {
      if (this.states[this.states.length - 1] === "block-seq-item") this.indent += 2;
      else {
        this.indent = this.bestIndent * Math.trunc((this.indent + this.bestIndent) / this.bestIndent);
        if (compactSeq) this.indent -= 2;
      }
    }
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }
  popState(): void {
    this.state = this.states.pop()!;
  }

  analyzeEvent(e: Event): void {
    this.scalar.value = [];
    if (e.head) this.headComment = e.head;
    if (e.line) this.lineComment = e.line;
    if (e.foot) this.footComment = e.foot;
    if (e.tail) this.tailComment = e.tail;
    if (e.type === "scalar") {
      this.scalar.value = Array.from(e.value, (ch) => ch.codePointAt(0)!);
      this.scalar.a = analyzeScalar(this.scalar.value);
    }
  }

  next(offset: number): Event | undefined {
    return this.events[this.head + offset];
  }
  checkEmptySequence(): boolean {
    return this.next(0)?.type === "seq-start" && this.next(1)?.type === "seq-end";
  }
  checkEmptyMapping(): boolean {
    return this.next(0)?.type === "map-start" && this.next(1)?.type === "map-end";
  }
  checkSimpleKey(): boolean {
    const e = this.next(0)!;
    switch (e.type) {
      case "scalar":
        return !this.scalar.a.multiline && utf8Length(this.scalar.value) <= 128;
      case "seq-start":
        return this.checkEmptySequence();
      case "map-start":
        return this.checkEmptyMapping();
      default:
        return false;
    }
  }

  dispatch(e: Event): void {
    switch (this.state) {
      case "first-doc-start":
        return this.docStart(e, true);
      case "doc-start":
        return this.docStart(e, false);
      case "doc-content":
        return this.docContent(e);
      case "doc-end":
        return this.docEnd(e);
      case "flow-seq-first":
        return this.flowSeqItem(e, true);
      case "flow-seq-item":
        return this.flowSeqItem(e, false);
      case "flow-map-first":
        return this.flowMapKey(e, true);
      case "flow-map-key":
        return this.flowMapKey(e, false);
      case "block-seq-first":
        return this.blockSeqItem(e, true);
      case "block-seq-item":
        return this.blockSeqItem(e, false);
      case "block-map-first":
        return this.blockMapKey(e, true);
      case "block-map-key":
        return this.blockMapKey(e, false);
      case "block-map-simple-value":
        return this.blockMapValue(e, true);
      case "block-map-value":
        return this.blockMapValue(e, false);
      default:
        throw new Error(`go-yaml emitter: unexpected event ${e.type} in state ${this.state}`);
    }
  }

  docStart(e: Event, first: boolean): void {
    if (e.type !== "doc-start") throw new Error("go-yaml emitter: expected DOCUMENT-START");
    if (!first) {
      this.writeIndent();
      this.writeIndicator("---", true, false, false);
      this.writeIndent();
    }
    if (this.headComment.length > 0) {
      this.processHeadComment();
      this.putBreak();
    }
    this.state = "doc-content";
  }

  docContent(e: Event): void {
    this.states.push("doc-end");
    this.processHeadComment();
    this.emitNode(e, true, false, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  docEnd(e: Event): void {
    if (e.type !== "doc-end") throw new Error("go-yaml emitter: expected DOCUMENT-END");
    this.footIndent = 0;
    this.processFootComment();
    this.footIndent = -1;
    this.writeIndent();
    this.state = "doc-start";
  }

  flowSeqItem(e: Event, first: boolean): void {
    if (first) {
      this.writeIndicator("[", true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === "seq-end") {
      this.flowLevel--;
      this.popIndent();
      if (this.column === 0) this.writeIndent();
      this.writeIndicator("]", false, false, false);
      this.processLineComment();
      this.processFootComment();
      this.popState();
      return;
    }
    throw new Error("go-yaml emitter: flow sequences with items are not produced by the sops store");
  }

  flowMapKey(e: Event, first: boolean): void {
    if (first) {
      this.writeIndicator("{", true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === "map-end") {
      this.processHeadComment();
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator("}", false, false, false);
      this.processLineComment();
      this.processFootComment();
      this.popState();
      return;
    }
    throw new Error("go-yaml emitter: flow mappings with items are not produced by the sops store");
  }

  blockSeqItem(e: Event, first: boolean): void {
    if (first) this.increaseIndent(false, false, false);
    if (e.type === "seq-end") {
      this.popIndent();
      this.popState();
      return;
    }
    this.processHeadComment();
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push("block-seq-item");
    this.emitNode(e, false, true, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  blockMapKey(e: Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    this.processHeadComment();
    if (e.type === "map-end") {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.lineComment.length > 0) {
      this.keyLineComment = this.lineComment;
      this.lineComment = "";
    }
    if (this.checkSimpleKey()) {
      this.states.push("block-map-simple-value");
      this.emitNode(e, false, false, true, true);
      return;
    }
    this.writeIndicator("?", true, false, true);
    this.states.push("block-map-value");
    this.emitNode(e, false, false, true, false);
  }

  blockMapValue(e: Event, simple: boolean): void {
    if (simple) this.writeIndicator(":", false, false, false);
    else {
      this.writeIndent();
      this.writeIndicator(":", true, false, true);
    }
    if (this.keyLineComment.length > 0) {
      if (e.type === "scalar") {
        if (this.lineComment.length === 0) {
          this.lineComment = this.keyLineComment;
          this.keyLineComment = "";
        }
      } else if (e.type === "map-start" || e.type === "seq-start") {
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
        this.processLineComment();
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
      }
    }
    this.states.push("block-map-key");
    this.emitNode(e, false, false, true, false);
    this.processLineComment();
    this.processFootComment();
  }

  emitNode(e: Event, root: boolean, seq: boolean, map: boolean, simpleKey: boolean): void {
    this.rootCtx = root;
    this.seqCtx = seq;
    this.mapCtx = map;
    this.simpleKeyCtx = simpleKey;
    switch (e.type) {
      case "scalar":
        return this.emitScalar(e);
      case "seq-start":
        this.state = this.flowLevel > 0 || this.checkEmptySequence() ? "flow-seq-first" : "block-seq-first";
        return;
      case "map-start":
        this.state = this.flowLevel > 0 || this.checkEmptyMapping() ? "flow-map-first" : "block-map-first";
        return;
      default:
        throw new Error(`go-yaml emitter: expected a node, got ${e.type}`);
    }
  }

  emitScalar(e: Event): void {
    const style = selectStyle(
      e.style,
      this.scalar.a,
      this.scalar.value.length === 0,
      this.flowLevel > 0,
      this.simpleKeyCtx,
    );
    this.increaseIndent(true, false);
    const v = this.scalar.value;
    switch (style) {
      case PLAIN:
        this.writePlain(v, !this.simpleKeyCtx);
        break;
      case SINGLE:
        this.writeSingle(v);
        break;
      case DOUBLE:
        this.writeDouble(v);
        break;
      case LITERAL:
        this.writeLiteral(v);
        break;
    }
    this.popIndent();
    this.popState();
  }

  // Lines are never folded (sops leaves the width unlimited), so the `allow_breaks` branches of
  // the writers below never fire.
  writePlain(v: number[], _allowBreaks: boolean): void {
    if (v.length > 0 && !this.whitespace) this.put(" ");
    let breaks = false;
    for (const c of v) {
      if (isSpace(c)) this.write(c);
      else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
    if (v.length > 0) this.whitespace = false;
    this.indention = false;
    if (this.rootCtx) this.openEnded = true;
  }

  writeSingle(v: number[]): void {
    this.writeIndicator("'", true, false, false);
    let breaks = false;
    for (const c of v) {
      if (isSpace(c)) this.write(c);
      else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeDouble(v: number[]): void {
    this.writeIndicator('"', true, false, false);
    for (const c of v) {
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put("\\");
        for (const ch of goYamlEscape(c)) this.put(ch);
      } else this.write(c);
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeBlockHints(v: number[]): void {
    if (isSpace(v[0]) || isBreak(v[0])) this.writeIndicator(String(this.bestIndent), false, false, false);
    this.openEnded = false;
    let chomp = "";
    if (v.length === 0) chomp = "-";
    else {
      const n = v.length;
      if (!isBreak(v[n - 1])) chomp = "-";
      else if (n === 1) {
        chomp = "+";
        this.openEnded = true;
      } else if (isBreak(v[n - 2])) {
        chomp = "+";
        this.openEnded = true;
      }
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }

  writeLiteral(v: number[]): void {
    this.writeIndicator("|", true, false, false);
    this.writeBlockHints(v);
    this.processLineComment(true);
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreak(c)) {
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/**
 * Writes branches as sops does (`EmitPlainFile`: one go-yaml document per branch through one
 * `yaml.Encoder` with `SetIndent(indent)`).
 */
export function emitGoYaml(branches: readonly Branch[], indent = 4): string {
  const events: Event[] = [];
  for (const b of branches) {
    const mapping = gnode("map");
    appendTreeBranch(b, mapping);
    events.push(ev("doc-start"));
    nodeEvents(mapping, "", events);
    events.push(ev("doc-end"));
  }
  return new Emitter(indent).run(events);
}
