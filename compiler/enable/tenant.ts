/**
 * What the tenant Conductor needs beyond upstream's bundle (conductor.md §2.10, §6.1, §7.1, §8.8;
 * C-D6, C-D14): its webhook serving certificate and ValidatingWebhookConfiguration, the webhook and
 * PermissionService Services, and the WAL claim. RBAC is in `rbac.ts`, probes and mounts in
 * `builders.ts`.
 */
import { ALL_KINDS, GROUP_GUARDIAN, GROUP_SEAM, VERSION } from "../../schemas/mod.ts";
import { meta, type Obj, TENANT } from "./builders.ts";
import { caChain, servingCertificate } from "./certs.ts";
import { MANAGED_BY, ONT_SYSTEM, OPERATORS } from "./operators.ts";
import type { PhaseFile } from "./phase_types.ts";

const WEBHOOK_MODE = "seam.ontai.dev/webhook-mode";

/** Plurals of every seam/guardian kind whose spec carries `lineage` (sealed causal chain). */
export function lineageKinds(): { group: string; plural: string }[] {
  const out: { group: string; plural: string }[] = [];
  for (const def of ALL_KINDS) {
    if (def.names.group !== GROUP_SEAM && def.names.group !== GROUP_GUARDIAN) continue;
    const shape = (def.spec as unknown as { shape?: Record<string, unknown> }).shape;
    if (shape && "lineage" in shape) out.push({ group: def.names.group, plural: def.names.plural });
  }
  return out;
}

export interface TenantExtras {
  webhookCert: PhaseFile;
  wal: PhaseFile;
  services: PhaseFile;
  webhook: PhaseFile;
}

export function tenantConductorExtras(_clusterName: string): TenantExtras {
  const c = OPERATORS.conductor;
  const l = (component: string) => ({
    "app.kubernetes.io/name": c.name,
    "app.kubernetes.io/component": component,
    "ontai.dev/managed-by": MANAGED_BY,
  });
  const chain = caChain(c.name, ONT_SYSTEM, c.name);
  const selector = { matchExpressions: [{ key: WEBHOOK_MODE, operator: "NotIn", values: ["exempt"] }] };
  const client = (path: string) => ({
    service: { name: TENANT.webhookService, namespace: ONT_SYSTEM, path, port: 443 },
  });
  const common = {
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: "Ignore",
    timeoutSeconds: 5,
    namespaceSelector: selector,
  };
  const lineage = lineageKinds();
  const groups = [...new Set(lineage.map((k) => k.group))].sort();
  const webhook: Obj = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: meta(TENANT.webhookConfig, undefined, l("webhook"), {
      "ontai.dev/managed-by": MANAGED_BY,
      "cert-manager.io/inject-ca-from": `${ONT_SYSTEM}/${TENANT.webhookCertSecret}`,
    }),
    webhooks: [
      {
        name: "rbac-ownership.conductor.seam.ontai.dev",
        ...common,
        rules: [
          {
            apiGroups: ["rbac.authorization.k8s.io"],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"],
            scope: "*",
          },
          {
            apiGroups: [""],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["serviceaccounts"],
            scope: "*",
          },
        ],
        clientConfig: client("/validate/rbac-ownership"),
      },
      {
        name: "sealed-causal-chain.conductor.seam.ontai.dev",
        ...common,
        rules: groups.map((g) => ({
          apiGroups: [g],
          apiVersions: [VERSION],
          operations: ["UPDATE"],
          resources: lineage.filter((k) => k.group === g).map((k) => k.plural),
          scope: "*",
        })),
        clientConfig: client("/validate/sealed-causal-chain"),
      },
    ],
  };
  return {
    webhookCert: {
      name: "conductor-webhook-cert.yaml",
      header: [
        "Self-signed CA chain in ont-system and the tenant Conductor's admission webhook serving certificate.",
      ],
      docs: [
        ...chain.objects,
        servingCertificate(TENANT.webhookCertSecret, ONT_SYSTEM, c.name, TENANT.webhookService, chain.issuer),
      ],
    },
    wal: {
      name: "conductor-wal-pvc.yaml",
      header: ["Federation write-ahead log volume (the root filesystem is read-only)."],
      docs: [{
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: meta(TENANT.walClaim, ONT_SYSTEM, l("wal")),
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      }],
    },
    services: {
      name: "conductor-services.yaml",
      header: [
        "Tenant Conductor Services: the admission webhook (443 -> 8443) and the PermissionService gRPC (50051).",
        `The management kubeconfig Secret ${TENANT.mgmtKubeconfigSecret} (key value) and the federation client`,
        `certificate Secret ${TENANT.federationSecret} (ca.crt, tls.crt, tls.key) are created from the management side.`,
      ],
      docs: [
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: meta(TENANT.webhookService, ONT_SYSTEM, l("webhook")),
          spec: {
            selector: { "app.kubernetes.io/name": c.name },
            ports: [{ name: "webhook", port: 443, targetPort: 8443, protocol: "TCP" }],
          },
        },
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: meta(TENANT.permissionService, ONT_SYSTEM, l("permission-service")),
          spec: {
            selector: { "app.kubernetes.io/name": c.name },
            ports: [{ name: "grpc", port: 50051, targetPort: 50051, protocol: "TCP" }],
          },
        },
      ],
    },
    webhook: {
      name: "conductor-webhook.yaml",
      header: [
        "Tenant Conductor admission webhooks (fail open while the enforcement gate is in audit mode).",
      ],
      docs: [webhook],
    },
  };
}
