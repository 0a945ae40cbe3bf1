import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import {
  loadSopsConfig,
  matchCreationRule,
  parseSopsConfig,
  resolveIdentities,
  resolveRecipients,
  ruleOptions,
} from "./config.ts";

const R1 = "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw";
const R2 = "age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep";
const ID1 = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";

const CONF = `
creation_rules:
  - path_regex: secrets/.*\\.yaml$
    age: ${R1}, ${R2}
    encrypted_regex: ^(data|stringData)$
  - path_regex: \\.env$
    key_groups:
      - age:
          - ${R2}
    mac_only_encrypted: true
  - age: [${R1}]
stores:
  yaml:
    indent: 2
`;

function fsOf(files: Record<string, string>) {
  return (p: string) => Promise.resolve(files[p]);
}

Deno.test(".sops.yaml: first matching rule, relative to the config folder", () => {
  const c = parseSopsConfig(CONF, "/repo/.sops.yaml");
  assertEquals(c.yamlIndent, 2);
  const r = matchCreationRule(c, "/repo/secrets/db.yaml")!;
  assertEquals(r.age, [R1, R2]);
  assertEquals(ruleOptions(r), { rules: { encryptedRegex: "^(data|stringData)$" } });
  const e = matchCreationRule(c, "/repo/app/.env")!;
  assertEquals(e.age, [R2]);
  assertEquals(ruleOptions(e), { macOnlyEncrypted: true });
  assertEquals(matchCreationRule(c, "/repo/other.json")!.index, 2);
});

Deno.test(".sops.yaml: searched upwards from cwd; .sops.yml accepted", async () => {
  const read = fsOf({ "/repo/.sops.yml": CONF });
  const c = await loadSopsConfig({ cwd: "/repo/a/b", readFile: read });
  assertEquals(c?.path, "/repo/.sops.yml");
  assertEquals(await loadSopsConfig({ cwd: "/elsewhere", readFile: read }), undefined);
});

Deno.test(".sops.yaml errors name the rule", () => {
  try {
    parseSopsConfig("creation_rules:\n  - age: notakey\n", "/r/.sops.yaml");
    throw new Error("expected failure");
  } catch (e) {
    assertStringIncludes((e as Error).message, "invalid age recipient");
    assertEquals((e as { path?: string }).path, "creation_rules[0].age");
  }
  try {
    parseSopsConfig("creation_rules:\n  - encrypted_regex: a\n    unencrypted_suffix: b\n", "/r/.sops.yaml");
    throw new Error("expected failure");
  } catch (e) {
    assertStringIncludes((e as Error).message, "only one of");
  }
});

Deno.test("recipients: flag, then SOPS_AGE_RECIPIENTS, then .sops.yaml", () => {
  const config = parseSopsConfig(CONF, "/repo/.sops.yaml");
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  const file = "/repo/secrets/x.yaml";
  const a = resolveRecipients({
    flags: [`${R2},${R1}`],
    env: env({ SOPS_AGE_RECIPIENTS: R1 }),
    config,
    filePath: file,
  });
  assertEquals(a.source, "flag");
  assertEquals(a.recipients, [R2, R1]);
  assertEquals(a.rule?.index, 0);
  const b = resolveRecipients({ env: env({ SOPS_AGE_RECIPIENTS: `${R1} ${R2}` }), config, filePath: file });
  assertEquals([b.source, b.recipients], ["env", [R1, R2]]);
  const c = resolveRecipients({ env: env({}), config, filePath: file });
  assertEquals([c.source, c.recipients], ["config", [R1, R2]]);
  const d = resolveRecipients({ env: env({}) });
  assertEquals([d.source, d.recipients], ["none", []]);
});

Deno.test("identities: --age-identity files, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY; missing file is an error", async () => {
  const read = fsOf({ "/k/a.txt": `# created: now\n# public key: x\n${ID1}\n` });
  const ids = await resolveIdentities({
    flags: ["/k/a.txt"],
    env: (n) => ({ SOPS_AGE_KEY_FILE: "/k/a.txt", SOPS_AGE_KEY: ID1 } as Record<string, string>)[n],
    readFile: read,
  });
  assertEquals(ids.map((i) => i.secret), [ID1]);
  try {
    await resolveIdentities({
      env: (n) => (n === "SOPS_AGE_KEY_FILE" ? "/k/missing" : undefined),
      readFile: read,
    });
    throw new Error("expected failure");
  } catch (e) {
    assertStringIncludes((e as Error).message, "age identity file not found");
    assertEquals((e as { file?: string }).file, "/k/missing");
  }
  assert((await resolveIdentities({ env: () => undefined })).length === 0);
});
