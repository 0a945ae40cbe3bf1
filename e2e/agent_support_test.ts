// Helpers shared by the e2e/agent_*_test.ts suites (no tests here): CRDs, RBAC for the agent roles,
// ServiceAccount kubeconfigs, signing keys, and agents run as real `deno run -P=conductor` subprocesses.
import { launchBundle } from "../compiler/launch/launch.ts";
import { apiVersionOf, KIND_NAMES, type KindId } from "../schemas/names.ts";
import { apply, type Cluster, type KubeObject } from "./cluster/mod.ts";

export const MAIN = new URL("../conductor/main.ts", import.meta.url).pathname;
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

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

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
