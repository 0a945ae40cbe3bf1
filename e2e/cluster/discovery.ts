// Minimal REST discovery: /api and /apis for the served group versions, and per-group-version resource
// lists to map (apiVersion, kind) to a resource name and scope. Cached; refreshed on a miss (new CRDs).
import { KubeApiError, type KubeClient } from "./client.ts";

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. "deployments". */
  name: string;
  namespaced: boolean;
}

interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class Discovery {
  #groupVersions: Set<string> | undefined;
  readonly #resources = new Map<string, ResourceInfo[]>();

  constructor(readonly client: KubeClient) {}

  /** Every served group version ("v1", "apps/v1", ...), from /api and /apis. */
  async groupVersions(refresh = false): Promise<Set<string>> {
    if (this.#groupVersions && !refresh) return this.#groupVersions;
    const core = await this.client.get<{ versions: string[] }>("/api");
    const apis = await this.client.get<{ groups: { versions: { groupVersion: string }[] }[] }>("/apis");
    this.#groupVersions = new Set([
      ...core.versions,
      ...apis.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)),
    ]);
    return this.#groupVersions;
  }

  /** The resources of one group version (subresources such as "pods/status" are left out). */
  async resources(apiVersion: string, refresh = false): Promise<ResourceInfo[]> {
    const cached = this.#resources.get(apiVersion);
    if (cached && !refresh) return cached;
    if (!(await this.groupVersions(refresh)).has(apiVersion)) return [];
    const [group, version] = apiVersion.includes("/")
      ? apiVersion.split("/") as [string, string]
      : ["", apiVersion];
    const path = group ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: { resources: APIResource[] };
    try {
      list = await this.client.get<{ resources: APIResource[] }>(path);
    } catch (e) {
      // A group version just registered (new CRD) can be listed in /apis before its endpoint serves.
      if (e instanceof KubeApiError && e.status === 404) return [];
      throw e;
    }
    const infos = list.resources.filter((r) => !r.name.includes("/")).map((r) => ({
      group,
      version,
      kind: r.kind,
      name: r.name,
      namespaced: r.namespaced,
    }));
    this.#resources.set(apiVersion, infos);
    return infos;
  }

  /** Maps apiVersion+kind to its resource; refreshes discovery once on a miss. Undefined if not served. */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const find = (list: ResourceInfo[]) => list.find((r) => r.kind === kind);
    return find(await this.resources(apiVersion)) ?? find(await this.resources(apiVersion, true));
  }
}

/** REST path of a resource collection, or of one object when `name` is given. */
export function resourcePath(r: ResourceInfo, namespace: string | undefined, name?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "default")}` : "";
  return `${base}${ns}/${r.name}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}
