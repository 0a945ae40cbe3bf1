/**
 * `pack-deploy` (conductor.md §10.1, with DECISIONS.md's pack mapping: the "ClusterPack" of the spec is
 * the PackDelivery `compiler packbuild` emits).
 *
 * 1. Resolution (§10.1.1): the PackExecution `OPERATION_RESULT_CM` in `POD_NAMESPACE`, its
 *    `spec.clusterPackRef` → the PackDelivery (GET by name, version compared). `PACK_SIGNATURE`, when
 *    set, must equal the delivery's `ontai.dev/pack-signature` annotation (D-X2; mismatch or a missing
 *    annotation → ValidationFailure, nothing pulled or applied).
 * 2. Target: the tenant client from `KUBECONFIG`; without it the management cluster is used only when
 *    `CLUSTER_REF` equals `MANAGEMENT_CLUSTER_REF` (D-X3), else ValidationFailure.
 * 3. Split path (`rbacDigest` set): the three layer images `url@rbacDigest`, `url@clusterScopedDigest`,
 *    `url@workloadDigest` are pulled (digests verified by shared/oci) and server-side applied in the
 *    order namespaces → RBAC → cluster-scoped → workload (field manager `conductor-pack-deploy`,
 *    force, C-D29). Namespaces referenced but not declared are pre-created. Legacy path (no
 *    `rbacDigest`): every layer of `url@digest` (or `url`), checksum compared, applied in order.
 * 4. Readiness (§10.1.5) of the workload (legacy: of everything), bounded by `READINESS_TIMEOUT_SECONDS`
 *    (default 600, D-X17), polled every 5 s.
 * 5. Inventory → `deployedResources`; the tenant record (PackReceipt named after the delivery in the
 *    target's `ont-system`, DECISIONS.md: "pack-deploy records what it applied") is server-side applied.
 *
 * Not in this build (reported in the result steps where relevant): the Guardian RBAC intake of the
 * split path (§10.1.3 steps 4–5; RBAC is applied directly). On the legacy path `executionOrder` stages
 * are honoured (§10.1.2 step 7; undeclared stages appended in canonical order, D-X14); `executionOrder`
 * is ignored on the split path, as upstream.
 * The orphan prune of §10.1.8 reads the previous PackReceipt's inventory (step `prune-orphans`, only
 * when something was pruned; delete errors are reported there, not fatal).
 */
import { parseAllDocuments } from "yaml";
import {
  type ArtifactRef,
  type DeployedResource,
  type FailureCategory,
  failureResult,
  type OperationResult,
  type ResultStepInput,
  successResult,
} from "../../shared/operation_result.ts";
import { ociDigest, parseRepositoryUrl, readYamlFiles } from "../../shared/oci/mod.ts";
import { ANNOTATION_PACK_SIGNATURE } from "../../shared/signing/annotations.ts";
import { NAMESPACE_ONT_SYSTEM } from "../../shared/runner_keys.ts";
import { apiVersionOf, KIND_NAMES } from "../../schemas/names.ts";
import { isNotFound, kindPath, type KubeClient } from "../agent/kube_client.ts";
import type { HandlerContext } from "./types.ts";

export const FIELD_MANAGER = "conductor-pack-deploy";

type KObj = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
};

class StepFailure extends Error {
  constructor(readonly category: FailureCategory, message: string, readonly step?: string) {
    super(message);
  }
}

const _msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Splits YAML text into manifests; documents without apiVersion, kind or metadata.name are skipped. */
export function parseManifests(text: string, source: string): KObj[] {
  const out: KObj[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: invalid YAML: ${doc.errors[0]!.message}`);
    const v = doc.toJSON() as KObj | null;
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    if (!v.apiVersion || !v.kind || !(v.metadata as { name?: string } | undefined)?.name) continue;
    out.push(v);
  }
  return out;
}

export function refOf(o: KObj): DeployedResource {
  const d: DeployedResource = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
  if (o.metadata.namespace) d.namespace = o.metadata.namespace;
  return d;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** Kind → resource through API discovery, cached per group/version; a miss re-reads (new CRDs). */
export class Discovery {
  readonly #cache = new Map<string, ApiResource[]>();
  constructor(readonly kube: KubeClient, readonly retries = 10, readonly delayMs = 500) {}

  async #load(gv: string): Promise<ApiResource[]> {
    const path = gv.includes("/") ? `/apis/${gv}` : `/api/${gv}`;
    try {
      const r = await this.kube.get<{ resources?: ApiResource[] }>(path);
      const list = (r.resources ?? []).filter((x) => !x.name.includes("/"));
      this.#cache.set(gv, list);
      return list;
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
  }

  async resolve(apiVersion: string, kind: string): Promise<ApiResource> {
    let list = this.#cache.get(apiVersion) ?? await this.#load(apiVersion);
    for (let i = 0; i <= this.retries; i++) {
      const hit = list.find((r) => r.kind === kind);
      if (hit) return hit;
      if (i === this.retries) break;
      await new Promise((r) => setTimeout(r, this.delayMs));
      list = await this.#load(apiVersion);
    }
    throw new StepFailure("ValidationFailure", `${apiVersion} ${kind} is not served by the target cluster`);
  }
}

/** REST path of one object (discovery); a namespaced kind without a namespace is a ValidationFailure. */
export async function objectPath(
  disco: Discovery,
  o: { apiVersion: string; kind: string; name: string; namespace?: string | undefined },
): Promise<{ path: string; namespaced: boolean }> {
  const res = await disco.resolve(o.apiVersion, o.kind);
  if (res.namespaced && !o.namespace) {
    throw new StepFailure(
      "ValidationFailure",
      `${o.kind} ${o.name} is namespaced but has no metadata.namespace`,
    );
  }
  const base = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(o.namespace!)}` : "";
  return { path: `${base}${ns}/${res.name}/${encodeURIComponent(o.name)}`, namespaced: res.namespaced };
}

/** Server-side apply of one object (force: the conductor owns what it deploys, C-D29). */
export async function applyObject(kube: KubeClient, disco: Discovery, o: KObj): Promise<void> {
  const { path, namespaced } = await objectPath(disco, {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    namespace: o.metadata.namespace,
  });
  const body = structuredClone(o);
  if (!namespaced) delete body.metadata.namespace;
  await kube.request("PATCH", `${path}?fieldManager=${FIELD_MANAGER}&force=true`, {
    body,
    contentType: "application/apply-patch+yaml",
  });
}

const _refKey = (d: DeployedResource) => `${d.apiVersion}|${d.kind}|${d.namespace ?? ""}|${d.name}`;

/**
 * §10.1.8: entries of the previous PackReceipt's inventory that the new one lacks are deleted from the
 * target (NotFound ignored). Errors are collected, not fatal. Returns the step message, or undefined when
 * there is nothing to prune.
 */
export async function pruneOrphans(
  kube: KubeClient,
  disco: Discovery,
  previous: readonly DeployedResource[],
  current: readonly DeployedResource[],
): Promise<string | undefined> {
  const keep = new Set(current.map(_refKey));
  const orphans = previous.filter((d) => d.apiVersion && d.kind && d.name && !keep.has(_refKey(d)));
  if (orphans.length === 0) return undefined;
  let deleted = 0;
  const errors: string[] = [];
  for (const d of orphans) {
    const where = `${d.kind} ${d.namespace ? d.namespace + "/" : ""}${d.name}`;
    try {
      await kube.delete((await objectPath(disco, d)).path);
      deleted++;
    } catch (e) {
      if (isNotFound(e)) deleted++;
      else errors.push(`${where}: ${_msg(e)}`);
    }
  }
  return `${deleted} orphaned object(s) deleted` +
    (errors.length ? `; ${errors.length} not deleted: ${errors.join("; ")}` : "");
}

// ---------------------------------------------------------------------------------------------
// Readiness (§10.1.5; D-X17: bounded by READINESS_TIMEOUT_SECONDS, default 600)

export const READINESS_POLL_MS = 5_000;
export const READINESS_TIMEOUT_DEFAULT_S = 600;

const _WAITED = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "PersistentVolumeClaim",
]);

type Conds = { type: string; status: string }[] | undefined;
const _cond = (o: Record<string, unknown>, t: string) =>
  ((o.status as { conditions?: Conds } | undefined)?.conditions ?? []).find((c) => c.type === t)?.status;

/** Whether one object is ready; throws for a terminal state (failed Job, suspended CronJob). */
export function isReady(kind: string, o: Record<string, unknown>): boolean {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const st = (o.status ?? {}) as Record<string, number | string | undefined>;
  const n = (v: unknown, d = 0) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : d);
  switch (kind) {
    case "Deployment":
      return _cond(o, "Available") === "True";
    case "StatefulSet": {
      const want = n(spec.replicas, 1);
      return want > 0 && n(st.readyReplicas) >= want;
    }
    case "DaemonSet":
      return n(st.desiredNumberScheduled) > 0 && n(st.numberReady) >= n(st.desiredNumberScheduled);
    case "Job":
      if (_cond(o, "Failed") === "True") throw new Error("Job failed");
      return n(st.succeeded) >= n(spec.completions, 1);
    case "CronJob":
      if (spec.suspend === true) throw new Error("CronJob is suspended");
      return true;
    case "PersistentVolumeClaim":
      return st.phase === "Bound";
    default:
      return true;
  }
}

/** Polls the waited-for kinds until all are ready; a GET error or the deadline aborts. */
export async function waitReady(
  kube: KubeClient,
  disco: Discovery,
  manifests: readonly KObj[],
  timeoutMs: number,
  pollMs = READINESS_POLL_MS,
): Promise<string> {
  const waited = manifests.filter((o) => _WAITED.has(o.kind));
  const deadline = Date.now() + timeoutMs;
  let pending = waited;
  while (true) {
    const next: KObj[] = [];
    for (const o of pending) {
      const { path } = await objectPath(disco, {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
      });
      const where = `${o.kind} ${o.metadata.namespace ? o.metadata.namespace + "/" : ""}${o.metadata.name}`;
      let live: Record<string, unknown>;
      try {
        live = await kube.get<Record<string, unknown>>(path);
      } catch (e) {
        throw new Error(`${where}: ${_msg(e)}`);
      }
      try {
        if (!isReady(o.kind, live)) next.push(o);
      } catch (e) {
        throw new Error(`${where}: ${_msg(e)}`);
      }
    }
    pending = next;
    if (pending.length === 0) return `${waited.length} object(s) ready`;
    if (Date.now() + pollMs > deadline) {
      throw new Error(
        `not ready after ${Math.round(timeoutMs / 1000)}s: ${
          pending.map((o) =>
            `${o.kind} ${o.metadata.namespace ? o.metadata.namespace + "/" : ""}${o.metadata.name}`
          )
            .join(", ")
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Legacy-path stages in canonical order (§10.1.2 step 7). */
export const STAGES = ["rbac", "storage", "stateful", "stateless"] as const;

/** The stage a kind belongs to. */
export function stageOf(kind: string): (typeof STAGES)[number] {
  if (["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount"].includes(kind)) {
    return "rbac";
  }
  if (kind === "PersistentVolumeClaim" || kind === "StorageClass") return "storage";
  if (["StatefulSet", "DaemonSet", "Job", "CronJob"].includes(kind)) return "stateful";
  return "stateless";
}

interface Layer {
  name: "rbac" | "cluster-scoped" | "workload" | "cluster-pack";
  ref: string;
  digest: string;
  manifests: KObj[];
}

export async function packDeploy(ctx: HandlerContext): Promise<OperationResult> {
  const steps: ResultStepInput[] = [];
  const artifacts: ArtifactRef[] = [];
  const base = { capability: ctx.capability, startedAt: ctx.startedAt, clock: ctx.clock };
  let delivery: KObj | undefined;
  let version = "";
  const fail = (category: FailureCategory, reason: string, failedStep?: string) =>
    failureResult({
      ...base,
      category,
      reason,
      steps,
      artifacts,
      ...(failedStep ? { failedStep } : {}),
      ...(delivery ? { clusterPackRef: delivery.metadata.name, clusterPackVersion: version } : {}),
    });
  const step = async <T>(name: string, fn: () => Promise<[T, string]>, category: FailureCategory) => {
    const startedAt = ctx.clock.now();
    try {
      const [v, message] = await fn();
      steps.push({ name, status: "Succeeded", startedAt, completedAt: ctx.clock.now(), message });
      return v;
    } catch (e) {
      const cat = e instanceof StepFailure ? e.category : category;
      steps.push({ name, status: "Failed", startedAt, completedAt: ctx.clock.now(), message: _msg(e) });
      throw new StepFailure(cat, _msg(e), name);
    }
  };

  const pe = ctx.operationResultCM;
  if (!pe) return fail("ValidationFailure", "OPERATION_RESULT_CM (the PackExecution name) is required");
  let mgmt: KubeClient;
  try {
    mgmt = await ctx.clients.management();
  } catch (e) {
    return fail("ValidationFailure", `management cluster client unavailable: ${_msg(e)}`);
  }

  // 1. resolution
  let spec: Record<string, unknown>;
  try {
    const exec = await mgmt.get<KObj>(kindPath("PackExecution", ctx.namespace, pe));
    const ref = (exec.spec as { clusterPackRef?: { name?: string; version?: string } } | undefined)
      ?.clusterPackRef;
    if (!ref?.name) return fail("ValidationFailure", `PackExecution ${pe} has no spec.clusterPackRef.name`);
    try {
      delivery = await mgmt.get<KObj>(kindPath("PackDelivery", ctx.namespace, ref.name));
    } catch (e) {
      if (isNotFound(e)) {
        return fail(
          "ValidationFailure",
          `PackDelivery ${ctx.namespace}/${ref.name} not found: it has no registryRef`,
        );
      }
      throw e;
    }
    spec = (delivery.spec ?? {}) as Record<string, unknown>;
    version = String(spec.version ?? "");
    if (ref.version && ref.version !== version) {
      return fail(
        "ValidationFailure",
        `PackDelivery version mismatch: ${ref.name} is ${
          JSON.stringify(version)
        }, PackExecution ${pe} wants ${JSON.stringify(ref.version)}`,
      );
    }
  } catch (e) {
    return fail("ExecutionFailure", `cannot read PackExecution ${ctx.namespace}/${pe}: ${_msg(e)}`);
  }
  const packName = delivery.metadata.name;
  const expected = ctx.env("PACK_SIGNATURE") ?? "";
  if (expected !== "") {
    const actual = delivery.metadata.annotations?.[ANNOTATION_PACK_SIGNATURE] ?? "";
    if (actual !== expected) {
      return fail(
        "ValidationFailure",
        actual === ""
          ? `pack signature mismatch: PACK_SIGNATURE is set but PackDelivery ${packName} carries no ${ANNOTATION_PACK_SIGNATURE} annotation`
          : `pack signature mismatch: PACK_SIGNATURE differs from PackDelivery ${packName}'s ${ANNOTATION_PACK_SIGNATURE} annotation`,
      );
    }
  }
  const registryRef = (spec.registryRef ?? {}) as { url?: string; digest?: string };
  if (!registryRef.url) {
    return fail("ExecutionFailure", `PackDelivery ${packName} has an empty registryRef.url`);
  }

  // 2. target
  let target = await ctx.clients.tenant();
  if (!target) {
    if (ctx.env("MANAGEMENT_CLUSTER_REF") && ctx.env("MANAGEMENT_CLUSTER_REF") === ctx.clusterRef) {
      ctx.log.info("no target-cluster kubeconfig: the target is the management cluster");
      target = mgmt;
    } else {
      return fail(
        "ValidationFailure",
        `no client for target cluster ${ctx.clusterRef}: KUBECONFIG could not be loaded and the target is not the management cluster (D-X3)`,
      );
    }
  }

  const s = (k: string) => (typeof spec[k] === "string" ? spec[k] as string : "");
  const rbacDigest = s("rbacDigest"),
    clusterScopedDigest = s("clusterScopedDigest"),
    workloadDigest = s(
      "workloadDigest",
    );
  let repo: { registry: string; repository: string };
  try {
    repo = parseRepositoryUrl(registryRef.url);
  } catch (e) {
    return fail("ValidationFailure", `PackDelivery ${packName}: registryRef.url: ${_msg(e)}`);
  }

  try {
    const oci = await ctx.clients.oci(repo.registry);
    const pull = async (name: Layer["name"], digest: string): Promise<Layer> => {
      let img;
      try {
        img = await oci.pullImage(repo.repository, digest);
      } catch (e) {
        throw new StepFailure("ExternalDependencyFailure", `pull ${registryRef.url}@${digest}: ${_msg(e)}`);
      }
      const manifests: KObj[] = [];
      for (const layer of img.layers) {
        for (const f of readYamlFiles(layer.bytes)) manifests.push(...parseManifests(f.text, f.name));
      }
      return { name, ref: `${registryRef.url}@${digest}`, digest, manifests };
    };
    const layers: Layer[] = [];
    if (rbacDigest) {
      const plan: [Layer["name"], string, string][] = [
        ["rbac", rbacDigest, "pull-rbac-layer"],
        ["cluster-scoped", clusterScopedDigest, "pull-cluster-scoped-layer"],
        ["workload", workloadDigest, "pull-workload-layer"],
      ];
      for (const [name, digest, stepName] of plan) {
        if (!digest) continue;
        const l = await step(stepName, async () => {
          const l = await pull(name, digest);
          return [l, `${l.manifests.length} ${name} manifests fetched`];
        }, "ExecutionFailure");
        layers.push(l);
        artifacts.push({
          name: `${name}-layer`,
          kind: "OCIImage",
          reference: l.ref,
          checksum: name === "workload" ? s("checksum") : "",
        });
      }
    } else {
      const digest = registryRef.digest || "";
      const l = await step("pull-manifests", async () => {
        let img;
        try {
          img = await oci.pullImage(repo.repository, digest || "latest");
        } catch (e) {
          throw new StepFailure("ExternalDependencyFailure", `pull ${registryRef.url}: ${_msg(e)}`);
        }
        const want = s("checksum").replace(/^sha256:/, "");
        if (want) {
          const all = new Uint8Array(img.layers.reduce((n, x) => n + x.bytes.length, 0));
          let off = 0;
          for (const x of img.layers) all.set(x.bytes, off), off += x.bytes.length;
          const got = ociDigest(all).replace(/^sha256:/, "");
          if (got !== want) {
            throw new StepFailure("ValidationFailure", `checksum mismatch: got ${got}, want ${want}`);
          }
        }
        const manifests: KObj[] = [];
        for (const layer of img.layers) {
          for (const f of readYamlFiles(layer.bytes)) manifests.push(...parseManifests(f.text, f.name));
        }
        return [
          {
            name: "cluster-pack",
            ref: digest ? `${registryRef.url}@${digest}` : registryRef.url,
            digest,
            manifests,
          },
          `${manifests.length} manifests fetched`,
        ] as [Layer, string];
      }, "ExecutionFailure");
      layers.push(l);
      artifacts.push({ name: "cluster-pack", kind: "OCIImage", reference: l.ref, checksum: s("checksum") });
    }

    // 3. apply: namespaces, then RBAC → cluster-scoped → workload
    const disco = new Discovery(target);
    const all = layers.flatMap((l) => l.manifests);
    const declaredNs = all.filter((o) => o.kind.toLowerCase() === "namespace");
    const declared = new Set(declaredNs.map((o) => o.metadata.name));
    const referenced = [...new Set(all.map((o) => o.metadata.namespace).filter((n): n is string => !!n))]
      .filter((n) => !declared.has(n));
    await step(rbacDigest ? "apply-namespaces" : "ensure-namespaces", async () => {
      for (const o of declaredNs) await applyObject(target!, disco, o);
      for (const n of referenced) {
        await applyObject(target!, disco, { apiVersion: "v1", kind: "Namespace", metadata: { name: n } });
      }
      return [undefined, `${declaredNs.length} namespace(s) applied, ${referenced.length} pre-created`];
    }, "ExecutionFailure");
    const timeoutS = Number(ctx.env("READINESS_TIMEOUT_SECONDS") ?? READINESS_TIMEOUT_DEFAULT_S);
    const timeoutMs = (Number.isFinite(timeoutS) ? timeoutS : READINESS_TIMEOUT_DEFAULT_S) * 1000;
    const applyAll = async (manifests: readonly KObj[], concurrent: boolean) => {
      const one = async (o: KObj) => {
        try {
          await applyObject(target!, disco, o);
        } catch (e) {
          const where = `${o.kind} ${
            o.metadata.namespace ? o.metadata.namespace + "/" : ""
          }${o.metadata.name}`;
          throw new StepFailure(
            e instanceof StepFailure ? e.category : "ExecutionFailure",
            `apply ${where}: ${_msg(e)}`,
          );
        }
      };
      if (!concurrent) {
        for (const o of manifests) await one(o);
        return;
      }
      // all attempted; the first error in manifest order is reported
      const settled = await Promise.allSettled(manifests.map(one));
      const bad = settled.find((r) => r.status === "rejected");
      if (bad) throw (bad as PromiseRejectedResult).reason;
    };
    const order = ((spec.executionOrder ?? []) as { name?: string }[]).map((x) => String(x.name ?? ""))
      .filter(Boolean);
    if (!rbacDigest && order.length > 0) {
      // legacy path with stages (§10.1.2 step 7); undeclared stages appended in canonical order (D-X14)
      const stages = [...order, ...STAGES.filter((x) => !order.includes(x))];
      for (const stage of stages) {
        const members = all.filter((o) => stageOf(o.kind) === stage && o.kind.toLowerCase() !== "namespace");
        if (members.length === 0) continue;
        await step(stage, async () => {
          await applyAll(members, true);
          await waitReady(target!, disco, members, timeoutMs).catch((e) => {
            throw new Error(`readiness wait failed: ${_msg(e)}`);
          });
          return [undefined, `${members.length} manifests applied and ready`];
        }, "ExecutionFailure");
      }
    } else {
      const stepName: Record<Layer["name"], string> = {
        "rbac": "apply-rbac-tenant",
        "cluster-scoped": "apply-cluster-scoped",
        "workload": "apply-workload",
        "cluster-pack": "apply-manifests",
      };
      for (const l of layers) {
        await step(stepName[l.name], async () => {
          await applyAll(l.manifests, false);
          return [undefined, `${l.manifests.length} manifests applied`];
        }, "ExecutionFailure");
      }
      // readiness of what was applied last (workload, or the whole legacy set)
      const waitedSet = rbacDigest
        ? layers.filter((l) => l.name === "workload").flatMap((l) => l.manifests)
        : all;
      await step("wait-ready", async () => {
        try {
          return [undefined, await waitReady(target!, disco, waitedSet, timeoutMs)];
        } catch (e) {
          throw new Error(`${rbacDigest ? "workload " : ""}readiness wait failed: ${_msg(e)}`);
        }
      }, "ExecutionFailure");
    }

    // 4. inventory, orphans of the previous version, tenant record
    const inventory = all.map(refOf);
    const receiptPath = kindPath("PackReceipt", NAMESPACE_ONT_SYSTEM, packName);
    let previous: DeployedResource[] = [];
    try {
      const r = await target.get<{ spec?: { deployedResources?: DeployedResource[] } }>(receiptPath);
      previous = r.spec?.deployedResources ?? [];
    } catch (e) {
      if (!isNotFound(e)) ctx.log.warn("previous PackReceipt not readable: no orphan prune", { error: e });
    }
    const pruneStarted = ctx.clock.now();
    const pruned = await pruneOrphans(target, disco, previous, inventory);
    if (pruned !== undefined) {
      ctx.log.info("orphans pruned", { message: pruned });
      steps.push({
        name: "prune-orphans",
        status: "Succeeded",
        startedAt: pruneStarted,
        completedAt: ctx.clock.now(),
        message: pruned,
      });
    }
    await step("record-receipt", async () => {
      const receiptSpec: Record<string, unknown> = {
        clusterPackRef: packName,
        targetClusterRef: ctx.clusterRef,
        rbacDigest,
        workloadDigest,
      };
      if (inventory.length > 0) receiptSpec.deployedResources = inventory;
      for (const k of ["chartName", "chartURL", "chartVersion", "helmVersion"]) {
        if (s(k)) receiptSpec[k] = s(k);
      }
      const path = `${
        kindPath("PackReceipt", NAMESPACE_ONT_SYSTEM, packName)
      }?fieldManager=${FIELD_MANAGER}&force=true`;
      await target!.request("PATCH", path, {
        body: {
          apiVersion: apiVersionOf("PackReceipt"),
          kind: KIND_NAMES.PackReceipt.kind,
          metadata: { name: packName, namespace: NAMESPACE_ONT_SYSTEM },
          spec: receiptSpec,
        },
        contentType: "application/apply-patch+yaml",
      });
      return [
        undefined,
        `PackReceipt ${NAMESPACE_ONT_SYSTEM}/${packName} records ${inventory.length} objects`,
      ];
    }, "ExecutionFailure");

    return successResult({
      ...base,
      steps,
      artifacts,
      deployedResources: inventory,
      clusterPackRef: packName,
      clusterPackVersion: version,
      ...(rbacDigest ? { rbacDigest } : {}),
      ...(workloadDigest ? { workloadDigest } : {}),
    });
  } catch (e) {
    if (e instanceof StepFailure) return fail(e.category, e.message, e.step);
    return fail("ExecutionFailure", _msg(e));
  }
}
