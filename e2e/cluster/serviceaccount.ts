// Mints ServiceAccount tokens with the TokenRequest API and writes kubeconfigs for them, so components
// under test run with exactly the RBAC granted to their ServiceAccount.
import { KubeApiError } from "./client.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import type { Cluster } from "./launcher.ts";

export interface SaKubeconfigOptions {
  /** Token lifetime (the API's minimum is 600). Default 3600. */
  expirationSeconds?: number;
  /** Create the ServiceAccount when it does not exist. Default true. */
  create?: boolean;
  /** Where to write the kubeconfig. Default `${cluster.dir}/sa-<namespace>-<name>.kubeconfig`. */
  path?: string;
}

/** Returns the token minted for `namespace/saName` on `cluster` (admin client). */
export async function mintToken(
  cluster: Pick<Cluster, "client">,
  namespace: string,
  saName: string,
  opts: SaKubeconfigOptions = {},
): Promise<string> {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts`;
  if (opts.create ?? true) {
    try {
      await cluster.client.post(base, {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: saName },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
  }
  const res = await cluster.client.post<{ status?: { token?: string } }>(
    `${base}/${encodeURIComponent(saName)}/token`,
    {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: opts.expirationSeconds ?? 3600 },
    },
  );
  const token = res.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${saName} returned no token`);
  return token;
}

/** Writes a kubeconfig authenticating as ServiceAccount `namespace/saName`; returns its path. */
export async function saKubeconfig(
  cluster: Pick<Cluster, "client" | "access" | "dir" | "name">,
  namespace: string,
  saName: string,
  opts: SaKubeconfigOptions = {},
): Promise<string> {
  const token = await mintToken(cluster, namespace, saName, opts);
  const path = opts.path ?? `${cluster.dir}/sa-${namespace}-${saName}.kubeconfig`;
  const access = {
    server: cluster.access.server,
    token,
    ...(cluster.access.caPem ? { caPem: cluster.access.caPem } : {}),
  };
  await writeKubeconfig(path, `${cluster.name}-${namespace}-${saName}`, access);
  return path;
}
