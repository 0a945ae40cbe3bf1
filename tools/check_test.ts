/** Both entry modules type-check under the strict settings of deno.json. */
import { assertEquals } from "../shared/testing/asserts.ts";

Deno.test("deno check passes for both binaries' entry modules", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "-q", "compiler/main.ts", "conductor/main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
});

Deno.test("one version for both binaries, equal to deno.json's", async () => {
  const { SEAM_VERSION } = await import("../shared/version.ts");
  const cfg = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assertEquals(SEAM_VERSION, cfg.version);
});
