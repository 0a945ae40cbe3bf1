// Masterminds semver v3 subset: versions and constraints (renderers.md §3.9, §2.7).

import { GO_TYPE, GoInt, GoStruct } from "../template/value.ts";

const VERSION_RE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** *semver.Version — prints as its version string; methods Major/Minor/Patch/Prerelease/Metadata/Original. */
export class SemverVersion extends GoStruct {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {
    super("*semver.Version");
    Object.defineProperty(this, GO_TYPE, { value: "*semver.Version", enumerable: false });
    for (const k of ["major", "minor", "patch", "pre", "metadata", "original"]) {
      Object.defineProperty(this, k, { enumerable: false, value: (this as Record<string, unknown>)[k] });
    }
  }
  Major(): GoInt {
    return new GoInt(this.major, "uint64");
  }
  Minor(): GoInt {
    return new GoInt(this.minor, "uint64");
  }
  Patch(): GoInt {
    return new GoInt(this.patch, "uint64");
  }
  Prerelease(): string {
    return this.pre;
  }
  Metadata(): string {
    return this.metadata;
  }
  Original(): string {
    return this.original;
  }
  String(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre) s += "-" + this.pre;
    if (this.metadata) s += "+" + this.metadata;
    return s;
  }
}

export function parseVersion(v: string): SemverVersion {
  const m = VERSION_RE.exec(v);
  if (!m) throw new Error("Invalid Semantic Version");
  const pre = m[4] ?? "";
  if (pre) {
    for (const id of pre.split(".")) {
      if (/^[0-9]+$/.test(id) && id.length > 1 && id[0] === "0") {
        throw new Error("Version segment starts with 0");
      }
    }
  }
  return new SemverVersion(
    BigInt(m[1]!),
    m[2] ? BigInt(m[2].slice(1)) : 0n,
    m[3] ? BigInt(m[3].slice(1)) : 0n,
    pre,
    m[5] ?? "",
    v,
  );
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  const pa = a.split("."), pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^[0-9]+$/.test(x), yn = /^[0-9]+$/.test(y);
    if (xn && yn) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compareVersions(a: SemverVersion, b: SemverVersion): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return comparePre(a.pre, b.pre);
}

interface Constraint {
  op: string;
  v: SemverVersion;
  dirtyMinor: boolean;
  dirtyPatch: boolean;
  dirtyMajor: boolean;
  orig: string;
}

const CONSTRAINT_OPS = "(=|!=|>=|=>|<=|=<|>|<|~>|~|\\^)?";
const CV = "v?[0-9xX*]+(?:\\.[0-9xX*]+)?(?:\\.[0-9xX*]+)?(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?";
const ONE_RE = new RegExp(`^\\s*${CONSTRAINT_OPS}\\s*(${CV})\\s*$`);
const SPLIT_RE = new RegExp(`${CONSTRAINT_OPS}\\s*(${CV})`, "g");

function parseOne(s: string): Constraint {
  const m = ONE_RE.exec(s);
  if (!m) throw new Error(`improper constraint: ${s}`);
  let op = m[1] ?? "";
  if (op === "=>") op = ">=";
  if (op === "=<") op = "<=";
  if (op === "~>") op = "~";
  const ver = m[2]!;
  const vm = /^v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(.*)$/.exec(ver)!;
  const wild = (x: string | undefined) => x === undefined || /^[xX*]$/.test(x);
  const dirtyMajor = wild(vm[1]);
  const dirtyMinor = dirtyMajor || wild(vm[2]);
  const dirtyPatch = dirtyMinor || wild(vm[3]);
  const num = (x: string | undefined) => (x === undefined || /^[xX*]$/.test(x) ? "0" : x);
  const v = parseVersion(`${num(vm[1])}.${num(vm[2])}.${num(vm[3])}${vm[4]}`);
  return { op, v, dirtyMajor, dirtyMinor, dirtyPatch, orig: s };
}

function check(c: Constraint, v: SemverVersion): boolean {
  if (v.pre !== "" && c.v.pre === "") return false;
  const cmp = compareVersions(v, c.v);
  const { dirtyMinor, dirtyPatch, dirtyMajor } = c;
  switch (c.op) {
    case "":
    case "=":
      if (dirtyMajor) return true;
      if (dirtyMinor) return v.major === c.v.major;
      if (dirtyPatch) return v.major === c.v.major && v.minor === c.v.minor;
      return cmp === 0;
    case "!=":
      if (dirtyMajor) return false;
      if (dirtyMinor) return v.major !== c.v.major;
      if (dirtyPatch) return !(v.major === c.v.major && v.minor === c.v.minor);
      return cmp !== 0;
    case ">":
      if (dirtyMajor) return false;
      if (dirtyMinor) return v.major > c.v.major;
      if (dirtyPatch) return v.major > c.v.major || (v.major === c.v.major && v.minor > c.v.minor);
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    case "<":
      return cmp < 0;
    case "<=":
      if (dirtyMajor) return true;
      if (dirtyMinor) return v.major <= c.v.major;
      if (dirtyPatch) return v.major < c.v.major || (v.major === c.v.major && v.minor <= c.v.minor);
      return cmp <= 0;
    case "~": {
      if (cmp < 0) return false;
      if (dirtyMajor) return true;
      if (dirtyMinor) return v.major === c.v.major;
      return v.major === c.v.major && v.minor === c.v.minor;
    }
    case "^": {
      if (cmp < 0) return false;
      if (dirtyMajor) return true;
      if (c.v.major > 0n || dirtyMinor) return v.major === c.v.major;
      if (c.v.minor > 0n || dirtyPatch) return v.major === 0n && v.minor === c.v.minor;
      return v.major === 0n && v.minor === 0n && v.patch === c.v.patch;
    }
  }
  return false;
}

export function parseConstraint(s: string): Constraint[][] {
  const groups: Constraint[][] = [];
  for (const orPart of s.split("||")) {
    let part = orPart.trim();
    // hyphen ranges
    part = part.replace(new RegExp(`(${CV})\\s+-\\s+(${CV})`, "g"), ">= $1, <= $2");
    const items = part.split(",").map((x) => x.trim()).filter((x) => x !== "");
    const group: Constraint[] = [];
    for (const item of items) {
      const subs = [...item.matchAll(SPLIT_RE)].map((m) => m[0]);
      if (subs.length === 0 || subs.join("").replace(/\s+/g, "") !== item.replace(/\s+/g, "")) {
        throw new Error(`improper constraint: ${s}`);
      }
      for (const sub of subs) group.push(parseOne(sub));
    }
    if (group.length === 0) throw new Error(`improper constraint: ${s}`);
    groups.push(group);
  }
  return groups;
}

export function constraintCheck(constraint: string, version: string | SemverVersion): boolean {
  const groups = parseConstraint(constraint);
  const v = typeof version === "string" ? parseVersion(version) : version;
  return groups.some((g) => g.every((c) => check(c, v)));
}

export function semverCompare(constraint: string, version: string): boolean {
  const groups = parseConstraint(constraint);
  const v = parseVersion(version);
  return groups.some((g) => g.every((c) => check(c, v)));
}
