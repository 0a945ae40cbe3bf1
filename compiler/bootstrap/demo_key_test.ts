// deno-lint-ignore-file no-explicit-any
/**
 * The bundled public demo key (examples/demo-age-key.txt) end to end: `compiler bootstrap
 * --age-recipient <demo recipient>` on examples/cluster-tenant.yaml encrypts every key-material
 * file, the demo identity decrypts each of them, and `--secrets <encrypted bundle> --age-identity
 * examples/demo-age-key.txt` takes the bundle back (same cluster PKI).
 */
import { parse } from "yaml";
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { decryptSopsFile, parseAgeIdentities, recipientOf } from "../sops/mod.ts";
import { runCompilerCli } from "../cli.ts";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const KEY_FILE = "examples/demo-age-key.txt";

async function cli(args: string[]) {
  let stderr = "";
  const code = await runCompilerCli(args, {
    env: (n) => ({ HOME: "/nonexistent-home", SOURCE_DATE_EPOCH: "1780000000" } as Record<string, string>)[n],
    stdout: () => {},
    stderr: (s) => (stderr += s),
    cwd: REPO,
  });
  return { code, stderr };
}

Deno.test("demo age key: labelled public, one identity, its recipient in the header", async () => {
  const text = await Deno.readTextFile(`${REPO}/${KEY_FILE}`);
  assertStringIncludes(text, "PUBLIC DEMO KEY");
  assertStringIncludes(text, "PROTECTS NOTHING");
  const ids = parseAgeIdentities(text, KEY_FILE);
  assertEquals(ids.length, 1);
  const recipient = await recipientOf(ids[0]!);
  assertStringIncludes(text, `# public key: ${recipient}\n`);
  assertStringIncludes(text, `--age-recipient ${recipient}`);
});

Deno.test("demo age key: bootstrap --age-recipient encrypts, the demo identity decrypts, --secrets reuses", async () => {
  const text = await Deno.readTextFile(`${REPO}/${KEY_FILE}`);
  const ids = parseAgeIdentities(text, KEY_FILE);
  const recipient = await recipientOf(ids[0]!);
  const tmp = await Deno.makeTempDir({ prefix: "bootstrap-demo-key-" });
  try {
    const out = `${tmp}/cluster-tenant`;
    const r = await cli([
      "bootstrap",
      "--input",
      "examples/cluster-tenant.yaml",
      "--output",
      out,
      "--age-recipient",
      recipient,
      "--report",
      `${out}/report.json`,
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stderr, "SOPS-encrypted");
    const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
    const encrypted = report.outputs.filter((o: any) => o.encrypted).map((o: any) => o.path);
    assertEquals(
      encrypted,
      [
        "ccs-app-secrets.yaml",
        "ccs-app-talosconfig.yaml",
        "seam-mc-ccs-app-cp1.yaml",
        "seam-mc-ccs-app-cp2.yaml",
        "seam-mc-ccs-app-cp3.yaml",
        "seam-mc-ccs-app-w1.yaml",
        "seam-mc-ccs-app-w2.yaml",
        "seam-mc-ccs-app-talosconfig.yaml",
      ].sort(),
    );
    const plain = new Map<string, any>();
    for (const f of encrypted) {
      const ciphertext = await Deno.readTextFile(`${out}/${f}`);
      assert(!/BEGIN CERTIFICATE|PRIVATE KEY|LS0tLS1CRUdJTi/.test(ciphertext), `${f}: plaintext PEM`);
      assertStringIncludes(ciphertext, recipient, `${f}: not encrypted for the demo recipient`);
      const d = await decryptSopsFile(ciphertext, "yaml", ids);
      plain.set(f, d.data);
    }
    const node = plain.get("seam-mc-ccs-app-cp1.yaml");
    assertEquals([node.kind, node.metadata.name], ["Secret", "seam-mc-ccs-app-cp1"]);
    const mc = parse(node.stringData["machineconfig.yaml"]);
    assertEquals([mc.machine.type, mc.cluster.clusterName], ["init", "ccs-app"]);
    assertEquals(plain.get("ccs-app-talosconfig.yaml").context, "ccs-app");

    // The encrypted bundle goes back in with the demo identity: the same cluster PKI comes out.
    const again = `${tmp}/again`;
    const r2 = await cli([
      "bootstrap",
      "--input",
      "examples/cluster-tenant.yaml",
      "--output",
      again,
      "--secrets",
      `${out}/ccs-app-secrets.yaml`,
      "--age-identity",
      KEY_FILE,
      "--unencrypted",
    ]);
    assertEquals(r2.code, 0, r2.stderr);
    const mc2 = parse(
      parse(await Deno.readTextFile(`${again}/seam-mc-ccs-app-cp1.yaml`))
        .stringData["machineconfig.yaml"],
    );
    assertEquals(mc2.cluster.id, mc.cluster.id);
    assertEquals(mc2.cluster.ca.crt, mc.cluster.ca.crt);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
