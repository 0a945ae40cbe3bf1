/**
 * Building blocks shared by the input schemas: field metadata (what a field is, what would be valid),
 * syntax checks for DNS-1123 names, IP addresses, URLs and versions, and the custom-issue helper the
 * cross-field rules use.
 *
 * Every check here reports through zod issues; `validate.ts` turns them into positioned
 * `InputError`s. A custom issue carries its hint in `params.hint`; `params.severity: "warning"` makes
 * it a warning instead of an error.
 */
import { z } from "zod";
import YAML from "yaml";

/** What the validator needs to explain a field: a noun for messages and a hint saying what is valid. */
export interface FieldInfo {
  /** Noun used in messages, e.g. `hostname` → `invalid hostname "X_1"`. */
  what?: string;
  /** What would be valid, shown in parentheses after the message. */
  hint?: string;
}

/** Field metadata, kept apart from the global registry so it does not leak into the JSON Schemas. */
export const INPUT_FIELDS = z.registry<FieldInfo>();

/** Registers `info` for `schema` and returns the schema (wrap before `.optional()`). */
export function field<T extends z.ZodType>(schema: T, info: FieldInfo): T {
  INPUT_FIELDS.add(schema, info);
  return schema;
}

export type Severity = "error" | "warning";

/** The `params` of the custom issues raised by this package's checks. */
export interface IssueParams {
  hint?: string | undefined;
  severity?: Severity | undefined;
}

/** Minimal view of zod's refinement context (works for every refined type). */
export interface IssueSink {
  addIssue(issue: {
    code: "custom";
    message: string;
    path?: PropertyKey[];
    params?: Record<string, unknown>;
    input?: unknown;
  }): void;
}

/** Adds a custom issue; `path` is relative to the refined schema. */
export function report(
  ctx: IssueSink,
  path: PropertyKey[],
  message: string,
  hint?: string,
  severity: Severity = "error",
): void {
  const params: IssueParams = { hint, severity };
  ctx.addIssue({ code: "custom", message, path, params: params as Record<string, unknown> });
}

/** JSON-style quoting for values inside messages: strings in double quotes, others as YAML would show. */
export function quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// DNS-1123 names

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const DNS1123_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
export const DNS1123_SUBDOMAIN_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/** Why `s` is not a DNS-1123 label (or subdomain when `dots`), or undefined when it is one. */
export function dns1123Problem(s: string, max: number, dots: boolean): string | undefined {
  if (s.length === 0) return "must not be empty";
  if (s.length > max) return `is ${s.length} characters long; at most ${max} are allowed`;
  for (const c of s) {
    if (/[a-z0-9-]/.test(c) || (dots && c === ".")) continue;
    if (/[A-Z]/.test(c)) return `contains the upper-case letter '${c}'`;
    if (c === " ") return "contains a space";
    return `contains the character '${c}'`;
  }
  const parts = dots ? s.split(".") : [s];
  for (const p of parts) {
    if (p === "") return "has an empty part between dots";
    if (p.length > DNS1123_LABEL_MAX) return `has a part longer than ${DNS1123_LABEL_MAX} characters`;
    if (p.startsWith("-") || p.endsWith("-")) return "must start and end with a letter or digit";
  }
  return undefined;
}

export function labelHint(max = DNS1123_LABEL_MAX): string {
  return `a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters`;
}

export function subdomainHint(): string {
  return "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters";
}

/** A DNS-1123 label (namespace, cluster name). `max` may be lowered when the name is embedded in another. */
export function dnsLabel(what: string, description: string, max = DNS1123_LABEL_MAX, hint = labelHint(max)) {
  return field(
    z.string()
      .superRefine((s, ctx) => {
        const why = dns1123Problem(s, max, false);
        if (why) report(ctx, [], `invalid ${what} ${quote(s)}: ${why}`, hint);
      })
      .meta({ description, pattern: DNS1123_LABEL_PATTERN, minLength: 1, maxLength: max }),
    { what, hint },
  );
}

/** A DNS-1123 subdomain (object names, hostnames). */
export function dnsSubdomain(what: string, description: string) {
  const hint = subdomainHint();
  return field(
    z.string()
      .superRefine((s, ctx) => {
        const why = dns1123Problem(s, DNS1123_SUBDOMAIN_MAX, true);
        if (why) report(ctx, [], `invalid ${what} ${quote(s)}: ${why}`, hint);
      })
      .meta({
        description,
        pattern: DNS1123_SUBDOMAIN_PATTERN,
        minLength: 1,
        maxLength: DNS1123_SUBDOMAIN_MAX,
      }),
    { what, hint },
  );
}

// ---------------------------------------------------------------------------------------------
// IP addresses

export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  if (!s.includes(":") || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const dbl = s.split("::");
  if (dbl.length > 2) return false;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groups(dbl[0]!);
  const tail = dbl.length === 2 ? groups(dbl[1]!) : [];
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && g.includes(".")) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

const IP_HINT = 'an IPv4 or IPv6 address without prefix length, e.g. "10.20.0.2" or "fd00::2"';

export function ipAddress(what: string, description: string) {
  return field(
    z.string()
      .superRefine((s, ctx) => {
        if (isIP(s)) return;
        const why = s.includes("/") ? ": a prefix length is not allowed here" : "";
        report(ctx, [], `invalid ${what} ${quote(s)}${why}`, IP_HINT);
      })
      .meta({ description, anyOf: [{ format: "ipv4" }, { format: "ipv6" }] }),
    { what, hint: IP_HINT },
  );
}

// ---------------------------------------------------------------------------------------------
// URLs, hosts, versions, misc

/** `https://host[:port]` with nothing after the authority (it becomes `TalosCluster.spec.clusterEndpoint`). */
export function endpointUrl(what: string, description: string) {
  const hint = 'https://<host>[:<port>] with no path, e.g. "https://10.20.0.10:6443"';
  return field(
    z.string()
      .superRefine((s, ctx) => {
        let why: string | undefined;
        const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(s);
        if (!m) why = "not a URL";
        else if (m[1]!.toLowerCase() !== "https") why = `scheme must be https, not ${m[1]}`;
        else if (m[2] === "") why = "no host";
        else if (m[3] !== "") why = "must not have a path, query or trailing slash";
        else {
          try {
            new URL(s);
          } catch {
            why = "not a valid URL";
          }
        }
        if (why) report(ctx, [], `invalid ${what} ${quote(s)}: ${why}`, hint);
      })
      .meta({ description, format: "uri", pattern: "^https://[^/?#]+$" }),
    { what, hint },
  );
}

/** An absolute URL whose scheme is one of `schemes`. */
export function urlWithScheme(what: string, description: string, schemes: readonly string[], hint: string) {
  return field(
    z.string()
      .superRefine((s, ctx) => {
        let url: URL | undefined;
        try {
          url = new URL(s);
        } catch {
          report(ctx, [], `invalid ${what} ${quote(s)}: not an absolute URL`, hint);
          return;
        }
        const scheme = url.protocol.replace(/:$/, "");
        if (!schemes.includes(scheme)) {
          report(ctx, [], `invalid ${what} ${quote(s)}: the ${scheme}:// scheme is not supported`, hint);
        }
      })
      .meta({ description, format: "uri" }),
    { what, hint },
  );
}

const HOST_PORT =
  "(\\[[0-9a-fA-F:.]+\\]|[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(:[0-9]{1,5})?";

/** `host[:port]`, as registry mirror keys are written (`docker.io`, `10.20.0.1:5000`; `*` matches all). */
export function registryHost(what: string, description: string) {
  const pattern = `^(\\*|${HOST_PORT})$`;
  const re = new RegExp(pattern);
  const hint = 'a registry host with optional port and no scheme, e.g. "docker.io" or "10.20.0.1:5000"';
  return field(
    z.string()
      .superRefine((s, ctx) => {
        if (re.test(s)) return;
        const why = s.includes("://") ? ": remove the scheme" : s.includes("/") ? ": no path allowed" : "";
        report(ctx, [], `invalid ${what} ${quote(s)}${why}`, hint);
      })
      .meta({ description, pattern }),
    { what, hint },
  );
}

/** OCI repository reference without tag: `host[:port]/path/to/repo`. */
export function ociRepository(what: string, description: string) {
  const pattern = `^${HOST_PORT}(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)+$`;
  const re = new RegExp(pattern);
  const hint =
    'host[:port]/repository/path without scheme or tag, lower-case path, e.g. "10.0.0.1:5000/ontai-dev/packs/my-pack"';
  return field(
    z.string()
      .superRefine((s, ctx) => {
        if (re.test(s)) return;
        let why = "";
        if (s.includes("://")) why = ": remove the scheme";
        else if (!s.includes("/")) why = ": a repository path after the host is required";
        else if (/[A-Z]/.test(s.slice(s.indexOf("/")))) why = ": the repository path must be lower-case";
        else if (/[@]|:[^/]*$/.test(s.slice(s.indexOf("/")))) why = ": no tag or digest allowed";
        report(ctx, [], `invalid ${what} ${quote(s)}${why}`, hint);
      })
      .meta({ description, pattern }),
    { what, hint },
  );
}

/** A string checked against a regular expression, explained by `hint`. */
export function patterned(what: string, description: string, pattern: string, hint: string) {
  const re = new RegExp(pattern);
  return field(
    z.string()
      .superRefine((s, ctx) => {
        if (!re.test(s)) report(ctx, [], `invalid ${what} ${quote(s)}`, hint);
      })
      .meta({ description, pattern }),
    { what, hint },
  );
}

/** A non-empty string. */
export function text(what: string, description: string, hint?: string) {
  return field(z.string().min(1).meta({ description }), hint === undefined ? { what } : { what, hint });
}

/** An integer ≥ `min`. (zod's own `.int()` aborts the parse and would hide later issues.) */
export function integer(what: string, description: string, min = 0) {
  const hint = `a whole number ≥ ${min}`;
  return field(
    z.number()
      .superRefine((n, ctx) => {
        if (!Number.isInteger(n) || n < min) report(ctx, [], `invalid ${what} ${quote(n)}`, hint);
      })
      .meta({ description, type: "integer", minimum: min }),
    { what, hint: `${hint}, e.g. 3` },
  );
}

export function bool(what: string, description: string) {
  return field(z.boolean().meta({ description }), { what, hint: "true or false, unquoted" });
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  what: string,
  description: string,
  values: T,
) {
  return field(z.enum(values).meta({ description }), { what, hint: `one of: ${values.join(", ")}` });
}

/** A string holding one YAML document that must be a mapping (Talos config patches). */
export function yamlMapping(what: string, description: string) {
  const hint = "a YAML mapping, e.g. a block string starting with `machine:` or `cluster:`";
  return field(
    z.string()
      .superRefine((s, ctx) => {
        let parsed: unknown;
        try {
          parsed = YAML.parse(s, { prettyErrors: false });
        } catch (e) {
          const first = (e instanceof Error ? e.message : String(e)).split("\n")[0];
          report(ctx, [], `${what} is not valid YAML: ${first}`, hint);
          return;
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
          const got = parsed === null ? "an empty document" : quote(parsed);
          report(ctx, [], `${what} must be a YAML mapping, got ${got}`, hint);
        }
      })
      .meta({ description }),
    { what, hint },
  );
}

// ---------------------------------------------------------------------------------------------
// Reading raw values inside cross-field rules (the rules also run when field types are wrong)

export type Raw = Record<string, unknown>;

export function asRecord(v: unknown): Raw | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined;
}

export function asArray(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Runs a superRefine even when nested fields failed, so that every problem is reported in one pass. */
export const ALWAYS = { when: () => true } as const;
