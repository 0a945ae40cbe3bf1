// Helpers of the CRD e2e suites (crds_test.ts, compat_test.ts): one cluster per suite (attached through
// MGMT_KUBECONFIG / TENANT_KUBECONFIG, else launched by the e2e/cluster harness — a failed build throws, the
// suites never skip), Established polling, apiserver field paths, the upstream CRDs renamed to our
// group/names, and the deliberate-difference allow-list of schemas/compat_test.ts.
import { COMPAT_ALLOWED, COMPAT_WIDENED, type CompatAllowance } from "../../schemas/compat_allow.ts";
import YAML from "yaml";
import { attachCluster, type Cluster, KubeApiError, type KubeClient, startCluster } from "../cluster/mod.ts";
import {
  ALL_KINDS,
  type AnyKindDef,
  crdNameOf,
  KIND_NAMES,
  type KindId,
  openApiSchemaOf,
  VERSION,
} from "../../schemas/mod.ts";
import { SHAPE_SOURCES } from "../../schemas/shape_sources.ts";

export { type Emitted, generatorObjects, ourObjects, samples } from "./generated.ts";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

export const NAMESPACES = ["seam-system", "ont-system", "seam-tenant-ccs-app"] as const;
export const CRD_API = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const REPO = new URL("../../", import.meta.url);
export const UPSTREAM_CRDS = new URL("../shared/reference/crds/", REPO);

export const log = (s: string) => Deno.stderr.writeSync(new TextEncoder().encode(`  ${s}\n`));

/** The cluster of one suite: `envVar` names an existing cluster, else one is launched (build failures throw). */
export async function suiteCluster(name: string, envVar: string): Promise<Cluster> {
  const kc = Deno.env.get(envVar);
  return kc ? await attachCluster(name, kc) : await startCluster({ name });
}

/** Creates the namespaces the samples live in (idempotent). */
export async function ensureNamespaces(client: KubeClient): Promise<void> {
  for (const ns of NAMESPACES) {
    try {
      await client.post("/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
  }
}

export interface CrdStatus {
  name: string;
  established: boolean;
  namesAccepted: boolean;
  message: string;
}

/** Polls every named CRD until Established=True and NamesAccepted=True; throws naming the laggards. */
export async function waitEstablished(
  client: KubeClient,
  names: readonly string[],
  timeoutMs = 60_000,
): Promise<CrdStatus[]> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const statuses = await Promise.all(names.map(async (name) => {
      const crd = await client.get<
        { status?: { conditions?: { type: string; status: string; message?: string }[] } }
      >(
        `${CRD_API}/${name}`,
      );
      const cond = (t: string) => crd.status?.conditions?.find((c) => c.type === t);
      return {
        name,
        established: cond("Established")?.status === "True",
        namesAccepted: cond("NamesAccepted")?.status === "True",
        message: [cond("Established")?.message, cond("NamesAccepted")?.message].filter(Boolean).join("; "),
      };
    }));
    const pending = statuses.filter((s) => !s.established || !s.namesAccepted);
    if (!pending.length) return statuses;
    if (Date.now() > deadline) {
      throw new Error(
        `CRDs not Established after ${timeoutMs / 1000}s:\n${
          pending.map((s) => `  ${s.name}: ${s.message || "no conditions"}`).join("\n")
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A field path as the apiserver or a fixture writes it, in one form: map keys as `.key` (the apiserver writes
 * `spec.m[key]`), list indices as `[n]`, no leading dot.
 */
export function normalizeFieldPath(p: string): string {
  return p.replace(/^\./, "").replace(/\[([^\]]*)\]/g, (m, k: string) => /^\d+$/.test(k) ? m : `.${k}`);
}

/** `# expect-error: .spec…` of an invalid fixture. */
export function expectedErrorPath(text: string): string | undefined {
  return /^# expect-error: (\S+)$/m.exec(text)?.[1];
}

/**
 * Maps an apiserver field path (`spec.a[0].m[key].b`) to the schema path notation of schemas/compat.ts
 * (`spec.a[].m{}.b`) by walking `schema` (an openAPIV3Schema root). Unknown segments are kept as names.
 */
export function schemaPathOf(field: string, schema: Json): string {
  const segs: { name: string; index: boolean }[] = [];
  for (const m of field.replace(/^\./, "").matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) segs.push({ name: m[1], index: false });
    else segs.push({ name: m[2]!, index: true });
  }
  let node: unknown = schema;
  let out = "";
  for (const s of segs) {
    const n = isObj(node) ? node : {};
    const props = isObj(n.properties) ? n.properties : undefined;
    if (!s.index && props && s.name in props) {
      out = out ? `${out}.${s.name}` : s.name;
      node = props[s.name];
    } else if (s.index && /^\d+$/.test(s.name) && isObj(n.items)) {
      out += "[]";
      node = n.items;
    } else if (isObj(n.additionalProperties)) {
      out += "{}";
      node = n.additionalProperties;
    } else {
      out = s.index ? `${out}[${s.name}]` : out ? `${out}.${s.name}` : s.name;
      node = undefined;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The deliberate-difference lists live in schemas/compat_allow.ts, shared with the unit test.

export type Allowed = CompatAllowance;

export function allowList(): Allowed[] {
  return [...COMPAT_ALLOWED];
}

export const WIDENED: readonly Allowed[] = COMPAT_WIDENED;

// ---------------------------------------------------------------------------------------------------------------
// Upstream CRDs renamed to our group/kind/plural/shortNames (the shape source of each kind, DECISIONS.md /
// api.md §9.2 as schemas/shape_sources.ts records it).

export const UPSTREAM_LABEL = "e2e.seam.ontai.dev/compat";

function loadUpstream(file: string): Json {
  const docs = YAML.parseAllDocuments(Deno.readTextFileSync(new URL(file, UPSTREAM_CRDS)))
    .map((d) => d.toJS() as Json | null)
    .filter((d): d is Json => isObj(d) && d.kind === "CustomResourceDefinition");
  if (docs.length !== 1) {
    throw new Error(`${file}: expected one CustomResourceDefinition, found ${docs.length}`);
  }
  return docs[0]!;
}

function storageVersion(crd: Json, file: string): Json {
  const versions = ((crd.spec as Json).versions ?? []) as Json[];
  const v = versions.find((x) => x.storage === true) ?? versions[0];
  if (!v) throw new Error(`${file}: no versions`);
  return v;
}

function propsAt(root: Json, dotted: string, create: boolean): { parent: Json; key: string } | undefined {
  const parts = dotted.split(".");
  let node = root;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(node.properties)) {
      if (!create) return undefined;
      node.properties = {};
    }
    const props = node.properties as Json;
    if (!isObj(props[p])) {
      if (!create) return undefined;
      props[p] = { type: "object" };
    }
    node = props[p] as Json;
  }
  if (!isObj(node.properties)) {
    if (!create) return undefined;
    node.properties = {};
  }
  return { parent: node, key: parts.at(-1)! };
}

export interface UpstreamCrd {
  kind: KindId;
  source: string;
  crd: Json;
  /** Field renames applied to the schema (upstream path → ours). */
  renamed: [string, string][];
  /** Paths grafted in from the extra sources. */
  grafted: string[];
}

/**
 * The upstream shape source of `kind` as a CRD of our group and names: one version (the upstream storage
 * version, renamed to ours), its schema with the api.md §9.4 field renames applied and the "plus …" paths of the
 * extra sources grafted in. Subresources and printer columns are kept.
 */
export function upstreamCrdFor(kind: KindId): UpstreamCrd {
  const src = SHAPE_SOURCES[kind];
  const up = loadUpstream(src.source);
  const n = KIND_NAMES[kind];
  const version = structuredClone(storageVersion(up, src.source));
  const schema = (version.schema as Json).openAPIV3Schema as Json;
  const renamed: [string, string][] = [];
  for (const [from, to] of Object.entries(src.renames ?? {})) {
    const a = propsAt(schema, from, false);
    const aProps = a?.parent.properties as Json | undefined;
    if (!a || !aProps || !(a.key in aProps)) {
      throw new Error(`${kind}: rename source ${from} not in ${src.source}`);
    }
    const b = propsAt(schema, to, true)!;
    (b.parent.properties as Json)[b.key] = aProps[a.key];
    delete aProps[a.key];
    if (a.parent === b.parent && Array.isArray(a.parent.required)) {
      a.parent.required = (a.parent.required as string[]).map((r) => r === a.key ? b.key : r);
    }
    renamed.push([from, to]);
  }
  const grafted: string[] = [];
  for (const e of src.extra ?? []) {
    const extraSchema = (storageVersion(loadUpstream(e.source), e.source).schema as Json)
      .openAPIV3Schema as Json;
    for (const p of e.paths) {
      const from = propsAt(extraSchema, p, false);
      const node = from && (from.parent.properties as Json)[from.key];
      if (!node) throw new Error(`${kind}: extra path ${p} not in ${e.source}`);
      const to = propsAt(schema, p, true)!;
      (to.parent.properties as Json)[to.key] = structuredClone(node);
      grafted.push(p);
    }
  }
  version.name = VERSION;
  version.served = true;
  version.storage = true;
  const crd: Json = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: crdNameOf(kind),
      labels: { [UPSTREAM_LABEL]: "upstream" },
      annotations: { [`${UPSTREAM_LABEL}-source`]: src.source },
    },
    spec: {
      group: n.group,
      names: {
        kind: n.kind,
        listKind: `${n.kind}List`,
        plural: n.plural,
        singular: n.singular,
        shortNames: [...n.shortNames],
        categories: [...n.categories],
      },
      scope: (up.spec as Json).scope ?? "Namespaced",
      versions: [version],
    },
  };
  return { kind, source: src.source, crd, renamed, grafted };
}

export function kindDef(kind: KindId): AnyKindDef {
  return ALL_KINDS.find((d) => d.name === kind)!;
}

export function ourSchema(kind: KindId): Json {
  return openApiSchemaOf(kindDef(kind)) as unknown as Json;
}

// ---------------------------------------------------------------------------------------------------------------

type Seg = string | number;

/** Leaf paths of a JSON value as segment lists; empty objects/arrays count as leaves. */
export function leafPaths(v: unknown, prefix: Seg[] = []): Seg[][] {
  if (Array.isArray(v)) {
    if (!v.length) return [prefix];
    return v.flatMap((x, i) => leafPaths(x, [...prefix, i]));
  }
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (!keys.length) return [prefix];
    return keys.flatMap((k) => leafPaths(v[k], [...prefix, k]));
  }
  return [prefix];
}

/** `a.b[0].c`; a key containing a dot or bracket is written `[key]` (as the apiserver writes map keys). */
export function formatPath(segs: readonly Seg[]): string {
  let out = "";
  for (const s of segs) {
    if (typeof s === "number" || /[.[\]]/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

function hasPath(v: unknown, segs: readonly Seg[]): boolean {
  let node: unknown = v;
  for (const s of segs) {
    if (typeof s === "number") {
      if (!Array.isArray(node) || s >= node.length) return false;
      node = node[s];
    } else {
      if (!isObj(node) || !(s in node)) return false;
      node = node[s];
    }
  }
  return true;
}

/** Paths of `sent` (outside metadata/status/apiVersion/kind) missing from what the server `stored`: pruned. */
export function prunedPaths(sent: Json, stored: Json): string[] {
  const body = Object.fromEntries(
    Object.entries(sent).filter(([k]) => !["apiVersion", "kind", "metadata", "status"].includes(k)),
  );
  return leafPaths(body).filter((p) => p.length && !hasPath(stored, p)).map(formatPath);
}

/** The field paths of a 422 (details.causes[].field, else parsed from the message). */
export function causeFields(e: KubeApiError): string[] {
  const body = e.body as { details?: { causes?: { field?: string }[] }; message?: string } | null;
  // "<nil>" causes are summaries (allOf, "some validation rules were not checked"), not fields.
  const fields = (body?.details?.causes ?? []).map((c) => c.field ?? "").filter((f) => f && f !== "<nil>");
  return fields.length ? [...new Set(fields)] : [];
}
