// deno-lint-ignore-file no-console
// Golden suite: every case of shared/reference/golden/helm/cases.json through cli.ts, in-process.
import { assert } from "../../shared/testing/asserts.ts";
import { runHelmCli } from "./cli.ts";
import { referencePath } from "../../shared/testing/reference.ts";

const ROOT = new URL("../../../shared/reference/golden/helm/", import.meta.url).pathname;
const GOLDEN = Deno.env.get("HELM_GOLDEN_DIR") ??
  (await exists(ROOT) ? ROOT : referencePath("golden/helm/"));

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.stat(p);
    return true;
  } catch {
    return false;
  }
}

interface Case {
  id: string;
  args: string[];
  expected: string;
  expectError: boolean;
  /** Which streams the expected file holds: stdout, stderr or stdout+stderr (concatenated). */
  stream?: string;
}

/** Raised as the suite improves. */
const FLOOR = 0.99;
const CATALOG = ["cert-manager", "kueue", "cnpg", "local-path", "metallb"];
const CATALOG_FLOOR = 1;

function firstDiff(a: string, b: string): string {
  const al = a.split("\n"), bl = b.split("\n");
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) {
      return `line ${i + 1}: got ${JSON.stringify((al[i] ?? "<EOF>").slice(0, 120))} want ${
        JSON.stringify((bl[i] ?? "<EOF>").slice(0, 120))
      }`;
    }
  }
  return "?";
}

Deno.test("helm golden suite", async () => {
  const { cases } = JSON.parse(await Deno.readTextFile(GOLDEN + "cases.json")) as { cases: Case[] };
  const only = Deno.env.get("HELM_CASE");
  let pass = 0, total = 0, catPass = 0, catTotal = 0;
  const fails: string[] = [];
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue;
    total++;
    const isCat = CATALOG.some((p) => c.id.startsWith(p));
    if (isCat) catTotal++;
    const want = await Deno.readTextFile(GOLDEN + c.expected);
    let ok = false, diff = "";
    try {
      const r = await runHelmCli(c.args, { cwd: GOLDEN });
      if (c.expectError) {
        const got = c.stream === "stdout+stderr" ? r.stdout + r.stderr : r.stderr;
        ok = r.code !== 0 && got === want;
        if (!ok) diff = r.code === 0 ? "expected an error, got success" : firstDiff(got, want);
      } else {
        const got = c.stream === "stdout+stderr" ? r.stdout + r.stderr : r.stdout;
        ok = r.code === 0 && got === want;
        if (!ok) {
          diff = r.code !== 0
            ? "error: " + r.stderr.slice(0, 300).replace(/\n/g, "\\n")
            : firstDiff(got, want);
        }
      }
    } catch (e) {
      diff = "crash: " + String(e).slice(0, 200);
    }
    if (ok) {
      pass++;
      if (isCat) catPass++;
    } else fails.push(`${c.id}: ${diff}`);
  }
  console.log(`helm golden: ${pass}/${total} byte-identical (catalog ${catPass}/${catTotal})`);
  for (const f of fails) console.log("  FAIL " + f);
  if (!only) {
    assert(pass / total >= FLOOR, `golden share ${pass}/${total} below floor ${FLOOR}`);
    assert(catTotal === 0 || catPass / catTotal >= CATALOG_FLOOR, `catalog share below floor`);
  }
});
