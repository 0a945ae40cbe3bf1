/**
 * RunnerConfig generation (conductor.md §11.4, §11.6; api.md §4.1).
 *
 * The interfaces here are the minimal local shape of the RunnerConfig CRD the generators need;
 * the zod schema owned by `schemas/` is the source of truth for validation of stored objects.
 *
 * - `runnerConfigFromTalosCluster(tc, { registry })`: the per-cluster record platform creates —
 *   `{cluster}` in `ont-system`, label `platform.ontai.dev/cluster={cluster}`, `clusterRef` =
 *   the cluster *name* (D-L2/C-D39: never the endpoint), `runnerImage`
 *   `{registry}/conductor-exec:{talosVersion}`, and for `mode: bootstrap` one `bootstrap` step
 *   named `enable` with parameter `cluster={cluster}` (`haltOnFailure: true`). An imported cluster
 *   gets no steps (bootstrapping etcd of a running cluster is never right). `selfOperation` is set
 *   for `role: management` (its Jobs run on the cluster they operate on).
 * - `runnerConfigsFromPackDelivery(pd, { runnerImage })`: one record per target cluster, sorted by
 *   cluster — `{pack}-{cluster}` in `seam-tenant-{cluster}` (the PackExecution's name and
 *   namespace), labels `infrastructure.ontai.dev/{pack,pack-version,cluster}`, one `pack-deploy`
 *   step named `pack-deploy` with `operationResultCM` = the PackExecution name, `registryRef`
 *   (`url@digest` when a digest is set), `checksum`, and Kueue queue `pack-deploy-queue`.
 *   `runnerConfigsFromPackBuild` does the same from a compiler PackBuild input.
 * - `buildSteps(steps)`: validates unique DNS-label names, known capabilities (compile-only never;
 *   declared-only only when allowed), declaration-order `dependsOn` and each step's parameters,
 *   reporting every problem at once.
 *
 * Objects are plain data with a fixed key order (`apiVersion`, `kind`, `metadata`, `spec`),
 * parameters sorted by key, and no timestamps or random values: the same input gives the same
 * object.
 */
import { apiVersionOf, KIND_NAMES } from "../schemas/names.ts";
import { CAPABILITY_INFO, checkStepParameters, isCapabilityName } from "./capabilities.ts";
import { InputError, type SeamError, ValidationError } from "./errors.ts";
import { executeImage } from "./job_spec.ts";
import { isDnsLabel, isDnsSubdomain, isLabelValue } from "./k8s_names.ts";
import {
  LABEL_PACK,
  LABEL_PACK_CLUSTER,
  LABEL_PACK_VERSION,
  LABEL_PLATFORM_CLUSTER,
  NAMESPACE_ONT_SYSTEM,
  PACK_DEPLOY_QUEUE,
  tenantNamespace,
} from "./runner_keys.ts";

/** RunnerConfig `status.stepResults[].status` (api.md §3.4). */
export const STEP_STATUSES = ["Succeeded", "Failed", "Skipped"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
/** Terminal `status.phase` values (empty while running). */
export const RUNNER_CONFIG_PHASES = ["Completed", "Failed"] as const;
export type RunnerConfigPhaseValue = (typeof RUNNER_CONFIG_PHASES)[number];

export interface RunnerConfigStep {
  name: string;
  capability: string;
  parameters?: Record<string, string>;
  dependsOn?: string;
  haltOnFailure?: boolean;
}

export interface RunnerConfigPhase {
  name: string;
  parameters?: Record<string, string>;
}

export interface OperationalHistoryEntry {
  appliedAt: string;
  concern: string;
  previousValue?: string;
  newValue: string;
  appliedBy: string;
}

export interface RunnerConfigSpec {
  clusterRef: string;
  runnerImage: string;
  phases?: RunnerConfigPhase[];
  steps?: RunnerConfigStep[];
  operationalHistory?: OperationalHistoryEntry[];
  maintenanceTargetNodes?: string[];
  operatorLeaderNode?: string;
  selfOperation?: boolean;
}

export interface RunnerConfigStepResult {
  name: string;
  status: StepStatus;
  startedAt?: string;
  completedAt?: string;
  message?: string;
  /** `{namespace}/{configmap}` of the harvested result (C-D24). */
  outputRef?: string;
}

export interface RunnerConfigStatus {
  capabilities?: { name: string; version: string; description?: string }[];
  agentVersion?: string;
  agentLeader?: string;
  phase?: "" | RunnerConfigPhaseValue;
  failedStep?: string;
  stepResults?: RunnerConfigStepResult[];
  conditions?: Record<string, unknown>[];
}

export interface RunnerConfigMetadata {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
}

export interface RunnerConfig {
  apiVersion: string;
  kind: string;
  metadata: RunnerConfigMetadata;
  spec: RunnerConfigSpec;
  status?: RunnerConfigStatus;
}

// ---------------------------------------------------------------------------------------------
// Steps

export interface BuildStepsOptions {
  /** Accept the platform `e8b0b94` capabilities that have no handler (they fail at run time). */
  allowDeclared?: boolean;
}

function _sortedParams(p: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!p) return undefined;
  const keys = Object.keys(p).sort();
  if (keys.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = p[k]!;
  return out;
}

/**
 * Validates and normalises a step list (§11.4 port helper). Every problem is collected; any
 * problem throws one ValidationError whose issues carry `path` (`steps[1].dependsOn`).
 */
export function buildSteps(
  steps: readonly RunnerConfigStep[],
  options: BuildStepsOptions = {},
): RunnerConfigStep[] {
  const issues: SeamError[] = [];
  const bad = (path: string, message: string) => issues.push(new InputError(message, { path }));
  if (steps.length === 0) bad("steps", "the step list must not be empty");
  const seen = new Map<string, number>();
  steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (!isDnsLabel(step.name)) {
      bad(
        `${at}.name`,
        `step name ${JSON.stringify(step.name)} must be a lowercase RFC 1123 label (≤ 63 characters)`,
      );
    } else if (seen.has(step.name)) {
      bad(
        `${at}.name`,
        `step name ${JSON.stringify(step.name)} is already used by steps[${seen.get(step.name)}]`,
      );
    }
    if (!isCapabilityName(step.capability)) {
      bad(`${at}.capability`, `unknown capability ${JSON.stringify(step.capability)}`);
    } else {
      const status = CAPABILITY_INFO[step.capability].status;
      if (status === "compile-only") {
        bad(
          `${at}.capability`,
          `capability ${JSON.stringify(step.capability)} is compile-only; the Conductor never runs it`,
        );
      } else if (status === "declared" && !options.allowDeclared) {
        bad(
          `${at}.capability`,
          `capability ${JSON.stringify(step.capability)} is declared but not implemented`,
        );
      }
      for (const issue of checkStepParameters(step.capability, step.parameters ?? {})) {
        bad(`${at}.parameters${issue.path ? `.${issue.path}` : ""}`, issue.message);
      }
    }
    if (step.dependsOn !== undefined && step.dependsOn !== "") {
      if (step.dependsOn === step.name) {
        bad(`${at}.dependsOn`, `step ${JSON.stringify(step.name)} depends on itself`);
      } else if (!seen.has(step.dependsOn)) {
        const later = steps.findIndex((s, j) => j > i && s.name === step.dependsOn);
        bad(
          `${at}.dependsOn`,
          later >= 0
            ? `step ${JSON.stringify(step.name)} depends on ${
              JSON.stringify(step.dependsOn)
            }, which is declared later; ` +
              "steps must be declared in dependency order"
            : `step ${JSON.stringify(step.name)} depends on unknown step ${JSON.stringify(step.dependsOn)}`,
        );
      }
    }
    if (!seen.has(step.name)) seen.set(step.name, i);
  });
  if (issues.length > 0) throw new ValidationError(issues, { code: "StepsInvalid" });
  return steps.map((s) => {
    const out: RunnerConfigStep = { name: s.name, capability: s.capability };
    const params = _sortedParams(s.parameters);
    if (params) out.parameters = params;
    if (s.dependsOn) out.dependsOn = s.dependsOn;
    if (s.haltOnFailure !== undefined) out.haltOnFailure = s.haltOnFailure;
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// From a TalosCluster

/** The fields of a TalosCluster the generator reads. */
export interface TalosClusterInput {
  metadata: { name: string; namespace?: string };
  spec: {
    talosVersion?: string;
    clusterEndpoint?: string;
    mode?: "bootstrap" | "import" | string;
    role?: "management" | "tenant" | string;
  };
}

export interface FromTalosClusterOptions {
  /** Registry prefix of the execute image, e.g. `ghcr.io/ontai-dev` (CONDUCTOR_REGISTRY). */
  registry?: string;
  /** Full image reference; overrides `registry` + `talosVersion`. */
  runnerImage?: string;
}

/** The per-cluster RunnerConfig `{cluster}` in `ont-system` (module doc). */
export function runnerConfigFromTalosCluster(
  tc: TalosClusterInput,
  options: FromTalosClusterOptions = {},
): RunnerConfig {
  const cluster = tc.metadata.name;
  const issues: SeamError[] = [];
  if (!isDnsLabel(cluster)) {
    issues.push(
      new InputError(`cluster name ${JSON.stringify(cluster)} must be a lowercase RFC 1123 label`, {
        path: "metadata.name",
      }),
    );
  }
  let runnerImage = options.runnerImage ?? "";
  if (runnerImage === "") {
    const tv = tc.spec.talosVersion ?? "";
    if (tv === "") {
      issues.push(
        new InputError("spec.talosVersion is required to choose the execute image", {
          path: "spec.talosVersion",
          code: "TalosVersionRequired",
        }),
      );
    } else {
      try {
        runnerImage = executeImage(options.registry ?? "", tv);
      } catch (err) {
        issues.push(
          new InputError((err as Error).message, { path: "spec.talosVersion", code: "InvalidTalosVersion" }),
        );
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, { code: "RunnerConfigInvalid" });

  const spec: RunnerConfigSpec = { clusterRef: cluster, runnerImage };
  if (tc.spec.role === "management") spec.selfOperation = true;
  if (tc.spec.mode !== "import") {
    spec.steps = buildSteps([{
      name: "enable",
      capability: "bootstrap",
      parameters: { cluster },
      haltOnFailure: true,
    }]);
  }
  return {
    apiVersion: apiVersionOf("RunnerConfig"),
    kind: KIND_NAMES.RunnerConfig.kind,
    metadata: {
      name: cluster,
      namespace: NAMESPACE_ONT_SYSTEM,
      labels: { [LABEL_PLATFORM_CLUSTER]: cluster },
    },
    spec,
  };
}

// ---------------------------------------------------------------------------------------------
// From a PackDelivery (what `compiler packbuild` emits) or a PackBuild input

/** The fields of a PackDelivery the generator reads. */
export interface PackDeliveryInput {
  metadata: { name: string; namespace?: string };
  spec: {
    version: string;
    registryRef: { url: string; digest?: string };
    checksum?: string;
    targetClusters?: readonly string[];
  };
}

/** The fields of a PackBuild input (compiler.md §6.2) the generator reads. */
export interface PackBuildInput {
  name: string;
  namespace?: string;
  version: string;
  registryUrl: string;
  digest?: string;
  checksum?: string;
  targetClusters?: readonly string[];
}

export interface FromPackOptions {
  /** Execute image for a target cluster (it depends on that cluster's Talos version). */
  runnerImage: string | ((cluster: string) => string);
  /** Kueue LocalQueue for the pack-deploy step; default `pack-deploy-queue`, `""` for none. */
  queueName?: string;
  /** Restrict to these clusters (default: every `spec.targetClusters` entry). */
  targetClusters?: readonly string[];
}

/** One pack-deploy RunnerConfig per target cluster, sorted by cluster (module doc). */
export function runnerConfigsFromPackDelivery(
  pd: PackDeliveryInput,
  options: FromPackOptions,
): RunnerConfig[] {
  const pack = pd.metadata.name;
  const issues: SeamError[] = [];
  const bad = (path: string, message: string) => issues.push(new InputError(message, { path }));
  if (!isDnsSubdomain(pack) || !isLabelValue(pack)) {
    bad(
      "metadata.name",
      `pack name ${JSON.stringify(pack)} must be an RFC 1123 name of at most 63 characters`,
    );
  }
  if (pd.spec.version === "") bad("spec.version", "spec.version is required");
  else if (!isLabelValue(pd.spec.version)) {
    bad("spec.version", `pack version ${JSON.stringify(pd.spec.version)} is not a valid label value`);
  }
  if (pd.spec.registryRef.url === "") bad("spec.registryRef.url", "spec.registryRef.url is required");
  const clusters = [...new Set(options.targetClusters ?? pd.spec.targetClusters ?? [])].sort();
  if (clusters.length === 0) bad("spec.targetClusters", "the pack has no target clusters");
  for (const c of clusters) {
    if (!isDnsLabel(c)) {
      bad("spec.targetClusters", `target cluster ${JSON.stringify(c)} must be a lowercase RFC 1123 label`);
    } else if (!isDnsSubdomain(`${pack}-${c}`)) {
      bad("spec.targetClusters", `RunnerConfig name ${JSON.stringify(`${pack}-${c}`)} is too long`);
    }
  }
  const imageOf = typeof options.runnerImage === "function"
    ? options.runnerImage
    : () => options.runnerImage as string;
  const images = new Map(clusters.map((c) => [c, imageOf(c)]));
  for (const [c, img] of images) {
    if (img === "") bad("runnerImage", `no execute image for cluster ${JSON.stringify(c)}`);
  }
  if (issues.length > 0) throw new ValidationError(issues, { code: "RunnerConfigInvalid" });

  const digest = pd.spec.registryRef.digest ?? "";
  const registryRef = digest === "" ? pd.spec.registryRef.url : `${pd.spec.registryRef.url}@${digest}`;
  const queue = options.queueName ?? PACK_DEPLOY_QUEUE;
  return clusters.map((cluster) => {
    const execution = `${pack}-${cluster}`;
    const parameters: Record<string, string> = { operationResultCM: execution, registryRef };
    if (pd.spec.checksum) parameters.checksum = pd.spec.checksum;
    if (queue !== "") parameters.kueueQueue = queue;
    return {
      apiVersion: apiVersionOf("RunnerConfig"),
      kind: KIND_NAMES.RunnerConfig.kind,
      metadata: {
        name: execution,
        namespace: tenantNamespace(cluster),
        labels: { [LABEL_PACK_CLUSTER]: cluster, [LABEL_PACK]: pack, [LABEL_PACK_VERSION]: pd.spec.version },
      },
      spec: {
        clusterRef: cluster,
        runnerImage: images.get(cluster)!,
        steps: buildSteps([{
          name: "pack-deploy",
          capability: "pack-deploy",
          parameters,
          haltOnFailure: true,
        }]),
      },
    };
  });
}

/** The same records from a compiler PackBuild input (before or after the push). */
export function runnerConfigsFromPackBuild(input: PackBuildInput, options: FromPackOptions): RunnerConfig[] {
  const pd: PackDeliveryInput = {
    metadata: { name: input.name },
    spec: { version: input.version, registryRef: { url: input.registryUrl } },
  };
  if (input.namespace !== undefined) pd.metadata.namespace = input.namespace;
  if (input.digest !== undefined) pd.spec.registryRef.digest = input.digest;
  if (input.checksum !== undefined) pd.spec.checksum = input.checksum;
  if (input.targetClusters !== undefined) pd.spec.targetClusters = input.targetClusters;
  return runnerConfigsFromPackDelivery(pd, options);
}
