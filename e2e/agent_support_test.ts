// Helpers shared by the e2e/agent_*_test.ts suites (no tests here): CRDs, RBAC for the agent roles,
// ServiceAccount kubeconfigs, signing keys, and agents run as real `deno run -P=conductor` subprocesses.
import { launchBundle } from "../compiler/launch/launch.ts";
import { apiVersionOf, KIND_NAMES, type KindId } from "../schemas/names.ts";
import { apply, type Cluster, type KubeObject, parseManifests } from "./cluster/mod.ts";

export const MAIN = new URL("../conductor/main.ts", import.meta.url).pathname;
export const COMPILER_MAIN = new URL("../compiler/main.ts", import.meta.url).pathname;
export const FM = "seam-e2e-agent";

export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${last})` : ""}`,
  );
}

export function kpath(kind: KindId, ns?: string, name?: string, sub?: string): string {
  let p = `/apis/${apiVersionOf(kind)}`;
  if (ns) p += `/namespaces/${ns}`;
  p += `/${KIND_NAMES[kind].plural}`;
  if (name) p += `/${name}`;
  if (sub) p += `/${sub}`;
  return p;
}

const g = (k: KindId) => KIND_NAMES[k].group;
const pl = (k: KindId, sub = "") => KIND_NAMES[k].plural + sub;

export async function installCrds(c: Cluster): Promise<void> {
  await apply(c.client, launchBundle(), { fieldManager: FM });
}

export async function namespaces(c: Cluster, names: string[]): Promise<void> {
  await apply(
    c.client,
    names.map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n } }) as KubeObject),
    { fieldManager: FM },
  );
}

export type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

export const LEASE_RULE: Rule = {
  apiGroups: ["coordination.k8s.io"],
  resources: ["leases"],
  verbs: ["get", "create", "update"],
};

/** The management agent's RBAC (report: what `compiler enable` must grant). */
export function managementRules(): { cluster: Rule[]; agentNamespace: Rule[] } {
  return {
    cluster: [
      { apiGroups: [g("RunnerConfig")], resources: [pl("RunnerConfig")], verbs: ["get", "list", "watch"] },
      { apiGroups: [g("RunnerConfig")], resources: [pl("RunnerConfig", "/status")], verbs: ["get", "patch"] },
      { apiGroups: [g("DriftSignal")], resources: [pl("DriftSignal")], verbs: ["get", "create"] },
      {
        apiGroups: [g("PackDelivery")],
        resources: [pl("PackDelivery"), pl("PackInstalled")],
        verbs: ["get", "list", "watch", "patch"],
      },
      {
        apiGroups: [g("PermissionSnapshot")],
        resources: [pl("PermissionSnapshot")],
        verbs: ["get", "list", "watch", "patch"],
      },
      {
        apiGroups: [g("PermissionSnapshot")],
        resources: [pl("PermissionSnapshot", "/status")],
        verbs: ["patch"],
      },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "update"] },
    ],
    agentNamespace: [LEASE_RULE],
  };
}

/** The tenant agent's RBAC on its own cluster (namespace-scoped to the agent namespace). */
export function tenantLocalRules(): Rule[] {
  return [
    LEASE_RULE,
    {
      apiGroups: [g("PermissionSnapshotReceipt")],
      resources: [pl("PermissionSnapshotReceipt")],
      verbs: ["get", "create", "patch"],
    },
    {
      apiGroups: [g("PermissionSnapshotReceipt")],
      resources: [pl("PermissionSnapshotReceipt", "/status")],
      verbs: ["patch"],
    },
    { apiGroups: [g("PackReceipt")], resources: [pl("PackReceipt")], verbs: ["get", "create", "patch"] },
    { apiGroups: [g("PackReceipt")], resources: [pl("PackReceipt", "/status")], verbs: ["patch"] },
  ];
}

/** The tenant agent's RBAC on the management cluster: `seam-system` and `seam-tenant-{cluster}`. */
export function tenantOnManagementRules(): { seamSystem: Rule[]; tenantNamespace: Rule[] } {
  return {
    seamSystem: [
      { apiGroups: [g("PermissionSnapshot")], resources: [pl("PermissionSnapshot")], verbs: ["get", "list"] },
      {
        apiGroups: [g("PermissionSnapshot")],
        resources: [pl("PermissionSnapshot", "/status")],
        verbs: ["patch"],
      },
    ],
    tenantNamespace: [
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] },
      { apiGroups: [g("PackInstalled")], resources: [pl("PackInstalled")], verbs: ["get"] },
      { apiGroups: [g("PackInstalled")], resources: [pl("PackInstalled", "/status")], verbs: ["patch"] },
      { apiGroups: [g("PackDelivery")], resources: [pl("PackDelivery")], verbs: ["get"] },
      {
        apiGroups: [g("DriftSignal")],
        resources: [pl("DriftSignal")],
        verbs: ["get", "create", "patch", "delete"],
      },
    ],
  };
}

/** Grants `rules` to ServiceAccount ns/sa: a Role+RoleBinding in `where`, or a ClusterRole+binding. */
export async function grant(
  c: Cluster,
  name: string,
  sa: { namespace: string; name: string },
  rules: Rule[],
  where?: string,
): Promise<void> {
  const subjects = [{ kind: "ServiceAccount", name: sa.name, namespace: sa.namespace }];
  const objs: KubeObject[] = where
    ? [
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name, namespace: where },
        rules,
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name, namespace: where },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
        subjects,
      },
    ] as KubeObject[]
    : [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects,
      },
    ] as KubeObject[];
  await apply(c.client, objs, { fieldManager: FM });
}

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

export interface LogLine {
  at: number;
  msg: string;
  [k: string]: unknown;
}

/** A running agent subprocess with its parsed JSON log lines. */
export class AgentProc {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly child: Deno.ChildProcess;
  readonly port: number;
  readonly done: Promise<Deno.CommandStatus>;
  constructor(readonly name: string, env: Record<string, string>) {
    this.port = freePort();
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=conductor", MAIN, "agent"],
      env: { NO_COLOR: "1", POD_NAME: name, METRICS_ADDR: `127.0.0.1:${this.port}`, ...env },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pump = async (s: ReadableStream<Uint8Array>, sink: (l: string) => void) => {
      let buf = "";
      for await (const chunk of s.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          sink(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      }
      if (buf) sink(buf);
    };
    const out = pump(this.child.stdout, (l) => {
      try {
        this.lines.push({ at: Date.now(), ...JSON.parse(l) });
      } catch {
        this.lines.push({ at: Date.now(), msg: l });
      }
    });
    const err = pump(this.child.stderr, (l) => this.stderr.push(l));
    this.done = Promise.all([out, err]).then(() => this.child.status);
  }

  async readyz(): Promise<number> {
    try {
      const r = await fetch(`http://127.0.0.1:${this.port}/readyz`);
      await r.body?.cancel();
      return r.status;
    } catch {
      return 0;
    }
  }

  async metrics(): Promise<string> {
    const r = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    return await r.text();
  }

  kill(sig: Deno.Signal = "SIGTERM"): void {
    try {
      this.child.kill(sig);
    } catch { /* already gone */ }
  }

  /** Log for failure messages. */
  dump(): string {
    return [
      `--- ${this.name} stdout`,
      ...this.lines.map((l) => JSON.stringify(l)),
      `--- ${this.name} stderr`,
      ...this.stderr,
    ]
      .join("\n");
  }

  async stop(): Promise<Deno.CommandStatus> {
    this.kill("SIGTERM");
    const t = setTimeout(() => this.kill("SIGKILL"), 20_000);
    const s = await this.done;
    clearTimeout(t);
    return s;
  }
}

export async function writeTemp(dir: string, name: string, text: string): Promise<string> {
  const p = `${dir}/${name}`;
  await Deno.writeTextFile(p, text);
  return p;
}

// ---------------------------------------------------------------------------------------------
// RBAC from `compiler enable` (the agents run with exactly what enable emits, nothing granted by hand).

/**
 * Runs `compiler enable` into `dir`; returns `dir`. `--unencrypted`: the suites read only RBAC files and
 * give the agents their keys directly, so the signing key file is written in plaintext on purpose.
 */
export async function runCompilerEnable(dir: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=compiler", COMPILER_MAIN, "enable", "--output", dir, "--unencrypted", ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`compiler enable ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return dir;
}

const RBAC_KINDS = new Set(["ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]);

/**
 * The Conductor RBAC objects of an enable bundle: `04-conductor/conductor-rbac.yaml` (ServiceAccount,
 * leader-election Role, on tenants the static ClusterRole), and on management what Guardian provisions from
 * `04-conductor/conductor-rbacprofile.yaml`: every permission declaration of scope `cluster` becomes a
 * ClusterRole with the referenced PermissionSet's permissions (`01-guardian-bootstrap/
 * guardian-permissionsets.yaml`), bound to the profile's principal. No Guardian runs in these tests, so that
 * provisioning is emulated here, literally from the emitted objects.
 */
export async function enableConductorRbac(dir: string): Promise<KubeObject[]> {
  const read = async (f: string) => {
    try {
      return parseManifests(await Deno.readTextFile(`${dir}/${f}`));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
  };
  const objs = (await read("04-conductor/conductor-rbac.yaml")).filter((o) => RBAC_KINDS.has(o.kind));
  const profiles = await read("04-conductor/conductor-rbacprofile.yaml");
  const sets = await read("01-guardian-bootstrap/guardian-permissionsets.yaml");
  for (const p of profiles) {
    const spec = p.spec as {
      principalRef: string;
      permissionDeclarations: { permissionSetRef: string; scope: string }[];
    };
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(spec.principalRef);
    if (!m) throw new Error(`RBACProfile ${p.metadata.name}: principal ${spec.principalRef} is not an SA`);
    for (const d of spec.permissionDeclarations) {
      const set = sets.find((s) => s.kind === "PermissionSet" && s.metadata.name === d.permissionSetRef);
      if (!set) throw new Error(`PermissionSet ${d.permissionSetRef} is not in the enable bundle`);
      if (d.scope !== "cluster") throw new Error(`scope ${d.scope} is not emulated`);
      const name = `guardian-provisioned-${p.metadata.name}-${d.permissionSetRef}`;
      const rules = (set.spec as { permissions: Rule[] }).permissions.map((r) => ({
        apiGroups: r.apiGroups ?? [""],
        resources: r.resources,
        verbs: r.verbs,
        ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
      }));
      objs.push(
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRole",
          metadata: { name },
          rules,
        } as KubeObject,
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
          subjects: [{ kind: "ServiceAccount", namespace: m[1]!, name: m[2]! }],
        } as KubeObject,
      );
    }
  }
  return objs;
}

/**
 * The tenant agent's identity on the MANAGEMENT cluster from a tenant enable bundle:
 * `management-side/conductor-remote-rbac.yaml` (ServiceAccount seam-tenant-{c}/conductor-{c}, Roles and
 * RoleBindings in seam-system and seam-tenant-{c}).
 */
export async function enableManagementSideRbac(dir: string): Promise<KubeObject[]> {
  const objs = parseManifests(await Deno.readTextFile(`${dir}/management-side/conductor-remote-rbac.yaml`));
  if (objs.length === 0 || objs.some((o) => !RBAC_KINDS.has(o.kind))) {
    throw new Error(`${dir}/management-side/conductor-remote-rbac.yaml: want RBAC objects only`);
  }
  return objs;
}

/** One access the agent needs, checked with a SubjectAccessReview. */
export interface Need {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  why: string;
}

export function needText(n: Need): string {
  const r = `${n.group || "core"}/${n.resource}${n.subresource ? "/" + n.subresource : ""}`;
  return `${n.verb} ${r}${n.namespace ? ` in ${n.namespace}` : " (cluster-wide)"}${
    n.name ? ` name ${n.name}` : ""
  } — ${n.why}`;
}

/** The needs `sa` is denied on `c` (SubjectAccessReview as the ServiceAccount). */
export async function deniedNeeds(
  c: Cluster,
  sa: { namespace: string; name: string },
  needs: Need[],
): Promise<Need[]> {
  const denied: Need[] = [];
  for (const n of needs) {
    const attrs: Record<string, string> = { verb: n.verb, group: n.group, resource: n.resource };
    if (n.subresource) attrs.subresource = n.subresource;
    if (n.namespace) attrs.namespace = n.namespace;
    if (n.name) attrs.name = n.name;
    const r = await c.client.post<{ status?: { allowed?: boolean } }>(
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: `system:serviceaccount:${sa.namespace}:${sa.name}`,
          groups: [
            "system:serviceaccounts",
            `system:serviceaccounts:${sa.namespace}`,
            "system:authenticated",
          ],
          resourceAttributes: attrs,
        },
      },
    );
    if (!r.status?.allowed) denied.push(n);
  }
  return denied;
}

const G = (k: KindId) => KIND_NAMES[k].group;
const P = (k: KindId) => KIND_NAMES[k].plural;

/** What the management agent does on its own cluster (conductor.md §4.1–§4.3, §4.11). */
export function managementNeeds(cluster: string, tenants: string[]): Need[] {
  const ns = "ont-system";
  const n: Need[] = [
    {
      verb: "get",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: ns,
      name: `conductor-${cluster}`,
      why: "leader election",
    },
    {
      verb: "update",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: ns,
      name: `conductor-${cluster}`,
      why: "leader election",
    },
    {
      verb: "create",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: ns,
      why: "leader election",
    },
    {
      verb: "list",
      group: G("RunnerConfig"),
      resource: P("RunnerConfig"),
      namespace: ns,
      why: "capability publisher",
    },
    {
      verb: "get",
      group: G("RunnerConfig"),
      resource: P("RunnerConfig"),
      namespace: ns,
      why: "capability publisher",
    },
    {
      verb: "patch",
      group: G("RunnerConfig"),
      resource: P("RunnerConfig"),
      subresource: "status",
      namespace: ns,
      why: "capability manifest",
    },
    {
      verb: "list",
      group: G("PackDelivery"),
      resource: P("PackDelivery"),
      why: "signing loop (all namespaces)",
    },
    { verb: "watch", group: G("PackDelivery"), resource: P("PackDelivery"), why: "signing loop informer" },
    {
      verb: "patch",
      group: G("PackDelivery"),
      resource: P("PackDelivery"),
      why: "pack-signature annotation",
    },
    { verb: "list", group: G("PackInstalled"), resource: P("PackInstalled"), why: "signing loop" },
    { verb: "watch", group: G("PackInstalled"), resource: P("PackInstalled"), why: "signing loop informer" },
    {
      verb: "patch",
      group: G("PackInstalled"),
      resource: P("PackInstalled"),
      why: "management-signature annotation",
    },
    { verb: "list", group: G("PermissionSnapshot"), resource: P("PermissionSnapshot"), why: "signing loop" },
    {
      verb: "watch",
      group: G("PermissionSnapshot"),
      resource: P("PermissionSnapshot"),
      why: "signing loop informer",
    },
    {
      verb: "patch",
      group: G("PermissionSnapshot"),
      resource: P("PermissionSnapshot"),
      why: "management-signature annotation",
    },
    {
      verb: "patch",
      group: G("PermissionSnapshot"),
      resource: P("PermissionSnapshot"),
      subresource: "status",
      why: "status.signed",
    },
    {
      verb: "list",
      group: G("DriftSignal"),
      resource: P("DriftSignal"),
      why: "drift signal handler (all namespaces)",
    },
  ];
  for (const t of tenants) {
    const tns = `seam-tenant-${t}`;
    n.push(
      { verb: "get", group: "", resource: "secrets", namespace: tns, why: "signed artifact Secret" },
      { verb: "create", group: "", resource: "secrets", namespace: tns, why: "signed artifact Secret" },
      { verb: "update", group: "", resource: "secrets", namespace: tns, why: "signed artifact Secret" },
      {
        verb: "patch",
        group: G("DriftSignal"),
        resource: P("DriftSignal"),
        namespace: tns,
        why: "drift handler: queued",
      },
      {
        verb: "patch",
        group: G("DriftSignal"),
        resource: P("DriftSignal"),
        subresource: "status",
        namespace: tns,
        why: "drift handler: TerminalDrift",
      },
      {
        verb: "get",
        group: G("PackExecution"),
        resource: P("PackExecution"),
        namespace: tns,
        why: "drift handler: retrigger",
      },
      {
        verb: "delete",
        group: G("PackExecution"),
        resource: P("PackExecution"),
        namespace: tns,
        why: "drift handler: retrigger",
      },
    );
  }
  return n;
}

/** What the tenant agent does on its own cluster (conductor.md §4.4–§4.13). */
export function tenantLocalNeeds(cluster: string): Need[] {
  const ns = "ont-system";
  const rbac = "rbac.authorization.k8s.io";
  const n: Need[] = [
    {
      verb: "get",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: ns,
      name: `conductor-${cluster}`,
      why: "leader election",
    },
    {
      verb: "update",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: ns,
      name: `conductor-${cluster}`,
      why: "leader election",
    },
    {
      verb: "create",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: ns,
      why: "leader election",
    },
  ];
  for (const k of ["PermissionSnapshotReceipt", "PackReceipt"] as const) {
    for (const verb of ["get", "list", "create", "patch"]) {
      n.push({ verb, group: G(k), resource: P(k), namespace: ns, why: "pull loops" });
    }
    n.push({
      verb: "patch",
      group: G(k),
      resource: P(k),
      subresource: "status",
      namespace: ns,
      why: "verification outcome",
    });
  }
  n.push(
    {
      verb: "delete",
      group: G("PackReceipt"),
      resource: P("PackReceipt"),
      namespace: ns,
      why: "pack drift teardown (§4.8: the receipt of a deleted pack)",
    },
    { verb: "list", group: "", resource: "nodes", why: "Talos/Kubernetes version drift" },
    {
      verb: "get",
      group: G("TalosCluster"),
      resource: P("TalosCluster"),
      namespace: ns,
      name: cluster,
      why: "version drift: spec versions",
    },
    {
      verb: "get",
      group: "apps",
      resource: "deployments",
      namespace: "default",
      why: "pack drift: inventoried objects exist",
    },
    { verb: "get", group: "", resource: "namespaces", why: "pack drift: terminating namespace" },
    {
      verb: "delete",
      group: "apps",
      resource: "deployments",
      namespace: "default",
      why: "pack drift teardown (§4.8: inventoried objects of a deleted pack)",
    },
    {
      verb: "delete",
      group: "",
      resource: "configmaps",
      namespace: "default",
      why: "pack drift teardown (any inventoried kind)",
    },
    { verb: "list", group: "", resource: "namespaces", why: "sweep phase 1" },
    { verb: "list", group: "", resource: "serviceaccounts", why: "sweep phases 1 and 2" },
    { verb: "patch", group: "", resource: "serviceaccounts", namespace: "default", why: "sweep phase 1" },
  );
  for (const r of ["roles", "rolebindings", "clusterroles", "clusterrolebindings"]) {
    n.push(
      { verb: "list", group: rbac, resource: r, why: "sweep phase 1" },
      {
        verb: "patch",
        group: rbac,
        resource: r,
        ...(r.startsWith("cluster") ? {} : { namespace: "default" }),
        why: "sweep phase 1: ownership annotations",
      },
    );
  }
  n.push(
    {
      verb: "escalate",
      group: rbac,
      resource: "clusterroles",
      why:
        "sweep phase 1: the API server refuses any update of a ClusterRole granting more than the agent holds (cluster-admin, admin, edit, ...) without escalate",
    },
    {
      verb: "escalate",
      group: rbac,
      resource: "roles",
      namespace: "default",
      why: "sweep phase 1: same for Roles",
    },
    {
      verb: "bind",
      group: rbac,
      resource: "clusterroles",
      why:
        "sweep phase 1: the API server refuses any update of a binding to a role the agent does not hold (ClusterRoleBinding cluster-admin, ...) without bind",
    },
    {
      verb: "bind",
      group: rbac,
      resource: "roles",
      namespace: "default",
      why: "sweep phase 1: same for RoleBindings",
    },
  );
  for (const k of ["PermissionSet", "RBACPolicy", "RBACProfile"] as const) {
    n.push(
      { verb: "get", group: G(k), resource: P(k), namespace: "cert-manager", why: "sweep phase 2" },
      { verb: "create", group: G(k), resource: P(k), namespace: "cert-manager", why: "sweep phase 2" },
    );
  }
  return n;
}

/** What the tenant agent does on the management cluster with its MGMT_KUBECONFIG_PATH identity. */
export function tenantOnManagementNeeds(cluster: string): Need[] {
  const tns = `seam-tenant-${cluster}`;
  return [
    {
      verb: "list",
      group: G("PermissionSnapshot"),
      resource: P("PermissionSnapshot"),
      namespace: "seam-system",
      why: "snapshot pull",
    },
    {
      verb: "patch",
      group: G("PermissionSnapshot"),
      resource: P("PermissionSnapshot"),
      subresource: "status",
      namespace: "seam-system",
      why: "acknowledgement",
    },
    { verb: "list", group: "", resource: "secrets", namespace: tns, why: "signed artifacts" },
    {
      verb: "get",
      group: G("PackInstalled"),
      resource: P("PackInstalled"),
      namespace: tns,
      why: "degraded state",
    },
    {
      verb: "patch",
      group: G("PackInstalled"),
      resource: P("PackInstalled"),
      subresource: "status",
      namespace: tns,
      why: "degraded state",
    },
    {
      verb: "get",
      group: G("PackDelivery"),
      resource: P("PackDelivery"),
      namespace: tns,
      why: "pack drift orphan check",
    },
    { verb: "get", group: G("DriftSignal"), resource: P("DriftSignal"), namespace: tns, why: "drift loops" },
    {
      verb: "create",
      group: G("DriftSignal"),
      resource: P("DriftSignal"),
      namespace: tns,
      why: "drift loops",
    },
    {
      verb: "patch",
      group: G("DriftSignal"),
      resource: P("DriftSignal"),
      namespace: tns,
      why: "drift loops",
    },
    {
      verb: "delete",
      group: G("DriftSignal"),
      resource: P("DriftSignal"),
      namespace: tns,
      why: "drift loops",
    },
  ];
}
