/**
 * Sequencer step Jobs (conductor.md §9.6.b–d): from a RunnerConfig and one of its steps to a
 * `JobSpecBuilder`, plus the node-exclusion rule of §11.5. Rendering and validation are
 * `job_spec.ts`'s.
 */
import { CAPABILITY_INFO, isCapabilityName } from "./capabilities.ts";
import { DEFAULT_TIMEOUT_SECONDS, type JobSpecBuilder, jobSpecBuilder, stepJobName } from "./job_spec.ts";
import type { RunnerConfigSpec, RunnerConfigStep } from "./runner_config.ts";
import { ENV, NAMESPACE_ONT_SYSTEM } from "./runner_keys.ts";

/**
 * Nodes a self-operation Job must avoid (§11.5): `selfOperation` false/absent → null;
 * true → `maintenanceTargetNodes` then `operatorLeaderNode`, de-duplicated, first occurrence kept.
 */
export function resolveNodeExclusions(
  spec: Pick<RunnerConfigSpec, "selfOperation" | "maintenanceTargetNodes" | "operatorLeaderNode">,
): string[] | null {
  if (!spec.selfOperation) return null;
  const out: string[] = [];
  for (const n of [...(spec.maintenanceTargetNodes ?? []), spec.operatorLeaderNode ?? ""]) {
    if (n !== "" && !out.includes(n)) out.push(n);
  }
  return out;
}

export interface StepJobOptions {
  /** The RunnerConfig `R` (name and uid are needed for the name and the owner reference). */
  runnerConfig: {
    metadata: { name: string; uid: string };
    spec: Pick<
      RunnerConfigSpec,
      "clusterRef" | "runnerImage" | "selfOperation" | "maintenanceTargetNodes" | "operatorLeaderNode"
    >;
  };
  step: RunnerConfigStep;
  /** `POD_NAMESPACE` of the sequencer; default `ont-system`. */
  namespace?: string;
  /** Env `KUEUE_QUEUE_NAME` of the sequencer: the queue when the step names none (C-D23). */
  defaultQueueName?: string;
}

/**
 * The builder for one sequencer step: name `<R>-<step>-<hash6>`, `RESULT_CONFIGMAP` = that name,
 * mounts from the capability table, step parameters mapped to env (`operationResultCM`,
 * `operationResultCR`, `operationCRName`, `kubeconfigPath`, `talosconfigPath`, `s3SecretRef` →
 * envFrom, `registryRef`/`checksum`/`signature` → `PACK_*`), Kueue queue and priority class,
 * `timeoutSeconds` (default 3600) → `activeDeadlineSeconds`, node exclusions of `R`, owner `R`.
 * Call `build()` on the result (it may still be adjusted first).
 */
export function jobSpecForStep(options: StepJobOptions): JobSpecBuilder {
  const r = options.runnerConfig;
  const step = options.step;
  const p = step.parameters ?? {};
  const name = stepJobName(r.metadata.name, r.metadata.uid, step.name);
  let b = jobSpecBuilder()
    .withName(name)
    .withNamespace(options.namespace ?? NAMESPACE_ONT_SYSTEM)
    .withCapability(step.capability)
    .withClusterRef(r.spec.clusterRef)
    .withRunnerImage(r.spec.runnerImage)
    .withRunnerConfig(r.metadata.name, r.metadata.uid)
    .withStep(step.name)
    .withResultConfigMap(name)
    .withNodeExclusions(resolveNodeExclusions(r.spec));

  const info = isCapabilityName(step.capability) ? CAPABILITY_INFO[step.capability] : undefined;
  if (info?.mounts.includes("talosconfig")) b = b.withTalosconfigSecret();
  if (info?.mounts.includes("kubeconfig")) b = b.withKubeconfigSecret();

  if (p.operationResultCM) b = b.withOperationResultConfigMap(p.operationResultCM);
  if (p.operationResultCR) b = b.withOperationResultCR(p.operationResultCR);
  if (p.operationCRName) b = b.withOperationCRName(p.operationCRName);
  if (p.talosconfigPath) b = b.withTalosconfigPath(p.talosconfigPath);
  if (p.kubeconfigPath) b = b.withKubeconfigPath(p.kubeconfigPath);
  if (p.s3SecretRef) b = b.withEnvFromSecret(p.s3SecretRef);
  if (p.registryRef) b = b.withEnv(ENV.PACK_REGISTRY_REF, p.registryRef);
  if (p.checksum) b = b.withEnv(ENV.PACK_CHECKSUM, p.checksum);
  if (p.signature) b = b.withEnv(ENV.PACK_SIGNATURE, p.signature);
  const queue = p.kueueQueue || options.defaultQueueName || "";
  if (queue !== "") b = b.withQueueName(queue);
  if (p.kueuePriorityClass) b = b.withPriorityClass(p.kueuePriorityClass);
  const timeout = p.timeoutSeconds !== undefined && /^[0-9]+$/.test(p.timeoutSeconds)
    ? Number(p.timeoutSeconds)
    : DEFAULT_TIMEOUT_SECONDS;
  return b.withTimeout(timeout);
}
