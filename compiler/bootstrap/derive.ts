/** Derived values of compiler.md §3.5 and the naming rules of §3.8. Pure functions. */
import { InputError } from "../../shared/errors.ts";

/**
 * Default Kubernetes version per Talos minor. v1.5–v1.9 are compiler.md §3.5's matrix; v1.10–v1.12
 * are the latest-patch defaults of talos.md §1.5. Only v1.9–v1.12 can be generated (DECISIONS).
 */
export const KUBERNETES_MATRIX: Readonly<Record<string, string>> = {
  "v1.5": "1.28.15",
  "v1.6": "1.29.14",
  "v1.7": "1.30.9",
  "v1.8": "1.31.5",
  "v1.9": "1.32.3",
  "v1.10": "1.33.6",
  "v1.11": "1.34.1",
  "v1.12": "1.35.4",
};

/** `v<major>.<minor>` of a Talos version; throws on fewer than two dot-separated parts. */
export function talosMinor(talosVersion: string): string {
  const parts = talosVersion.replace(/^v/, "").split(".");
  if (parts.length < 2 || parts[0] === "" || parts[1] === "") {
    throw new InputError(`invalid talosVersion ${JSON.stringify(talosVersion)}`, {
      path: "bootstrap.talosVersion",
      hint: 'vMAJOR.MINOR.PATCH, e.g. "v1.9.3"',
    });
  }
  return `v${parts[0]}.${parts[1]}`;
}

/** The matrix default, or undefined for an unknown minor. */
export function defaultKubernetesVersion(talosVersion: string): string | undefined {
  return KUBERNETES_MATRIX[talosMinor(talosVersion)];
}

/** Explicit version wins; else the matrix; an unknown minor is an error asking for the field. */
export function resolveKubernetesVersion(talosVersion: string, explicit: string | undefined): string {
  if (explicit) return explicit;
  const v = defaultKubernetesVersion(talosVersion);
  if (v === undefined) {
    throw new InputError(
      `no default Kubernetes version for Talos ${JSON.stringify(talosVersion)}`,
      {
        path: "bootstrap.kubernetesVersion",
        hint: `set bootstrap.kubernetesVersion explicitly; defaults exist for ${
          Object.keys(KUBERNETES_MATRIX).join(", ")
        }`,
      },
    );
  }
  return v;
}

/** `spec.clusterEndpoint`: everything up to and including the first `://` removed. */
export function stripScheme(endpoint: string): string {
  const i = endpoint.indexOf("://");
  return i < 0 ? endpoint : endpoint.slice(i + 3);
}

/** Hostname with a leading `<cluster>-` removed (`ccs-mgmt-cp1` in `ccs-mgmt` → `cp1`). */
export function bareHostname(cluster: string, hostname: string): string {
  const prefix = `${cluster}-`;
  return hostname.startsWith(prefix) ? hostname.slice(prefix.length) : hostname;
}

export const tenantNamespace = (cluster: string): string => `seam-tenant-${cluster}`;
export const machineConfigSecretName = (cluster: string, hostname: string): string =>
  `seam-mc-${cluster}-${bareHostname(cluster, hostname)}`;
export const talosconfigSecretName = (cluster: string): string => `seam-mc-${cluster}-talosconfig`;
export const sequenceConfigMapName = (cluster: string): string => `seam-bootstrap-sequence-${cluster}`;

/** Output file names (§3.8, §3.11; DECISIONS for the bundle and the talosconfig file). */
export const FILES = {
  namespace: "seam-tenant-namespace.yaml",
  sequence: "bootstrap-sequence.yaml",
  cr: (cluster: string) => `${cluster}.yaml`,
  nodeSecret: (cluster: string, hostname: string) => `${machineConfigSecretName(cluster, hostname)}.yaml`,
  talosconfigSecret: (cluster: string) => `${talosconfigSecretName(cluster)}.yaml`,
  secretsBundle: (cluster: string) => `${cluster}-secrets.yaml`,
  talosconfig: (cluster: string) => `${cluster}-talosconfig.yaml`,
} as const;

/** The machine-config patch of `ciliumPrerequisites` (§3.7 step 2.1). */
export const CILIUM_PATCH = `machine:
  kernel:
    modules:
      - name: br_netfilter
      - name: xt_socket
  sysctls:
    net.ipv4.conf.all.rp_filter: "0"
    net.ipv4.conf.default.rp_filter: "0"
`;

/** Resolution of the talosconfig path (§2.8): flag, `TALOSCONFIG`, `<home>/.talos/config`. */
export function resolveTalosconfigPath(
  flag: string | undefined,
  env: (name: string) => string | undefined,
): { path: string; origin: string } | undefined {
  if (flag) return { path: flag, origin: "--talosconfig" };
  const e = env("TALOSCONFIG");
  if (e) return { path: e, origin: "env TALOSCONFIG" };
  const home = env("HOME");
  return home
    ? { path: `${home.replace(/\/+$/, "")}/.talos/config`, origin: "default ~/.talos/config" }
    : undefined;
}
