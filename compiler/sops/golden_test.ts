/**
 * Golden data (shared/reference/golden/sops): every case with a plaintext decrypts to it with the
 * MAC verified; the others fail with a clear error.
 */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { parseAgeIdentities } from "./age.ts";
import { decryptSopsFile } from "./decrypt.ts";
import type { SopsFormat } from "./format.ts";
import { GOLDEN_SOPS } from "./testing.ts";

const ROOT = GOLDEN_SOPS;

interface Case {
  id: string;
  file: string;
  format: SopsFormat;
  identity: string;
  plaintext?: string;
  macVerified?: boolean;
  note?: string;
}

const cases: Case[] = JSON.parse(await Deno.readTextFile(`${ROOT}/cases.json`)).cases;

/** JSON numbers such as 1234568000.0 compare as numbers. */
function normalise(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)));
}

let passed = 0;
for (const c of cases) {
  Deno.test(`golden sops ${c.id} (${c.format})`, async () => {
    const text = await Deno.readTextFile(`${ROOT}/${c.file}`);
    const ids = parseAgeIdentities(await Deno.readTextFile(`${ROOT}/${c.identity}`), c.identity);
    if (c.plaintext) {
      const want = JSON.parse(await Deno.readTextFile(`${ROOT}/${c.plaintext}`));
      const got = await decryptSopsFile(text, c.format, ids, { file: c.file });
      assert(got.macVerified, "MAC verified");
      const data = c.format === "binary" ? { data: got.text } : got.data;
      assertEquals(normalise(data), normalise(want));
      passed++;
    } else {
      // No plaintext: either it decrypts (post-quantum supported) with the MAC verified, or it
      // fails with a message that names the problem.
      try {
        const got = await decryptSopsFile(text, c.format, ids, { file: c.file });
        assert(got.macVerified);
        passed++;
      } catch (e) {
        const msg = String((e as Error).message) + String((e as { hint?: string }).hint ?? "");
        assert(/age|identity|recipient|post-quantum/i.test(msg), `clear error expected, got: ${msg}`);
      }
    }
  });
}

Deno.test({
  name: "golden sops: summary",
  fn() {
    // deno-lint-ignore no-console
    console.log(`golden sops: ${passed}/${cases.length} decrypted with MAC verified`);
  },
});
