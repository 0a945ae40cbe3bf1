import { assertEquals } from "../../shared/testing/asserts.ts";
import { dns1123Problem, isIPv4, isIPv6, quote } from "./fields.ts";

Deno.test("isIPv4 / isIPv6", () => {
  for (const ok of ["10.20.0.2", "0.0.0.0", "255.255.255.255"]) assertEquals(isIPv4(ok), true, ok);
  for (const bad of ["10.20.0", "10.20.0.256", "010.1.1.1", "1.2.3.4/24", "a.b.c.d", "", "1.2.3.4."]) {
    assertEquals(isIPv4(bad), false, bad);
  }
  for (const ok of ["::1", "::", "fd00::2", "2001:db8:0:0:0:0:0:1", "fe80::1:2", "::ffff:10.0.0.1"]) {
    assertEquals(isIPv6(ok), true, ok);
  }
  for (
    const bad of [
      "1::2::3",
      "2001:db8:0:0:0:0:0:0:1",
      "fd00::g",
      "fd00:2",
      "12345::",
      "10.0.0.1",
      "fd00::/64",
    ]
  ) {
    assertEquals(isIPv6(bad), false, bad);
  }
});

Deno.test("dns1123Problem explains what is wrong", () => {
  assertEquals(dns1123Problem("ccs-mgmt", 63, false), undefined);
  assertEquals(dns1123Problem("a.b-c", 253, true), undefined);
  assertEquals(dns1123Problem("", 63, false), "must not be empty");
  assertEquals(dns1123Problem("Abc", 63, false), "contains the upper-case letter 'A'");
  assertEquals(dns1123Problem("a b", 63, false), "contains a space");
  assertEquals(dns1123Problem("a.b", 63, false), "contains the character '.'");
  assertEquals(dns1123Problem("-a", 63, false), "must start and end with a letter or digit");
  assertEquals(dns1123Problem("a..b", 253, true), "has an empty part between dots");
  assertEquals(dns1123Problem("a-.b", 253, true), "must start and end with a letter or digit");
  assertEquals(dns1123Problem("x".repeat(64), 63, false), "is 64 characters long; at most 63 are allowed");
});

Deno.test("quote shows values as a user wrote them", () => {
  assertEquals([quote("a"), quote(3), quote(true), quote(null), quote([1]), quote({}), quote(undefined)], [
    '"a"',
    "3",
    "true",
    "null",
    "a list",
    "a mapping",
    "nothing",
  ]);
});
