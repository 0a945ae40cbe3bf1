import { assertEquals, assertThrows } from "../testing/asserts.ts";
import { canonicalJson, compareUtf8, parseJsonLossless } from "./canonical.ts";

const vectors = (await Deno.readTextFile(new URL("./testdata/go_vectors.jsonl", import.meta.url)))
  .trim().split("\n").map((l) => JSON.parse(l) as { input: string; go: string });

Deno.test("canonical JSON equals Go encoding/json output for every recorded vector", () => {
  for (const v of vectors) assertEquals(canonicalJson(parseJsonLossless(v.input)), v.go, v.input);
});

Deno.test("Go's HTML-safe escaping: <, >, &, U+2028, U+2029", () => {
  assertEquals(canonicalJson({ s: "<a>&\u2028\u2029" }), '{"s":"\\u003ca\\u003e\\u0026\\u2028\\u2029"}');
});

Deno.test("control characters, quotes and backslashes", () => {
  assertEquals(
    canonicalJson('\u0000\b\f\n\r\t\u001f\u007f"\\/'),
    '"\\u0000\\b\\f\\n\\r\\t\\u001f\u007f\\"\\\\/"',
  );
});

Deno.test("keys sort by UTF-8 byte order, not UTF-16 order", () => {
  assertEquals(
    canonicalJson({ "\u{1F600}": 2, "\uE000": 1, b: 0, a: 0 }),
    '{"a":0,"b":0,"\uE000":1,"\u{1F600}":2}',
  );
  assertEquals(["\u{1F600}", "\uE000"].sort(compareUtf8), ["\uE000", "\u{1F600}"]);
});

Deno.test("lone surrogates become U+FFFD; emoji stay literal", () => {
  assertEquals(canonicalJson("\ud800x\udc00😀"), '"\ufffdx\ufffd😀"');
});

Deno.test("numbers: big integers stay exact, -0 is 0, non-finite refused", () => {
  assertEquals(
    canonicalJson(parseJsonLossless("[9223372036854775807,9007199254740993,-0,1e21,1e-7]")),
    "[9223372036854775807,9007199254740993,0,1e+21,1e-7]",
  );
  assertEquals(canonicalJson(2n ** 60n), "1152921504606846976");
  assertThrows(() => canonicalJson({ x: NaN }), Error, "NaN");
  assertThrows(() => canonicalJson({ x: Infinity }), Error, "Infinity");
});

Deno.test("undefined members are absent, missing spec is null, empty containers kept", () => {
  assertEquals(canonicalJson({ a: undefined, b: {}, c: [] }), '{"b":{},"c":[]}');
  assertEquals(canonicalJson(undefined), "null");
  assertEquals(canonicalJson([undefined]), "[null]");
});

Deno.test("Go cross-check when a Go toolchain is on PATH", async (t) => {
  let go: string | undefined;
  try {
    const p = await new Deno.Command("go", { args: ["version"], stdout: "null", stderr: "null" }).output();
    if (p.success) go = "go";
  } catch { /* no go */ }
  if (!go) return void await t.step({ name: "skipped: no go on PATH", ignore: true, fn: () => {} });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(new URL("./testdata/go_canonical.go.txt", import.meta.url), `${dir}/main.go`);
    await Deno.writeTextFile(`${dir}/go.mod`, "module govec\ngo 1.22\n");
    const inputs = [
      ...vectors.map((v) => v.input),
      JSON.stringify({
        k: "\u0085 \u00a0 \u200b \ufeff \\u",
        big: [1e300, 2.5e-8, 123.456],
        nested: { z: [{ y: 1, x: 2 }] },
      }),
    ];
    const child = new Deno.Command(go, { args: ["run", "."], cwd: dir, stdin: "piped", stdout: "piped" })
      .spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(inputs.join("\n") + "\n"));
    await w.close();
    const out = new TextDecoder().decode((await child.output()).stdout).trim().split("\n");
    inputs.forEach((input, i) => assertEquals(canonicalJson(parseJsonLossless(input)), out[i], input));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
