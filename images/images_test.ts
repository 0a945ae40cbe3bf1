import { assert, assertMatch, assertStringIncludes } from "../shared/testing/asserts.ts";

const read = (f: string) => Deno.readTextFile(new URL(f, import.meta.url));

Deno.test("each image copies its binary from dist/ and runs as 65532", async () => {
  for (
    const [file, bin, base] of [
      ["Dockerfile.compiler", "dist/compiler", /^FROM debian:\S+-slim$/m],
      ["Dockerfile.agent", "dist/conductor", /^FROM gcr\.io\/distroless\/\S+$/m],
      ["Dockerfile.execute", "dist/conductor", /^FROM debian:\S+-slim$/m],
    ] as const
  ) {
    const text = await read(file);
    assertMatch(text, base, file);
    assertStringIncludes(text, `COPY ${bin} `, file);
    assertStringIncludes(text, "USER 65532:65532", file);
    assert(!/\bRUN\b.*\b(helm|kustomize|sops|talosctl|kubectl)\b/.test(text), `${file} installs a tool`);
  }
  assertStringIncludes(await read("Dockerfile.agent"), 'CMD ["agent"]');
  assertStringIncludes(await read("Dockerfile.execute"), 'CMD ["execute"]');
});
