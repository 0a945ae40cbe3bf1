import { assertEquals, assertStringIncludes } from "./testing/asserts.ts";

Deno.test("the compiler starts without the punycode deprecation warning", async () => {
  const dir = await Deno.makeTempDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "-P=compiler",
      new URL("../compiler/main.ts", import.meta.url).pathname,
      "launch",
      "--output",
      dir,
    ],
    cwd: new URL("..", import.meta.url).pathname,
    stderr: "piped",
    stdout: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, err);
  assertEquals(err.includes("DEP0040"), false, err);
  assertStringIncludes(err, "compiler launch: wrote");
  await Deno.remove(dir, { recursive: true });
});
