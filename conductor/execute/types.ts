/**
 * The types a capability handler sees (conductor.md §10.0.2). Handlers import these from here, never from
 * `registry.ts` (which lazily imports the handlers: importing it back would be a cycle).
 */
import type { Clock } from "../../shared/clock.ts";
import type { Logger } from "../../shared/logger.ts";
import type { CapabilityName } from "../../shared/capability_names.ts";
import type { OperationResult } from "../../shared/operation_result.ts";
import type { RegistryClient } from "../../shared/oci/mod.ts";
import type { KubeClient } from "../agent/kube_client.ts";

/** Clients, built on first use (§9.2). A getter that cannot build its client throws. */
export interface ExecuteClients {
  /** The management cluster (where the Job runs): in-cluster ServiceAccount. */
  management(): Promise<KubeClient>;
  /** The target cluster from `KUBECONFIG`; undefined when it cannot be loaded (logged). */
  tenant(): Promise<KubeClient | undefined>;
  /** An OCI client for one registry host. */
  oci(registry: string): Promise<RegistryClient>;
}

/** What a handler gets (§10.0.2). */
export interface HandlerContext {
  capability: CapabilityName;
  clusterRef: string;
  /** `POD_NAMESPACE` (default `ont-system`). */
  namespace: string;
  /** Pack path: the PackExecution name (`OPERATION_RESULT_CM`). */
  operationResultCM: string;
  /** Step parameters built from env (§2.6). */
  parameters: Readonly<Record<string, string>>;
  env(name: string): string | undefined;
  clients: ExecuteClients;
  log: Logger;
  clock: Clock;
  startedAt: Date;
}

/** Handlers return a complete result; failures are results, not exceptions (§10.0.2). */
export type Handler = (ctx: HandlerContext) => Promise<OperationResult>;
