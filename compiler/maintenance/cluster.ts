/**
 * The read-only cluster view `compiler maintenance` needs (compiler.md §7.2): four GETs. The real
 * implementation uses `@kubernetes/client-node`; tests inject a fake. No method writes.
 */
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";

export interface LeaseView {
  holderIdentity?: string | undefined;
}
export interface PodView {
  nodeName?: string | undefined;
}

/** Every method returns `null` when the object does not exist and throws on any other failure. */
export interface MaintenanceCluster {
  getLease(namespace: string, name: string): Promise<LeaseView | null>;
  getPod(namespace: string, name: string): Promise<PodView | null>;
  /** Existence only: the Secret's data is never returned. */
  secretExists(namespace: string, name: string): Promise<boolean>;
  nodeExists(name: string): Promise<boolean>;
}

export function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown } | null;
  if (e && (e.code === 404 || e.statusCode === 404)) return true;
  const body = typeof e?.body === "string" ? e.body : "";
  return body.includes('"reason":"NotFound"');
}

async function _orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** A MaintenanceCluster over a loaded kubeconfig. */
export function kubeMaintenanceCluster(kc: KubeConfig): MaintenanceCluster {
  const core = kc.makeApiClient(CoreV1Api);
  const coord = kc.makeApiClient(CoordinationV1Api);
  return {
    async getLease(namespace, name) {
      const l = await _orNull(coord.readNamespacedLease({ name, namespace }));
      return l === null ? null : { holderIdentity: l.spec?.holderIdentity };
    },
    async getPod(namespace, name) {
      const p = await _orNull(core.readNamespacedPod({ name, namespace }));
      return p === null ? null : { nodeName: p.spec?.nodeName };
    },
    async secretExists(namespace, name) {
      return (await _orNull(core.readNamespacedSecret({ name, namespace }))) !== null;
    },
    async nodeExists(name) {
      return (await _orNull(core.readNode({ name }))) !== null;
    },
  };
}
