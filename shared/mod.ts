/**
 * The runner library both binaries and every operator port use (DESIGN.md `shared/`; conductor.md
 * §11). Other areas import this module only, never the files behind it.
 *
 * - errors, YAML I/O: `errors.ts`, `yaml_io.ts`
 * - time and randomness as parameters: `clock.ts`, `rand.ts`, `digest.ts`
 * - capability names and metadata: `capabilities.ts`
 * - the OperationResult document: `operation_result.ts`
 * - RunnerConfig generation: `runner_config.ts`
 * - the execute Job builder and image convention: `job_spec.ts`; sequencer step Jobs: `step_job.ts`
 * - well-known names and Kubernetes name rules: `runner_keys.ts`, `k8s_names.ts`
 * - logging: `logger.ts`
 * - kubeconfig resolution and the kube client factory: `kubeconfig.ts`
 * - all-or-nothing output trees: `atomic_write.ts`
 */
export * from "./errors.ts";
export * from "./yaml_io.ts";
export * from "./clock.ts";
export * from "./rand.ts";
export * from "./digest.ts";
export * from "./capabilities.ts";
export * from "./operation_result.ts";
export * from "./runner_config.ts";
export * from "./job_spec.ts";
export * from "./step_job.ts";
export * from "./runner_keys.ts";
export * from "./k8s_names.ts";
export * from "./logger.ts";
export * from "./kubeconfig.ts";
export * from "./atomic_write.ts";
