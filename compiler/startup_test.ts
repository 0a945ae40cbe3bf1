/**
 * Start-up cost of the compiler binary: `compiler --help` (and every subcommand's `-h`) must load
 * only the command table, never an engine. Each subcommand's command.ts keeps its metadata static
 * and imports its implementation inside `run` with `await import(...)`.
 *
 * `deno info --json` lists dynamic imports too; a dependency entry carries `isDynamic: true` only
 * when the module never imports that specifier statically, so the static graph is the closure over
 * `code` dependencies without `isDynamic` (type-only imports have no `code` entry and cost nothing
 * at run time).
 */
import "../shared/quiet_deprecations.ts";
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import * as report from "./report/report.ts";
import { REPORT_ENV, REPORT_FLAG } from "./report/flag.ts";
import { SEEDED_EPOCH as HELP_SEEDED_EPOCH } from "./bootstrap/constants.ts";
import { SEEDED_EPOCH } from "./bootstrap/bootstrap.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface InfoDependency {
  specifier: string;
  code?: { specifier: string };
  type?: { specifier: string };
  isDynamic?: boolean;
}

interface InfoJson {
  roots: string[];
  modules: { specifier: string; error?: string; dependencies?: InfoDependency[] }[];
  redirects?: Record<string, string>;
}

async function denoInfo(entry: string): Promise<InfoJson> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`deno info ${entry} failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as InfoJson;
}

/** Modules reachable from the root through static (non-dynamic) code imports. */
function staticClosure(info: InfoJson): Set<string> {
  const redirects = info.redirects ?? {};
  const norm = (s: string) => redirects[s] ?? s;
  const byName = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const todo = [norm(info.roots[0]!)];
  while (todo.length > 0) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of byName.get(s)?.dependencies ?? []) {
      if (d.isDynamic || !d.code) continue;
      todo.push(norm(d.code.specifier));
    }
  }
  return seen;
}

/** Every module `deno info` lists: static and dynamic. */
function allModules(info: InfoJson): Set<string> {
  return new Set(info.modules.map((m) => m.specifier));
}

const FORBIDDEN: { what: string; test: (spec: string) => boolean }[] = [
  { what: "zod", test: (s) => /^npm:\/?zod@/.test(s) },
  { what: "@kubernetes/client-node", test: (s) => /^npm:\/?@kubernetes\/client-node@/.test(s) },
  { what: "age-encryption", test: (s) => /^npm:\/?age-encryption@/.test(s) },
  ...["helm", "kustomize", "sops", "talos"].map((engine) => ({
    what: `the ${engine} engine`,
    test: (s: string) => s.startsWith(`file://${ROOT}/compiler/${engine}/`),
  })),
  { what: "the schemas", test: (s) => s.startsWith(`file://${ROOT}/schemas/`) },
  { what: "the report writer", test: (s) => s === `file://${ROOT}/compiler/report/report.ts` },
  ...["bootstrap/bootstrap.ts", "launch/launch.ts", "enable/enable.ts", "packbuild/packbuild.ts"]
    .map((p) => ({ what: `compiler/${p}`, test: (s: string) => s === `file://${ROOT}/compiler/${p}` })),
  ...["maintenance/maintenance.ts", "component/component.ts", "component/discover.ts"]
    .map((p) => ({ what: `compiler/${p}`, test: (s: string) => s === `file://${ROOT}/compiler/${p}` })),
  { what: "shared/kubeconfig.ts", test: (s) => s === `file://${ROOT}/shared/kubeconfig.ts` },
];

Deno.test("compiler/main.ts statically loads no engine, schema or Kubernetes client", async () => {
  const info = await denoInfo(`${ROOT}/compiler/main.ts`);
  assertEquals(info.modules.filter((m) => m.error).map((m) => m.error), []);
  const statics = staticClosure(info);
  assert(statics.has(`file://${ROOT}/compiler/commands.ts`), "static graph looks wrong");
  const hits: string[] = [];
  for (const f of FORBIDDEN) {
    const found = [...statics].filter(f.test);
    if (found.length > 0) hits.push(`${f.what}: ${found.sort().join(", ")}`);
  }
  assertEquals(hits, []);
  // The implementations are still part of the binary, through the dynamic imports.
  const all = allModules(info);
  for (
    const what of ["zod", "@kubernetes/client-node", "the talos engine", "the sops engine", "the schemas"]
  ) {
    const f = FORBIDDEN.find((x) => x.what === what)!;
    assert([...all].some(f.test), `${what} is no longer reachable at all: a dynamic import went missing`);
  }
});

Deno.test("bootstrap Path B alone loads @kubernetes/client-node: cluster_read.ts imports it dynamically", async () => {
  const info = await denoInfo(`${ROOT}/compiler/bootstrap/cluster_read.ts`);
  const statics = [...staticClosure(info)];
  assertEquals(statics.filter((s) => s.includes("@kubernetes/client-node")), []);
  assert([...allModules(info)].some((s) => s.includes("@kubernetes/client-node")));
});

Deno.test("the static copies of help-text constants match their sources", () => {
  assertEquals(REPORT_FLAG, report.REPORT_FLAG);
  assertEquals(REPORT_ENV, report.REPORT_ENV);
  assertEquals(HELP_SEEDED_EPOCH, SEEDED_EPOCH);
});
