/**
 * Capability names (conductor.md §10.0.1, §11.1; api.md §3.5) — the values of
 * `RunnerConfig.spec.steps[].capability` and of an execute Job's `CAPABILITY`. The strings are
 * permanent.
 *
 * Three populations:
 * - `implemented`: the 19 capabilities the execute image registers;
 * - `compile-only`: `pack-compile`, a named constant the Conductor never registers (compile is the
 *   Compiler's job; the Conductor refuses it as "capability unavailable");
 * - `declared`: `node-drain`, `node-rollback`, `machineconfig-rotation`, `machineconfig-sync`, which
 *   platform `e8b0b94` submits Jobs for but no Conductor implements (api.md U5): they are listed so
 *   such a Job fails cleanly with `CapabilityUnavailable` instead of silently succeeding.
 *
 * Per capability: owner, result path (day-2 → TalosClusterOperationResult record; pack →
 * PackOperationResult), whether it needs the Talos API, required clients and Job mounts (§10.0.6),
 * the driving CR kind, a contract version and the step parameters (as `ParameterDef`s for the
 * published manifest, §11.2, and as a zod schema for validation, C-D19). Parameters are strings
 * (`spec.steps[].parameters` is `map[string]string`); `type` says how the string is read.
 * Metadata of the declared capabilities is inferred from platform `e8b0b94` and marked so.
 */
import { z } from "zod";
import type { KindId } from "../schemas/names.ts";
import { isDnsSubdomain } from "./k8s_names.ts";
import { KUBECONFIG_DEFAULT_PATH, TALOSCONFIG_DEFAULT_PATH } from "./runner_keys.ts";
import { type CapabilityName, type CapabilityStatus, capabilityStatus } from "./capability_names.ts";

export {
  ALL_CAPABILITIES,
  Capability,
  type CapabilityName,
  type CapabilityStatus,
  capabilityStatus,
  DECLARED_CAPABILITIES,
  EXECUTE_CAPABILITIES,
} from "./capability_names.ts";

/** Where the result is recorded: day-2 → TCOR record; pack → PackOperationResult; rbac → either. */
export type CapabilityPath = "day-2" | "pack" | "rbac" | "compile";
export type CapabilityOwner = "platform" | "dispatcher" | "guardian";
/** conductor.md §11.2; all published entries use `executor`. */
export type CapabilityMode = "executor" | "agent" | "compile";
export type ClientName = "talos" | "kube" | "dynamic" | "tenantDynamic" | "storage" | "oci" | "guardian";
/** Secret material an execute Job must carry for the capability (§10.0.6). */
export type JobMount = "talosconfig" | "kubeconfig" | "s3Env";
export type ParameterType = "string" | "int" | "bool" | "secretRef";

/** conductor.md §11.2 `ParameterDef`, camelCase as the port serialises it. */
export interface ParameterDef {
  type: ParameterType;
  required: boolean;
  description: string;
  default?: string;
}

export interface CapabilityInfo {
  name: CapabilityName;
  status: CapabilityStatus;
  owner: CapabilityOwner;
  mode: CapabilityMode;
  path: CapabilityPath;
  /** The capability calls the Talos API (needs a talosconfig and the Talos client). */
  needsTalos: boolean;
  /** Clients that must exist before any side effect (absent → ValidationFailure). */
  requiredClients: readonly ClientName[];
  mounts: readonly JobMount[];
  /** Kind of the CR that drives it (seam group in the port), or null when none is read. */
  drivingKind: KindId | null;
  /** Which items of `drivingKind` it acts on, as prose (`operation=backup`). */
  drivingFilter: string;
  /** Contract version of the parameters; bumps on an incompatible parameter change. */
  version: string;
  description: string;
  /** Parameters by name, sorted by name. */
  parameters: Readonly<Record<string, ParameterDef>>;
  /** Validates a step's `parameters` map (unknown keys pass, values must be strings). */
  parameterSchema: z.ZodType<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// Parameters

const _INT = /^[0-9]+$/;

function _p(type: ParameterType, description: string, extra: { required?: boolean; default?: string } = {}) {
  const def: ParameterDef = { type, required: extra.required ?? false, description };
  if (extra.default !== undefined) def.default = extra.default;
  return Object.freeze(def);
}

const _COMMON: Record<string, ParameterDef> = {
  timeoutSeconds: _p("int", "Step timeout in seconds; becomes the Job's activeDeadlineSeconds (D-X5).", {
    default: "3600",
  }),
  kueueQueue: _p(
    "string",
    "Kueue LocalQueue for the step Job; else env KUEUE_QUEUE_NAME, else none (C-D23).",
  ),
  kueuePriorityClass: _p("string", "Kueue workload priority class label for the step Job."),
};

const _DAY2_RESULT: Record<string, ParameterDef> = {
  operationResultCR: _p(
    "string",
    "Day-2 path: the record key (Job name) in the cluster's TalosClusterOperationResult.",
  ),
};

const _DRIVING_CR: Record<string, ParameterDef> = {
  operationCRName: _p(
    "string",
    "Name of the driving CR in seam-tenant-{cluster} (env OPERATION_CR_NAME, C-D27); " +
      "unset falls back to the first matching CR with a warning.",
  ),
};

const _TALOS: Record<string, ParameterDef> = {
  talosconfigPath: _p("string", "Path of the talosconfig inside the Job (env TALOSCONFIG_PATH).", {
    default: TALOSCONFIG_DEFAULT_PATH,
  }),
};

const _KUBECONFIG: Record<string, ParameterDef> = {
  kubeconfigPath: _p("string", "Path of the target cluster's kubeconfig inside the Job (env KUBECONFIG).", {
    default: KUBECONFIG_DEFAULT_PATH,
  }),
};

const _S3: Record<string, ParameterDef> = {
  s3SecretRef: _p(
    "secretRef",
    "Secret projected into the Job with envFrom: S3_REGION, S3_ENDPOINT and AWS credentials (§10.5).",
  ),
};

const _PACK: Record<string, ParameterDef> = {
  operationResultCM: _p(
    "string",
    "Pack path: the PackExecution name (historic name, not a ConfigMap); env OPERATION_RESULT_CM.",
    { required: true },
  ),
  registryRef: _p("string", "Informational copy of the pack's OCI reference (env PACK_REGISTRY_REF)."),
  checksum: _p("string", "Informational copy of the pack checksum (env PACK_CHECKSUM)."),
  signature: _p(
    "string",
    "The pack signature the submitter saw (env PACK_SIGNATURE); cross-checked against the pack (D-X2).",
  ),
};

const _RBAC_RESULT: Record<string, ParameterDef> = {
  operationResultCR: _DAY2_RESULT.operationResultCR!,
  operationResultCM: _p("string", "Pack-path result key when the Job is part of a pack delivery."),
};

function _schemaOf(params: Readonly<Record<string, ParameterDef>>): z.ZodType<Record<string, string>> {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const [name, def] of Object.entries(params)) {
    const str = () =>
      z.string({
        error: (iss) => iss.input === undefined ? `${name} is required` : `${name} must be a string`,
      });
    let s: z.ZodType<string>;
    switch (def.type) {
      case "int":
        s = str().regex(_INT, { message: `${name} must be a non-negative whole number` });
        break;
      case "bool":
        s = z.enum(["true", "false"], { message: `${name} must be "true" or "false"` });
        break;
      case "secretRef":
        s = str().refine(isDnsSubdomain, {
          message: `${name} must be a Secret name (RFC 1123 subdomain)`,
        });
        break;
      default:
        s = def.required ? str().min(1, { message: `${name} must not be empty` }) : str();
    }
    shape[name] = def.required ? s : s.optional();
  }
  return z.object(shape).catchall(z.string()) as unknown as z.ZodType<Record<string, string>>;
}

function _sorted(...groups: Record<string, ParameterDef>[]): Readonly<Record<string, ParameterDef>> {
  const all: Record<string, ParameterDef> = {};
  for (const g of groups) Object.assign(all, g);
  const out: Record<string, ParameterDef> = {};
  for (const k of Object.keys(all).sort()) out[k] = all[k]!;
  return Object.freeze(out);
}

// ---------------------------------------------------------------------------------------------
// The table

interface _Row {
  owner: CapabilityOwner;
  path: CapabilityPath;
  clients: readonly ClientName[];
  mounts: readonly JobMount[];
  kind: KindId | null;
  filter?: string;
  description: string;
  extra?: Record<string, ParameterDef>;
}

const _ROWS: Record<CapabilityName, _Row> = {
  "bootstrap": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "TalosCluster",
    filter: "named {cluster} in POD_NAMESPACE",
    description: "Bootstraps etcd on the first control-plane node of a new cluster.",
    extra: {
      cluster: _p("string", "Cluster the bootstrap step governs (platform sets it to the cluster name)."),
    },
  },
  "talos-upgrade": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "UpgradePolicy",
    filter: "upgradeType=talos",
    description: "Upgrades Talos node by node, waiting for each node to return healthy.",
  },
  "kube-upgrade": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig", "kubeconfig"],
    kind: "UpgradePolicy",
    filter: "upgradeType=kubernetes",
    description: "Stages the new Kubernetes component images in each node's machine config.",
  },
  "stack-upgrade": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "UpgradePolicy",
    filter: "upgradeType=stack",
    description: "Upgrades Talos, then Kubernetes, in one Job.",
  },
  "node-patch": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "kube", "dynamic"],
    mounts: ["talosconfig"],
    kind: "NodeMaintenance",
    filter: "operation=patch",
    description: "Applies a machine-config patch from a Secret and captures the resulting config.",
  },
  "node-scale-up": {
    owner: "platform",
    path: "day-2",
    clients: ["kube", "dynamic"],
    mounts: ["kubeconfig"],
    kind: "NodeOperation",
    filter: "operation=scale-up",
    description: "Records a scale-up request for the cluster (placeholder upstream).",
  },
  "node-decommission": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "kube", "dynamic"],
    mounts: ["talosconfig", "kubeconfig"],
    kind: "NodeOperation",
    filter: "operation=decommission",
    description: "Cordons, drains and resets the named nodes.",
  },
  "node-reboot": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "NodeOperation",
    filter: "operation=reboot",
    description: "Reboots the named nodes one at a time.",
  },
  "etcd-backup": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "storage", "dynamic"],
    mounts: ["talosconfig", "s3Env"],
    kind: "EtcdMaintenance",
    filter: "operation=backup",
    description: "Streams an etcd snapshot to S3.",
  },
  "etcd-defrag": {
    owner: "platform",
    path: "day-2",
    clients: ["talos"],
    mounts: ["talosconfig"],
    kind: null,
    description: "Defragments etcd.",
  },
  "etcd-restore": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "storage", "dynamic"],
    mounts: ["talosconfig", "s3Env"],
    kind: "EtcdMaintenance",
    filter: "operation=restore",
    description: "Downloads an etcd snapshot from S3 and recovers etcd from it.",
  },
  "pki-rotate": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "PKIRotation",
    filter: "existence only",
    description:
      "Re-stages node configs and refreshes the cluster kubeconfig Secret (no certificate rotation yet).",
  },
  "credential-rotate": {
    owner: "platform",
    path: "day-2",
    clients: ["kube", "dynamic"],
    mounts: [],
    kind: "NodeMaintenance",
    filter: "operation=credential-rotate",
    description: "Deletes the service-account and OIDC key Secrets of the cluster (placeholder upstream).",
  },
  "hardening-apply": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "NodeMaintenance",
    filter: "operation=hardening-apply, with its HardeningProfile",
    description: "Merges a HardeningProfile's machine-config patches into each node's config.",
  },
  "cluster-reset": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "ClusterReset",
    filter: "annotated ontai.dev/reset-approved=true",
    description: "Resets the cluster's nodes; refuses without the human approval annotation.",
  },
  "machineconfig-backup": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "storage", "dynamic"],
    mounts: ["talosconfig", "s3Env"],
    kind: "TalosMachineConfigBackup",
    filter: "non-empty s3Destination.bucket",
    description: "Uploads every node's machine config to S3.",
  },
  "machineconfig-restore": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "storage", "dynamic"],
    mounts: ["talosconfig", "s3Env"],
    kind: "TalosMachineConfigRestore",
    description: "Downloads machine configs from S3 and applies them per node.",
  },
  "pack-compile": {
    owner: "dispatcher",
    path: "compile",
    clients: [],
    mounts: [],
    kind: null,
    description: "Compiles a pack. Compiler only: the Conductor refuses it as capability unavailable.",
  },
  "pack-deploy": {
    owner: "dispatcher",
    path: "pack",
    clients: ["oci", "kube", "dynamic", "tenantDynamic", "guardian"],
    mounts: ["kubeconfig"],
    kind: "PackExecution",
    filter: "by name (operationResultCM), with its pack",
    description: "Pulls a pack's OCI layers and applies them to the target cluster.",
    extra: _PACK,
  },
  "rbac-provision": {
    owner: "guardian",
    path: "rbac",
    clients: ["dynamic", "kube"],
    mounts: [],
    kind: "PermissionSnapshot",
    filter: "spec.targetCluster={cluster}",
    description: "Creates ClusterRoles from the cluster's PermissionSnapshot.",
  },
  "node-drain": {
    owner: "platform",
    path: "day-2",
    clients: ["kube", "dynamic"],
    mounts: ["kubeconfig"],
    kind: null,
    filter: "MaintenanceBundle operation=drain (inferred)",
    description:
      "Declared by platform e8b0b94 (drain nodes); not implemented: fails with CapabilityUnavailable.",
  },
  "node-rollback": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: null,
    description:
      "Declared by platform e8b0b94 (roll a node back); not implemented: fails with CapabilityUnavailable.",
  },
  "machineconfig-rotation": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "MaintenanceBundle",
    filter: "operation=machineconfig-rotation (inferred)",
    description:
      "Declared by platform e8b0b94 (rotate machine configs); not implemented: fails with CapabilityUnavailable.",
  },
  "machineconfig-sync": {
    owner: "platform",
    path: "day-2",
    clients: ["talos", "dynamic"],
    mounts: ["talosconfig"],
    kind: "MachineConfigSync",
    description:
      "Declared by platform e8b0b94 (push a machine-config class); not implemented: fails with CapabilityUnavailable.",
  },
};

function _info(name: CapabilityName, row: _Row): CapabilityInfo {
  const status: CapabilityStatus = capabilityStatus(name); // the statuses live in capability_names.ts
  const groups: Record<string, ParameterDef>[] = [];
  if (status !== "compile-only") {
    groups.push(_COMMON);
    if (row.path === "day-2") groups.push(_DAY2_RESULT);
    if (row.path === "rbac") groups.push(_RBAC_RESULT);
    if (row.kind !== null && row.path === "day-2") groups.push(_DRIVING_CR);
    if (row.mounts.includes("talosconfig")) groups.push(_TALOS);
    if (row.mounts.includes("kubeconfig")) groups.push(_KUBECONFIG);
    if (row.mounts.includes("s3Env")) groups.push(_S3);
  }
  if (row.extra) groups.push(row.extra);
  const parameters = _sorted(...groups);
  return Object.freeze({
    name,
    status,
    owner: row.owner,
    mode: status === "compile-only" ? "compile" : "executor",
    path: row.path,
    needsTalos: row.clients.includes("talos"),
    requiredClients: Object.freeze([...row.clients]),
    mounts: Object.freeze([...row.mounts]),
    drivingKind: row.kind,
    drivingFilter: row.filter ?? "",
    version: status === "implemented" ? "1.0.0" : "0.0.0",
    description: row.description,
    parameters,
    parameterSchema: _schemaOf(parameters),
  });
}

/** Metadata of every capability, keyed by name. */
export const CAPABILITY_INFO: Readonly<Record<CapabilityName, CapabilityInfo>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(_ROWS) as CapabilityName[]).map((n) => [n, _info(n, _ROWS[n])]),
  ) as Record<CapabilityName, CapabilityInfo>,
);

function _byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isCapabilityName(s: string): s is CapabilityName {
  return Object.hasOwn(CAPABILITY_INFO, s);
}

/** Metadata of a name, or undefined for an unknown one (names are case-sensitive, never normalised). */
export function capabilityInfo(name: string): CapabilityInfo | undefined {
  return isCapabilityName(name) ? CAPABILITY_INFO[name] : undefined;
}

/** A parameter problem, phrased as a sentence, with the parameter's name as `path`. */
export interface ParameterIssue {
  path: string;
  message: string;
}

/** Checks a step's parameters against the capability's schema; `[]` means valid. Unknown capability → one issue. */
export function checkStepParameters(
  capability: string,
  parameters: Readonly<Record<string, string>>,
): ParameterIssue[] {
  const info = capabilityInfo(capability);
  if (!info) return [{ path: "capability", message: `unknown capability ${JSON.stringify(capability)}` }];
  const res = info.parameterSchema.safeParse(parameters);
  if (res.success) return [];
  return res.error.issues
    .map((i) => ({ path: i.path.map(String).join("."), message: i.message }))
    .sort((a, b) => _byName(a.path, b.path) || _byName(a.message, b.message));
}

/** conductor.md §11.2 `CapabilityEntry` as published in RunnerConfig status (mode never serialised). */
export interface CapabilityEntry {
  name: string;
  version: string;
  description?: string;
  parameterSchema?: Record<string, ParameterDef>;
}

/**
 * The manifest entry of a capability. `version` is the version the publisher declares (upstream:
 * the agent version). The parameter schema is included only with `includeParameters` because the
 * RunnerConfig CRD has no field for it (api.md §12 item 2).
 */
export function capabilityEntry(
  name: CapabilityName,
  version: string,
  options: { includeParameters?: boolean } = {},
): CapabilityEntry {
  const info = CAPABILITY_INFO[name];
  const entry: CapabilityEntry = { name, version };
  if (info.description !== "") entry.description = info.description;
  if (options.includeParameters && Object.keys(info.parameters).length > 0) {
    entry.parameterSchema = structuredClone(info.parameters) as Record<string, ParameterDef>;
  }
  return entry;
}
