/**
 * ClusterInput — the file `compiler bootstrap --input` reads (spec/compiler.md §3.2–§3.3).
 *
 * Tightened as §13 D6 recommends (and §12.3 D-B3/D-B4): `mode` and `role` are enums checked for every
 * mode, `mode: import` requires `importExistingCluster: true` and the reverse, names are DNS-1123,
 * node IPs must be IP addresses, hostnames and IPs must be unique, and `capi.enabled: true` needs a
 * control plane. Unknown keys are kept (the objects are loose) and reported as warnings by
 * `validateInput`.
 *
 * The schema applies no defaults and no transforms: the parsed value is the document as written.
 * Defaults (namespace `seam-system`, role `management`, …) are the compiler's to apply.
 */
import { z } from "zod";
import {
  ALWAYS,
  asArray,
  asRecord,
  asString,
  bool,
  dnsLabel,
  dnsSubdomain,
  endpointUrl,
  field,
  integer,
  ipAddress,
  type IssueSink,
  labelHint,
  oneOf,
  patterned,
  quote,
  type Raw,
  registryHost,
  report,
  text,
  urlWithScheme,
  yamlMapping,
} from "./fields.ts";

export const CLUSTER_MODES = ["bootstrap", "import"] as const;
export const CLUSTER_ROLES = ["management", "tenant"] as const;
export const NODE_ROLES = ["init", "controlplane", "worker"] as const;
/** Talos version contracts the compiler generates (DECISIONS.md: v1.9 through v1.12). */
export const SUPPORTED_TALOS_MINORS = ["v1.9", "v1.10", "v1.11", "v1.12"] as const;

/** The cluster name is embedded in the namespace `seam-tenant-<name>`, itself a 63-character label. */
export const CLUSTER_NAME_MAX = 63 - "seam-tenant-".length;

const TALOS_VERSION_PATTERN = "^v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$";
const TALOS_VERSION_HINT = 'vMAJOR.MINOR.PATCH with the leading "v", e.g. "v1.9.3"';
const K8S_VERSION_PATTERN = "^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$";
const K8S_VERSION_HINT = 'MAJOR.MINOR.PATCH without a leading "v", e.g. "1.32.3"';

function talosVersion(description: string) {
  return patterned("Talos version", description, TALOS_VERSION_PATTERN, TALOS_VERSION_HINT);
}

function kubernetesVersion(description: string) {
  const re = new RegExp(K8S_VERSION_PATTERN);
  return field(
    z.string()
      .superRefine((s, ctx) => {
        if (re.test(s)) return;
        const why = /^v[0-9]/.test(s) ? ': drop the leading "v"' : "";
        report(ctx, [], `invalid Kubernetes version ${quote(s)}${why}`, K8S_VERSION_HINT);
      })
      .meta({ description, pattern: K8S_VERSION_PATTERN }),
    { what: "Kubernetes version", hint: K8S_VERSION_HINT },
  );
}

export const NodeSchema = field(
  z.looseObject({
    hostname: dnsSubdomain("hostname", "Node hostname; unique within the cluster."),
    ip: ipAddress("IP address", "Node IP address (IPv4 or IPv6); unique within the cluster."),
    role: oneOf("node role", "Machine type; exactly one node is `init`.", NODE_ROLES),
  }).meta({ description: "One machine of the cluster." }),
  { what: "node", hint: 'a mapping such as {hostname: cp1, ip: "10.20.0.2", role: init}' },
);

export const BootstrapSectionSchema = field(
  z.looseObject({
    controlPlaneEndpoint: endpointUrl(
      "control-plane endpoint",
      "Kubernetes API endpoint, `https://host[:port]`. Required unless derivable from the machineConfigPaths file of an init or controlplane node.",
    ).optional(),
    talosVersion: talosVersion(
      "Talos version `vMAJOR.MINOR.PATCH`; selects the config version contract (v1.9–v1.12). Required except on a talosconfig-only import.",
    ).optional(),
    kubernetesVersion: kubernetesVersion(
      "Kubernetes version without `v`; default from the Talos support matrix.",
    ).optional(),
    installerImage: patterned(
      "installer image",
      "Talos installer image; default `ghcr.io/siderolabs/installer:<talosVersion>`.",
      "^\\S+$",
      'an image reference without spaces, e.g. "ghcr.io/siderolabs/installer:v1.9.3"',
    ).optional(),
    installDisk: patterned(
      "install disk",
      "Install disk device; default from the init node's machine config, else `/dev/sda`.",
      "^/dev/\\S+$",
      'a device path under /dev, e.g. "/dev/sda" or "/dev/nvme0n1"',
    ).optional(),
    nodes: z.array(NodeSchema).meta({
      description: "The cluster's machines, in order; at least one, exactly one with role `init`.",
    }).optional(),
  }).meta({
    description: "How to generate the machine configs. Required except on a talosconfig-only import.",
  }),
  { what: "bootstrap section", hint: "a mapping with talosVersion and nodes" },
);

export const CapiWorkerSchema = z.looseObject({
  name: dnsLabel("worker pool name", "Worker pool name."),
  replicas: integer("replica count", "Number of workers in the pool.").optional(),
  machines: z.array(dnsSubdomain("machine name", "Name of a machine of this pool.")).meta({
    description: "Machines of the pool (→ `seamInfrastructureMachineNames`).",
  }).optional(),
}).meta({ description: "A CAPI worker pool." });

export const CapiSectionSchema = z.looseObject({
  enabled: bool("capi.enabled", "Manage the cluster's lifecycle through Cluster API.").optional(),
  talosVersion: talosVersion("Talos version for CAPI machines.").optional(),
  kubernetesVersion: kubernetesVersion("Kubernetes version for CAPI machines.").optional(),
  controlPlane: z.looseObject({
    replicas: integer("replica count", "Control-plane machine count; at least 1 when CAPI is enabled.")
      .optional(),
    endpointVIP: ipAddress("endpoint VIP", "Virtual IP of the control plane (informational).").optional(),
  }).meta({ description: "CAPI control plane." }).optional(),
  workers: z.array(CapiWorkerSchema).meta({ description: "CAPI worker pools." }).optional(),
  ciliumPackRef: z.looseObject({
    name: dnsSubdomain("pack name", "Name of the Cilium pack."),
    version: text("pack version", "Version of the Cilium pack."),
  }).meta({ description: "Cilium pack the CAPI cluster installs." }).optional(),
}).meta({ description: "Cluster API settings; copied into the TalosCluster CR when `enabled: true`." });

export const RegistryMirrorSchema = z.looseObject({
  registry: registryHost("registry", "Registry host to mirror, `host[:port]` (e.g. `docker.io`)."),
  endpoints: z.array(
    urlWithScheme(
      "mirror endpoint",
      "Mirror URL, copied verbatim (an `http://` prefix is kept).",
      ["http", "https"],
      'an http:// or https:// URL, e.g. "http://10.20.0.1:5000"',
    ),
  ).min(1).meta({ description: "Mirror endpoints, in order of preference." }),
}).meta({ description: "A registry mirror injected into every node's `machine.registries.mirrors`." });

const ClusterInputObject = z.looseObject({
  name: dnsLabel(
    "cluster name",
    "Cluster name: TalosCluster name, Secret names and namespace `seam-tenant-<name>`.",
    CLUSTER_NAME_MAX,
    `${labelHint(CLUSTER_NAME_MAX)}, since it becomes part of the namespace seam-tenant-<name>`,
  ),
  namespace: dnsLabel("namespace", "Namespace of the TalosCluster CR; default `seam-system`.").optional(),
  mode: oneOf("mode", "`bootstrap` a new cluster or `import` an existing one.", CLUSTER_MODES),
  role: oneOf("cluster role", "Cluster role; default `management`.", CLUSTER_ROLES).optional(),
  capi: CapiSectionSchema.optional(),
  bootstrap: BootstrapSectionSchema.optional(),
  patches: z.array(
    yamlMapping("patch", "A YAML mapping deep-merged into every node's machine config."),
  ).meta({ description: "Talos config patches, applied in order." }).optional(),
  importExistingCluster: bool(
    "importExistingCluster",
    "Reuse the PKI of an existing cluster; required true for `mode: import`, false for `mode: bootstrap`.",
  ).optional(),
  machineConfigPaths: z.record(
    z.string(),
    text(
      "machine config path",
      "Path of the node's Talos machine config (relative to the working directory).",
    ),
  ).meta({ description: "Hostname → local Talos machine-config file of an existing node." }).optional(),
  registryMirrors: z.array(RegistryMirrorSchema).meta({ description: "Registry mirrors for every node." })
    .optional(),
  ciliumPrerequisites: bool(
    "ciliumPrerequisites",
    "Inject the kernel modules and sysctls Cilium native routing needs.",
  ).optional(),
});

/** Cross-field rules of §3.3 and D6. Reads the raw value: it runs even when field types are wrong. */
export function clusterInputRules(value: unknown, ctx: IssueSink): void {
  const v = asRecord(value);
  if (!v) return;
  const mode = asString(v.mode);
  const role = v.role;
  const importing = v.importExistingCluster === true;
  const mcp = asRecord(v.machineConfigPaths) ?? {};
  const mcpKeys = Object.keys(mcp);
  const boot = asRecord(v.bootstrap);
  const nodes = asArray(boot?.nodes);

  // §3.3 item 6 / D-B3: role is checked for every mode; bootstrap is for tenants only.
  if (mode === "bootstrap" && (role === undefined || role === "" || role === "management")) {
    report(
      ctx,
      role === undefined ? ["mode"] : ["role"],
      `a management cluster cannot be bootstrapped by the compiler (mode ${quote(mode)}, role ${
        role === undefined ? "not set, meaning management" : quote(role)
      }); import it with mode=import`,
      "set mode: import with importExistingCluster: true, or role: tenant to bootstrap a tenant cluster",
    );
  }
  // D6 / D-B4: mode and importExistingCluster must agree.
  if (mode === "import" && (v.importExistingCluster === undefined || v.importExistingCluster === false)) {
    report(
      ctx,
      v.importExistingCluster === undefined ? ["mode"] : ["importExistingCluster"],
      `mode is "import" but importExistingCluster is ${
        v.importExistingCluster === undefined ? "not set" : quote(v.importExistingCluster)
      }; the compiler would generate fresh PKI instead of importing`,
      "set importExistingCluster: true, or use mode: bootstrap for a new cluster",
    );
  }
  if (mode === "bootstrap" && importing) {
    report(
      ctx,
      ["importExistingCluster"],
      'importExistingCluster is true but mode is "bootstrap"',
      "use mode: import to import an existing cluster, or remove importExistingCluster",
    );
  }

  // §3.4: the talosconfig-only import needs no bootstrap section.
  const talosconfigOnly = importing && mcpKeys.length === 0 && (!boot || !nodes || nodes.length === 0);
  if (v.bootstrap === undefined && !talosconfigOnly) {
    report(
      ctx,
      ["bootstrap"],
      "required section is missing",
      "add bootstrap with talosVersion and nodes; it may be left out only when importing (importExistingCluster: true) without machineConfigPaths",
    );
  }

  if (boot && !talosconfigOnly) {
    if (boot.talosVersion === undefined) {
      report(ctx, ["bootstrap", "talosVersion"], "required field is missing", TALOS_VERSION_HINT);
    } else {
      const tv = asString(boot.talosVersion);
      const m = tv === undefined ? null : /^v([0-9]+)\.([0-9]+)\./.exec(tv);
      if (m && !(SUPPORTED_TALOS_MINORS as readonly string[]).includes(`v${Number(m[1])}.${Number(m[2])}`)) {
        report(
          ctx,
          ["bootstrap", "talosVersion"],
          `Talos ${quote(tv)} is not supported: no config contract v${Number(m[1])}.${Number(m[2])}`,
          `supported: ${SUPPORTED_TALOS_MINORS.join(", ")}`,
        );
      }
    }
    if (boot.nodes === undefined || (nodes && nodes.length === 0)) {
      report(
        ctx,
        ["bootstrap", "nodes"],
        boot.nodes === undefined
          ? "required field is missing"
          : "at least one node is required, got an empty list",
        "a list of {hostname, ip, role} with exactly one role: init",
      );
    }
  }

  if (nodes && nodes.length > 0) nodeRules(nodes, ctx);

  if (boot && !talosconfigOnly && nodes) {
    const cpHosts = nodes.map(asRecord)
      .filter((n) => n && (n.role === "init" || n.role === "controlplane"))
      .map((n) => asString(n!.hostname));
    const derivable = cpHosts.some((h) => h !== undefined && h in mcp);
    if (boot.controlPlaneEndpoint === undefined && !derivable && nodes.length > 0) {
      report(
        ctx,
        ["bootstrap", "controlPlaneEndpoint"],
        "required field is missing: it cannot be derived because machineConfigPaths has no entry for an init or controlplane node",
        'set it, e.g. "https://10.20.0.10:6443", or map the init node to its machine config in machineConfigPaths',
      );
    }
  }

  // Path A: the init node's machine config is where the PKI comes from.
  if (importing && mcpKeys.length > 0 && nodes) {
    const inits = nodes.map(asRecord).filter((n) => n?.role === "init");
    const initHost = inits.length === 1 ? asString(inits[0]!.hostname) : undefined;
    if (initHost !== undefined && !(initHost in mcp)) {
      report(
        ctx,
        ["machineConfigPaths"],
        `has no entry for the init node ${
          quote(initHost)
        }; its machine config is where the imported PKI comes from`,
        `add ${initHost}: <path to that node's Talos machine config>`,
      );
    }
  }
  if (mcpKeys.length > 0) {
    const hosts = new Set((nodes ?? []).map((n) => asString(asRecord(n)?.hostname)));
    for (const key of mcpKeys) {
      if (!hosts.has(key)) {
        report(
          ctx,
          ["machineConfigPaths", key],
          `${quote(key)} is not the hostname of any node in bootstrap.nodes; the entry is ignored`,
          "use a hostname listed in bootstrap.nodes",
          "warning",
        );
      }
    }
  }

  capiRules(asRecord(v.capi), ctx);
  duplicates(asArray(v.registryMirrors), "registry", ["registryMirrors"], "registry mirror", ctx);
}

function nodeRules(nodes: unknown[], ctx: IssueSink): void {
  const inits: number[] = [];
  nodes.forEach((n, i) => {
    if (asRecord(n)?.role === "init") inits.push(i);
  });
  if (inits.length !== 1) {
    const names = inits.map((i) => `nodes[${i}] ${quote(asRecord(nodes[i])?.hostname)}`).join(", ");
    report(
      ctx,
      inits.length === 0 ? ["bootstrap", "nodes"] : ["bootstrap", "nodes", inits[1]!, "role"],
      inits.length === 0
        ? "exactly one node must have role init, found none"
        : `exactly one node must have role init, found ${inits.length}: ${names}`,
      "give the first control-plane node role: init and the others role: controlplane",
    );
  }
  duplicates(nodes, "hostname", ["bootstrap", "nodes"], "hostname", ctx);
  duplicates(nodes, "ip", ["bootstrap", "nodes"], "IP address", ctx);
}

/** Reports every item whose `key` repeats an earlier item's, pointing at the later one. */
function duplicates(
  items: unknown[] | undefined,
  key: string,
  base: (string | number)[],
  what: string,
  ctx: IssueSink,
): void {
  if (!items) return;
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const value = asString(asRecord(item)?.[key]);
    if (value === undefined || value === "") return;
    const first = seen.get(value);
    if (first === undefined) {
      seen.set(value, i);
      return;
    }
    report(
      ctx,
      [...base, i, key],
      `duplicate ${what} ${quote(value)}: already used by ${pathText([...base, first])}`,
      `each ${what} must be unique`,
    );
  });
}

function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function capiRules(capi: Raw | undefined, ctx: IssueSink): void {
  if (!capi) return;
  if (capi.enabled === true) {
    const cp = asRecord(capi.controlPlane);
    if (capi.controlPlane === undefined) {
      report(
        ctx,
        ["capi", "controlPlane"],
        "required when capi.enabled is true",
        "add controlPlane: {replicas: 3}",
      );
    } else if (cp && cp.replicas === undefined) {
      report(
        ctx,
        ["capi", "controlPlane", "replicas"],
        "required when capi.enabled is true",
        "a whole number ≥ 1",
      );
    } else if (cp && cp.replicas === 0) {
      report(
        ctx,
        ["capi", "controlPlane", "replicas"],
        "must be at least 1 when capi.enabled is true, got 0",
        "a whole number ≥ 1",
      );
    }
  } else {
    const extra = Object.keys(capi).filter((k) => k !== "enabled");
    if (extra.length > 0) {
      report(
        ctx,
        ["capi", extra[0]!],
        `ignored because capi.enabled is not true (also set: ${extra.join(", ")})`,
        "set capi.enabled: true to use them, or remove them",
        "warning",
      );
    }
  }
  duplicates(asArray(capi.workers), "name", ["capi", "workers"], "worker pool name", ctx);
}

export const ClusterInputSchema = field(
  ClusterInputObject.superRefine(clusterInputRules, ALWAYS).meta({
    title: "ClusterInput",
    description:
      "Input of `compiler bootstrap`: a Talos cluster to bootstrap (tenant) or import (management or tenant). spec/compiler.md §3.2.",
  }),
  {
    what: "ClusterInput",
    hint: "a mapping with at least name, mode and bootstrap (see schemas/json/cluster-input.schema.json)",
  },
);

export type ClusterInput = z.infer<typeof ClusterInputSchema>;
export type ClusterNode = z.infer<typeof NodeSchema>;
export type BootstrapSection = z.infer<typeof BootstrapSectionSchema>;
export type CapiSection = z.infer<typeof CapiSectionSchema>;
export type CapiWorker = z.infer<typeof CapiWorkerSchema>;
export type RegistryMirror = z.infer<typeof RegistryMirrorSchema>;
export type ClusterInputMode = (typeof CLUSTER_MODES)[number];
export type ClusterInputRole = (typeof CLUSTER_ROLES)[number];
export type NodeRole = (typeof NODE_ROLES)[number];
