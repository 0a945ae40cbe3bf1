/**
 * Client construction for execute mode (conductor.md §9.2), lazy: a client is built the first time a
 * handler (or the result writer) asks for it.
 *
 * - management: the in-cluster ServiceAccount (`KUBERNETES_SERVICE_HOST`/`_PORT`, token and CA from
 *   `SERVICEACCOUNT_DIR`, default `/var/run/secrets/kubernetes.io/serviceaccount`);
 * - tenant: the kubeconfig at `KUBECONFIG` (default `/var/run/secrets/kubeconfig/value`); a load
 *   failure is not fatal: logged, and the tenant client stays absent;
 * - oci: a `RegistryClient` per registry host; plain HTTP for loopback/`10.*` hosts (upstream rule),
 *   for every host when `OCI_PLAIN_HTTP=true`, or for the hosts listed in `OCI_INSECURE_REGISTRIES`
 *   (comma-separated, D-X19); credentials from the docker config (`DOCKER_CONFIG`, `~/.docker`).
 */
import type { Logger } from "../../shared/logger.ts";
import { KUBECONFIG_DEFAULT_PATH } from "../../shared/runner_keys.ts";
import { dockerCredential, guessPlainHttp, RegistryClient } from "../../shared/oci/mod.ts";
import { type KubeAccess, kubeAccessFromKubeconfig, KubeClient, KubeError } from "../agent/kube_client.ts";
import type { ExecuteClients } from "./types.ts";

export const SERVICEACCOUNT_DIR_DEFAULT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Retries per request: 429 (not processed: any method) and, for reads, 5xx and network errors. */
export const KUBE_RETRY = Object.freeze({ attempts: 5, baseDelayMs: 500, maxDelayMs: 5_000 });

/** Whether a failed request may be sent again. */
export function retryable(method: string, e: unknown): boolean {
  if (e instanceof KubeError) return e.status === 429 || (method === "GET" && e.status >= 500);
  return method === "GET" && e instanceof TypeError; // fetch: connection refused/reset
}

/**
 * The agent's KubeClient with retries of transient failures: a Job started right after its CRDs were
 * installed meets `429 storage is (re)initializing`, and a result that is lost to that is a Job failure.
 */
export class RetryingKubeClient extends KubeClient {
  constructor(
    access: KubeAccess,
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    super(access);
  }
  override async request<T>(
    method: string,
    path: string,
    init: { body?: unknown; contentType?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    for (let attempt = 1;; attempt++) {
      try {
        return await super.request<T>(method, path, init);
      } catch (e) {
        if (attempt >= KUBE_RETRY.attempts || !retryable(method, e)) throw e;
        await this.sleep(Math.min(KUBE_RETRY.maxDelayMs, KUBE_RETRY.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}

function _once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

/** Whether pulls from `registry` use plain HTTP. */
export function plainHttpFor(registry: string, env: (n: string) => string | undefined): boolean {
  if (env("OCI_PLAIN_HTTP") === "true") return true;
  const list = (env("OCI_INSECURE_REGISTRIES") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return list.includes(registry) || guessPlainHttp(registry);
}

export function envClients(env: (n: string) => string | undefined, log: Logger): ExecuteClients & {
  close(): void;
} {
  const made: KubeClient[] = [];
  const management = _once(() => {
    const host = env("KUBERNETES_SERVICE_HOST");
    if (!host) {
      return Promise.reject(
        new Error("not running in a cluster: KUBERNETES_SERVICE_HOST is not set (management client)"),
      );
    }
    const port = env("KUBERNETES_SERVICE_PORT") || "443";
    const dir = env("SERVICEACCOUNT_DIR") || SERVICEACCOUNT_DIR_DEFAULT;
    const h = host.includes(":") ? `[${host}]` : host;
    const c = new RetryingKubeClient({
      server: `https://${h}:${port}`,
      caPem: Deno.readTextFileSync(`${dir}/ca.crt`),
      tokenFile: `${dir}/token`,
    });
    made.push(c);
    return Promise.resolve(c);
  });
  const tenant = _once(async () => {
    const path = env("KUBECONFIG") || KUBECONFIG_DEFAULT_PATH;
    try {
      const c = new RetryingKubeClient(await kubeAccessFromKubeconfig(path, "KUBECONFIG"));
      made.push(c);
      return c;
    } catch (e) {
      log.warn("target-cluster kubeconfig not loaded: falling back to management cluster", {
        path,
        error: e,
      });
      return undefined;
    }
  });
  const registries = new Map<string, Promise<RegistryClient>>();
  const oci = (registry: string) => {
    let p = registries.get(registry);
    if (!p) {
      p = (async () => {
        let credential;
        try {
          credential = await dockerCredential(registry);
        } catch (e) {
          log.warn("docker config not readable: pulling anonymously", { registry, error: e });
        }
        return new RegistryClient({
          registry,
          plainHttp: plainHttpFor(registry, env),
          ...(credential ? { credential } : {}),
        });
      })();
      registries.set(registry, p);
    }
    return p;
  };
  return {
    management,
    tenant,
    oci,
    close: () => {
      for (const c of made) c.close();
    },
  };
}
