/** `compiler component --discover` (compiler.md §8.4): read-only ServiceAccount scan and report. */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { basename, dirname, resolve } from "node:path";
import { errorMessage, InputError } from "../../shared/errors.ts";
import { writeTreeAtomically } from "../../shared/atomic_write.ts";
import { CATALOG } from "./catalog_data.ts";
import { profileNameOf, type Sink } from "./component.ts";

export const DISCOVER_DEADLINE_MS = 30_000;

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** Lists ServiceAccounts in one namespace, or in all when `namespace` is empty. Read-only. */
export interface DiscoverCluster {
  listServiceAccounts(namespace: string): Promise<ServiceAccountRef[]>;
}

export function kubeDiscoverCluster(kc: KubeConfig): DiscoverCluster {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async listServiceAccounts(namespace) {
      const list = namespace === ""
        ? await core.listServiceAccountForAllNamespaces()
        : await core.listNamespacedServiceAccount({ namespace });
      return list.items.map((sa) => ({
        namespace: sa.metadata?.namespace ?? "",
        name: sa.metadata?.name ?? "",
      }));
    },
  };
}

export interface Coverage {
  scanned: number;
  covered: { name: string; profile: string; found: ServiceAccountRef[] }[];
  missing: string[];
}

export function coverageOf(sas: readonly ServiceAccountRef[]): Coverage {
  const cov: Coverage = { scanned: sas.length, covered: [], missing: [] };
  for (const e of CATALOG) {
    const found = sas.filter((s) => s.name === e.principalRef);
    if (found.length > 0) cov.covered.push({ name: e.name, profile: profileNameOf(e), found });
    else cov.missing.push(e.name);
  }
  return cov;
}

export function discoverReport(c: Coverage): string {
  const lines = [
    "=== compiler component --discover ===",
    `Deployed ServiceAccounts scanned: ${c.scanned}`,
    "",
    "Catalog coverage:",
  ];
  if (c.covered.length === 0) lines.push("  (none detected)");
  for (const e of c.covered) lines.push(`  [COVERED]  ${e.name.padEnd(25)}  ${e.profile}`);
  lines.push("", "Not detected (may require RBACProfile):");
  if (c.missing.length === 0) lines.push("  (all catalog components detected)");
  for (const n of c.missing) {
    lines.push(`  [MISSING]  ${n.padEnd(25)}  run: compiler component --component ${n}`);
  }
  lines.push(
    "",
    "Detection is by ServiceAccount name convention only (catalog principalRef, any namespace).",
    "Verify coverage manually before relying on it.",
  );
  return lines.join("\n") + "\n";
}

export async function runDiscover(
  connect: () => DiscoverCluster,
  o: { namespace: string; output?: string | undefined },
  cwd: string,
  sink: Sink,
  deadlineMs = DISCOVER_DEADLINE_MS,
): Promise<Coverage> {
  let sas: ServiceAccountRef[];
  try {
    const client = connect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from the cluster within ${deadlineMs / 1000}s`)),
        deadlineMs,
      );
    });
    sas = await Promise.race([client.listServiceAccounts(o.namespace), timeout]).finally(() =>
      clearTimeout(timer)
    );
  } catch (err) {
    const what = o.namespace === "" ? "all namespaces" : `namespace ${JSON.stringify(o.namespace)}`;
    throw new InputError(`discover: list ServiceAccounts in ${what}: ${errorMessage(err).split("\n")[0]}`, {
      cause: err,
    });
  }
  const cov = coverageOf(sas);
  const text = discoverReport(cov);
  if (!o.output) sink.stdout(text);
  else {
    const p = resolve(cwd, o.output);
    await writeTreeAtomically(dirname(p), new Map([[basename(p), text]]));
  }
  return cov;
}
