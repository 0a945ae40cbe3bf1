import { assertEquals, assertStringIncludes } from "../shared/testing/asserts.ts";
import { resolveDenort, TARGETS } from "./build.ts";

Deno.test("build targets pair each binary with its permission set", () => {
  assertEquals(TARGETS.map((t) => [t.entry, t.permissionSet]), [
    ["compiler/main.ts", "compiler"],
    ["conductor/main.ts", "conductor"],
  ]);
});

Deno.test("run-time modules the graph cannot see are included and exist", () => {
  for (const t of TARGETS) for (const f of t.include) Deno.statSync(new URL(`../${f}`, import.meta.url));
  assertEquals(TARGETS.find((t) => t.name === "compiler")!.include, ["compiler/talos/prime_worker.ts"]);
});

Deno.test("a missing DENORT_BIN is named in one line", async () => {
  const r = await resolveDenort((k) => (k === "DENORT_BIN" ? "/nonexistent/denort" : undefined));
  assertEquals(r.error, "DENORT_BIN=/nonexistent/denort does not exist");
});

Deno.test("without DENORT_BIN or a cached runtime, the build says how to provide it", async () => {
  const r = await resolveDenort(() => undefined);
  if (r.error) {
    assertStringIncludes(r.error, "set DENORT_BIN=");
    assertEquals(r.error.includes("\n"), false);
  }
});

Deno.test("deno task build fails plainly, in one line, when the base runtime cannot be had", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./build.ts", import.meta.url).pathname],
    env: { DENORT_BIN: "/nonexistent/denort" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 1);
  assertEquals(
    new TextDecoder().decode(out.stderr),
    "build: DENORT_BIN=/nonexistent/denort does not exist\n",
  );
});
