// Lexer and parser for Go text/template (renderers.md §1.1–§1.5, §1.11).

// ---------------------------------------------------------------- AST

export interface Tree {
  name: string; // template name
  parseName: string; // name of the top-level template during parsing (for error locations)
  text: string;
  root: ListNode;
}

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode;

export interface ListNode {
  type: "list";
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  type: "text";
  pos: number;
  text: string;
}
export interface ActionNode {
  type: "action";
  pos: number;
  pipe: PipeNode;
}
export interface BranchNode {
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
export interface IfNode extends BranchNode {
  type: "if";
}
export interface RangeNode extends BranchNode {
  type: "range";
}
export interface WithNode extends BranchNode {
  type: "with";
}
export interface TemplateNode {
  type: "template";
  pos: number;
  name: string;
  pipe?: PipeNode;
}
export interface BreakNode {
  type: "break" | "continue";
  pos: number;
}

export interface PipeNode {
  type: "pipe";
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  type: "command";
  pos: number;
  args: ArgNode[];
}
export interface FieldNode {
  type: "field";
  pos: number;
  ident: string[];
}
export interface VariableNode {
  type: "variable";
  pos: number;
  ident: string[];
}
export interface ChainNode {
  type: "chain";
  pos: number;
  node: ArgNode;
  field: string[];
}
export interface IdentifierNode {
  type: "identifier";
  pos: number;
  name: string;
}
export interface DotNode {
  type: "dot";
  pos: number;
}
export interface NilNode {
  type: "nil";
  pos: number;
}
export interface BoolNode {
  type: "bool";
  pos: number;
  value: boolean;
}
export interface StringNode {
  type: "string";
  pos: number;
  quoted: string;
  text: string;
}
export interface NumberNode {
  type: "number";
  pos: number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | StringNode
  | NumberNode
  | PipeNode;

// ---------------------------------------------------------------- node printing (Go's Node.String())

export function nodeString(n: ArgNode | CommandNode | Node): string {
  switch (n.type) {
    case "field":
      return n.ident.map((s) => "." + s).join("");
    case "variable":
      return n.ident.join(".");
    case "chain": {
      let s = nodeString(n.node);
      if (n.node.type === "pipe") s = "(" + s + ")";
      return s + n.field.map((f) => "." + f).join("");
    }
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return n.value ? "true" : "false";
    case "string":
      return n.quoted;
    case "number":
      return n.text;
    case "pipe": {
      let s = "";
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(", ") + (n.isAssign ? " = " : " := ");
      return s + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => (a.type === "pipe" ? "(" + nodeString(a) + ")" : nodeString(a))).join(" ");
    case "action":
      return "{{" + nodeString(n.pipe) + "}}";
    case "text":
      return JSON.stringify(n.text);
    case "list":
      return n.nodes.map(nodeString).join("");
    case "if":
    case "range":
    case "with":
      return `{{${n.type} ${nodeString(n.pipe)}}}`;
    case "template":
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? " " + nodeString(n.pipe) : ""}}}`;
    case "break":
    case "continue":
      return `{{${n.type}}}`;
  }
}

// ---------------------------------------------------------------- lexer

type ItemType =
  | "error"
  | "bool"
  | "char"
  | "charConstant"
  | "comment"
  | "assign"
  | "declare"
  | "eof"
  | "field"
  | "identifier"
  | "leftDelim"
  | "leftParen"
  | "number"
  | "pipe"
  | "rawString"
  | "rightDelim"
  | "rightParen"
  | "space"
  | "string"
  | "text"
  | "variable"
  | "block"
  | "break"
  | "continue"
  | "dot"
  | "define"
  | "else"
  | "end"
  | "if"
  | "nil"
  | "range"
  | "template"
  | "with";

interface Item {
  typ: ItemType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  ".": "dot",
  block: "block",
  break: "break",
  continue: "continue",
  define: "define",
  else: "else",
  end: "end",
  if: "if",
  range: "range",
  nil: "nil",
  template: "template",
  with: "with",
};

function isSpaceCh(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  return c === "_" || /^[\p{L}\p{Nd}]$/u.test(c);
}

export class ParseError extends Error {
  constructor(message: string, readonly parseName: string, readonly line: number) {
    super(message);
    this.name = "ParseError";
  }
}

function lex(text: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  const L = "{{", R = "}}";
  const emit = (typ: ItemType, val = text.slice(start, pos)) => {
    items.push({ typ, pos: start, val, line: startLine });
    start = pos;
    startLine = line;
  };
  const advanceTo = (p: number) => {
    for (let i = pos; i < p; i++) if (text[i] === "\n") line++;
    pos = p;
  };
  const ignore = () => {
    start = pos;
    startLine = line;
  };
  const fail = (msg: string): Item[] => {
    items.push({ typ: "error", pos: start, val: msg, line: startLine });
    return items;
  };
  const hasLeftTrim = (p: number) => text[p] === "-" && isSpaceCh(text[p + 1]);
  const hasRightTrim = (p: number) => isSpaceCh(text[p]) && text[p + 1] === "-";
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrim(pos) && text.startsWith(R, pos + 2)) return [true, true];
    if (text.startsWith(R, pos)) return [true, false];
    return [false, false];
  };
  /** Length of the space run ending at `end` (not before `from`); a backward scan, not a `$`-anchored regexp. */
  const rightTrimLength = (from: number, end: number) => {
    let i = end;
    while (i > from && isSpaceCh(text[i - 1])) i--;
    return end - i;
  };
  const leftTrimLength = (p: number) => {
    let i = p;
    while (i < text.length && isSpaceCh(text[i])) i++;
    return i - p;
  };

  outer: while (true) {
    // lexText
    const x = text.indexOf(L, pos);
    if (x < 0) {
      advanceTo(text.length);
      if (pos > start) emit("text");
      items.push({ typ: "eof", pos, val: "", line });
      return items;
    }
    const trimLeft = hasLeftTrim(x + L.length);
    let textEnd = x;
    if (trimLeft) textEnd = x - rightTrimLength(start, x);
    advanceTo(textEnd);
    if (pos > start) emit("text");
    advanceTo(x);
    ignore();
    // lexLeftDelim
    advanceTo(pos + L.length);
    const afterMarker = trimLeft ? 2 : 0;
    if (text.startsWith("/*", pos + afterMarker)) {
      advanceTo(pos + afterMarker);
      ignore();
      // lexComment
      advanceTo(pos + 2);
      const e = text.indexOf("*/", pos);
      if (e < 0) return fail("unclosed comment");
      advanceTo(e + 2);
      const [delim, trim] = atRightDelim();
      if (!delim) return fail("comment ends before closing delimiter");
      if (trim) advanceTo(pos + 2);
      advanceTo(pos + R.length);
      if (trim) advanceTo(pos + leftTrimLength(pos));
      ignore();
      continue;
    }
    start = x;
    emit("leftDelim", L);
    advanceTo(pos + afterMarker);
    ignore();
    let parenDepth = 0;
    // lexInsideAction
    while (true) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return fail("unclosed left paren");
        // lexRightDelim
        if (trim) {
          advanceTo(pos + 2);
          ignore();
        }
        advanceTo(pos + R.length);
        emit("rightDelim", R);
        if (trim) {
          advanceTo(pos + leftTrimLength(pos));
          ignore();
        }
        continue outer;
      }
      const c = text[pos];
      if (c === undefined) return fail("unclosed action");
      if (isSpaceCh(c)) {
        let n = 0;
        while (isSpaceCh(text[pos])) {
          advanceTo(pos + 1);
          n++;
        }
        if (hasRightTrim(pos - 1) && text.startsWith(R, pos + 1)) {
          pos--; // back before the last space
          if (text[pos] === "\n") line--;
          if (n === 1) {
            ignore();
            continue;
          }
        }
        emit("space");
        continue;
      }
      advanceTo(pos + 1);
      switch (c) {
        case "=":
          emit("assign");
          continue;
        case ":":
          if (text[pos] !== "=") return fail("expected :=");
          advanceTo(pos + 1);
          emit("declare");
          continue;
        case "|":
          emit("pipe");
          continue;
        case '"': {
          while (true) {
            const ch = text[pos];
            if (ch === "\\") {
              if (text[pos + 1] === undefined || text[pos + 1] === "\n") {
                return fail("unterminated quoted string");
              }
              advanceTo(pos + 2);
              continue;
            }
            if (ch === undefined || ch === "\n") return fail("unterminated quoted string");
            advanceTo(pos + 1);
            if (ch === '"') break;
          }
          emit("string");
          continue;
        }
        case "`": {
          const e = text.indexOf("`", pos);
          if (e < 0) return fail("unterminated raw quoted string");
          advanceTo(e + 1);
          emit("rawString");
          continue;
        }
        case "'": {
          while (true) {
            const ch = text[pos];
            if (ch === "\\") {
              if (text[pos + 1] === undefined || text[pos + 1] === "\n") {
                return fail("unterminated character constant");
              }
              advanceTo(pos + 2);
              continue;
            }
            if (ch === undefined || ch === "\n") return fail("unterminated character constant");
            advanceTo(pos + 1);
            if (ch === "'") break;
          }
          emit("charConstant");
          continue;
        }
        case "$":
        case ".": {
          if (c === "." && /[0-9]/.test(text[pos] ?? "")) {
            pos--;
            const r = lexNumber();
            if (r) return fail(r);
            continue;
          }
          while (isAlphaNumeric(text[pos])) advanceTo(pos + 1);
          if (!atTerminator()) return fail(`bad character ${goRune(text[pos]!)}`);
          if (pos - start === 1) emit(c === "$" ? "variable" : "dot");
          else emit(c === "$" ? "variable" : "field");
          continue;
        }
        case "(":
          emit("leftParen");
          parenDepth++;
          continue;
        case ")":
          emit("rightParen");
          parenDepth--;
          if (parenDepth < 0) return fail("unexpected right paren");
          continue;
      }
      if (c === "+" || c === "-" || (c >= "0" && c <= "9")) {
        pos--;
        const r = lexNumber();
        if (r) return fail(r);
        continue;
      }
      if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(text[pos])) advanceTo(pos + 1);
        if (!atTerminator()) return fail(`bad character ${goRune(text[pos]!)}`);
        const word = text.slice(start, pos);
        const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
        if (kw && word !== ".") emit(kw);
        else if (word === "true" || word === "false") emit("bool");
        else emit("identifier");
        continue;
      }
      const cp = c.codePointAt(0)!;
      if (cp < 0x7f && cp >= 0x20) {
        emit("char");
        continue;
      }
      return fail(`unrecognized character in action: ${goRune(c)}`);
    }
  }

  function atTerminator(): boolean {
    const c = text[pos];
    if (c === undefined || isSpaceCh(c)) return true;
    if (".,|:()".includes(c)) return true;
    return text.startsWith(R, pos);
  }

  function lexNumber(): string | undefined {
    const rest = text.slice(pos);
    const m =
      /^[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]*)?|0[oO][0-7_]*(?:\.[0-7_]*)?|0[bB][01_]*(?:\.[01_]*)?|[0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]*)?)i?/
        .exec(rest)!;
    let end = pos + m[0].length;
    if (isAlphaNumeric(text[end])) {
      end++;
      advanceTo(end);
      return `bad number syntax: ${JSON.stringify(text.slice(start, end))}`;
    }
    advanceTo(end);
    emit("number");
    return undefined;
  }
}

function goRune(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${c}'`;
}

// ---------------------------------------------------------------- unquoting

export function unquoteChar(s: string, i: number, quote: string): [number, number] {
  // returns [codepoint, next index]
  const c = s[i]!;
  if (c !== "\\") {
    const cp = s.codePointAt(i)!;
    return [cp, i + (cp > 0xffff ? 2 : 1)];
  }
  const e = s[i + 1];
  switch (e) {
    case "a":
      return [7, i + 2];
    case "b":
      return [8, i + 2];
    case "f":
      return [12, i + 2];
    case "n":
      return [10, i + 2];
    case "r":
      return [13, i + 2];
    case "t":
      return [9, i + 2];
    case "v":
      return [11, i + 2];
    case "\\":
      return [92, i + 2];
    case "x":
    case "u":
    case "U": {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const h = s.slice(i + 2, i + 2 + n);
      if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new Error("invalid syntax");
      const v = parseInt(h, 16);
      if (e !== "x" && (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))) throw new Error("invalid syntax");
      return [v, i + 2 + n];
    }
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7": {
      const o = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(o)) throw new Error("invalid syntax");
      const v = parseInt(o, 8);
      if (v > 255) throw new Error("invalid syntax");
      return [v, i + 4];
    }
  }
  if (e === quote && (quote === "'" || quote === '"')) return [e.charCodeAt(0), i + 2];
  throw new Error("invalid syntax");
}

/** strconv.Unquote for "…", `…`. Strings are JS strings; \x escapes ≥ 0x80 yield raw bytes in Go — mapped to latin1 here. */
export function goUnquote(q: string): string {
  if (q[0] === "`") return q.slice(1, -1).replace(/\r/g, "");
  const body = q.slice(1, -1);
  let out = "";
  let i = 0;
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) {
      out += new TextDecoder().decode(new Uint8Array(bytes));
      bytes.length = 0;
    }
  };
  while (i < body.length) {
    const isByteEsc = body[i] === "\\" && (body[i + 1] === "x" || /[0-7]/.test(body[i + 1] ?? ""));
    const [cp, next] = unquoteChar(body, i, '"');
    if (isByteEsc) bytes.push(cp);
    else {
      flushBytes();
      out += String.fromCodePoint(cp);
    }
    i = next;
  }
  flushBytes();
  return out;
}

// ---------------------------------------------------------------- numbers

const INT_RE =
  /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;
const FLOAT_RE = /^[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?(?:[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?)$/;
const HEX_FLOAT_RE = /^[+-]?0[xX](?:_?[0-9a-fA-F])*(?:\.[0-9a-fA-F_]*)?[pP][+-]?[0-9_]+$/;

function parseHexFloat(text: string): number {
  const m = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/.exec(text)!;
  const int = (m[2] ?? "").replace(/_/g, ""), frac = (m[3] ?? "").replace(/_/g, "");
  if (int === "" && frac === "") return NaN;
  let mant = 0;
  for (const c of int + frac) mant = mant * 16 + parseInt(c, 16);
  const v = mant * Math.pow(2, Number(m[4]!.replace(/_/g, "")) - 4 * frac.length);
  return m[1] === "-" ? -v : v;
}

const MAX_I64 = (1n << 63n) - 1n, MIN_I64 = -(1n << 63n), MAX_U64 = (1n << 64n) - 1n;

function parseGoInt(text: string): bigint | undefined {
  if (!INT_RE.test(text)) return undefined;
  let s = text.replace(/_/g, "");
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let v: bigint;
  if (/^0[oO]/.test(s)) v = BigInt("0o" + s.slice(2));
  else if (/^0[0-7]+$/.test(s)) v = BigInt("0o" + s.slice(1));
  else v = BigInt(s);
  return neg ? -v : v;
}

export function newNumber(pos: number, text: string, charConst: boolean): NumberNode {
  const n: NumberNode = {
    type: "number",
    pos,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
  };
  if (charConst) {
    let cp: number, next: number;
    try {
      [cp, next] = unquoteChar(text, 1, "'");
    } catch {
      throw new Error("invalid syntax");
    }
    if (text.slice(next) !== "'") throw new Error(`malformed character constant: ${text}`);
    n.isInt = n.isUint = n.isFloat = true;
    n.int64 = n.uint64 = BigInt(cp);
    n.float64 = cp;
    return n;
  }
  if (text.endsWith("i")) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  const iv = parseGoInt(text);
  if (iv !== undefined) {
    if (iv >= 0n && iv <= MAX_U64 && text[0] !== "-" && text[0] !== "+") {
      n.isUint = true;
      n.uint64 = iv;
    }
    if (iv >= MIN_I64 && iv <= MAX_I64) {
      n.isInt = true;
      n.int64 = iv;
      if (iv === 0n) {
        n.isUint = true;
        n.uint64 = 0n;
      }
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else if ((FLOAT_RE.test(text) && /[0-9]/.test(text)) || HEX_FLOAT_RE.test(text)) {
    const f = HEX_FLOAT_RE.test(text) ? parseHexFloat(text) : Number(text.replace(/_/g, ""));
    if (!Number.isNaN(f)) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f) && f >= -9223372036854775808 && f < 9223372036854775808) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 18446744073709551616) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}

// ---------------------------------------------------------------- parser

export function isEmptyTree(n: Node): boolean {
  switch (n.type) {
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return n.text.trim() === "" && !/[^ \t\r\n]/.test(n.text);
    default:
      return false;
  }
}

/**
 * Parse `text` into trees: the body (named `name`) and every {{define}}/{{block}}.
 * `hasFunc` tells whether a function name is defined (parse-time check).
 */
export function parseTemplate(
  name: string,
  text: string,
  hasFunc: (n: string) => boolean,
): Map<string, Tree> {
  const items = lex(text);
  let idx = 0;
  const treeSet = new Map<string, Tree>();
  const parseName = name;
  let vars: string[] = ["$"];
  let rangeDepth = 0;
  let lastLine = 1;

  const errorf = (msg: string): never => {
    const it = items[Math.min(idx, items.length) - 1] ?? items[0]!;
    const line = it ? it.line : lastLine;
    throw new ParseError(`template: ${parseName}:${line}: ${msg}`, parseName, line);
  };
  const next = (): Item => {
    const it = items[idx++] ?? items[items.length - 1]!;
    if (it.typ === "error") {
      throw new ParseError(`template: ${parseName}:${it.line}: ${it.val}`, parseName, it.line);
    }
    lastLine = it.line;
    return it;
  };
  const backup = (n = 1) => {
    idx -= n;
  };
  const peek = (): Item => {
    const it = next();
    backup();
    return it;
  };
  const nextNonSpace = (): Item => {
    let it: Item;
    do it = next(); while (it.typ === "space");
    return it;
  };
  const peekNonSpace = (): Item => {
    const save = idx;
    const it = nextNonSpace();
    idx = save;
    return it;
  };
  const itemDesc = (it: Item): string => {
    switch (it.typ) {
      case "eof":
        return "EOF";
      case "error":
        return it.val;
      case "leftDelim":
      case "rightDelim":
        return `"${it.val}"`;
      default:
        if (Object.hasOwn(KEYWORDS, it.val) && it.typ !== "dot") return `<${it.val}>`;
        return it.val.length > 10 ? JSON.stringify(it.val.slice(0, 10)) + "..." : JSON.stringify(it.val);
    }
  };
  const unexpected = (it: Item, context: string): never => {
    if (it.typ === "error") {
      return errorf(it.val);
    }
    return errorf(`unexpected ${itemDesc(it)} in ${context}`);
  };
  const expect = (typ: ItemType, context: string): Item => {
    const it = nextNonSpace();
    if (it.typ !== typ) unexpected(it, context);
    return it;
  };

  type Ctl = { type: "end" | "else"; pos: number; elseKind?: "if" | "with" };
  type Parsed = Node | Ctl | { type: "comment" };

  function newList(pos: number): ListNode {
    return { type: "list", pos, nodes: [] };
  }

  function parseDefinition(): void {
    const context = "define clause";
    const nameTok = nextNonSpace();
    if (nameTok.typ !== "string" && nameTok.typ !== "rawString") unexpected(nameTok, context);
    let defName: string;
    try {
      defName = goUnquote(nameTok.val);
    } catch (e) {
      return errorf((e as Error).message);
    }
    expect("rightDelim", context);
    const saveVars = vars;
    vars = ["$"];
    const [list, end] = itemList();
    vars = saveVars;
    if (end.type !== "end") errorf(`unexpected ${ctlDesc(end)} in ${context}`);
    addTree({ name: defName, parseName, text, root: list });
  }

  function addTree(t: Tree): void {
    const old = treeSet.get(t.name);
    if (!old || isEmptyTree(old.root)) {
      treeSet.set(t.name, t);
      return;
    }
    if (!isEmptyTree(t.root)) errorf(`template: multiple definition of template ${JSON.stringify(t.name)}`);
  }

  function ctlDesc(n: Parsed): string {
    if (n.type === "end") return "{{end}}";
    if (n.type === "else") return "{{else}}";
    return n.type;
  }

  function itemList(): [ListNode, Ctl] {
    const list = newList(peekNonSpace().pos);
    while (peekNonSpace().typ !== "eof") {
      const n = textOrAction();
      if (n.type === "end" || n.type === "else") return [list, n as Ctl];
      if (n.type !== "comment") list.nodes.push(n as Node);
    }
    return errorf("unexpected EOF");
  }

  function textOrAction(): Parsed {
    const token = nextNonSpace();
    switch (token.typ) {
      case "text":
        return { type: "text", pos: token.pos, text: token.val };
      case "leftDelim":
        return action();
      case "comment":
        return { type: "comment" };
    }
    return unexpected(token, "input");
  }

  function action(): Parsed {
    const token = nextNonSpace();
    switch (token.typ) {
      case "block":
        return blockControl();
      case "break":
      case "continue": {
        const t2 = nextNonSpace();
        if (t2.typ !== "rightDelim") unexpected(t2, `{{${token.typ}}}`);
        if (rangeDepth === 0) errorf(`{{${token.typ}}} outside {{range}}`);
        return { type: token.typ, pos: token.pos };
      }
      case "else":
        return elseControl();
      case "end": {
        expect("rightDelim", "end");
        return { type: "end", pos: token.pos };
      }
      case "if":
        return parseControl("if");
      case "range":
        return parseControl("range");
      case "with":
        return parseControl("with");
      case "template":
        return templateControl();
    }
    backup();
    const tok = peek();
    return { type: "action", pos: tok.pos, pipe: pipeline("command", "rightDelim") };
  }

  function elseControl(): Ctl {
    const p = peekNonSpace();
    if (p.typ === "if" || p.typ === "with") {
      // "{{else if ...}}" / "{{else with ...}}": treat as nested
      return { type: "else", pos: p.pos, elseKind: p.typ };
    }
    const token = expect("rightDelim", "else");
    return { type: "else", pos: token.pos };
  }

  function parseControl(kind: "if" | "range" | "with"): Node {
    const saveVars = vars.length;
    try {
      const pipe = pipeline(kind, "rightDelim");
      if (kind === "range") rangeDepth++;
      let list: ListNode, next: Ctl;
      try {
        [list, next] = itemList();
      } finally {
        if (kind === "range") rangeDepth--;
      }
      let elseList: ListNode | undefined;
      if (next.type === "else") {
        if (
          next.elseKind &&
          ((kind === "if" && next.elseKind === "if") || (kind === "with" && next.elseKind === "with"))
        ) {
          // Special case for "else if"/"else with": the nested control ends with the outer {{end}}.
          elseList = newList(next.pos);
          const kw = nextNonSpace(); // consume 'if'/'with'
          const inner = parseControl(kw.typ as "if" | "with");
          elseList.nodes.push(inner);
        } else if (next.elseKind) {
          errorf(`unexpected <${next.elseKind}> in else`);
        } else {
          const [el, n2] = itemList();
          if (n2.type !== "end") errorf(`expected end; found ${ctlDesc(n2)}`);
          elseList = el;
        }
      }
      const node = { type: kind, pos: pipe.pos, pipe, list, elseList } as IfNode | RangeNode | WithNode;
      if (!elseList) delete (node as { elseList?: unknown }).elseList;
      return node;
    } finally {
      vars.length = saveVars;
    }
  }

  function blockControl(): Node {
    const context = "block clause";
    const token = nextNonSpace();
    if (token.typ !== "string" && token.typ !== "rawString") unexpected(token, context);
    const blockName = goUnquote(token.val);
    const pipe = pipeline(context, "rightDelim");
    const saveVars = vars;
    vars = ["$"];
    const [list, end] = itemList();
    vars = saveVars;
    if (end.type !== "end") errorf(`unexpected ${ctlDesc(end)} in ${context}`);
    addTree({ name: blockName, parseName, text, root: list });
    return { type: "template", pos: token.pos, name: blockName, pipe };
  }

  function templateControl(): Node {
    const context = "template clause";
    const token = nextNonSpace();
    if (token.typ !== "string" && token.typ !== "rawString") unexpected(token, context);
    const tname = goUnquote(token.val);
    let pipe: PipeNode | undefined;
    if (nextNonSpace().typ !== "rightDelim") {
      backup();
      pipe = pipeline(context, "rightDelim");
    }
    const n: TemplateNode = { type: "template", pos: token.pos, name: tname };
    if (pipe) n.pipe = pipe;
    return n;
  }

  function pipeline(context: string, end: ItemType): PipeNode {
    const token = peekNonSpace();
    const pipe: PipeNode = { type: "pipe", pos: token.pos, isAssign: false, decl: [], cmds: [] };
    decls: while (true) {
      const v = peekNonSpace();
      if (v.typ === "variable") {
        const save = idx;
        nextNonSpace();
        const tokenAfter = peek();
        const nx = peekNonSpace();
        if (nx.typ === "assign" || nx.typ === "declare") {
          pipe.isAssign = nx.typ === "assign";
          nextNonSpace();
          pipe.decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
          vars.push(v.val);
        } else if (nx.typ === "char" && nx.val === ",") {
          nextNonSpace();
          pipe.decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
          vars.push(v.val);
          if (context === "range" && pipe.decl.length < 2) {
            const p = peekNonSpace().typ;
            if (p === "variable" || p === "rightDelim" || p === "rightParen") continue decls;
            errorf("range can only initialize variables");
          }
          errorf(`too many declarations in ${context}`);
        } else {
          void tokenAfter;
          idx = save;
        }
      }
      break;
    }
    while (true) {
      const tok = nextNonSpace();
      if (tok.typ === end) {
        if (pipe.cmds.length === 0) errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          const t = c.args[0]!.type;
          if (t === "bool" || t === "dot" || t === "nil" || t === "number" || t === "string") {
            errorf(`non executable command in pipeline stage ${i + 2}`);
          }
        });
        return pipe;
      }
      switch (tok.typ) {
        case "bool":
        case "charConstant":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(tok, context);
      }
    }
  }

  function command(): CommandNode {
    const cmd: CommandNode = { type: "command", pos: peekNonSpace().pos, args: [] };
    while (true) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const token = next();
      if (token.typ === "space") continue;
      if (token.typ === "rightDelim" || token.typ === "rightParen") backup();
      else if (token.typ !== "pipe") unexpected(token, "operand");
      break;
    }
    if (cmd.args.length === 0) errorf("empty command");
    return cmd;
  }

  function operand(): ArgNode | undefined {
    const node = term();
    if (!node) return undefined;
    if (peek().typ === "field") {
      const chainPos = peek().pos;
      const fields: string[] = [];
      while (peek().typ === "field") fields.push(next().val.slice(1));
      switch (node.type) {
        case "field":
          return { type: "field", pos: chainPos, ident: [...node.ident, ...fields] };
        case "variable":
          return { type: "variable", pos: chainPos, ident: [...node.ident, ...fields] };
        case "bool":
        case "string":
        case "number":
        case "nil":
        case "dot":
          return errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
        default:
          return { type: "chain", pos: chainPos, node, field: fields };
      }
    }
    return node;
  }

  function term(): ArgNode | undefined {
    const token = nextNonSpace();
    switch (token.typ) {
      case "identifier":
        if (!hasFunc(token.val)) errorf(`function ${JSON.stringify(token.val)} not defined`);
        return { type: "identifier", pos: token.pos, name: token.val };
      case "dot":
        return { type: "dot", pos: token.pos };
      case "nil":
        return { type: "nil", pos: token.pos };
      case "variable": {
        const parts = token.val.split(".");
        if (!vars.includes(parts[0]!)) errorf(`undefined variable ${JSON.stringify(parts[0])}`);
        return { type: "variable", pos: token.pos, ident: parts };
      }
      case "field":
        return { type: "field", pos: token.pos, ident: [token.val.slice(1)] };
      case "bool":
        return { type: "bool", pos: token.pos, value: token.val === "true" };
      case "charConstant":
      case "number":
        try {
          return newNumber(token.pos, token.val, token.typ === "charConstant");
        } catch (e) {
          return errorf((e as Error).message);
        }
      case "leftParen":
        return pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString": {
        let s: string;
        try {
          s = goUnquote(token.val);
        } catch (e) {
          return errorf((e as Error).message);
        }
        return { type: "string", pos: token.pos, quoted: token.val, text: s };
      }
    }
    backup();
    return undefined;
  }

  // top level
  const root = newList(0);
  while (peek().typ !== "eof") {
    if (peek().typ === "leftDelim") {
      const save = idx;
      next();
      if (nextNonSpace().typ === "define") {
        parseDefinition();
        continue;
      }
      idx = save;
    }
    const n = textOrAction();
    if (n.type === "end" || n.type === "else") errorf(`unexpected ${ctlDesc(n)}`);
    if (n.type !== "comment") root.nodes.push(n as Node);
  }
  addTree({ name, parseName, text, root });
  return treeSet;
}
