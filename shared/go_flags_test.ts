import { assertEquals, assertThrows } from "./testing/asserts.ts";
import { type FlagSpec, formatFlagHelp, parseGoFlags, splitCommaList } from "./go_flags.ts";
import { UsageError } from "./errors.ts";

const specs: FlagSpec[] = [
  { name: "input", kind: "string", help: "input file" },
  { name: "capi", kind: "bool", help: "emit CAPI" },
  { name: "component", kind: "list", help: "catalog entry" },
];

Deno.test("single and double dash, space and equals forms", () => {
  const p = parseGoFlags(["-input", "a.yaml", "--capi", "--component=x", "-component", "y"], specs);
  assertEquals(p.strings.get("input"), "a.yaml");
  assertEquals(p.bools.get("capi"), true);
  assertEquals(p.lists.get("component"), ["x", "y"]);
});

Deno.test("last value wins and empty value means not provided", () => {
  const p = parseGoFlags(["--input=a", "--input=b"], specs);
  assertEquals(p.strings.get("input"), "b");
  assertEquals(parseGoFlags(["--input="], specs).strings.has("input"), false);
});

Deno.test("boolean space form does not consume the next argument", () => {
  const p = parseGoFlags(["--capi", "false", "--input", "x"], specs);
  assertEquals(p.bools.get("capi"), true);
  assertEquals(p.positionals, ["false", "--input", "x"]);
  assertEquals(parseGoFlags(["--capi=false"], specs).bools.get("capi"), false);
});

Deno.test("bad boolean, unknown flag and missing value are usage errors", () => {
  assertThrows(() => parseGoFlags(["--capi=maybe"], specs), UsageError, "invalid boolean");
  assertThrows(() => parseGoFlags(["--nope"], specs), UsageError, "not defined: -nope");
  assertThrows(() => parseGoFlags(["--input"], specs), UsageError, "needs an argument");
  assertThrows(() => parseGoFlags(["---x"], specs), UsageError, "bad flag syntax");
});

Deno.test("help flag and terminator", () => {
  assertEquals(parseGoFlags(["-h"], specs).help, true);
  assertEquals(parseGoFlags(["--help"], specs).help, true);
  assertEquals(parseGoFlags(["--", "--input", "x"], specs).positionals, ["--input", "x"]);
});

Deno.test("help text lists every flag", () => {
  const text = formatFlagHelp(specs);
  assertEquals(text.split("\n").length, 6);
});

Deno.test("comma lists are trimmed and empties dropped", () => {
  assertEquals(splitCommaList(" a, ,b ,"), ["a", "b"]);
  assertEquals(splitCommaList(undefined), []);
});
