import { assertEquals, assertStringIncludes } from "../testing/asserts.ts";
import { formatReference, guessPlainHttp, parseReference, parseRepositoryUrl } from "./reference.ts";
import { InputError } from "../errors.ts";

const D = "sha256:" + "a".repeat(64);

Deno.test("references: registry, repository, tag, digest", () => {
  assertEquals(parseReference("127.0.0.1:5000/ontai-dev/packs/app:v1-rbac"), {
    registry: "127.0.0.1:5000",
    repository: "ontai-dev/packs/app",
    tag: "v1-rbac",
    digest: undefined,
  });
  assertEquals(parseReference(`reg.io/app@${D}`).digest, D);
  assertEquals(parseRepositoryUrl("localhost:5000/a/b"), { registry: "localhost:5000", repository: "a/b" });
  assertEquals(formatReference({ registry: "r:1", repository: "a", tag: "t" }), "r:1/a:t");
});

Deno.test("references: errors name the bad part", () => {
  for (
    const [text, part] of [["noslash", "reference"], ["reg/UPPER", "repository"], ["reg/a:bad+tag", "tag"], [
      "reg/a@sha256:xyz",
      "digest",
    ]]
  ) {
    try {
      parseReference(text!);
      throw new Error("accepted " + text);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      assertStringIncludes(err.message, `invalid OCI ${part}`);
    }
  }
});

Deno.test("upstream's plain-HTTP guess", () => {
  assertEquals(["10.0.0.1:5000", "127.0.0.1:5000", "localhost:5000", "ghcr.io"].map(guessPlainHttp), [
    true,
    true,
    true,
    false,
  ]);
});
