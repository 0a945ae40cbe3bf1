/** RunnerConfig: the operational contract between an operator and the Conductor for one cluster (api.md §4.1). */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind } from "../crd.ts";

/** One step of a multi-step operation intent. */
export const RunnerConfigStepSchema = z.object({
  name: z.string().describe("Step id, unique in the list; step results refer to it."),
  capability: z.string().describe("Named Conductor capability to run."),
  dependsOn: z.string().describe("Name of an earlier step that must have Succeeded first.").optional(),
  haltOnFailure: z.boolean().describe("When true a failure of this step ends the whole run as Failed.")
    .optional(),
  parameters: z.record(z.string(), z.string()).describe("String parameters handed to the capability.")
    .optional(),
});
export type RunnerConfigStep = z.infer<typeof RunnerConfigStepSchema>;

export const RunnerConfigSpecSchema = z.object({
  clusterRef: z.string().describe(
    "Name of the TalosCluster this contract governs; also the RunnerConfig name for the per-cluster record.",
  ),
  runnerImage: z.string().describe(
    "Full image reference of the Conductor execute image (tag tracks the Talos version, e.g. conductor-exec:v1.9.3).",
  ),
  maintenanceTargetNodes: z.array(z.string()).describe(
    "Nodes that are the subject of the operation; become NotIn node-affinity when selfOperation.",
  ).optional(),
  operationalHistory: z.array(z.object({
    appliedAt: dateTime().describe("When the change was applied."),
    appliedBy: z.string().describe("Who applied it."),
    concern: z.string().describe("Which aspect changed."),
    newValue: z.string().describe("Value after the change."),
    previousValue: z.string().describe("Value before the change.").optional(),
  })).describe("Append-only change log (never truncated).").optional(),
  operatorLeaderNode: z.string().describe(
    "Node of the initiating operator's leader pod; also excluded when selfOperation.",
  ).optional(),
  phases: z.array(z.object({
    name: z.string().describe("Phase identifier."),
    parameters: z.record(z.string(), z.string()).describe("Free string map for the phase.").optional(),
  })).describe("Optional ordered phase list (launch/enable/bootstrap); only name + free parameters.")
    .optional(),
  selfOperation: z.boolean().describe(
    "True when the Job runs on the cluster it operates on (management self-operation).",
  ).optional(),
  steps: z.array(RunnerConfigStepSchema).describe("Ordered steps; a single-step list is the normal case.")
    .optional(),
});
export type RunnerConfigSpec = z.infer<typeof RunnerConfigSpecSchema>;

/** A capability the agent declares (status.capabilities[]). */
export const RunnerCapabilityEntrySchema = z.object({
  name: z.string().describe("Capability name."),
  version: z.string().describe("Version the agent declares for it."),
  description: z.string().describe("Optional text.").optional(),
});
export type RunnerCapabilityEntry = z.infer<typeof RunnerCapabilityEntrySchema>;

/** `Skipped` marks a step not run because a step it depends on did not succeed (api.md §9.4). */
export const StepStatusSchema = z.enum(["Succeeded", "Failed", "Skipped"]);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const RunnerConfigStepResultSchema = z.object({
  name: z.string().describe("Matches spec.steps[].name."),
  status: StepStatusSchema.describe("Step outcome; Skipped when a dependency did not succeed."),
  startedAt: dateTime().describe("Step start.").optional(),
  completedAt: dateTime().describe("Step end.").optional(),
  message: z.string().describe("Free text.").optional(),
  outputRef: z.string().describe("{namespace}/{configmap} of the harvested step result.").optional(),
});
export type RunnerConfigStepResult = z.infer<typeof RunnerConfigStepResultSchema>;

/** Terminal run outcome; empty while the run is in progress (api.md §9.4). */
export const RunnerPhaseSchema = z.enum(["", "Completed", "Failed"]);
export type RunnerPhase = z.infer<typeof RunnerPhaseSchema>;

export const RunnerConfigStatusSchema = z.object({
  agentLeader: z.string().describe("Pod name of the current agent leader.").optional(),
  agentVersion: z.string().describe("Version of the running agent binary.").optional(),
  capabilities: z.array(RunnerCapabilityEntrySchema).describe(
    "Capability manifest self-declared by the agent leader.",
  ).optional(),
  conditions: conditions.optional(),
  failedStep: z.string().describe("First step that failed; set only with phase=Failed.").optional(),
  phase: RunnerPhaseSchema.describe("Terminal run outcome: Completed or Failed; empty while running.")
    .optional(),
  stepResults: z.array(RunnerConfigStepResultSchema).describe("One entry per processed step, in order.")
    .optional(),
});
export type RunnerConfigStatus = z.infer<typeof RunnerConfigStatusSchema>;

export const RunnerConfigDef = defineKind({
  name: "RunnerConfig",
  description: "Operational contract between an operator and the Conductor for one cluster.",
  spec: RunnerConfigSpecSchema,
  status: RunnerConfigStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterRef" },
    AGE_COLUMN,
  ],
});

export const RunnerConfigSchema = RunnerConfigDef.object;
export type RunnerConfig = z.infer<typeof RunnerConfigSchema>;
