import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { generateX25519Identity } from "age-encryption";
import { parseAgeIdentities } from "./age.ts";
import { decryptValue, encryptValue } from "./cipher.ts";
import { decryptSopsFile } from "./decrypt.ts";
import { encryptSopsDocument } from "./encrypt.ts";
import { compileRe2, shouldBeEncrypted } from "./rules.ts";
import { formatGoFloat } from "./tree.ts";
import { GOLDEN_SOPS } from "./testing.ts";

const G = GOLDEN_SOPS.endsWith("/") ? GOLDEN_SOPS : GOLDEN_SOPS + "/";
const golden = async (p: string) => await Deno.readTextFile(G + p);

async function rejects(
  f: () => Promise<unknown>,
): Promise<Error & { code?: string; hint?: string; file?: string }> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

Deno.test("Go float formatting (FormatFloat 'f', -1)", () => {
  assertEquals(formatGoFloat(1234568000), "1234568000");
  assertEquals(formatGoFloat(1.5), "1.5");
  assertEquals(formatGoFloat(1e21), "1000000000000000000000");
  assertEquals(formatGoFloat(1.25e-7), "0.000000125");
  assertEquals(formatGoFloat(-2.5e22), "-25000000000000000000000");
  assertEquals(formatGoFloat(Infinity), "+Inf");
});

Deno.test("value cipher: 32-byte IV, types, path as additional data", () => {
  const key = new Uint8Array(32).fill(7);
  for (
    const v of [
      { t: "str", v: "héllo" },
      { t: "int", v: "-12" },
      { t: "float", v: 0.5 },
      { t: "bool", v: true },
      { t: "comment", v: " note" },
    ] as const
  ) {
    const enc = encryptValue(v, key, "a:b:");
    assert(/^ENC\[AES256_GCM,data:.*,iv:.{44},tag:.{24},type:\w+\]$/.test(enc), enc);
    assertEquals(decryptValue(enc, key, "a:b:").value, v);
    let failed = false;
    try {
      decryptValue(enc, key, "a:c:");
    } catch {
      failed = true;
    }
    assert(failed, "wrong path must not decrypt");
  }
  assertEquals(encryptValue({ t: "str", v: "" }, key, "x:"), "");
});

Deno.test("selection rules follow sops' order", () => {
  assert(!shouldBeEncrypted({ unencryptedSuffix: "_unencrypted" }, ["a_unencrypted", "b"], [], false));
  assert(shouldBeEncrypted({ unencryptedSuffix: "_unencrypted" }, ["a", "b"], [], false));
  assert(shouldBeEncrypted({ encryptedRegex: "^(data|stringData)$" }, ["stringData", "x"], [], false));
  assert(!shouldBeEncrypted({ encryptedRegex: "^(data|stringData)$" }, ["metadata", "name"], [], false));
  assert(!shouldBeEncrypted({ unencryptedRegex: "^pub" }, ["x", "public"], [], false));
  assert(shouldBeEncrypted({ encryptedCommentRegex: "sops:enc" }, ["k"], [["sops:enc"]], false));
  assert(!shouldBeEncrypted({ encryptedCommentRegex: "sops:enc" }, ["k"], [["sops:enc"]], true));
  assert(compileRe2("(?i)^DATA$").test("data"));
});

Deno.test("tampered file: MAC mismatch is fatal unless ignored", async () => {
  const text = await golden("files/sops/1768ce5b__example.yaml");
  const ids = parseAgeIdentities(await golden("keys/sops-age-keys.txt"));
  const tampered = text.replace("all: going to remain in clear text", "all: changed");
  const e = await rejects(() => decryptSopsFile(tampered, "yaml", ids, { file: "example.yaml" }));
  assertStringIncludes(e.message, "MAC mismatch");
  assertEquals(e.file, "example.yaml");
  const ok = await decryptSopsFile(tampered, "yaml", ids, { ignoreMac: true });
  assertEquals(ok.macVerified, false);
});

Deno.test("clear errors: wrong identity, no identity, not a sops file, swapped values", async () => {
  const text = await golden("files/sops/1768ce5b__example.yaml");
  const other = parseAgeIdentities(await generateX25519Identity());
  const e1 = await rejects(() => decryptSopsFile(text, "yaml", other));
  assertStringIncludes(e1.message, "none of the 1 age identities opens the data key");
  assertStringIncludes(e1.message, "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw");
  const e2 = await rejects(() => decryptSopsFile(text, "yaml", []));
  assertStringIncludes(e2.message, "no age identity given");
  const e3 = await rejects(() => decryptSopsFile("a: b\n", "yaml", other));
  assertStringIncludes(e3.message, "sops metadata not found");
  // A value moved to another key no longer authenticates (the path is additional data).
  const ids = parseAgeIdentities(await golden("keys/sops-age-keys.txt"));
  const lines = text.split("\n");
  const user = lines.findIndex((l) => l.includes("user: ENC"));
  const pw = lines.findIndex((l) => l.includes("password: ENC"));
  const swapped = [...lines];
  swapped[user] = "        user: " + lines[pw]!.split("password: ")[1];
  const e4 = await rejects(() => decryptSopsFile(swapped.join("\n"), "yaml", ids));
  assertStringIncludes(e4.message, "could not decrypt value");
  assertEquals((e4 as { path?: string }).path, "app2.db.user");
});

Deno.test("multi-document YAML: every document carries sops metadata; MAC over all", async () => {
  const secret = await generateX25519Identity();
  const ids = parseAgeIdentities(secret);
  const { identityToRecipient } = await import("age-encryption");
  const r = await identityToRecipient(secret);
  const docs = [{ a: "1" }, { b: "2" }];
  const text = await encryptSopsDocument(docs, { recipients: [r] });
  assertEquals(text.split("\nsops:\n").length, 3);
  const d = await decryptSopsFile(text, "yaml", ids);
  assertEquals(d.data, docs);
});
