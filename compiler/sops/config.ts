/**
 * `.sops.yaml` creation rules (renderers.md §5.6) and where recipients and identities come from
 * (DECISIONS.md, SOPS): every function takes its inputs explicitly (flags, an env getter, the
 * working directory, a file reader), so the resolution order is testable without touching the
 * process environment.
 */
import YAML from "yaml";
import { InputError } from "../../shared/errors.ts";
import { type AgeIdentity, parseAgeIdentities, parseAgeRecipients, validateRecipient } from "./age.ts";
import { compileRe2, normaliseRules, RULE_KEYS, type SelectionRules } from "./rules.ts";

export interface CreationRule {
  /** RE2 pattern matched (unanchored) against the file path relative to the config's folder. */
  pathRegex?: string | undefined;
  /** age recipients (from `age`, or from a single `key_groups` entry). */
  age: string[];
  /** The selection rule, if the creation rule sets one (else sops' default applies). */
  rules: SelectionRules;
  macOnlyEncrypted: boolean;
  /** Non-age key types the rule lists (ignored here; named in messages). */
  otherKeyTypes: string[];
  /** Index in `creation_rules`, for messages. */
  index: number;
}

export interface SopsConfig {
  /** Path of the `.sops.yaml` read. */
  path: string;
  /** Folder holding it; rule paths are relative to this. */
  dir: string;
  creationRules: CreationRule[];
  /** `stores.yaml.indent`, `stores.json.indent`, if set. */
  yamlIndent?: number | undefined;
  jsonIndent?: number | undefined;
}

export const SOPS_CONFIG_NAMES = [".sops.yaml", ".sops.yml"] as const;

function listOrComma(v: unknown, where: string, path: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
    return v.map((s) => s.trim()).filter(Boolean);
  }
  throw new InputError(`${where} must be a string or a list of strings`, {
    file: path,
    path: where,
    code: "SopsConfig",
  });
}

function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? (i === 0 ? "/" : ".") : p.slice(0, i);
}

/** Parses `.sops.yaml` text. Keys other than age are kept only as names (for messages). */
export function parseSopsConfig(text: string, path: string): SopsConfig {
  let raw: unknown;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (cause) {
    throw new InputError(`invalid YAML: ${(cause as Error).message.split("\n")[0]}`, {
      file: path,
      code: "SopsConfig",
      cause,
    });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError("a .sops.yaml must be a mapping", { file: path, code: "SopsConfig" });
  }
  const conf = raw as Record<string, unknown>;
  const rulesRaw = conf.creation_rules ?? [];
  if (!Array.isArray(rulesRaw)) {
    throw new InputError("creation_rules must be a list", {
      file: path,
      path: "creation_rules",
      code: "SopsConfig",
    });
  }
  const creationRules = rulesRaw.map((r, index): CreationRule => {
    const where = `creation_rules[${index}]`;
    if (typeof r !== "object" || r === null) {
      throw new InputError("a creation rule must be a mapping", {
        file: path,
        path: where,
        code: "SopsConfig",
      });
    }
    const o = r as Record<string, unknown>;
    const pathRegex = typeof o.path_regex === "string" && o.path_regex !== "" ? o.path_regex : undefined;
    if (pathRegex) compileRe2(pathRegex);
    let age = listOrComma(o.age, `${where}.age`, path);
    const otherKeyTypes = ["pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri", "hckms"].filter(
      (k) => o[k] !== undefined && o[k] !== null && o[k] !== "",
    );
    if (Array.isArray(o.key_groups)) {
      if (o.key_groups.length > 1) {
        throw new InputError(
          "key_groups with more than one group (Shamir secret sharing) are not supported",
          {
            file: path,
            path: `${where}.key_groups`,
            code: "SopsConfig",
          },
        );
      }
      const g = (o.key_groups[0] ?? {}) as Record<string, unknown>;
      age = [...age, ...listOrComma(g.age, `${where}.key_groups[0].age`, path)];
    }
    for (const a of age) {
      try {
        validateRecipient(a);
      } catch (e) {
        throw new InputError((e as Error).message, {
          file: path,
          path: `${where}.age`,
          code: "SopsConfig",
          hint: (e as InputError).hint,
        });
      }
    }
    const rules: SelectionRules = {};
    for (const [k, y] of RULE_KEYS) if (typeof o[y] === "string" && o[y] !== "") rules[k] = o[y] as string;
    try {
      if (Object.keys(rules).length > 0) normaliseRules(rules);
    } catch (e) {
      throw new InputError((e as Error).message, { file: path, path: where, code: "SopsConfig" });
    }
    return { pathRegex, age, rules, macOnlyEncrypted: o.mac_only_encrypted === true, otherKeyTypes, index };
  });
  const stores = (conf.stores ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const yamlIndent = typeof stores.yaml?.indent === "number" ? stores.yaml.indent : undefined;
  const jsonIndent = typeof stores.json?.indent === "number" ? stores.json.indent : undefined;
  return { path, dir: dirname(path), creationRules, yamlIndent, jsonIndent };
}

/** Reads a text file, or returns undefined when it does not exist. */
export type ReadTextFile = (path: string) => Promise<string | undefined>;

export const denoReadTextFile: ReadTextFile = async (path) => {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
};

/**
 * Finds and parses the `.sops.yaml` (or `.sops.yml`) nearest to `cwd`, searching upwards like sops
 * (at most 100 levels). Returns undefined when there is none. `cwd` must be absolute.
 */
export async function loadSopsConfig(
  input: { cwd: string; readFile?: ReadTextFile | undefined; configPath?: string | undefined },
): Promise<SopsConfig | undefined> {
  const read = input.readFile ?? denoReadTextFile;
  if (input.configPath) {
    const text = await read(input.configPath);
    if (text === undefined) {
      throw new InputError("file not found", { file: input.configPath, code: "FileUnreadable" });
    }
    return parseSopsConfig(text, input.configPath);
  }
  let dir = input.cwd.replace(/\/+$/, "") || "/";
  for (let i = 0; i < 100; i++) {
    for (const name of SOPS_CONFIG_NAMES) {
      const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
      const text = await read(p);
      if (text !== undefined) return parseSopsConfig(text, p);
    }
    if (dir === "/") break;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * The first creation rule whose `path_regex` matches `filePath` (made relative to the config's
 * folder when it lies below it); rules without `path_regex` match everything. Undefined when no
 * rule matches.
 */
export function matchCreationRule(config: SopsConfig, filePath: string): CreationRule | undefined {
  const prefix = config.dir.endsWith("/") ? config.dir : `${config.dir}/`;
  const rel = filePath.startsWith(prefix) ? filePath.slice(prefix.length) : filePath;
  return config.creationRules.find((r) => r.pathRegex === undefined || compileRe2(r.pathRegex).test(rel));
}

export type EnvGetter = (name: string) => string | undefined;

export interface ResolvedRecipients {
  recipients: string[];
  /** `flag`, `env` (SOPS_AGE_RECIPIENTS), `config` (.sops.yaml) or `none`. */
  source: "flag" | "env" | "config" | "none";
  /** The matching creation rule, when the recipients (or only options) came from `.sops.yaml`. */
  rule?: CreationRule | undefined;
}

/**
 * Recipients for encryption, first source that yields any: `--age-recipient` flags (each may be
 * comma-separated), `SOPS_AGE_RECIPIENTS`, the `.sops.yaml` creation rule matching `filePath`.
 * No recipients means encryption is off (DECISIONS.md). The matching rule is returned even when
 * flags win, so its `encrypted_regex` etc. still apply.
 */
export function resolveRecipients(input: {
  flags?: readonly string[] | undefined;
  env: EnvGetter;
  config?: SopsConfig | undefined;
  /** Absolute path of the file being written (for `path_regex`). */
  filePath?: string | undefined;
}): ResolvedRecipients {
  const rule = input.config && input.filePath !== undefined
    ? matchCreationRule(input.config, input.filePath)
    : undefined;
  const fromFlags = (input.flags ?? []).flatMap((f) => parseAgeRecipients(f, "--age-recipient"));
  if (fromFlags.length > 0) return { recipients: dedupe(fromFlags), source: "flag", rule };
  const env = input.env("SOPS_AGE_RECIPIENTS");
  if (env !== undefined && env.trim() !== "") {
    return { recipients: dedupe(parseAgeRecipients(env, "SOPS_AGE_RECIPIENTS")), source: "env", rule };
  }
  if (rule && rule.age.length > 0) return { recipients: dedupe(rule.age), source: "config", rule };
  return { recipients: [], source: "none", rule };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * Identities for decryption, from all of: `--age-identity` files (in order), `SOPS_AGE_KEY_FILE`,
 * `SOPS_AGE_KEY` (identities inline). Every identity found is tried. A named file that does not
 * exist is an error naming it.
 */
export async function resolveIdentities(input: {
  flags?: readonly string[] | undefined;
  env: EnvGetter;
  readFile?: ReadTextFile | undefined;
}): Promise<AgeIdentity[]> {
  const read = input.readFile ?? denoReadTextFile;
  const out: AgeIdentity[] = [];
  const fromFile = async (p: string, what: string) => {
    const text = await read(p);
    if (text === undefined) {
      throw new InputError("age identity file not found", {
        file: p,
        code: "FileUnreadable",
        hint: `given by ${what}`,
      });
    }
    out.push(...parseAgeIdentities(text, p));
  };
  for (const f of input.flags ?? []) await fromFile(f, "--age-identity");
  const keyFile = input.env("SOPS_AGE_KEY_FILE");
  if (keyFile) await fromFile(keyFile, "SOPS_AGE_KEY_FILE");
  const inline = input.env("SOPS_AGE_KEY");
  if (inline && inline.trim() !== "") out.push(...parseAgeIdentities(inline, "SOPS_AGE_KEY"));
  const seen = new Set<string>();
  return out.filter((i) => (seen.has(i.secret) ? false : (seen.add(i.secret), true)));
}

/** Encryption options a creation rule contributes (selection rule, mac_only_encrypted). */
export function ruleOptions(
  rule: CreationRule | undefined,
): { rules?: SelectionRules; macOnlyEncrypted?: boolean } {
  if (!rule) return {};
  const out: { rules?: SelectionRules; macOnlyEncrypted?: boolean } = {};
  if (Object.keys(rule.rules).length > 0) out.rules = rule.rules;
  if (rule.macOnlyEncrypted) out.macOnlyEncrypted = true;
  return out;
}
