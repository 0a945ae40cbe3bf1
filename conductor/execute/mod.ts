/**
 * Execute mode (conductor.md §9): one capability per Job. A compile capability is refused with an
 * InvariantViolation — compiling belongs to the compiler binary. The rest is the single-step pipeline
 * of `registry.ts`. The sequencer sub-mode (`RUNNER_CONFIG`, §9.6) is not part of this build.
 */
import { COMPILE_REFUSED } from "../invariant.ts";
import { ALL_CAPABILITIES, type CapabilityName } from "../../shared/capability_names.ts";
import { conductorLogger, type LogLevel, parseLogLevel } from "../../shared/logger.ts";

export interface ExecuteIo {
  env(name: string): string | undefined;
  stderr(text: string): void;
  refuse(reason: string): never;
}

export function runExecute(io: ExecuteIo): Promise<number> {
  if (!io.env("CAPABILITY") && io.env("RUNNER_CONFIG")) {
    io.stderr("conductor execute: the sequencer sub-mode (RUNNER_CONFIG) is not available in this build\n");
    return Promise.resolve(1);
  }
  const capability = io.env("CAPABILITY") ?? "";
  if (capability === "pack-compile" || capability === "compile") io.refuse(COMPILE_REFUSED);
  const clusterRef = io.env("CLUSTER_REF") ?? "";
  if (clusterRef === "") {
    io.stderr("conductor execute: CLUSTER_REF is required: set it to the target cluster's name\n");
    return Promise.resolve(1);
  }
  if (capability === "") {
    io.stderr("conductor execute: CAPABILITY is required: set it to the capability this Job runs\n");
    return Promise.resolve(1);
  }
  if (!(ALL_CAPABILITIES as readonly string[]).includes(capability)) {
    io.stderr(
      `conductor execute: unknown capability ${JSON.stringify(capability)}; known: ${
        ALL_CAPABILITIES.join(", ")
      }\n`,
    );
    return Promise.resolve(1);
  }
  return _run(io, capability as CapabilityName, clusterRef);
}

async function _run(io: ExecuteIo, capability: CapabilityName, clusterRef: string): Promise<number> {
  let level: LogLevel = "info";
  try {
    if (io.env("LOG_LEVEL")) level = parseLogLevel(io.env("LOG_LEVEL")!);
  } catch (e) {
    io.stderr(`conductor execute: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const log = conductorLogger({ component: "conductor-execute", cluster: clusterRef, level });
  const { runPipeline } = await import("./registry.ts");
  const { envClients } = await import("./clients.ts");
  const clients = envClients(io.env, log.with({ fields: { capability } }));
  try {
    return await runPipeline({
      capability,
      clusterRef,
      io,
      log: log.with({ fields: { capability } }),
      clients,
    });
  } finally {
    clients.close();
  }
}
