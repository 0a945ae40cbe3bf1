/**
 * Agent mode. The role has already been checked by the mode gate. What runs here grows with the
 * agent loops; today it serves the operations endpoint and stays not-ready, since no leader
 * election or informer exists yet to make it ready.
 */
import type { Role } from "../invariant.ts";
import { conductorLogger } from "../../shared/logger.ts";
import { parseListenAddr } from "./listen_addr.ts";
import { startOpsServer } from "./ops_server.ts";

export interface AgentConfig {
  role: Role;
  clusterRef: string;
  env(name: string): string | undefined;
}

export async function runAgent(cfg: AgentConfig): Promise<number> {
  const log = conductorLogger({ component: "conductor-agent", cluster: cfg.clusterRef, role: cfg.role });
  const addr = parseListenAddr(cfg.env("METRICS_ADDR") ?? ":8080", "METRICS_ADDR");
  const server = startOpsServer({
    addr,
    role: cfg.role,
    clusterRef: cfg.clusterRef,
    readiness: { notReadyReasons: () => ["agent loops are not part of this build yet"] },
  });
  log.info("agent started", { metricsAddr: `${server.addr.hostname}:${server.addr.port}` });
  const stop = Promise.withResolvers<string>();
  const onSignal = (name: string) => () => stop.resolve(name);
  const handlers: [Deno.Signal, () => void][] = [["SIGTERM", onSignal("SIGTERM")], [
    "SIGINT",
    onSignal("SIGINT"),
  ]];
  for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
  const signal = await stop.promise;
  for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  await server.shutdown();
  log.info("agent stopped", { signal });
  return 0;
}
