/**
 * The phase layout of `compiler enable` (compiler.md §5.3–§5.5) as data: every phase, its files in
 * apply order, and the documents of each file. `bundle.ts` turns this into bytes.
 *
 * Port fixes (compiler.md §12.3): D-E1 role validated (enable.ts); D-E2/D10 phase 00 carries
 * `namespaces.yaml` first, so every namespaced object follows its Namespace even when the
 * directories are applied strictly in order; D-E3 the CoreDNS patch stays in 05 but is listed under
 * `patches`, not `applyOrder`; D-E4 the runner ClusterRole covers `apiservices`; D-E5 CRDs are
 * selected by `spec.group`. Gaps closed: the Issuer chain, webhook certificates of every operator
 * that mounts one, the Kueue ClusterQueue and ResourceFlavor, leader-election RBAC, and the tenant
 * Conductor's RBAC, webhook, PermissionService, WAL claim and probes (conductor.md C-D6).
 */
import {
  allCrds,
  apiVersionOf,
  GROUP_CAPI_INFRA,
  GROUP_GUARDIAN,
  GROUP_SEAM,
  KIND_NAMES,
} from "../../schemas/mod.ts";
import {
  deployment,
  type DeploymentOptions,
  lease,
  MANAGEMENT_MAXIMUM,
  MANAGEMENT_POLICY,
  meta,
  metricsService,
  namespaceObj,
  type Obj,
  rbacProfile,
  seamMembership,
  TENANT,
} from "./builders.ts";
import { caChain, servingCertificate } from "./certs.ts";
import {
  type ClusterRole,
  KUBE_SYSTEM,
  leaseOf,
  MANAGED_BY,
  MEMBERSHIP_ORDER,
  ONT_SYSTEM,
  OPERATOR_ORDER,
  OPERATORS,
  PACK_DEPLOY_CLUSTER_QUEUE,
  PACK_DEPLOY_FLAVOR,
  PACK_DEPLOY_LOCAL_QUEUE,
  PHASE3_OPERATORS,
  RUNNER_NAME,
  SEAM_SYSTEM,
  tenantNamespace,
} from "./operators.ts";
import {
  conductorRbac,
  guardianRbac,
  phase3Rbac,
  platformExecutorRbac,
  runnerRbac,
  tenantRemoteName,
  tenantRemoteRbac,
} from "./rbac.ts";
import { CAPI_ASSETS, CAPI_FILES } from "./capi_assets.ts";
import { tenantConductorExtras } from "./tenant.ts";
import type { Phase, PhaseFile } from "./phase_types.ts";

export interface EnableOptions extends DeploymentOptions {
  capi: boolean;
  role: ClusterRole;
}

export type { Phase, PhaseFile } from "./phase_types.ts";

const PSA = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
};
const WEBHOOK_MODE = "seam.ontai.dev/webhook-mode";
const EXEMPT_NAMESPACES = [
  "cert-manager",
  "cnpg-system",
  "kube-system",
  "kueue-system",
  "local-path-storage",
  SEAM_SYSTEM,
];

interface CrdLike {
  spec: { group: string };
}

/** CRDs of one API group, exact `spec.group` match, launch-bundle order (group, then plural). */
export function crdsOfGroup(group: string): Obj[] {
  const crds = allCrds() as unknown as (CrdLike & { spec: { names: { plural: string } } })[];
  return crds
    .filter((c) => c.spec.group === group)
    .sort((
      a,
      b,
    ) => (a.spec.names.plural < b.spec.names.plural
      ? -1
      : a.spec.names.plural > b.spec.names.plural
      ? 1
      : 0)
    ) as unknown as Obj[];
}

function _namespaces(o: EnableOptions): PhaseFile {
  const docs = [
    namespaceObj(SEAM_SYSTEM, { [WEBHOOK_MODE]: "exempt", ...PSA }),
    namespaceObj(ONT_SYSTEM, { ...PSA, [WEBHOOK_MODE]: "governed" }),
  ];
  const header = [
    "Namespaces of the Seam operators: seam-system (webhook-exempt) and ont-system (governed).",
  ];
  if (o.clusterName !== "" && o.role !== "tenant") {
    const ns = tenantNamespace(o.clusterName);
    docs.push(namespaceObj(ns, {
      "ontai.dev/managed-by": "platform",
      "platform.ontai.dev/cluster": o.clusterName,
      [WEBHOOK_MODE]: "governed",
      ...PSA,
    }));
    header.push(`Also the tenant namespace ${ns} of cluster ${o.clusterName}.`);
  }
  header.push("Every namespaced object of every phase lives in one of these; apply this file first.");
  return { name: "namespaces.yaml", header, docs };
}

function _prerequisites(): PhaseFile {
  return {
    name: "prerequisites.yaml",
    header: [
      "Infrastructure the operator must provide before 01-guardian-bootstrap (not installed by Seam).",
      "This ConfigMap records the requirements; it installs nothing.",
    ],
    docs: [{
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(
        "seam-platform-prerequisites",
        SEAM_SYSTEM,
        { "seam.ontai.dev/phase": "prerequisites" },
        {
          "seam.ontai.dev/apply-before": "01-guardian-bootstrap",
          "seam.ontai.dev/description":
            "Prerequisites to satisfy before applying 01-guardian-bootstrap: database, job scheduler, certificates, storage.",
        },
      ),
      data: {
        database:
          "CloudNativePG operator CNPG v1.25 or later in cnpg-system (CRD clusters.postgresql.cnpg.io). A CNPG Cluster named guardian-db must be Ready in seam-system, with the Secret guardian-db-credentials (keys username and password) in seam-system.",
        "job-scheduler":
          "Kueue v0.16.2 or later with the ClusterQueue and LocalQueue CRDs (kueue.x-k8s.io). The Kueue webhook must exclude seam-system (C-KUEUE-WEBHOOK). 05-post-bootstrap emits the ResourceFlavor, ClusterQueue seam-pack-deploy and the per-tenant LocalQueue.",
        "certificate-manager":
          "cert-manager v1.13 or later: the webhook serving certificates of guardian, platform, dispatcher, seam (and of the tenant Conductor) are cert-manager Certificates issued by a self-signed CA chain the bundle emits.",
        storage:
          "A default StorageClass is required for the CNPG PersistentVolumeClaims (and the tenant Conductor's WAL claim).",
      },
    }],
  };
}

function _crdFile(name: string, groups: string[], what: string): PhaseFile {
  return {
    name,
    header: [
      `${what}: every CustomResourceDefinition of ${groups.join(", ")} (selected by spec.group).`,
      "Identical to the matching documents of compiler launch's crds.yaml.",
    ],
    docs: groups.flatMap(crdsOfGroup),
  };
}

function _phase0(o: EnableOptions): Phase {
  const files = [_namespaces(o), _prerequisites()];
  if (o.role === "tenant") {
    files.push(_crdFile("seam-core-crds.yaml", [GROUP_SEAM], "CRDs the tenant Conductor needs"));
  }
  return {
    dir: "00-infrastructure-dependencies",
    phase: "infrastructure-dependencies",
    order: "0",
    gate: o.role === "tenant"
      ? "Satisfy the prerequisites before 04-conductor: a default StorageClass and cert-manager. namespaces.yaml creates seam-system and ont-system; seam-core-crds.yaml installs the CRDs Conductor needs."
      : "Satisfy the prerequisites before 01-guardian-bootstrap: CNPG operator in cnpg-system, guardian-db Cluster Ready and guardian-db-credentials Secret in seam-system, Kueue ClusterQueue/LocalQueue CRDs, cert-manager, default StorageClass. namespaces.yaml is applied first so seam-system exists.",
    files,
  };
}

function _phase0a(o: EnableOptions): Phase {
  return {
    dir: "00a-namespaces",
    phase: "namespaces",
    order: "0a",
    gate:
      "seam-system and ont-system namespaces must exist before 01-guardian-bootstrap, which patches labels onto seam-system (already created by phase 00; re-applying is a no-op).",
    files: [_namespaces(o)],
  };
}

function _phase0b(): Phase {
  const files: PhaseFile[] = CAPI_FILES.map((f) => ({ name: f, header: [], docs: [], raw: CAPI_ASSETS[f]! }));
  files.push(
    _crdFile("seam-infrastructure-crds.yaml", [GROUP_CAPI_INFRA], "Seam Cluster API infrastructure provider"),
  );
  return {
    dir: "00b-capi-prerequisites",
    phase: "capi-prerequisites",
    order: "0b",
    gate: "Wait until every Deployment in capi-system is Available before 01-guardian-bootstrap.",
    files,
  };
}

function _phase1(o: EnableOptions): Phase {
  const g = OPERATORS.guardian;
  return {
    dir: "01-guardian-bootstrap",
    phase: "guardian-bootstrap",
    order: "1",
    gate:
      "seam-system and kube-system carry seam.ontai.dev/webhook-mode=exempt; Guardian CRDs registered; Guardian RBAC, PermissionSet, RBACPolicy and RBACProfile present. SeamMemberships need the seam CRDs from compiler launch (crds.yaml).",
    files: [
      {
        name: "namespace-labels.yaml",
        header: [
          "Label-only patches: exempt these namespaces from the Guardian admission webhooks.",
          "Apply with server-side apply (field manager compiler-enable) so only the label is owned:",
          "  kubectl apply --server-side --field-manager=compiler-enable -f namespace-labels.yaml",
        ],
        docs: EXEMPT_NAMESPACES.map((n) => ({
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: n, labels: { [WEBHOOK_MODE]: "exempt" } },
        })),
      },
      _crdFile("guardian-crds.yaml", [GROUP_GUARDIAN], "Guardian"),
      {
        name: "guardian-rbac.yaml",
        header: [
          "Guardian is the only operator with static cluster RBAC; it provisions every other operator's RBAC from its RBACProfile.",
        ],
        docs: guardianRbac(),
      },
      {
        name: "guardian-permissionsets.yaml",
        header: ["The Layer-1 fleet permission ceiling every management operator profile references."],
        docs: [{
          apiVersion: apiVersionOf("PermissionSet"),
          kind: KIND_NAMES.PermissionSet.kind,
          metadata: meta(MANAGEMENT_MAXIMUM, SEAM_SYSTEM, {
            "ontai.dev/managed-by": MANAGED_BY,
            "ontai.dev/permission-set-type": "bootstrap",
            "ontai.dev/policy-type": "management",
          }),
          spec: {
            description: "Layer-1 fleet permission ceiling for the management cluster operators.",
            permissions: [{
              apiGroups: ["*"],
              resources: ["*"],
              verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
            }],
          },
        }],
      },
      {
        name: "guardian-rbacpolicy.yaml",
        header: ["The management RBACPolicy (audit mode) bounded by management-maximum."],
        docs: [{
          apiVersion: apiVersionOf("RBACPolicy"),
          kind: KIND_NAMES.RBACPolicy.kind,
          metadata: meta(MANAGEMENT_POLICY, SEAM_SYSTEM, {
            "ontai.dev/managed-by": MANAGED_BY,
            "ontai.dev/policy-type": "management",
          }),
          spec: {
            enforcementMode: "audit",
            subjectScope: "platform",
            maximumPermissionSetRef: MANAGEMENT_MAXIMUM,
          },
        }],
      },
      {
        name: "guardian-rbacprofiles.yaml",
        header: ["RBACProfile of Guardian."],
        docs: [rbacProfile(g, o.clusterName)],
      },
      {
        name: "seam-memberships.yaml",
        header: ["SeamMemberships of the five operators (infrastructure tier)."],
        docs: MEMBERSHIP_ORDER.map((id) => seamMembership(OPERATORS[id])),
      },
    ],
  };
}

function _vwcWebhook(name: string, path: string, rules: Obj[]): Obj {
  return {
    name,
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: "Fail",
    namespaceSelector: { matchExpressions: [{ key: WEBHOOK_MODE, operator: "NotIn", values: ["exempt"] }] },
    rules,
    clientConfig: { service: { name: OPERATORS.guardian.name, namespace: SEAM_SYSTEM, path, port: 443 } },
  };
}

function _phase2(o: EnableOptions): Phase {
  const g = OPERATORS.guardian;
  const chain = caChain(g.name, SEAM_SYSTEM, g.name);
  const vwcMeta = (name: string) =>
    meta(name, undefined, {}, {
      "ontai.dev/managed-by": MANAGED_BY,
      "cert-manager.io/inject-ca-from": `${SEAM_SYSTEM}/${g.webhookCertSecret}`,
    });
  const wl = {
    "app.kubernetes.io/name": g.name,
    "app.kubernetes.io/component": "webhook",
    "ontai.dev/managed-by": MANAGED_BY,
  };
  return {
    dir: "02-guardian-deploy",
    phase: "guardian-deploy",
    order: "2",
    gate:
      "Guardian Deployment Available and its validating webhooks registered (CA injected) before 03-platform-wrapper.",
    files: [
      {
        name: "guardian-webhook-cert.yaml",
        header: [
          "Self-signed CA chain (Issuer guardian-ca-issuer) and Guardian's webhook serving certificate (cert-manager).",
        ],
        docs: [
          ...chain.objects,
          servingCertificate(g.webhookCertSecret!, SEAM_SYSTEM, g.name, g.name, chain.issuer),
        ],
      },
      {
        name: "guardian-service.yaml",
        header: ["Guardian Service: admission webhook, gRPC PermissionService and metrics."],
        docs: [{
          apiVersion: "v1",
          kind: "Service",
          metadata: meta(g.name, SEAM_SYSTEM, wl, { "ontai.dev/managed-by": MANAGED_BY }),
          spec: {
            selector: { "app.kubernetes.io/name": g.name },
            ports: [
              { name: "webhook", port: 443, targetPort: 9443, protocol: "TCP" },
              { name: "grpc", port: 9090, targetPort: 9090, protocol: "TCP" },
              { name: "metrics", port: 8080, targetPort: 8080, protocol: "TCP" },
            ],
          },
        }],
      },
      {
        name: "guardian-deployment.yaml",
        header: ["Guardian operator Deployment."],
        docs: [deployment(g, o)],
      },
      {
        name: "guardian-metrics-service.yaml",
        header: ["Guardian metrics Service."],
        docs: [metricsService(g)],
      },
      {
        name: "guardian-rbac-webhook.yaml",
        header: ["Guardian RBAC admission webhook (fails closed outside exempt namespaces)."],
        docs: [{
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "ValidatingWebhookConfiguration",
          metadata: vwcMeta(`${g.name}-rbac-webhook`),
          webhooks: [_vwcWebhook(`validate-rbac.${GROUP_GUARDIAN}`, "/validate-rbac", [
            {
              apiGroups: ["rbac.authorization.k8s.io"],
              apiVersions: ["v1"],
              operations: ["CREATE", "UPDATE"],
              resources: ["roles", "clusterroles", "rolebindings", "clusterrolebindings"],
              scope: "*",
            },
            {
              apiGroups: [""],
              apiVersions: ["v1"],
              operations: ["CREATE", "UPDATE"],
              resources: ["serviceaccounts"],
              scope: "*",
            },
          ])],
        }],
      },
      {
        name: "guardian-lineage-webhook.yaml",
        header: ["Guardian lineage immutability webhook."],
        docs: [{
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "ValidatingWebhookConfiguration",
          metadata: vwcMeta(`${g.name}-lineage-immutability-webhook`),
          webhooks: [_vwcWebhook(`validate-lineage.${GROUP_GUARDIAN}`, "/validate-lineage", [{
            apiGroups: [GROUP_GUARDIAN],
            apiVersions: ["v1alpha1"],
            operations: ["UPDATE"],
            resources: [
              "rbacpolicies",
              "rbacprofiles",
              "identitybindings",
              "identityproviders",
              "permissionsets",
            ],
            scope: "*",
          }])],
        }],
      },
    ],
  };
}

function _phase3(o: EnableOptions): Phase {
  const ops = PHASE3_OPERATORS.map((id) => OPERATORS[id]);
  const rbac = phase3Rbac();
  const issuer = `${OPERATORS.guardian.name}-ca-issuer`;
  return {
    dir: "03-platform-wrapper",
    phase: "platform-wrapper",
    order: "3",
    gate:
      "Platform, dispatcher and seam Deployments Available and their RBACProfiles provisioned by Guardian.",
    files: [
      _crdFile("platform-wrapper-crds.yaml", [GROUP_SEAM], "Platform, dispatcher and seam"),
      {
        name: "platform-wrapper-rbac.yaml",
        header: [
          "ServiceAccounts of platform, dispatcher and seam (and their executors). Cluster RBAC comes from Guardian",
          "via the RBACProfiles; only the leader-election Role of each operator (its own Lease) is static.",
        ],
        docs: [...rbac.serviceAccounts, ...rbac.leaderElection],
      },
      {
        name: "platform-wrapper-rbacprofiles.yaml",
        header: ["RBACProfiles of platform, dispatcher and seam."],
        docs: ops.map((op) => rbacProfile(op, o.clusterName)),
      },
      {
        name: "platform-executor-role.yaml",
        header: ["Role of the platform executor Jobs in ont-system."],
        docs: platformExecutorRbac(),
      },
      {
        name: "platform-wrapper-webhook-certs.yaml",
        header: [
          "Webhook serving certificates the platform, dispatcher and seam Deployments mount (issuer from phase 02).",
        ],
        docs: ops.map((op) =>
          servingCertificate(op.webhookCertSecret!, op.namespace, op.name, op.name, issuer)
        ),
      },
      {
        name: "platform-wrapper-deployments.yaml",
        header: ["Deployments of platform, dispatcher and seam."],
        docs: ops.map((op) => deployment(op, o)),
      },
      {
        name: "platform-wrapper-metrics-services.yaml",
        header: ["Metrics Services of platform, dispatcher and seam."],
        docs: ops.map(metricsService),
      },
    ],
  };
}

function _phase4(o: EnableOptions, signingKey: PhaseFile): Phase {
  const c = OPERATORS.conductor;
  const tenant = o.role === "tenant";
  const extras = tenant ? tenantConductorExtras(o.clusterName) : undefined;
  // No conductor-crds.yaml (compiler.md §5.3 listed a comment-only file): `kubectl apply -f` refuses a
  // file without objects, so every file in applyOrder holds at least one. The RunnerConfig CRD ships in
  // 00-infrastructure-dependencies/seam-core-crds.yaml (tenant) or 03-platform-wrapper/platform-wrapper-crds.yaml.
  const files: PhaseFile[] = [
    {
      name: "conductor-rbac.yaml",
      header: tenant
        ? [
          "Conductor ServiceAccount, its leader-election Role and (tenant) its static ClusterRole: no Guardian runs here.",
        ]
        : [
          "Conductor ServiceAccount and its leader-election Role; cluster RBAC comes from Guardian via rbac-conductor.",
        ],
      docs: conductorRbac(o.role, o.clusterName),
    },
  ];
  if (!tenant) {
    files.push({
      name: "conductor-rbacprofile.yaml",
      header: ["RBACProfile of the Conductor."],
      docs: [rbacProfile(c, o.clusterName)],
    });
  }
  if (extras) files.push(extras.webhookCert);
  files.push(signingKey);
  if (extras) files.push(extras.wal);
  files.push({
    name: "conductor-deployment.yaml",
    header: [
      `Conductor agent Deployment, role ${o.role} (env CONDUCTOR_ROLE=${o.role}, label ontai.dev/conductor-role).`,
    ],
    docs: [deployment(c, o)],
  });
  files.push({
    name: "conductor-metrics-service.yaml",
    header: ["Conductor metrics Service."],
    docs: [metricsService(c)],
  });
  if (extras) files.push(extras.services, extras.webhook);
  return {
    dir: "04-conductor",
    phase: "conductor",
    order: "4",
    gate: `Conductor Deployment Available with CONDUCTOR_ROLE=${o.role}${
      tenant ? "" : " and its RBACProfile provisioned"
    }.`,
    files,
  };
}

function _phase5(o: EnableOptions): Phase {
  const seam = OPERATORS.seam;
  const owner = { "governance.infrastructure.ontai.dev/owner": seam.name };
  const leaseOps = o.role === "management"
    ? ["conductor", ...OPERATOR_ORDER.filter((id) => id !== "conductor")] as const
    : ["conductor"] as const;
  const files: PhaseFile[] = [
    {
      name: "dsns-zone-configmap.yaml",
      header: ["DSNS zone file; starts empty and is filled by the seam operator."],
      docs: [{
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: meta("dsns-zone", KUBE_SYSTEM, { "seam.ontai.dev/dsns-zone": "true" }, owner),
        data: { "zone.db": "" },
      }],
    },
    {
      name: "coredns-deployment-patch.yaml",
      header: [
        "A strategic-merge PATCH, not an object to apply (listed under patches in phase-meta.yaml):",
        "  kubectl patch deployment coredns -n kube-system --patch-file coredns-deployment-patch.yaml",
      ],
      patch: true,
      docs: [{
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "coredns", namespace: KUBE_SYSTEM },
        spec: {
          template: {
            spec: {
              volumes: [{ name: "dsns-zone", configMap: { name: "dsns-zone" } }],
              containers: [{
                name: "coredns",
                volumeMounts: [{ name: "dsns-zone", mountPath: "/etc/coredns/dsns", readOnly: true }],
              }],
            },
          },
        },
      }],
    },
    {
      name: "dsns-loadbalancer.yaml",
      header: [
        "DSNS LoadBalancer Service in front of CoreDNS.",
        "The lbipam.cilium.io/ips annotation pins the address; it is set from --dsns-ip when given.",
      ],
      docs: [{
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(
          "dsns-loadbalancer",
          KUBE_SYSTEM,
          {},
          o.dsnsIp !== "" ? { ...owner, "lbipam.cilium.io/ips": o.dsnsIp } : owner,
        ),
        spec: {
          type: "LoadBalancer",
          selector: { "k8s-app": "kube-dns" },
          ports: [
            { name: "dns-udp", port: 53, targetPort: 53, protocol: "UDP" },
            { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" },
          ],
        },
      }],
    },
    {
      name: "leaderelection.yaml",
      header: ["Leader-election Leases (empty templates; the operators fill holder and timings)."],
      docs: leaseOps.map((id) => lease(OPERATORS[id], leaseOf(OPERATORS[id], o.clusterName))),
    },
  ];
  if (o.clusterName !== "" && o.role !== "tenant") {
    const ns = tenantNamespace(o.clusterName);
    const kl = { "ontai.dev/managed-by": MANAGED_BY };
    files.push({
      name: "pack-deploy-queue.yaml",
      header: [
        `Kueue scaffold for pack-deploy Jobs of cluster ${o.clusterName}: ResourceFlavor, ClusterQueue, LocalQueue.`,
      ],
      docs: [
        {
          apiVersion: "kueue.x-k8s.io/v1beta1",
          kind: "ResourceFlavor",
          metadata: meta(PACK_DEPLOY_FLAVOR, undefined, kl),
          spec: {},
        },
        {
          apiVersion: "kueue.x-k8s.io/v1beta1",
          kind: "ClusterQueue",
          metadata: meta(PACK_DEPLOY_CLUSTER_QUEUE, undefined, kl),
          spec: {
            namespaceSelector: { matchLabels: { "ontai.dev/managed-by": "platform" } },
            resourceGroups: [{
              coveredResources: ["cpu", "memory"],
              flavors: [{
                name: PACK_DEPLOY_FLAVOR,
                resources: [{ name: "cpu", nominalQuota: "8" }, { name: "memory", nominalQuota: "16Gi" }],
              }],
            }],
          },
        },
        {
          apiVersion: "kueue.x-k8s.io/v1beta1",
          kind: "LocalQueue",
          metadata: meta(PACK_DEPLOY_LOCAL_QUEUE, ns, { ...kl, "platform.ontai.dev/cluster": o.clusterName }),
          spec: { clusterQueue: PACK_DEPLOY_CLUSTER_QUEUE },
        },
      ],
    });
    files.push({
      name: `${RUNNER_NAME}.yaml`,
      header: [
        `The dispatcher runner of cluster ${o.clusterName}: namespaced pack RBAC plus the cluster-scoped bucket.`,
      ],
      docs: runnerRbac(o.clusterName),
    });
  }
  return {
    dir: "05-post-bootstrap",
    phase: "post-bootstrap",
    order: "5",
    gate:
      "No gate. The DSNS zone ConfigMap starts empty and is filled by seam; apply the CoreDNS patch listed under patches; Leases start empty. The Corefile stanza is patched by the lab enable script (C-COREDNS-PATCH).",
    files,
  };
}

export const MANAGEMENT_SIDE_DIR = "management-side";

/**
 * Tenant bundle only: what the MANAGEMENT cluster needs for this tenant's agent (conductor.md §2.10,
 * §4): the agent's identity there (ServiceAccount seam-tenant-{c}/conductor-{c}) and its Roles in
 * seam-system and seam-tenant-{c}. The operator applies it on the management cluster and mints the
 * tenant's `conductor-mgmt-kubeconfig` Secret from that ServiceAccount (TokenRequest).
 */
function _managementSide(o: EnableOptions): Phase {
  const ns = tenantNamespace(o.clusterName);
  const sa = tenantRemoteName(o.clusterName);
  const mgmtSecret = TENANT.mgmtKubeconfigSecret;
  return {
    dir: MANAGEMENT_SIDE_DIR,
    phase: `management-side-${o.clusterName}`,
    order: "management",
    gate:
      `APPLY ON THE MANAGEMENT CLUSTER, not on the tenant (${SEAM_SYSTEM} and ${ns} must exist there). Then mint the tenant's ${ONT_SYSTEM}/${mgmtSecret} Secret (key value) from ServiceAccount ${ns}/${sa} with a TokenRequest; see conductor-remote-rbac.yaml.`,
    files: [{
      name: "conductor-remote-rbac.yaml",
      header: [
        `APPLY ON THE MANAGEMENT CLUSTER. The identity tenant ${o.clusterName}'s Conductor uses there`,
        `(MGMT_KUBECONFIG_PATH): ServiceAccount ${ns}/${sa}, a Role + RoleBinding in ${SEAM_SYSTEM}`,
        `(PermissionSnapshots: get/list, status patch) and in ${ns} (Secrets get/list, PackInstalled get +`,
        "status patch, PackDelivery get, DriftSignal get/create/patch/delete).",
        "",
        "Mint the tenant's kubeconfig Secret from it (TokenRequest; --duration is capped by the API server):",
        `  TOKEN=$(kubectl --context <management> -n ${ns} create token ${sa} --duration=8760h)`,
        `  kubectl config --kubeconfig mgmt.kubeconfig set-cluster mgmt --server=<management API URL> \\`,
        "    --certificate-authority=<management CA file> --embed-certs",
        `  kubectl config --kubeconfig mgmt.kubeconfig set-credentials ${sa} --token="$TOKEN"`,
        `  kubectl config --kubeconfig mgmt.kubeconfig set-context mgmt --cluster=mgmt --user=${sa}`,
        "  kubectl config --kubeconfig mgmt.kubeconfig use-context mgmt",
        `  kubectl --context <tenant> -n ${ONT_SYSTEM} create secret generic ${mgmtSecret} --from-file=value=mgmt.kubeconfig`,
        "Re-mint it before the token expires and restart the Conductor. The kubeconfig is a credential: keep it out of Git.",
      ],
      docs: tenantRemoteRbac(o.clusterName),
    }],
  };
}

/** Every phase for these options, in apply order. `signingKey` is the prepared 04 key file. */
export function buildPhases(o: EnableOptions, signingKey: PhaseFile): Phase[] {
  const out = [_phase0(o), _phase0a(o)];
  if (o.capi) out.push(_phase0b());
  if (o.role !== "tenant") out.push(_phase1(o), _phase2(o), _phase3(o));
  out.push(_phase4(o, signingKey), _phase5(o));
  if (o.role === "tenant") out.push(_managementSide(o));
  return out;
}
