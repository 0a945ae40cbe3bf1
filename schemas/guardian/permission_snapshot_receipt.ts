/** PermissionSnapshotReceipt (api.md §7); shape follows its upstream CRD, see `shape_sources.ts`. */
import { z } from "zod";
import { dateTime, defineKind } from "../crd.ts";

export const PermissionSnapshotReceiptSpecSchema = z.object({
  acknowledgedAt: dateTime().describe("When acknowledged."),
  clusterName: z.string().describe("Tenant cluster."),
  snapshotVersion: z.string().describe("Snapshot version acknowledged."),
});
export type PermissionSnapshotReceiptSpec = z.infer<typeof PermissionSnapshotReceiptSpecSchema>;

export const PermissionSnapshotReceiptStatusSchema = z.object({
  degradedReason: z.string().describe("Why.").optional(),
  degradedSecurityState: z.boolean().describe("Set by the tenant Conductor when a snapshot signature fails.")
    .optional(),
  localArtifacts: z.array(z.string()).describe("RBAC objects provisioned from the snapshot.").optional(),
  localProvisioningStatus: z.string().describe("Text about local RBAC provisioning.").optional(),
  syncStatus: z.string().describe("InSync, OutOfSync or DegradedSecurityState.").optional(),
});
export type PermissionSnapshotReceiptStatus = z.infer<typeof PermissionSnapshotReceiptStatusSchema>;

export const PermissionSnapshotReceiptDef = defineKind({
  name: "PermissionSnapshotReceipt",
  description: "Tenant acknowledgement of a PermissionSnapshot and its local provisioning state.",
  spec: PermissionSnapshotReceiptSpecSchema,
  status: PermissionSnapshotReceiptStatusSchema,
  printerColumns: [],
});

export const PermissionSnapshotReceiptSchema = PermissionSnapshotReceiptDef.object;
export type PermissionSnapshotReceipt = z.infer<typeof PermissionSnapshotReceiptSchema>;
