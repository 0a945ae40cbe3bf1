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
  Scalar,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { InputError } from "../../shared/errors.ts";
import type { Branch, Comment, Leaf, ListNode, MapEntry, MapNode, Node } from "./tree.ts";
import { goResolvePlain, goTimestamp } from "./go_yaml.ts";
import { emitGoYaml } from "./go_yaml_emit.ts";

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

export interface YamlEmitOptions {
  /** Spaces per level; sops' default is 4. */
  indent?: number;
}

/**
 * Writes branches as a YAML stream the way sops does (go-yaml v3 with `SetIndent`; documents
 * separated by `---`), byte for byte: see go_yaml_emit.ts.
 */
export function emitYaml(branches: readonly Branch[], opts: YamlEmitOptions = {}): string {
  if (branches.length === 0) return "{}\n";
  return emitGoYaml(branches, opts.indent ?? 4);
}
