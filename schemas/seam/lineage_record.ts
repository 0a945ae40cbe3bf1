/** LineageRecord (api.md §4); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int32, int64 } from "../crd.ts";
import { CreationRationaleSchema } from "../common.ts";

export const LineageRecordSpecSchema = z.object({
  descendantRegistry: z.array(z.object({
    actorRef: z.string().describe("Declaring principal propagated from the root.").optional(),
    createdAt: dateTime().describe("When the entry was appended.").optional(),
    creationRationale: CreationRationaleSchema.describe("Why it was created."),
    group: z.string().describe("Group of the derived object."),
    kind: z.string().describe("Kind of the derived object."),
    name: z.string().describe("Name."),
    namespace: z.string().describe("Namespace."),
    rootGenerationAtCreation: int64().describe("Root generation at the time."),
    seamOperator: z.string().describe("Operator that created it."),
    uid: z.string().describe("UID."),
    version: z.string().describe("Version of the derived object."),
  })).describe("Append-only list of objects derived from the root.").optional(),
  domainRef: z.string().describe("Reference to an abstract domain index (reserved).").optional(),
  outcomeRegistry: z.array(z.object({
    derivedObjectUID: z.string().describe("UID of a descendantRegistry entry."),
    outcomeDetail: z.string().describe("Short summary.").optional(),
    outcomeRef: z.string().describe("Result object or reason that produced it.").optional(),
    outcomeTimestamp: dateTime().describe("When the terminal state was seen."),
    outcomeType: z.enum(["Succeeded", "Failed", "Drifted", "Superseded"]).describe(
      "Terminal classification.",
    ),
  })).describe("Append-only terminal outcomes of derived objects.").optional(),
  policyBindingStatus: z.object({
    domainPolicyRef: z.string().describe("Bound policy name.").optional(),
    domainProfileRef: z.string().describe("Bound profile name.").optional(),
    driftDetected: z.boolean().describe("Drift flag from the last evaluation.").optional(),
    policyGenerationAtLastEvaluation: int64().describe("Policy generation evaluated.").optional(),
  }).describe("Last policy/profile evaluation.").optional(),
  retentionPolicy: z.object({
    deleteWithRoot: z.boolean().describe("Delete this record when the root is deleted.").default(true),
    descendantRetentionDays: int32().min(1).describe("Days a vanished descendant entry is kept.").default(30),
  }).describe("Garbage-collection behaviour.").optional(),
  rootBinding: z.object({
    declaringPrincipal: z.string().describe(
      "Who applied the root (copied from the declaring-principal annotation).",
    ).optional(),
    rootKind: z.string().describe("Kind of the root."),
    rootName: z.string().describe("Name of the root."),
    rootNamespace: z.string().describe("Namespace of the root."),
    rootObservedGeneration: int64().describe("metadata.generation of the root at creation."),
    rootUID: z.string().describe("UID of the root when the record was made."),
  }).describe("The root declaration this record anchors; sealed at admission."),
});
export type LineageRecordSpec = z.infer<typeof LineageRecordSpecSchema>;

export const LineageRecordStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type LineageRecordStatus = z.infer<typeof LineageRecordStatusSchema>;

export const LineageRecordDef = defineKind({
  name: "LineageRecord",
  description: "One record per root declaration, listing every derived object and its terminal outcome.",
  spec: LineageRecordSpecSchema,
  status: LineageRecordStatusSchema,
  printerColumns: [
    { name: "RootKind", type: "string", jsonPath: ".spec.rootBinding.rootKind" },
    { name: "RootName", type: "string", jsonPath: ".spec.rootBinding.rootName" },
    AGE_COLUMN,
  ],
});

export const LineageRecordSchema = LineageRecordDef.object;
export type LineageRecord = z.infer<typeof LineageRecordSchema>;
