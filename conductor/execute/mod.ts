/**
 * Execute mode (conductor.md §9): one capability per Job. A compile capability is refused with an
 * InvariantViolation — compiling belongs to the compiler binary.
 */
import { COMPILE_REFUSED } from "../invariant.ts";
import { ALL_CAPABILITIES, capabilityInfo } from "../../shared/capabilities.ts";

export interface ExecuteIo {
  env(name: string): string | undefined;
  stderr(text: string): void;
  refuse(reason: string): never;
}

export function runExecute(io: ExecuteIo): Promise<number> {
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
  if (!capabilityInfo(capability)) {
    io.stderr(
      `conductor execute: unknown capability ${JSON.stringify(capability)}; known: ${
        ALL_CAPABILITIES.join(", ")
      }\n`,
    );
    return Promise.resolve(1);
  }
  io.stderr(
    `conductor execute: capability ${
      JSON.stringify(capability)
    } cannot run: no capability handlers are part of this build yet\n`,
  );
  return Promise.resolve(1);
}
