import { assert, assertEquals, assertRejects } from "../testing/asserts.ts";
import { canonicalBytes, parseJsonLossless } from "./canonical.ts";
import {
  base64ToBytesStrict,
  bytesToBase64,
  generateKeyPairPem,
  KeyError,
  loadPrivateKeyPem,
  loadPublicKeysPem,
} from "./keys.ts";
import { KeyRing, Signer } from "./key_ring.ts";

const goSig = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/go_signature.json", import.meta.url)),
) as {
  privatePem: string;
  publicPem: string;
  message: string;
  signature: string;
};
const goSpec = { targetCluster: "ccs-dev", note: "<a&b>\u2028", version: "v1", n: 9007199254740993n };

for (const backend of ["webcrypto", "noble"] as const) {
  Deno.test(`[${backend}] a Go-made signature verifies and TS signs the same bytes identically`, async () => {
    const priv = await loadPrivateKeyPem(goSig.privatePem, "go key", backend);
    const ring = new KeyRing(await loadPublicKeysPem(goSig.publicPem, "go pub", backend));
    assertEquals(new TextDecoder().decode(canonicalBytes(goSpec)), goSig.message);
    const signed = await new Signer(priv).signSpec(goSpec);
    assertEquals(signed.signature, goSig.signature); // Ed25519 is deterministic
    assertEquals(signed.keyId, ring.keyIds[0]);
    const r = await ring.verifySpec(parseJsonLossless(goSig.message), goSig.signature);
    assertEquals(r, { ok: true, keyId: ring.keyIds[0]! });
  });

  Deno.test(`[${backend}] tampering with any byte of the spec or the signature is detected`, async () => {
    const kp = await generateKeyPairPem();
    const signer = new Signer(await loadPrivateKeyPem(kp.privatePem, "k", backend));
    const ring = new KeyRing(await loadPublicKeysPem(kp.publicPem, "p", backend));
    const spec = { targetCluster: "c1", version: "1", subjects: [{ subjectName: "a" }] };
    const s = await signer.signSpec(spec);
    assert((await ring.verifySpec(spec, s.signature)).ok);
    const tampered = structuredClone(spec);
    tampered.subjects[0]!.subjectName = "b";
    const r = await ring.verifySpec(tampered, s.signature);
    assertEquals(r.ok ? "" : r.code, "SignatureMismatch");
    const sig = base64ToBytesStrict(s.signature)!;
    sig[10]! ^= 1;
    const r2 = await ring.verifySpec(spec, bytesToBase64(sig));
    assertEquals(r2.ok ? "" : r2.code, "SignatureMismatch");
  });
}

Deno.test("key ring: current + previous both verify; a foreign key does not", async () => {
  const [a, b, c] = await Promise.all([generateKeyPairPem(), generateKeyPairPem(), generateKeyPairPem()]);
  const ring = new KeyRing(await loadPublicKeysPem(b.publicPem + a.publicPem, "ring"));
  assertEquals(ring.keys.length, 2);
  for (const kp of [a, b]) {
    const s = await new Signer(await loadPrivateKeyPem(kp.privatePem)).signSpec({ x: 1 });
    const r = await ring.verifySpec({ x: 1 }, s.signature);
    assertEquals(r, { ok: true, keyId: kp.keyId });
  }
  const foreign = await new Signer(await loadPrivateKeyPem(c.privatePem)).signSpec({ x: 1 });
  assertEquals((await ring.verifySpec({ x: 1 }, foreign.signature)).ok, false);
});

Deno.test("strict signature decoding: missing, whitespace, bad padding bits, wrong length", async () => {
  const kp = await generateKeyPairPem();
  const ring = new KeyRing(await loadPublicKeysPem(kp.publicPem));
  const s = await new Signer(await loadPrivateKeyPem(kp.privatePem)).signSpec({});
  const code = async (sig: string | undefined) => {
    const r = await ring.verifySpec({}, sig);
    return r.ok ? "ok" : r.code;
  };
  assertEquals(await code(s.signature), "ok");
  assertEquals(await code(undefined), "MissingSignature");
  assertEquals(await code(""), "MissingSignature");
  assertEquals(await code(s.signature.slice(0, 40) + "\n" + s.signature.slice(40)), "BadSignatureEncoding");
  // last char before "==" carries 4 unused bits: flipping them gives non-canonical base64
  const chars = s.signature.split("");
  const i = chars.length - 3;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  chars[i] = alphabet[alphabet.indexOf(chars[i]!) ^ 1]!;
  assertEquals(await code(chars.join("")), "BadSignatureEncoding");
  assertEquals(await code(bytesToBase64(new Uint8Array(63))), "BadSignatureLength");
  assertEquals((await new KeyRing([]).verifySpec({}, s.signature)).ok, false);
});

Deno.test("key files: wrong PEM type, not Ed25519, no PEM are KeyErrors naming the source", async () => {
  await assertRejects(
    () => loadPrivateKeyPem("nothing", "SIGNING_PRIVATE_KEY_PATH"),
    KeyError,
    "no PEM block",
  );
  await assertRejects(() => loadPrivateKeyPem(goSig.publicPem, "x"), KeyError, '"PUBLIC KEY"');
  await assertRejects(() => loadPublicKeysPem(goSig.privatePem, "y"), KeyError, '"PRIVATE KEY"');
  const rsaLike =
    "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n";
  await assertRejects(() => loadPrivateKeyPem(rsaLike, "z"), KeyError, "not an Ed25519");
});

Deno.test("the key id is the SHA-256 of the SPKI DER", async () => {
  const [k] = await loadPublicKeysPem(goSig.publicPem);
  const der = base64ToBytesStrict(goSig.publicPem.split("\n")[1]!)!;
  const want = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(der))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  assertEquals(k!.keyId, want);
});
