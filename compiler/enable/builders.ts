/** Shared object builders of `compiler enable` (compiler.md §5.6). Plain objects; YAML comes later. */
import { apiVersionOf, GROUP_GUARDIAN, GROUP_SEAM, KIND_NAMES } from "../../schemas/mod.ts";
import {
  type ClusterRole,
  imageOf,
  MANAGED_BY,
  MANAGEMENT,
  type Operator,
  OPERATORS,
  principalOf,
  SEAM_SYSTEM,
} from "./operators.ts";

export type Obj = Record<string, unknown>;

export const FULL_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];
export const MANAGEMENT_POLICY = "management-policy";
export const MANAGEMENT_MAXIMUM = "management-maximum";
export const RBAC_OWNER = { "ontai.dev/rbac-owner": "guardian" };

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export function rule(
  apiGroups: string[],
  resources: string[],
  verbs: string[],
  resourceNames?: string[],
): Rule {
  return resourceNames ? { apiGroups, resources, verbs, resourceNames } : { apiGroups, resources, verbs };
}

/** `<plural>` (+ `/status`, …) of a kind from the one names table. */
export function plural(kind: keyof typeof KIND_NAMES, ...sub: string[]): string[] {
  const p = KIND_NAMES[kind].plural;
  return [p, ...sub.map((s) => `${p}/${s}`)];
}

export function labels(op: Operator, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": op.name,
    "app.kubernetes.io/component": component,
    "ontai.dev/managed-by": MANAGED_BY,
  };
}

export function meta(
  name: string,
  namespace: string | undefined,
  lbls: Record<string, string>,
  annotations?: Record<string, string>,
): Obj {
  const m: Obj = { name };
  if (namespace !== undefined) m.namespace = namespace;
  if (Object.keys(lbls).length > 0) m.labels = lbls;
  if (annotations && Object.keys(annotations).length > 0) m.annotations = annotations;
  return m;
}

export function namespaceObj(name: string, lbls: Record<string, string>): Obj {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: lbls } };
}

export function serviceAccount(op: Operator, name: string, namespace: string, component = "operator"): Obj {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(name, namespace, labels(op, component)) };
}

export function role(
  kind: "Role" | "ClusterRole",
  name: string,
  namespace: string | undefined,
  lbls: Record<string, string>,
  rules: Rule[],
  annotations: Record<string, string> = RBAC_OWNER,
): Obj {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: meta(name, namespace, lbls, annotations),
    rules,
  };
}

export function binding(
  kind: "RoleBinding" | "ClusterRoleBinding",
  name: string,
  namespace: string | undefined,
  lbls: Record<string, string>,
  roleName: string,
  subject: { name: string; namespace: string },
  annotations: Record<string, string> = RBAC_OWNER,
): Obj {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: meta(name, namespace, lbls, annotations),
    roleRef: {
      apiGroup: "rbac.authorization.k8s.io",
      kind: kind === "RoleBinding" ? "Role" : "ClusterRole",
      name: roleName,
    },
    subjects: [{ kind: "ServiceAccount", name: subject.name, namespace: subject.namespace }],
  };
}

/**
 * Role + RoleBinding letting an operator run leader election on its own Lease only (least
 * privilege: get/update/patch restricted by name; `create` cannot be, so it stays unrestricted, as
 * client-go creates the Lease when absent) and record Events in its namespace.
 */
export function leaderElectionRbac(op: Operator, lease: string): Obj[] {
  const name = `${op.name}-leader-election`;
  const lbls = labels(op, "leader-election");
  return [
    role("Role", name, op.namespace, lbls, [
      rule(["coordination.k8s.io"], ["leases"], ["get", "update", "patch"], [lease]),
      rule(["coordination.k8s.io"], ["leases"], ["create"]),
      rule([""], ["events"], ["create", "patch"]),
      rule(["events.k8s.io"], ["events"], ["create", "patch"]),
    ]),
    binding("RoleBinding", name, op.namespace, lbls, name, {
      name: op.serviceAccount,
      namespace: op.namespace,
    }),
  ];
}

/** `management` first, then the cluster name unless empty or `management`. */
export function targetClusters(clusterName: string): string[] {
  const extra = [clusterName].filter((c) => c !== "" && c !== MANAGEMENT);
  return [MANAGEMENT, ...[...new Set(extra)].sort()];
}

export function rbacProfile(op: Operator, clusterName: string): Obj {
  return {
    apiVersion: apiVersionOf("RBACProfile"),
    kind: KIND_NAMES.RBACProfile.kind,
    metadata: meta(
      `rbac-${op.name}`,
      SEAM_SYSTEM,
      { ...labels(op, "operator"), "ontai.dev/rbac-profile-type": "seam-operator" },
      { "ontai.dev/review-required": "true" },
    ),
    spec: {
      principalRef: principalOf(op),
      rbacPolicyRef: MANAGEMENT_POLICY,
      targetClusters: targetClusters(clusterName),
      permissionDeclarations: [{ permissionSetRef: MANAGEMENT_MAXIMUM, scope: "cluster" }],
      domainIdentityRef: op.name,
    },
  };
}

export function seamMembership(op: Operator): Obj {
  return {
    apiVersion: apiVersionOf("SeamMembership"),
    kind: KIND_NAMES.SeamMembership.kind,
    metadata: meta(op.name, SEAM_SYSTEM, {
      "app.kubernetes.io/name": op.name,
      "app.kubernetes.io/component": "seam-membership",
      "ontai.dev/managed-by": MANAGED_BY,
      "ontai.dev/membership-tier": "infrastructure",
    }),
    spec: {
      appIdentityRef: op.name,
      domainIdentityRef: op.name,
      principalRef: principalOf(op),
      tier: "infrastructure",
    },
  };
}

export function metricsService(op: Operator): Obj {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(`${op.name}-metrics`, op.namespace, {
      "app.kubernetes.io/name": op.name,
      "app.kubernetes.io/component": "metrics",
    }),
    spec: {
      selector: { "app.kubernetes.io/name": op.name },
      ports: [{ name: "metrics", port: 8080, targetPort: 8080, protocol: "TCP" }],
    },
  };
}

export function lease(op: Operator, name: string): Obj {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: meta(name, op.namespace, labels(op, "leader-election")),
  };
}

export interface DeploymentOptions {
  registry: string;
  version: string;
  clusterName: string;
  role: ClusterRole;
  dsnsIp: string;
}

const _fieldRef = (name: string, path: string) => ({ name, valueFrom: { fieldRef: { fieldPath: path } } });
const _env = (name: string, value: string) => ({ name, value });

export const SIGNING_DIR = "/etc/conductor/signing";
export const SIGNING_SECRET = "conductor-signing-key";
export const CONDUCTOR_ROLE_LABEL = "ontai.dev/conductor-role";
export const ROLE_ANNOTATION = "platform.ontai.dev/role";
export const CLUSTER_REF_ANNOTATION = "platform.ontai.dev/cluster-ref";

/** Tenant Conductor wiring (conductor.md §2.5, §2.10; C-D6). */
export const TENANT = {
  mgmtKubeconfigSecret: "conductor-mgmt-kubeconfig",
  mgmtKubeconfigDir: "/etc/conductor/mgmt",
  webhookCertSecret: "conductor-webhook-cert",
  webhookCertDir: "/etc/conductor/webhook",
  federationSecret: "conductor-federation-tls",
  federationDir: "/etc/conductor/federation",
  walClaim: "conductor-wal",
  walDir: "/var/lib/conductor",
  permissionService: "conductor-permission-service",
  webhookService: "conductor-webhook",
  webhookConfig: "conductor-tenant-webhook",
} as const;

/** The operator Deployment (§5.6), plus the conductor's role stamp and tenant wiring. */
export function deployment(op: Operator, o: DeploymentOptions): Obj {
  const isConductor = op.id === "conductor";
  const env: Obj[] = [
    _fieldRef("POD_NAMESPACE", "metadata.namespace"),
    _fieldRef("POD_NAME", "metadata.name"),
  ];
  const volumes: Obj[] = [];
  const mounts: Obj[] = [];
  const podAnnotations: Record<string, string> = {};
  const depLabels: Record<string, string> = labels(op, "operator");
  const podLabels: Record<string, string> = {
    "app.kubernetes.io/name": op.name,
    "app.kubernetes.io/component": "operator",
  };
  const container: Obj = {
    name: op.name,
    image: imageOf(op, o.registry, o.version),
    imagePullPolicy: "Always",
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
  const podSpec: Obj = {
    serviceAccountName: op.serviceAccount,
    securityContext: { runAsNonRoot: true },
    terminationGracePeriodSeconds: 30,
  };
  if (op.id === "guardian") {
    env.push(
      _env("CNPG_SECRET_NAME", "guardian-db-app"),
      _env("CNPG_SECRET_NAMESPACE", SEAM_SYSTEM),
      _env("GUARDIAN_ROLE", "management"),
      _fieldRef("OPERATOR_NAMESPACE", "metadata.namespace"),
      _env("PERMISSION_SNAPSHOT_FRESHNESS_WINDOW", "3600"),
    );
  } else if (isConductor) {
    const clusterRef = o.clusterName === "" ? MANAGEMENT : o.clusterName;
    podAnnotations[ROLE_ANNOTATION] = o.role;
    podAnnotations[CLUSTER_REF_ANNOTATION] = clusterRef;
    depLabels[CONDUCTOR_ROLE_LABEL] = o.role;
    podLabels[CONDUCTOR_ROLE_LABEL] = o.role;
    container.args = ["agent"];
    // DECISIONS: the stamper sets CONDUCTOR_ROLE directly (the label and annotation mirror it).
    env.push(_env("CONDUCTOR_ROLE", o.role), _env("CLUSTER_REF", clusterRef));
    if (o.role !== "tenant") env.push(_env("SIGNING_PRIVATE_KEY_PATH", `${SIGNING_DIR}/private.pem`));
    env.push(_env("SIGNING_PUBLIC_KEY_PATH", `${SIGNING_DIR}/public.pem`));
    volumes.push({ name: SIGNING_SECRET, secret: { secretName: SIGNING_SECRET } });
    mounts.push({ name: SIGNING_SECRET, mountPath: SIGNING_DIR, readOnly: true });
    volumes.push({ name: "tmp", emptyDir: {} });
    mounts.push({ name: "tmp", mountPath: "/tmp" });
    container.ports = [{ name: "metrics", containerPort: 8080, protocol: "TCP" }];
    container.livenessProbe = {
      httpGet: { path: "/healthz", port: "metrics" },
      periodSeconds: 10,
      failureThreshold: 3,
    };
    container.readinessProbe = {
      httpGet: { path: "/readyz", port: "metrics" },
      periodSeconds: 5,
      failureThreshold: 3,
    };
    if (o.role === "tenant") _tenantWiring(env, volumes, mounts, container, podSpec);
  } else {
    env.push(_fieldRef("OPERATOR_NAMESPACE", "metadata.namespace"));
    if (op.id === "platform") env.push(_env("CONDUCTOR_REGISTRY", o.registry));
    if (op.id === "seam" && o.dsnsIp !== "") env.push(_env("DSNS_SERVICE_IP", o.dsnsIp));
  }
  if (op.webhookCertSecret) {
    volumes.push({ name: "webhook-certs", secret: { secretName: op.webhookCertSecret } });
    mounts.push({
      name: "webhook-certs",
      mountPath: "/tmp/k8s-webhook-server/serving-certs",
      readOnly: true,
    });
  }
  container.env = env;
  if (mounts.length > 0) container.volumeMounts = mounts;
  podSpec.containers = [container];
  if (volumes.length > 0) podSpec.volumes = volumes;
  const podMeta: Obj = { labels: podLabels };
  if (Object.keys(podAnnotations).length > 0) podMeta.annotations = podAnnotations;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(op.name, op.namespace, depLabels),
    spec: {
      replicas: 2,
      selector: { matchLabels: { "app.kubernetes.io/name": op.name } },
      template: { metadata: podMeta, spec: podSpec },
    },
  };
}

function _tenantWiring(env: Obj[], volumes: Obj[], mounts: Obj[], container: Obj, podSpec: Obj): void {
  env.push(
    _env("MGMT_KUBECONFIG_PATH", `${TENANT.mgmtKubeconfigDir}/value`),
    _env("PERMISSION_SERVICE_ADDR", ":50051"),
    _env("WEBHOOK_ADDR", ":8443"),
    _env("WEBHOOK_TLS_CERT_PATH", `${TENANT.webhookCertDir}/tls.crt`),
    _env("WEBHOOK_TLS_KEY_PATH", `${TENANT.webhookCertDir}/tls.key`),
    _env("FEDERATION_CA_CERT_PATH", `${TENANT.federationDir}/ca.crt`),
    _env("FEDERATION_CLIENT_CERT_PATH", `${TENANT.federationDir}/tls.crt`),
    _env("FEDERATION_CLIENT_KEY_PATH", `${TENANT.federationDir}/tls.key`),
    _env("WAL_PATH", `${TENANT.walDir}/federation-wal`),
  );
  // The management kubeconfig and the federation client certificate come from the management side;
  // both Secrets are optional so the agent starts (and logs what is missing) before they exist.
  volumes.push(
    { name: "mgmt-kubeconfig", secret: { secretName: TENANT.mgmtKubeconfigSecret, optional: true } },
    { name: "webhook-cert", secret: { secretName: TENANT.webhookCertSecret } },
    { name: "federation-tls", secret: { secretName: TENANT.federationSecret, optional: true } },
    { name: "wal", persistentVolumeClaim: { claimName: TENANT.walClaim } },
  );
  mounts.push(
    { name: "mgmt-kubeconfig", mountPath: TENANT.mgmtKubeconfigDir, readOnly: true },
    { name: "webhook-cert", mountPath: TENANT.webhookCertDir, readOnly: true },
    { name: "federation-tls", mountPath: TENANT.federationDir, readOnly: true },
    { name: "wal", mountPath: TENANT.walDir },
  );
  (container.ports as Obj[]).push(
    { name: "grpc", containerPort: 50051, protocol: "TCP" },
    { name: "webhook", containerPort: 8443, protocol: "TCP" },
  );
  // The WAL claim is ReadWriteOnce: keep both replicas on the node that mounts it.
  podSpec.affinity = {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{
        labelSelector: { matchLabels: { "app.kubernetes.io/name": OPERATORS.conductor.name } },
        topologyKey: "kubernetes.io/hostname",
      }],
    },
  };
}

export { GROUP_GUARDIAN, GROUP_SEAM };
