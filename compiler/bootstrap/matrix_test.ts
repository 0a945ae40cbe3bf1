// deno-lint-ignore-file no-explicit-any
/**
 * The bootstrap matrix (issue "Done when"): every ClusterInput reference input of
 * ../shared/reference/inputs (override: SEAM_REFERENCE_INPUTS) × Talos v1.9–v1.12 × cluster role
 * management/tenant, each input's nodes covering init/controlplane/worker. The parsed input is
 * rewritten per cell (talosVersion, the matrix Kubernetes version, role); the import inputs run
 * offline on Path A, their machineConfigPaths pointing at the configs a Path F run of the same Talos
 * version wrote (bootstrap a cluster, then import it). Every run goes through the CLI with --seed
 * and SOPS/age encryption (the public demo key), and:
 *
 *  - every machine config passes Talos' own loader + Validate (tools/oracles/talos, metal, strict),
 *    all in ONE oracle invocation;
 *  - a second run into a fresh directory writes byte-identical plain files and encrypted files that
 *    decrypt to byte-identical plaintext; a re-run into the first directory leaves every file byte
 *    for byte (age wraps the data key with fresh randomness, so a fresh directory cannot repeat it);
 *  - every encrypted file decrypts with the real `sops -d` (tools/oracles/sops/build.sh) to the
 *    plaintext our decryptor gives;
 *  - management × mode bootstrap is refused by the input rules (a management cluster is imported).
 *
 * Failing to build either oracle fails the test with the reason; nothing is skipped.
 */
import { parse, parseAllDocuments, stringify } from "yaml";
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { oracleBinary, validateWithOracle } from "../../tools/oracles/talos/oracle.ts";
import { decryptSopsFile, isSopsEncrypted, parseAgeIdentities, recipientOf } from "../sops/mod.ts";
import { runCompilerCli } from "../cli.ts";
import { KUBERNETES_MATRIX, talosMinor } from "./derive.ts";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const INPUTS_DIR = Deno.env.get("SEAM_REFERENCE_INPUTS") ??
  new URL("../../../shared/reference/inputs/", import.meta.url).pathname;
const KEY_FILE = `${REPO}/examples/demo-age-key.txt`;
const SOPS_BUILD = `${REPO}/tools/oracles/sops/build.sh`;
const VERSIONS = ["v1.9.3", "v1.10.9", "v1.11.5", "v1.12.6"];
const ROLES = ["management", "tenant"] as const;
/** Nodes of the bootstrap reference input (its run without --seed). */
const CONFIGS_UNSEEDED = 5;
const dec = new TextDecoder();

/** The ClusterInput reference inputs (the packbuild ones are other kinds). */
const BOOTSTRAP_INPUT = "conductor-tenant-capi.yaml";
const IMPORT_INPUTS = [
  "conductor-cluster-input-management.yaml",
  "conductor-cluster-input-tenant.yaml",
  "conductor-mgmt-import.yaml",
  "conductor-tenant-import.yaml",
];

interface Cell {
  id: string;
  input: string;
  version: string;
  role: (typeof ROLES)[number];
  doc: any;
  nodes: { hostname: string; role: string }[];
}

interface Tree {
  [file: string]: Uint8Array;
}

const identities = parseAgeIdentities(await Deno.readTextFile(KEY_FILE), KEY_FILE);
const recipient = await recipientOf(identities[0]!);

function readTree(dir: string): Tree {
  const out: Tree = {};
  for (const e of Deno.readDirSync(dir)) if (e.isFile) out[e.name] = Deno.readFileSync(`${dir}/${e.name}`);
  return out;
}

async function plaintextOf(file: string, bytes: Uint8Array): Promise<string> {
  const text = dec.decode(bytes);
  return isSopsEncrypted(text, "yaml")
    ? (await decryptSopsFile(text, "yaml", identities, { file })).text
    : text;
}

async function bootstrapCli(input: string, out: string, cwd: string, seeded = true) {
  let stderr = "";
  const env: Record<string, string> = {
    HOME: "/nonexistent-home",
    SOURCE_DATE_EPOCH: "1780000000",
    SOPS_AGE_KEY_FILE: KEY_FILE,
  };
  const code = await runCompilerCli(
    [
      "bootstrap",
      "--input",
      input,
      "--output",
      out,
      "--age-recipient",
      recipient,
      ...(seeded ? ["--seed", "matrix"] : []),
    ],
    { env: (n) => env[n], stdout: () => {}, stderr: (s) => (stderr += s), cwd },
  );
  return { code, stderr };
}

let sopsBin: Promise<string> | undefined;
function sops(): Promise<string> {
  sopsBin ??= (async () => {
    const out = await new Deno.Command("bash", { args: [SOPS_BUILD], stdout: "piped", stderr: "piped" })
      .output();
    if (!out.success) {
      throw new Error(
        `building the sops oracle failed (${SOPS_BUILD} exit ${out.code}):\n${dec.decode(out.stderr)}`,
      );
    }
    return dec.decode(out.stdout).trim().split("\n").pop()!;
  })();
  return sopsBin;
}

async function sopsDecrypt(bin: string, path: string, home: string): Promise<string> {
  const out = await new Deno.Command(bin, {
    args: ["--decrypt", path],
    env: {
      SOPS_AGE_KEY_FILE: KEY_FILE,
      SOPS_DISABLE_VERSION_CHECK: "1",
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "",
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`sops -d ${path} failed (${out.code}):\n${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** PKCS#1 RSAPrivateKey DER → PKCS#8 PrivateKeyInfo DER (rsaEncryption), for WebCrypto. */
function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const len = (n: number) =>
    n < 0x80
      ? [n]
      : n < 0x100
      ? [0x81, n]
      : n < 0x10000
      ? [0x82, n >> 8, n & 0xff]
      : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const tlv = (tag: number, body: number[]) => [tag, ...len(body.length), ...body];
  const algorithm = [
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    0x86,
    0x48,
    0x86,
    0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00,
  ];
  return Uint8Array.from(tlv(0x30, [0x02, 0x01, 0x00, ...algorithm, ...tlv(0x04, [...pkcs1])]));
}

/** The reference input rewritten for one cell. */
function rewrite(text: string, version: string, role: string): any {
  const doc = parse(text) as any;
  const k8s = KUBERNETES_MATRIX[talosMinor(version)]!;
  doc.role = role;
  doc.bootstrap.talosVersion = version;
  doc.bootstrap.kubernetesVersion = k8s;
  if (doc.capi?.talosVersion) doc.capi.talosVersion = version;
  if (doc.capi?.kubernetesVersion) doc.capi.kubernetesVersion = k8s;
  return doc;
}

Deno.test({
  name:
    "matrix: reference inputs × Talos v1.9–v1.12 × management/tenant — Talos oracle, sops -d, byte-identical",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    // Both oracles first, so a broken Go toolchain is the reported failure.
    await oracleBinary();
    const sopsPath = await sops();
    const tmp = await Deno.makeTempDir({ prefix: "bootstrap-matrix-" });
    try {
      const texts = new Map<string, string>();
      for (const f of [BOOTSTRAP_INPUT, ...IMPORT_INPUTS]) {
        try {
          texts.set(f, await Deno.readTextFile(`${INPUTS_DIR}/${f}`));
        } catch (e) {
          throw new Error(
            `reference input ${INPUTS_DIR}/${f} (set SEAM_REFERENCE_INPUTS): ${(e as Error).message}`,
          );
        }
      }

      const cells: Cell[] = [];
      const refused: string[] = [];
      const configs: { file: string; cell: string; node: string; role: string }[] = [];
      const encrypted: { path: string; plain: string }[] = [];
      const nodeRoles: Record<string, number> = {};
      let sameBytes = 0;

      const runCell = async (cell: Cell) => {
        const dir = `${tmp}/${cell.id}`;
        await Deno.mkdir(dir, { recursive: true });
        await Deno.writeTextFile(`${dir}/cluster.yaml`, stringify(cell.doc));
        const a = await bootstrapCli("cluster.yaml", "out-a", dir);
        assertEquals(a.code, 0, `${cell.id}: ${a.stderr}`);
        assert(a.stderr.includes("SOPS-encrypted"), `${cell.id}: ${a.stderr}`);
        const b = await bootstrapCli("cluster.yaml", "out-b", dir);
        assertEquals(b.code, 0, `${cell.id} (second run): ${b.stderr}`);
        const treeA = readTree(`${dir}/out-a`);
        const treeB = readTree(`${dir}/out-b`);
        assertEquals(Object.keys(treeB).sort(), Object.keys(treeA).sort(), `${cell.id}: same files`);
        const plain: Record<string, string> = {};
        for (const [f, bytes] of Object.entries(treeA)) {
          plain[f] = await plaintextOf(`${cell.id}/out-a/${f}`, bytes);
          const other = await plaintextOf(`${cell.id}/out-b/${f}`, treeB[f]!);
          assert(plain[f] === other, `${cell.id}: ${f} differs between two --seed runs`);
          if (plain[f] === dec.decode(bytes)) {
            assertEquals(bytes, treeB[f]!, `${cell.id}: plain ${f} is byte-identical`);
          } else {
            encrypted.push({ path: `${dir}/out-a/${f}`, plain: plain[f] });
          }
        }
        // Re-run into out-a: nothing changes, byte for byte (encrypted files included).
        const c = await bootstrapCli("cluster.yaml", "out-a", dir);
        assertEquals(c.code, 0, `${cell.id} (re-run): ${c.stderr}`);
        assert(/\(0 written, \d+ unchanged/.test(c.stderr), `${cell.id} (re-run): ${c.stderr}`);
        const treeC = readTree(`${dir}/out-a`);
        for (const f of Object.keys(treeA)) {
          assertEquals(treeC[f], treeA[f], `${cell.id}: ${f} after a re-run`);
        }

        // One machine config per node, of the node's role, for the Talos oracle.
        const name = cell.doc.name as string;
        for (const node of cell.nodes) {
          const bare = node.hostname.startsWith(`${name}-`)
            ? node.hostname.slice(name.length + 1)
            : node.hostname;
          const secretFile = `seam-mc-${name}-${bare}.yaml`;
          assert(secretFile in plain, `${cell.id}: no ${secretFile}`);
          const secret = parse(plain[secretFile]!) as any;
          assertEquals(secret.metadata.labels["ontai.dev/node-role"], node.role);
          const config = secret.stringData["machineconfig.yaml"] as string;
          // v1.12 configs are multi-document (v1alpha1 first, then HostnameConfig, …).
          const type = parseAllDocuments(config).map((d) => d.toJS() as any).find((d) => d?.machine)?.machine
            ?.type;
          assertEquals(type, node.role, `${cell.id}/${node.hostname}: machine.type`);
          const f = `${tmp}/configs/${cell.id}--${node.hostname}.yaml`;
          await Deno.writeTextFile(f, config);
          configs.push({ file: f, cell: cell.id, node: node.hostname, role: node.role });
          nodeRoles[node.role] = (nodeRoles[node.role] ?? 0) + 1;
        }
        return plain;
      };

      await Deno.mkdir(`${tmp}/configs`);
      const ran = await t.step("bootstrap every cell three times", async () => {
        for (const version of VERSIONS) {
          // Path F: the bootstrap input (tenant only; a management cluster cannot be bootstrapped).
          const boot = rewrite(texts.get(BOOTSTRAP_INPUT)!, version, "tenant");
          const fCell: Cell = {
            id: `${version}-tenant-${BOOTSTRAP_INPUT.replace(/\.yaml$/, "")}`,
            input: BOOTSTRAP_INPUT,
            version,
            role: "tenant",
            doc: boot,
            nodes: boot.bootstrap.nodes,
          };
          cells.push(fCell);
          const fPlain = await runCell(fCell);
          {
            const dir = `${tmp}/${version}-management-refused`;
            await Deno.mkdir(dir, { recursive: true });
            await Deno.writeTextFile(
              `${dir}/cluster.yaml`,
              stringify(rewrite(texts.get(BOOTSTRAP_INPUT)!, version, "management")),
            );
            const r = await bootstrapCli("cluster.yaml", "out", dir);
            assertEquals(r.code === 0, false, `${version}: management × mode bootstrap must be refused`);
            assert(r.stderr.includes("a management cluster cannot be bootstrapped"), r.stderr);
            refused.push(`${version}-management-${BOOTSTRAP_INPUT}`);
          }

          // The cluster Path F just bootstrapped is the existing cluster the imports take over:
          // each node's machineConfigPaths entry is that cluster's config of the same role.
          const byRole: Record<string, string> = {};
          const fName = boot.name as string;
          for (const n of boot.bootstrap.nodes as { hostname: string; role: string }[]) {
            if (byRole[n.role]) continue;
            const bare = n.hostname.slice(fName.length + 1);
            const cfg =
              (parse(fPlain[`seam-mc-${fName}-${bare}.yaml`]!) as any).stringData["machineconfig.yaml"];
            byRole[n.role] = `${tmp}/${version}-existing-${n.role}.yaml`;
            await Deno.writeTextFile(byRole[n.role]!, cfg);
          }
          for (const input of IMPORT_INPUTS) {
            for (const role of ROLES) {
              const doc = rewrite(texts.get(input)!, version, role);
              doc.machineConfigPaths = Object.fromEntries(
                (doc.bootstrap.nodes as { hostname: string; role: string }[]).map((
                  n,
                ) => [n.hostname, byRole[n.role]]),
              );
              const cell: Cell = {
                id: `${version}-${role}-${input.replace(/\.yaml$/, "")}`,
                input,
                version,
                role,
                doc,
                nodes: doc.bootstrap.nodes,
              };
              cells.push(cell);
              await runCell(cell);
            }
          }
        }
      });

      assert(ran, "the bootstrap runs failed (see the step above)");

      // Production keys (no --seed: the parallel fast RSA search) go through the same oracle.
      const fresh = await t.step("without --seed: fresh keys, the same checks", async () => {
        const dir = `${tmp}/unseeded`;
        await Deno.mkdir(dir);
        const doc = rewrite(texts.get(BOOTSTRAP_INPUT)!, "v1.12.6", "tenant");
        await Deno.writeTextFile(`${dir}/cluster.yaml`, stringify(doc));
        const r = await bootstrapCli("cluster.yaml", "out", dir, false);
        assertEquals(r.code, 0, r.stderr);
        const bundle = parse(
          await plaintextOf("unseeded bundle", await Deno.readFile(`${dir}/out/${doc.name}-secrets.yaml`)),
        );
        const pem = atob((bundle as any).certs.k8sserviceaccount.key as string);
        assert(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), pem.slice(0, 40));
        const pkcs1 = Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----|\s/g, "")), (c) => c.charCodeAt(0));
        const key = await crypto.subtle.importKey(
          "pkcs8",
          pkcs1ToPkcs8(pkcs1) as BufferSource,
          { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
          true,
          ["sign"],
        );
        assertEquals(
          (key.algorithm as RsaHashedKeyAlgorithm).modulusLength,
          4096,
          "service-account key size",
        );
        for (const node of doc.bootstrap.nodes as { hostname: string; role: string }[]) {
          const bare = node.hostname.slice((doc.name as string).length + 1);
          const secret = parse(
            await plaintextOf(
              node.hostname,
              await Deno.readFile(`${dir}/out/seam-mc-${doc.name}-${bare}.yaml`),
            ),
          ) as any;
          const f = `${tmp}/configs/unseeded--${node.hostname}.yaml`;
          await Deno.writeTextFile(f, secret.stringData["machineconfig.yaml"]);
          configs.push({ file: f, cell: "unseeded", node: node.hostname, role: node.role });
          nodeRoles[node.role] = (nodeRoles[node.role] ?? 0) + 1;
        }
      });
      assert(fresh, "the unseeded run failed (see the step above)");
      await t.step(`Talos validates every machine config (one oracle invocation)`, async () => {
        const results = await validateWithOracle(configs.map((c) => c.file));
        assertEquals(results.length, configs.length, "the oracle answered for every file");
        assertEquals(
          results.filter((r) => !r.ok).map((r) => `${r.file}: ${r.error}`),
          [],
          "Talos refused machine configs",
        );
        assertEquals(results.map((r) => r.file).sort(), configs.map((c) => c.file).sort());
      });

      await t.step(
        "real sops -d decrypts every encrypted output to our plaintext, byte for byte",
        async () => {
          const mismatches: string[] = [];
          await pool(encrypted, 2, async ({ path, plain }) => {
            const theirs = await sopsDecrypt(sopsPath, path, tmp);
            if (theirs === plain) sameBytes++;
            else mismatches.push(`${path}: sops -d output differs from our decrypted text`);
          });
          assertEquals(mismatches, [], "sops -d and our decryptor disagree");
        },
      );

      // deno-lint-ignore no-console
      console.log(
        `bootstrap matrix: ${cells.length} cells (${VERSIONS.length} Talos versions × ${ROLES.length} roles × ` +
          `${
            1 + IMPORT_INPUTS.length
          } inputs, ${refused.length} management × bootstrap refused as required), ` +
          `${configs.length} machine configs (init ${nodeRoles.init ?? 0}, controlplane ${
            nodeRoles.controlplane ?? 0
          }, worker ${
            nodeRoles.worker ?? 0
          }) valid, ${encrypted.length} encrypted files decrypted by sops -d to the same data ` +
          `(${sameBytes} also byte for byte), ` +
          `3 runs per cell byte-identical; plus one run without --seed (${CONFIGS_UNSEEDED} configs)`,
      );
      assertEquals(cells.length, VERSIONS.length * (1 + IMPORT_INPUTS.length * ROLES.length));
      assertEquals(configs.filter((c) => c.cell === "unseeded").length, CONFIGS_UNSEEDED);
      for (const r of ["init", "controlplane", "worker"]) assert((nodeRoles[r] ?? 0) > 0, `no ${r} node`);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
