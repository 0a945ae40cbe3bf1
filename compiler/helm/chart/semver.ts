// Masterminds semver v3 versions and constraints (renderers.md §3.9).

export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  meta: string;
  original: string;
}

const VERSION_RE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parseVersion(s: string): SemVer | undefined {
  const m = VERSION_RE.exec(s);
  if (!m) return undefined;
  const pre = m[4] ?? "";
  if (pre) {
    for (const p of pre.split(".")) if (/^[0-9]+$/.test(p) && p.length > 1 && p[0] === "0") return undefined;
  }
  return {
    major: BigInt(m[1]!),
    minor: m[2] ? BigInt(m[2].slice(1)) : 0n,
    patch: m[3] ? BigInt(m[3].slice(1)) : 0n,
    pre,
    meta: m[5] ?? "",
    original: s,
  };
}

export function versionString(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? "-" + v.pre : ""}${v.meta ? "+" + v.meta : ""}`;
}

function cmpPrePart(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a), bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    const x = BigInt(a), y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: SemVer, b: SemVer): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre === b.pre) return 0;
  if (!a.pre) return 1;
  if (!b.pre) return -1;
  const ap = a.pre.split("."), bp = b.pre.split(".");
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    if (i >= ap.length) return -1;
    if (i >= bp.length) return 1;
    const c = cmpPrePart(ap[i]!, bp[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

interface Con {
  op: string;
  con: SemVer;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
  majorWild: boolean;
}

const isX = (s: string) => s === "x" || s === "X" || s === "*";

const CON_RE =
  /^\s*(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/;

function parseCon(s: string): Con {
  const m = CON_RE.exec(s);
  if (!m) throw new Error(`improper constraint: ${s}`);
  let op = m[1] ?? "";
  if (op === "=>") op = ">=";
  if (op === "=<") op = "<=";
  const maj = m[2]!, min = m[3] ? m[3].slice(1) : "", pat = m[4] ? m[4].slice(1) : "";
  let dirty = false, minorDirty = false, patchDirty = false, majorWild = false;
  let ver: string;
  if (isX(maj)) {
    majorWild =
      dirty =
      minorDirty =
      patchDirty =
        true;
    ver = "0.0.0";
  } else if (min === "" || isX(min)) {
    dirty = minorDirty = patchDirty = true;
    ver = `${maj}.0.0`;
  } else if (pat === "" || isX(pat)) {
    dirty = patchDirty = true;
    ver = `${maj}.${min}.0`;
  } else ver = `${maj}.${min}.${pat}`;
  ver += (m[5] ?? "") + (m[6] ?? "");
  const con = parseVersion(ver);
  if (!con) throw new Error(`improper constraint: ${s}`);
  return { op, con, dirty, minorDirty, patchDirty, majorWild };
}

function preBlocked(v: SemVer, c: Con): boolean {
  return v.pre !== "" && c.con.pre === "";
}

function tilde(v: SemVer, c: Con): boolean {
  if (preBlocked(v, c)) return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.majorWild) return true;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) {
    return true;
  }
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function caret(v: SemVer, c: Con): boolean {
  if (preBlocked(v, c)) return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0n) return false;
  return v.patch === c.con.patch;
}

function check(v: SemVer, c: Con): boolean {
  const cmp = compareVersions(v, c.con);
  switch (c.op) {
    case "":
    case "=":
      if (preBlocked(v, c)) return false;
      if (c.dirty) return tilde(v, c);
      return cmp === 0;
    case "!=":
      if (preBlocked(v, c)) return false;
      if (c.dirty) return !tilde(v, c);
      return cmp !== 0;
    case ">":
      if (preBlocked(v, c)) return false;
      if (!c.dirty) return cmp > 0;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major || c.minorDirty) return false;
      return v.minor > c.con.minor;
    case "<":
      if (preBlocked(v, c)) return false;
      return cmp < 0;
    case ">=":
      if (preBlocked(v, c)) return false;
      return cmp >= 0;
    case "<=":
      if (preBlocked(v, c)) return false;
      if (!c.dirty) return cmp <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case "~":
    case "~>":
      return tilde(v, c);
    case "^":
      return caret(v, c);
  }
  return false;
}

export class Constraint {
  readonly groups: Con[][];
  constructor(readonly text: string) {
    this.groups = text.split("||").map((g) => {
      let t = g.trim();
      // hyphen ranges
      t = t.replace(
        /([0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s+-\s+([0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)/g,
        ">= $1, <= $2",
      );
      const parts = t.split(",").flatMap((p) =>
        p.trim().replace(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)\s+/g, "$1").split(/\s+/).filter((x) => x !== "")
      );
      if (parts.length === 0) throw new Error(`improper constraint: ${text}`);
      return parts.map(parseCon);
    });
  }
  check(v: SemVer): boolean {
    return this.groups.some((g) => g.every((c) => check(v, c)));
  }
}

export function parseConstraint(s: string): Constraint {
  return new Constraint(s);
}

/** semverCompare-like helper: constraint text vs version text. */
export function satisfies(constraint: string, version: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  try {
    return new Constraint(constraint).check(v);
  } catch {
    return false;
  }
}
