/**
 * The write side shared by the tenant pull loops that verify a management-signed source and keep a
 * local receipt of it (pack_pull.ts: PackInstalled → PackReceipt; snapshot_pull.ts:
 * PermissionSnapshot → PermissionSnapshotReceipt): the receipt's status patched only when it changes,
 * and `DegradedSecurityState` set on the management source while its signature fails (no receipt to
 * carry it) and cleared once it verifies. What each loop verifies, and what its receipt holds, stays
 * in the loop.
 */
import {
  COND_DEGRADED,
  type Condition,
  REASON_SIG_FAILED,
  REASON_SIG_VERIFIED,
  setConditions,
} from "./conditions.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import type { KubeClient } from "./kube_client.ts";
import type { KObject } from "./signing_loop.ts";
import type { Verifier } from "./verifier.ts";

/** What a pull loop of a signed management source needs. */
export interface SignedPullOptions {
  mgmt: KubeClient;
  local: KubeClient;
  clusterRef: string;
  /** The agent namespace, where receipts live. */
  namespace: string;
  verifier: Verifier;
  clock: Clock;
  log: Logger;
}

/**
 * Merge-patches `fields` (and, when `conds` is given, the conditions set with them) into the status of
 * `obj` at `path`, unless nothing would change. A missing status field counts as null.
 */
export async function patchStatusIfChanged(
  client: KubeClient,
  path: string,
  obj: KObject,
  fields: Record<string, unknown>,
  conds: Omit<Condition, "lastTransitionTime">[] | undefined,
  now: Date,
): Promise<void> {
  const st = obj.status ?? {};
  const differs = Object.entries(fields).some(([k, v]) => (st[k] ?? null) !== v);
  if (!conds) {
    if (differs) await client.mergePatch(`${path}/status`, { status: fields });
    return;
  }
  const { conditions, changed } = setConditions(st.conditions as Condition[] | undefined, conds, now);
  if (!changed && !differs) return;
  await client.mergePatch(`${path}/status`, { status: { ...fields, conditions } });
}

/** Marks the management source at `statusPath` `DegradedSecurityState=True` (signature failed). */
export async function markSourceDegraded(
  mgmt: KubeClient,
  statusPath: string,
  source: KObject,
  clusterRef: string,
  reason: string,
  now: Date,
): Promise<void> {
  const { conditions, changed } = setConditions(source.status?.conditions as Condition[] | undefined, [
    {
      type: COND_DEGRADED,
      status: "True",
      reason: REASON_SIG_FAILED,
      message: `tenant ${clusterRef}: ${reason}`,
    },
  ], now);
  if (changed) await mgmt.mergePatch(statusPath, { status: { conditions } });
}

/** A management source marked degraded earlier (e.g. before it was signed) is cleared once it verifies. */
export async function clearSourceDegraded(
  mgmt: KubeClient,
  statusPath: string,
  source: KObject,
  clusterRef: string,
  now: Date,
): Promise<void> {
  const list = source.status?.conditions as Condition[] | undefined;
  if (list?.find((c) => c.type === COND_DEGRADED)?.status !== "True") return;
  const { conditions } = setConditions(list, [
    {
      type: COND_DEGRADED,
      status: "False",
      reason: REASON_SIG_VERIFIED,
      message: `tenant ${clusterRef}`,
    },
  ], now);
  await mgmt.mergePatch(statusPath, { status: { conditions } });
}
