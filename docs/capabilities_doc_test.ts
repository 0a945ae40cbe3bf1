/**
 * The capability table of docs/conductor/execute.md is written by hand; this test fails when it and
 * shared/capabilities.ts disagree (a row missing, extra or different in any column).
 */
import { assertEquals } from "../shared/testing/asserts.ts";
import { ALL_CAPABILITIES, CAPABILITY_INFO, type CapabilityName } from "../shared/capabilities.ts";

const DOC = new URL("./conductor/execute.md", import.meta.url);
const BEGIN = "<!-- capabilities:begin -->";
const END = "<!-- capabilities:end -->";
/** Parameters every capability but pack-compile takes; the page describes them once, above the table. */
const COMMON = new Set(["timeoutSeconds", "kueueQueue", "kueuePriorityClass"]);

const HEADER = [
  "capability",
  "status",
  "owner",
  "result path",
  "Talos API",
  "clients",
  "Job mounts",
  "driving CR",
  "selects",
  "parameters",
  "description",
];

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

function expectedRow(name: CapabilityName): string[] {
  const i = CAPABILITY_INFO[name];
  const params = Object.entries(i.parameters)
    .filter(([k]) => !COMMON.has(k))
    .map(([k, d]) => (d.required ? `${k}*` : k))
    .join(", ");
  return [
    `\`${name}\``,
    i.status,
    i.owner,
    i.path,
    i.needsTalos ? "yes" : "no",
    i.requiredClients.join(", ") || "—",
    i.mounts.join(", ") || "—",
    i.drivingKind ?? "—",
    i.drivingFilter || "—",
    params || "—",
    i.description,
  ];
}

async function docTable(): Promise<string[][]> {
  const text = await Deno.readTextFile(DOC);
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC.pathname}: markers ${BEGIN} … ${END} not found`);
  return text.slice(start + BEGIN.length, end).split("\n").filter((l) => l.trim().startsWith("|")).map(cells);
}

Deno.test("docs: execute.md capability table header", async () => {
  const rows = await docTable();
  assertEquals(rows[0], HEADER);
  assertEquals(rows[1]!.every((c) => /^-+$/.test(c)), true, "second line is the separator");
});

Deno.test("docs: execute.md lists every capability once, sorted, as in shared/capabilities.ts", async () => {
  const rows = (await docTable()).slice(2);
  assertEquals(rows.map((r) => r[0]), ALL_CAPABILITIES.map((n) => `\`${n}\``));
  for (const [idx, name] of ALL_CAPABILITIES.entries()) {
    assertEquals(rows[idx], expectedRow(name), `row of ${name}`);
  }
});

Deno.test("docs: the common parameters described above the table exist on every runnable capability", () => {
  for (const name of ALL_CAPABILITIES) {
    const info = CAPABILITY_INFO[name];
    if (info.status === "compile-only") continue;
    for (const p of COMMON) assertEquals(p in info.parameters, true, `${name} lacks ${p}`);
  }
});
