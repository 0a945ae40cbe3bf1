/**
 * Result persistence (conductor.md §9.4.1–§9.4.3): the PackOperationResult writer (pack path), the
 * TalosClusterOperationResult append (day-2 path) and the OperationResult ConfigMap. All write to the
 * management cluster. Errors propagate: a result that cannot be recorded fails the Job (exit 1).
 */
import type { Logger } from "../../shared/logger.ts";
import { type OperationResult, resultConfigMap } from "../../shared/operation_result.ts";
import { tenantNamespace } from "../../shared/runner_keys.ts";
import { apiVersionOf, KIND_NAMES } from "../../schemas/names.ts";
import { builtinPath, isConflict, isNotFound, kindPath, type KubeClient } from "../agent/kube_client.ts";

export const LABEL_PACK_EXECUTION = "ontai.dev/pack-execution";
export const LABEL_CLUSTER_PACK = "ontai.dev/cluster-pack";
export const LABEL_SUPERSEDED = "ontai.dev/superseded";
/** Superseded PackOperationResults kept per pack (rollback anchors). */
export const SUPERSEDED_KEEP = 10;

type KObj = {
  metadata: { name: string; uid?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
};

function _revision(o: KObj): number {
  const r = o.spec?.revision;
  return typeof r === "bigint" ? Number(r) : typeof r === "number" ? r : Number(r ?? 0) || 0;
}

function _selector(labels: Record<string, string>): string {
  return "?labelSelector=" +
    encodeURIComponent(Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(","));
}

export interface PorWriteOptions {
  namespace: string;
  packExecution: string;
  clusterRef: string;
  result: OperationResult;
  log: Logger;
}

/** The PackOperationResult name for revision `n`. */
export function porName(packExecution: string, n: number): string {
  return `pack-deploy-result-${packExecution}-r${n}`;
}

/** §9.4.1: creates revision N+1, supersedes the predecessor, prunes old superseded ones. Returns the name. */
export async function writePackOperationResult(kube: KubeClient, o: PorWriteOptions): Promise<string> {
  const listPath = kindPath("PackOperationResult", o.namespace);
  const prior = (await kube.list<KObj>(listPath + _selector({ [LABEL_PACK_EXECUTION]: o.packExecution })))
    .items;
  let predecessor: KObj | undefined;
  for (const p of prior) if (!predecessor || _revision(p) > _revision(predecessor)) predecessor = p;
  const n = predecessor ? _revision(predecessor) + 1 : 1;
  const name = porName(o.packExecution, n);
  const r = o.result;
  const labels: Record<string, string> = { [LABEL_PACK_EXECUTION]: o.packExecution };
  if (r.clusterPackRef) labels[LABEL_CLUSTER_PACK] = r.clusterPackRef;
  const metadata: Record<string, unknown> = { name, namespace: o.namespace, labels };
  try {
    const pe = await kube.get<KObj>(kindPath("PackExecution", o.namespace, o.packExecution));
    if (pe.metadata.uid) {
      metadata.ownerReferences = [{
        apiVersion: apiVersionOf("PackExecution"),
        kind: KIND_NAMES.PackExecution.kind,
        name: o.packExecution,
        uid: pe.metadata.uid,
        blockOwnerDeletion: true,
        controller: false,
      }];
    }
  } catch (e) {
    o.log.info("PackExecution not readable: the result gets no owner reference", {
      packExecution: o.packExecution,
      error: e,
    });
  }
  const spec: Record<string, unknown> = {
    revision: n,
    packExecutionRef: o.packExecution,
    targetClusterRef: o.clusterRef,
    capability: r.capability,
    phase: r.phase,
    status: r.status,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    artifacts: r.artifacts,
    steps: r.steps,
  };
  if (predecessor) spec.previousRevisionRef = predecessor.metadata.name;
  if (r.clusterPackRef) spec.clusterPackRef = r.clusterPackRef;
  if (r.failureReason) spec.failureReason = r.failureReason;
  if (r.deployedResources?.length) spec.deployedResources = r.deployedResources;
  if (r.clusterPackVersion) spec.clusterPackVersion = r.clusterPackVersion;
  if (r.rbacDigest) spec.rbacDigest = r.rbacDigest;
  if (r.workloadDigest) spec.workloadDigest = r.workloadDigest;
  await kube.create(listPath, {
    apiVersion: apiVersionOf("PackOperationResult"),
    kind: KIND_NAMES.PackOperationResult.kind,
    metadata,
    spec,
  });
  if (predecessor) {
    o.log.info("PackOperationResult superseded", {
      predecessor: predecessor.metadata.name,
      namespace: o.namespace,
      previousRevision: _revision(predecessor),
      revision: n,
      packExecution: o.packExecution,
    });
    try {
      await kube.mergePatch(kindPath("PackOperationResult", o.namespace, predecessor.metadata.name), {
        metadata: { labels: { [LABEL_SUPERSEDED]: "true" } },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (r.clusterPackRef) {
      try {
        const old = (await kube.list<KObj>(
          listPath + _selector({ [LABEL_CLUSTER_PACK]: r.clusterPackRef, [LABEL_SUPERSEDED]: "true" }),
        )).items.sort((a, b) => _revision(a) - _revision(b));
        while (old.length > SUPERSEDED_KEEP) {
          const victim = old.shift()!;
          await kube.delete(kindPath("PackOperationResult", o.namespace, victim.metadata.name));
        }
      } catch (e) {
        o.log.warn("pruning superseded PackOperationResults failed", { error: e });
      }
    }
  }
  return name;
}

export interface TcorAppendOptions {
  clusterRef: string;
  jobRef: string;
  result: OperationResult;
  log: Logger;
}

/** §9.4.2 with D-X7: appends the record, creating the TCOR when absent. */
export async function appendTcorRecord(kube: KubeClient, o: TcorAppendOptions): Promise<void> {
  const ns = tenantNamespace(o.clusterRef);
  const path = kindPath("TalosClusterOperationResult", ns, o.clusterRef);
  const r = o.result;
  const record: Record<string, unknown> = {
    capability: r.capability,
    jobRef: o.jobRef,
    status: r.status,
    message: r.failureReason?.reason ?? r.status,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
  };
  if (r.failureReason) {
    record.failureReason = { category: r.failureReason.category, reason: r.failureReason.reason };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    let cur: KObj & { spec?: { operations?: Record<string, unknown> } };
    try {
      cur = await kube.get(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      o.log.warn("TalosClusterOperationResult missing: creating it (D-X7)", { namespace: ns });
      try {
        await kube.create(kindPath("TalosClusterOperationResult", ns), {
          apiVersion: apiVersionOf("TalosClusterOperationResult"),
          kind: KIND_NAMES.TalosClusterOperationResult.kind,
          metadata: { name: o.clusterRef, namespace: ns },
          spec: {
            clusterRef: o.clusterRef,
            talosVersion: "",
            revision: 1,
            operations: {},
            operationCount: 0,
          },
        });
      } catch (ce) {
        if (!isConflict(ce)) throw ce;
      }
      continue;
    }
    const keys = new Set(Object.keys(cur.spec?.operations ?? {}));
    keys.add(o.jobRef);
    try {
      await kube.mergePatch(path, {
        metadata: { resourceVersion: (cur.metadata as { resourceVersion?: string }).resourceVersion },
        spec: { operations: { [o.jobRef]: record }, operationCount: keys.size },
      });
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`TalosClusterOperationResult ${ns}/${o.clusterRef}: too many concurrent updates`);
}

/** §9.4.3: creates the ConfigMap, or updates only its `result` key. Owner: the Job, when readable. */
export async function writeResultConfigMap(
  kube: KubeClient,
  o: { name: string; namespace: string; result: OperationResult },
): Promise<void> {
  let ownerJob: { name: string; uid: string } | undefined;
  try {
    const job = await kube.get<KObj>(builtinPath("batch/v1", "jobs", o.namespace, o.name));
    if (job.metadata.uid) ownerJob = { name: o.name, uid: job.metadata.uid };
  } catch { /* no owner reference */ }
  const cm = resultConfigMap({ ...o, ...(ownerJob ? { ownerJob } : {}) });
  try {
    await kube.create(builtinPath("v1", "configmaps", o.namespace), cm);
  } catch (e) {
    if (!isConflict(e)) throw e;
    await kube.mergePatch(builtinPath("v1", "configmaps", o.namespace, o.name), { data: cm.data });
  }
}
