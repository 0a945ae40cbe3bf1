// deno-lint-ignore-file no-explicit-any
/**
 * Compile reports: canonical argv and redaction, determinism, digests matching the files on disk,
 * placement (same atomic step inside the output directory, separate write elsewhere), the
 * COMPILER_REPORT environment variable, SOURCE_DATE_EPOCH, and the hook on launch/enable/component.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { sha256Hex } from "../../shared/digest.ts";
import { parseGoFlags } from "../../shared/go_flags.ts";
import { SEAM_VERSION } from "../../shared/version.ts";
import { runCompilerCli } from "../cli.ts";
import { COMMANDS } from "../commands.ts";
import {
  canonicalArgv,
  isEncryptedFile,
  REDACTED,
  REPORT_API_VERSION,
  REPORT_FLAG,
  reportRequest,
  writeTreeWithReport,
} from "./mod.ts";

const CLUSTER = `name: rep
namespace: seam-system
mode: bootstrap
role: tenant
bootstrap:
  controlPlaneEndpoint: "https://10.9.0.10:6443"
  talosVersion: "v1.10.6"
  installDisk: /dev/sda
  nodes:
    - {hostname: cp1, ip: "10.9.0.2", role: init}
    - {hostname: w1, ip: "10.9.0.3", role: worker}
`;

async function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  let stderr = "";
  let stdout = "";
  const code = await runCompilerCli(args, {
    env: (n) => ({ HOME: "/nonexistent-home", ...env })[n],
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    cwd,
  });
  return { code, stderr, stdout };
}

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "report-test-" });
}

/** Every report output entry matches the file on disk. */
function assertOutputsMatch(report: any, outDir: string) {
  assert(report.outputs.length > 0);
  for (const o of report.outputs) {
    const bytes = Deno.readFileSync(`${outDir}/${o.path}`);
    assertEquals([o.sha256, o.size], [sha256Hex(bytes), bytes.length], o.path);
  }
}

Deno.test("canonicalArgv: declaration order, one spelling, secrets redacted", () => {
  const specs = COMMANDS.find((c) => c.name === "bootstrap")!.flags;
  const a = parseGoFlags(
    ["-seed", "s3cret", "--output=o", "--unencrypted", "-input", "c.yaml", "--age-recipient", "age1x"],
    specs,
  );
  const b = parseGoFlags(
    ["--input=c.yaml", "--unencrypted=true", "--output", "o", "--seed=other", "--age-recipient=age1x"],
    specs,
  );
  const want = [
    "--input=c.yaml",
    "--output=o",
    "--age-recipient=age1x",
    "--unencrypted",
    `--seed=${REDACTED}`,
  ];
  assertEquals(canonicalArgv(specs, a, ["seed"]), want);
  assertEquals(canonicalArgv(specs, b, ["seed"]), want);
  // Secret-looking values are redacted whatever the flag.
  const c = parseGoFlags(["--input", "AGE-SECRET-KEY-1ABC"], specs);
  assertEquals(canonicalArgv(specs, c), [`--input=${REDACTED}`]);
});

Deno.test("reportRequest: --report wins over COMPILER_REPORT; none → undefined", () => {
  const flags = parseGoFlags(["--report", "r.json"], [REPORT_FLAG]);
  const ctx = (env: Record<string, string>) => ({ cwd: "/w", env: (n: string) => env[n] });
  assertEquals(
    reportRequest("x", [REPORT_FLAG], flags, ctx({ COMPILER_REPORT: "e.json" }))?.path,
    "/w/r.json",
  );
  const none = parseGoFlags([], [REPORT_FLAG]);
  assertEquals(
    reportRequest("x", [REPORT_FLAG], none, ctx({ COMPILER_REPORT: "/abs/e.json" }))?.path,
    "/abs/e.json",
  );
  assertEquals(reportRequest("x", [REPORT_FLAG], none, ctx({})), undefined);
  assertEquals(reportRequest("x", [REPORT_FLAG], none, ctx({ COMPILER_REPORT: " " })), undefined);
});

Deno.test("bootstrap --report inside --output: one atomic step, digests match, byte-identical across runs", async () => {
  const reports: string[] = [];
  for (const _ of [1, 2]) {
    const d = await tmp();
    await Deno.writeTextFile(`${d}/cluster.yaml`, CLUSTER);
    const r = await cli(
      [
        "bootstrap",
        "--input",
        "cluster.yaml",
        "--output",
        "out",
        "--unencrypted",
        "--seed",
        "demo",
        "--report",
        "out/report.json",
      ],
      d,
    );
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stderr, "compile report written");
    const text = Deno.readTextFileSync(`${d}/out/report.json`);
    reports.push(text);
    const rep = JSON.parse(text);
    assertEquals(rep.apiVersion, REPORT_API_VERSION);
    assertEquals(rep.tool, { name: "compiler", version: SEAM_VERSION });
    assertEquals(rep.subcommand, "bootstrap");
    assertEquals(rep.argv, [
      "--input=cluster.yaml",
      "--output=out",
      "--unencrypted",
      `--seed=${REDACTED}`,
      "--report=out/report.json",
    ]);
    assert(!text.includes("demo"), "seed value leaked");
    assertEquals(rep.inputs, [{
      path: "cluster.yaml",
      sha256: sha256Hex(CLUSTER),
      size: new TextEncoder().encode(CLUSTER).length,
    }]);
    assertEquals(rep.outputDir, "out");
    assertEquals(rep.encrypted, false);
    assertEquals(rep.outputs.map((o: any) => o.path), [
      "bootstrap-sequence.yaml",
      "rep-secrets.yaml",
      "rep-talosconfig.yaml",
      "rep.yaml",
      "seam-mc-rep-cp1.yaml",
      "seam-mc-rep-talosconfig.yaml",
      "seam-mc-rep-w1.yaml",
    ]);
    assert(rep.outputs.every((o: any) => o.encrypted === false));
    assertOutputsMatch(rep, `${d}/out`);
    // No time without SOURCE_DATE_EPOCH, and no machine-specific path.
    assertEquals("createdAt" in rep || "sourceDateEpoch" in rep, false);
    assert(!text.includes(d), "absolute temp path in the report");
    // The staging directory held the report too: nothing else was left beside out/.
    assertEquals([...Deno.readDirSync(d)].map((e) => e.name).sort(), ["cluster.yaml", "out"]);
  }
  assertEquals(reports[0], reports[1]);
});

Deno.test("bootstrap: COMPILER_REPORT outside the output dir, SOURCE_DATE_EPOCH recorded, SOPS outputs flagged", async () => {
  const d = await tmp();
  await Deno.writeTextFile(`${d}/cluster.yaml`, CLUSTER);
  const recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
  const r = await cli(
    ["bootstrap", "--input", "cluster.yaml", "--output", "out", "--age-recipient", recipient],
    d,
    { COMPILER_REPORT: "reports/bootstrap.json", SOURCE_DATE_EPOCH: "1780000000" },
  );
  assertEquals(r.code, 0, r.stderr);
  const rep = JSON.parse(Deno.readTextFileSync(`${d}/reports/bootstrap.json`));
  assertEquals([rep.sourceDateEpoch, rep.createdAt], ["1780000000", "2026-05-28T20:26:40Z"]);
  assertEquals(rep.encrypted, true);
  const enc = Object.fromEntries(rep.outputs.map((o: any) => [o.path, o.encrypted]));
  assertEquals(enc, {
    "bootstrap-sequence.yaml": false,
    "rep-secrets.yaml": true,
    "rep-talosconfig.yaml": true,
    "rep.yaml": false,
    "seam-mc-rep-cp1.yaml": true,
    "seam-mc-rep-talosconfig.yaml": true,
    "seam-mc-rep-w1.yaml": true,
  });
  assertOutputsMatch(rep, `${d}/out`);
  assert(!Deno.readDirSync(`${d}/out`).some((e) => e.name.endsWith(".json")));
});

Deno.test("bootstrap: a failing run writes neither outputs nor report", async () => {
  const d = await tmp();
  await Deno.writeTextFile(`${d}/cluster.yaml`, CLUSTER.replace("role: init", "role: boss"));
  const r = await cli(
    ["bootstrap", "--input", "cluster.yaml", "--output", "out", "--unencrypted", "--report", "r.json"],
    d,
  );
  assertEquals(r.code, 1);
  assertEquals([...Deno.readDirSync(d)].map((e) => e.name), ["cluster.yaml"]);
});

Deno.test("writeTreeWithReport: a report path naming an output file is refused before writing", async () => {
  const d = await tmp();
  const req = reportRequest("x", [REPORT_FLAG], parseGoFlags(["--report", "out/a.yaml"], [REPORT_FLAG]), {
    cwd: d,
    env: () => undefined,
  })!;
  await assertRejects(
    () => writeTreeWithReport(`${d}/out`, new Map([["a.yaml", "x: 1\n"]]), req, { inputs: [] }),
    Error,
    "would overwrite an output file",
  );
  assertEquals([...Deno.readDirSync(d)], []);
  // Without a request it is plain writeTreeAtomically.
  const r = await writeTreeWithReport(`${d}/out`, new Map([["a.yaml", "x: 1\n"]]), undefined, { inputs: [] });
  assertEquals([r.written, r.report], [["a.yaml"], undefined]);
});

Deno.test("isEncryptedFile: SOPS YAML/JSON and age armor", () => {
  assert(
    isEncryptedFile("a.yaml", "a: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n    mac: ENC[x]\n"),
  );
  assert(!isEncryptedFile("a.yaml", "a: 1\n"));
  assert(isEncryptedFile("a.json", '{"a":"ENC[..]","sops":{"mac":"x"}}'));
  assert(isEncryptedFile("k.txt", "-----BEGIN AGE ENCRYPTED FILE-----\n"));
  assert(!isEncryptedFile("k.txt", "hello"));
});

Deno.test("hook: launch, enable and component accept --report; the report lists the output tree", async () => {
  const d = await tmp();
  const l = await cli(["launch", "--output", "crds", "--report", "crds/report.json"], d);
  assertEquals(l.code, 0, l.stderr);
  const lr = JSON.parse(Deno.readTextFileSync(`${d}/crds/report.json`));
  assertEquals([lr.subcommand, lr.outputDir, lr.outputs.map((o: any) => o.path)], ["launch", "crds", [
    "crds.yaml",
  ]]);
  assertOutputsMatch(lr, `${d}/crds`);
  // Determinism: a second run gives the same report bytes.
  const first = Deno.readTextFileSync(`${d}/crds/report.json`);
  assertEquals((await cli(["launch", "--output", "crds", "--report", "crds/report.json"], d)).code, 0);
  assertEquals(Deno.readTextFileSync(`${d}/crds/report.json`), first);

  await Deno.writeTextFile(`${d}/mgmt.pub`, "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n");
  const e = await cli(
    ["enable", "--output", "enable", "--output-public-key", "pub/mgmt.pem", "--unencrypted"],
    d,
    { COMPILER_REPORT: "enable-report.json" },
  );
  assertEquals(e.code, 0, e.stderr);
  const er = JSON.parse(Deno.readTextFileSync(`${d}/enable-report.json`));
  assertEquals(er.subcommand, "enable");
  assert(er.outputs.some((o: any) => o.path === "04-conductor/conductor-signing-key.yaml"));
  assertOutputsMatch(er, `${d}/enable`);
  assertEquals(er.extraOutputs.map((o: any) => o.path), ["pub/mgmt.pem"]);

  const c = await cli(
    [
      "component",
      "--component=cilium",
      "--namespace=ns",
      "--target-clusters=a",
      "--rbac-policy-ref=p",
      "--output=profiles",
      "--report=c.json",
    ],
    d,
  );
  assertEquals(c.code, 0, c.stderr);
  const cr = JSON.parse(Deno.readTextFileSync(`${d}/c.json`));
  assertEquals(cr.subcommand, "component");
  // One component: --output names a file; the report gives its directory and name.
  assertEquals([cr.outputDir, cr.outputs.map((o: any) => o.path)], [".", ["profiles"]]);
  assertOutputsMatch(cr, `${d}/${cr.outputDir}`);
  assertEquals(cr.argv, [
    "--component=cilium",
    "--output=profiles",
    "--namespace=ns",
    "--target-clusters=a",
    "--rbac-policy-ref=p",
    "--report=c.json",
  ]);
});

Deno.test("hook: every file-writing subcommand lists --report in its flags", () => {
  for (const name of ["bootstrap", "launch", "enable", "component", "maintenance"]) {
    const cmd = COMMANDS.find((c) => c.name === name)!;
    assert(cmd.flags.some((f) => f.name === "report"), name);
  }
});

Deno.test("reportRequest: an invalid SOURCE_DATE_EPOCH is refused before the run", () => {
  const flags = parseGoFlags(["--report", "r.json"], [REPORT_FLAG]);
  const env: Record<string, string> = { SOURCE_DATE_EPOCH: "yesterday" };
  let message = "";
  try {
    reportRequest("x", [REPORT_FLAG], flags, { cwd: "/w", env: (n) => env[n] });
  } catch (e) {
    message = (e as Error).message;
  }
  assertStringIncludes(message, "SOURCE_DATE_EPOCH");
});
