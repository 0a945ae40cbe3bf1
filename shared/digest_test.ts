import { assertEquals } from "./testing/asserts.ts";
import { sha256, sha256Hex } from "./digest.ts";

Deno.test("sha256Hex matches the standard test vectors", () => {
  assertEquals(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assertEquals(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertEquals(sha256Hex(new TextEncoder().encode("abc")), sha256Hex("abc"));
  assertEquals(sha256("abc").length, 32);
});
