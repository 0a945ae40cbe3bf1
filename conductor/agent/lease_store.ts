/** The Lease of leader election on a real API server (`coordination.k8s.io/v1`). */
import { builtinPath, isConflict, isNotFound, type KubeClient } from "./kube_client.ts";
import { LeaseConflictError, type LeaseObject, type LeaseSpec, type LeaseStore } from "./leader_election.ts";

interface LeaseDoc {
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  spec?: LeaseSpec;
}

export function leaseName(clusterRef: string): string {
  return `conductor-${clusterRef}`;
}

export class KubeLeaseStore implements LeaseStore {
  #meta: LeaseDoc["metadata"] | undefined;
  constructor(
    readonly client: KubeClient,
    readonly namespace: string,
    readonly name: string,
    /** Per-request timeout; a renewal must never outlive the renew deadline. */
    readonly timeoutMs = 4_000,
  ) {}

  #path(name?: string): string {
    return builtinPath("coordination.k8s.io/v1", "leases", this.namespace, name);
  }

  #toObj(d: LeaseDoc): LeaseObject {
    this.#meta = d.metadata;
    return { resourceVersion: d.metadata.resourceVersion ?? "", spec: { ...(d.spec ?? {}) } };
  }

  async get(): Promise<LeaseObject | undefined> {
    try {
      return this.#toObj(
        await this.client.request<LeaseDoc>("GET", this.#path(this.name), {
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async create(spec: LeaseSpec): Promise<LeaseObject> {
    try {
      return this.#toObj(
        await this.client.request<LeaseDoc>("POST", this.#path(), {
          body: {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name: this.name, namespace: this.namespace },
            spec,
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
    } catch (e) {
      if (isConflict(e)) throw new LeaseConflictError("the lease exists already");
      throw e;
    }
  }

  async update(resourceVersion: string, spec: LeaseSpec): Promise<LeaseObject> {
    const { managedFields: _m, ...meta } = this.#meta ?? { name: this.name, namespace: this.namespace };
    try {
      return this.#toObj(
        await this.client.request<LeaseDoc>("PUT", this.#path(this.name), {
          body: {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { ...meta, resourceVersion },
            spec,
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
    } catch (e) {
      if (isConflict(e)) throw new LeaseConflictError("the lease changed");
      throw e;
    }
  }
}
