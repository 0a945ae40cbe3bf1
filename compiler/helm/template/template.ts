// Go text/template executor and template set (renderers.md §1).

import {
  type ArgNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  isEmptyTree,
  type Node,
  nodeString,
  type NumberNode,
  ParseError,
  parseTemplate,
  type PipeNode,
  type RangeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from "./parse.ts";
import { GoInt, goTypeName, isPlainMap, isStruct, isTrue, printValue, sortedKeys, tagType } from "./value.ts";
import { BUILTINS } from "./builtins.ts";

export { GO_SIG, type GoFunc, goFunc, type GoSig, type ParamType } from "./go_func.ts";
import { GO_SIG, type GoFunc, type GoSig, type ParamType } from "./go_func.ts";

function sigOf(fn: GoFunc): GoSig {
  return (fn as unknown as { [GO_SIG]?: GoSig })[GO_SIG] ?? { params: [], variadic: "any" };
}

const PARAM_GO_NAME: Record<ParamType, string> = {
  any: "interface {}",
  value: "reflect.Value",
  string: "string",
  int: "int",
  int64: "int64",
  float64: "float64",
  bool: "bool",
  map: "map[string]interface {}",
  list: "[]interface {}",
};

export class TemplateError extends Error {
  /** Name of the file (parse name) the failing node belongs to. */
  templateName: string;
  line: number;
  /** Go's column: 0-based byte offset within the line (as printed by Go). */
  column: number;
  /** "parse" or "exec". */
  kind: "parse" | "exec";
  /** For exec errors: the template being executed, node text, and the bare reason. */
  executing?: string;
  context?: string;
  reason: string;
  constructor(
    message: string,
    init: {
      templateName: string;
      line: number;
      column: number;
      kind: "parse" | "exec";
      reason: string;
      executing?: string;
      context?: string;
    },
  ) {
    super(message);
    this.name = "TemplateError";
    this.templateName = init.templateName;
    this.line = init.line;
    this.column = init.column;
    this.kind = init.kind;
    this.reason = init.reason;
    if (init.executing !== undefined) this.executing = init.executing;
    if (init.context !== undefined) this.context = init.context;
  }
}

const NO_FINAL: unique symbol = Symbol("missingVal");
type Final = unknown | typeof NO_FINAL;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

const MAX_EXEC_DEPTH = 100000;
const enc = new TextEncoder();

function errMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

interface Variable {
  name: string;
  value: unknown;
}

export type MissingKey = "default" | "zero" | "error";

export class TemplateSet {
  #funcs = new Map<string, GoFunc>();
  #trees = new Map<string, Tree>();
  readonly missingKey: MissingKey;
  readonly rootName: string;

  constructor(opts?: { missingKey?: MissingKey | "invalid"; rootName?: string }) {
    const mk = opts?.missingKey ?? "default";
    this.missingKey = mk === "invalid" ? "default" : mk;
    this.rootName = opts?.rootName ?? "gotpl";
  }

  /** Add or override functions (looked up before builtins). */
  funcs(map: Record<string, GoFunc>): this {
    for (const [k, v] of Object.entries(map)) this.#funcs.set(k, v);
    return this;
  }

  /** Parse a file; its {{define}}s join the set. Throws TemplateError. */
  parse(name: string, text: string): this {
    let trees: Map<string, Tree>;
    try {
      trees = parseTemplate(name, text, (n) => this.#funcs.has(n) || Object.hasOwn(BUILTINS, n));
    } catch (e) {
      if (e instanceof ParseError) {
        throw new TemplateError(e.message, {
          templateName: e.parseName,
          line: e.line,
          column: 0,
          kind: "parse",
          reason: e.message.replace(/^template: [^:]*:\d+: /, ""),
        });
      }
      throw e;
    }
    for (const [n, t] of trees) {
      const old = this.#trees.get(n);
      if (old && isEmptyTree(t.root)) continue; // an empty body never replaces a definition
      this.#trees.set(n, t);
    }
    return this;
  }

  has(name: string): boolean {
    return this.#trees.has(name);
  }

  names(): string[] {
    return [...this.#trees.keys()];
  }

  /** A copy sharing functions and current definitions (Helm's `tpl` parses into a clone). */
  clone(): TemplateSet {
    const c = new TemplateSet({ missingKey: this.missingKey, rootName: this.rootName });
    for (const [k, v] of this.#funcs) c.#funcs.set(k, v);
    for (const [k, v] of this.#trees) c.#trees.set(k, v);
    return c;
  }

  lookupFunc(name: string): GoFunc | undefined {
    return this.#funcs.get(name);
  }

  /** Execute a template by name with `data` as dot and `$`. Throws TemplateError. */
  execute(name: string, data: unknown): string {
    const tree = this.#trees.get(name);
    if (!tree) {
      const msg = `template: no template ${JSON.stringify(name)} associated with template ${
        JSON.stringify(this.rootName)
      }`;
      throw new TemplateError(msg, {
        templateName: name,
        line: 0,
        column: 0,
        kind: "exec",
        reason: msg.slice("template: ".length),
      });
    }
    const st = new State(this, tree, this.#funcs, this.#trees);
    st.vars.push({ name: "$", value: data });
    try {
      st.walk(data, tree.root);
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        st.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
      }
      throw e;
    }
    return st.out.join("");
  }
}

class State {
  out: string[] = [];
  vars: Variable[] = [];
  node: ArgNode | CommandNode | Node | undefined;
  depth = 0;
  constructor(
    readonly set: TemplateSet,
    public tmpl: Tree,
    readonly funcs: Map<string, GoFunc>,
    readonly trees: Map<string, Tree>,
  ) {}

  at(n: ArgNode | CommandNode | Node): void {
    this.node = n;
  }

  errorf(msg: string): never {
    const name = this.tmpl.name;
    const n = this.node;
    if (!n) {
      const full = `template: ${name}: ${msg}`;
      throw new TemplateError(full, {
        templateName: this.tmpl.parseName,
        line: 0,
        column: 0,
        kind: "exec",
        reason: msg,
        executing: name,
      });
    }
    const tree = (n as { __tree?: Tree }).__tree ?? this.tmpl;
    const pos = n.pos;
    const before = tree.text.slice(0, pos);
    const nl = before.lastIndexOf("\n");
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = nl < 0 ? enc.encode(before).length : enc.encode(before.slice(nl + 1)).length;
    const context = nodeString(n);
    const location = `${tree.parseName}:${line}:${col}`;
    const full = `template: ${location}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`;
    throw new TemplateError(full, {
      templateName: tree.parseName,
      line,
      column: col,
      kind: "exec",
      reason: msg,
      executing: name,
      context,
    });
  }

  // ---------------------------------------------------------------- variables

  mark(): number {
    return this.vars.length;
  }
  pop(mark: number): void {
    this.vars.length = mark;
  }
  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n]!.value = value;
  }
  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  // ---------------------------------------------------------------- walking

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      case "if":
      case "with": {
        const mark = this.mark();
        try {
          const val = this.evalPipeline(dot, node.pipe);
          if (isTrue(val)) this.walk(node.type === "with" ? val : dot, node.list);
          else if (node.elseList) this.walk(dot, node.elseList);
        } finally {
          this.pop(mark);
        }
        return;
      }
      case "list":
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case "range":
        this.walkRange(dot, node);
        return;
      case "template":
        this.walkTemplate(dot, node);
        return;
      case "text":
        this.out.push(node.text);
        return;
    }
  }

  printValue(n: Node, v: unknown): void {
    this.at(n);
    if (typeof v === "function") this.errorf(`can't print ${nodeString(n)} of type ${goTypeName(v)}`);
    this.out.push(printValue(v));
  }

  walkRange(dot: unknown, r: RangeNode): void {
    this.at(r);
    const outerMark = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const one = (index: unknown, elem: unknown): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0]!.ident[0]!, index);
            else this.setVar(decl[0]!.ident[0]!, elem);
          } else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      try {
        if (val === undefined || val === null) {
          // invalid: like a nil map — no iterations
        } else if (Array.isArray(val)) {
          for (let i = 0; i < val.length; i++) {
            ran = true;
            one(new GoInt(i, "int"), val[i] === undefined ? null : val[i]);
          }
        } else if (val instanceof Uint8Array) {
          for (let i = 0; i < val.length; i++) {
            ran = true;
            one(new GoInt(i, "int"), new GoInt(val[i]!, "uint8"));
          }
        } else if (isPlainMap(val)) {
          for (const k of sortedKeys(val)) {
            ran = true;
            one(k, val[k] === undefined ? null : val[k]);
          }
        } else if (val instanceof Map) {
          const keys = [...val.keys()].sort();
          for (const k of keys) {
            ran = true;
            one(k, val.get(k));
          }
        } else {
          const iter = (val as { goRange?: () => Iterable<[unknown, unknown]> }).goRange;
          if (typeof iter === "function") {
            for (const [k, v] of iter.call(val)) {
              ran = true;
              one(k, v);
            }
          } else {
            this.errorf(`range can't iterate over ${printValue(val)}`);
          }
        }
      } catch (e) {
        if (e !== BREAK) throw e;
        return;
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.pop(outerMark);
    }
  }

  walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.trees.get(t.name);
    if (!tmpl) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saveTmpl = this.tmpl, saveVars = this.vars;
    this.tmpl = tmpl;
    this.vars = [{ name: "$", value: newDot }];
    this.depth++;
    try {
      this.walk(newDot, tmpl.root);
    } finally {
      this.depth--;
      this.tmpl = saveTmpl;
      this.vars = saveVars;
    }
  }

  // ---------------------------------------------------------------- evaluation

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface becomes the invalid value ("lovely!" in Go).
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
    }
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case "field":
        return this.evalFieldNode(dot, first, cmd.args, final);
      case "chain":
        return this.evalChainNode(dot, first, cmd.args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        return this.errorf("nil is not a command");
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    return this.errorf(`can't evaluate command ${nodeString(first)}`);
  }

  idealConstant(c: NumberNode): unknown {
    this.at(c);
    const isHexInt = c.text.length > 2 && c.text[0] === "0" && /[xX]/.test(c.text[1]!) &&
      !/[pP]/.test(c.text);
    const isRuneInt = c.text[0] === "'";
    if (c.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return new GoInt(c.int64, "int");
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  evalChainNode(dot: unknown, chain: ChainNode, args: ArgNode[], final: Final): unknown {
    if (chain.node.type === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariableNode(dot: unknown, v: VariableNode, args: ArgNode[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    ident: string[],
    args: ArgNode[],
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, [], NO_FINAL, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  evalField(
    dot: unknown,
    fieldName: string,
    node: ArgNode,
    args: ArgNode[],
    final: Final,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) {
      if (this.set.missingKey === "error") {
        this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`);
      }
      return undefined;
    }
    if (receiver === null) {
      this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    }
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    if (isStruct(receiver)) {
      const obj = receiver as Record<string, unknown>;
      const m = fieldName !== "constructor" ? obj[fieldName] : undefined;
      if (typeof m === "function") {
        return this.evalCall(
          dot,
          m.bind(receiver) as GoFunc,
          false,
          node,
          fieldName,
          args,
          final,
          sigOf(m as GoFunc),
        );
      }
      if (fieldName in obj && /^\p{Lu}/u.test(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        const v = obj[fieldName];
        return v === undefined ? null : v;
      }
      return this.errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
    }
    if (isPlainMap(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (Object.hasOwn(receiver, fieldName)) {
        const v = receiver[fieldName];
        return v === undefined ? null : v;
      }
      switch (this.set.missingKey) {
        case "default":
          return undefined;
        case "zero":
          return mapZero(receiver);
        case "error":
          return this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
      }
    }
    if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (receiver.has(fieldName)) return receiver.get(fieldName) ?? null;
      if (this.set.missingKey === "error") {
        this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
      }
      return this.set.missingKey === "zero" ? null : undefined;
    }
    return this.errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
  }

  evalFunction(
    dot: unknown,
    node: IdentifierNode,
    cmd: ArgNode | CommandNode,
    args: ArgNode[],
    final: Final,
  ): unknown {
    this.at(node);
    const name = node.name;
    const fn = this.funcs.get(name);
    if (fn) return this.evalCall(dot, fn, false, cmd, name, args, final, sigOf(fn));
    const b = BUILTINS[name];
    if (b) return this.evalCall(dot, b.fn, true, cmd, name, args, final, b.sig);
    return this.errorf(`${JSON.stringify(name)} is not a defined function`);
  }

  evalCall(
    dot: unknown,
    fn: GoFunc,
    isBuiltin: boolean,
    node: ArgNode | CommandNode,
    name: string,
    argNodes: ArgNode[],
    final: Final,
    sig: GoSig,
  ): unknown {
    const args = argNodes.length > 0 ? argNodes.slice(1) : [];
    // and/or short-circuit
    if (isBuiltin && (name === "and" || name === "or")) {
      if (args.length === 0 && final === NO_FINAL) {
        this.errorf(`wrong number of args for ${name}: want at least 1 got 0`);
      }
      let v: unknown = undefined;
      for (const a of args) {
        v = this.evalArg(dot, "value", a);
        if (isTrue(v) === (name === "or")) return v;
      }
      if (final !== NO_FINAL) v = final;
      return v;
    }
    let numIn = args.length;
    if (final !== NO_FINAL) numIn++;
    const nParams = sig.params.length;
    if (sig.variadic !== undefined) {
      if (numIn < nParams) {
        this.errorf(`wrong number of args for ${name}: want at least ${nParams} got ${args.length}`);
      }
    } else if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    const paramType = (i: number): ParamType => i < nParams ? sig.params[i]! : sig.variadic!;
    const argv: unknown[] = [];
    let i = 0;
    for (; i < args.length; i++) argv.push(this.evalArg(dot, paramType(i), args[i]!));
    if (final !== NO_FINAL) argv.push(this.validateType(final, paramType(i)));
    let result: unknown;
    try {
      result = fn(...argv);
    } catch (e) {
      this.at(node);
      this.errorf(`error calling ${name}: ${errMessage(e)}`);
    }
    return result === undefined ? null : result;
  }

  validateType(value: unknown, typ: ParamType | undefined): unknown {
    if (typ === undefined) return value;
    if (typ === "value") return value;
    if (value === undefined) {
      if (typ === "any" || typ === "map" || typ === "list") return null;
      return this.errorf(`invalid value; expected ${PARAM_GO_NAME[typ]}`);
    }
    const bad = (): never =>
      this.errorf(
        `wrong type for value; expected ${PARAM_GO_NAME[typ]}; got ${
          value === null ? "interface {}" : goTypeName(value)
        }`,
      );
    switch (typ) {
      case "any":
        return value;
      case "string":
        return typeof value === "string" ? value : bad();
      case "bool":
        return typeof value === "boolean" ? value : bad();
      case "float64":
        return typeof value === "number" ? value : bad();
      case "int":
      case "int64":
        return value instanceof GoInt && value.kind === typ ? value : bad();
      case "map":
        return isPlainMap(value) && goTypeName(value) === "map[string]interface {}" ? value : bad();
      case "list":
        return Array.isArray(value) && goTypeName(value) === "[]interface {}" ? value : bad();
    }
  }

  evalArg(dot: unknown, typ: ParamType | undefined, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case "dot":
        return this.validateType(dot, typ);
      case "nil":
        if (typ === undefined || typ === "any" || typ === "map" || typ === "list" || typ === "value") {
          return typ === "value" ? null : null;
        }
        return this.errorf(`cannot assign nil to ${PARAM_GO_NAME[typ]}`);
      case "field":
        return this.validateType(this.evalFieldNode(dot, n, [n], NO_FINAL), typ);
      case "variable":
        return this.validateType(this.evalVariableNode(dot, n, [], NO_FINAL), typ);
      case "pipe":
        return this.validateType(this.evalPipeline(dot, n), typ);
      case "identifier":
        return this.validateType(this.evalFunction(dot, n, n, [], NO_FINAL), typ);
      case "chain":
        return this.validateType(this.evalChainNode(dot, n, [], NO_FINAL), typ);
    }
    switch (typ) {
      case "bool":
        if (n.type === "bool") return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case "string":
        if (n.type === "string") return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case "int":
      case "int64":
        if (n.type === "number" && n.isInt) return new GoInt(n.int64, typ);
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case "float64":
        if (n.type === "number" && n.isFloat) return n.float64;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case "map":
      case "list":
        return this.errorf(`can't handle ${nodeString(n)} for arg of type ${PARAM_GO_NAME[typ]}`);
    }
    // interface{} / reflect.Value / untyped
    switch (n.type) {
      case "bool":
        return n.value;
      case "number":
        return this.idealConstant(n);
      case "string":
        return n.text;
    }
    return this.errorf(`can't handle ${nodeString(n)}`);
  }
}

function mapZero(m: Record<string, unknown>): unknown {
  const t = goTypeName(m);
  if (t === "map[string]string") return "";
  return null;
}

// re-exports for convenience
export { tagType };
