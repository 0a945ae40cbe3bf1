import { assertEquals, assertThrows } from "./testing/asserts.ts";
import { parseYamlDocument, parseYamlStream, toYaml, toYamlStream } from "./yaml_io.ts";
import { InputError } from "./errors.ts";

Deno.test("toYaml sorts keys and quotes YAML 1.1 look-alikes", () => {
  const out = toYaml({ b: "yes", a: { z: 1, c: "1" }, list: ["on", "x"], s: "line1\nline2\n" });
  assertEquals(
    out,
    'a:\n  c: "1"\n  z: 1\nb: "yes"\nlist:\n  - "on"\n  - x\ns: |\n  line1\n  line2\n',
  );
});

Deno.test("toYaml is byte-stable regardless of insertion order", () => {
  assertEquals(toYaml({ x: 1, y: { b: 2, a: 3 } }), toYaml({ y: { a: 3, b: 2 }, x: 1 }));
});

Deno.test("toYamlStream writes header comments and separators", () => {
  assertEquals(toYamlStream([{ a: 1 }, { b: 2 }], ["title"]), "# title\n---\na: 1\n---\nb: 2\n");
});

Deno.test("parseYamlDocument reports positions of paths", () => {
  const doc = parseYamlDocument("spec:\n  nodes:\n    - name: a\n    - name: b\n", "in.yaml");
  assertEquals(doc.positionOf(["spec", "nodes", 1, "name"]), { line: 4, column: 13 });
  assertEquals(doc.positionOf(["spec", "missing"]), { line: 2, column: 3 });
});

Deno.test("parseYamlDocument names file, line and column on syntax errors", () => {
  const err = assertThrows(() => parseYamlDocument("a: [1,\nb: 2\n", "bad.yaml"), InputError);
  assertEquals(err.file, "bad.yaml");
  assertEquals(typeof err.line, "number");
});

Deno.test("parseYamlDocument refuses multi-document input", () => {
  assertThrows(() => parseYamlDocument("a: 1\n---\nb: 2\n", "two.yaml"), InputError, "single YAML document");
});

Deno.test("parseYamlStream drops empty and comment-only documents", () => {
  const docs = parseYamlStream("---\n# only a comment\n---\na: 1\n---\n---\nb: 2\n", "m.yaml");
  assertEquals(docs.map((d) => d.value), [{ a: 1 }, { b: 2 }]);
});
