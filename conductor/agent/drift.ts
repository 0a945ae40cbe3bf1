/**
 * Drift (conductor.md §4.8–§4.11, with DECISIONS.md's pack mapping: PackDelivery = upstream ClusterPack,
 * PackInstalled = upstream PackInstance on management, PackReceipt = the tenant-side records).
 *
 * Tenant (leader; 30 s each):
 * - {@link PackDriftLoop}: every PackReceipt in the agent namespace. Its PackDelivery
 *   (`spec.clusterPackRef`) gone from `seam-tenant-{cluster}` on management → teardown of the inventory
 *   (each entry individually, D-A12). Receipts that failed verification are skipped. An inventoried object
 *   missing from the cluster → DriftSignal `drift-{receipt}`; nothing missing → a `queued` signal is
 *   `confirmed`.
 * - {@link VersionDriftLoop} (`talos` and `kubernetes`): the local TalosCluster's spec version against the
 *   nodes' `osImage` / `kubeletVersion` → `drift-version-{cluster}` / `drift-k8s-version-{cluster}`.
 *
 * Management (leader; 30 s): {@link DriftSignalHandler} moves `pending` pack signals to `queued` after
 * deleting the PackExecution `{signal minus drift-}-{cluster}` (the dispatcher recreates it), and sets
 * `TerminalDrift=True` once the escalation counter reached 3.
 *
 * Detect-only mode (`CONDUCTOR_DRIFT_DETECT_ONLY=true`): the tenant loops detect as usual but write
 * nothing — no DriftSignal, no teardown; every finding is logged (`drift detected (detect-only)`) and
 * counted in `conductor_drift_detected_total{kind}`.
 */
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import { LABEL_MANAGED_BY, tenantNamespace } from "../../shared/runner_keys.ts";
import { apiVersionOf, GROUP_SEAM } from "../../schemas/names.ts";
import { type Condition, setCondition } from "./conditions.ts";
import { builtinPath, isNotFound, kindPath, type KubeClient } from "./kube_client.ts";
import { M, type Metrics } from "./metrics.ts";
import type { KObject } from "./signing_loop.ts";
import { rfc3339Seconds } from "./time.ts";

export const DRIFT_INTERVAL_MS = 30_000;
export const DRIFT_DETECT_ONLY_ENV = "CONDUCTOR_DRIFT_DETECT_ONLY";
/** At this counter the tenant stops re-raising and management sets TerminalDrift. */
export const ESCALATION_LIMIT = 3;

export type DriftKind = "pack" | "talos-version" | "k8s-version";

export interface DriftSignalSpec {
  state?: string;
  correlationID?: string;
  observedAt?: string;
  escalationCounter?: number;
  driftReason?: string;
  correctionJobRef?: string;
  affectedCRRef?: { group: string; kind: string; namespace?: string; name: string };
}
type Signal = KObject & { spec?: DriftSignalSpec & Record<string, unknown> };

export interface DeployedResource {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** Resource name and scope of a kind, from API discovery. */
export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}
export type ResolveResource = (apiVersion: string, kind: string) => Promise<ResourceInfo | undefined>;

/**
 * GVR resolution through API discovery (D-A13: no pluralisation guesses): one discovery document per
 * group/version, cached, refetched once on a miss (a CRD installed later).
 */
export class DiscoveryResolver {
  readonly #cache = new Map<string, Map<string, ResourceInfo>>();
  constructor(readonly client: KubeClient) {}

  async #load(gv: string): Promise<Map<string, ResourceInfo>> {
    const path = gv === "v1" ? "/api/v1" : `/apis/${gv}`;
    const m = new Map<string, ResourceInfo>();
    try {
      const doc = await this.client.get<
        { resources?: { name: string; kind: string; namespaced: boolean }[] }
      >(
        path,
      );
      for (const r of doc.resources ?? []) {
        if (!r.name.includes("/")) m.set(r.kind, { plural: r.name, namespaced: r.namespaced });
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.#cache.set(gv, m);
    return m;
  }

  resolve: ResolveResource = async (apiVersion, kind) => {
    const cached = this.#cache.get(apiVersion);
    const hit = cached?.get(kind);
    if (hit) return hit;
    return (await this.#load(apiVersion)).get(kind);
  };
}

/** `/api/v1/...` or `/apis/{group}/{version}/...` of an inventoried object. */
export function objectPath(
  apiVersion: string,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
) {
  let p = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
  if (info.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  return `${p}/${info.plural}/${encodeURIComponent(name)}`;
}

export function groupOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

interface SignalWriterOptions {
  mgmt: KubeClient;
  clusterRef: string;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  detectOnly: boolean;
}

/** DriftSignal reads and writes on management (`seam-tenant-{cluster}`), with the detect-only switch. */
class SignalWriter {
  constructor(readonly o: SignalWriterOptions) {}
  get ns(): string {
    return tenantNamespace(this.o.clusterRef);
  }
  path(name?: string): string {
    return kindPath("DriftSignal", this.ns, name);
  }
  async get(name: string): Promise<Signal | undefined> {
    try {
      return await this.o.mgmt.get<Signal>(this.path(name));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  detected(kind: DriftKind, name: string, reason: string): boolean {
    this.o.metrics.inc(M.driftDetected[0], M.driftDetected[1], { kind });
    if (this.o.detectOnly) {
      this.o.log.warn("drift detected (detect-only)", { kind, signal: name, reason });
      return false;
    }
    this.o.log.info("drift detected", { kind, signal: name, reason });
    return true;
  }
  async create(name: string, reason: string, ref: NonNullable<DriftSignalSpec["affectedCRRef"]>) {
    await this.o.mgmt.create(this.path(), {
      apiVersion: apiVersionOf("DriftSignal"),
      kind: "DriftSignal",
      metadata: { name, namespace: this.ns, labels: { [LABEL_MANAGED_BY]: "conductor" } },
      spec: {
        state: "pending",
        correlationID: crypto.randomUUID(),
        observedAt: rfc3339Seconds(this.o.clock.now()),
        escalationCounter: 0,
        driftReason: reason,
        affectedCRRef: ref,
      },
    });
    this.o.metrics.inc(M.driftSignals[0], M.driftSignals[1], { action: "created" });
    this.o.log.info("drift signal raised", { signal: name, reason });
  }
  async patch(name: string, spec: Record<string, unknown>, action: string) {
    await this.o.mgmt.mergePatch(this.path(name), { spec });
    this.o.metrics.inc(M.driftSignals[0], M.driftSignals[1], { action });
    this.o.log.info("drift signal updated", { signal: name, action, ...spec });
  }
}

export interface PackDriftOptions extends SignalWriterOptions {
  local: KubeClient;
  namespace: string;
  resolve: ResolveResource;
}

/** Namespaces the teardown never deletes (D-A12). */
export const PROTECTED_NAMESPACES = new Set([
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "default",
  "ont-system",
  "seam-system",
]);
const WEBHOOK_MODE = "seam.ontai.dev/webhook-mode";

export class PackDriftLoop {
  readonly #o: PackDriftOptions;
  readonly #s: SignalWriter;
  constructor(o: PackDriftOptions) {
    this.#o = o;
    this.#s = new SignalWriter(o);
  }

  async pass(): Promise<void> {
    const list = await this.#o.local.list<KObject>(kindPath("PackReceipt", this.#o.namespace));
    for (const r of list.items) {
      try {
        await this.reconcile(r);
      } catch (e) {
        this.#o.metrics.inc(M.loopErrors[0], M.loopErrors[1], { loop: "pack-drift" });
        this.#o.log.warn("pack drift check failed", { receipt: r.metadata.name, error: e });
      }
    }
  }

  async reconcile(r: KObject): Promise<"teardown" | "skipped" | "drift" | "clean"> {
    const name = r.metadata.name;
    const spec = (r.spec ?? {}) as { clusterPackRef?: string; deployedResources?: DeployedResource[] };
    // 1. orphan check: the PackDelivery (upstream ClusterPack) on management
    if (spec.clusterPackRef) {
      try {
        await this.#o.mgmt.get(kindPath("PackDelivery", this.#s.ns, spec.clusterPackRef));
      } catch (e) {
        if (!isNotFound(e)) {
          this.#o.log.warn("cannot check the PackDelivery; no teardown on errors", {
            receipt: name,
            delivery: spec.clusterPackRef,
            error: e,
          });
          return "skipped";
        }
        await this.#teardown(r, spec.deployedResources ?? []);
        return "teardown";
      }
    }
    // 2. verification gate
    const conds = r.status?.conditions as Condition[] | undefined;
    if (
      r.status?.verified === false ||
      conds?.some((c) => c.type === "DegradedSecurityState" && c.status === "True")
    ) {
      this.#o.log.debug("receipt failed verification: no drift check", { receipt: name });
      return "skipped";
    }
    // 3. drift check
    for (const d of spec.deployedResources ?? []) {
      if (!d.apiVersion || !d.kind || !d.name) continue;
      const info = await this.#o.resolve(d.apiVersion, d.kind);
      if (!info) {
        this.#o.log.warn("inventoried kind is not served; not checked", {
          receipt: name,
          apiVersion: d.apiVersion,
          kind: d.kind,
        });
        continue;
      }
      try {
        await this.#o.local.get(objectPath(d.apiVersion, info, d.namespace, d.name));
        continue;
      } catch (e) {
        if (!isNotFound(e)) {
          this.#o.log.warn("cannot check inventoried object", { receipt: name, object: d, error: e });
          continue;
        }
      }
      if (d.namespace && info.namespaced && await this.#terminating(d.namespace)) {
        this.#o.log.info("namespace terminating, deferring", { receipt: name, namespace: d.namespace });
        continue;
      }
      const reason = `resource ${d.apiVersion} ${d.kind}/${d.namespace ?? ""}/${d.name} missing from cluster`;
      await this.#emit(`drift-${name}`, reason, {
        group: groupOf(d.apiVersion),
        kind: d.kind,
        namespace: d.namespace ?? "",
        name: d.name,
      });
      return "drift";
    }
    // 4. resolve
    const sig = await this.#s.get(`drift-${name}`);
    if (sig?.spec?.state === "queued" && !this.#o.detectOnly) {
      await this.#s.patch(`drift-${name}`, { state: "confirmed", correlationID: "" }, "confirmed");
    }
    return "clean";
  }

  async #terminating(ns: string): Promise<boolean> {
    try {
      const o = await this.#o.local.get<{ metadata: { deletionTimestamp?: string } }>(
        builtinPath("v1", "namespaces", undefined, ns),
      );
      return !!o.metadata.deletionTimestamp;
    } catch {
      return false;
    }
  }

  async #emit(name: string, reason: string, ref: NonNullable<DriftSignalSpec["affectedCRRef"]>) {
    if (!this.#s.detected("pack", name, reason)) return;
    const sig = await this.#s.get(name);
    if (!sig) return await this.#s.create(name, reason, ref);
    const st = sig.spec?.state ?? "";
    const n = sig.spec?.escalationCounter ?? 0;
    if (st === "confirmed") {
      // the next pass raises a fresh one
      await this.#o.mgmt.delete(this.#s.path(name));
      this.#o.metrics.inc(M.driftSignals[0], M.driftSignals[1], { action: "deleted" });
      return;
    }
    if (st === "pending" || st === "delivered") return; // D-A11: management has not acted yet
    if (n >= ESCALATION_LIMIT) {
      this.#o.log.warn("terminal drift: escalation limit reached", { signal: name, escalationCounter: n });
      return;
    }
    await this.#s.patch(name, { escalationCounter: n + 1, state: "pending" }, "escalated");
  }

  async #teardown(r: KObject, inventory: DeployedResource[]) {
    const name = r.metadata.name;
    const reason = `PackDelivery ${String(r.spec?.clusterPackRef)} is gone from management`;
    this.#o.metrics.inc(M.driftDetected[0], M.driftDetected[1], { kind: "pack-orphan" });
    if (this.#o.detectOnly) {
      this.#o.log.warn("orphaned pack detected (detect-only): no teardown", { receipt: name, reason });
      return;
    }
    this.#o.log.info("orphaned pack: teardown", { receipt: name, reason, objects: inventory.length });
    const namespaces: DeployedResource[] = [];
    for (const d of inventory) {
      if (!d.apiVersion || !d.kind || !d.name) continue;
      if (d.apiVersion === "v1" && d.kind === "Namespace") {
        namespaces.push(d);
        continue;
      }
      await this.#delete(d);
    }
    for (const d of namespaces) {
      if (PROTECTED_NAMESPACES.has(d.name!)) continue;
      try {
        const ns = await this.#o.local.get<KObject>(builtinPath("v1", "namespaces", undefined, d.name));
        if (ns.metadata.labels?.[WEBHOOK_MODE] === "exempt") continue;
      } catch (e) {
        if (isNotFound(e)) continue;
        this.#o.log.warn("cannot read namespace; not deleted", { namespace: d.name, error: e });
        continue;
      }
      await this.#delete(d);
    }
    try {
      await this.#o.local.delete(kindPath("PackReceipt", this.#o.namespace, name));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      await this.#o.mgmt.delete(this.#s.path(`drift-${name}`));
    } catch (e) {
      if (!isNotFound(e)) {
        this.#o.log.warn("cannot delete drift signal", { signal: `drift-${name}`, error: e });
      }
    }
  }

  async #delete(d: DeployedResource) {
    try {
      const info = await this.#o.resolve(d.apiVersion!, d.kind!);
      if (!info) return;
      await this.#o.local.delete(objectPath(d.apiVersion!, info, d.namespace, d.name!));
    } catch (e) {
      if (!isNotFound(e)) this.#o.log.warn("teardown: cannot delete", { object: d, error: e });
    }
  }
}

/** `Talos (v1.7.4)` → `v1.7.4`; anything else → undefined. */
export function talosVersionOfOsImage(osImage: string | undefined): string | undefined {
  return /talos\s+\((v\d+\.\d+\.\d+[^)]*)\)/i.exec(osImage ?? "")?.[1];
}

function _stripV(v: string): string {
  return v.startsWith("v") ? v.slice(1) : v;
}

export interface VersionDriftOptions extends SignalWriterOptions {
  local: KubeClient;
  namespace: string;
  which: "talos" | "kubernetes";
}

interface NodeObj {
  metadata: { name: string };
  status?: { nodeInfo?: { osImage?: string; kubeletVersion?: string } };
}

/** §4.9 (talos) and §4.10 (kubernetes). */
export class VersionDriftLoop {
  readonly #o: VersionDriftOptions;
  readonly #s: SignalWriter;
  constructor(o: VersionDriftOptions) {
    this.#o = o;
    this.#s = new SignalWriter(o);
  }

  get signalName(): string {
    return this.#o.which === "talos"
      ? `drift-version-${this.#o.clusterRef}`
      : `drift-k8s-version-${this.#o.clusterRef}`;
  }

  /** The observed version, or undefined (no node reports one, or nodes disagree: mid-upgrade). */
  static observed(nodes: NodeObj[], which: "talos" | "kubernetes"): string | undefined {
    const seen = new Set<string>();
    for (const n of nodes) {
      const v = which === "talos"
        ? talosVersionOfOsImage(n.status?.nodeInfo?.osImage)
        : n.status?.nodeInfo?.kubeletVersion || undefined;
      if (v) seen.add(which === "kubernetes" ? _stripV(v) : v);
    }
    return seen.size === 1 ? [...seen][0] : undefined;
  }

  async pass(): Promise<"none" | "in-sync" | "drift"> {
    let tc: KObject;
    try {
      tc = await this.#o.local.get<KObject>(kindPath("TalosCluster", this.#o.namespace, this.#o.clusterRef));
    } catch (e) {
      if (isNotFound(e)) return "none";
      throw e;
    }
    const key = this.#o.which === "talos" ? "talosVersion" : "kubernetesVersion";
    const specVersion = String(tc.spec?.[key] ?? "");
    if (specVersion === "") return "none";
    const nodes = (await this.#o.local.list<NodeObj>(builtinPath("v1", "nodes"))).items;
    const observed = VersionDriftLoop.observed(nodes, this.#o.which);
    if (observed === undefined) return "none";
    const name = this.signalName;
    if (_stripV(observed) === _stripV(specVersion)) {
      const sig = await this.#s.get(name);
      const st = sig?.spec?.state ?? "";
      if (sig && st !== "confirmed" && st !== "" && !this.#o.detectOnly) {
        await this.#s.patch(name, { state: "confirmed", correlationID: "" }, "confirmed");
      }
      return "in-sync";
    }
    const reason = `${this.#o.which} version drift: spec=${specVersion} observed=${observed}`;
    const kind: DriftKind = this.#o.which === "talos" ? "talos-version" : "k8s-version";
    if (!this.#s.detected(kind, name, reason)) return "drift";
    const sig = await this.#s.get(name);
    if (!sig) {
      await this.#s.create(name, reason, {
        group: GROUP_SEAM,
        kind: "TalosCluster",
        namespace: this.#o.namespace,
        name: this.#o.clusterRef,
      });
      return "drift";
    }
    const n = sig.spec?.escalationCounter ?? 0;
    if (n >= ESCALATION_LIMIT) return "drift";
    const st = sig.spec?.state ?? "";
    if (st === "confirmed") {
      await this.#s.patch(name, {
        state: "pending",
        driftReason: reason,
        correlationID: crypto.randomUUID(),
        observedAt: rfc3339Seconds(this.#o.clock.now()),
        escalationCounter: 0,
      }, "reopened");
    } else if (st === "queued") {
      await this.#s.patch(
        name,
        { state: "pending", driftReason: reason, escalationCounter: n + 1 },
        "escalated",
      );
    }
    return "drift";
  }
}

export interface DriftHandlerOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

const TENANT_PREFIX = "seam-tenant-";

/** §4.11: the management side of pack drift. */
export class DriftSignalHandler {
  readonly #o: DriftHandlerOptions;
  constructor(o: DriftHandlerOptions) {
    this.#o = o;
  }

  async pass(): Promise<void> {
    const list = await this.#o.client.list<Signal>(kindPath("DriftSignal"));
    for (const s of list.items) {
      try {
        await this.reconcile(s);
      } catch (e) {
        this.#o.metrics.inc(M.loopErrors[0], M.loopErrors[1], { loop: "drift-handler" });
        this.#o.log.warn("cannot handle drift signal", {
          signal: s.metadata.name,
          namespace: s.metadata.namespace,
          error: e,
        });
      }
    }
  }

  async reconcile(s: Signal): Promise<"ignored" | "terminal" | "queued"> {
    const ns = s.metadata.namespace ?? "";
    if (!ns.startsWith(TENANT_PREFIX) || s.spec?.state !== "pending") return "ignored";
    const kind = s.spec?.affectedCRRef?.kind;
    if (kind === "TalosCluster" || kind === "RunnerConfig") return "ignored"; // platform owns those (D-A15)
    const path = kindPath("DriftSignal", ns, s.metadata.name);
    const n = s.spec?.escalationCounter ?? 0;
    if (n >= ESCALATION_LIMIT) {
      const { conditions, changed } = setCondition(s.status?.conditions as Condition[] | undefined, {
        type: "TerminalDrift",
        status: "True",
        reason: "EscalationThresholdReached",
        message:
          `drift persisted after ${n} corrections; human intervention required (delete the signal to reset)`,
      }, this.#o.clock.now());
      if (changed) {
        await this.#o.client.mergePatch(`${path}/status`, { status: { conditions } });
        this.#o.log.warn("terminal drift", { signal: s.metadata.name, namespace: ns });
      }
      return "terminal";
    }
    const cluster = ns.slice(TENANT_PREFIX.length);
    const pe = `${s.metadata.name.replace(/^drift-/, "")}-${cluster}`;
    let deleted = false;
    try {
      await this.#o.client.get(kindPath("PackExecution", ns, pe));
      try {
        await this.#o.client.delete(kindPath("PackExecution", ns, pe));
        deleted = true;
      } catch (e) {
        if (isNotFound(e)) deleted = true;
        else this.#o.log.warn("cannot delete PackExecution", { packExecution: pe, error: e });
      }
    } catch (e) {
      if (isNotFound(e)) {
        this.#o.log.info("no PackExecution to retrigger", { packExecution: pe, namespace: ns });
      } else this.#o.log.warn("cannot read PackExecution", { packExecution: pe, error: e });
    }
    const spec: Record<string, unknown> = { state: "queued" };
    if (deleted) spec.correctionJobRef = pe;
    await this.#o.client.mergePatch(path, { spec });
    this.#o.metrics.inc(M.driftSignals[0], M.driftSignals[1], { action: "queued" });
    this.#o.log.info("drift signal queued", { signal: s.metadata.name, namespace: ns, retriggered: deleted });
    return "queued";
  }
}
