/**
 * An in-memory API server for the execute tests: discovery (a fixed resource table), CRUD, label
 * selectors (equality), JSON merge patch and server-side apply (treated as create-or-merge).
 */
import { KubeClient, KubeError } from "../agent/kube_client.ts";

type Obj = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string; labels?: Record<string, string> };
};

/** groupVersion → [plural, kind, namespaced]. */
export const DEFAULT_RESOURCES: Record<string, [string, string, boolean][]> = {
  "v1": [
    ["namespaces", "Namespace", false],
    ["configmaps", "ConfigMap", true],
    ["serviceaccounts", "ServiceAccount", true],
    ["services", "Service", true],
    ["secrets", "Secret", true],
  ],
  "apps/v1": [["deployments", "Deployment", true]],
  "batch/v1": [["jobs", "Job", true]],
  "rbac.authorization.k8s.io/v1": [
    ["roles", "Role", true],
    ["rolebindings", "RoleBinding", true],
    ["clusterroles", "ClusterRole", false],
    ["clusterrolebindings", "ClusterRoleBinding", false],
  ],
  "scheduling.k8s.io/v1": [["priorityclasses", "PriorityClass", false]],
  "seam.ontai.dev/v1alpha1": [
    ["packexecutions", "PackExecution", true],
    ["packdeliveries", "PackDelivery", true],
    ["packoperationresults", "PackOperationResult", true],
    ["packreceipts", "PackReceipt", true],
    ["talosclusteroperationresults", "TalosClusterOperationResult", true],
  ],
};

function _merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === "object" && !Array.isArray(target)
    ? { ...(target as Record<string, unknown>) }
    : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = _merge(out[k], v);
  }
  return out;
}

export class ExecFakeKube extends KubeClient {
  readonly objects = new Map<string, Obj>();
  readonly writes: { method: string; path: string; contentType?: string | undefined; body?: unknown }[] = [];
  /** Makes matching requests fail with this status. */
  failOn?: { method: string; path: RegExp; status: number };
  #rv = 0;
  constructor(readonly resources = DEFAULT_RESOURCES) {
    super({ server: "https://fake.invalid" });
  }
  static key(plural: string, ns: string | undefined, name: string): string {
    return `${plural}/${ns ?? ""}/${name}`;
  }
  obj(plural: string, ns: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(ExecFakeKube.key(plural, ns, name));
    return o && structuredClone(o);
  }
  put(plural: string, obj: Obj): Obj {
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.#rv);
    o.metadata.uid ??= crypto.randomUUID();
    this.objects.set(ExecFakeKube.key(plural, o.metadata.namespace, o.metadata.name), o);
    return o;
  }
  ofPlural(plural: string): Obj[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(plural + "/")).map(([, o]) => o);
  }
  override request<T>(
    method: string,
    path: string,
    init: { body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    if (method !== "GET") this.writes.push({ method, path, contentType: init.contentType, body: init.body });
    if (this.failOn && this.failOn.method === method && this.failOn.path.test(path)) {
      return Promise.reject(new KubeError(method, path, this.failOn.status, "Injected", "injected failure"));
    }
    const [p, query] = path.split("?") as [string, string | undefined];
    const parts = p.split("/").filter(Boolean);
    const gvLen = parts[0] === "api" ? 2 : 3;
    const gv = parts.slice(1, gvLen).join("/");
    if (parts.length === gvLen && method === "GET") {
      const res = this.resources[gv];
      if (!res) return Promise.reject(new KubeError(method, path, 404, "NotFound", "no such group"));
      return Promise.resolve(
        { resources: res.map(([name, kind, namespaced]) => ({ name, kind, namespaced })) } as T,
      );
    }
    let i = gvLen;
    let ns: string | undefined;
    if (parts[i] === "namespaces" && parts.length > i + 2) {
      ns = decodeURIComponent(parts[i + 1]!);
      i += 2;
    }
    const plural = parts[i]!;
    const name = parts[i + 1] !== undefined ? decodeURIComponent(parts[i + 1]!) : undefined;
    const nf = () =>
      Promise.reject(new KubeError(method, path, 404, "NotFound", `${plural} ${name} not found`));
    if (method === "GET" && name === undefined) {
      const sel = new URLSearchParams(query ?? "").get("labelSelector");
      const want = sel ? sel.split(",").map((kv) => kv.split("=") as [string, string]) : [];
      const items = this.ofPlural(plural)
        .filter((o) => ns === undefined || o.metadata.namespace === ns)
        .filter((o) => want.every(([k, v]) => o.metadata.labels?.[k] === v))
        .map((o) => structuredClone(o));
      return Promise.resolve({ items, metadata: {} } as T);
    }
    if (method === "POST") {
      const body = structuredClone(init.body) as Obj;
      if (body.metadata.namespace === undefined && ns !== undefined) body.metadata.namespace = ns;
      if (this.objects.has(ExecFakeKube.key(plural, body.metadata.namespace, body.metadata.name))) {
        return Promise.reject(new KubeError(method, path, 409, "AlreadyExists", "exists"));
      }
      return Promise.resolve(this.put(plural, body) as T);
    }
    const cur = this.objects.get(ExecFakeKube.key(plural, ns, name!));
    if (method === "PATCH" && init.contentType === "application/apply-patch+yaml") {
      const body = structuredClone(init.body) as Obj;
      if (ns !== undefined) body.metadata.namespace = ns;
      return Promise.resolve(this.put(plural, _merge(cur ? structuredClone(cur) : {}, body) as Obj) as T);
    }
    if (!cur) return nf();
    if (method === "GET") return Promise.resolve(structuredClone(cur) as T);
    if (method === "DELETE") {
      this.objects.delete(ExecFakeKube.key(plural, ns, name!));
      return Promise.resolve({} as T);
    }
    if (method === "PATCH") {
      const patch = structuredClone(init.body) as Obj;
      const rv = (patch.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      if (rv !== undefined && rv !== cur.metadata.resourceVersion) {
        return Promise.reject(new KubeError(method, path, 409, "Conflict", "resourceVersion changed"));
      }
      if (rv !== undefined) delete (patch.metadata as Record<string, unknown>).resourceVersion;
      return Promise.resolve(this.put(plural, _merge(cur, patch) as Obj) as T);
    }
    if (method === "PUT") return Promise.resolve(this.put(plural, structuredClone(init.body) as Obj) as T);
    return Promise.reject(new Error(`fake: ${method} not supported`));
  }
}
