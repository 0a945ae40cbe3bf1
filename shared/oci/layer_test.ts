import { assertEquals } from "../testing/asserts.ts";
import { gunzip, packLayer, readYamlFiles, tarFiles, untarFiles } from "./layer.ts";
import { ociDigest } from "./digest.ts";

const enc = new TextEncoder();

// Pinned from this implementation: a change here changes every pushed digest (renderers.md §7.6).
Deno.test("pack layers are byte-stable (pinned digest: deflate implementation and tar header layout)", () => {
  const text = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
  const a = packLayer(text);
  assertEquals(ociDigest(a), ociDigest(packLayer(text)));
  // gzip header: no name, mtime 0.
  assertEquals([...a.subarray(0, 8)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  assertEquals(ociDigest(a), "sha256:86e54cae480e10575ef9aeb6d294e9a807d2ecf576dba917f49a303c0e3a55fe");
  assertEquals(
    ociDigest(packLayer("")),
    "sha256:bb27e8e895ae9392014de7d753949eeabd06fb58e31208b2d6531f848b1419df",
  );
  assertEquals(new TextDecoder().decode(gunzip(a).subarray(512, 512 + text.length)), text);
});

Deno.test("tar: ustar header fields, round trip, long names via prefix", () => {
  const tar = tarFiles([{ name: "manifests.yaml", data: enc.encode("abc") }, {
    name: `${"d/".repeat(60)}f.yml`,
    data: enc.encode("x"),
  }]);
  assertEquals(tar.length, 512 * 6);
  const h = tar.subarray(0, 512);
  const field = (o: number, l: number) => new TextDecoder().decode(h.subarray(o, o + l));
  assertEquals(field(100, 8), "0000644\0");
  assertEquals(field(124, 12), "00000000003\0");
  assertEquals(field(257, 8), "ustar\u000000");
  const back = untarFiles(tar);
  assertEquals(back.map((e) => e.name), ["manifests.yaml", `${"d/".repeat(60)}f.yml`]);
  assertEquals(readYamlFiles(packLayer("k: v\n")), [{ name: "manifests.yaml", text: "k: v\n" }]);
});
