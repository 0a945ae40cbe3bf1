/**
 * The agent's idle-RSS budget (< 80 MiB, bench/agent_bench.ts) depends on what its module graph loads
 * eagerly. These tests keep the heavy modules out of the static graph of `conductor agent` and check the
 * literals that stand in for them.
 */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { PermissionSnapshotReceiptStatusSchema } from "../../schemas/mod.ts";
import { CAPABILITY_INFO, EXECUTE_CAPABILITIES as FULL_EXECUTE } from "../../shared/capabilities.ts";
import { ALL_CAPABILITIES, capabilityStatus, EXECUTE_CAPABILITIES } from "../../shared/capability_names.ts";
import { RECEIPT_HAS_CONDITIONS } from "./snapshot_pull.ts";

interface InfoDep {
  code?: { specifier: string };
  type?: { specifier: string };
  isDynamic?: boolean;
}
interface InfoModule {
  specifier: string;
  dependencies?: InfoDep[];
  npmPackage?: string;
}

/** Specifiers reachable from `root` through static (non-`await import()`) value imports. */
async function staticGraph(root: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", root],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
    redirects: Record<string, string>;
  };
  const byId = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length) {
    let s = stack.pop()!;
    s = info.redirects[s] ?? s;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of byId.get(s)?.dependencies ?? []) {
      if (d.isDynamic || !d.code) continue;
      stack.push(d.code.specifier);
    }
  }
  return seen;
}

Deno.test("agent graph: no zod, no yaml, no schemas/mod.ts, no node:process loaded eagerly", async () => {
  const root = new URL("./mod.ts", import.meta.url).href;
  const g = [...(await staticGraph(root))];
  const heavy = g.filter((s) =>
    /^npm:\/?(zod|yaml|@kubernetes\/client-node|@grpc\/grpc-js|protobufjs)@/.test(s) ||
    /\/schemas\/(mod|crd)\.ts$/.test(s) ||
    /\/shared\/(capabilities|mod|kubeconfig|job_spec)\.ts$/.test(s) ||
    s.startsWith("node:")
  );
  assertEquals(heavy, []);
  assert(g.some((s) => s.endsWith("/schemas/names.ts")), "graph looks wrong");
});

Deno.test("the conductor CLI loads no node: module before a subcommand runs", async () => {
  const g = [...(await staticGraph(new URL("../cli.ts", import.meta.url).href))];
  assertEquals(g.filter((s) => s.startsWith("node:") || s.startsWith("npm:")), []);
});

Deno.test("RECEIPT_HAS_CONDITIONS follows the PermissionSnapshotReceipt status schema", () => {
  assertEquals(RECEIPT_HAS_CONDITIONS, "conditions" in PermissionSnapshotReceiptStatusSchema.shape);
});

Deno.test("capability_names.ts agrees with the full capability table", () => {
  assertEquals(EXECUTE_CAPABILITIES, FULL_EXECUTE);
  for (const n of ALL_CAPABILITIES) assertEquals(capabilityStatus(n), CAPABILITY_INFO[n].status);
  assertEquals(EXECUTE_CAPABILITIES.length, 19);
});
