// kubectl-free server-side apply of multi-document YAML: PATCH application/apply-patch+yaml per object,
// resources resolved through REST discovery.
import { parseAllDocuments } from "yaml";
import type { KubeClient } from "./client.ts";
import { Discovery, resourcePath } from "./discovery.ts";

export interface ApplyOptions {
  fieldManager: string;
  /** Take ownership of conflicting fields (kubectl --force-conflicts). Default true. */
  force?: boolean;
  /** Namespace for namespaced objects that name none. Default "default". */
  namespace?: string;
  /** How long to wait for a kind to appear in discovery (e.g. a CRD applied just before). Default 30s. */
  waitForKindMs?: number;
  discovery?: Discovery;
}

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string } & Record<string, unknown>;
};

const discoveries = new WeakMap<KubeClient, Discovery>();

/** Parses multi-document YAML into objects, skipping empty documents; `List` kinds are flattened. */
export function parseManifests(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`apply: invalid YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== "object" || !obj.apiVersion || !obj.kind) {
      throw new Error(`apply: document without apiVersion/kind: ${JSON.stringify(obj).slice(0, 200)}`);
    }
    if (obj.kind.endsWith("List") && Array.isArray(obj.items)) out.push(...obj.items as KubeObject[]);
    else out.push(obj);
  }
  return out;
}

/** Server-side applies every object of `manifests` (YAML text or objects), in order. Returns the results. */
export async function apply(
  client: KubeClient,
  manifests: string | KubeObject[],
  opts: ApplyOptions,
): Promise<KubeObject[]> {
  const discovery = opts.discovery ?? discoveries.get(client) ?? new Discovery(client);
  discoveries.set(client, discovery);
  const objects = typeof manifests === "string" ? parseManifests(manifests) : manifests;
  const results: KubeObject[] = [];
  for (const obj of objects) {
    if (!obj.metadata?.name) throw new Error(`apply: ${obj.kind} without metadata.name`);
    const deadline = Date.now() + (opts.waitForKindMs ?? 30_000);
    let info = await discovery.lookup(obj.apiVersion, obj.kind);
    while (!info && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      info = await discovery.lookup(obj.apiVersion, obj.kind);
    }
    if (!info) throw new Error(`apply: kind ${obj.kind} is not served under ${obj.apiVersion}`);
    const namespace = info.namespaced ? obj.metadata.namespace ?? opts.namespace ?? "default" : undefined;
    const query = new URLSearchParams({ fieldManager: opts.fieldManager, force: String(opts.force ?? true) });
    const path = `${resourcePath(info, namespace, obj.metadata.name)}?${query}`;
    const body = namespace && !obj.metadata.namespace
      ? { ...obj, metadata: { ...obj.metadata, namespace } }
      : obj;
    results.push(
      await client.json<KubeObject>("PATCH", path, { body, contentType: "application/apply-patch+yaml" }),
    );
  }
  return results;
}
