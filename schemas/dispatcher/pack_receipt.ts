/** PackReceipt: tenant record of what pack-deploy applied and of the verified acknowledgement (api.md §5.4 with the §9.4 `packDeliveryRef`). */
import { z } from "zod";
import { AGE_COLUMN, conditions, defineKind, int64 } from "../crd.ts";
import { deployedResource } from "../common.ts";

export const PackReceiptSpecSchema = z.object({
  chartName: z.string().describe("Copied from the pack.").optional(),
  chartURL: z.string().describe("Copied from the pack.").optional(),
  chartVersion: z.string().describe("Copied from the pack.").optional(),
  clusterPackRef: z.string().describe("PackDelivery (pack) name."),
  deployedResources: z.array(deployedResource).describe(
    "Inventory applied on this cluster; the tenant drift loop checks each entry still exists.",
  ).optional(),
  helmVersion: z.string().describe("Copied from the pack.").optional(),
  packDeliveryRef: z.string().describe(
    "Signed delivery this receipt acknowledges (pull-loop receipts only; upstream packInstanceRef).",
  ).optional(),
  rbacDigest: z.string().describe("RBAC layer digest, copied for audit.").optional(),
  signatureRef: z.string().describe(
    "Name of the signed-artifact Secret on the management cluster it came from.",
  ).optional(),
  targetClusterRef: z.string().describe("Cluster the receipt lives on."),
  workloadDigest: z.string().describe("Workload layer digest, copied for audit.").optional(),
});
export type PackReceiptSpec = z.infer<typeof PackReceiptSpecSchema>;

export const PackReceiptStatusSchema = z.object({
  conditions: conditions.optional(),
  observedGeneration: int64().describe("Generation last reconciled.").optional(),
  signature: z.string().describe("The base64 signature that was checked (idempotency).").optional(),
  verificationFailedReason: z.string().describe("Why verification failed, when verified=false.").optional(),
  verified: z.boolean().describe(
    "Ed25519 signature of the delivery artifact verified against the management public key.",
  ).optional(),
});
export type PackReceiptStatus = z.infer<typeof PackReceiptStatusSchema>;

export const PackReceiptDef = defineKind({
  name: "PackReceipt",
  description:
    "Tenant record of a delivered pack: what pack-deploy applied and whether its signature verified.",
  spec: PackReceiptSpecSchema,
  status: PackReceiptStatusSchema,
  printerColumns: [
    { name: "Pack", type: "string", jsonPath: ".spec.clusterPackRef" },
    { name: "Verified", type: "boolean", jsonPath: ".status.verified" },
    AGE_COLUMN,
  ],
});

export const PackReceiptSchema = PackReceiptDef.object;
export type PackReceipt = z.infer<typeof PackReceiptSchema>;
