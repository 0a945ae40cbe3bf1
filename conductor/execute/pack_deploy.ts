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
 * 4. Inventory → `deployedResources`; the tenant record (PackReceipt named after the delivery in the
 *    target's `ont-system`, DECISIONS.md: "pack-deploy records what it applied") is server-side applied.
 *
 * Not in this build (reported in the result steps where relevant): the Guardian RBAC intake of the
 * split path (§10.1.3 steps 4–5; RBAC is applied directly), the readiness wait (§10.1.5), stage
 * ordering by `executionOrder` (§10.1.2 step 7; the legacy path applies in parsed order) and the
 * orphan prune of §10.1.8.
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

/** Server-side apply of one object (force: the conductor owns what it deploys, C-D29). */
export async function applyObject(kube: KubeClient, disco: Discovery, o: KObj): Promise<void> {
  const res = await disco.resolve(o.apiVersion, o.kind);
  const ns = o.metadata.namespace;
  if (res.namespaced && !ns) {
    throw new StepFailure(
      "ValidationFailure",
      `${o.kind} ${o.metadata.name} is namespaced but has no metadata.namespace`,
    );
  }
  const base = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const path = `${base}${res.namespaced ? `/namespaces/${encodeURIComponent(ns!)}` : ""}/${res.name}/${
    encodeURIComponent(o.metadata.name)
  }?fieldManager=${FIELD_MANAGER}&force=true`;
  const body = structuredClone(o);
  if (!res.namespaced) delete body.metadata.namespace;
  await kube.request("PATCH", path, { body, contentType: "application/apply-patch+yaml" });
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
    await step("apply-namespaces", async () => {
      for (const o of declaredNs) await applyObject(target!, disco, o);
      for (const n of referenced) {
        await applyObject(target!, disco, { apiVersion: "v1", kind: "Namespace", metadata: { name: n } });
      }
      return [undefined, `${declaredNs.length} namespace(s) applied, ${referenced.length} pre-created`];
    }, "ExecutionFailure");
    const stepName: Record<Layer["name"], string> = {
      "rbac": "apply-rbac-tenant",
      "cluster-scoped": "apply-cluster-scoped",
      "workload": "apply-workload",
      "cluster-pack": "apply-manifests",
    };
    for (const l of layers) {
      await step(stepName[l.name], async () => {
        for (const o of l.manifests) {
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
        }
        return [undefined, `${l.manifests.length} manifests applied`];
      }, "ExecutionFailure");
    }

    // 4. inventory and tenant record
    const inventory = all.map(refOf);
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
