/**
 * JSON store (order-preserving, integers vs floats kept), dotenv store and binary store
 * (renderers.md §5.1, §5.7).
 */
import { InputError } from "../../shared/errors.ts";
import type { Branch, MapEntry, Node } from "./tree.ts";
import { entries, formatGoFloat, isComment } from "./tree.ts";

// ---------------------------------------------------------------------------------------------
// JSON

class JsonParser {
  i = 0;
  constructor(readonly s: string, readonly file: string) {}

  fail(msg: string): never {
    const before = this.s.slice(0, this.i);
    const line = before.split("\n").length;
    const column = this.i - before.lastIndexOf("\n");
    throw new InputError(`invalid JSON: ${msg}`, { file: this.file, line, column, code: "JsonSyntax" });
  }

  ws() {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i]!)) this.i++;
  }

  value(): Node {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return { t: "str", v: this.string() };
    if (this.s.startsWith("true", this.i)) return this.i += 4, { t: "bool", v: true };
    if (this.s.startsWith("false", this.i)) return this.i += 5, { t: "bool", v: false };
    if (this.s.startsWith("null", this.i)) return this.i += 4, { t: "null" };
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail(`unexpected ${c === undefined ? "end of input" : JSON.stringify(c)}`);
    this.i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const big = BigInt(m[0]);
      if (big >= -(2n ** 63n) && big < 2n ** 63n) return { t: "int", v: big.toString() };
    }
    return { t: "float", v: Number(m[0]) };
  }

  string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === "\\") this.i += 2;
      else if (c === '"') break;
      else this.i++;
    }
    if (this.i >= this.s.length) this.fail("unterminated string");
    this.i++;
    try {
      return JSON.parse(this.s.slice(start, this.i));
    } catch {
      this.i = start;
      return this.fail("invalid string");
    }
  }

  object(): Node {
    this.i++;
    const items: MapEntry[] = [];
    const seen = new Set<string>();
    this.ws();
    if (this.s[this.i] === "}") return this.i++, { t: "map", items };
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("expected a string key");
      const key = this.string();
      if (seen.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      seen.add(key);
      this.ws();
      if (this.s[this.i] !== ":") this.fail("expected ':'");
      this.i++;
      items.push({ key, value: this.value() });
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "}") return this.i++, { t: "map", items };
      this.fail("expected ',' or '}'");
    }
  }

  array(): Node {
    this.i++;
    const items: Node[] = [];
    this.ws();
    if (this.s[this.i] === "]") return this.i++, { t: "list", items };
    for (;;) {
      items.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "]") return this.i++, { t: "list", items };
      this.fail("expected ',' or ']'");
    }
  }
}

export function loadJson(text: string, file = "<json>"): Branch[] {
  const p = new JsonParser(text, file);
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.fail("trailing characters after the document");
  if (v.t !== "map") {
    throw new InputError("the top level of a SOPS JSON document must be an object", {
      file,
      code: "SopsJson",
    });
  }
  return [v];
}

function jsonValue(n: Node, indent: string, depth: number): string {
  const pad = indent.repeat(depth + 1);
  const end = indent.repeat(depth);
  switch (n.t) {
    case "null":
      return "null";
    case "bool":
      return String(n.v);
    case "int":
      return n.v;
    case "float":
      if (!Number.isFinite(n.v)) {
        throw new InputError(`JSON cannot hold ${formatGoFloat(n.v)}`, { code: "SopsJson" });
      }
      return formatGoFloat(n.v);
    case "str":
    case "time":
      return JSON.stringify(n.v);
    case "bytes":
      return JSON.stringify(new TextDecoder().decode(n.v));
    case "list": {
      const items = n.items.filter((i): i is Node => !isComment(i));
      if (items.length === 0) return "[]";
      return `[\n${items.map((i) => pad + jsonValue(i, indent, depth + 1)).join(",\n")}\n${end}]`;
    }
    case "map": {
      const es = entries(n);
      if (es.length === 0) return "{}";
      return `{\n${
        es.map((e) => `${pad}${JSON.stringify(e.key)}: ${jsonValue(e.value, indent, depth + 1)}`).join(",\n")
      }\n${end}}`;
    }
  }
}

/** JSON with tab indentation and a final newline (sops 3.10+). */
export function emitJson(branch: Branch, indent = "\t"): string {
  return jsonValue(branch, indent, 0) + "\n";
}

// ---------------------------------------------------------------------------------------------
// dotenv

export function loadDotenv(text: string, file = "<dotenv>"): Branch[] {
  const items: Branch["items"] = [];
  const lines = text.split("\n");
  lines.forEach((line, idx) => {
    if (line.length === 0) return;
    if (line[0] === "#") {
      items.push({ t: "comment", v: line.slice(1) });
      return;
    }
    const pos = line.indexOf("=");
    if (pos < 0) {
      throw new InputError("invalid dotenv line (expected KEY=VALUE)", {
        file,
        line: idx + 1,
        column: 1,
        code: "SopsDotenv",
      });
    }
    items.push({
      key: line.slice(0, pos),
      value: { t: "str", v: line.slice(pos + 1).replaceAll("\\n", "\n") },
    });
  });
  return [{ t: "map", items }];
}

export function emitDotenv(branch: Branch): string {
  let out = "";
  for (const item of branch.items) {
    if (isComment(item)) {
      out += `#${item.v}\n`;
      continue;
    }
    const v = item.value;
    if (v.t === "map" || v.t === "list") {
      throw new InputError(`a dotenv file cannot hold a nested value`, {
        path: item.key,
        code: "SopsDotenv",
      });
    }
    let text: string;
    if (v.t === "str") text = v.v.replaceAll("\n", "\\n");
    else if (v.t === "null") text = "";
    else if (v.t === "float") text = formatGoFloat(v.v);
    else if (v.t === "bool") text = String(v.v);
    else if (v.t === "bytes") text = new TextDecoder().decode(v.v);
    else text = v.v;
    out += `${item.key}=${text}\n`;
  }
  return out;
}

const MAP_SEP = "__map_";
const LIST_SEP = "__list_";

/** `sops_age__list_0__map_enc=…` lines → the nested metadata object. */
export function unflattenMetadata(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(flat)) {
    const tokens = fullKey.split(/(__map_|__list_)/);
    // tokens: [first, sep, part, sep, part...]
    let cur: Record<string, unknown> | unknown[] = root;
    let key: string | number = tokens[0]!;
    for (let i = 1; i < tokens.length; i += 2) {
      const sep = tokens[i]!;
      const part = tokens[i + 1]!;
      const nextKey: string | number = sep === LIST_SEP ? Number(part) : part;
      const existing: unknown = (cur as Record<string | number, unknown>)[key];
      const container: Record<string, unknown> | unknown[] =
        existing !== undefined && typeof existing === "object"
          ? existing as Record<string, unknown> | unknown[]
          : sep === LIST_SEP
          ? []
          : {};
      (cur as Record<string | number, unknown>)[key] = container;
      cur = container;
      key = nextKey;
    }
    (cur as Record<string | number, unknown>)[key] = value;
  }
  return root;
}

/** Nested metadata → flat `sops_…` keys (the inverse of `unflattenMetadata`). */
export function flattenMetadata(meta: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(`${prefix}${LIST_SEP}${i}`, x));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(`${prefix}${MAP_SEP}${k}`, x);
    } else out.push([prefix, String(v)]);
  };
  for (const [k, v] of Object.entries(meta)) {
    if (Array.isArray(v) || (v !== null && typeof v === "object")) {
      if (Array.isArray(v)) v.forEach((x, i) => walk(`sops_${k}${LIST_SEP}${i}`, x));
      else walk(`sops_${k}`, v);
    } else out.push([`sops_${k}`, String(v)]);
  }
  // Lines come out sorted, as sops writes them.
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
