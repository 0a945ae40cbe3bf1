/**
 * YAML in with positions, YAML out deterministically.
 *
 * Reading keeps the parsed document so that validation issues can be mapped back to line and
 * column. Writing sorts mapping keys (as upstream's JSON round-trip did, which keeps byte-level
 * diffs against upstream output small) and quotes strings that a YAML 1.1 reader would take for
 * another type (`"yes"`, `"on"`, `"1"`), because Kubernetes tooling still reads YAML 1.1.
 */
import YAML, { type Document, isMap, isScalar, isSeq, LineCounter, type Node } from "yaml";
import { InputError, type SeamError } from "./errors.ts";

export interface SourceDoc {
  file: string;
  /** Parsed plain value of the document. */
  value: unknown;
  /** Line and column (1-based) of the node at `path`, or of the nearest ancestor that exists. */
  positionOf(path: readonly (string | number)[]): { line: number; column: number };
}

function _docErrors(file: string, doc: Document, lc: LineCounter): SeamError[] {
  return doc.errors.map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return new InputError(`invalid YAML: ${e.message.split("\n")[0]}`, {
      file,
      line: pos.line,
      column: pos.col,
      code: "YamlSyntax",
    });
  });
}

function _sourceDoc(file: string, doc: Document, lc: LineCounter): SourceDoc {
  return {
    file,
    value: doc.toJS({ maxAliasCount: 1000 }),
    positionOf(path) {
      let node: Node | null = doc.contents as Node | null;
      let best = node;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
          if (!pair) break;
          node = (pair.value as Node | null) ?? (pair.key as Node);
        } else if (isSeq(node) && typeof key === "number") {
          node = (node.items[key] as Node | undefined) ?? null;
        } else break;
        if (node === null) break;
        best = node;
      }
      const offset = best?.range?.[0] ?? 0;
      const p = lc.linePos(offset);
      return { line: p.line, column: p.col };
    },
  };
}

/** Parses one YAML document; syntax errors become InputErrors naming file, line and column. */
export function parseYamlDocument(text: string, file: string): SourceDoc {
  const lc = new LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) {
    return _sourceDoc(file, new YAML.Document(null), lc);
  }
  const real = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  for (const d of docs) {
    const errs = _docErrors(file, d, lc);
    if (errs.length > 0) throw errs[0]!;
  }
  if (real.length > 1) {
    const pos = lc.linePos(real[1]!.range[0]);
    throw new InputError("expected a single YAML document, found several", {
      file,
      line: pos.line,
      column: pos.col,
      hint: "split the file or remove the extra `---` separator",
    });
  }
  return _sourceDoc(file, real[0] ?? new YAML.Document(null), lc);
}

/** Parses a multi-document stream (manifests). Empty and comment-only documents are dropped. */
export function parseYamlStream(text: string, file: string): SourceDoc[] {
  const lc = new LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: SourceDoc[] = [];
  for (const d of list) {
    const errs = _docErrors(file, d, lc);
    if (errs.length > 0) throw errs[0]!;
    if (d.contents === null) continue;
    const sd = _sourceDoc(file, d, lc);
    if (sd.value === null || sd.value === undefined) continue;
    out.push(sd);
  }
  return out;
}

/** Reads and parses a single-document YAML file; a missing file is an InputError naming it. */
export async function readYamlFile(path: string): Promise<SourceDoc> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    const why = cause instanceof Deno.errors.NotFound ? "file not found" : "cannot read file";
    throw new InputError(why, { file: path, cause, code: "FileUnreadable" });
  }
  return parseYamlDocument(text, path);
}

const _YAML11_AMBIGUOUS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|~|[-+]?[0-9][0-9_:]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

function _sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(_sortDeep);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(_byteOrder)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = _sortDeep(v);
    }
    return out;
  }
  return value;
}

/** Byte-order comparison (code unit order), independent of locale. */
function _byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One document, keys sorted, no trailing `---`. Always ends with a newline. */
export function toYaml(value: unknown): string {
  const doc = new YAML.Document(_sortDeep(value), { version: "1.2" });
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string") {
        if (node.value.includes("\n")) node.type = "BLOCK_LITERAL";
        else if (_YAML11_AMBIGUOUS.test(node.value)) node.type = "QUOTE_DOUBLE";
      }
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true, blockQuote: "literal" });
}

/** Several documents, each preceded by a `---` line, with optional `#` header lines first. */
export function toYamlStream(values: readonly unknown[], header: readonly string[] = []): string {
  const head = header.map((h) => `# ${h}\n`).join("");
  return head + values.map((v) => `---\n${toYaml(v)}`).join("");
}
