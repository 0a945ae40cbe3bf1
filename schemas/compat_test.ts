/**
 * Compatibility with the upstream shape sources (api.md §9.1–§9.4): every property path of the
 * upstream CRD exists in the port's CRD (modulo renames), with the same type, no narrower enums, no
 * extra required fields, the same defaults and no tighter bounds — unless listed in ALLOWED with a
 * reason. Prints a field-level difference report per kind.
 */
import YAML from "yaml";
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { ALL_KINDS, openApiSchemaOf } from "./mod.ts";
import type { KindId } from "./names.ts";
import { SHAPE_SOURCES } from "./shape_sources.ts";
import { COMPAT_ALLOWED } from "./compat_allow.ts";
import { compareSchemas, type Diff, type DiffKind, FAILING, schemaPaths } from "./compat.ts";

const CRDS = new URL("../../shared/reference/crds/", import.meta.url);

const ALLOWED = COMPAT_ALLOWED;

function loadRoot(file: string): Record<string, unknown> {
  const crd = YAML.parse(Deno.readTextFileSync(new URL(file, CRDS))) as {
    spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
  };
  return crd.spec.versions[0]!.schema.openAPIV3Schema;
}

function diffsOf(kind: KindId): Diff[] {
  const def = ALL_KINDS.find((d) => d.name === kind)!;
  const src = SHAPE_SOURCES[kind];
  const ours = openApiSchemaOf(def);
  const diffs = compareSchemas(ours, loadRoot(src.source), { renames: src.renames ?? {} });
  for (const e of src.extra ?? []) {
    diffs.push(...compareSchemas(ours, loadRoot(e.source), { only: e.paths, reportAdded: false }));
  }
  return diffs;
}

const ALL_DIFFS = new Map<KindId, Diff[]>(ALL_KINDS.map((d) => [d.name, diffsOf(d.name)]));

function isAllowed(kind: KindId, d: Diff): boolean {
  return ALLOWED.some((a) => a.kind === kind && a.diff === d.kind && a.path === d.path);
}

Deno.test("compat: every kind has a shape source that exists", () => {
  for (const def of ALL_KINDS) {
    const src = SHAPE_SOURCES[def.name];
    assert(src, `no shape source for ${def.name}`);
    loadRoot(src.source);
  }
});

Deno.test("compat: field-level difference report (fails only on unexpected differences)", () => {
  const order: DiffKind[] = [
    "missing",
    "type",
    "enumNarrowed",
    "requiredAdded",
    "defaultChanged",
    "tightened",
    "renamed",
    "added",
    "loosened",
    "extension",
  ];
  const lines: string[] = [`${"kind".padEnd(34)}${order.map((k) => k.slice(0, 8).padStart(9)).join("")}`];
  const unexpected: string[] = [];
  for (const def of ALL_KINDS) {
    const diffs = ALL_DIFFS.get(def.name)!;
    const counts = order.map((k) => diffs.filter((d) => d.kind === k).length);
    lines.push(`${def.name.padEnd(34)}${counts.map((c) => String(c || ".").padStart(9)).join("")}`);
    for (const d of diffs) {
      if (d.kind === "extension" || d.kind === "added") continue;
      const tag = FAILING.has(d.kind) ? (isAllowed(def.name, d) ? "allowed" : "UNEXPECTED") : "info";
      lines.push(`    ${tag.padEnd(10)} ${d.kind.padEnd(14)} ${d.path} ${d.detail}`);
      if (tag === "UNEXPECTED") unexpected.push(`${def.name} ${d.kind} ${d.path} ${d.detail}`);
    }
    const added = diffs.filter((d) => d.kind === "added").map((d) => d.path);
    if (added.length) lines.push(`    info       added          ${added.join(", ")}`);
  }
  // deno-lint-ignore no-console
  console.log(`\nField-level differences from the upstream shape sources:\n${lines.join("\n")}\n`);
  assertEquals(unexpected, [], "unexpected incompatible differences from upstream");
});

Deno.test("compat: every allow-list entry still matches a difference", () => {
  for (const a of ALLOWED) {
    const hit = ALL_DIFFS.get(a.kind)!.some((d) => d.kind === a.diff && d.path === a.path);
    assert(hit, `stale allow-list entry: ${a.kind} ${a.diff} ${a.path}`);
  }
});

Deno.test("compat: api.md §9.4 additions are present", () => {
  const added = (k: KindId) =>
    new Set(ALL_DIFFS.get(k)!.filter((d) => d.kind === "added").map((d) => d.path));
  const expect: [KindId, string][] = [
    ["RunnerConfig", "status.stepResults[].outputRef"],
    ["NodeMaintenance", "spec.patchMode"],
    ["Guardian", "status.discoveredAPIGroups"],
  ];
  for (const [k, p] of expect) assert(added(k).has(p), `${k}: ${p} not added`);
  const receipt = schemaPaths(openApiSchemaOf(ALL_KINDS.find((d) => d.name === "PackReceipt")!));
  assert(receipt.has("spec.packDeliveryRef") && !receipt.has("spec.packInstanceRef"), "PackReceipt rename");
  for (const def of ALL_KINDS) {
    const ext = ALL_DIFFS.get(def.name)!.filter((d) =>
      d.kind === "extension" && d.path === "status.conditions"
    );
    for (const e of ext) assert(e.detail.includes("→ map") || e.detail.includes('→ ["type"]'), e.detail);
  }
});

Deno.test("compat: TalosCluster carries the wave-1 CAPI fields", () => {
  const diffs = ALL_DIFFS.get("TalosCluster")!;
  assert(!diffs.some((d) => d.kind === "missing"), "missing fields");
  const def = ALL_KINDS.find((d) => d.name === "TalosCluster")!;
  const spec =
    (openApiSchemaOf(def).properties as Record<string, { properties: Record<string, unknown> }>).spec;
  for (const f of ["capi", "nodeAddresses", "infrastructureProvider"]) assert(f in spec!.properties, f);
});
