/** An in-memory API server for the loops' unit tests: CRUD, merge patch, status subresource, lists. */
import { KubeClient, KubeError } from "./kube_client.ts";

type Obj = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string };
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

interface Parsed {
  ns?: string;
  plural: string;
  name?: string;
  sub?: string;
}

function _parse(path: string): Parsed {
  const p = path.split("?")[0]!.split("/").filter(Boolean);
  const start = p[0] === "api" ? 2 : 3;
  let i = start;
  let ns: string | undefined;
  if (p[i] === "namespaces" && p.length > i + 2) {
    ns = p[i + 1];
    i += 2;
  }
  const r: Parsed = { plural: p[i]! };
  if (ns !== undefined) r.ns = ns;
  if (p[i + 1] !== undefined) r.name = decodeURIComponent(p[i + 1]!);
  if (p[i + 2] !== undefined) r.sub = p[i + 2]!;
  return r;
}

export class FakeKube extends KubeClient {
  readonly objects = new Map<string, Obj>();
  readonly writes: { method: string; path: string; body?: unknown }[] = [];
  #rv = 0;
  constructor() {
    super({ server: "https://fake.invalid" });
  }
  #key(plural: string, ns: string | undefined, name: string): string {
    return `${plural}/${ns ?? ""}/${name}`;
  }
  put(plural: string, obj: Obj): Obj {
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.#rv);
    o.metadata.uid ??= crypto.randomUUID();
    this.objects.set(this.#key(plural, o.metadata.namespace, o.metadata.name), o);
    return o;
  }
  find(plural: string, ns: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(this.#key(plural, ns, name));
    return o && structuredClone(o);
  }
  override request<T>(method: string, path: string, init: { body?: unknown } = {}): Promise<T> {
    const guard = method !== "GET" ? this.writeGuard?.() : undefined;
    if (guard) return Promise.reject(new Error(guard));
    if (method !== "GET") this.writes.push({ method, path, body: init.body });
    const p = _parse(path);
    const nf = () => Promise.reject(new KubeError(method, path, 404, "NotFound", "not found"));
    if (method === "GET" && p.name === undefined) {
      const items = [...this.objects.entries()]
        .filter(([k]) =>
          k.startsWith(`${p.plural}/${p.ns ?? ""}`) || (p.ns === undefined && k.startsWith(`${p.plural}/`))
        )
        .map(([, o]) => structuredClone(o));
      return Promise.resolve({ items, metadata: {} } as T);
    }
    if (method === "POST") {
      const body = structuredClone(init.body) as Obj;
      if (body.metadata.namespace === undefined && p.ns !== undefined) body.metadata.namespace = p.ns;
      if (this.objects.has(this.#key(p.plural, body.metadata.namespace, body.metadata.name))) {
        return Promise.reject(new KubeError(method, path, 409, "AlreadyExists", "exists"));
      }
      delete body.status;
      return Promise.resolve(this.put(p.plural, body) as T);
    }
    const cur = this.find(p.plural, p.ns, p.name!);
    if (!cur) return nf();
    if (method === "GET") return Promise.resolve(cur as T);
    if (method === "DELETE") {
      this.objects.delete(this.#key(p.plural, p.ns, p.name!));
      return Promise.resolve({} as T);
    }
    if (method === "PUT") return Promise.resolve(this.put(p.plural, structuredClone(init.body) as Obj) as T);
    if (method === "PATCH") {
      const patch = structuredClone(init.body) as Record<string, unknown>;
      let next: Obj;
      if (p.sub === "status") next = { ...cur, status: _merge(cur.status, patch.status) } as Obj;
      else {
        const { status: _s, ...rest } = patch;
        next = _merge(cur, rest) as Obj;
      }
      return Promise.resolve(this.put(p.plural, next) as T);
    }
    return Promise.reject(new Error(`fake: ${method} not supported`));
  }
}
