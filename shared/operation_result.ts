/**
 * The OperationResult document (conductor.md §9.5, §11.3): what every capability returns, what a
 * step Job writes under key `result` of the ConfigMap named after the Job, and what the typed
 * result CRs (PackOperationResult, TalosClusterOperationResult records) are built from.
 *
 * JSON uses camelCase (C-D22). Serialised key order is fixed: `phase`, `status`, `capability`,
 * `startedAt`, `completedAt`, `artifacts`, `failureReason`, `steps`, then the pack-deploy fields
 * `deployedResources`, `clusterPackRef`, `clusterPackVersion`, `rbacDigest`, `workloadDigest`,
 * which are omitted when empty. `phase` is always present (upstream never sets it: `""`),
 * `failureReason` is `null` unless the result failed, `artifacts` and `steps` are never null.
 * Readers accept upstream's PascalCase form as well (Go field names, Go zero times).
 *
 * Times are RFC 3339 UTC in Go's nano form (`rfc3339Nano`); builders take a `Clock`.
 */
import { z } from "zod";
import { type Clock, rfc3339Nano } from "./clock.ts";
import { InputError } from "./errors.ts";
import { LABEL_OPERATION_RESULT } from "./runner_keys.ts";

/** Result status (api.md §3.4). */
export const RESULT_STATUSES = ["Succeeded", "Failed"] as const;
export const ResultStatusSchema = z.enum(RESULT_STATUSES);
export type ResultStatus = z.infer<typeof ResultStatusSchema>;

/** Failure categories, exact strings (api.md §3.4 full list; conductor.md §9.5). */
export const FAILURE_CATEGORIES = [
  "ValidationFailure",
  "CapabilityUnavailable",
  "ExecutionFailure",
  "ExternalDependencyFailure",
  "InvariantViolation",
  "LicenseViolation",
  "StorageUnavailable",
] as const;
export const FailureCategorySchema = z.enum(FAILURE_CATEGORIES);
export type FailureCategory = z.infer<typeof FailureCategorySchema>;
/** Named access: `FailureCategory.ValidationFailure`. */
export const FailureCategory = Object.freeze(
  Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, c])) as { [K in FailureCategory]: K },
);
/** Categories upstream's TCOR schema accepts; the port widens it to all seven (api.md §9.4). */
export const UPSTREAM_TCOR_FAILURE_CATEGORIES: readonly FailureCategory[] = FAILURE_CATEGORIES.slice(0, 5);

/** Artifact kinds (api.md §3.4). Upstream's `KubernetesSecret` is written as `Secret` (D-X8). */
export const ARTIFACT_KINDS = ["ConfigMap", "Secret", "OCIImage", "S3Object"] as const;
export const ArtifactKindSchema = z.enum(ARTIFACT_KINDS);
export type ArtifactKind = z.infer<typeof ArtifactKindSchema>;

const _Timestamp = z.iso.datetime({ message: "must be an RFC 3339 UTC timestamp (…Z)" });

/** A reference to something used or produced; never raw content. */
export const ArtifactRefSchema = z.object({
  name: z.string().min(1),
  kind: ArtifactKindSchema,
  reference: z.string().min(1),
  checksum: z.string(),
});
export type ArtifactRef = z.infer<typeof ArtifactRefSchema>;

export const FailureReasonSchema = z.object({
  category: FailureCategorySchema,
  reason: z.string(),
  /** The step that failed, when the capability knows it. */
  failedStep: z.string().optional(),
});
export type FailureReason = z.infer<typeof FailureReasonSchema>;

/** One step inside a capability run (not a RunnerConfig StepResult, which also knows `Skipped`). */
export const ResultStepSchema = z.object({
  name: z.string().min(1),
  status: ResultStatusSchema,
  startedAt: _Timestamp.optional(),
  completedAt: _Timestamp.optional(),
  message: z.string().optional(),
});
export type ResultStep = z.infer<typeof ResultStepSchema>;

/** An object pack-deploy applied; `namespace` absent for cluster-scoped objects. */
export const DeployedResourceSchema = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().optional(),
  name: z.string().min(1),
});
export type DeployedResource = z.infer<typeof DeployedResourceSchema>;

/** The document, every field of §9.5. */
export const OperationResultSchema = z
  .object({
    /** RunnerConfig phase; never set by a capability upstream. */
    phase: z.string(),
    status: ResultStatusSchema,
    capability: z.string().min(1),
    startedAt: _Timestamp,
    completedAt: _Timestamp,
    artifacts: z.array(ArtifactRefSchema),
    failureReason: FailureReasonSchema.nullable(),
    steps: z.array(ResultStepSchema),
    deployedResources: z.array(DeployedResourceSchema).optional(),
    clusterPackRef: z.string().optional(),
    clusterPackVersion: z.string().optional(),
    rbacDigest: z.string().optional(),
    workloadDigest: z.string().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.status === "Failed" && r.failureReason === null) {
      ctx.addIssue({
        code: "custom",
        path: ["failureReason"],
        message: "a Failed result must carry a failureReason",
      });
    }
    if (r.status === "Succeeded" && r.failureReason !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["failureReason"],
        message: "a Succeeded result must not carry a failureReason",
      });
    }
  });
export type OperationResult = z.infer<typeof OperationResultSchema>;

// ---------------------------------------------------------------------------------------------
// Builders

function _time(t: Date | string): string {
  if (typeof t === "string") {
    const d = new Date(t);
    if (Number.isNaN(d.getTime())) {
      throw new InputError(`invalid timestamp ${JSON.stringify(t)}`, { code: "InvalidTime" });
    }
    return rfc3339Nano(d);
  }
  return rfc3339Nano(t);
}

export interface ResultStepInput {
  name: string;
  status: ResultStatus;
  startedAt?: Date | string | undefined;
  completedAt?: Date | string | undefined;
  message?: string | undefined;
}

/** A capability step record; times normalised to RFC 3339 UTC. */
export function resultStep(input: ResultStepInput): ResultStep {
  const step: ResultStep = { name: input.name, status: input.status };
  if (input.startedAt !== undefined) step.startedAt = _time(input.startedAt);
  if (input.completedAt !== undefined) step.completedAt = _time(input.completedAt);
  if (input.message !== undefined) step.message = input.message;
  return step;
}

/** Pack-deploy extras (§9.5; only set by pack-deploy). */
export interface PackResultFields {
  deployedResources?: readonly DeployedResource[];
  clusterPackRef?: string;
  clusterPackVersion?: string;
  rbacDigest?: string;
  workloadDigest?: string;
}

export interface ResultOptions extends PackResultFields {
  capability: string;
  /** When the capability started. */
  startedAt: Date | string;
  /** Supplies `completedAt` (now). */
  clock: Clock;
  artifacts?: readonly ArtifactRef[];
  steps?: readonly (ResultStep | ResultStepInput)[];
  /** RunnerConfig phase; default `""`. */
  phase?: string;
}

function _build(
  opts: ResultOptions,
  status: ResultStatus,
  failureReason: FailureReason | null,
): OperationResult {
  const result: OperationResult = {
    phase: opts.phase ?? "",
    status,
    capability: opts.capability,
    startedAt: _time(opts.startedAt),
    completedAt: rfc3339Nano(opts.clock.now()),
    artifacts: (opts.artifacts ?? []).map((a) => ({ ...a })),
    failureReason,
    steps: (opts.steps ?? []).map((s) => resultStep(s)),
  };
  if (opts.deployedResources && opts.deployedResources.length > 0) {
    result.deployedResources = opts.deployedResources.map((d) => ({ ...d }));
  }
  if (opts.clusterPackRef) result.clusterPackRef = opts.clusterPackRef;
  if (opts.clusterPackVersion) result.clusterPackVersion = opts.clusterPackVersion;
  if (opts.rbacDigest) result.rbacDigest = opts.rbacDigest;
  if (opts.workloadDigest) result.workloadDigest = opts.workloadDigest;
  return result;
}

/** A Succeeded result completed now. */
export function successResult(opts: ResultOptions): OperationResult {
  return _build(opts, "Succeeded", null);
}

export interface FailureOptions extends ResultOptions {
  category: FailureCategory;
  reason: string;
  failedStep?: string;
}

/**
 * A Failed result completed now (upstream `failureResult`: given start, empty artifacts and steps
 * unless passed, failure reason without `failedStep` unless passed).
 */
export function failureResult(opts: FailureOptions): OperationResult {
  const reason: FailureReason = { category: opts.category, reason: opts.reason };
  if (opts.failedStep) reason.failedStep = opts.failedStep;
  return _build(opts, "Failed", reason);
}

/**
 * The result for a capability the Conductor cannot run (unknown, declared-only or compile-only):
 * category `CapabilityUnavailable` (conductor.md §9.4 step 1, D-X6; api.md §12 item 12).
 */
export function capabilityUnavailableResult(
  capability: string,
  clock: Clock,
  startedAt?: Date,
): OperationResult {
  const now = startedAt ?? clock.now();
  return failureResult({
    capability,
    startedAt: now,
    clock,
    category: "CapabilityUnavailable",
    reason: `capability ${JSON.stringify(capability)} is not available in this conductor`,
  });
}

/** RunnerConfig StepResult status for a capability result (§9.4 step 5). */
export function stepStatusOf(result: Pick<OperationResult, "status">): ResultStatus {
  return result.status === "Failed" ? "Failed" : "Succeeded";
}

// ---------------------------------------------------------------------------------------------
// Serialisation

/** Compact JSON with the fixed key order of the module doc; no trailing newline. */
export function serializeOperationResult(result: OperationResult): string {
  const fr = result.failureReason === null ? null : {
    category: result.failureReason.category,
    reason: result.failureReason.reason,
    ...(result.failureReason.failedStep ? { failedStep: result.failureReason.failedStep } : {}),
  };
  const ordered: Record<string, unknown> = {
    phase: result.phase,
    status: result.status,
    capability: result.capability,
    startedAt: result.startedAt,
    completedAt: result.completedAt,
    artifacts: result.artifacts.map((a) => ({
      name: a.name,
      kind: a.kind,
      reference: a.reference,
      checksum: a.checksum,
    })),
    failureReason: fr,
    steps: result.steps.map((s) => {
      const o: Record<string, unknown> = { name: s.name, status: s.status };
      if (s.startedAt !== undefined) o.startedAt = s.startedAt;
      if (s.completedAt !== undefined) o.completedAt = s.completedAt;
      if (s.message !== undefined) o.message = s.message;
      return o;
    }),
  };
  if (result.deployedResources && result.deployedResources.length > 0) {
    ordered.deployedResources = result.deployedResources.map((d) => {
      const o: Record<string, unknown> = { apiVersion: d.apiVersion, kind: d.kind };
      if (d.namespace) o.namespace = d.namespace;
      o.name = d.name;
      return o;
    });
  }
  for (const k of ["clusterPackRef", "clusterPackVersion", "rbacDigest", "workloadDigest"] as const) {
    if (result[k]) ordered[k] = result[k];
  }
  return JSON.stringify(ordered);
}

const _GO_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

/** Go field name → camelCase: `FailedStep` → `failedStep`, `RBACDigest` → `rbacDigest`. */
function _camel(k: string): string {
  const run = /^[A-Z]*/.exec(k)![0].length;
  if (run === 0) return k;
  if (run === k.length) return k.toLowerCase();
  const n = run === 1 ? 1 : run - 1;
  return k.slice(0, n).toLowerCase() + k.slice(n);
}

/** Upstream PascalCase → camelCase; Go zero times and null lists → absent/empty. */
function _normalise(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => _normalise(v, depth + 1));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = _camel(k);
    if (typeof v === "string" && _GO_ZERO_TIME.test(v) && /At$/.test(key)) continue;
    out[key] = _normalise(v, depth + 1);
  }
  if (depth === 0) {
    for (const k of ["artifacts", "steps"]) if (out[k] === null || out[k] === undefined) out[k] = [];
    if (out.deployedResources === null) delete out.deployedResources;
    if (out.failureReason === undefined) out.failureReason = null;
    if (out.phase === undefined) out.phase = "";
    const fr = out.failureReason as Record<string, unknown> | null;
    if (fr && fr.failedStep === "") delete fr.failedStep;
    for (const k of ["clusterPackRef", "clusterPackVersion", "rbacDigest", "workloadDigest"]) {
      if (out[k] === "") delete out[k];
    }
  }
  return out;
}

/**
 * Parses a harvested `result` value (JSON text), accepting both casings. Bad JSON or a document that
 * does not match the schema is an InputError naming `source` and listing every issue.
 */
export function parseOperationResult(text: string, source = "result"): OperationResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new InputError("OperationResult is not valid JSON", {
      file: source,
      cause,
      code: "ResultUnparsable",
    });
  }
  const res = OperationResultSchema.safeParse(_normalise(raw));
  if (!res.success) {
    const issues = res.error.issues.map((i) =>
      `${i.path.map(String).join(".") || "(document)"}: ${i.message}`
    );
    throw new InputError(`OperationResult does not match the schema: ${issues.join("; ")}`, {
      file: source,
      code: "ResultInvalid",
    });
  }
  return res.data;
}

// ---------------------------------------------------------------------------------------------
// The result ConfigMap (conductor.md §9.4.3)

/** Data key holding the JSON document. */
export const RESULT_CONFIGMAP_KEY = "result";

export interface ResultConfigMapOptions {
  /** The Job name. */
  name: string;
  namespace: string;
  result: OperationResult;
  /** Owner Job, so the Job's TTL garbage-collects the ConfigMap. */
  ownerJob?: { name: string; uid: string };
}

/** The ConfigMap a step Job writes: data `result`, label `seam.ontai.dev/operation-result: "true"`. */
export function resultConfigMap(opts: ResultConfigMapOptions): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    name: opts.name,
    namespace: opts.namespace,
    labels: { [LABEL_OPERATION_RESULT]: "true" },
  };
  if (opts.ownerJob) {
    metadata.ownerReferences = [{
      apiVersion: "batch/v1",
      kind: "Job",
      name: opts.ownerJob.name,
      uid: opts.ownerJob.uid,
      controller: false,
      blockOwnerDeletion: false,
    }];
  }
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata,
    data: { [RESULT_CONFIGMAP_KEY]: serializeOperationResult(opts.result) },
  };
}
