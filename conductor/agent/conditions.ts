/** Kubernetes conditions set by type (conductor.md D-A16: never replace other types). */
import { rfc3339Seconds } from "./time.ts";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/**
 * The list with `c` set: other types kept in order, `lastTransitionTime` kept when the status did
 * not change. `changed` is false when nothing would be written.
 */
export function setCondition(
  list: readonly Condition[] | undefined,
  c: Omit<Condition, "lastTransitionTime">,
  now: Date,
): { conditions: Condition[]; changed: boolean } {
  const out = [...(list ?? [])];
  const i = out.findIndex((x) => x.type === c.type);
  const old = i >= 0 ? out[i] : undefined;
  if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) {
    return { conditions: out, changed: false };
  }
  const next: Condition = {
    ...c,
    lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : rfc3339Seconds(now),
  };
  if (i >= 0) out[i] = next;
  else out.push(next);
  return { conditions: out, changed: true };
}

/** Several conditions at once. */
export function setConditions(
  list: readonly Condition[] | undefined,
  cs: readonly Omit<Condition, "lastTransitionTime">[],
  now: Date,
): { conditions: Condition[]; changed: boolean } {
  let cur = [...(list ?? [])];
  let changed = false;
  for (const c of cs) {
    const r = setCondition(cur, c, now);
    cur = r.conditions;
    changed ||= r.changed;
  }
  return { conditions: cur, changed };
}

export function conditionStatus(list: readonly Condition[] | undefined, type: string): string | undefined {
  return list?.find((c) => c.type === type)?.status;
}

export const COND_DEGRADED = "DegradedSecurityState";
export const COND_VERIFIED = "Verified";
export const COND_ACKNOWLEDGED = "Acknowledged";
export const COND_SIGNATURE_VERIFICATION = "SignatureVerification";
export const REASON_SIG_FAILED = "SignatureVerificationFailed";
export const REASON_SIG_VERIFIED = "SignatureVerified";
