/**
 * Execute mode, single-step (conductor.md §9.1, §9.2, §9.4): the capability → handler registry and the
 * run pipeline. The pipeline reads the environment, builds clients lazily (a handler asks for the ones it
 * needs), runs the handler, **always** records the result, and returns the exit code (§2.7):
 *
 * - 0: the handler ran (or the capability is unavailable) and its result was recorded, even when the
 *   result is `Failed`;
 * - 1: configuration error, or the result could not be recorded.
 *
 * Recording (§9.4 step 4): `OPERATION_RESULT_CR` set → TalosClusterOperationResult record (day-2);
 * else → PackOperationResult (pack path, `packExecutionRef = OPERATION_RESULT_CM`); additionally the
 * OperationResult ConfigMap when `RESULT_CONFIGMAP` is set (§9.4.3).
 *
 * A capability that is declared but has no handler in this build (`node-drain`, …, or a Talos
 * capability before its handler lands) records a `CapabilityUnavailable` failure and exits 0, so the
 * submitter never waits forever (D-X6).
 *
 * Adding a handler: one line in {@link HANDLERS}, a lazy import, so the memory of a Job is the memory
 * of its own capability.
 */
import type { Clock } from "../../shared/clock.ts";
export type { ExecuteClients, Handler, HandlerContext } from "./types.ts";
import { systemClock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import type { CapabilityName } from "../../shared/capability_names.ts";
import {
  capabilityUnavailableResult,
  failureResult,
  type OperationResult,
} from "../../shared/operation_result.ts";
import type { ExecuteClients, Handler, HandlerContext } from "./types.ts";
import { KUBECONFIG_DEFAULT_PATH, NAMESPACE_ONT_SYSTEM } from "../../shared/runner_keys.ts";
import { appendTcorRecord, writePackOperationResult, writeResultConfigMap } from "./persist.ts";

/**
 * The registry. One line per capability, lazily imported. A capability missing here runs as
 * `CapabilityUnavailable`.
 */
export const HANDLERS: Readonly<Partial<Record<CapabilityName, () => Promise<Handler>>>> = {
  "pack-deploy": () => import("./pack_deploy.ts").then((m) => m.packDeploy),
  "etcd-backup": () => import("./talos/etcd_backup.ts").then((m) => m.etcdBackup),
};

/** The handler of a capability, or undefined when this build has none. */
export async function resolveHandler(
  name: CapabilityName,
  handlers: Readonly<Partial<Record<CapabilityName, () => Promise<Handler>>>> = HANDLERS,
): Promise<Handler | undefined> {
  const load = handlers[name];
  return load ? await load() : undefined;
}

/** Runs a handler and turns an unexpected exception into an `ExecutionFailure` result. */
export async function runHandler(
  handler: Handler | undefined,
  ctx: HandlerContext,
): Promise<OperationResult> {
  if (!handler) {
    const r = capabilityUnavailableResult(ctx.capability, ctx.clock, ctx.startedAt);
    r.failureReason!.reason += ": no handler is part of this build";
    return r;
  }
  try {
    return await handler(ctx);
  } catch (e) {
    ctx.log.error("capability threw instead of returning a result", { error: e });
    return failureResult({
      capability: ctx.capability,
      startedAt: ctx.startedAt,
      clock: ctx.clock,
      category: "ExecutionFailure",
      reason: `capability failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

export { systemClock };

// ---------------------------------------------------------------------------------------------
// The pipeline

export interface PipelineIo {
  env(name: string): string | undefined;
  stderr(text: string): void;
}

export interface PipelineOptions {
  capability: CapabilityName;
  clusterRef: string;
  io: PipelineIo;
  log: Logger;
  clients: ExecuteClients;
  clock?: Clock;
  handlers?: Readonly<Partial<Record<CapabilityName, () => Promise<Handler>>>>;
}

/** §2.6: step parameters built from env (synthetic step). */
export function parametersFromEnv(env: (n: string) => string | undefined): Record<string, string> {
  const p: Record<string, string> = {};
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== "") p[k] = v;
  };
  p.registryRef = env("PACK_REGISTRY_REF") ?? "";
  p.checksum = env("PACK_CHECKSUM") ?? "";
  set("signature", env("PACK_SIGNATURE"));
  p.operationResultCM = env("OPERATION_RESULT_CM") ?? "";
  set("operationResultCR", env("OPERATION_RESULT_CR"));
  p.kubeconfigPath = env("KUBECONFIG") || KUBECONFIG_DEFAULT_PATH;
  return p;
}

/** Runs one capability and records its result; returns the exit code (§2.7, §9.8). */
export async function runPipeline(o: PipelineOptions): Promise<number> {
  const env = o.io.env;
  const clock = o.clock ?? systemClock;
  const resultCR = env("OPERATION_RESULT_CR") ?? "";
  const resultCM = env("OPERATION_RESULT_CM") ?? "";
  const resultConfigMapName = env("RESULT_CONFIGMAP") ?? "";
  if (resultCR === "" && resultCM === "" && resultConfigMapName === "") {
    o.io.stderr(
      "conductor execute: one of OPERATION_RESULT_CM (pack path) or OPERATION_RESULT_CR (day-2 path) is required\n",
    );
    return 1;
  }
  const namespace = env("POD_NAMESPACE") || NAMESPACE_ONT_SYSTEM;
  const log = o.log;
  log.info("starting", { namespace });
  const startedAt = clock.now();
  const ctx: HandlerContext = {
    capability: o.capability,
    clusterRef: o.clusterRef,
    namespace,
    // §9.4 step 2: defaults to step-<step>-<cluster> when neither result target is set.
    operationResultCM: resultCM || (resultCR === "" ? `step-${o.capability}-${o.clusterRef}` : ""),
    parameters: parametersFromEnv(env),
    env,
    clients: o.clients,
    log,
    clock,
    startedAt,
  };
  log.info("step starting", { step: o.capability });
  let handler: Handler | undefined;
  try {
    handler = await resolveHandler(o.capability, o.handlers);
  } catch (e) {
    log.error("capability handler could not be loaded", { error: e });
  }
  log.info("capability dispatching", { available: handler !== undefined });
  const result = await runHandler(handler, ctx);
  log.info("capability result", {
    status: result.status,
    ...(result.failureReason
      ? { category: result.failureReason.category, reason: result.failureReason.reason }
      : {}),
  });
  try {
    const mgmt = await o.clients.management();
    if (resultCR !== "") {
      await appendTcorRecord(mgmt, { clusterRef: o.clusterRef, jobRef: resultCR, result, log });
      log.info("result recorded", { kind: "TalosClusterOperationResult", jobRef: resultCR });
    } else if (resultCM !== "") {
      const name = await writePackOperationResult(mgmt, {
        namespace,
        packExecution: resultCM,
        clusterRef: o.clusterRef,
        result,
        log,
      });
      log.info("result recorded", { kind: "PackOperationResult", name, namespace });
    }
    if (resultConfigMapName !== "") {
      await writeResultConfigMap(mgmt, { name: resultConfigMapName, namespace, result });
      log.info("result recorded", { kind: "ConfigMap", name: resultConfigMapName, namespace });
    }
  } catch (e) {
    o.io.stderr(
      `conductor execute: the ${o.capability} result (${result.status}) could not be recorded: ${
        e instanceof Error ? e.message : String(e)
      }\n`,
    );
    return 1;
  }
  log.info("step completed", { step: o.capability, status: result.status });
  log.info("completed");
  return 0;
}
