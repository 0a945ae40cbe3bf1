/**
 * PermissionSnapshot pull loop (conductor.md §4.4 with the port's receipt; tenant; 30 s).
 *
 * Reads PermissionSnapshots from `seam-system` on the management cluster (DECISIONS.md), keeps those
 * targeting this cluster and takes the one with the greatest `spec.version` (D-A8). Then:
 * - verified → the receipt `receipt-{cluster}` in the agent namespace is created/updated
 *   (`spec.snapshotVersion` advanced, `InSync`, `Acknowledged=True`, `DegradedSecurityState=False`),
 *   the store holds the snapshot, and the management snapshot's status is acknowledged;
 * - not verified → no receipt is created and none is advanced: an existing receipt gets
 *   `DegradedSecurityState=True` (reason `SignatureVerificationFailed`); without a receipt the
 *   condition goes on the management snapshot's status instead. The store keeps the last verified
 *   snapshot.
 *
 * `readOnlyPass` (every replica) loads the store; writes happen only in `pass` (leader), and the
 * kube client refuses writes when fenced anyway.
 */
import { LABEL_MANAGED_BY, NAMESPACE_SEAM_SYSTEM } from "../../shared/runner_keys.ts";
import { ANNOTATION_MANAGEMENT_SIGNATURE } from "../../shared/signing/mod.ts";
import { apiVersionOf } from "../../schemas/names.ts";
import {
  COND_ACKNOWLEDGED,
  COND_DEGRADED,
  COND_SIGNATURE_VERIFICATION,
  type Condition,
  REASON_SIG_FAILED,
  REASON_SIG_VERIFIED,
} from "./conditions.ts";
import { isNotFound, kindPath } from "./kube_client.ts";
import {
  clearSourceDegraded,
  markSourceDegraded,
  patchStatusIfChanged,
  type SignedPullOptions,
} from "./receipt_status.ts";
import type { KObject } from "./signing_loop.ts";
import { rfc3339Seconds } from "./time.ts";
import type { Verdict } from "./verifier.ts";

export const SNAPSHOT_PULL_INTERVAL_MS = 30_000;

/**
 * The receipt CRD gets conditions only if its schema has them (api.md §10.6 asks for them). A literal
 * rather than `"conditions" in PermissionSnapshotReceiptStatusSchema.shape` so that the agent does
 * not load zod and every kind's schema (schemas/mod.ts) for one boolean; loops_test.ts checks it
 * against the schema, so a schema change fails the tests until this follows.
 */
export const RECEIPT_HAS_CONDITIONS = false;

export function receiptName(cluster: string): string {
  return `receipt-${cluster}`;
}

export interface SnapshotStoreState {
  version: string;
  spec: Record<string, unknown>;
}

export interface SnapshotPullOptions extends SignedPullOptions {
  /** Where PermissionSnapshots are read on management (default `seam-system`). */
  sourceNamespace?: string;
}

export class SnapshotPullLoop {
  readonly #o: SnapshotPullOptions;
  /** The last verified snapshot (every replica). */
  store: SnapshotStoreState | undefined;
  constructor(o: SnapshotPullOptions) {
    this.#o = o;
  }

  /** The snapshot for this cluster with the greatest version, or undefined. */
  async latest(): Promise<KObject | undefined> {
    const ns = this.#o.sourceNamespace ?? NAMESPACE_SEAM_SYSTEM;
    const list = await this.#o.mgmt.list<KObject>(kindPath("PermissionSnapshot", ns));
    const mine = list.items.filter((s) => s.spec?.targetCluster === this.#o.clusterRef);
    mine.sort((a, b) => String(a.spec?.version ?? "") < String(b.spec?.version ?? "") ? 1 : -1);
    return mine[0];
  }

  async #check(snap: KObject): Promise<Verdict> {
    return await this.#o.verifier.verifySpec(
      "PermissionSnapshot",
      snap.metadata.name,
      snap.spec,
      snap.metadata.annotations?.[ANNOTATION_MANAGEMENT_SIGNATURE],
    );
  }

  /** Read-only part: verify and load the store. */
  async readOnlyPass(): Promise<{ snap: KObject; verdict: Verdict } | undefined> {
    const snap = await this.latest();
    if (!snap) return undefined;
    const verdict = await this.#check(snap);
    if (verdict.ok) this.store = { version: String(snap.spec?.version ?? ""), spec: snap.spec ?? {} };
    return { snap, verdict };
  }

  async pass(): Promise<void> {
    const r = await this.readOnlyPass();
    if (!r) return;
    await this.reconcile(r.snap, r.verdict);
  }

  /** Idempotent write side for one snapshot and its verdict. */
  async reconcile(snap: KObject, verdict: Verdict): Promise<void> {
    const now = this.#o.clock.now();
    const name = receiptName(this.#o.clusterRef);
    const path = kindPath("PermissionSnapshotReceipt", this.#o.namespace, name);
    let receipt: KObject | undefined;
    try {
      receipt = await this.#o.local.get<KObject>(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const version = String(snap.spec?.version ?? "");
    if (!verdict.ok) {
      const conds = [{
        type: COND_DEGRADED,
        status: "True" as const,
        reason: REASON_SIG_FAILED,
        message: verdict.reason,
      }];
      if (receipt) {
        await patchStatusIfChanged(
          this.#o.local,
          path,
          receipt,
          {
            syncStatus: "DegradedSecurityState",
            degradedSecurityState: true,
            degradedReason: verdict.reason,
          },
          RECEIPT_HAS_CONDITIONS ? conds : undefined,
          now,
        );
      } else {
        await markSourceDegraded(
          this.#o.mgmt,
          this.#statusPath(snap),
          snap,
          this.#o.clusterRef,
          verdict.reason,
          now,
        );
      }
      return;
    }
    if (!receipt) {
      receipt = await this.#o.local.create<KObject>(
        kindPath("PermissionSnapshotReceipt", this.#o.namespace),
        {
          apiVersion: apiVersionOf("PermissionSnapshotReceipt"),
          kind: "PermissionSnapshotReceipt",
          metadata: { name, namespace: this.#o.namespace, labels: { [LABEL_MANAGED_BY]: "conductor" } },
          spec: {
            clusterName: this.#o.clusterRef,
            snapshotVersion: version,
            acknowledgedAt: rfc3339Seconds(now),
          },
        },
      );
      this.#o.log.info("receipt created", { receipt: name, snapshotVersion: version });
    } else if (receipt.spec?.snapshotVersion !== version) {
      receipt = await this.#o.local.mergePatch<KObject>(path, {
        spec: { snapshotVersion: version, acknowledgedAt: rfc3339Seconds(now) },
      });
      this.#o.log.info("receipt advanced", { receipt: name, snapshotVersion: version });
    }
    const skipped = "skipped" in verdict;
    const conds: Omit<Condition, "lastTransitionTime">[] = [
      {
        type: COND_DEGRADED,
        status: "False",
        reason: skipped ? "VerificationSkipped" : REASON_SIG_VERIFIED,
        message: "",
      },
      {
        type: COND_ACKNOWLEDGED,
        status: "True",
        reason: "SnapshotAcknowledged",
        message: `snapshot version ${version}`,
      },
      ...(skipped
        ? [{
          type: COND_SIGNATURE_VERIFICATION,
          status: "Unknown" as const,
          reason: "Skipped",
          message: "no public key configured",
        }]
        : []),
    ];
    await patchStatusIfChanged(
      this.#o.local,
      path,
      receipt,
      {
        syncStatus: "InSync",
        degradedSecurityState: false,
        degradedReason: "",
      },
      RECEIPT_HAS_CONDITIONS ? conds : undefined,
      now,
    );
    await clearSourceDegraded(this.#o.mgmt, this.#statusPath(snap), snap, this.#o.clusterRef, now);
    if (snap.status?.lastAckedVersion !== version) {
      await this.#o.mgmt.mergePatch(
        this.#statusPath(snap),
        {
          status: { lastAckedVersion: version, lastSeen: rfc3339Seconds(now), drift: false },
        },
      );
    }
  }

  #statusPath(snap: KObject): string {
    return kindPath("PermissionSnapshot", snap.metadata.namespace, snap.metadata.name, "status");
  }
}
