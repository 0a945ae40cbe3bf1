/**
 * The static RBAC `compiler enable` emits (compiler.md §5.5–§5.6; conductor.md §13.3 / C-D6). Only
 * Guardian gets a static ClusterRole on management; every other management operator receives its
 * RBAC from Guardian through its RBACProfile, plus a namespaced leader-election Role here.
 */
import { GROUP_GUARDIAN, GROUP_SEAM } from "../../schemas/mod.ts";
import {
  binding,
  FULL_VERBS,
  labels,
  leaderElectionRbac,
  meta,
  type Obj,
  plural,
  RBAC_OWNER,
  role,
  type Rule,
  rule,
  serviceAccount,
} from "./builders.ts";
import {
  conductorLeaseName,
  ONT_SYSTEM,
  OPERATORS,
  PHASE3_OPERATORS,
  RUNNER_CLUSTER_ROLE,
  RUNNER_NAME,
  SEAM_SYSTEM,
  tenantNamespace,
} from "./operators.ts";

export const GUARDIAN_CLUSTER_ROLE = `${OPERATORS.guardian.name}-manager-role`;
export const GUARDIAN_CLUSTER_ROLE_BINDING = `${OPERATORS.guardian.name}-manager-rolebinding`;
export const PLATFORM_EXECUTOR_ROLE = OPERATORS.platform.executorServiceAccount!;
export const TENANT_CONDUCTOR_CLUSTER_ROLE = `${OPERATORS.conductor.name}-tenant`;

const GUARDIAN_RESOURCES = [
  "rbacpolicies",
  "rbacprofiles",
  "identitybindings",
  "identityproviders",
  "permissionsets",
  "permissionsnapshots",
  "permissionsnapshotreceipts",
  "guardians",
] as const;

/** §5.6 rules 1–12, in order. */
export function guardianRules(): Rule[] {
  return [
    rule([""], ["events"], ["create", "patch"]),
    rule(["events.k8s.io"], ["events"], ["create", "patch"]),
    rule(["coordination.k8s.io"], ["leases"], FULL_VERBS),
    rule([""], ["serviceaccounts"], FULL_VERBS),
    rule([""], ["configmaps"], ["get", "list", "watch", "create", "update", "patch"]),
    rule([""], ["secrets"], ["get", "list", "watch", "create", "update", "patch"]),
    rule([""], ["namespaces"], ["get", "list", "watch", "update", "patch"]),
    rule([GROUP_GUARDIAN], GUARDIAN_RESOURCES.flatMap((r) => [r, `${r}/status`]), FULL_VERBS),
    rule(
      ["rbac.authorization.k8s.io"],
      ["clusterroles", "clusterrolebindings", "roles", "rolebindings"],
      [...FULL_VERBS, "bind", "escalate"],
    ),
    rule([GROUP_SEAM], plural("RunnerConfig"), ["get"]),
    rule([GROUP_SEAM], plural("TalosCluster", "status", "finalizers"), [
      "get",
      "list",
      "watch",
      "update",
      "patch",
    ]),
    rule([GROUP_SEAM], plural("SeamMembership", "status", "finalizers"), FULL_VERBS),
  ];
}

export function guardianRbac(): Obj[] {
  const g = OPERATORS.guardian;
  const l = labels(g, "operator");
  return [
    serviceAccount(g, g.serviceAccount, g.namespace),
    role("ClusterRole", GUARDIAN_CLUSTER_ROLE, undefined, l, guardianRules()),
    binding("ClusterRoleBinding", GUARDIAN_CLUSTER_ROLE_BINDING, undefined, l, GUARDIAN_CLUSTER_ROLE, {
      name: g.serviceAccount,
      namespace: g.namespace,
    }),
  ];
}

/** Phase 03 ServiceAccounts (no ClusterRole) and the leader-election Roles of platform, dispatcher, seam. */
export function phase3Rbac(): { serviceAccounts: Obj[]; leaderElection: Obj[] } {
  const sas: Obj[] = [];
  const le: Obj[] = [];
  for (const id of PHASE3_OPERATORS) {
    const op = OPERATORS[id];
    sas.push(serviceAccount(op, op.serviceAccount, op.namespace));
    if (op.executorServiceAccount) {
      sas.push(serviceAccount(op, op.executorServiceAccount, ONT_SYSTEM, "executor"));
    }
    le.push(...leaderElectionRbac(op, op.lease!));
  }
  return { serviceAccounts: sas, leaderElection: le };
}

export function platformExecutorRbac(): Obj[] {
  const p = OPERATORS.platform;
  const l = labels(p, "executor");
  return [
    role("Role", PLATFORM_EXECUTOR_ROLE, ONT_SYSTEM, l, [
      rule([GROUP_SEAM], plural("TalosClusterOperationResult"), ["get", "create", "update", "patch"]),
      rule([""], ["secrets"], ["get", "create", "update", "patch"]),
    ]),
    binding("RoleBinding", PLATFORM_EXECUTOR_ROLE, ONT_SYSTEM, l, PLATFORM_EXECUTOR_ROLE, {
      name: p.executorServiceAccount!,
      namespace: ONT_SYSTEM,
    }),
  ];
}

/** Conductor RBAC: the SA and its leader-election Role; on tenants also the static ClusterRole (C-D6). */
export function conductorRbac(role_: "management" | "tenant", clusterName: string): Obj[] {
  const c = OPERATORS.conductor;
  const out: Obj[] = [serviceAccount(c, c.serviceAccount, c.namespace)];
  out.push(...leaderElectionRbac(c, conductorLeaseName(clusterName)));
  if (role_ === "tenant") {
    const l = labels(c, "operator");
    out.push(
      role("ClusterRole", TENANT_CONDUCTOR_CLUSTER_ROLE, undefined, l, tenantConductorRules()),
      binding(
        "ClusterRoleBinding",
        TENANT_CONDUCTOR_CLUSTER_ROLE,
        undefined,
        l,
        TENANT_CONDUCTOR_CLUSTER_ROLE,
        {
          name: c.serviceAccount,
          namespace: c.namespace,
        },
      ),
    );
  }
  return out;
}

/**
 * What the tenant agent does on its own cluster (conductor.md §4.4–§4.13): pull loops apply
 * RBACPolicy/RBACProfile and receipts, drift loops read nodes and deployed objects, the sweep labels
 * existing RBAC objects and creates third-party profiles, the TalosCluster is marked Ready, pack
 * teardown deletes what a deleted pack installed. No RBAC create, no list/watch of Secrets.
 */
export function tenantConductorRules(): Rule[] {
  const rw = ["get", "list", "watch", "create", "update", "patch"];
  return [
    rule([""], ["events"], ["create", "patch"]),
    rule(["events.k8s.io"], ["events"], ["create", "patch"]),
    rule([""], ["nodes", "namespaces"], ["get", "list", "watch"]),
    rule([""], ["serviceaccounts"], ["get", "list", "watch", "update", "patch"]),
    rule(
      ["rbac.authorization.k8s.io"],
      ["roles", "rolebindings", "clusterroles", "clusterrolebindings"],
      ["get", "list", "watch", "update", "patch"],
    ),
    // Bootstrap sweep phase 1 (conductor.md §4.13) annotates EXISTING RBAC objects (cluster-admin, admin,
    // edit, their bindings, …). The API server refuses any update of a (Cluster)Role granting more than the
    // agent holds without `escalate`, and any update of a binding to a role it does not hold without
    // `bind`. The agent never creates RBAC objects (no `create` above).
    rule(["rbac.authorization.k8s.io"], ["roles", "clusterroles"], ["escalate", "bind"]),
    rule([GROUP_SEAM], plural("RunnerConfig", "status"), ["get", "list", "watch", "update", "patch"]),
    rule([GROUP_SEAM], plural("TalosCluster"), ["get", "list", "watch"]),
    rule([GROUP_SEAM], plural("TalosCluster", "status").slice(1), ["get", "update", "patch"]),
    rule([GROUP_SEAM], plural("PackReceipt", "status"), rw),
    rule([GROUP_GUARDIAN], plural("PermissionSnapshotReceipt", "status"), rw),
    rule([GROUP_GUARDIAN], plural("PermissionSnapshot"), ["get", "list", "watch"]),
    rule(
      [GROUP_GUARDIAN],
      [...plural("RBACPolicy"), ...plural("RBACProfile"), ...plural("PermissionSet")],
      rw,
    ),
    // Pack drift: existence checks of whatever a pack deployed (get by name only).
    rule(["*"], ["*"], ["get"]),
    // Pack teardown (conductor.md §4.8): when a PackDelivery is deleted the agent deletes every object
    // the pack installed (any kind, from the receipt's inventory) and then its own PackReceipt. The
    // inventory is open-ended, so `delete` cannot be narrowed to a list of kinds.
    rule(["*"], ["*"], ["delete"]),
  ];
}

/** Name of the tenant agent's ServiceAccount (and Roles) on the MANAGEMENT cluster, in seam-tenant-{c}. */
export function tenantRemoteName(cluster: string): string {
  return `${OPERATORS.conductor.name}-${cluster}`;
}

/**
 * What the tenant agent does on the MANAGEMENT cluster with its MGMT_KUBECONFIG_PATH identity
 * (conductor.md §4.4–§4.12): in seam-system it reads PermissionSnapshots and acknowledges them on
 * status; in seam-tenant-{c} it reads the signed-artifact Secrets, PackDeliveries and PackInstalleds
 * (marking the latter degraded on status) and owns its DriftSignals.
 */
export function tenantRemoteRules(): { seamSystem: Rule[]; tenantNamespace: Rule[] } {
  return {
    seamSystem: [
      rule([GROUP_GUARDIAN], plural("PermissionSnapshot"), ["get", "list"]),
      rule([GROUP_GUARDIAN], plural("PermissionSnapshot", "status").slice(1), ["patch"]),
    ],
    tenantNamespace: [
      rule([""], ["secrets"], ["get", "list"]),
      rule([GROUP_SEAM], plural("PackInstalled"), ["get"]),
      rule([GROUP_SEAM], plural("PackInstalled", "status").slice(1), ["patch"]),
      rule([GROUP_SEAM], plural("PackDelivery"), ["get"]),
      rule([GROUP_SEAM], plural("DriftSignal"), ["get", "create", "patch", "delete"]),
    ],
  };
}

/**
 * The tenant agent's identity on the management cluster: ServiceAccount seam-tenant-{c}/conductor-{c},
 * a Role + RoleBinding in seam-system and in seam-tenant-{c}. Applied on the MANAGEMENT cluster.
 */
export function tenantRemoteRbac(cluster: string): Obj[] {
  const c = OPERATORS.conductor;
  const ns = tenantNamespace(cluster);
  const name = tenantRemoteName(cluster);
  const l = { ...labels(c, "management-side"), "platform.ontai.dev/cluster": cluster };
  const subject = { name, namespace: ns };
  const r = tenantRemoteRules();
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(name, ns, l) },
    role("Role", name, SEAM_SYSTEM, l, r.seamSystem),
    binding("RoleBinding", name, SEAM_SYSTEM, l, name, subject),
    role("Role", name, ns, l, r.tenantNamespace),
    binding("RoleBinding", name, ns, l, name, subject),
  ];
}

/** The per-tenant dispatcher runner (§5.5 05, with D-E4 fixed: `apiservices`). */
export function runnerRbac(cluster: string): Obj[] {
  const d = OPERATORS.dispatcher;
  const ns = tenantNamespace(cluster);
  const l = labels(d, "runner");
  const subject = { name: RUNNER_NAME, namespace: ns };
  const cs = ["get", "create", "update", "patch", "delete"];
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(RUNNER_NAME, ns, l) },
    role("Role", RUNNER_NAME, ns, l, [
      rule(
        [""],
        [
          "configmaps",
          "secrets",
          "serviceaccounts",
          "services",
          "persistentvolumeclaims",
          "endpoints",
          "pods",
        ],
        FULL_VERBS,
      ),
      rule(["apps"], ["deployments", "daemonsets", "statefulsets", "replicasets"], FULL_VERBS),
      rule(["networking.k8s.io"], ["ingresses", "ingressclasses"], FULL_VERBS),
      rule(["batch"], ["jobs", "cronjobs"], FULL_VERBS),
      rule(["autoscaling"], ["horizontalpodautoscalers"], FULL_VERBS),
      rule(
        [GROUP_SEAM],
        [...plural("PackExecution"), ...plural("PackDelivery"), ...plural("PackInstalled")],
        ["get", "list", "watch"],
      ),
      rule([GROUP_SEAM], plural("RunnerConfig"), ["get", "list", "watch", "patch", "update"]),
      rule([GROUP_GUARDIAN], plural("RBACProfile"), ["get", "list", "watch"]),
      rule([GROUP_SEAM], plural("PackOperationResult"), FULL_VERBS),
    ]),
    binding("RoleBinding", RUNNER_NAME, ns, l, RUNNER_NAME, subject),
    role("ClusterRole", RUNNER_CLUSTER_ROLE, undefined, l, [
      rule(
        ["admissionregistration.k8s.io"],
        ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
        cs,
      ),
      rule(["apiextensions.k8s.io"], ["customresourcedefinitions"], cs),
      rule(["storage.k8s.io"], ["storageclasses"], cs),
      rule(["scheduling.k8s.io"], ["priorityclasses"], cs),
      rule(["networking.k8s.io"], ["ingressclasses"], cs),
      rule(["cert-manager.io"], ["clusterissuers"], cs),
      rule(["apiregistration.k8s.io"], ["apiservices"], cs),
    ]),
    binding(
      "ClusterRoleBinding",
      `${RUNNER_CLUSTER_ROLE}-${cluster}`,
      undefined,
      l,
      RUNNER_CLUSTER_ROLE,
      subject,
    ),
  ];
}

export { RBAC_OWNER };
