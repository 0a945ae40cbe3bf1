import { assertEquals, assertThrows } from "../../shared/testing/asserts.ts";
import { parseListenAddr } from "./listen_addr.ts";
import { InputError } from "../../shared/errors.ts";

Deno.test("listen addresses in all accepted forms", () => {
  assertEquals(parseListenAddr("9443", "X"), { hostname: "0.0.0.0", port: 9443 });
  assertEquals(parseListenAddr(":8080", "X"), { hostname: "0.0.0.0", port: 8080 });
  assertEquals(parseListenAddr("127.0.0.1:0", "X"), { hostname: "127.0.0.1", port: 0 });
  assertEquals(parseListenAddr("[::1]:7", "X"), { hostname: "::1", port: 7 });
});

Deno.test("bad listen addresses name the variable", () => {
  assertThrows(() => parseListenAddr("host:http", "METRICS_ADDR"), InputError, "METRICS_ADDR");
  assertThrows(() => parseListenAddr("70000", "METRICS_ADDR"), InputError, "not a listen address");
});
