/**
 * Path B (compiler.md §3.4): read the init node's `seam-mc-*` Secret from a live cluster, read-only,
 * through @kubernetes/client-node. D-B1: `seam-tenant-<name>` first (where bootstrap writes it), then
 * `seam-system`. Both NotFound → undefined (the caller falls back to Path C). 30 s timeout per call.
 * The client is imported on the first read, so only Path B loads it.
 */
import type { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../../shared/errors.ts";

export const CLUSTER_READ_TIMEOUT_MS = 30_000;

export interface FoundSecret {
  namespace: string;
  name: string;
  /** Decoded `machineconfig.yaml`. */
  machineConfig: string;
}

/** Reads one Secret's data; undefined when it does not exist. Injected in tests. */
export type SecretReader = (
  namespace: string,
  name: string,
) => Promise<Record<string, string> | undefined>;

function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } };
  for (const v of [e?.code, e?.statusCode, e?.response?.statusCode]) if (typeof v === "number") return v;
  return undefined;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InputError(`${what}: no answer within ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A SecretReader over a kubeconfig; `origin` names it in messages. */
export function kubeSecretReader(kc: KubeConfig, origin: string): SecretReader {
  let client: Promise<CoreV1Api> | undefined;
  return async (namespace, name) => {
    client ??= import("@kubernetes/client-node").then((k) => kc.makeApiClient(k.CoreV1Api));
    const api = await client;
    try {
      const s = await withTimeout(
        api.readNamespacedSecret({ name, namespace }),
        CLUSTER_READ_TIMEOUT_MS,
        `read Secret ${namespace}/${name}`,
      );
      return s.data ?? {};
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      if (err instanceof InputError) throw err;
      const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
      throw new InputError(`read Secret ${namespace}/${name} through ${origin}: ${why}`, {
        code: "ClusterRead",
        cause: err,
      });
    }
  };
}

function decodeBase64(b64: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

/** Looks in `namespaces` in order; the first Secret found must hold `machineconfig.yaml`. */
export async function findMachineConfigSecret(
  read: SecretReader,
  namespaces: readonly string[],
  name: string,
): Promise<FoundSecret | undefined> {
  for (const namespace of namespaces) {
    const data = await read(namespace, name);
    if (data === undefined) continue;
    const value = data["machineconfig.yaml"];
    if (value === undefined) {
      throw new InputError(`Secret ${namespace}/${name} has no data key "machineconfig.yaml"`, {
        code: "ClusterRead",
        hint: `keys present: ${Object.keys(data).sort().join(", ") || "none"}`,
      });
    }
    return { namespace, name, machineConfig: decodeBase64(value) };
  }
  return undefined;
}
