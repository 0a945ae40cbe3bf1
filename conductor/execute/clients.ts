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
import { kubeAccessFromKubeconfig, KubeClient } from "../agent/kube_client.ts";
import type { ExecuteClients } from "./types.ts";

export const SERVICEACCOUNT_DIR_DEFAULT = "/var/run/secrets/kubernetes.io/serviceaccount";

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
    const c = new KubeClient({
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
      const c = new KubeClient(await kubeAccessFromKubeconfig(path, "KUBECONFIG"));
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
