/**
 * RSA key generation (keys.ts): the deterministic search keeps the seeded keys of every earlier
 * release (known answers computed with the original implementation), the fast search makes valid
 * keys (checked against WebCrypto), and the windowed modPow agrees with square-and-multiply.
 */
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { cryptoRandom, seededRandom } from "../../shared/rand.ts";
import { integer, nullValue, octetString, oid, seq } from "./der.ts";
import { generateP256, generateRsa, modPow, OID, P256_G, p256Mul, ptMulAffine } from "./keys.ts";
import { generateRsaParallel } from "./rsa_parallel.ts";

const hex = async (b: Uint8Array) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", b as BufferSource)),
    (x) => x.toString(16).padStart(2, "0"),
  ).join("");

Deno.test("rsa: seeded keys are those of the original prime search (known answers)", async () => {
  assertEquals(
    await hex(generateRsa(seededRandom("kat-1"), 1024).pkcs1),
    "9d010ec4236782f6583b63b8ba5c70690b05e1d4b75541f76676bc07d5e62669",
  );
  assertEquals(
    await hex(generateRsa(seededRandom("kat-2"), 2048).pkcs1),
    "293c7d7e2e84100a448b7f6ff223ec23a77b16f7996251caaa6fe8e2563a1e61",
  );
});

Deno.test("rsa: modPow (sliding window) equals square-and-multiply", () => {
  const r = seededRandom("modpow");
  const big = (n: number) => BigInt("0x" + r.hex(n));
  const plain = (b: bigint, e: bigint, m: bigint) => {
    let x = 1n;
    b %= m;
    while (e > 0n) {
      if (e & 1n) x = (x * b) % m;
      b = (b * b) % m;
      e >>= 1n;
    }
    return x;
  };
  for (let i = 0; i < 20; i++) {
    const m = big(64) | 1n, b = big(70), e = i < 3 ? BigInt(i * 17) : big(1 + i * 3);
    assertEquals(modPow(b, e, m), plain(b, e, m));
  }
  assertEquals(modPow(5n, 3n, 1n), 0n);
});

Deno.test("rsa: the fast search makes a key WebCrypto signs and verifies with", async () => {
  const key = generateRsa(cryptoRandom(), 2048, "fast");
  // PKCS#1 → PKCS#8 for WebCrypto.
  const pkcs8 = seq(integer(0), seq(oid(OID.rsaEncryption), nullValue()), octetString(key.pkcs1));
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const priv = await crypto.subtle.importKey("pkcs8", pkcs8 as BufferSource, alg, false, ["sign"]);
  const pub = await crypto.subtle.importKey("spki", key.spki as BufferSource, alg, false, ["verify"]);
  const data = new TextEncoder().encode("talos service account");
  const theirs = new Uint8Array(await crypto.subtle.sign(alg.name, priv, data));
  const ours = await key.sign(data);
  assertEquals(ours, theirs, "PKCS#1 v1.5 signatures are deterministic");
  assert(await crypto.subtle.verify(alg.name, pub, ours as BufferSource, data));
});

Deno.test("p256: Jacobian scalar multiplication equals the affine reference", () => {
  const r = seededRandom("p256");
  const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const ks = [1n, 2n, 3n, N - 1n, ...Array.from({ length: 8 }, () => BigInt("0x" + r.hex(32)) % N)];
  for (const k of ks) assertEquals(p256Mul(k, P256_G), ptMulAffine(k, P256_G), `k = ${k}`);
  assertEquals(p256Mul(N, P256_G), null);
});

Deno.test("p256: seeded keys and signatures verify with WebCrypto", async () => {
  const key = generateP256(seededRandom("p256-sign"));
  const pub = await crypto.subtle.importKey(
    "spki",
    key.spki as BufferSource,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const data = new TextEncoder().encode("talos ca");
  const der = await key.sign(data);
  // DER SEQUENCE { r, s } → IEEE P1363 r || s for WebCrypto.
  const ints: Uint8Array[] = [];
  let i = 2;
  while (i < der.length) {
    const len = der[i + 1]!;
    ints.push(der.slice(i + 2, i + 2 + len));
    i += 2 + len;
  }
  const raw = new Uint8Array(64);
  ints.forEach((v, j) => {
    const t = v.length > 32 ? v.slice(v.length - 32) : v;
    raw.set(t, j * 32 + 32 - t.length);
  });
  assert(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, raw, data));
});

async function assertRsaKeyWorks(key: Awaited<ReturnType<typeof generateRsaParallel>>, bits: number) {
  const pkcs8 = seq(integer(0), seq(oid(OID.rsaEncryption), nullValue()), octetString(key.pkcs1));
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const priv = await crypto.subtle.importKey("pkcs8", pkcs8 as BufferSource, alg, true, ["sign"]);
  assertEquals((priv.algorithm as RsaHashedKeyAlgorithm).modulusLength, bits);
  const pub = await crypto.subtle.importKey("spki", key.spki as BufferSource, alg, false, ["verify"]);
  const data = new TextEncoder().encode("parallel");
  assert(await crypto.subtle.verify(alg.name, pub, await key.sign(data) as BufferSource, data));
}

Deno.test("rsa: the parallel search (worker + this thread) makes a valid key", async () => {
  await assertRsaKeyWorks(await generateRsaParallel(2048), 2048);
});

Deno.test("rsa: the parallel search falls back to this thread when the worker cannot start", async () => {
  const missing = new URL("./no_such_prime_worker.ts", import.meta.url);
  await assertRsaKeyWorks(await generateRsaParallel(1024, missing), 1024);
});
