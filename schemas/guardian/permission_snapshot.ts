/** PermissionSnapshot (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { AGE_COLUMN, conditions, dateTime, defineKind, int32, int64 } from "../crd.ts";
import { sealedCausalChain } from "../common.ts";

export const PermissionSnapshotSpecSchema = z.object({
  freshnessWindowSeconds: int32().min(1).describe("Age after which the snapshot is Stale.").default(300),
  generatedAt: dateTime().describe("Generation time."),
  lineage: sealedCausalChain.optional(),
  principalPermissions: z.array(z.object({
    allowedOperations: z.array(z.object({
      apiGroup: z.string().describe("Group.").optional(),
      clusters: z.array(z.string()).describe("Clusters.").optional(),
      resource: z.string().describe("Resource."),
      verbs: z.array(z.string()).describe("Verbs."),
    })).describe("Allowed operations.").optional(),
    principalRef: z.string().describe("Principal."),
  })).describe("Per-principal effective permission graph (EPG) output.").optional(),
  signingKeyFingerprint: z.string().describe(
    "Fingerprint of the signing key (not written; the key id is an annotation).",
  ).optional(),
  snapshotTimestamp: dateTime().describe("Canonical generation time used for freshness.").optional(),
  subjects: z.array(z.object({
    namespace: z.string().describe("Subject namespace (SA) or empty.").optional(),
    permissions: z.array(z.object({
      apiGroups: z.array(z.string()).describe("Groups.").optional(),
      resourceNames: z.array(z.string()).describe("Names.").optional(),
      resources: z.array(z.string()).describe("Resources."),
      verbs: z.array(z.string()).describe("Verbs."),
    })).describe("Rules.").optional(),
    subjectKind: z.enum(["ServiceAccount", "User", "Group"]).describe("Subject kind."),
    subjectName: z.string().describe("Subject name."),
  })).describe("Per-subject grants (preferred by the tenant pull loop when present).").optional(),
  targetCluster: z.string().describe("Cluster the snapshot governs; the pull loops filter on it."),
  version: z.string().describe("Monotonic version (an RFC 3339 timestamp)."),
});
export type PermissionSnapshotSpec = z.infer<typeof PermissionSnapshotSpecSchema>;

export const PermissionSnapshotStatusSchema = z.object({
  conditions: conditions.optional(),
  drift: z.boolean().describe("Deprecated mirror of lastAcked != expected.").optional(),
  driftDetected: z.boolean().describe("Guardian drift detection result (mirrors Compliant).").optional(),
  expectedVersion: z.string().describe("Version the management side expects to be acknowledged.").optional(),
  lastAckedVersion: z.string().describe("Version last acknowledged by the tenant.").optional(),
  lastSeen: dateTime().describe("Last acknowledgement time.").optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  signed: z.boolean().describe("Set true by the management Conductor after signing.").optional(),
});
export type PermissionSnapshotStatus = z.infer<typeof PermissionSnapshotStatusSchema>;

export const PermissionSnapshotDef = defineKind({
  name: "PermissionSnapshot",
  description: "Effective permissions computed by guardian for one target cluster; signed by the Conductor.",
  spec: PermissionSnapshotSpecSchema,
  status: PermissionSnapshotStatusSchema,
  printerColumns: [
    { name: "TargetCluster", type: "string", jsonPath: ".spec.targetCluster" },
    { name: "Signed", type: "boolean", jsonPath: ".status.signed" },
    { name: "Fresh", type: "string", jsonPath: ".status.conditions[?(@.type=='Fresh')].status" },
    {
      "name": "Compliant",
      "type": "string",
      "jsonPath": ".status.conditions[?(@.type=='Compliant')].status",
    },
    AGE_COLUMN,
  ],
});

export const PermissionSnapshotSchema = PermissionSnapshotDef.object;
export type PermissionSnapshot = z.infer<typeof PermissionSnapshotSchema>;
