/**
 * The generator's contract (DECISIONS.md): reproduce Talos' stability golden files byte for byte
 * from stability/secrets.yaml and the options in reference/talos/MANIFEST.md.
 */
import { assertEquals } from "../../shared/testing/asserts.ts";
import { generateMachineConfig } from "./generate.ts";
import { STABILITY_DIR, stabilityCases } from "./stability_cases.ts";

for (const { file, options } of stabilityCases()) {
  Deno.test(`stability golden: ${file}`, () => {
    assertEquals(generateMachineConfig(options), Deno.readTextFileSync(new URL(file, STABILITY_DIR)));
  });
}
