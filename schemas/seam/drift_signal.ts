/** DriftSignal (api.md §4); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int32, int64 } from "../crd.ts";

export const DriftStateSchema = z.enum(["pending", "delivered", "queued", "confirmed"]);
export type DriftState = z.infer<typeof DriftStateSchema>;

export const DriftSignalSpecSchema = z.object({
  affectedCRRef: z.object({
    group: z.string().describe('API group of the drifted object ("" for core).'),
    kind: z.string().describe("Kind of the drifted object."),
    name: z.string().describe("Name of the drifted object."),
    namespace: z.string().describe("Namespace; empty for cluster-scoped objects.").optional(),
  }).describe("What drifted."),
  correctionJobRef: z.string().describe(
    "Name of the corrective object the management side started; set on the move to queued.",
  ).optional(),
  correlationID: z.string().describe("Dedup id (UUID v4) for one drift event across retries."),
  driftReason: z.string().describe("Human-readable cause of the drift."),
  escalationCounter: int32().describe(
    "Times the tenant re-raised the signal without resolution; at 3 the management side sets TerminalDrift.",
  ).optional(),
  observedAt: dateTime().describe("When the tenant first saw the drift."),
  state: DriftStateSchema.describe("Acknowledgement state: pending, delivered, queued or confirmed."),
});
export type DriftSignalSpec = z.infer<typeof DriftSignalSpecSchema>;

export const DriftSignalStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
});
export type DriftSignalStatus = z.infer<typeof DriftSignalStatusSchema>;

export const DriftSignalDef = defineKind({
  name: "DriftSignal",
  description: "A tenant Conductor's report that something it governs has drifted, acknowledged in steps.",
  spec: DriftSignalSpecSchema,
  status: DriftSignalStatusSchema,
  printerColumns: [
    { name: "State", type: "string", jsonPath: ".spec.state" },
    { name: "CorrelationID", type: "string", jsonPath: ".spec.correlationID" },
    AGE_COLUMN,
  ],
});

export const DriftSignalSchema = DriftSignalDef.object;
export type DriftSignal = z.infer<typeof DriftSignalSchema>;
