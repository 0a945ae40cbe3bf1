/**
 * Store selection and the shared load/emit step for every SOPS format.
 */
import { InputError } from "../../shared/errors.ts";
import { metadataNode, metadataObject, parseMetadata, type SopsMetadata } from "./metadata.ts";
import {
  emitDotenv,
  emitJson,
  flattenMetadata,
  loadDotenv,
  loadJson,
  unflattenMetadata,
} from "./store_json.ts";
import { emitYaml, loadYaml } from "./store_yaml.ts";
import { type Branch, isComment, type MapEntry, toJS } from "./tree.ts";

export type SopsFormat = "yaml" | "json" | "dotenv" | "binary";

export const SOPS_FORMATS: readonly SopsFormat[] = ["yaml", "json", "dotenv", "binary"];

/** The store sops picks for a file name: `.yaml`/`.yml`, `.json`, `.env`, anything else binary. */
export function formatFromPath(path: string): SopsFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".env")) return "dotenv";
  if (lower.endsWith(".ini")) {
    throw new InputError("INI files are not supported", { file: path, code: "SopsFormat" });
  }
  return "binary";
}

export interface EmitOptions {
  /** YAML indentation (default 4, as sops). */
  indent?: number | undefined;
}

/** Plain (unencrypted) file → branches. Binary input becomes `{data: <text>}`. */
export function loadPlain(text: string, format: SopsFormat, file?: string): Branch[] {
  switch (format) {
    case "yaml":
      return loadYaml(text, file);
    case "json":
      return loadJson(text, file);
    case "dotenv":
      return loadDotenv(text, file);
    case "binary":
      return [{ t: "map", items: [{ key: "data", value: { t: "str", v: text } }] }];
  }
}

/** Branches → plain file text. Binary output is the `data` value itself. */
export function emitPlain(branches: readonly Branch[], format: SopsFormat, opts: EmitOptions = {}): string {
  switch (format) {
    case "yaml":
      return emitYaml(branches, { indent: opts.indent ?? 4 });
    case "json":
      return emitJson(one(branches));
    case "dotenv":
      return emitDotenv(one(branches));
    case "binary": {
      const data = one(branches).items.find((i): i is MapEntry => !isComment(i) && i.key === "data");
      if (data?.value.t === "bytes") return new TextDecoder().decode(data.value.v);
      if (!data || data.value.t !== "str") {
        throw new InputError("binary document without a string `data` value", { code: "SopsFormat" });
      }
      return data.value.v;
    }
  }
}

function one(branches: readonly Branch[]): Branch {
  if (branches.length !== 1) {
    throw new InputError(`expected one document, found ${branches.length}`, { code: "SopsFormat" });
  }
  return branches[0]!;
}

export interface LoadedEncrypted {
  branches: Branch[];
  metadata: SopsMetadata;
}

function withoutSops(b: Branch): { branch: Branch; sops: MapEntry | undefined } {
  const sops = b.items.find((i): i is MapEntry => !isComment(i) && i.key === "sops");
  return { branch: { t: "map", items: b.items.filter((i) => i !== sops) }, sops };
}

/** Encrypted file → branches (still encrypted) and metadata. */
export function loadEncrypted(text: string, format: SopsFormat, file?: string): LoadedEncrypted {
  if (format === "dotenv") {
    const [b] = loadDotenv(text, file);
    const flat: Record<string, string> = {};
    const items: Branch["items"] = [];
    for (const i of b!.items) {
      if (!isComment(i) && i.key.startsWith("sops_")) {
        flat[i.key.slice(5)] = i.value.t === "str" ? i.value.v : String(toJS(i.value));
      } else items.push(i);
    }
    if (Object.keys(flat).length === 0) parseMetadata(undefined, file);
    return { branches: [{ t: "map", items }], metadata: parseMetadata(unflattenMetadata(flat), file) };
  }
  const raw = format === "yaml" ? loadYaml(text, file) : loadJson(text, file);
  if (raw.length === 0) parseMetadata(undefined, file);
  const parts = raw.map(withoutSops);
  const first = parts.find((p) => p.sops !== undefined);
  const metadata = parseMetadata(first ? toJS(first.sops!.value) : undefined, file);
  return { branches: parts.map((p) => p.branch), metadata };
}

/** Encrypted branches + metadata → file text in the layout of sops 3.13. */
export function emitEncrypted(
  branches: readonly Branch[],
  metadata: SopsMetadata,
  format: SopsFormat,
  opts: EmitOptions = {},
): string {
  if (format === "dotenv") {
    const b = one(branches);
    const lines = flattenMetadata(metadataObject(metadata)).map(([k, v]): MapEntry => ({
      key: k,
      value: { t: "str", v },
    }));
    return emitDotenv({ t: "map", items: [...b.items, ...lines] });
  }
  const withMeta = branches.map((b): Branch => ({
    t: "map",
    items: [...b.items, { key: "sops", value: metadataNode(metadata) }],
  }));
  if (format === "yaml") return emitYaml(withMeta, { indent: opts.indent ?? 4 });
  return emitJson(one(withMeta));
}
