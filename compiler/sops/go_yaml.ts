/**
 * How go-yaml v3 (the YAML library sops uses) resolves an untagged plain scalar, so values get the
 * type — and hence the MAC bytes and `type:` tag — sops gives them: YAML 1.2 booleans and nulls,
 * Go `ParseInt(s, 0, 64)` integers (so `0777` is octal, `0x1F` hex, `1_000` allowed), YAML floats,
 * and timestamps (sops 3.10+ encrypts them as `type:time`, hashes their RFC 3339 text).
 */
import type { Leaf } from "./tree.ts";

const MAP: Record<string, Leaf> = {};
for (const s of ["true", "True", "TRUE"]) MAP[s] = { t: "bool", v: true };
for (const s of ["false", "False", "FALSE"]) MAP[s] = { t: "bool", v: false };
for (const s of ["", "~", "null", "Null", "NULL"]) MAP[s] = { t: "null" };
for (const s of [".nan", ".NaN", ".NAN"]) MAP[s] = { t: "float", v: NaN };
for (const s of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) MAP[s] = { t: "float", v: Infinity };
for (const s of ["-.inf", "-.Inf", "-.INF"]) MAP[s] = { t: "float", v: -Infinity };

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go `strconv.ParseInt(s, 0, 64)` (underscores already removed); undefined when invalid. */
function goParseInt(s: string, unsigned = false): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  if (unsigned && m[1] !== "") return undefined;
  let body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt("0o" + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) v = BigInt("0o" + body.slice(1));
  else {
    if (/^0[xXbB]/.test(body)) body = "0" + body[1]!.toLowerCase() + body.slice(2);
    v = BigInt(body);
  }
  if (m[1] === "-") v = -v;
  if (unsigned) return v <= UINT64_MAX ? v : undefined;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

function goParseFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * go-yaml's timestamp forms (`2006-1-2T15:4:5.999999999Z07:00`, lower-case `t`, space-separated
 * without zone, date only), rendered as Go `time.MarshalText` does (RFC 3339 with nanoseconds,
 * trailing zeros dropped; UTC written `Z`). Undefined when `s` is not such a timestamp.
 */
export function goTimestamp(s: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?))?$/
      .exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 29 && !leap) return undefined;
  const hasT = m[4] !== undefined;
  const hh = Number(hasT ? m[5] : m[10] ?? 0);
  const mm = Number(hasT ? m[6] : m[11] ?? 0);
  const ss = Number(hasT ? m[7] : m[12] ?? 0);
  const frac = (hasT ? m[8] : m[13]) ?? "";
  if (hh > 23 || mm > 59 || ss > 59 || frac.length > 9) return undefined;
  const zone = hasT ? m[9]! : "Z";
  if (zone !== "Z") {
    const [zh, zm] = zone.slice(1).split(":").map(Number) as [number, number];
    if (zh > 23 || zm > 59) return undefined;
  }
  const p2 = (n: number) => String(n).padStart(2, "0");
  const f = frac.replace(/0+$/, "");
  const z = zone === "+00:00" || zone === "-00:00" ? "Z" : zone;
  return `${m[1]}-${p2(month)}-${p2(day)}T${p2(hh)}:${p2(mm)}:${p2(ss)}${f ? "." + f : ""}${z}`;
}

/** Type of an untagged plain scalar, as go-yaml v3 resolves it into `interface{}`. */
export function goResolvePlain(s: string): Leaf {
  const hit = MAP[s];
  if (hit) return hit;
  const c = s[0]!;
  if (c === ".") {
    const f = goParseFloat(s);
    if (f !== undefined) return { t: "float", v: f };
    return { t: "str", v: s };
  }
  if (/[0-9+-]/.test(c)) {
    const ts = goTimestamp(s);
    if (ts !== undefined) return { t: "time", v: ts };
    const plain = s.replaceAll("_", "");
    const i = goParseInt(plain) ?? goParseInt(plain, true);
    if (i !== undefined) return { t: "int", v: i.toString() };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = goParseFloat(plain);
      if (f !== undefined) return { t: "float", v: f };
    }
    const bin = /^(-?)0b([01]+)$/.exec(plain);
    if (bin) return { t: "int", v: (BigInt("0b" + bin[2]) * (bin[1] ? -1n : 1n)).toString() };
    const oct = /^(-?)0o([0-7]+)$/.exec(plain);
    if (oct) return { t: "int", v: (BigInt("0o" + oct[2]) * (oct[1] ? -1n : 1n)).toString() };
  }
  return { t: "str", v: s };
}
