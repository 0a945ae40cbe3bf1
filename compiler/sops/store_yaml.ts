/**
 * YAML store: text ↔ tree branches (one per document), keeping key order, scalar types and
 * comments (as comment items of their container, the way sops' go-yaml store does).
 *
 * Output follows the sops CLI: 4-space indentation, sequences indented under their key, literal
 * blocks for multi-line strings (renderers.md §5.1). Strings a YAML 1.1 reader (go-yaml, kubectl)
 * would take for another type, timestamps included, are double-quoted.
 */
import YAML, {
  Alias,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { InputError } from "../../shared/errors.ts";
import type { Branch, Comment, Leaf, ListNode, MapEntry, MapNode, Node } from "./tree.ts";
import { isComment } from "./tree.ts";
import { goResolvePlain, goTimestamp } from "./go_yaml.ts";

type YNode = unknown;

function commentItems(text: string | null | undefined, inline = false): Comment[] {
  if (text === null || text === undefined) return [];
  return text.split("\n").map((
    v,
  ) => (inline ? { t: "comment" as const, v, inline: true } : { t: "comment" as const, v }));
}

function scalarLeaf(s: Scalar): Leaf {
  const v = s.value;
  const source = (s as { source?: unknown }).source;
  if (s.type === "PLAIN" && !s.tag && typeof source === "string") return goResolvePlain(source);
  if (s.tag === "tag:yaml.org,2002:timestamp" && typeof source === "string") {
    const ts = goTimestamp(source);
    if (ts !== undefined) return { t: "time", v: ts };
  }
  if (v === null || v === undefined) return { t: "null" };
  if (typeof v === "boolean") return { t: "bool", v };
  if (typeof v === "bigint") return { t: "int", v: v.toString() };
  if (typeof v === "number") {
    if (s.format === "HEX" || s.format === "OCT") return { t: "int", v: String(v) };
    return { t: "float", v };
  }
  if (v instanceof Uint8Array) return { t: "bytes", v };
  return { t: "str", v: String(v) };
}

class Loader {
  constructor(readonly doc: Document.Parsed, readonly file: string, readonly lc: LineCounter) {}

  fail(message: string, node: { range?: unknown } | null | undefined): never {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const pos = range ? this.lc.linePos(range[0]) : undefined;
    throw new InputError(message, { file: this.file, line: pos?.line, column: pos?.col, code: "SopsYaml" });
  }

  resolve(n: YNode): YNode {
    let cur = n;
    for (let i = 0; i < 100 && isAlias(cur); i++) cur = (cur as Alias).resolve(this.doc);
    if (isAlias(cur) || cur === undefined) this.fail("unresolvable alias", n as Alias);
    return cur;
  }

  value(n: YNode): Node {
    if (n === null || n === undefined) return { t: "null" };
    const r = this.resolve(n);
    if (isMap(r)) return this.map(r);
    if (isSeq(r)) return this.seq(r);
    if (isScalar(r)) return scalarLeaf(r);
    return this.fail("unsupported YAML node", r as { range?: unknown });
  }

  map(m: YAMLMap): MapNode {
    const items: (MapEntry | Comment)[] = [];
    items.push(...commentItems(m.commentBefore));
    for (const p of m.items) {
      if (!isPair(p)) continue;
      const k = p.key as YNode;
      let key: string;
      if (isScalar(k)) {
        items.push(...commentItems(k.commentBefore));
        items.push(...commentItems(k.comment));
        key = k.value === null || k.value === undefined ? "" : String(k.value);
      } else {
        return this.fail("only scalar mapping keys are supported", k as { range?: unknown });
      }
      const v = p.value as YNode;
      if (isScalar(v) || isAlias(v)) {
        items.push(...commentItems((v as Scalar).commentBefore));
        items.push(...commentItems((v as Scalar).comment, true));
      }
      items.push({ key, value: this.value(v) });
    }
    items.push(...commentItems(m.comment));
    return { t: "map", items };
  }

  seq(s: YAMLSeq): ListNode {
    const items: (Node | Comment)[] = [];
    items.push(...commentItems(s.commentBefore));
    for (const it of s.items) {
      const n = it as YNode;
      if (isScalar(n) || isAlias(n)) {
        items.push(...commentItems((n as Scalar).commentBefore));
        items.push(...commentItems((n as Scalar).comment, true));
      }
      items.push(this.value(n));
    }
    items.push(...commentItems(s.comment));
    return { t: "list", items };
  }

  branch(): Branch {
    const c = this.doc.contents as YNode;
    const head = commentItems(this.doc.commentBefore);
    const foot = commentItems(this.doc.comment);
    if (c === null || c === undefined || (isScalar(c) && c.value === null)) {
      return { t: "map", items: [...head, ...foot] };
    }
    const r = this.resolve(c);
    if (!isMap(r)) {
      this.fail("the top level of a SOPS YAML document must be a mapping", r as { range?: unknown });
    }
    const m = this.map(r as YAMLMap);
    return { t: "map", items: [...head, ...m.items, ...foot] };
  }
}

/** Parses a YAML stream into branches (one per document). */
export function loadYaml(text: string, file = "<yaml>"): Branch[] {
  const lc = new LineCounter();
  const docs = YAML.parseAllDocuments(text, {
    lineCounter: lc,
    prettyErrors: false,
    intAsBigInt: true,
    uniqueKeys: true,
  });
  const list = Array.isArray(docs) ? docs : [];
  const out: Branch[] = [];
  for (const d of list) {
    if (d.errors.length > 0) {
      const e = d.errors[0]!;
      const pos = lc.linePos(e.pos[0]);
      throw new InputError(`invalid YAML: ${e.message.split("\n")[0]}`, {
        file,
        line: pos.line,
        column: pos.col,
        code: "YamlSyntax",
      });
    }
    out.push(new Loader(d, file, lc).branch());
  }
  return out;
}

const YAML11_AMBIGUOUS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?[0-9][0-9_:]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|=|<<)$/;
const TIMESTAMP = /^\d{4}-\d\d?-\d\d?([Tt ]|$)/;

function joinComments(cs: Comment[]): string {
  return cs.map((c) => c.v).join("\n");
}

function leafNode(doc: Document, l: Leaf): Scalar {
  switch (l.t) {
    case "null":
      return doc.createNode(null) as Scalar;
    case "bool":
      return doc.createNode(l.v) as Scalar;
    case "int": {
      const s = new Scalar(BigInt(l.v));
      return s;
    }
    case "float": {
      const s = new Scalar(l.v);
      if (Number.isInteger(l.v)) s.minFractionDigits = 1;
      return s;
    }
    case "time":
      return new Scalar(l.v);
    case "bytes":
      return stringNode(new TextDecoder().decode(l.v));
    case "str":
      return stringNode(l.v);
  }
}

function stringNode(v: string): Scalar {
  const s = new Scalar(v);
  if (v.includes("\n")) {
    // Literal blocks cannot carry trailing spaces on lines or a leading space reliably; let the
    // library pick a double-quoted form then.
    s.type = /(^|\n)[ \t]|[ \t](\n|$)/.test(v) ? "QUOTE_DOUBLE" : "BLOCK_LITERAL";
  } else if (YAML11_AMBIGUOUS.test(v) || TIMESTAMP.test(v) || (v !== "" && goResolvePlain(v).t !== "str")) {
    s.type = "QUOTE_DOUBLE";
  }
  return s;
}

function buildNode(doc: Document, n: Node): unknown {
  if (n.t === "map") return buildMap(doc, n);
  if (n.t === "list") return buildSeq(doc, n);
  return leafNode(doc, n);
}

function buildMap(doc: Document, m: MapNode): YAMLMap {
  const out = new YAMLMap();
  let head: Comment[] = [];
  let inline: Comment[] = [];
  let beginning = true;
  for (const item of m.items) {
    if (isComment(item)) {
      (item.inline ? inline : head).push(item);
      continue;
    }
    const key = stringNode(item.key);
    if (beginning && head.length > 0 && out.items.length === 0) {
      key.commentBefore = joinComments(head);
      head = [];
    } else if (head.length > 0) {
      key.commentBefore = joinComments(head);
      head = [];
    }
    beginning = false;
    const value = buildNode(doc, item.value) as Scalar | YAMLMap | YAMLSeq;
    if (inline.length > 0) {
      if (isScalar(value)) value.comment = joinComments(inline);
      else key.comment = joinComments(inline);
      inline = [];
    }
    out.items.push(new Pair(key, value));
  }
  const rest = [...head, ...inline];
  if (rest.length > 0) {
    if (out.items.length === 0) out.commentBefore = joinComments(rest);
    else out.comment = joinComments(rest);
  }
  return out;
}

function buildSeq(doc: Document, l: ListNode): YAMLSeq {
  const out = new YAMLSeq();
  let head: Comment[] = [];
  let inline: Comment[] = [];
  for (const item of l.items) {
    if (isComment(item)) {
      (item.inline ? inline : head).push(item);
      continue;
    }
    const node = buildNode(doc, item) as Scalar | YAMLMap | YAMLSeq;
    if (head.length > 0) {
      node.commentBefore = joinComments(head);
      head = [];
    }
    if (inline.length > 0) {
      if (isScalar(node)) node.comment = joinComments(inline);
      else node.commentBefore = [node.commentBefore, joinComments(inline)].filter(Boolean).join("\n");
      inline = [];
    }
    out.items.push(node);
  }
  const rest = [...head, ...inline];
  if (rest.length > 0) {
    if (out.items.length === 0) out.commentBefore = joinComments(rest);
    else out.comment = joinComments(rest);
  }
  return out;
}

export interface YamlEmitOptions {
  /** Spaces per level; sops' default is 4. */
  indent?: number;
}

/** Writes branches as a YAML stream (documents separated by `---` when there are several). */
export function emitYaml(branches: readonly Branch[], opts: YamlEmitOptions = {}): string {
  const indent = opts.indent ?? 4;
  const parts = branches.map((b) => {
    const doc = new Document(null, { version: "1.2" });
    doc.contents = buildMap(doc, b) as unknown as typeof doc.contents;
    return doc.toString({
      indent,
      indentSeq: true,
      lineWidth: 0,
      minContentWidth: 0,
      blockQuote: "literal",
      nullStr: "null",
    });
  });
  if (parts.length <= 1) return parts[0] ?? "{}\n";
  return parts.join("---\n");
}
