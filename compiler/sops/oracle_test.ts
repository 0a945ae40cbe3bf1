/**
 * Oracle tests (test-only; they run subprocesses): the real `sops` built from the Go module proxy
 * (tools/oracles/sops/build.sh) and Debian's `age` CLI.
 *
 *  - files we encrypt decrypt with `sops -d` (SOPS_AGE_KEY_FILE set) to the same plaintext;
 *  - files `sops -e` writes decrypt with ours;
 *  - `age` CLI ↔ the npm age library, both directions.
 *
 * A failed Go build fails these tests with the reason (no skipping). SEAM_SKIP_ORACLES=1 turns them
 * off explicitly (e.g. on a machine without Go).
 */
import YAML from "yaml";
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { decryptAgeArmored, parseAgeIdentities, wrapDataKey } from "./age.ts";
import { decryptSopsFile } from "./decrypt.ts";
import { encryptSopsDocument, encryptSopsText, planReencryption } from "./encrypt.ts";
import { formatFromPath, type SopsFormat } from "./format.ts";
import { loadSopsConfig, resolveRecipients } from "./config.ts";
import { GOLDEN_SOPS } from "./testing.ts";

const skip = Deno.env.get("SEAM_SKIP_ORACLES") === "1";
const BUILD = new URL("../../tools/oracles/sops/build.sh", import.meta.url).pathname;
const dec = new TextDecoder();

async function run(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; stdin?: Uint8Array } = {},
) {
  const child = new Deno.Command(cmd, {
    args,
    ...(opts.env ? { env: opts.env } : {}),
    stdin: opts.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin) {
    const w = child.stdin.getWriter();
    await w.write(opts.stdin);
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    bytes: out.stdout,
  };
}

let sopsBin: Promise<string> | undefined;
function sops(): Promise<string> {
  sopsBin ??= (async () => {
    const r = await run("bash", [BUILD]);
    if (r.code !== 0) {
      throw new Error(
        `building the sops oracle failed (tools/oracles/sops/build.sh exit ${r.code}):\n${r.stderr}`,
      );
    }
    return r.stdout.trim().split("\n").pop()!;
  })();
  return sopsBin;
}

const secret = await generateX25519Identity();
const recipient = await identityToRecipient(secret);
const ids = parseAgeIdentities(secret);
const tmp = await Deno.makeTempDir({ prefix: "sops-oracle-" });
const keyFile = `${tmp}/keys.txt`;
await Deno.writeTextFile(keyFile, `# test key\n${secret}\n`);
const sopsEnv = {
  SOPS_AGE_KEY_FILE: keyFile,
  SOPS_DISABLE_VERSION_CHECK: "1",
  HOME: tmp,
  PATH: Deno.env.get("PATH") ?? "",
};

async function sopsDecrypt(name: string, text: string): Promise<string> {
  const path = `${tmp}/${name}`;
  await Deno.writeTextFile(path, text);
  const r = await run(await sops(), ["--decrypt", path], { env: sopsEnv });
  if (r.code !== 0) {
    throw new Error(`sops -d ${name} failed (${r.code}):\n${r.stderr}\n--- file ---\n${text}`);
  }
  return r.stdout;
}

async function sopsEncrypt(name: string, plain: string, extra: string[] = []): Promise<string> {
  const path = `${tmp}/${name}`;
  await Deno.writeTextFile(path, plain);
  const r = await run(await sops(), ["--encrypt", "--age", recipient, ...extra, path], { env: sopsEnv });
  if (r.code !== 0) throw new Error(`sops -e ${name} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}

const parseOut = (format: SopsFormat, text: string): unknown =>
  format === "yaml"
    ? YAML.parseAllDocuments(text).map((d) => d.toJS())
    : format === "json"
    ? JSON.parse(text)
    : text;

const k8sSecret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "talos-secrets", namespace: "kube-system", labels: { app: "x" } },
  type: "Opaque",
  stringData: { "secrets.yaml": "cluster:\n  id: abc\n  secret: xyz\n", token: "t0k3n", empty: "" },
  data: { ca: "LS0tLS1CRUdJTg==" },
};

const typed = {
  s: "text",
  n: null,
  i: 42,
  neg: -7,
  f: 1.5,
  fw: 2.0,
  b: true,
  nested: { list: ["a", 1, false, { k: "v" }], deeper: { x: "y" } },
  plain_unencrypted: "readable",
};

Deno.test({ name: "oracle: sops version", ignore: skip }, async () => {
  const r = await run(await sops(), ["--version", "--disable-version-check"], { env: sopsEnv });
  // deno-lint-ignore no-console
  console.log(r.stdout.trim());
  assertStringIncludes(r.stdout, "sops 3.");
});

Deno.test({ name: "oracle: our files decrypt with real sops -d", ignore: skip }, async (t) => {
  const cases: [string, unknown, SopsFormat, unknown][] = [
    ["secret.yaml", k8sSecret, "yaml", [k8sSecret]],
    ["typed.yaml", typed, "yaml", [{ ...typed, fw: 2 }]],
    ["typed.json", typed, "json", { ...typed, fw: 2 }],
    ["stream.yaml", [k8sSecret, { kind: "ConfigMap", data: { a: "b" } }], "yaml", [k8sSecret, {
      kind: "ConfigMap",
      data: { a: "b" },
    }]],
    ["vars.env", { A: "1", B: "multi\nline", C: "" }, "dotenv", "A=1\nB=multi\\nline\nC=\n"],
    ["blob.bin", "opaque\ncontent\n", "binary", "opaque\ncontent\n"],
  ];
  for (const [name, doc, format, want] of cases) {
    await t.step(name, async () => {
      const text = await encryptSopsDocument(doc, { recipients: [recipient], format });
      const out = await sopsDecrypt(name, text);
      assertEquals(parseOut(format, out), want);
    });
  }
  await t.step("tricky strings (quoting, block scalars) in plain and encrypted parts", async () => {
    const tricky = [
      " leading",
      "trailing ",
      "a: b",
      "#hash",
      "x #y",
      "- dash",
      "multi\nline\n",
      "multi\nline no end",
      "  indented\nblock\n",
      "trailing space \nline\n",
      "tab\tchar",
      "ünïcödé ✓",
      "nul\u0000byte",
      "'quote'",
      '"dq"',
      "@at",
      "`tick",
      "*star",
      "&amp",
      "!bang",
      "%pct",
      "{brace}",
      "[br]",
      "null",
      "~",
      "0777",
      "0x1F",
      "1e3",
      "1_000",
      ".5",
      "2024-01-01",
      "2024-01-01T00:00:00Z",
      "yes",
      "on",
      "True",
      "=",
      "",
      " ",
      "\n",
      "a\r\nb",
      "\u00a0nbsp",
      "very long ".repeat(30),
    ];
    const labels: Record<string, string> = {};
    const data: Record<string, string> = {};
    tricky.forEach((v, i) => {
      labels[`l${i}`] = v;
      data[`k${i}`] = v;
    });
    const doc = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "t", annotations: labels },
      stringData: data,
    };
    for (const format of ["yaml", "json"] as const) {
      const text = await encryptSopsDocument(doc, { recipients: [recipient], format });
      const out = await sopsDecrypt(`tricky.${format}`, text);
      assertEquals(parseOut(format, out), format === "yaml" ? [doc] : doc);
    }
  });
  await t.step("mac_only_encrypted + encrypted_regex", async () => {
    const text = await encryptSopsDocument(typed, {
      recipients: [recipient],
      rules: { encryptedRegex: "^nested$" },
      macOnlyEncrypted: true,
    });
    assertEquals(parseOut("yaml", await sopsDecrypt("maconly.yaml", text)), [{ ...typed, fw: 2 }]);
  });
  await t.step("YAML text with comments (comments encrypted, restored by sops)", async () => {
    const src =
      "# head comment\nkey: value # inline\nmap:\n    # about inner\n    inner: secret\n    # trailing\nlist:\n    # first\n    - a\n    - b\n";
    const text = await encryptSopsText(src, { recipients: [recipient] });
    assert(!text.includes("about inner"));
    const out = await sopsDecrypt("comments.yaml", text);
    for (const c of ["# head comment", "# inline", "# about inner", "# trailing", "# first"]) {
      assertStringIncludes(out, c);
    }
    assertEquals(YAML.parse(out), YAML.parse(src));
  });
  await t.step("plain timestamps and odd scalars outside the encrypted part (MAC agreement)", async () => {
    const src =
      "apiVersion: v1\nkind: Secret\nmetadata:\n    creationTimestamp: 2024-01-02T03:04:05Z\n    day: 2024-01-02\n" +
      '    n: 0x1F\n    y: yes\n    quoted: "2024-01-02"\nstringData:\n    a: b\n';
    const text = await encryptSopsText(src, { recipients: [recipient] });
    await sopsDecrypt("ts.yaml", text);
  });
});

Deno.test({ name: "oracle: files written by real sops -e decrypt with ours", ignore: skip }, async (t) => {
  const plainYaml = YAML.stringify(k8sSecret);
  const cases: [string, string, string[], unknown][] = [
    ["k8s.yaml", plainYaml, ["--encrypted-regex", "^(data|stringData)$"], k8sSecret],
    ["typed.yaml", YAML.stringify(typed), [], typed],
    ["typed.json", JSON.stringify(typed, null, 2), [], typed],
    ["maconly.yaml", YAML.stringify(typed), ["--mac-only-encrypted", "--encrypted-suffix", "list"], typed],
    ["unenc-regex.yaml", YAML.stringify(typed), ["--unencrypted-regex", "^nested$"], typed],
    ["vars.env", "A=1\n# note\nB=two\\nlines\n", [], { A: "1", B: "two\nlines" }],
    ["blob.bin", "opaque\ncontent\n", [], { data: "opaque\ncontent\n" }],
    [
      "comments.yaml",
      "# head\nkey: value # inline\nmap:\n    # about inner\n    inner: secret\nlist:\n    - a # x\n    - b\n",
      [],
      { key: "value", map: { inner: "secret" }, list: ["a", "b"] },
    ],
    ["stream.yaml", "a: 1\n---\nb: 2.5\n", [], [{ a: 1 }, { b: 2.5 }]],
    ["ts.yaml", "when: 2024-01-02T03:04:05Z\nday: 2024-01-02\nn: 0x1F\no: 0777\nf: 1e3\n", [], null],
  ];
  for (const [name, plain, extra, want] of cases) {
    await t.step(name, async () => {
      const text = await sopsEncrypt(name, plain, extra);
      const format = formatFromPath(name);
      const got = await decryptSopsFile(text, format, ids, { file: name });
      assert(got.macVerified);
      if (format === "binary") assertEquals({ data: got.text }, want);
      else if (want !== null) assertEquals(got.data, want);
      // Our decryption agrees with real `sops -d` on the same file.
      const theirs = await sopsDecrypt(`theirs-${name}`, text);
      if (format === "yaml" || format === "json") {
        const mine = parseOut(format, got.text);
        assertEquals(mine, parseOut(format, theirs));
      } else if (format === "dotenv") assertEquals(got.text, theirs);
      if (name === "comments.yaml") {
        for (const c of ["# head", "# inline", "# about inner", "# x"]) assertStringIncludes(got.text, c);
      }
    });
  }
});

Deno.test({
  name: "oracle: re-encryption keeps sops files untouched and stays readable by sops",
  ignore: skip,
}, async () => {
  const plain = YAML.stringify(k8sSecret);
  const theirs = await sopsEncrypt("keep.yaml", plain, ["--encrypted-regex", "^(data|stringData)$"]);
  const opts = { recipients: [recipient] };
  const same = await planReencryption(theirs, structuredClone(k8sSecret), ids, opts);
  assertEquals([same.changed, same.text === theirs], [false, true]);
  const changed = { ...k8sSecret, stringData: { ...k8sSecret.stringData, token: "rotated" } };
  const next = await planReencryption(theirs, changed, ids, opts);
  assert(next.changed);
  assertEquals(parseOut("yaml", await sopsDecrypt("keep2.yaml", next.text)), [changed]);
});

Deno.test(
  { name: "oracle: .sops.yaml rules (path_regex, key_groups) agree with sops", ignore: skip },
  async () => {
    const other = await identityToRecipient(await generateX25519Identity());
    const dir = `${tmp}/cfg`;
    await Deno.mkdir(`${dir}/secrets`, { recursive: true });
    const conf =
      `creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n` +
      `    key_groups:\n      - age:\n          - ${recipient}\n          - ${other}\n  - age: ${other}\n`;
    await Deno.writeTextFile(`${dir}/.sops.yaml`, conf);
    const config = await loadSopsConfig({ cwd: `${dir}/secrets` });
    const path = `${dir}/secrets/s.yaml`;
    await Deno.writeTextFile(path, YAML.stringify(k8sSecret));
    const r = await run(await sops(), ["--config", `${dir}/.sops.yaml`, "--encrypt", path], { env: sopsEnv });
    assertEquals(r.code, 0, r.stderr);
    const got = await decryptSopsFile(r.stdout, "yaml", ids);
    assertEquals(got.data, k8sSecret);
    assertEquals(
      [...got.metadata.age, ...got.metadata.keyGroups.flat()].map((k) => k.recipient).sort(),
      [recipient, other].sort(),
    );
    const mine = resolveRecipients({ env: () => undefined, config, filePath: path });
    assertEquals([...mine.recipients].sort(), [recipient, other].sort());
    assertEquals(mine.rule?.rules, got.metadata.rules);
    const elsewhere = resolveRecipients({ env: () => undefined, config, filePath: `${dir}/other.json` });
    assertEquals(elsewhere.recipients, [other]);
  },
);

Deno.test({ name: "oracle: Shamir key groups written by sops decrypt with ours", ignore: skip }, async () => {
  const ids2 = await Promise.all([generateX25519Identity(), generateX25519Identity()]);
  const r2 = await Promise.all(ids2.map((i) => identityToRecipient(i)));
  const dir = `${tmp}/shamir`;
  await Deno.mkdir(dir, { recursive: true });
  for (const threshold of [2]) {
    const conf = `creation_rules:\n  - shamir_threshold: ${threshold}\n    key_groups:\n` +
      `      - age: [${recipient}]\n      - age: [${r2[0]}]\n      - age: [${r2[1]}]\n`;
    await Deno.writeTextFile(`${dir}/.sops.yaml`, conf);
    const path = `${dir}/s${threshold}.yaml`;
    await Deno.writeTextFile(path, YAML.stringify(typed));
    const r = await run(await sops(), ["--config", `${dir}/.sops.yaml`, "--encrypt", path], { env: sopsEnv });
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, "key_groups:");
    // Enough groups: ours plus another (threshold 2), or ours alone (threshold 1).
    const have = threshold === 2 ? [...ids, ...parseAgeIdentities(ids2[1]!)] : ids;
    const got = await decryptSopsFile(r.stdout, "yaml", have);
    assertEquals(got.data, typed);
    if (threshold === 2) {
      let failed = false;
      try {
        await decryptSopsFile(r.stdout, "yaml", ids);
      } catch (e) {
        failed = true;
        assertStringIncludes((e as Error).message, "key groups needed");
      }
      assert(failed, "one share is not enough");
    }
  }
});

Deno.test({ name: "oracle: post-quantum recipient written by us, read by sops", ignore: skip }, async () => {
  const pqSecret = await generateHybridIdentity();
  const pq = await identityToRecipient(pqSecret);
  const text = await encryptSopsDocument(k8sSecret, { recipients: [pq, recipient] });
  assertStringIncludes(text, `recipient: ${pq}`);
  const pqKeyFile = `${tmp}/pq.txt`;
  await Deno.writeTextFile(pqKeyFile, pqSecret + "\n");
  const path = `${tmp}/pq.yaml`;
  await Deno.writeTextFile(path, text);
  const r = await run(await sops(), ["--decrypt", path], {
    env: { ...sopsEnv, SOPS_AGE_KEY_FILE: pqKeyFile },
  });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(parseOut("yaml", r.stdout), [k8sSecret]);
  assertEquals((await decryptSopsFile(text, "yaml", parseAgeIdentities(pqSecret))).data, k8sSecret);
});

async function ageCli(): Promise<string> {
  for (const p of ["/usr/bin/age", "/usr/local/bin/age"]) {
    try {
      await Deno.stat(p);
      return p;
    } catch { /* next */ }
  }
  throw new Error("Debian's age CLI is not installed (apt-get install -y age)");
}

Deno.test({ name: "oracle: age CLI ↔ npm age library", ignore: skip }, async () => {
  const age = await ageCli();
  const payload = crypto.getRandomValues(new Uint8Array(32));
  // CLI encrypts (armored) → library decrypts.
  const enc = await run(age, ["-r", recipient, "-a"], { stdin: payload });
  assertEquals(enc.code, 0, enc.stderr);
  assertEquals(await decryptAgeArmored(enc.stdout, ids), payload);
  // Library encrypts (armored, as stored in sops metadata) → CLI decrypts.
  const armored = await wrapDataKey(payload, recipient);
  const decd = await run(age, ["-d", "-i", keyFile], { stdin: new TextEncoder().encode(armored) });
  assertEquals(decd.code, 0, decd.stderr);
  assertEquals(new Uint8Array(decd.bytes), payload);
  // The golden mockEncryptedKey vector (armored, plaintext "data").
  const vector = await Deno.readTextFile(`${GOLDEN_SOPS}/age-vectors/sops-mockEncryptedKey.age`);
  const mockIds = parseAgeIdentities(
    (await Deno.readTextFile(`${GOLDEN_SOPS}/keys/sops-keysource-test-mock-identities.txt`))
      .split("\n")[0]!,
  );
  assertEquals(dec.decode(await decryptAgeArmored(vector, mockIds)), "data");
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* ignore */ }
});

/** Encrypted text with everything random (ciphertexts, IVs, tags, wrapped keys, time) masked. */
function maskEncrypted(text: string): string[] {
  return text
    .replace(/ENC\[AES256_GCM,data:[^,]*,iv:[^,]*,tag:[^,]*,type:/g, "ENC[…,type:")
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]*?-----END AGE ENCRYPTED FILE-----/g, "AGE")
    .replace(/(lastmodified: )"[^"]*"/g, "$1T")
    .split("\n");
}

Deno.test(
  { name: "oracle: YAML text byte-identical to sops (-d output, -e layout)", ignore: skip },
  async (t) => {
    const talos =
      "version: v1alpha1\nmachine:\n  type: controlplane\n  token: abc\n  certSANs:\n    - 10.0.0.1\n" +
      "  install:\n    disk: /dev/sda\n    extraKernelArgs: []\ncluster:\n  id: x\n";
    const tricky: Record<string, string> = {
      talos,
      leadingIndent: "    indented first\nnext\n",
      leadingBreak: "\nafter break\n",
      trailingSpaces: "line one  \nline two\n",
      tabs: "a\tb\n\tc\n",
      noFinalBreak: "a\nb",
      keep: "x\n\n\n",
      crlf: "a\r\nb\r\n",
      unicode: "ünï ✓\n😀 wide\n",
      quoteish: "'q'\n\"dq\"\n",
      colon: "a: b",
      hash: "x #y",
      yes: "yes",
      y: "y",
      num: "0777",
      empty: "",
      space: " ",
      long: "very long ".repeat(30),
      ts: "2024-01-01",
      nbsp: "\u00a0x",
    };
    const doc = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "talos", annotations: { ...tricky }, labels: {} },
      stringData: { ...tricky },
      list: ["a", { b: 1, c: [1.5, 2, true, null] }, ["nested", talos], []],
    };
    const plain = "# head\n" + YAML.stringify(doc) + "---\n# second\nb: 2.5 # inline\nc: 1e7 # last\n";
    for (
      const [name, rules, extra] of [
        ["all.yaml", {}, []],
        ["regex.yaml", { encryptedRegex: "^(stringData|list)$" }, [
          "--encrypted-regex",
          "^(stringData|list)$",
        ]],
        ["plain-parts.yaml", { unencryptedRegex: "^(metadata|list|b|c)$" }, [
          "--unencrypted-regex",
          "^(metadata|list|b|c)$",
        ]],
      ] as const
    ) {
      await t.step(name, async () => {
        const theirsEnc = await sopsEncrypt(name, plain, [...extra]);
        const theirsPlain = await sopsDecrypt(`d-${name}`, theirsEnc);
        // Our decryption of their file: the same text as `sops -d`, byte for byte.
        const got = await decryptSopsFile(theirsEnc, "yaml", ids);
        assertEquals(got.text, theirsPlain);
        // Our encryption of the same plaintext: their layout line for line (random parts masked),
        // and `sops -d` of our file prints exactly our decrypted text.
        const mine = await encryptSopsText(plain, { recipients: [recipient], rules });
        assertEquals(maskEncrypted(mine), maskEncrypted(theirsEnc));
        assertEquals(await sopsDecrypt(`m-${name}`, mine), (await decryptSopsFile(mine, "yaml", ids)).text);
      });
    }
  },
);
