/**
 * The `sops` metadata block (renderers.md §5.1): reading every layout written by sops 3.7–3.13,
 * and writing the sops 3.13 layout (empty key lists omitted, keys sorted by name).
 */
import { InputError } from "../../shared/errors.ts";
import { normaliseRules, RULE_KEYS, type SelectionRules } from "./rules.ts";
import { fromJS, type MapNode } from "./tree.ts";

/** The sops release whose file layout this implementation writes. */
export const SOPS_COMPAT_VERSION = "3.13.3";

export interface AgeKeyEntry {
  recipient: string;
  /** Armored age file holding the 32-byte data key. */
  enc: string;
}

export interface SopsMetadata {
  /** age entries of the (single) key group. */
  age: AgeKeyEntry[];
  /** `key_groups` layout: age entries per group (empty when the flat layout is used). */
  keyGroups: AgeKeyEntry[][];
  shamirThreshold?: number | undefined;
  /** Other key types present with entries (kms, pgp, …) — informative, for error messages. */
  otherKeyTypes: string[];
  lastModified: string;
  mac: string;
  rules: SelectionRules;
  macOnlyEncrypted: boolean;
  version: string;
}

const OTHER_KEY_TYPES = ["kms", "gcp_kms", "azure_kv", "hc_vault", "pgp", "hckms"];

function ageList(v: unknown, where: string): AgeKeyEntry[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) {
    throw new InputError(`sops metadata: ${where} must be a list`, {
      code: "SopsMetadata",
      path: `sops.${where}`,
    });
  }
  return v.map((e, i) => {
    const o = e as Record<string, unknown>;
    if (typeof o?.recipient !== "string" || typeof o?.enc !== "string") {
      throw new InputError(`sops metadata: age entry needs "recipient" and "enc"`, {
        code: "SopsMetadata",
        path: `sops.${where}[${i}]`,
      });
    }
    return { recipient: o.recipient, enc: o.enc };
  });
}

function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === "string" ? v : String(v);
}

/** Reads the plain-JS form of the `sops` block. */
export function parseMetadata(raw: unknown, file?: string): SopsMetadata {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InputError("sops metadata not found", {
      file,
      code: "SopsMetadata",
      hint: "the file has no top-level `sops` key; is it encrypted with sops?",
    });
  }
  const m = raw as Record<string, unknown>;
  const lastModified = str(m.lastmodified);
  if (!lastModified) {
    throw new InputError("sops metadata: lastmodified is missing", { file, code: "SopsMetadata" });
  }
  const rules: SelectionRules = {};
  for (const [k, y] of RULE_KEYS) {
    const v = str(m[y]);
    if (v) rules[k] = v;
  }
  const keyGroups = Array.isArray(m.key_groups)
    ? (m.key_groups as Record<string, unknown>[]).map((g, i) => ageList(g?.age, `key_groups[${i}].age`))
    : [];
  const otherKeyTypes = OTHER_KEY_TYPES.filter((t) => Array.isArray(m[t]) && (m[t] as unknown[]).length > 0);
  if (Array.isArray(m.key_groups)) {
    for (const g of m.key_groups as Record<string, unknown>[]) {
      for (const t of OTHER_KEY_TYPES) {
        if (Array.isArray(g?.[t]) && (g[t] as unknown[]).length > 0 && !otherKeyTypes.includes(t)) {
          otherKeyTypes.push(t);
        }
      }
    }
  }
  const mac = str(m.mac) ?? "";
  const threshold = m.shamir_threshold === undefined || m.shamir_threshold === null
    ? undefined
    : Number(m.shamir_threshold);
  return {
    age: ageList(m.age, "age"),
    keyGroups,
    shamirThreshold: threshold,
    otherKeyTypes,
    lastModified,
    mac,
    rules: withFileContext(() => normaliseRules(rules), file),
    macOnlyEncrypted: m.mac_only_encrypted === true || m.mac_only_encrypted === "true",
    version: str(m.version) ?? "",
  };
}

function withFileContext<T>(f: () => T, file: string | undefined): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError && file) {
      throw new InputError(e.message, { file, code: e.code, hint: e.hint, cause: e });
    }
    throw e;
  }
}

/**
 * Metadata as a plain object in the order sops 3.13 writes it: every mapping's keys sorted by name
 * (stores/metadata.go `goToSops` sorts the mapstructure map), so `age` entries are `enc` then
 * `recipient`.
 */
export function metadataObject(meta: SopsMetadata): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (meta.age.length > 0) o.age = meta.age.map((a) => ({ enc: a.enc, recipient: a.recipient }));
  o.lastmodified = meta.lastModified;
  o.mac = meta.mac;
  for (const [k, y] of RULE_KEYS) if (meta.rules[k]) o[y] = meta.rules[k];
  if (meta.macOnlyEncrypted) o.mac_only_encrypted = true;
  o.version = meta.version;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) sorted[k] = o[k];
  return sorted;
}

export function metadataNode(meta: SopsMetadata): MapNode {
  return fromJS(metadataObject(meta)) as MapNode;
}

/**
 * `lastmodified` as sops uses it for the MAC's additional data: Go `time.Parse(RFC3339)` then
 * `Format(RFC3339)` — fractional seconds dropped, a zero offset written `Z`.
 */
export function canonicalLastModified(text: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) {
    throw new InputError(`sops metadata: lastmodified ${JSON.stringify(text)} is not an RFC 3339 time`, {
      code: "SopsMetadata",
    });
  }
  const zone = m[3] === "z" || m[3] === "+00:00" || m[3] === "-00:00" ? "Z" : m[3]!;
  return `${m[1]}${zone}`;
}

/** RFC 3339, UTC, seconds precision — the form sops writes. */
export function formatLastModified(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
