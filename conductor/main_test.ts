/** Runs the real entry module under the `conductor` permission set, as the binary would run. */
import { assertEquals, assertMatch, assertStringIncludes } from "../shared/testing/asserts.ts";
import { asksForCompile, checkRole, goRfc3339Nano, invariantLine } from "./invariant.ts";
import { SEAM_VERSION } from "../shared/version.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=conductor", MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

function assertInvariant(r: { code: number; stderr: string }, mention: string) {
  assertEquals(r.code, 2);
  const lines = r.stderr.trimEnd().split("\n");
  assertEquals(lines.length, 1, `expected one stderr line, got:\n${r.stderr}`);
  const obj = JSON.parse(lines[0]!);
  assertEquals(Object.keys(obj), ["category", "reason", "timestamp"]);
  assertEquals(obj.category, "InvariantViolation");
  assertStringIncludes(obj.reason, mention);
  assertMatch(obj.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
}

Deno.test("compile as a subcommand, a flag and the env mode is an InvariantViolation", async () => {
  assertInvariant(await run(["compile"]), "compile mode is not supported");
  assertInvariant(await run(["agent", "--compile"]), "compile mode is not supported");
  assertInvariant(await run(["--mode=compile"]), "compile mode is not supported");
  assertInvariant(await run(["execute"], { CONDUCTOR_MODE: "compile" }), "compile mode is not supported");
  assertInvariant(await run(["execute"], { CAPABILITY: "pack-compile", CLUSTER_REF: "c" }), "INV-023");
});

Deno.test("agent without a valid CONDUCTOR_ROLE is an InvariantViolation", async () => {
  assertInvariant(await run(["agent", "--cluster-ref", "c1"]), "is not set");
  assertInvariant(await run(["agent"], { CONDUCTOR_ROLE: "Management" }), '"Management"');
});

Deno.test("usage, help, version and unknown subcommands", async () => {
  const none = await run([]);
  assertEquals(none.code, 1);
  assertStringIncludes(none.stderr, "Usage: conductor");
  const help = await run(["--help"]);
  assertEquals(help.code, 0);
  assertStringIncludes(help.stdout, "agent --cluster-ref");
  const version = await run(["--version"]);
  assertEquals(version.stdout, `conductor ${SEAM_VERSION}\n`);
  const unknown = await run(["frobnicate"]);
  assertEquals(unknown.code, 1);
  assertStringIncludes(unknown.stderr, 'unknown subcommand "frobnicate"');
});

Deno.test("agent flag errors exit 2 and a missing cluster ref exits 1", async () => {
  const bad = await run(["agent", "--nope"], { CONDUCTOR_ROLE: "tenant" });
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.stderr, "flag provided but not defined: -nope");
  const noRef = await run(["agent"], { CONDUCTOR_ROLE: "tenant" });
  assertEquals(noRef.code, 1);
  assertStringIncludes(noRef.stderr, "CLUSTER_REF");
});

Deno.test("agent with no way to reach its cluster exits 1 and says why", async () => {
  const r = await run(["agent"], {
    CONDUCTOR_ROLE: "management",
    CLUSTER_REF: "m1",
    METRICS_ADDR: "127.0.0.1:0",
  });
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    "conductor agent: not running in a cluster: KUBERNETES_SERVICE_HOST is not set",
  );
  const first = JSON.parse(r.stdout.trim().split("\n")[0]!);
  assertEquals([first.msg, first.role, first.cluster], ["agent started", "management", "m1"]);
});

Deno.test("the conductor permission set cannot start subprocesses", async () => {
  const probe = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    probe,
    'try { new Deno.Command("true").outputSync(); console.log("ran"); } catch (e) { console.log((e as Error).name); }',
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      `--config=${new URL("../deno.json", import.meta.url).pathname}`,
      "-P=conductor",
      probe,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(probe);
  assertEquals(new TextDecoder().decode(out.stdout).trim(), "NotCapable");
});

Deno.test("invariant helpers", () => {
  assertEquals(goRfc3339Nano(new Date("2026-01-02T03:04:05.120Z")), "2026-01-02T03:04:05.12Z");
  assertEquals(goRfc3339Nano(new Date("2026-01-02T03:04:05.000Z")), "2026-01-02T03:04:05Z");
  assertEquals(
    invariantLine("r", new Date(0)),
    '{"category":"InvariantViolation","reason":"r","timestamp":"1970-01-01T00:00:00Z"}',
  );
  assertEquals(asksForCompile(["agent", "--mode", "compile"], () => undefined), true);
  assertEquals(asksForCompile(["agent"], () => undefined), false);
  assertEquals(checkRole("tenant"), { role: "tenant" });
});

Deno.test("execute names unknown capabilities and lists the known ones", async () => {
  const r = await run(["execute"], { CAPABILITY: "teleport", CLUSTER_REF: "c1" });
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, 'unknown capability "teleport"; known: bootstrap');
  const noRef = await run(["execute"], { CAPABILITY: "etcd-backup" });
  assertEquals(noRef.code, 1);
  assertStringIncludes(noRef.stderr, "CLUSTER_REF is required");
});

Deno.test("execute without a result target exits 1; a result that cannot be recorded exits 1", async () => {
  const noTarget = await run(["execute"], { CAPABILITY: "node-drain", CLUSTER_REF: "c1" });
  assertEquals(noTarget.code, 1);
  assertStringIncludes(noTarget.stderr, "one of OPERATION_RESULT_CM (pack path) or OPERATION_RESULT_CR");
  // node-drain is declared only: a CapabilityUnavailable result, which needs the management cluster
  const noCluster = await run(["execute"], {
    CAPABILITY: "node-drain",
    CLUSTER_REF: "c1",
    OPERATION_RESULT_CR: "j",
  });
  assertEquals(noCluster.code, 1);
  assertStringIncludes(
    noCluster.stderr,
    "conductor execute: the node-drain result (Failed) could not be recorded",
  );
  assertStringIncludes(noCluster.stderr, "KUBERNETES_SERVICE_HOST");
  assertStringIncludes(noCluster.stdout, '"capability result"');
  assertStringIncludes(noCluster.stdout, "CapabilityUnavailable");
});
