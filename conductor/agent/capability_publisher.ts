/**
 * Capability publisher (conductor.md §4.1; management; leader): merge-patches RunnerConfig status
 * with the capability manifest (sorted, D-A4), the real agent version (D-A3) and the leader
 * identity (D-A5). Writes only when the status differs. After 5 consecutive passes in which the
 * own RunnerConfig is missing, creates (never updates) the missing-RunnerConfig DriftSignal.
 */
// capability_names.ts, not capabilities.ts: the names only, without zod and the parameter schemas (agent RSS).
import { EXECUTE_CAPABILITIES } from "../../shared/capability_names.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import { tenantNamespace } from "../../shared/runner_keys.ts";
import { SEAM_VERSION } from "../../shared/version.ts";
import { apiVersionOf, GROUP_SEAM } from "../../schemas/names.ts";
import { isConflict, isNotFound, kindPath, type KubeClient } from "./kube_client.ts";
import { rfc3339Seconds } from "./time.ts";

export const PUBLISH_INTERVAL_MS = 15_000;
export const MISSING_THRESHOLD = 5;

export interface CapabilityEntryOut {
  name: string;
  version: string;
}

export function capabilityManifest(version = SEAM_VERSION): CapabilityEntryOut[] {
  return [...EXECUTE_CAPABILITIES].sort().map((name) => ({ name, version }));
}

interface RunnerConfigLike {
  metadata: { name: string; namespace?: string; uid?: string };
  status?: { capabilities?: CapabilityEntryOut[]; agentVersion?: string; agentLeader?: string };
}

export interface CapabilityPublisherOptions {
  client: KubeClient;
  namespace: string;
  clusterRef: string;
  leader: () => string;
  clock: Clock;
  log: Logger;
  version?: string;
}

export class CapabilityPublisher {
  readonly #o: CapabilityPublisherOptions;
  #missing = 0;
  constructor(o: CapabilityPublisherOptions) {
    this.#o = o;
  }

  desired(): { capabilities: CapabilityEntryOut[]; agentVersion: string; agentLeader: string } {
    const version = this.#o.version ?? SEAM_VERSION;
    return {
      capabilities: capabilityManifest(version),
      agentVersion: version,
      agentLeader: this.#o.leader(),
    };
  }

  /** Idempotent: patches the status only when it differs. True when a write happened. */
  async reconcile(rc: RunnerConfigLike): Promise<boolean> {
    const want = this.desired();
    const s = rc.status ?? {};
    if (
      s.agentVersion === want.agentVersion && s.agentLeader === want.agentLeader &&
      JSON.stringify(s.capabilities ?? []) === JSON.stringify(want.capabilities)
    ) return false;
    await this.#o.client.mergePatch(
      kindPath("RunnerConfig", rc.metadata.namespace ?? this.#o.namespace, rc.metadata.name, "status"),
      { status: want },
    );
    this.#o.log.info("published capabilities", {
      runnerConfig: rc.metadata.name,
      count: want.capabilities.length,
    });
    return true;
  }

  async pass(): Promise<void> {
    const list = await this.#o.client.list<RunnerConfigLike>(kindPath("RunnerConfig", this.#o.namespace));
    let own = false;
    for (const rc of list.items) {
      if (rc.metadata.name === this.#o.clusterRef) own = true;
      try {
        await this.reconcile(rc);
      } catch (e) {
        this.#o.log.warn("cannot publish capabilities", { runnerConfig: rc.metadata.name, error: e });
      }
    }
    this.#missing = own ? 0 : this.#missing + 1;
    if (this.#missing >= MISSING_THRESHOLD) {
      this.#missing = 0;
      await this.#emitMissing();
    }
  }

  async #emitMissing(): Promise<void> {
    const c = this.#o.clusterRef;
    const now = this.#o.clock.now();
    const ns = tenantNamespace(c);
    try {
      await this.#o.client.create(kindPath("DriftSignal", ns), {
        apiVersion: apiVersionOf("DriftSignal"),
        kind: "DriftSignal",
        metadata: { name: `drift-runnerconfig-${c}`, namespace: ns },
        spec: {
          state: "pending",
          correlationID: `runnerconfig-${c}-${BigInt(now.getTime()) * 1_000_000n}`,
          observedAt: rfc3339Seconds(now),
          driftReason: `RunnerConfig ${c} is missing from ${this.#o.namespace}`,
          affectedCRRef: { group: GROUP_SEAM, kind: "RunnerConfig", name: c },
          escalationCounter: 0,
        },
      });
      this.#o.log.warn("own RunnerConfig missing: drift signal raised", { runnerConfig: c });
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) {
        this.#o.log.warn("cannot raise the missing-RunnerConfig signal", { error: e });
      }
    }
  }
}
