import { assertEquals } from "../../shared/testing/asserts.ts";
import { goYamlEscape } from "./escape.ts";
import { sortGoYamlKeys } from "./key_order.ts";

Deno.test("go-yaml escapes: short forms, then x/u/U hex", () => {
  assertEquals(goYamlEscape(0x0a), "n");
  assertEquals(goYamlEscape(0x2028), "L");
  assertEquals(goYamlEscape(0x01), "x01");
  assertEquals(goYamlEscape(0xfeff), "uFEFF");
  assertEquals(goYamlEscape(0x1f600), "U0001F600");
});

Deno.test("go-yaml key order: digit runs as numbers, letters after other characters", () => {
  assertEquals(sortGoYamlKeys(["a10", "a9", "b", "_x", "a09"]), ["_x", "a9", "a09", "a10", "b"]);
});
