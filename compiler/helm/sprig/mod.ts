// Sprig v3.3.0 function map as Helm 3.17 wires it (renderers.md §2): TxtFuncMap minus env/expandenv,
// plus Helm's overrides (helm_funcs.ts). include/tpl are added by the chart renderer.

import * as nodeCrypto from "node:crypto";
import { type GoFunc, goFunc } from "../template/template.ts";
import { sprintf } from "../template/fmt.ts";
import {
  GoInt,
  goKindName,
  goTypeName,
  isPlainMap,
  isStruct,
  stringSlice,
  tagType,
} from "../template/value.ts";
import {
  castInt64,
  deepCopy,
  deepEqual,
  empty,
  enc,
  i64,
  int,
  isList,
  listItems,
  NIL_DEREF,
  parseGoFloat,
  strval,
  toFloat64,
  toInt,
  toInt64,
} from "./conv.ts";
import * as S from "./strings.ts";
import {
  b32dec,
  b32enc,
  b64dec,
  b64enc,
  compileRE,
  cryptoRandom,
  decimalOp,
  findAll,
  hostname,
  parseURL,
  pathBase,
  pathClean,
  pathDir,
  pathExt,
  quoteMeta,
  type RandomSource,
  regexReplace,
  regexSplit,
  seededRandom,
  urlString,
} from "./misc.ts";
import { marshalJSON, unmarshalJSON } from "./json.ts";
import { parseVersion, semverCompare } from "./semver.ts";
import {
  durationRound,
  durationString,
  formatGoTime,
  GoTime,
  isValidZone,
  parseDuration,
  parseGoTime,
} from "./dates.ts";
import {
  buildCustomCert,
  decryptAES,
  derivePassword,
  encryptAES,
  genCA,
  genPrivateKey,
  genSelfSignedCert,
  genSignedCert,
} from "./crypto.ts";
import { helmFuncs } from "./helm_funcs.ts";

export { helmFuncs, includeTplFuncs } from "./helm_funcs.ts";
export {
  fromJson,
  fromJsonArray,
  fromToml,
  fromYaml,
  fromYamlArray,
  toJson,
  toToml,
  toYaml,
  toYamlPretty,
} from "./helm_funcs.ts";
export { marshalJSON, unmarshalJSON } from "./json.ts";
export { marshalYaml, parseYamlGo, parseYamlGoAll, resolvePlain } from "./yaml.ts";
export { constraintCheck, parseVersion, semverCompare, SemverVersion } from "./semver.ts";
export { GoTime } from "./dates.ts";
export { type RandomSource, seededRandom } from "./misc.ts";

export interface SprigOptions {
  /** Seed for every random function (randAlphaNum, shuffle, uuidv4, randInt, randBytes, encryptAES IV …). */
  seed?: number | bigint;
  /** Custom random source (overrides seed). */
  random?: RandomSource;
  /** Fixed clock, milliseconds since the Unix epoch (now, ago, date defaults). */
  now?: number | (() => number);
  /** Include Helm's overrides (toYaml, fromYaml, toJson, fromJson, required, fail, lookup …). Default true. */
  helm?: boolean;
}

const ANY = "any" as const;

function listOrThrow(v: unknown, msg: (kind: string) => string): unknown[] {
  if (v === null || v === undefined) throw new Error(NIL_DEREF);
  if (!isList(v)) throw new Error(msg(goKindName(v)));
  return listItems(v);
}

function mapArg(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  return v as Record<string, unknown>;
}

function isEmptyValue(v: unknown): boolean {
  // mergo isEmptyValue (interface elements dereferenced)
  return empty(v);
}

function mergeMaps(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const sv = src[key];
    const has = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (sv === null || sv === undefined) {
      if (overwrite) dst[key] = null;
      continue;
    }
    if (isPlainMap(sv) && has && isPlainMap(dv)) {
      mergeMaps(dv, sv, overwrite);
      if (!isEmptyValue(dv)) continue;
    }
    if (has && !isEmptyValue(dv)) {
      if (Array.isArray(sv) && !overwrite) continue;
      if (isPlainMap(sv) && isPlainMap(dv)) continue;
    }
    if (overwrite || !has || isEmptyValue(dv)) dst[key] = sv;
  }
}

function goDiv(a: bigint, b: bigint, op: "div" | "mod"): bigint {
  if (b === 0n) throw new Error("runtime error: integer divide by zero");
  return BigInt.asIntN(64, op === "div" ? a / b : a % b);
}

function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function intList(a: number[]): GoInt[] {
  return tagType(a.map((x) => int(x)), "[]int");
}

function seq(params: number[]): string {
  const join = (a: number[]) => a.join(" ");
  switch (params.length) {
    case 0:
      return "";
    case 1: {
      const end = params[0]!;
      const inc = end < 1 ? -1 : 1;
      return join(untilStep(1, end + inc, inc));
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return "";
      }
      return join(untilStep(start, end + inc, step));
    }
  }
  return "";
}

function randString(rand: RandomSource, n: number, charset: string): string {
  let out = "";
  const chars = [...charset];
  for (let i = 0; i < n; i++) out += chars[rand.intn(chars.length)];
  return out;
}

const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const NUM = "0123456789";
const ASCII = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function digest(alg: string, s: string): string {
  return nodeCrypto.createHash(alg).update(enc.encode(s)).digest("hex");
}

/** Every Sprig function Helm exposes, keyed by name. */
export function sprigFuncs(opts: SprigOptions = {}): Record<string, GoFunc> {
  const rand: RandomSource = opts.random ??
    (opts.seed !== undefined ? seededRandom(opts.seed) : cryptoRandom());
  const nowFn: () => number = typeof opts.now === "function"
    ? opts.now
    : typeof opts.now === "number"
    ? (() => opts.now as number)
    : () => Date.now();
  const nowTime = () => new GoTime(nowFn(), 0, "Local");
  const certEnv = { now: nowFn, rand };
  const timeArg = (d: unknown): GoTime => {
    if (d instanceof GoTime) return d;
    if (d instanceof GoInt && (d.kind === "int" || d.kind === "int64" || d.kind === "int32")) {
      return new GoTime(Number(d.value) * 1000, 0, "Local");
    }
    return nowTime();
  };
  const formatDate = (layout: string, d: unknown, zone: string) => {
    const t = timeArg(d);
    return formatGoTime(new GoTime(t.ms, t.nsExtra, isValidZone(zone) ? zone : "UTC"), layout);
  };

  const first = (l: unknown) => {
    const a = listOrThrow(l, (k) => `Cannot find first on type ${k}`);
    return a.length === 0 ? null : a[0];
  };
  const last = (l: unknown) => {
    const a = listOrThrow(l, (k) => `Cannot find last on type ${k}`);
    return a.length === 0 ? null : a[a.length - 1];
  };
  const rest = (l: unknown) => {
    const a = listOrThrow(l, (k) => `Cannot find rest on type ${k}`);
    return a.length === 0 ? null : a.slice(1);
  };
  const initial = (l: unknown) => {
    const a = listOrThrow(l, (k) => `Cannot find initial on type ${k}`);
    return a.length === 0 ? null : a.slice(0, -1);
  };
  const push = (l: unknown, v: unknown) => [...listOrThrow(l, (k) => `Cannot push on type ${k}`), v];
  const prepend = (l: unknown, v: unknown) => [v, ...listOrThrow(l, (k) => `Cannot prepend on type ${k}`)];
  const reverse = (l: unknown) => [...listOrThrow(l, (k) => `Cannot find reverse on type ${k}`)].reverse();
  const uniq = (l: unknown) => {
    const out: unknown[] = [];
    for (const x of listOrThrow(l, (k) => `Cannot find uniq on type ${k}`)) {
      if (!out.some((y) => deepEqual(x, y))) out.push(x);
    }
    return out;
  };
  const without = (l: unknown, ...omit: unknown[]) =>
    listOrThrow(l, (k) => `Cannot find without on type ${k}`).filter((x) =>
      !omit.some((o) => deepEqual(x, o))
    );
  const has = (needle: unknown, hay: unknown) => {
    if (hay === null || hay === undefined) return false;
    if (!isList(hay)) throw new Error(`Cannot find has on type ${goKindName(hay)}`);
    return listItems(hay).some((x) => deepEqual(needle, x));
  };
  const compact = (l: unknown) =>
    listOrThrow(l, (k) => `Cannot compact on type ${k}`).filter((x) => !empty(x));
  const slice = (l: unknown, ...ix: unknown[]) => {
    if (l === null || l === undefined) throw new Error(NIL_DEREF);
    if (!isList(l)) throw new Error(`list should be type of slice or array but ${goKindName(l)}`);
    const n = l.length;
    if (n === 0) return null;
    const start = ix.length > 0 ? toInt(ix[0]) : 0;
    const end = ix.length < 2 ? n : toInt(ix[1]);
    if (start < 0 || end > n || start > end) {
      throw new Error(`reflect: slice index out of range`);
    }
    const out = l.slice(start, end);
    return l instanceof Uint8Array ? out : tagType(out as unknown[], goTypeName(l));
  };
  const chunk = (size: number, l: unknown) => {
    const a = listOrThrow(l, (k) => `Cannot chunk type ${k}`);
    const out: unknown[][] = [];
    for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
    return tagType(out, "[][]interface {}");
  };
  const concat = (...lists: unknown[]) => {
    const out: unknown[] = [];
    for (const l of lists) {
      if (l === null || l === undefined) throw new Error(NIL_DEREF);
      if (!isList(l)) throw new Error(`Cannot concat type ${goKindName(l)} as list`);
      out.push(...listItems(l));
    }
    return out;
  };
  const dig = (...ps: unknown[]) => {
    if (ps.length < 3) throw new Error("dig needs at least three arguments");
    let dict = ps[ps.length - 1];
    const def = ps[ps.length - 2];
    const ks = ps.slice(0, -2);
    if (!isPlainMap(dict)) {
      throw new Error(
        `interface conversion: interface {} is ${goTypeName(dict)}, not map[string]interface {}`,
      );
    }
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i];
      if (typeof k !== "string") {
        throw new Error(`interface conversion: interface {} is ${goTypeName(k)}, not string`);
      }
      const d = dict as Record<string, unknown>;
      if (!Object.hasOwn(d, k)) return def;
      const step = d[k];
      if (i === ks.length - 1) return step;
      if (!isPlainMap(step)) {
        throw new Error(
          `interface conversion: interface {} is ${goTypeName(step)}, not map[string]interface {}`,
        );
      }
      dict = step;
    }
    return def;
  };
  const regexFindAll = (re: string, s: string, n: GoInt) =>
    stringSlice(findAll(compileRE(re), s, Number(n.value)).map((m) => m.text));
  const regexFind = (re: string, s: string) => findAll(compileRE(re), s, 1)[0]?.text ?? "";
  const regexMatch = (re: string, s: string) => {
    const r = compileRE(re);
    r.lastIndex = 0;
    return r.test(s);
  };
  const toJsonErr = (v: unknown, o: { escapeHTML?: boolean; indent?: string }) => marshalJSON(v, o);
  const fromJsonSprig = (s: string) => unmarshalJSON(s);

  const mustDateModify = (f: string, d: unknown) => {
    const t = d as GoTime;
    const dur = parseDuration(f);
    const totalNs = BigInt(t.ms) * 1000000n + BigInt(t.nsExtra) + dur;
    return new GoTime(Number(totalNs / 1000000n), Number(totalNs % 1000000n), t.zone);
  };
  const toDate = (layout: string, s: string) => parseGoTime(layout, s, "Local");

  const f: Record<string, GoFunc> = {
    hello: goFunc([], () => "Hello!"),

    // ---------------------------------------------------------------- dates
    ago: goFunc([ANY], (d) => {
      const t = timeArg(d);
      const ns = BigInt(Math.round((nowFn() - t.ms) / 1000)) * 1000000000n;
      return durationString(ns);
    }),
    date: goFunc(["string", ANY], (fmt, d) => formatDate(fmt as string, d, "Local")),
    date_in_zone: goFunc(["string", ANY, "string"], (fmt, d, z) => formatDate(fmt as string, d, z as string)),
    dateInZone: goFunc(["string", ANY, "string"], (fmt, d, z) => formatDate(fmt as string, d, z as string)),
    date_modify: goFunc(["string", ANY], (fmt, d) => {
      try {
        return mustDateModify(fmt as string, d);
      } catch {
        return d;
      }
    }),
    dateModify: goFunc(["string", ANY], (fmt, d) => {
      try {
        return mustDateModify(fmt as string, d);
      } catch {
        return d;
      }
    }),
    must_date_modify: goFunc(["string", ANY], (fmt, d) => mustDateModify(fmt as string, d)),
    mustDateModify: goFunc(["string", ANY], (fmt, d) => mustDateModify(fmt as string, d)),
    duration: goFunc([ANY], (sec) => {
      let n = 0n;
      if (typeof sec === "string") n = /^[+-]?\d+$/.test(sec) ? BigInt(sec) : 0n;
      else if (sec instanceof GoInt && sec.kind === "int64") n = sec.value;
      return durationString(n * 1000000000n);
    }),
    durationRound: goFunc([ANY], (d) => {
      let ns = 0n;
      if (typeof d === "string") {
        try {
          ns = parseDuration(d);
        } catch {
          ns = 0n;
        }
      } else if (d instanceof GoInt && d.kind === "int64") ns = d.value;
      else if (d instanceof GoTime) ns = BigInt(nowFn() - d.ms) * 1000000n;
      return durationRound(ns);
    }),
    htmlDate: goFunc([ANY], (d) => formatDate("2006-01-02", d, "Local")),
    htmlDateInZone: goFunc([ANY, "string"], (d, z) => formatDate("2006-01-02", d, z as string)),
    mustToDate: goFunc(["string", "string"], (l, s) => toDate(l as string, s as string)),
    now: goFunc([], () => nowTime()),
    toDate: goFunc(["string", "string"], (l, s) => {
      try {
        return toDate(l as string, s as string);
      } catch {
        return new GoTime(-62135596800000, 0, "UTC");
      }
    }),
    unixEpoch: goFunc([ANY], (d) => String(Math.floor((d as GoTime).ms / 1000))),

    // ---------------------------------------------------------------- strings
    abbrev: goFunc(["int", "string"], (w, s) => S.abbrev(Number((w as GoInt).value), s as string)),
    abbrevboth: goFunc(
      ["int", "int", "string"],
      (l, r, s) => S.abbrevboth(Number((l as GoInt).value), Number((r as GoInt).value), s as string),
    ),
    trunc: goFunc(["int", "string"], (c, s) => S.trunc(Number((c as GoInt).value), s as string)),
    trim: goFunc(["string"], (s) => S.trim(s as string)),
    upper: goFunc(["string"], (s) => (s as string).toUpperCase()),
    lower: goFunc(["string"], (s) => (s as string).toLowerCase()),
    title: goFunc(["string"], (s) => S.title(s as string)),
    untitle: goFunc(["string"], (s) => S.untitle(s as string)),
    substr: goFunc(
      ["int", "int", "string"],
      (a, b, s) => S.substr(Number((a as GoInt).value), Number((b as GoInt).value), s as string),
    ),
    repeat: goFunc(["int", "string"], (n, s) => {
      const c = Number((n as GoInt).value);
      if (c < 0) throw new Error("strings: negative Repeat count");
      return (s as string).repeat(c);
    }),
    trimall: goFunc(["string", "string"], (a, b) => S.trimCutset(b as string, a as string)),
    trimAll: goFunc(["string", "string"], (a, b) => S.trimCutset(b as string, a as string)),
    trimSuffix: goFunc(
      ["string", "string"],
      (
        a,
        b,
      ) => ((b as string).endsWith(a as string)
        ? (b as string).slice(0, (b as string).length - (a as string).length)
        : b),
    ),
    trimPrefix: goFunc(
      ["string", "string"],
      (a, b) => ((b as string).startsWith(a as string) ? (b as string).slice((a as string).length) : b),
    ),
    nospace: goFunc(["string"], (s) => S.nospace(s as string)),
    initials: goFunc(["string"], (s) => S.initials(s as string)),
    randAlphaNum: goFunc(["int"], (n) => randString(rand, toInt(n), ALPHA + NUM)),
    randAlpha: goFunc(["int"], (n) => randString(rand, toInt(n), ALPHA)),
    randAscii: goFunc(["int"], (n) => randString(rand, toInt(n), ASCII)),
    randNumeric: goFunc(["int"], (n) => randString(rand, toInt(n), NUM)),
    swapcase: goFunc(["string"], (s) => S.swapcase(s as string)),
    shuffle: goFunc(["string"], (s) => {
      const a = [...(s as string)];
      for (let i = a.length - 1; i > 0; i--) {
        const j = rand.intn(i + 1);
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a.join("");
    }),
    snakecase: goFunc(["string"], (s) => S.snakecase(s as string)),
    camelcase: goFunc(["string"], (s) => S.camelcase(s as string)),
    kebabcase: goFunc(["string"], (s) => S.kebabcase(s as string)),
    wrap: goFunc(["int", "string"], (l, s) => S.wrapCustom(s as string, toInt(l), "", false)),
    wrapWith: goFunc(
      ["int", "string", "string"],
      (l, sep, s) => S.wrapCustom(s as string, toInt(l), sep as string, true),
    ),
    contains: goFunc(["string", "string"], (sub, s) => (s as string).includes(sub as string)),
    hasPrefix: goFunc(["string", "string"], (p, s) => (s as string).startsWith(p as string)),
    hasSuffix: goFunc(["string", "string"], (p, s) => (s as string).endsWith(p as string)),
    quote: goFunc([], (...a) => S.quote(...a), ANY),
    squote: goFunc([], (...a) => S.squote(...a), ANY),
    cat: goFunc([], (...a) => S.cat(...a), ANY),
    indent: goFunc(["int", "string"], (n, s) => S.indent(toInt(n), s as string)),
    nindent: goFunc(["int", "string"], (n, s) => "\n" + S.indent(toInt(n), s as string)),
    replace: goFunc(
      ["string", "string", "string"],
      (o, n, s) => (s as string).replaceAll(o as string, n as string),
    ),
    plural: goFunc(["string", "string", "int"], (o, m, c) => S.plural(o as string, m as string, c as GoInt)),
    sha1sum: goFunc(["string"], (s) => digest("sha1", s as string)),
    sha256sum: goFunc(["string"], (s) => digest("sha256", s as string)),
    sha512sum: goFunc(["string"], (s) => digest("sha512", s as string)),
    adler32sum: goFunc(["string"], (s) => S.adler32(s as string)),
    toString: goFunc([ANY], (v: unknown) => strval(v)),

    // ---------------------------------------------------------------- conversion / numbers
    atoi: goFunc(["string"], (s) => {
      const t = s as string;
      return int(
        /^[+-]?\d+$/.test(t) && BigInt(t) <= (1n << 63n) - 1n && BigInt(t) >= -(1n << 63n) ? BigInt(t) : 0n,
      );
    }),
    int64: goFunc([ANY], (v) => i64(toInt64(v))),
    int: goFunc([ANY], (v) => int(toInt64(v))),
    float64: goFunc([ANY], (v) => toFloat64(v)),
    seq: goFunc([], (...p) => seq(p.map((x) => toInt(x))), "int"),
    toDecimal: goFunc([ANY], (v) => {
      const s = sprintf("%v", [v]);
      if (!/^[+-]?[0-7]+$/.test(s)) return i64(0);
      const n = BigInt(s.startsWith("-") ? "-0o" + s.slice(1) : "0o" + s.replace(/^\+/, ""));
      return i64(n > (1n << 63n) - 1n ? 0n : n);
    }),
    split: goFunc(["string", "string"], (sep, s) => S.splitMap(S.goSplit(s as string, sep as string))),
    splitList: goFunc(["string", "string"], (sep, s) => stringSlice(S.goSplit(s as string, sep as string))),
    splitn: goFunc(
      ["string", "int", "string"],
      (sep, n, s) => S.splitMap(S.goSplit(s as string, sep as string, toInt(n))),
    ),
    toStrings: goFunc([ANY], (v) => S.strslice(v)),
    until: goFunc(["int"], (n) => {
      const c = toInt(n);
      return intList(untilStep(0, c, c < 0 ? -1 : 1));
    }),
    untilStep: goFunc(["int", "int", "int"], (a, b, c) => intList(untilStep(toInt(a), toInt(b), toInt(c)))),
    add1: goFunc([ANY], (a) => i64(BigInt.asIntN(64, toInt64(a) + 1n))),
    add: goFunc([], (...a) => i64(BigInt.asIntN(64, a.reduce<bigint>((s, x) => s + toInt64(x), 0n))), ANY),
    sub: goFunc([ANY, ANY], (a, b) => i64(BigInt.asIntN(64, toInt64(a) - toInt64(b)))),
    div: goFunc([ANY, ANY], (a, b) => i64(goDiv(toInt64(a), toInt64(b), "div"))),
    mod: goFunc([ANY, ANY], (a, b) => i64(goDiv(toInt64(a), toInt64(b), "mod"))),
    mul: goFunc(
      [ANY],
      (a, ...v) => i64(BigInt.asIntN(64, v.reduce<bigint>((s, x) => s * toInt64(x), toInt64(a)))),
      ANY,
    ),
    randInt: goFunc(["int", "int"], (a, b) => {
      const min = toInt(a), max = toInt(b);
      if (max - min <= 0) throw new Error("invalid argument to Intn");
      return int(min + rand.intn(max - min));
    }),
    add1f: goFunc([ANY], (a) => decimalOp([toFloat64(a), 1], "add")),
    addf: goFunc([], (...a) => decimalOp([0, ...a.map(toFloat64)], "add"), ANY),
    subf: goFunc([ANY], (a, ...v) => decimalOp([toFloat64(a), ...v.map(toFloat64)], "sub"), ANY),
    divf: goFunc([ANY], (a, ...v) => decimalOp([toFloat64(a), ...v.map(toFloat64)], "div"), ANY),
    mulf: goFunc([ANY], (a, ...v) => decimalOp([toFloat64(a), ...v.map(toFloat64)], "mul"), ANY),
    biggest: goFunc(
      [ANY],
      (a, ...v) => i64(v.reduce<bigint>((m, x) => (toInt64(x) > m ? toInt64(x) : m), toInt64(a))),
      ANY,
    ),
    max: goFunc(
      [ANY],
      (a, ...v) => i64(v.reduce<bigint>((m, x) => (toInt64(x) > m ? toInt64(x) : m), toInt64(a))),
      ANY,
    ),
    min: goFunc(
      [ANY],
      (a, ...v) => i64(v.reduce<bigint>((m, x) => (toInt64(x) < m ? toInt64(x) : m), toInt64(a))),
      ANY,
    ),
    maxf: goFunc(
      [ANY],
      (a, ...v) => v.reduce<number>((m, x) => Math.max(m, toFloat64(x)), toFloat64(a)),
      ANY,
    ),
    minf: goFunc(
      [ANY],
      (a, ...v) => v.reduce<number>((m, x) => Math.min(m, toFloat64(x)), toFloat64(a)),
      ANY,
    ),
    ceil: goFunc([ANY], (a) => Math.ceil(toFloat64(a))),
    floor: goFunc([ANY], (a) => Math.floor(toFloat64(a))),
    round: goFunc([ANY, "int"], (a, p, ...r) => {
      const roundOn = r.length > 0 ? (r[0] as number) : 0.5;
      const val = toFloat64(a);
      const pow = Math.pow(10, toInt(p));
      const digit = pow * val;
      const frac = digit - Math.trunc(digit);
      const rounded = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
      return rounded / pow;
    }, "float64"),

    // ---------------------------------------------------------------- lists as strings
    join: goFunc(["string", ANY], (sep, v) => S.strslice(v).join(sep as string)),
    sortAlpha: goFunc([ANY], (v) => S.sortAlpha(v)),

    // ---------------------------------------------------------------- defaults / flow / types
    default: goFunc([ANY], (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0]), ANY),
    empty: goFunc([ANY], (v) => empty(v)),
    coalesce: goFunc([], (...v) => v.find((x) => !empty(x)) ?? null, ANY),
    all: goFunc([], (...v) => v.every((x) => !empty(x)), ANY),
    any: goFunc([], (...v) => v.some((x) => !empty(x)), ANY),
    compact: goFunc([ANY], (l) => compact(l)),
    mustCompact: goFunc([ANY], (l) => compact(l)),
    fromJson: goFunc(["string"], (s) => {
      try {
        return fromJsonSprig(s as string);
      } catch {
        return null;
      }
    }),
    toJson: goFunc([ANY], (v) => {
      try {
        return toJsonErr(v, {});
      } catch {
        return "";
      }
    }),
    toPrettyJson: goFunc([ANY], (v) => {
      try {
        return toJsonErr(v, { indent: "  " });
      } catch {
        return "";
      }
    }),
    toRawJson: goFunc([ANY], (v) => {
      try {
        return toJsonErr(v, { escapeHTML: false });
      } catch {
        return "";
      }
    }),
    mustFromJson: goFunc(["string"], (s) => fromJsonSprig(s as string)),
    mustToJson: goFunc([ANY], (v) => toJsonErr(v, {})),
    mustToPrettyJson: goFunc([ANY], (v) => toJsonErr(v, { indent: "  " })),
    mustToRawJson: goFunc([ANY], (v) => toJsonErr(v, { escapeHTML: false })),
    ternary: goFunc([ANY, ANY, "bool"], (a, b, c) => (c ? a : b)),
    deepCopy: goFunc([ANY], (v) => deepCopy(v)),
    mustDeepCopy: goFunc([ANY], (v) => deepCopy(v)),
    typeOf: goFunc([ANY], (v) => goTypeName(v)),
    typeIs: goFunc(["string", ANY], (t, v) => t === goTypeName(v)),
    typeIsLike: goFunc(["string", ANY], (t, v) => t === goTypeName(v) || "*" + t === goTypeName(v)),
    kindOf: goFunc([ANY], (v) => goKindName(v)),
    kindIs: goFunc(["string", ANY], (t, v) => t === goKindName(v)),
    deepEqual: goFunc([ANY, ANY], (a, b) => deepEqual(a, b)),

    // ---------------------------------------------------------------- network / paths / encoding
    getHostByName: goFunc(["string"], () => ""),
    base: goFunc(["string"], (s) => pathBase(s as string)),
    dir: goFunc(["string"], (s) => pathDir(s as string)),
    clean: goFunc(["string"], (s) => pathClean(s as string)),
    ext: goFunc(["string"], (s) => pathExt(s as string)),
    isAbs: goFunc(["string"], (s) => (s as string).startsWith("/")),
    osBase: goFunc(["string"], (s) => pathBase(s as string)),
    osClean: goFunc(["string"], (s) => pathClean(s as string)),
    osDir: goFunc(["string"], (s) => pathDir(s as string)),
    osExt: goFunc(["string"], (s) => pathExt(s as string)),
    osIsAbs: goFunc(["string"], (s) => (s as string).startsWith("/")),
    b64enc: goFunc(["string"], (s) => b64enc(s as string)),
    b64dec: goFunc(["string"], (s) => b64dec(s as string)),
    b32enc: goFunc(["string"], (s) => b32enc(s as string)),
    b32dec: goFunc(["string"], (s) => b32dec(s as string)),

    // ---------------------------------------------------------------- dicts
    tuple: goFunc([], (...v) => v, ANY),
    list: goFunc([], (...v) => v, ANY),
    dict: goFunc([], (...v) => {
      const d: Record<string, unknown> = {};
      for (let i = 0; i < v.length; i += 2) d[strval(v[i])] = i + 1 < v.length ? v[i + 1] : "";
      return d;
    }, ANY),
    get: goFunc(["map", "string"], (d, k) => {
      const m = mapArg(d);
      return Object.hasOwn(m, k as string) ? m[k as string] : "";
    }),
    set: goFunc(["map", "string", ANY], (d, k, v) => {
      if (d === null) throw new Error("assignment to entry in nil map");
      (d as Record<string, unknown>)[k as string] = v;
      return d;
    }),
    unset: goFunc(["map", "string"], (d, k) => {
      if (d) delete (d as Record<string, unknown>)[k as string];
      return d ?? {};
    }),
    hasKey: goFunc(["map", "string"], (d, k) => Object.hasOwn(mapArg(d), k as string)),
    pluck: goFunc(["string"], (k, ...ds) => {
      const out: unknown[] = [];
      for (const d of ds) {
        const m = mapArg(d);
        if (Object.hasOwn(m, k as string)) out.push(m[k as string]);
      }
      return out;
    }, "map"),
    keys: goFunc([], (...ds) => stringSlice(ds.flatMap((d) => Object.keys(mapArg(d)))), "map"),
    pick: goFunc(["map"], (d, ...ks) => {
      const m = mapArg(d), out: Record<string, unknown> = {};
      for (const k of ks as string[]) if (Object.hasOwn(m, k)) out[k] = m[k];
      return out;
    }, "string"),
    omit: goFunc(["map"], (d, ...ks) => {
      const m = mapArg(d), out: Record<string, unknown> = {};
      for (const k of Object.keys(m)) if (!(ks as string[]).includes(k)) out[k] = m[k];
      return out;
    }, "string"),
    merge: goFunc(["map"], (dst, ...srcs) => {
      const d = (dst ?? {}) as Record<string, unknown>;
      for (const s of srcs) mergeMaps(d, mapArg(s), false);
      return d;
    }, "map"),
    mergeOverwrite: goFunc(["map"], (dst, ...srcs) => {
      const d = (dst ?? {}) as Record<string, unknown>;
      for (const s of srcs) mergeMaps(d, mapArg(s), true);
      return d;
    }, "map"),
    mustMerge: goFunc(["map"], (dst, ...srcs) => {
      const d = (dst ?? {}) as Record<string, unknown>;
      for (const s of srcs) mergeMaps(d, mapArg(s), false);
      return d;
    }, "map"),
    mustMergeOverwrite: goFunc(["map"], (dst, ...srcs) => {
      const d = (dst ?? {}) as Record<string, unknown>;
      for (const s of srcs) mergeMaps(d, mapArg(s), true);
      return d;
    }, "map"),
    values: goFunc(["map"], (d) => Object.values(mapArg(d))),
    dig: goFunc([], (...ps) => dig(...ps), ANY),

    // ---------------------------------------------------------------- lists
    append: goFunc([ANY, ANY], push),
    push: goFunc([ANY, ANY], push),
    mustAppend: goFunc([ANY, ANY], push),
    mustPush: goFunc([ANY, ANY], push),
    prepend: goFunc([ANY, ANY], prepend),
    mustPrepend: goFunc([ANY, ANY], prepend),
    first: goFunc([ANY], first),
    mustFirst: goFunc([ANY], first),
    rest: goFunc([ANY], rest),
    mustRest: goFunc([ANY], rest),
    last: goFunc([ANY], last),
    mustLast: goFunc([ANY], last),
    initial: goFunc([ANY], initial),
    mustInitial: goFunc([ANY], initial),
    reverse: goFunc([ANY], reverse),
    mustReverse: goFunc([ANY], reverse),
    uniq: goFunc([ANY], uniq),
    mustUniq: goFunc([ANY], uniq),
    without: goFunc([ANY], without, ANY),
    mustWithout: goFunc([ANY], without, ANY),
    has: goFunc([ANY, ANY], has),
    mustHas: goFunc([ANY, ANY], has),
    slice: goFunc([ANY], slice, ANY),
    mustSlice: goFunc([ANY], slice, ANY),
    concat: goFunc([], concat, ANY),
    chunk: goFunc(["int", ANY], (n, l) => chunk(toInt(n), l)),
    mustChunk: goFunc(["int", ANY], (n, l) => chunk(toInt(n), l)),

    // ---------------------------------------------------------------- crypto / identity
    bcrypt: goFunc(["string"], () => {
      throw new Error("bcrypt is not supported by this renderer");
    }),
    htpasswd: goFunc(["string", "string"], () => {
      throw new Error("htpasswd is not supported by this renderer");
    }),
    genPrivateKey: goFunc(["string"], (t) => genPrivateKey(t as string)),
    genCA: goFunc(["string", "int"], (cn, d) => genCA(certEnv, cn as string, toInt(d))),
    genCAWithKey: goFunc(
      ["string", "int", "string"],
      (cn, d, k) => genCA(certEnv, cn as string, toInt(d), k as string),
    ),
    genSelfSignedCert: goFunc(
      ["string", "list", "list", "int"],
      (cn, ips, dns, d) => genSelfSignedCert(certEnv, cn as string, ips, dns, toInt(d)),
    ),
    genSelfSignedCertWithKey: goFunc(
      ["string", "list", "list", "int", "string"],
      (cn, ips, dns, d, k) => genSelfSignedCert(certEnv, cn as string, ips, dns, toInt(d), k as string),
    ),
    genSignedCert: goFunc(
      ["string", "list", "list", "int", ANY],
      (cn, ips, dns, d, ca) => genSignedCert(certEnv, cn as string, ips, dns, toInt(d), ca),
    ),
    genSignedCertWithKey: goFunc(
      ["string", "list", "list", "int", ANY, "string"],
      (cn, ips, dns, d, ca, k) => genSignedCert(certEnv, cn as string, ips, dns, toInt(d), ca, k as string),
    ),
    derivePassword: goFunc(
      [ANY, "string", "string", "string", "string"],
      (c, t, p, u, s) => derivePassword(toInt(c), t as string, p as string, u as string, s as string),
    ),
    buildCustomCert: goFunc(["string", "string"], (c, k) => buildCustomCert(c as string, k as string)),
    encryptAES: goFunc(["string", "string"], (k, t) => encryptAES(k as string, t as string, rand)),
    decryptAES: goFunc(["string", "string"], (k, t) => decryptAES(k as string, t as string)),
    randBytes: goFunc(["int"], (n) => {
      const c = toInt(n);
      if (c < 0) throw new Error("negative count");
      let bin = "";
      for (const b of rand.bytes(c)) bin += String.fromCharCode(b);
      return btoa(bin);
    }),
    uuidv4: goFunc([], () => {
      const b = rand.bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = hex(b);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }),

    // ---------------------------------------------------------------- semver
    semver: goFunc(["string"], (s) => parseVersion(s as string)),
    semverCompare: goFunc(["string", "string"], (c, v) => semverCompare(c as string, v as string)),

    // ---------------------------------------------------------------- flow
    fail: goFunc(["string"], (msg) => {
      throw new Error(msg as string);
    }),

    // ---------------------------------------------------------------- regex
    regexMatch: goFunc(["string", "string"], (re, s) => {
      try {
        return regexMatch(re as string, s as string);
      } catch {
        return false;
      }
    }),
    mustRegexMatch: goFunc(["string", "string"], (re, s) => regexMatch(re as string, s as string)),
    regexFindAll: goFunc(
      ["string", "string", "int"],
      (re, s, n) => regexFindAll(re as string, s as string, n as GoInt),
    ),
    mustRegexFindAll: goFunc(
      ["string", "string", "int"],
      (re, s, n) => regexFindAll(re as string, s as string, n as GoInt),
    ),
    regexFind: goFunc(["string", "string"], (re, s) => regexFind(re as string, s as string)),
    mustRegexFind: goFunc(["string", "string"], (re, s) => regexFind(re as string, s as string)),
    regexReplaceAll: goFunc(
      ["string", "string", "string"],
      (re, s, r) => regexReplace(compileRE(re as string), s as string, r as string, false),
    ),
    mustRegexReplaceAll: goFunc(
      ["string", "string", "string"],
      (re, s, r) => regexReplace(compileRE(re as string), s as string, r as string, false),
    ),
    regexReplaceAllLiteral: goFunc(
      ["string", "string", "string"],
      (re, s, r) => regexReplace(compileRE(re as string), s as string, r as string, true),
    ),
    mustRegexReplaceAllLiteral: goFunc(
      ["string", "string", "string"],
      (re, s, r) => regexReplace(compileRE(re as string), s as string, r as string, true),
    ),
    regexSplit: goFunc(
      ["string", "string", "int"],
      (re, s, n) => regexSplit(compileRE(re as string), s as string, toInt(n)),
    ),
    mustRegexSplit: goFunc(
      ["string", "string", "int"],
      (re, s, n) => regexSplit(compileRE(re as string), s as string, toInt(n)),
    ),
    regexQuoteMeta: goFunc(["string"], (s) => quoteMeta(s as string)),

    // ---------------------------------------------------------------- urls
    urlParse: goFunc(["string"], (v) => {
      let u;
      try {
        u = parseURL(v as string);
      } catch (e) {
        throw new Error(`unable to parse url: ${(e as Error).message}`);
      }
      return {
        scheme: u.scheme,
        host: u.host,
        hostname: hostname(u.host),
        path: u.path,
        query: u.rawQuery,
        opaque: u.opaque,
        fragment: u.fragment,
        userinfo: u.user ?? "",
      };
    }),
    urlJoin: goFunc(["map"], (d) => {
      const m = mapArg(d);
      const g = (k: string) => (typeof m[k] === "string" ? (m[k] as string) : "");
      const user = g("userinfo");
      return urlString({
        scheme: g("scheme"),
        host: g("host"),
        path: g("path"),
        rawQuery: g("query"),
        opaque: g("opaque"),
        fragment: g("fragment"),
        user: user !== "" ? user : undefined,
      });
    }),
  };
  void castInt64;
  void parseGoFloat;
  void isStruct;
  if (opts.helm ?? true) Object.assign(f, helmFuncs());
  return f;
}
