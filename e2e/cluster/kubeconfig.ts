// Writes kubeconfig files for the e2e clusters and reads the subset of kubeconfig the suites need
// (current context; server; CA; client cert/key or bearer token, inline or by file).
import { parse, stringify } from "yaml";

/** How to reach one cluster as one identity. PEM strings, not paths. */
export interface ClusterAccess {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const unb64 = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));

export async function writeKubeconfig(path: string, name: string, access: ClusterAccess): Promise<void> {
  const cluster: Record<string, string> = { server: access.server };
  if (access.caPem) cluster["certificate-authority-data"] = b64(access.caPem);
  const user: Record<string, string> = {};
  if (access.certPem) user["client-certificate-data"] = b64(access.certPem);
  if (access.keyPem) user["client-key-data"] = b64(access.keyPem);
  if (access.token) user.token = access.token;
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  };
  await Deno.writeTextFile(path, stringify(doc), { mode: 0o600 });
}

type Named<T> = { name?: string } & Record<string, T | undefined>;
type Dict = Record<string, unknown>;

function pick(list: unknown, name: string | undefined, key: string, path: string): Dict {
  const found = (Array.isArray(list) ? list as Named<Dict>[] : []).find((e) => e.name === name);
  const value = found?.[key];
  if (!value) throw new Error(`kubeconfig ${path}: no ${key} named ${JSON.stringify(name)}`);
  return value;
}

function str(d: Dict, k: string): string | undefined {
  const v = d[k];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Reads the current context of a kubeconfig file. Exec/auth-provider plugins are rejected loudly. */
export async function loadKubeconfig(path: string): Promise<ClusterAccess> {
  const doc = parse(await Deno.readTextFile(path)) as Dict;
  const ctxName = str(doc, "current-context");
  const ctx = pick(doc.contexts, ctxName, "context", path);
  const cluster = pick(doc.clusters, str(ctx, "cluster"), "cluster", path);
  const user = str(ctx, "user") ? pick(doc.users, str(ctx, "user"), "user", path) : {};
  const base = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "./";
  const file = (p: string) => Deno.readTextFile(p.startsWith("/") ? p : base + p);
  const inlineOrFile = async (data: string, fileKey: string, from: Dict) => {
    const d = str(from, data);
    if (d) return unb64(d);
    const f = str(from, fileKey);
    return f ? await file(f) : undefined;
  };
  if (user.exec || user["auth-provider"]) {
    throw new Error(`kubeconfig ${path}: exec/auth-provider credentials are not supported by the e2e client`);
  }
  if (cluster["insecure-skip-tls-verify"]) {
    throw new Error(`kubeconfig ${path}: insecure-skip-tls-verify is not supported by the e2e client`);
  }
  const server = str(cluster, "server");
  if (!server) throw new Error(`kubeconfig ${path}: cluster has no server`);
  const access: ClusterAccess = { server: server.replace(/\/+$/, "") };
  const ca = await inlineOrFile("certificate-authority-data", "certificate-authority", cluster);
  if (ca) access.caPem = ca;
  const cert = await inlineOrFile("client-certificate-data", "client-certificate", user);
  if (cert) access.certPem = cert;
  const key = await inlineOrFile("client-key-data", "client-key", user);
  if (key) access.keyPem = key;
  const token = str(user, "token") ??
    (str(user, "tokenFile") ? (await file(str(user, "tokenFile")!)).trim() : undefined);
  if (token) access.token = token;
  return access;
}
