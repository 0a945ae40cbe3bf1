/**
 * Tenant bootstrap sweep (conductor.md §4.13; tenant; leader; on leadership, then every 5 minutes) and the
 * enforcement gate it flips (§6.3, §3.4, C-D7).
 *
 * Phase 1 puts `ontai.dev/rbac-owner: guardian` + `ontai.dev/rbac-enforcement-mode: audit` on every Role,
 * RoleBinding and ServiceAccount outside `kube-system`/`kube-public`/`kube-node-lease` and namespaces labelled
 * `seam.ontai.dev/webhook-mode: exempt`, and on every ClusterRole/ClusterRoleBinding not named `system:…`.
 * Any list or patch error fails the run.
 *
 * Phase 2 ensures (get, create on NotFound, never update) a PermissionSet, RBACPolicy and RBACProfile for each
 * known third-party component whose ServiceAccount exists, in the namespace that holds it. Without the guardian
 * CRDs the phase ends successfully (logged once).
 *
 * After a run where both phases succeeded the gate goes strict (D-A18: after the first *successful* run) and
 * the marker is persisted for every replica: condition `RBACBaselineReady=True` on the local
 * PermissionSnapshotReceipt `receipt-{cluster}`, or, without that receipt, annotation
 * `ontai.dev/rbac-enforcement-mode: strict` on the Lease `conductor-{cluster}`. {@link GateObserver} (every
 * replica, every 5 s) reads the marker back. There is no way back to permissive at runtime.
 */
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import { LABEL_MANAGED_BY } from "../../shared/runner_keys.ts";
import { apiVersionOf, KIND_NAMES, type KindId } from "../../schemas/names.ts";
import { type Condition, setCondition } from "./conditions.ts";
import { builtinPath, isNotFound, kindPath, type KubeClient } from "./kube_client.ts";
import { M, type Metrics } from "./metrics.ts";
import type { KObject } from "./signing_loop.ts";

export const SWEEP_INTERVAL_MS = 5 * 60_000;
export const GATE_POLL_INTERVAL_MS = 5_000;
export const ANNOTATION_RBAC_OWNER = "ontai.dev/rbac-owner";
export const ANNOTATION_ENFORCEMENT_MODE = "ontai.dev/rbac-enforcement-mode";
export const COND_RBAC_BASELINE_READY = "RBACBaselineReady";
const WEBHOOK_MODE = "seam.ontai.dev/webhook-mode";
const SKIPPED_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);
const RBAC = "rbac.authorization.k8s.io/v1";

export type GateMode = "permissive" | "strict";

/** The enforcement gate: permissive (upstream "audit") until the sweep succeeded once; never back. */
export class EnforcementGate {
  #mode: GateMode = "permissive";
  constructor(readonly log?: Logger) {}
  mode(): GateMode {
    return this.#mode;
  }
  /** Idempotent; logs the transition once per process. */
  setStrict(source: string): void {
    if (this.#mode === "strict") return;
    this.#mode = "strict";
    this.log?.info("enforcement gate is strict", { source });
  }
  /** Prometheus lines of the gate (a gauge). */
  metricLines(): string {
    return [
      "# HELP conductor_enforcement_gate_strict 1 once the enforcement gate is strict (after a successful bootstrap sweep).",
      "# TYPE conductor_enforcement_gate_strict gauge",
      `conductor_enforcement_gate_strict ${this.#mode === "strict" ? 1 : 0}`,
    ].join("\n");
  }
}

export interface Component {
  name: string;
  serviceAccount: string;
  namespaceHint?: string;
  profile: string;
  policy: string;
  permissionSet: string;
}

export const COMPONENTS: readonly Component[] = [
  ["cert-manager", "cert-manager", "cert-manager"],
  ["kueue", "kueue-controller-manager"],
  ["cnpg", "cnpg-manager"],
  ["metallb", "metallb-controller"],
  ["local-path-provisioner", "local-path-provisioner-service-account"],
].map(([name, sa, hint]) => ({
  name: name!,
  serviceAccount: sa!,
  ...(hint ? { namespaceHint: hint } : {}),
  profile: `rbac-${name}`,
  policy: `${name}-rbac-policy`,
  permissionSet: `${name}-baseline`,
}));

/** Where the gate marker lives (§3.4). */
export class GateMarker {
  constructor(
    readonly client: KubeClient,
    readonly namespace: string,
    readonly clusterRef: string,
    readonly clock: Clock,
  ) {}
  get receiptPath(): string {
    return kindPath("PermissionSnapshotReceipt", this.namespace, `receipt-${this.clusterRef}`);
  }
  get leasePath(): string {
    return builtinPath("coordination.k8s.io/v1", "leases", this.namespace, `conductor-${this.clusterRef}`);
  }

  async persist(): Promise<"lease"> {
    try {
      const r = await this.client.get<KObject>(this.receiptPath);
      const { conditions, changed } = setCondition(r.status?.conditions as Condition[] | undefined, {
        type: COND_RBAC_BASELINE_READY,
        status: "True",
        reason: "BootstrapSweepSucceeded",
        message: "RBAC ownership established; the enforcement gate is strict",
      }, this.clock.now());
      if (changed) await this.client.mergePatch(`${this.receiptPath}/status`, { status: { conditions } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    // Also on the Lease: the receipt's CRD may not carry status.conditions (they are pruned), and the Lease
    // always exists while a leader runs.
    await this.client.mergePatch(this.leasePath, {
      metadata: { annotations: { [ANNOTATION_ENFORCEMENT_MODE]: "strict" } },
    });
    return "lease";
  }

  async observe(): Promise<boolean> {
    try {
      const r = await this.client.get<KObject>(this.receiptPath);
      const c = (r.status?.conditions as Condition[] | undefined)?.find((x) =>
        x.type === COND_RBAC_BASELINE_READY
      );
      if (c?.status === "True") return true;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      const l = await this.client.get<KObject>(this.leasePath);
      return l.metadata.annotations?.[ANNOTATION_ENFORCEMENT_MODE] === "strict";
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}

/** Every replica: reads the persisted marker and flips the local gate. */
export class GateObserver {
  constructor(readonly marker: GateMarker, readonly gate: EnforcementGate) {}
  async pass(): Promise<void> {
    if (this.gate.mode() === "strict") return;
    if (await this.marker.observe()) this.gate.setStrict("persisted marker");
  }
}

export interface SweepOptions {
  client: KubeClient;
  clusterRef: string;
  log: Logger;
  metrics: Metrics;
  gate: EnforcementGate;
  marker: GateMarker;
  /** Whether the guardian kinds are served (default: API discovery of the guardian group). */
  guardianServed?: () => Promise<boolean>;
}

export interface SweepResult {
  annotated: number;
  created: number;
  guardianAbsent: boolean;
}

type Listed = { metadata: KObject["metadata"] };

export class TenantBootstrapSweep {
  readonly #o: SweepOptions;
  #loggedAbsent = false;
  constructor(o: SweepOptions) {
    this.#o = o;
  }

  /** One run; throws when a phase failed (the gate is then unchanged). */
  async run(): Promise<SweepResult> {
    const annotated = await this.#phase1();
    const p2 = await this.#phase2();
    const result = { annotated, ...p2 };
    this.#o.metrics.inc(M.sweepRuns[0], M.sweepRuns[1], { result: "ok" });
    this.#o.gate.setStrict("bootstrap sweep");
    const where = await this.#o.marker.persist();
    this.#o.log.info("bootstrap sweep complete", { ...result, marker: where });
    return result;
  }

  /** The loop's pass: counts failures, rethrows (the loop logs). */
  async pass(): Promise<void> {
    try {
      await this.run();
    } catch (e) {
      this.#o.metrics.inc(M.sweepRuns[0], M.sweepRuns[1], { result: "failed" });
      throw e;
    }
  }

  async #own(path: string, o: Listed): Promise<number> {
    if (o.metadata.annotations?.[ANNOTATION_RBAC_OWNER] === "guardian") return 0;
    await this.#o.client.mergePatch(path, {
      metadata: {
        annotations: { [ANNOTATION_RBAC_OWNER]: "guardian", [ANNOTATION_ENFORCEMENT_MODE]: "audit" },
      },
    });
    return 1;
  }

  async #phase1(): Promise<number> {
    const c = this.#o.client;
    let n = 0;
    const nss = await c.list<Listed>(builtinPath("v1", "namespaces"));
    for (const ns of nss.items) {
      const name = ns.metadata.name;
      if (SKIPPED_NAMESPACES.has(name) || ns.metadata.labels?.[WEBHOOK_MODE] === "exempt") continue;
      for (
        const [gv, plural] of [[RBAC, "roles"], [RBAC, "rolebindings"], ["v1", "serviceaccounts"]] as const
      ) {
        for (const o of (await c.list<Listed>(builtinPath(gv, plural, name))).items) {
          n += await this.#own(builtinPath(gv, plural, name, o.metadata.name), o);
        }
      }
    }
    for (const plural of ["clusterroles", "clusterrolebindings"]) {
      for (const o of (await c.list<Listed>(builtinPath(RBAC, plural))).items) {
        if (o.metadata.name.startsWith("system:")) continue;
        n += await this.#own(builtinPath(RBAC, plural, undefined, o.metadata.name), o);
      }
    }
    return n;
  }

  async #guardianServed(): Promise<boolean> {
    if (this.#o.guardianServed) return await this.#o.guardianServed();
    const gv = apiVersionOf("RBACProfile");
    try {
      const doc = await this.#o.client.get<{ resources?: { name: string }[] }>(`/apis/${gv}`);
      const names = new Set((doc.resources ?? []).map((r) => r.name));
      return (["PermissionSet", "RBACPolicy", "RBACProfile"] as const).every((k) =>
        names.has(KIND_NAMES[k].plural)
      );
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  #absent(): { created: number; guardianAbsent: boolean } {
    if (!this.#loggedAbsent) {
      this.#o.log.warn("guardian CRDs are not installed: component profiles skipped (phase 2 succeeds)");
      this.#loggedAbsent = true;
    }
    return { created: 0, guardianAbsent: true };
  }

  async #phase2(): Promise<{ created: number; guardianAbsent: boolean }> {
    if (!(await this.#guardianServed())) return this.#absent();
    let sas: Listed[];
    try {
      sas = (await this.#o.client.list<Listed>(builtinPath("v1", "serviceaccounts"))).items;
    } catch (e) {
      this.#o.log.warn("cannot list ServiceAccounts: component profiles skipped", { error: e });
      return { created: 0, guardianAbsent: false };
    }
    let created = 0;
    for (const comp of COMPONENTS) {
      const cands: string[] = [];
      for (const sa of sas) {
        const ns = sa.metadata.namespace ?? "";
        if (sa.metadata.name !== comp.serviceAccount || SKIPPED_NAMESPACES.has(ns)) continue;
        if (!cands.includes(ns)) cands.push(ns);
      }
      if (cands.length === 0) continue;
      const ns = comp.namespaceHint && cands.includes(comp.namespaceHint) ? comp.namespaceHint : cands[0]!;
      if (cands.length > 1) {
        this.#o.log.info("component found in several namespaces", {
          component: comp.name,
          chosen: ns,
          cands,
        });
      }
      const labels = { [LABEL_MANAGED_BY]: "conductor", "ontai.dev/component": comp.name };
      const objs: [KindId, string, Record<string, string>, Record<string, unknown>][] = [
        [
          "PermissionSet",
          comp.permissionSet,
          { ...labels, "ontai.dev/permission-set-type": "bootstrap" },
          {
            description: `${comp.name} bootstrap baseline permissions (tenant cluster)`,
            permissions: [{
              apiGroups: ["*"],
              resources: ["*"],
              verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
            }],
          },
        ],
        [
          "RBACPolicy",
          comp.policy,
          labels,
          {
            subjectScope: "platform",
            maximumPermissionSetRef: comp.permissionSet,
            enforcementMode: "strict",
          },
        ],
        [
          "RBACProfile",
          comp.profile,
          { ...labels, "ontai.dev/rbac-profile-type": "third-party" },
          {
            principalRef: `system:serviceaccount:${ns}:${comp.serviceAccount}`,
            targetClusters: [this.#o.clusterRef], // D-A17
            permissionDeclarations: [{ permissionSetRef: comp.permissionSet, scope: "cluster" }],
            rbacPolicyRef: comp.policy,
          },
        ],
      ];
      for (const [kind, name, lbls, spec] of objs) {
        const path = kindPath(kind, ns, name);
        try {
          await this.#o.client.get(path);
          continue;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        try {
          await this.#o.client.create(kindPath(kind, ns), {
            apiVersion: apiVersionOf(kind),
            kind,
            metadata: { name, namespace: ns, labels: lbls },
            spec,
          });
          created++;
          this.#o.log.info("component RBAC object created", { kind, name, namespace: ns });
        } catch (e) {
          if (isNotFound(e)) return this.#absent(); // the CRD went away under us
          throw e;
        }
      }
    }
    return { created, guardianAbsent: false };
  }
}
