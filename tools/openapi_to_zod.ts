/**
 * One-off helper: drafts zod source for a kind from its upstream shape-source CRD (see
 * `schemas/shape_sources.ts`). The drafts were hand-edited afterwards (api.md §9.4 differences, names),
 * so re-running this does not reproduce `schemas/` — it is kept for the next upstream schema import.
 *
 * Usage: deno run -A tools/openapi_to_zod.ts OUT_DIR [Kind ...]
 * Descriptions come from the "Meaning" column of spec/api.md (first sentence), not from upstream.
 */
import YAML from "yaml";
import { SHAPE_SOURCES } from "../schemas/shape_sources.ts";
import type { KindId } from "../schemas/names.ts";

const CRDS = new URL("../../shared/reference/crds/", import.meta.url);
const API_MD = new URL("../../shared/spec/api.md", import.meta.url);

type Node = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  required?: string[];
  enum?: unknown[];
  allOf?: Node[];
};

/** `### 5.1 ClusterPack` → target kind (DECISIONS.md mapping). */
const SECTION_KIND: Record<string, string> = {
  ClusterPack: "PackDelivery",
  PackInstance: "PackInstalled",
};

function apiDescriptions(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  for (const line of Deno.readTextFileSync(API_MD).split("\n")) {
    const h = /^### [\d.]+ (\w+)/.exec(line);
    if (h) {
      const kind = SECTION_KIND[h[1]!] ?? h[1]!;
      cur = new Map();
      out.set(kind, cur);
      continue;
    }
    const row = /^\| `([^`]+)` \|.*\| ([^|]*) \|$/.exec(line);
    if (row && cur) {
      let m = row[2]!.trim();
      const dot = m.replace(/\b(e\.g|i\.e|etc)\./g, (x) => x.replace(/\./g, "_")).search(/\.(\s|$)/);
      if (dot > 0) m = m.slice(0, dot + 1);
      if (m.length > 160) m = m.slice(0, 157).replace(/\s+\S*$/, "") + "...";
      cur.set(row[1]!.replace(/\{\*\}/g, "{}"), m);
    }
  }
  return out;
}

const DESCS = apiDescriptions();

function keys(n: Node): string {
  return Object.keys(n.properties ?? {}).sort().join(",");
}

function sharedName(n: Node, prop: string): string | undefined {
  const k = keys(n);
  if (
    k ===
      "creatingOperator,creationRationale,rootGenerationAtCreation,rootKind,rootName,rootNamespace,rootUID"
  ) {
    return "sealedCausalChain";
  }
  if (k === "name,namespace") {
    if (n["x-kubernetes-map-type"] === "atomic") return "secretReference";
    if (JSON.stringify(n.required) === '["name"]') {
      return /secret/i.test(prop) ? "secretRef" : "localObjectRef";
    }
  }
  if (k === "bucket,credentialsSecretRef,key") return "s3Ref";
  if (k === "apiVersion,kind,name,namespace") return "deployedResource";
  return undefined;
}

function lit(v: unknown): string {
  return JSON.stringify(v);
}

function enumOf(n: Node): unknown[] | undefined {
  if (n.enum) return n.enum;
  if (n.allOf) {
    let acc: unknown[] | undefined;
    for (const a of n.allOf) {
      const e = a.enum;
      if (!e) continue;
      acc = acc ? acc.filter((x) => e.includes(x)) : [...e];
    }
    return acc;
  }
  return undefined;
}

function conv(n: Node, path: string, kind: string, prop: string, ind: string): string {
  const shared = sharedName(n, prop);
  if (shared) return shared;
  if (prop === "conditions" && n.type === "array") return "conditions";
  let e: string;
  const meta: Record<string, unknown> = {};
  for (const k of Object.keys(n)) if (k.startsWith("x-kubernetes-")) meta[k] = n[k];
  const en = enumOf(n);
  switch (n.type) {
    case "string":
      if (en) e = `z.enum(${lit(en)})`;
      else if (n.format === "date-time") e = "dateTime()";
      else {
        e = "z.string()";
        if (n.format) meta.format = n.format;
      }
      if (typeof n.minLength === "number") e += `.min(${n.minLength})`;
      if (typeof n.maxLength === "number") e += `.max(${n.maxLength})`;
      if (typeof n.pattern === "string") e += `.regex(/${n.pattern.replace(/\//g, "\\/")}/)`;
      break;
    case "integer":
      e = n.format === "int32" ? "int32()" : n.format === "int64" ? "int64()" : "z.int()";
      if (typeof n.minimum === "number") e += `.min(${n.minimum})`;
      if (typeof n.maximum === "number") e += `.max(${n.maximum})`;
      break;
    case "number":
      e = "z.number()";
      break;
    case "boolean":
      e = "z.boolean()";
      break;
    case "array":
      e = `z.array(${conv(n.items!, `${path}[]`, kind, prop, ind)})`;
      if (typeof n.minItems === "number") e += `.min(${n.minItems})`;
      break;
    case "object":
    case undefined:
      if (n.properties) {
        const req = new Set(n.required ?? []);
        const inner = ind + "  ";
        const fields = Object.keys(n.properties).sort().map((k) => {
          let f = conv(n.properties![k]!, `${path}.${k}`, kind, k, inner);
          if (!req.has(k) && n.properties![k]!.default === undefined) f += ".optional()";
          return `${inner}${k}: ${f},`;
        });
        e = `z.object({\n${fields.join("\n")}\n${ind}})`;
        if (n["x-kubernetes-preserve-unknown-fields"]) {
          e = e.replace(/^z\.object/, "z.looseObject");
          delete meta["x-kubernetes-preserve-unknown-fields"];
        }
      } else if (typeof n.additionalProperties === "object") {
        e = `z.record(z.string(), ${conv(n.additionalProperties, `${path}{}`, kind, prop, ind)})`;
      } else if (n["x-kubernetes-preserve-unknown-fields"]) {
        e = "freeform()";
        delete meta["x-kubernetes-preserve-unknown-fields"];
      } else {
        e = "freeform()";
      }
      break;
    default:
      throw new Error(`${kind} ${path}: unsupported type ${n.type}`);
  }
  if (Object.keys(meta).length) e += `.meta(${lit(meta)})`;
  const d = DESCS.get(kind)?.get(path.slice(1));
  if (d) e += `.describe(${lit(d.replace(/`/g, ""))})`;
  if (n.default !== undefined) e += `.default(${lit(n.default)})`;
  return e;
}

function snake(k: string): string {
  return k;
}

function draft(kind: KindId): string {
  const src = SHAPE_SOURCES[kind];
  const crd = YAML.parse(Deno.readTextFileSync(new URL(src.source, CRDS))) as {
    spec: { versions: { schema: { openAPIV3Schema: Node }; additionalPrinterColumns?: unknown[] }[] };
  };
  const v = crd.spec.versions[0]!;
  const root = v.schema.openAPIV3Schema;
  const spec = root.properties!.spec
    ? conv(root.properties!.spec, ".spec", kind, "spec", "")
    : "z.object({})";
  const status = root.properties!.status
    ? conv(root.properties!.status, ".status", kind, "status", "")
    : undefined;
  const cols = (v.additionalPrinterColumns ?? []) as Record<string, unknown>[];
  const body = spec + (status ?? "");
  const used = (names: string[]) => names.filter((x) => new RegExp(`\\b${x}\\b`).test(body));
  const fromCrd = [
    "AGE_COLUMN",
    ...used(["conditions", "dateTime", "freeform", "int32", "int64"]),
    "defineKind",
  ].sort();
  const fromCommon = used([
    "deployedResource",
    "localObjectRef",
    "s3Ref",
    "sealedCausalChain",
    "secretRef",
    "secretReference",
  ]);
  const lines = [
    `import { z } from "zod";`,
    `import { ${fromCrd.join(", ")} } from "../crd.ts";`,
    ...(fromCommon.length ? [`import { ${fromCommon.join(", ")} } from "../common.ts";`] : []),
    ``,
    `export const ${snake(kind)}SpecSchema = ${spec};`,
    `export type ${kind}Spec = z.infer<typeof ${kind}SpecSchema>;`,
    ``,
  ];
  if (status) {
    lines.push(
      `export const ${kind}StatusSchema = ${status};`,
      `export type ${kind}Status = z.infer<typeof ${kind}StatusSchema>;`,
      ``,
    );
  }
  lines.push(
    `export const ${kind}Def = defineKind({`,
    `  name: "${kind}",`,
    `  spec: ${kind}SpecSchema,`,
    ...(status ? [`  status: ${kind}StatusSchema,`] : []),
    `  printerColumns: [`,
    ...cols.map((c) =>
      c.name === "Age" && c.jsonPath === ".metadata.creationTimestamp"
        ? "    AGE_COLUMN,"
        : `    ${lit({ name: c.name, type: c.type, jsonPath: c.jsonPath })},`
    ),
    `  ],`,
    `});`,
    ``,
    `export const ${kind}Schema = ${kind}Def.object;`,
    `export type ${kind} = z.infer<typeof ${kind}Schema>;`,
    ``,
  );
  return lines.join("\n");
}

if (import.meta.main) {
  const [out, ...kinds] = Deno.args;
  if (!out) throw new Error("usage: openapi_to_zod.ts OUT_DIR [Kind ...]");
  const list = (kinds.length ? kinds : Object.keys(SHAPE_SOURCES)) as KindId[];
  for (const k of list) {
    const s = SHAPE_SOURCES[k];
    Deno.mkdirSync(`${out}/${s.family}`, { recursive: true });
    Deno.writeTextFileSync(`${out}/${s.family}/${s.module}.ts`, draft(k));
  }
}
