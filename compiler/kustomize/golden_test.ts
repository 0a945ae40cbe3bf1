/** Golden suite: every case of shared/reference/golden/kustomize/cases.json through kustomizeBuild. */
import { assert } from "../../shared/testing/asserts.ts";
import { kustomizeBuild } from "./mod.ts";
import { referencePath } from "../../shared/testing/reference.ts";

const GOLDEN = referencePath("golden/kustomize");
/** Raise as the engine improves. */
const FLOOR = 1;

interface Case {
  id: string;
  root: string;
  expectError: boolean;
  errorContains?: string[];
  expected: string;
  expectedLegacy?: string;
}

export function runGolden(): { pass: string[]; fail: { id: string; why: string }[] } {
  const cases = (JSON.parse(Deno.readTextFileSync(`${GOLDEN}/cases.json`)) as { cases: Case[] }).cases;
  const pass: string[] = [];
  const fail: { id: string; why: string }[] = [];
  for (const c of cases) {
    const root = `${GOLDEN}/${c.root}`;
    try {
      if (c.expectError) {
        try {
          kustomizeBuild(root);
          fail.push({ id: c.id, why: "expected an error" });
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          const missing = (c.errorContains ?? []).filter((s) => !msg.includes(s));
          if (missing.length === 0) pass.push(c.id);
          else fail.push({ id: c.id, why: `error '${msg}' lacks ${JSON.stringify(missing)}` });
        }
        continue;
      }
      const legacyFile = c.expectedLegacy ?? c.expected;
      const want = Deno.readTextFileSync(`${GOLDEN}/${legacyFile}`);
      const got = kustomizeBuild(root);
      let ok = got === want;
      if (ok && c.expectedLegacy) {
        const fifo = kustomizeBuild(root, { reorder: "none" });
        ok = fifo === Deno.readTextFileSync(`${GOLDEN}/${c.expected}`);
        if (!ok) fail.push({ id: c.id, why: "fifo order differs" });
        else pass.push(c.id);
        continue;
      }
      if (ok) pass.push(c.id);
      else fail.push({ id: c.id, why: "output differs" });
    } catch (e) {
      fail.push({ id: c.id, why: `threw: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return { pass, fail };
}

Deno.test("kustomize golden cases: byte-identical share", () => {
  const { pass, fail } = runGolden();
  const total = pass.length + fail.length;
  // deno-lint-ignore no-console
  console.log(
    `kustomize golden: ${pass.length}/${total} identical\nfailing: ${fail.map((f) => f.id).join(", ")}`,
  );
  assert(pass.length / total >= FLOOR, `share ${pass.length}/${total} below floor ${FLOOR}`);
});
