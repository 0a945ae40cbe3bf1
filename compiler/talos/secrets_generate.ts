/**
 * Generates a fresh Talos secrets bundle (what `talosctl gen secrets` does) from an injectable clock
 * and random source. With `seededRandom(seed)` and a fixed clock the output is byte-identical across
 * runs — meant for tests and reproducible fixtures; production passes `cryptoRandom()`.
 */
import { type Clock, systemClock } from "../../shared/clock.ts";
import { cryptoRandom, type RandomSource } from "../../shared/rand.ts";
import { assertSupported, gates, parseContract } from "./contract.ts";
import { base64 } from "./der.ts";
import { generateEd25519, generateP256, generateRsa, type RsaSearch } from "./keys.ts";
import { generateRsaParallel } from "./rsa_parallel.ts";
import type { CertAndKey, SecretsBundle } from "./secrets.ts";
import { selfSignedCA } from "./x509.ts";

export interface GenerateSecretsOptions {
  /** Version contract ("v1.9" … "v1.12"); defaults to the newest supported. */
  contract?: string;
  clock?: Clock;
  random?: RandomSource;
  /** RSA modulus size for the service-account key; Talos uses 4096 (tests may lower it). */
  serviceAccountKeyBits?: number;
  /**
   * Service-account RSA key: "deterministic" (default) searches primes from `random`, so seeded
   * output stays byte-identical; "fast" ignores `random` and makes a fresh key from crypto
   * randomness with the parallel search of rsa_parallel.ts (production, no --seed).
   */
  rsaSearch?: RsaSearch;
}

const TOKEN_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";

function tokenString(r: RandomSource, n: number): string {
  let out = "";
  while (out.length < n) {
    const b = r.bytes(1)[0]!;
    if (b >= 252) continue;
    out += TOKEN_CHARS[b % 36];
  }
  return out;
}

/** A `[0-9a-z]{6}.[0-9a-z]{16}` token (bootstrap and trustd tokens). */
export function generateToken(r: RandomSource): string {
  return tokenString(r, 6) + "." + tokenString(r, 16);
}

function urlBase64(b: Uint8Array): string {
  return base64(b).replaceAll("+", "-").replaceAll("/", "_");
}

async function ca(
  key: Awaited<ReturnType<typeof generateEd25519>>,
  organization: string[],
  now: Date,
  r: RandomSource,
): Promise<CertAndKey> {
  const crt = await selfSignedCA(key, { organization, now, random: r });
  return { crt: base64(crt), key: base64(key.privateKeyPem) };
}

export async function generateSecretsBundle(opts: GenerateSecretsOptions = {}): Promise<SecretsBundle> {
  const contract = parseContract(opts.contract ?? "v1.12");
  assertSupported(contract);
  const r = opts.random ?? cryptoRandom();
  const now = new Date(Math.floor((opts.clock ?? systemClock).now().getTime() / 1000) * 1000);

  const encSecret = base64(r.fork("encryption").bytes(32));
  const secrets: SecretsBundle["secrets"] = { bootstrapToken: generateToken(r.fork("bootstrap-token")) };
  if (gates.secretboxEncryption(contract)) secrets.secretboxEncryptionSecret = encSecret;
  else secrets.aescbcEncryptionSecret = encSecret;

  const etcdR = r.fork("etcd-ca"),
    k8sR = r.fork("k8s-ca"),
    aggR = r.fork("aggregator-ca"),
    osR = r.fork("os-ca");
  const saR = r.fork("service-account");
  const saBits = opts.serviceAccountKeyBits ?? 4096;
  const saKey = !gates.rsaServiceAccountKey(contract)
    ? generateP256(saR)
    : opts.rsaSearch === "fast"
    ? await generateRsaParallel(saBits)
    : generateRsa(saR, saBits);

  return {
    cluster: {
      id: urlBase64(r.fork("cluster-id").bytes(32)),
      secret: base64(r.fork("cluster-secret").bytes(32)),
    },
    secrets,
    trustdInfo: { token: generateToken(r.fork("trustd-token")) },
    certs: {
      etcd: await ca(generateP256(etcdR), ["etcd"], now, etcdR),
      k8s: await ca(generateP256(k8sR), ["kubernetes"], now, k8sR),
      k8sAggregator: await ca(generateP256(aggR), [], now, aggR),
      k8sServiceAccount: { key: base64(saKey.privateKeyPem) },
      os: await ca(await generateEd25519(osR), ["talos"], now, osR),
    },
  };
}
