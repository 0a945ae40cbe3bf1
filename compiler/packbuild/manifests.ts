/**
 * Manifest parsing and the three-bucket split shared by the helm, raw and kustomize paths
 * (compiler.md §6.5, conformance §11.8).
 *
 * Parsing splits at separator lines — `---` alone, or followed by blanks or a `#` comment — so a
 * `---` inside a block scalar's text is never a separator unless it starts a line, and a stream
 * that starts with `---` yields no empty first document. Each document keeps its text verbatim
 * (leading blank lines and trailing blanks dropped): that text is what enters the layers and the
 * checksum. Documents that parse to nothing (only comments) are dropped (DEFECT D-P2), and so are
 * Helm hooks (`metadata.annotations["helm.sh/hook"]`, any value).
 *
 * The split classifies by `kind` only; order inside a bucket is input order; RBAC objects in a
 * namespace no `Namespace` document declares get a synthetic Namespace at the front of the workload
 * bucket, in first-seen order.
 */
import YAML from "yaml";
import { InputError } from "../../shared/errors.ts";
import { sha256Hex } from "../../shared/digest.ts";

export interface Manifest {
  /** `kind`, `metadata.name`, `metadata.namespace` ("" when missing). */
  kind: string;
  name: string;
  namespace: string;
  /** The document's text as it enters the layer. */
  text: string;
  /** True for Namespaces the split injected. */
  synthetic?: boolean;
}

export interface Buckets {
  rbac: Manifest[];
  clusterScoped: Manifest[];
  workload: Manifest[];
}

export const RBAC_KINDS: ReadonlySet<string> = new Set([
  "ServiceAccount",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
]);

export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "CustomResourceDefinition",
  "APIService",
  "PriorityClass",
  "StorageClass",
  "IngressClass",
  "ClusterIssuer",
]);

export const HELM_HOOK_ANNOTATION = "helm.sh/hook";

const _SEPARATOR = /^---[ \t]*(?:#.*)?$/;

/** The documents of a stream as text, separators removed; blank documents skipped. */
export function splitDocuments(stream: string): string[] {
  const lines = stream.replace(/\r\n/g, "\n").split("\n");
  const docs: string[] = [];
  let cur: string[] = [];
  const flush = () => {
    const text = cur.join("\n").replace(/^(?:[ \t]*\n)+/, "").trimEnd();
    if (text !== "") docs.push(text);
    cur = [];
  };
  for (const line of lines) {
    if (_SEPARATOR.test(line)) flush();
    else cur.push(line);
  }
  flush();
  return docs;
}

function _rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

function _str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/**
 * Parses a manifest stream. `source` names where it came from for error messages (a directory,
 * a kustomization, a chart). A document that is not valid YAML fails the whole build.
 */
export function parseManifests(stream: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  const docs = splitDocuments(stream);
  docs.forEach((text, i) => {
    const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const first = text.split("\n").find((l) => /^kind:/.test(l)) ?? text.split("\n")[0] ?? "";
      throw new InputError(`parse manifest: document ${i + 1} of ${source}: ${e.message.split("\n")[0]}`, {
        code: "ManifestInvalid",
        hint: `the document starts near ${JSON.stringify(first.slice(0, 80))}`,
      });
    }
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) return; // comment-only (D-P2)
    const obj = _rec(value);
    const meta = _rec(obj?.metadata);
    const annotations = _rec(meta?.annotations);
    if (annotations && Object.hasOwn(annotations, HELM_HOOK_ANNOTATION)) return;
    out.push({ kind: _str(obj?.kind), name: _str(meta?.name), namespace: _str(meta?.namespace), text });
  });
  return out;
}

/**
 * Objects declared more than once (same kind, namespace and name; nameless documents ignored), as
 * `Kind namespace/name` in first-seen order. Applying such a layer keeps only the last one.
 */
export function duplicateObjects(manifests: readonly Manifest[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const m of manifests) {
    if (m.name === "") continue;
    const id = `${m.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`;
    if (seen.has(id)) dup.add(id);
    else seen.add(id);
  }
  return [...dup];
}

/** The text of the synthetic Namespace the split injects (exactly upstream's bytes). */
export function namespaceText(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

function _synthetic(ns: string): Manifest {
  return { kind: "Namespace", name: ns, namespace: "", text: namespaceText(ns), synthetic: true };
}

/** The three-bucket split with namespace injection. Pure: `manifests` is left as it was. */
export function splitThree(manifests: readonly Manifest[]): Buckets {
  const rbac: Manifest[] = [];
  const clusterScoped: Manifest[] = [];
  const workload: Manifest[] = [];
  const declared = new Set<string>();
  for (const m of manifests) {
    if (m.kind === "Namespace" && m.name !== "") declared.add(m.name);
    if (RBAC_KINDS.has(m.kind)) rbac.push(m);
    else if (CLUSTER_SCOPED_KINDS.has(m.kind)) clusterScoped.push(m);
    else workload.push(m);
  }
  const injected: Manifest[] = [];
  const seen = new Set<string>();
  for (const m of rbac) {
    if (m.namespace === "" || declared.has(m.namespace) || seen.has(m.namespace)) continue;
    seen.add(m.namespace);
    injected.push(_synthetic(m.namespace));
  }
  return { rbac, clusterScoped, workload: [...injected, ...workload] };
}

/** Upstream's legacy two-bucket split: RBAC, and everything else (cluster-scoped, then workload). */
export function splitTwo(manifests: readonly Manifest[]): { rbac: Manifest[]; workload: Manifest[] } {
  const b = splitThree(manifests);
  return { rbac: b.rbac, workload: [...b.clusterScoped, ...b.workload] };
}

/**
 * Helm-only (§6.6 step 8): the first Namespace of the workload bucket, else its first non-empty
 * `metadata.namespace`, gets a synthetic Namespace at the front — only if the bucket has no
 * Namespace of that name yet (DEFECT D-P4).
 */
export function withHelmNamespace(b: Buckets): Buckets {
  const ns = b.workload.find((m) => m.kind === "Namespace" && m.name !== "")?.name ??
    b.workload.find((m) => m.namespace !== "")?.namespace;
  if (ns === undefined) return b;
  if (b.workload.some((m) => m.kind === "Namespace" && m.name === ns)) return b;
  return { ...b, workload: [_synthetic(ns), ...b.workload] };
}

/** `---\n<text>\n` per manifest; the empty string for an empty bucket. */
export function layerText(bucket: readonly Manifest[]): string {
  let out = "";
  for (const m of bucket) out += `---\n${m.text}${m.text.endsWith("\n") ? "" : "\n"}`;
  return out;
}

/** Lower-case hex SHA-256 of rbac + cluster-scoped + workload layer text (§6.5). */
export function checksumOf(layers: { rbac: string; clusterScoped: string; workload: string }): string {
  return sha256Hex(layers.rbac + layers.clusterScoped + layers.workload);
}
