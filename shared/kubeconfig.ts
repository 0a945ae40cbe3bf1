/**
 * Kubeconfig resolution and the kube client factory (compiler.md §2.8; DECISIONS "Kubernetes
 * access ... flag → env → conventional path").
 *
 * The path is the first non-empty of: the flag (`--kubeconfig`), the environment variable
 * (`KUBECONFIG` unless told otherwise), then `$HOME/.kube/config` (or a caller-given fallback, e.g.
 * the execute Job's `/var/run/secrets/kubeconfig/value`). As upstream, the env value is one file
 * path: a colon-separated list is **not** split. The kubeconfig's current context is used. A file
 * that is missing, unreadable, unparsable or has no usable current context is an InputError that
 * names the path and where it came from.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "./errors.ts";

export type KubeconfigSource = "flag" | "env" | "default";

export interface ResolvedKubeconfig {
  path: string;
  source: KubeconfigSource;
  /** Human description of the source, used in messages (`--kubeconfig`, `env KUBECONFIG`, …). */
  origin: string;
}

export interface ResolveKubeconfigOptions {
  /** Value of the flag, if given (empty = not given). */
  flag?: string | undefined;
  /** Flag name for messages; default `--kubeconfig`. */
  flagName?: string;
  /** Environment variable consulted; default `KUBECONFIG`. */
  envVar?: string;
  /** Environment lookup; default `Deno.env.get`. */
  env?: (name: string) => string | undefined;
  /** Last resort; default `<HOME>/.kube/config` (HOME from `env`). */
  fallback?: string;
}

/** Picks the kubeconfig path without touching the filesystem. */
export function resolveKubeconfigPath(options: ResolveKubeconfigOptions = {}): ResolvedKubeconfig {
  const flagName = options.flagName ?? "--kubeconfig";
  const envVar = options.envVar ?? "KUBECONFIG";
  const env = options.env ?? ((n: string) => Deno.env.get(n));
  if (options.flag !== undefined && options.flag !== "") {
    return { path: options.flag, source: "flag", origin: flagName };
  }
  const fromEnv = env(envVar);
  if (fromEnv !== undefined && fromEnv !== "") {
    return { path: fromEnv, source: "env", origin: `env ${envVar}` };
  }
  if (options.fallback !== undefined && options.fallback !== "") {
    return { path: options.fallback, source: "default", origin: "default path" };
  }
  const home = env("HOME");
  if (home === undefined || home === "") {
    throw new InputError(
      `no kubeconfig: ${flagName} is not given, ${envVar} is not set and HOME is not set`,
      { code: "KubeconfigMissing", hint: `pass ${flagName} <path>` },
    );
  }
  return {
    path: `${home.replace(/\/+$/, "")}/.kube/config`,
    source: "default",
    origin: "default $HOME/.kube/config",
  };
}

function _fail(message: string, where: { path: string; origin: string }, cause?: unknown): InputError {
  return new InputError(`kubeconfig ${JSON.stringify(where.path)} (from ${where.origin}): ${message}`, {
    code: "KubeconfigInvalid",
    cause,
  });
}

/**
 * Loads the kubeconfig at `path` into a `KubeConfig` (relative certificate paths resolve against
 * the file's directory, as `loadFromFile` does) and checks that its current context names a
 * cluster with a server. `origin` says where the path came from, for messages.
 */
export function kubeClientFrom(path: string, origin = "caller"): KubeConfig {
  const where = { path, origin };
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) throw _fail("file not found", where, cause);
    throw _fail(`cannot read file: ${cause instanceof Error ? cause.message : String(cause)}`, where, cause);
  }
  if (!info.isFile) throw _fail("not a regular file", where);
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw _fail(`cannot parse: ${why}`, where, cause);
  }
  const current = kc.getCurrentContext();
  if (!current) throw _fail("no current-context is set", where);
  const ctx = kc.getContextObject(current);
  if (!ctx) throw _fail(`current-context ${JSON.stringify(current)} is not defined in contexts`, where);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) {
    throw _fail(
      `context ${JSON.stringify(current)} names cluster ${JSON.stringify(ctx.cluster)}, which is not defined`,
      where,
    );
  }
  if (!cluster.server) throw _fail(`cluster ${JSON.stringify(cluster.name)} has no server`, where);
  return kc;
}

/** Resolves (flag → env → default) and loads: the usual entry for CLI subcommands. */
export function loadKubeconfig(
  options: ResolveKubeconfigOptions = {},
): ResolvedKubeconfig & { kubeConfig: KubeConfig } {
  const resolved = resolveKubeconfigPath(options);
  return { ...resolved, kubeConfig: kubeClientFrom(resolved.path, resolved.origin) };
}
