import { assertEquals } from "../testing/asserts.ts";
import { parseWwwAuthenticate, pickChallenge, repositoryScope } from "./auth.ts";

Deno.test("WWW-Authenticate: Bearer with quoted params, Basic, several challenges", () => {
  assertEquals(
    parseWwwAuthenticate(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
    ),
    [{
      scheme: "bearer",
      params: {
        realm: "https://auth.example/token",
        service: "registry.example",
        scope: "repository:a/b:pull,push",
      },
    }],
  );
  assertEquals(parseWwwAuthenticate('Basic realm="Registry Realm"'), [{
    scheme: "basic",
    params: { realm: "Registry Realm" },
  }]);
  const both = parseWwwAuthenticate('Basic realm="a", Bearer realm="b\\"q",service=svc');
  assertEquals(both.length, 2);
  assertEquals(pickChallenge(both), { scheme: "bearer", params: { realm: 'b"q', service: "svc" } });
  assertEquals(parseWwwAuthenticate(""), []);
  assertEquals(repositoryScope("x/y", true), "repository:x/y:pull,push");
});
