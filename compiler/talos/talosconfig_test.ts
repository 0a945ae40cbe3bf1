import { X509Certificate } from "node:crypto";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../../shared/testing/asserts.ts";
import { fixedClock, seededRandom } from "../../shared/mod.ts";
import {
  bundleFromMachineConfig,
  generateAdminTalosconfig,
  generateSecretsBundle,
  issueAdminCertificate,
  SecretsBundleError,
} from "./mod.ts";

const pemOf = (b64: string) => atob(b64);
const NOW = new Date("2026-06-01T12:00:00Z");

Deno.test("admin certificate: issued by the OS CA, O=os:admin, clientAuth, 8760 h", async () => {
  const bundle = await generateSecretsBundle({
    contract: "v1.9",
    clock: fixedClock(NOW),
    random: seededRandom("tc"),
    serviceAccountKeyBits: 1024,
  });
  const client = await issueAdminCertificate({ osCa: bundle.certs.os, now: NOW, random: seededRandom("c") });
  const ca = new X509Certificate(pemOf(bundle.certs.os.crt));
  const leaf = new X509Certificate(pemOf(client.crt));
  assert(leaf.verify(ca.publicKey), "signature verifies with the OS CA key");
  assert(leaf.checkIssued(ca), "issuer matches and AKI = SKI");
  assertEquals(leaf.subject, "O=os:admin");
  assertEquals(leaf.issuer, "O=talos");
  assertEquals(new Date(leaf.validFrom).getTime(), NOW.getTime());
  assertEquals(new Date(leaf.validTo).getTime() - NOW.getTime(), 8760 * 3600_000);
  assertEquals(leaf.keyUsage, ["DigitalSignature"]);
  const clientAuthOid = "06082b06010505070302";
  assertStringIncludes(Array.from(leaf.raw, (b) => b.toString(16).padStart(2, "0")).join(""), clientAuthOid);
  assertEquals(leaf.ca, false);
  assertEquals(leaf.publicKey.asymmetricKeyType, "ed25519");
  assertStringIncludes(pemOf(client.key), "-----BEGIN ED25519 PRIVATE KEY-----");
  // Same inputs, same bytes.
  const again = await issueAdminCertificate({ osCa: bundle.certs.os, now: NOW, random: seededRandom("c") });
  assertEquals(again, client);
});

Deno.test("talosconfig: one context named after the cluster, 4-space go-yaml layout", async () => {
  const bundle = await generateSecretsBundle({
    contract: "v1.9",
    clock: fixedClock(NOW),
    random: seededRandom("tc2"),
    serviceAccountKeyBits: 1024,
  });
  const text = await generateAdminTalosconfig({
    clusterName: "ccs-app",
    endpoints: ["10.20.2.2", "10.20.2.3"],
    osCa: bundle.certs.os,
    now: NOW,
    random: seededRandom("x"),
  });
  const lines = text.split("\n");
  assertEquals(lines.slice(0, 6), [
    "context: ccs-app",
    "contexts:",
    "    ccs-app:",
    "        endpoints:",
    "            - 10.20.2.2",
    "            - 10.20.2.3",
  ]);
  assertEquals(lines[6], `        ca: ${bundle.certs.os.crt}`);
  assert(lines[7]!.startsWith("        crt: ") && lines[8]!.startsWith("        key: "));
});

Deno.test("import bundle: a control-plane config yields the whole bundle; a worker config does not", async () => {
  const text = await Deno.readTextFile(new URL("../../examples/cluster-mgmt/mgmt-cp1.yaml", import.meta.url));
  const b = bundleFromMachineConfig(text);
  assertEquals(b.trustdInfo.token, "d8cwfa.eyvpi0xwxyarbfid");
  assert(b.certs.os.key !== "" && b.certs.k8sServiceAccount.key !== "");
  const worker = text.replace(/^( {4}key: ).*$/gm, '$1""');
  const err = assertThrows(() => bundleFromMachineConfig(worker), SecretsBundleError);
  assertStringIncludes(err.message, "init or control-plane machine config is required");
  assertThrows(() => bundleFromMachineConfig("a: [b"), SecretsBundleError, "parse machineconfig");
});
