import { assertEquals } from "../../shared/testing/asserts.ts";
import { goResolvePlain, goTimestamp } from "./go_yaml.ts";
import { loadYaml } from "./store_yaml.ts";
import { toJS } from "./tree.ts";

Deno.test("go-yaml v3 plain scalar resolution", () => {
  const t = (s: string) => goResolvePlain(s);
  assertEquals(t("0777"), { t: "int", v: "511" });
  assertEquals(t("0x1F"), { t: "int", v: "31" });
  assertEquals(t("1_000"), { t: "int", v: "1000" });
  assertEquals(t("08"), { t: "float", v: 8 });
  assertEquals(t("1.0"), { t: "float", v: 1 });
  assertEquals(t(".5"), { t: "float", v: 0.5 });
  assertEquals(t("yes"), { t: "str", v: "yes" });
  assertEquals(t("True"), { t: "bool", v: true });
  assertEquals(t("~"), { t: "null" });
  assertEquals(t("-0b101"), { t: "int", v: "-5" });
  assertEquals(t("2024-01-02"), { t: "time", v: "2024-01-02T00:00:00Z" });
  assertEquals(t("1.2.3"), { t: "str", v: "1.2.3" });
});

Deno.test("go-yaml timestamps as time.MarshalText", () => {
  assertEquals(goTimestamp("2024-1-2T3:4:5.120Z"), "2024-01-02T03:04:05.12Z");
  assertEquals(goTimestamp("2024-01-02 03:04:05"), "2024-01-02T03:04:05Z");
  assertEquals(goTimestamp("2024-01-02T03:04:05+01:00"), "2024-01-02T03:04:05+01:00");
  assertEquals(goTimestamp("2023-02-29"), undefined);
  assertEquals(goTimestamp("2024-13-01"), undefined);
});

Deno.test("YAML loader types scalars like sops", () => {
  const [b] = loadYaml('a: 0777\nb: "0777"\nc: !!str 12\nd: 2024-01-02\ne: 1.0\n');
  assertEquals(toJS(b!), { a: 511, b: "0777", c: "12", d: "2024-01-02T00:00:00Z", e: 1 });
});
