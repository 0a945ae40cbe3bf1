// Helm's strvals (--set, --set-string, --set-file, --set-json, --set-literal) (renderers.md §3.3).

import { GoInt } from "../template/mod.ts";
import { unmarshalJSON } from "../sprig/json.ts";

type Map = Record<string, unknown>;

const MAX_INDEX = 65536;
const MAX_NESTED = 30;

class EOF {}
const EOF_ = new EOF();
class NotList {}
const NOT_LIST = new NotList();

export function typedVal(val: string, st: boolean): unknown {
  if (st) return val;
  const l = val.toLowerCase();
  if (l === "true") return true;
  if (l === "false") return false;
  if (l === "null") return null;
  if (val === "0") return new GoInt(0n, "int64");
  if (val.length !== 0 && val[0] !== "0" && /^[+-]?[0-9]+$/.test(val)) {
    const n = BigInt(val);
    if (n >= -(1n << 63n) && n < (1n << 63n)) return new GoInt(n, "int64");
  }
  return val;
}

function isMap(v: unknown): v is Map {
  return v !== null && typeof v === "object" && !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype;
}

export type Reader = (rs: string) => unknown;

class Parser {
  i = 0;
  readonly chars: string[];
  constructor(
    text: string,
    readonly data: Map,
    readonly reader: Reader,
    readonly st: boolean,
    readonly json = false,
    readonly literal = false,
  ) {
    this.chars = [...text];
  }
  read(): string | undefined {
    return this.i < this.chars.length ? this.chars[this.i++] : (this.i++, undefined);
  }
  unread(): void {
    this.i--;
  }
  runesUntil(stop: string): { v: string; last: string | undefined } {
    let v = "";
    for (;;) {
      const r = this.read();
      if (r === undefined) return { v, last: undefined };
      if (stop.includes(r)) return { v, last: r };
      if (r === "\\" && !this.literal) {
        const n = this.read();
        if (n === undefined) return { v, last: undefined };
        v += n;
        continue;
      }
      v += r;
    }
  }
  parse(): void {
    for (;;) {
      try {
        this.key(this.data, 0);
      } catch (e) {
        if (e === EOF_) return;
        throw e;
      }
    }
  }
  keyIndex(): number {
    const { v, last } = this.runesUntil("]");
    if (last === undefined) throw EOF_;
    const t = v.trim();
    if (!/^[+-]?[0-9]+$/.test(t)) {
      throw new Error(`error parsing index: strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    }
    return parseInt(t, 10);
  }
  valList(): unknown[] {
    const r = this.read();
    if (r === undefined) throw EOF_;
    if (r !== "{") {
      this.unread();
      throw NOT_LIST;
    }
    const list: unknown[] = [];
    for (;;) {
      const { v, last } = this.runesUntil(",}");
      if (last === undefined) throw new Error("list must terminate with '}'");
      if (last === "}") {
        const rn = this.read();
        if (rn !== undefined && rn !== ",") this.unread();
        list.push(this.reader(v));
        return list;
      }
      list.push(this.reader(v));
    }
  }
  jsonVal(): unknown {
    const rest = this.chars.slice(this.i).join("");
    // find the end of one JSON value
    let depth = 0, inStr = false, end = rest.length;
    for (let j = 0; j < rest.length; j++) {
      const c = rest[j]!;
      if (inStr) {
        if (c === "\\") j++;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") depth--;
      else if (c === "," && depth === 0) {
        end = j;
        break;
      }
    }
    const text = rest.slice(0, end);
    this.i += [...text].length;
    const v = unmarshalJSON(text);
    const r = this.read();
    if (r === undefined) {
      this.i--;
    }
    return v;
  }
  /** value after '=' for the literal/json/normal modes; returns [value, eof]. */
  value(): [unknown, boolean] {
    if (this.json) {
      const v = this.jsonVal();
      return [v, this.i >= this.chars.length];
    }
    if (this.literal) {
      const rest = this.chars.slice(this.i).join("");
      this.i = this.chars.length;
      return [rest, true];
    }
    try {
      return [this.valList(), false];
    } catch (e) {
      if (e === EOF_) return ["", true];
      if (e !== NOT_LIST) throw e;
    }
    const { v, last } = this.runesUntil(",");
    return [this.reader(v), last === undefined];
  }
  key(data: Map, level: number): void {
    const { v: k, last } = this.runesUntil(this.literal ? "=[." : "=[,.");
    if (last === undefined) {
      if (k.length === 0) throw EOF_;
      throw new Error(`key ${JSON.stringify(k)} has no value`);
    }
    switch (last) {
      case "[": {
        const i = this.keyIndex();
        let list: unknown[] = Array.isArray(data[k]) ? data[k] as unknown[] : [];
        list = this.listItem(list, i, level, (l) => (data[k] = l));
        data[k] = list;
        return;
      }
      case "=": {
        const [v, eof] = this.value();
        data[k] = v;
        if (eof) throw EOF_;
        return;
      }
      case ",":
        data[k] = "";
        throw new Error(`key ${JSON.stringify(k)} has no value (cannot end with ,)`);
      case ".": {
        level++;
        if (level > MAX_NESTED) {
          throw new Error(
            `value name nested level is greater than maximum supported nested level of ${MAX_NESTED}`,
          );
        }
        const inner: Map = isMap(data[k]) ? data[k] as Map : {};
        try {
          this.key(inner, level);
        } finally {
          if (Object.keys(inner).length === 0 && this.i >= this.chars.length && !(k in data)) {
            // Helm: "key map "x" has no value"
          }
          data[k] = inner;
        }
        if (Object.keys(inner).length === 0) throw new Error(`key map ${JSON.stringify(k)} has no value`);
        return;
      }
    }
  }
  listItem(list: unknown[], i: number, level: number, _commit: (l: unknown[]) => void): unknown[] {
    if (i < 0) throw new Error(`negative ${i} index not allowed`);
    const { v: k, last } = this.runesUntil("[.=");
    if (k.length > 0) throw new Error(`unexpected data at end of array index: ${JSON.stringify(k)}`);
    if (last === undefined) throw EOF_;
    switch (last) {
      case "=": {
        const [v, eof] = this.value();
        const l = setIndex(list, i, v);
        if (eof) {
          _commit(l);
          throw EOF_;
        }
        return l;
      }
      case "[": {
        const nextI = this.keyIndex();
        let crt: unknown[] = [];
        if (list.length > i && Array.isArray(list[i])) crt = list[i] as unknown[];
        let inner: unknown[] = crt;
        try {
          inner = this.listItem(crt, nextI, level, (l) => (inner = l));
        } catch (e) {
          if (e === EOF_) {
            _commit(setIndex(list, i, inner));
          }
          throw e;
        }
        return setIndex(list, i, inner);
      }
      case ".": {
        let inner: Map = {};
        if (list.length > i) {
          if (isMap(list[i])) inner = list[i] as Map;
        }
        try {
          this.key(inner, level);
        } catch (e) {
          if (e === EOF_) _commit(setIndex(list, i, inner));
          throw e;
        }
        return setIndex(list, i, inner);
      }
    }
    throw new Error(`parse error: unexpected token ${last}`);
  }
}

function setIndex(list: unknown[], index: number, val: unknown): unknown[] {
  if (index < 0) throw new Error(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) {
    throw new Error(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  }
  const l = list.slice();
  while (l.length <= index) l.push(null);
  l[index] = val;
  return l;
}

/** --set */
export function parseInto(s: string, dest: Map): void {
  new Parser(s, dest, (rs) => typedVal(rs, false), false).parse();
}
/** --set-string */
export function parseIntoString(s: string, dest: Map): void {
  new Parser(s, dest, (rs) => typedVal(rs, true), true).parse();
}
/** --set-file */
export function parseIntoFile(s: string, dest: Map, readFile: (path: string) => string): void {
  new Parser(s, dest, (rs) => readFile(rs), true).parse();
}
/** --set-json */
export function parseJSON(s: string, dest: Map): void {
  new Parser(s, dest, (rs) => rs, false, true).parse();
}
/** --set-literal */
export function parseLiteralInto(s: string, dest: Map): void {
  new Parser(s, dest, (rs) => rs, true, false, true).parse();
}

/** Parse a --set string into a fresh map. */
export function parseSet(s: string): Map {
  const m: Map = {};
  parseInto(s, m);
  return m;
}
