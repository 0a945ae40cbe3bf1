import { assert, assertEquals, assertMatch } from "../../shared/testing/asserts.ts";
import { fixedClock } from "../../shared/clock.ts";
import { seededRandom } from "../../shared/rand.ts";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { parseSecretsBundle, serializeSecretsBundle, validateSecretsBundle } from "./secrets.ts";
import { generateSecretsBundle, generateToken } from "./secrets_generate.ts";

const GOLDEN = new URL("../../../shared/reference/talos/stability/secrets.yaml", import.meta.url);

Deno.test("secrets.yaml round-trips byte for byte (minus the leading comment)", () => {
  const text = Deno.readTextFileSync(GOLDEN);
  const body = text.split("\n").filter((l) => !l.startsWith("#")).join("\n");
  assertEquals(serializeSecretsBundle(parseSecretsBundle(text)), body);
});

Deno.test("validation gathers every issue", () => {
  const b = parseSecretsBundle(Deno.readTextFileSync(GOLDEN));
  const issues = validateSecretsBundle({
    ...b,
    cluster: { id: "", secret: "" },
    certs: { ...b.certs, os: { crt: "", key: "" } },
  });
  assertEquals(issues.length, 4);
});

Deno.test("tokens have Talos' shape", () => {
  const r = seededRandom("tok");
  for (let i = 0; i < 20; i++) assertMatch(generateToken(r), /^[0-9a-z]{6}\.[0-9a-z]{16}$/);
});

const decodePem = (b64: string) => atob(b64);

/** `openssl x509 -text` of a PEM certificate (null when openssl is not installed). */
async function openssl(pemText: string): Promise<string | null> {
  let p: Deno.ChildProcess;
  try {
    p = new Deno.Command("openssl", { args: ["x509", "-noout", "-text"], stdin: "piped", stdout: "piped" })
      .spawn();
  } catch {
    return null;
  }
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(pemText));
  await w.close();
  const o = await p.output();
  return new TextDecoder().decode(o.stdout);
}

Deno.test("generated bundle: CA profiles, keys, reproducible with a seed", async () => {
  const opts = {
    contract: "v1.12",
    clock: fixedClock("2026-01-02T03:04:05Z"),
    random: seededRandom("talos-secrets-test"),
    serviceAccountKeyBits: 1024,
  };
  const b = await generateSecretsBundle(opts);
  const again = await generateSecretsBundle({ ...opts, random: seededRandom("talos-secrets-test") });
  assertEquals(serializeSecretsBundle(b), serializeSecretsBundle(again));
  assertEquals(validateSecretsBundle(b), []);
  assertEquals(parseSecretsBundle(serializeSecretsBundle(b)), b);
  assertEquals(b.cluster.id.length, 44);
  assert(b.secrets.secretboxEncryptionSecret && !b.secrets.aescbcEncryptionSecret);

  const cases = [
    { c: b.certs.etcd, subject: "O=etcd", type: "ec", label: "EC PRIVATE KEY" },
    { c: b.certs.k8s, subject: "O=kubernetes", type: "ec", label: "EC PRIVATE KEY" },
    { c: b.certs.k8sAggregator, subject: "", type: "ec", label: "EC PRIVATE KEY" },
    { c: b.certs.os, subject: "O=talos", type: "ed25519", label: "ED25519 PRIVATE KEY" },
  ];
  for (const { c, subject, type, label } of cases) {
    const cert = new X509Certificate(decodePem(c.crt));
    assertEquals(cert.subject ?? "", subject);
    assertEquals(cert.issuer ?? "", subject);
    assert(cert.ca, "CA:TRUE");
    assertEquals(cert.publicKey.asymmetricKeyType, type);
    assert(cert.verify(cert.publicKey), `self-signature of ${subject || "aggregator"} verifies`);
    assertEquals(new Date(cert.validFrom).toISOString(), "2026-01-02T03:04:05.000Z");
    assertEquals(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime(), 87600 * 3600_000);
    const keyPem = decodePem(c.key);
    assert(keyPem.startsWith(`-----BEGIN ${label}-----`));
    const priv = createPrivateKey(keyPem.replaceAll("ED25519 PRIVATE KEY", "PRIVATE KEY"));
    const pubFromPriv = createPublicKey(priv).export({ type: "spki", format: "der" });
    assertEquals(
      Buffer.from(pubFromPriv).toString("hex"),
      Buffer.from(cert.publicKey.export({ type: "spki", format: "der" })).toString("hex"),
    );
    const text = await openssl(decodePem(c.crt));
    if (text !== null) {
      for (
        const want of [
          "X509v3 Key Usage: critical",
          "Digital Signature, Certificate Sign",
          "TLS Web Server Authentication, TLS Web Client Authentication",
          "X509v3 Basic Constraints: critical",
          "CA:TRUE",
          "X509v3 Subject Key Identifier",
        ]
      ) assert(text.includes(want), `${subject}: ${want}`);
      assert(!text.includes("Authority Key Identifier"));
    }
  }
  const sa = createPrivateKey(decodePem(b.certs.k8sServiceAccount.key));
  assertEquals(sa.asymmetricKeyType, "rsa");
  assert(decodePem(b.certs.k8sServiceAccount.key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
});
