/**
 * Field-level comparison of a port CRD schema with its upstream shape source (api.md §9.1: the
 * shape source is the compatibility oracle — the port must accept every object the oracle accepts,
 * except where api.md §9.4 deliberately changes it).
 *
 * Paths are written `spec.a.b`, `[]` for array items and `{}` for map values.
 */

type Schema = { [key: string]: unknown };

export type DiffKind =
  /** Upstream path absent from the port (after renames). Fails unless allowed. */
  | "missing"
  /** Different `type`. Fails unless allowed. */
  | "type"
  /** An upstream enum value the port rejects, or a port enum where upstream had a free value. */
  | "enumNarrowed"
  /** The port requires a field upstream does not. */
  | "requiredAdded"
  /** A different default value. */
  | "defaultChanged"
  /** A tighter bound (length, range, items, pattern, format) or lost preserve-unknown-fields. */
  | "tightened"
  // Informational only:
  /** Port-only path. */
  | "added"
  /** Upstream path moved to a new name (api.md §9.4). */
  | "renamed"
  /** The port accepts values upstream rejected (wider enum, dropped required, looser bound). */
  | "loosened"
  /** list-type / map-type changes (e.g. conditions keyed by type). */
  | "extension";

export const FAILING: ReadonlySet<DiffKind> = new Set([
  "missing",
  "type",
  "enumNarrowed",
  "requiredAdded",
  "defaultChanged",
  "tightened",
]);

export interface Diff {
  kind: DiffKind;
  path: string;
  detail: string;
}

function isObj(v: unknown): v is Schema {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Every node of a schema by path, `spec`/`status` subtrees only. */
export function schemaPaths(root: Schema): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const walk = (n: unknown, path: string) => {
    if (!isObj(n)) return;
    out.set(path, n);
    if (isObj(n.properties)) {
      for (const [k, v] of Object.entries(n.properties)) walk(v, path ? `${path}.${k}` : k);
    }
    if (isObj(n.items)) walk(n.items, `${path}[]`);
    if (isObj(n.additionalProperties)) walk(n.additionalProperties, `${path}{}`);
  };
  const props = isObj(root.properties) ? root.properties : {};
  for (const top of ["spec", "status"]) if (props[top] !== undefined) walk(props[top], top);
  return out;
}

/** The enum upstream enforces: `enum`, or the intersection of `allOf` enums (kubebuilder duplicates). */
export function effectiveEnum(n: Schema): unknown[] | undefined {
  let acc = Array.isArray(n.enum) ? [...n.enum] : undefined;
  if (Array.isArray(n.allOf)) {
    for (const part of n.allOf) {
      if (!isObj(part) || !Array.isArray(part.enum)) continue;
      const e = part.enum;
      acc = acc ? acc.filter((x) => e.includes(x)) : [...e];
    }
  }
  return acc;
}

/** JSON with sorted object keys, for order-independent comparison. */
function canon(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) => isObj(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x,
  );
}

function requiredOf(n: Schema): string[] {
  return Array.isArray(n.required) ? n.required as string[] : [];
}

function childPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/**
 * Compares the port schema (`ours`) with upstream's (`theirs`), both `openAPIV3Schema` roots.
 * `renames` maps upstream paths to port paths (descendants follow). `only` limits the comparison
 * to upstream paths under the given prefixes (for "plus these fields from another source").
 */
export function compareSchemas(
  ours: Schema,
  theirs: Schema,
  opts: { renames?: Record<string, string>; only?: readonly string[]; reportAdded?: boolean } = {},
): Diff[] {
  const renames = opts.renames ?? {};
  const mapPath = (p: string): string => {
    for (const [from, to] of Object.entries(renames)) {
      if (p === from || p.startsWith(`${from}.`) || p.startsWith(`${from}[`) || p.startsWith(`${from}{`)) {
        return to + p.slice(from.length);
      }
    }
    return p;
  };
  const inScope = (p: string) =>
    !opts.only || opts.only.some((o) => p === o || p.startsWith(`${o}.`) || p.startsWith(`${o}[`));
  const op = schemaPaths(ours);
  const tp = schemaPaths(theirs);
  const diffs: Diff[] = [];
  const seen = new Set<string>();

  for (const [path, t] of tp) {
    if (!inScope(path)) continue;
    const mapped = mapPath(path);
    if (mapped !== path && Object.keys(renames).includes(path)) {
      diffs.push({ kind: "renamed", path, detail: `→ ${mapped}` });
    }
    const o = op.get(mapped);
    seen.add(mapped);
    if (!o) {
      diffs.push({ kind: "missing", path, detail: mapped !== path ? `(as ${mapped})` : "" });
      continue;
    }
    diffs.push(...compareNode(o, t, path));
  }
  if (opts.reportAdded !== false) {
    for (const path of op.keys()) {
      if (seen.has(path)) continue;
      if (opts.only && !opts.only.some((x) => path === x || path.startsWith(`${x}.`))) continue;
      diffs.push({ kind: "added", path, detail: "" });
    }
  }
  return diffs;
}

function compareNode(o: Schema, t: Schema, path: string): Diff[] {
  const d: Diff[] = [];
  const add = (kind: DiffKind, detail: string) => d.push({ kind, path, detail });
  const ot = o["x-kubernetes-int-or-string"] ? "int-or-string" : o.type;
  const tt = t["x-kubernetes-int-or-string"] ? "int-or-string" : t.type;
  if (ot !== tt) {
    if (tt === undefined && t["x-kubernetes-preserve-unknown-fields"] === true) {
      add("tightened", `any JSON → ${ot}`);
    } else add("type", `${tt} → ${ot}`);
  }
  const te = effectiveEnum(t);
  const oe = effectiveEnum(o);
  if (oe && !te) add("enumNarrowed", `free value → enum ${JSON.stringify(oe)}`);
  if (oe && te) {
    const lost = te.filter((v) => !oe.includes(v));
    const gained = oe.filter((v) => !te.includes(v));
    if (lost.length) add("enumNarrowed", `no longer accepts ${JSON.stringify(lost)}`);
    if (gained.length) add("loosened", `also accepts ${JSON.stringify(gained)}`);
  }
  if (te && !oe) add("loosened", `enum ${JSON.stringify(te)} dropped`);
  const oreq = requiredOf(o);
  const treq = requiredOf(t);
  for (const r of oreq) {
    if (!treq.includes(r)) add("requiredAdded", childPath(path, r));
  }
  for (const r of treq) {
    if (!oreq.includes(r)) add("loosened", `${childPath(path, r)} no longer required`);
  }
  if (canon(o.default) !== canon(t.default)) {
    add("defaultChanged", `${JSON.stringify(t.default)} → ${JSON.stringify(o.default)}`);
  }
  const lower = ["minLength", "minimum", "minItems"] as const;
  const upper = ["maxLength", "maximum", "maxItems"] as const;
  for (const k of lower) {
    const ov = o[k] as number | undefined;
    const tv = t[k] as number | undefined;
    if (ov !== undefined && (tv === undefined || ov > tv)) add("tightened", `${k} ${tv} → ${ov}`);
    else if (tv !== undefined && (ov === undefined || ov < tv)) add("loosened", `${k} ${tv} → ${ov}`);
  }
  for (const k of upper) {
    const ov = o[k] as number | undefined;
    const tv = t[k] as number | undefined;
    if (ov !== undefined && (tv === undefined || ov < tv)) add("tightened", `${k} ${tv} → ${ov}`);
    else if (tv !== undefined && (ov === undefined || ov > tv)) add("loosened", `${k} ${tv} → ${ov}`);
  }
  if (o.pattern !== t.pattern) {
    add(o.pattern === undefined ? "loosened" : "tightened", `pattern ${t.pattern} → ${o.pattern}`);
  }
  if (o.format !== t.format) {
    const strict = o.format !== undefined && !(t.type === "integer" && t.format === undefined);
    add(strict ? "tightened" : "loosened", `format ${t.format} → ${o.format}`);
  }
  const tPreserve = t["x-kubernetes-preserve-unknown-fields"] === true;
  const oPreserve = o["x-kubernetes-preserve-unknown-fields"] === true;
  if (tPreserve && !oPreserve) add("tightened", "unknown fields no longer preserved");
  if (!tPreserve && oPreserve) add("loosened", "unknown fields preserved");
  if (isObj(t.additionalProperties) !== isObj(o.additionalProperties)) {
    add("type", isObj(t.additionalProperties) ? "map → object" : "object → map");
  }
  for (const k of ["x-kubernetes-list-type", "x-kubernetes-map-type"]) {
    if (o[k] !== t[k]) add("extension", `${k} ${t[k]} → ${o[k]}`);
  }
  if (JSON.stringify(o["x-kubernetes-list-map-keys"]) !== JSON.stringify(t["x-kubernetes-list-map-keys"])) {
    add(
      "extension",
      `list-map-keys ${JSON.stringify(t["x-kubernetes-list-map-keys"])} → ${
        JSON.stringify(o["x-kubernetes-list-map-keys"])
      }`,
    );
  }
  if (canon(o["x-kubernetes-validations"]) !== canon(t["x-kubernetes-validations"])) {
    add("tightened", "x-kubernetes-validations differ");
  }
  return d;
}
