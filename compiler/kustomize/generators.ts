/** ConfigMap/Secret generators and the name hash kustomize appends to generated objects. */
import { createHash } from "node:crypto";
import { KustomizeError } from "./errors.ts";
import { basename, joinPath } from "./fs.ts";
import { Resource } from "./resource.ts";
import { has, isMap, newMap, scalarText, type Value, type VMap } from "./value.ts";

export interface GenContext {
  readFile(rel: string, field: string): Uint8Array;
  file: string;
}

/** Go encoding/json string (HTML-escaped, U+2028/9 escaped). */
export function goJsonString(s: string): string {
  return JSON.stringify(s)
    .replaceAll("<", "\\u003c").replaceAll(">", "\\u003e").replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029");
}

function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

function stringMap(v: Value | undefined): Record<string, string> | undefined {
  if (!isMap(v)) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) out[k] = scalarText(v[k]) ?? "";
  return out;
}

/** Go encoding/json of a value (maps sorted, numbers as float64 would print). */
export function goJson(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return String(Number(v));
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return "[" + v.map(goJson).join(",") + "]";
  const keys = Object.keys(v).sort();
  return "{" + keys.map((k) => `${goJsonString(k)}:${goJson(v[k]!)}`).join(",") + "}";
}

/** kustomize's hash suffix for a ConfigMap or Secret object (api/hasher). */
export function nameHash(obj: VMap): string {
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  const look = (k: string): string => {
    if (!has(obj, k)) return '""';
    const v = obj[k]!;
    if (isMap(v) || Array.isArray(v)) return goJson(v);
    return goJsonString(scalarText(v) ?? "");
  };
  const parts: Record<string, string> = {};
  if (kind === "ConfigMap") {
    parts.kind = '"ConfigMap"';
    parts.name = '""';
    parts.data = look("data");
    if (isMap(obj.binaryData)) parts.binaryData = goJson(obj.binaryData);
  } else if (kind === "Secret") {
    parts.kind = '"Secret"';
    parts.type = look("type");
    parts.name = '""';
    parts.data = look("data");
    if (isMap(obj.stringData)) parts.stringData = goJson(obj.stringData);
  } else {
    throw new KustomizeError(`cannot compute hash of kind ${kind}`);
  }
  const json = "{" + Object.keys(parts).sort().map((k) => `"${k}":${parts[k]}`).join(",") + "}";
  const hex = sha256Hex(json);
  const map: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };
  return Array.from(hex.slice(0, 10), (c) => map[c] ?? c).join("");
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

function parseEnvFile(text: string, file: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "").replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq < 0) {
      throw new KustomizeError(
        `env file line ${
          i + 1
        }: '${line}' has no value (reading values from the process environment is not supported)`,
        { file, line: i + 1 },
      );
    }
    const key = line.slice(0, eq);
    if (/\s/.test(key)) throw new KustomizeError(`invalid key '${key}' in env file`, { file, line: i + 1 });
    out.push([key, line.slice(eq + 1)]);
  });
  return out;
}

function strList(v: Value | undefined, field: string, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`${field} must be a list`, { file, path: field });
  return v.map((x) => scalarText(x) ?? "");
}

function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

function b64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/** kyaml encodeBase64: lines of 70 characters, each ending in a newline, once the value reaches 70. */
function b64Lines(b: Uint8Array): string {
  const enc = b64(b);
  if (enc.length < 70) return enc;
  let out = "";
  for (let i = 0; i < enc.length; i += 70) out += enc.slice(i, i + 70) + "\n";
  return out;
}

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export function parseGenOptions(v: Value | undefined): GeneratorOptions {
  const o: GeneratorOptions = {};
  if (!isMap(v)) return o;
  const l = stringMap(v.labels);
  if (l) o.labels = l;
  const a = stringMap(v.annotations);
  if (a) o.annotations = a;
  if (v.disableNameSuffixHash === true) o.disableNameSuffixHash = true;
  if (v.immutable === true) o.immutable = true;
  return o;
}

function mergeOpts(g: GeneratorOptions, e: GeneratorOptions): GeneratorOptions {
  const o: GeneratorOptions = {};
  if (g.labels || e.labels) o.labels = { ...g.labels, ...e.labels };
  if (g.annotations || e.annotations) o.annotations = { ...g.annotations, ...e.annotations };
  if (g.disableNameSuffixHash || e.disableNameSuffixHash) o.disableNameSuffixHash = true;
  if (g.immutable || e.immutable) o.immutable = true;
  return o;
}

/** Build one ConfigMap or Secret from a generator entry. */
export function generate(
  kind: "ConfigMap" | "Secret",
  entry: Value,
  index: number,
  global: GeneratorOptions,
  ctx: GenContext,
): Resource {
  const field = kind === "ConfigMap" ? "configMapGenerator" : "secretGenerator";
  const where = `${field}[${index}]`;
  if (!isMap(entry)) throw new KustomizeError(`${where} must be a map`, { file: ctx.file, path: where });
  const name = typeof entry.name === "string" ? entry.name : "";
  if (name === "") {
    throw new KustomizeError(`${where}: a generator needs a name`, { file: ctx.file, path: where });
  }
  const pairs: [string, string | Uint8Array][] = [];
  for (const envField of ["envs", "env"]) {
    const envs = envField === "env"
      ? (typeof entry.env === "string" ? [entry.env] : [])
      : strList(entry.envs, `${where}.envs`, ctx.file);
    for (const f of envs) {
      const text = new TextDecoder().decode(ctx.readFile(f, `${where}.${envField}`));
      for (const kv of parseEnvFile(text, f)) pairs.push(kv);
    }
  }
  for (const lit of strList(entry.literals, `${where}.literals`, ctx.file)) {
    const eq = lit.indexOf("=");
    if (eq < 0) {
      throw new KustomizeError(`${where}.literals: invalid literal '${lit}', expected key=value`, {
        file: ctx.file,
        path: `${where}.literals`,
      });
    }
    pairs.push([lit.slice(0, eq), unquote(lit.slice(eq + 1))]);
  }
  for (const f of strList(entry.files, `${where}.files`, ctx.file)) {
    const eq = f.indexOf("=");
    let key: string, path: string;
    if (eq >= 0) {
      key = f.slice(0, eq);
      path = f.slice(eq + 1);
      if (key === "") {
        throw new KustomizeError(`${where}.files: key name for '${f}' is empty`, { file: ctx.file });
      }
    } else {
      path = f;
      key = basename(path);
    }
    pairs.push([key, ctx.readFile(path, `${where}.files`)]);
  }
  const data = newMap();
  const binary = newMap();
  for (const [k, v] of pairs) {
    if (has(data, k) || has(binary, k)) {
      throw new KustomizeError(
        `${where}: configmap ${name} illegally repeats the key \`${k}\``,
        { file: ctx.file, path: where },
      );
    }
    if (kind === "Secret") {
      data[k] = b64Lines(typeof v === "string" ? new TextEncoder().encode(v) : v);
    } else if (typeof v === "string") data[k] = v;
    else if (isUtf8(v)) data[k] = new TextDecoder().decode(v);
    else binary[k] = b64(v);
  }
  const opts = mergeOpts(global, parseGenOptions(entry.options));
  const obj = newMap();
  obj.apiVersion = "v1";
  obj.kind = kind;
  const md = newMap();
  md.name = name;
  if (typeof entry.namespace === "string" && entry.namespace !== "") md.namespace = entry.namespace;
  if (opts.labels && Object.keys(opts.labels).length) {
    const l = newMap();
    for (const [k, v] of Object.entries(opts.labels)) l[k] = v;
    md.labels = l;
  }
  if (opts.annotations && Object.keys(opts.annotations).length) {
    const a = newMap();
    for (const [k, v] of Object.entries(opts.annotations)) a[k] = v;
    md.annotations = a;
  }
  obj.metadata = md;
  if (Object.keys(data).length) obj.data = data;
  if (Object.keys(binary).length) obj.binaryData = binary;
  if (kind === "Secret") {
    obj.type = typeof entry.type === "string" && entry.type !== "" ? entry.type : "Opaque";
  }
  if (opts.immutable) obj.immutable = true;
  const r = new Resource(obj);
  const behavior = typeof entry.behavior === "string" && entry.behavior !== "" ? entry.behavior : "create";
  if (!["create", "merge", "replace"].includes(behavior)) {
    throw new KustomizeError(`${where}.behavior: unknown behavior '${behavior}'`, { file: ctx.file });
  }
  r.generator = { behavior, needsHash: !opts.disableNameSuffixHash };
  return r;
}

export function joinRel(dir: string, rel: string): string {
  return joinPath(dir, rel);
}
