import { assert, assertEquals, assertNotEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { parseAgeIdentities } from "./age.ts";
import { decryptSopsFile } from "./decrypt.ts";
import { encryptSopsDocument, encryptSopsText, planReencryption, reencryptIfChanged } from "./encrypt.ts";
import { seededBytes } from "./testing.ts";

const secret = await generateX25519Identity();
const recipient = await identityToRecipient(secret);
const ids = parseAgeIdentities(`# test\n${secret}\n`);
const fixedNow = () => new Date("2025-01-02T03:04:05.678Z");

const k8sSecret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "talos-secrets", namespace: "kube-system" },
  type: "Opaque",
  stringData: { "secrets.yaml": "cluster:\n  id: abc\n", token: "t0k3n" },
  data: { ca: "LS0tLS1CRUdJTg==" },
};

Deno.test("encrypt a Kubernetes Secret: only data/stringData encrypted, round trip", async () => {
  const text = await encryptSopsDocument(k8sSecret, {
    recipients: [recipient],
    now: fixedNow,
    random: seededBytes("a"),
  });
  assertStringIncludes(text, "kind: Secret\n");
  assertStringIncludes(text, "    name: talos-secrets\n");
  assertStringIncludes(text, "    token: ENC[AES256_GCM,data:");
  assertStringIncludes(text, "encrypted_regex: ^(data|stringData)$");
  assertStringIncludes(text, 'lastmodified: "2025-01-02T03:04:05Z"');
  assertStringIncludes(text, "    version: 3.13.3\n");
  assertStringIncludes(text, "    age:\n        - enc: |\n");
  const d = await decryptSopsFile(text, "yaml", ids);
  assert(d.macVerified);
  assertEquals(d.data, k8sSecret);
});

Deno.test("encrypt: all value types round-trip in YAML and JSON", async () => {
  const doc = {
    s: "text",
    empty: "",
    n: null,
    i: 42,
    big: 12345678901234567890n,
    f: 1.5,
    whole: 3,
    b: false,
    list: ["a", 1, true, { x: "y" }],
    keep_unencrypted: "plain",
  };
  for (const format of ["yaml", "json"] as const) {
    const text = await encryptSopsDocument(doc, { recipients: [recipient], format });
    assertStringIncludes(text, format === "yaml" ? "keep_unencrypted: plain" : '"keep_unencrypted": "plain"');
    const d = await decryptSopsFile(text, format, ids);
    assert(d.macVerified);
    assertEquals(d.data, doc);
  }
});

Deno.test("encrypt: dotenv and binary round-trip", async () => {
  const env = await encryptSopsDocument({ A: "1", B: "two\nlines" }, {
    recipients: [recipient],
    format: "dotenv",
  });
  assertStringIncludes(env, "sops_age__list_0__map_recipient=" + recipient);
  assertEquals((await decryptSopsFile(env, "dotenv", ids)).data, { A: "1", B: "two\nlines" });
  const bin = await encryptSopsDocument("raw\nbytes\n", { recipients: [recipient], format: "binary" });
  assertEquals((await decryptSopsFile(bin, "binary", ids)).text, "raw\nbytes\n");
});

Deno.test("encrypt plain YAML text keeps comments (encrypted) and order", async () => {
  const src = "# top\nb: 1\na:\n    # about x\n    x: secret # inline\nlist:\n    - one\n";
  const text = await encryptSopsText(src, { recipients: [recipient] });
  assert(!text.includes("about x"), "comment encrypted");
  const d = await decryptSopsFile(text, "yaml", ids);
  // As `sops -d` prints it: an encrypted inline comment decrypts to a comment line of its own.
  assertEquals(d.text, src.replace("    x: secret # inline\n", "    # inline\n    x: secret\n"));
});

Deno.test("encrypt: deterministic with injected randomness and clock (except the age wrap)", async () => {
  const opts = { recipients: [recipient], now: fixedNow };
  const a = await encryptSopsDocument(k8sSecret, { ...opts, random: seededBytes("s") });
  const b = await encryptSopsDocument(k8sSecret, { ...opts, random: seededBytes("s") });
  const strip = (t: string) => t.replace(/enc: \|\n(\s+.*\n)+?\s+-----END AGE ENCRYPTED FILE-----\n/, "");
  assertEquals(strip(a), strip(b));
});

Deno.test("reencryptIfChanged keeps the file when the plaintext is unchanged", async () => {
  const opts = { recipients: [recipient] };
  const first = await encryptSopsDocument(k8sSecret, opts);
  assertEquals(await reencryptIfChanged(first, structuredClone(k8sSecret), ids, opts), first);
  const changed = { ...k8sSecret, stringData: { ...k8sSecret.stringData, token: "new" } };
  const plan = await planReencryption(first, changed, ids, opts);
  assert(plan.changed);
  assertEquals(plan.reason, "plaintext changed");
  // Unchanged values keep their ciphertext (same data key and IV), like `sops edit`.
  const line = (t: string, k: string) => t.split("\n").find((l) => l.trimStart().startsWith(k + ":"));
  assertEquals(line(plan.text, "ca"), line(first, "ca"));
  assertNotEquals(line(plan.text, "token"), line(first, "token"));
  assertEquals((await decryptSopsFile(plan.text, "yaml", ids)).data, changed);
  // New recipient → re-encrypted with a fresh data key.
  const other = await identityToRecipient(await generateX25519Identity());
  const plan2 = await planReencryption(first, k8sSecret, ids, { recipients: [recipient, other] });
  assertEquals(plan2.reason, "recipients changed");
  assertNotEquals(line(plan2.text, "ca"), line(first, "ca"));
});

Deno.test("encrypt errors: no recipient, bad recipient, already encrypted", async () => {
  const fails = async (f: () => Promise<unknown>, text: string) => {
    try {
      await f();
    } catch (e) {
      assertStringIncludes((e as Error).message, text);
      return;
    }
    throw new Error("expected failure");
  };
  await fails(() => encryptSopsDocument({ a: "b" }, { recipients: [] }), "no age recipient");
  await fails(() => encryptSopsDocument({ a: "b" }, { recipients: ["age1nope"] }), "invalid age recipient");
  await fails(
    () => encryptSopsDocument({ a: "b", sops: {} }, { recipients: [recipient] }),
    "already has a top-level `sops` key",
  );
});

Deno.test("property: random documents round-trip through YAML, JSON and the MAC", async () => {
  const r = seededBytes("prop");
  const pick = <T>(xs: readonly T[]): T => xs[r(1)[0]! % xs.length]!;
  const alphabet = [..."abc XYZ:-#'\"\\\n\t{}[],&*!|>%@`~ü✓0123456789."];
  const str = () => Array.from({ length: r(1)[0]! % 12 }, () => pick(alphabet)).join("");
  const gen = (depth: number): unknown => {
    const k = r(1)[0]! % (depth > 2 ? 5 : 7);
    if (k === 0) return str();
    if (k === 1) return (r(1)[0]! - 128) * 1000;
    if (k === 2) return (r(1)[0]! - 128) / 8 + 0.0625;
    if (k === 3) return r(1)[0]! % 2 === 0;
    if (k === 4) return null;
    if (k === 5) return Array.from({ length: r(1)[0]! % 4 }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < r(1)[0]! % 4; i++) o[str() || `k${i}`] = gen(depth + 1);
    return o;
  };
  for (let n = 0; n < 25; n++) {
    const doc: Record<string, unknown> = { root: gen(0), other_unencrypted: gen(1) };
    for (const format of ["yaml", "json"] as const) {
      const text = await encryptSopsDocument(doc, { recipients: [recipient], format, random: r });
      const d = await decryptSopsFile(text, format, ids);
      assert(d.macVerified);
      assertEquals(d.data, doc, `${format} #${n}`);
    }
  }
});
