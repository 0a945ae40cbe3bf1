/** Resources and their identities (group/version/kind/name/namespace), with the id history kustomize keeps. */
import type { Origin } from "./origin.ts";
import { getPath, isMap, type VMap } from "./value.ts";

const CLUSTER_SCOPED = new Set([
  "admissionregistration.k8s.io/v1 MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration",
  "apiextensions.k8s.io/v1 CustomResourceDefinition",
  "apiextensions.k8s.io/v1beta1 CustomResourceDefinition",
  "apiregistration.k8s.io/v1 APIService",
  "apiregistration.k8s.io/v1beta1 APIService",
  "certificates.k8s.io/v1 CertificateSigningRequest",
  "certificates.k8s.io/v1beta1 CertificateSigningRequest",
  "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema",
  "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration",
  "networking.k8s.io/v1 IngressClass",
  "networking.k8s.io/v1beta1 IngressClass",
  "node.k8s.io/v1 RuntimeClass",
  "node.k8s.io/v1beta1 RuntimeClass",
  "policy/v1beta1 PodSecurityPolicy",
  "rbac.authorization.k8s.io/v1 ClusterRole",
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
  "rbac.authorization.k8s.io/v1beta1 ClusterRole",
  "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding",
  "scheduling.k8s.io/v1 PriorityClass",
  "scheduling.k8s.io/v1beta1 PriorityClass",
  "storage.k8s.io/v1 CSIDriver",
  "storage.k8s.io/v1 CSINode",
  "storage.k8s.io/v1 StorageClass",
  "storage.k8s.io/v1 VolumeAttachment",
  "storage.k8s.io/v1beta1 CSIDriver",
  "storage.k8s.io/v1beta1 CSINode",
  "storage.k8s.io/v1beta1 StorageClass",
  "storage.k8s.io/v1beta1 VolumeAttachment",
  "v1 ComponentStatus",
  "v1 Namespace",
  "v1 Node",
  "v1 NodeProxyOptions",
  "v1 PersistentVolume",
]);

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId extends Gvk {
  name: string;
  namespace: string;
}

export function apiVersionOf(g: Gvk): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

/** kind → apiVersions under which it is cluster-scoped (CLUSTER_SCOPED, indexed by kind). */
const CLUSTER_SCOPED_BY_KIND = new Map<string, Set<string>>();
for (const e of CLUSTER_SCOPED) {
  const i = e.lastIndexOf(" ");
  const kind = e.slice(i + 1);
  let s = CLUSTER_SCOPED_BY_KIND.get(kind);
  if (!s) CLUSTER_SCOPED_BY_KIND.set(kind, s = new Set());
  s.add(e.slice(0, i));
}

export function isClusterScoped(g: Gvk): boolean {
  const s = CLUSTER_SCOPED_BY_KIND.get(g.kind);
  return s !== undefined && s.has(apiVersionOf(g));
}

export function effectiveNs(id: ResId): string {
  if (isClusterScoped(id)) return "_non_namespaceable_";
  if (id.namespace === "" || id.namespace === "default") return "default";
  return id.namespace;
}

export function gvkString(g: Gvk): string {
  return `${g.kind || "[noKind]"}.${g.version || "[noVer]"}.${g.group || "[noGrp]"}`;
}

/** kustomize ResId.String(): `Kind.version.group/name.namespace`. */
export function idString(id: ResId): string {
  return `${gvkString(id)}/${id.name || "[noName]"}.${id.namespace || "[noNs]"}`;
}

/**
 * A string key with `idKey(a) === idKey(b)` exactly when `idEquals(a, b)`: for indexing resources by id
 * (Maps and Sets) instead of scanning lists.
 */
export function idKey(id: ResId): string {
  return `${id.group}\u0000${id.version}\u0000${id.kind}\u0000${id.name}\u0000${effectiveNs(id)}`;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind && a.name === b.name &&
    effectiveNs(a) === effectiveNs(b);
}

export function gvkSelected(g: Gvk, sel: Partial<Gvk>): boolean {
  if (sel.group && g.group !== sel.group) return false;
  if (sel.version && g.version !== sel.version) return false;
  if (sel.kind && g.kind !== sel.kind) return false;
  return true;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  if (i < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export interface GeneratorInfo {
  behavior: string;
  needsHash: boolean;
}

/** One resource in the map being built. */
export class Resource {
  obj: VMap;
  /** previous ids, oldest first (kustomize's previousNames/Kinds/Namespaces annotations) */
  prevIds: ResId[] = [];
  prefixes: string[] = [];
  suffixes: string[] = [];
  generator: GeneratorInfo | undefined;
  refBy: string[] = [];
  /** buildMetadata: where the resource came from, and the transformers that touched it since. */
  origin: Origin | undefined;
  transformations: Origin[] = [];
  /** names of the vars bound to this resource (kustomize refVarNames) */
  refVarNames: string[] = [];
  constructor(obj: VMap) {
    this.obj = obj;
  }
  str(path: string[]): string {
    const v = getPath(this.obj, path);
    return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
  }
  get kind(): string {
    return this.str(["kind"]);
  }
  get name(): string {
    return this.str(["metadata", "name"]);
  }
  get namespace(): string {
    return this.str(["metadata", "namespace"]);
  }
  gvk(): Gvk {
    const { group, version } = parseApiVersion(this.str(["apiVersion"]));
    return { group, version, kind: this.kind };
  }
  curId(): ResId {
    const { group, version } = parseApiVersion(this.str(["apiVersion"]));
    return { group, version, kind: this.kind, name: this.name, namespace: this.namespace };
  }
  orgId(): ResId {
    return this.prevIds[0] ?? this.curId();
  }
  allIds(): ResId[] {
    return [...this.prevIds, this.curId()];
  }
  storePreviousId(): void {
    const id = this.curId();
    this.prevIds.push({ ...id, namespace: isClusterScoped(id) ? "" : id.namespace || "default" });
  }
  metadata(): VMap {
    let m = this.obj.metadata;
    if (!isMap(m)) {
      m = Object.create(null) as VMap;
      this.obj.metadata = m;
    }
    return m;
  }
  setName(n: string): void {
    this.metadata().name = n;
  }
  setNamespace(ns: string): void {
    this.metadata().namespace = ns;
  }
  clone(): Resource {
    const r = new Resource(structuredCloneValue(this.obj));
    r.prevIds = this.prevIds.map((x) => ({ ...x }));
    r.prefixes = [...this.prefixes];
    r.suffixes = [...this.suffixes];
    r.generator = this.generator ? { ...this.generator } : undefined;
    r.refBy = [...this.refBy];
    r.origin = this.origin;
    r.transformations = [...this.transformations];
    r.refVarNames = [...this.refVarNames];
    return r;
  }
}

import { clone } from "./value.ts";
function structuredCloneValue(v: VMap): VMap {
  return clone(v);
}
