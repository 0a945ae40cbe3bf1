/** Runs the real entry module under the `compiler` permission set. */
import { assert, assertEquals, assertStringIncludes } from "../shared/testing/asserts.ts";
import { COMMANDS } from "./commands.ts";
import { runCommand } from "./cli.ts";
import { NotAvailableError } from "./command.ts";
import { SEAM_VERSION } from "../shared/version.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

export async function runCompiler(args: string[], cwd?: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      `--config=${new URL("../deno.json", import.meta.url).pathname}`,
      "-P=compiler",
      MAIN,
      ...args,
    ],
    env: { NO_COLOR: "1" },
    ...(cwd ? { cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

function assertNoStack(text: string) {
  assert(!/\n\s+at .*:\d+:\d+/.test(text), `stack trace in user-facing output:\n${text}`);
}

Deno.test("top-level usage, help and version", async () => {
  const none = await runCompiler([]);
  assertEquals(none.code, 2);
  assertStringIncludes(none.stderr, "Usage: compiler <subcommand> [flags]");
  const help = await runCompiler(["--help"]);
  assertEquals(help.code, 0);
  assertStringIncludes(help.stdout, "never applies anything");
  for (const c of COMMANDS) assertStringIncludes(help.stdout, `  ${c.name} `);
  assertStringIncludes(help.stdout, "(reserved)");
  assertEquals((await runCompiler(["--version"])).stdout, `compiler ${SEAM_VERSION}\n`);
});

Deno.test("unknown subcommand prints usage and exits 2", async () => {
  const r = await runCompiler(["frobnicate"]);
  assertEquals(r.code, 2);
  assertStringIncludes(r.stderr, 'compiler: unknown subcommand "frobnicate"');
  assertStringIncludes(r.stderr, "Usage: compiler");
});

Deno.test("domain is reserved: one line, exit 1", async () => {
  const r = await runCompiler(["domain", "--anything"]);
  assertEquals(r.code, 1);
  assertEquals(r.stderr.trimEnd().split("\n").length, 1);
  assertStringIncludes(r.stderr, "reserved");
});

Deno.test("every subcommand has its own --help listing its flags", async () => {
  for (const c of COMMANDS) {
    const r = await runCompiler([c.name, "--help"]);
    assertEquals(r.code, 0, c.name);
    assertStringIncludes(r.stderr, `compiler ${c.name}`);
    for (const f of c.flags) assertStringIncludes(r.stderr, `--${f.name}`, `${c.name} --${f.name}`);
  }
});

Deno.test("flag errors exit 2 with the subcommand help; missing required flags exit 1", async () => {
  const bad = await runCompiler(["enable", "--capi=maybe", "--output", "x"]);
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.stderr, 'invalid boolean value "maybe"');
  assertStringIncludes(bad.stderr, "--cluster-role");
  const unknown = await runCompiler(["launch", "--nope"]);
  assertEquals(unknown.code, 2);
  assertStringIncludes(unknown.stderr, "flag provided but not defined: -nope");
  const missing = await runCompiler(["launch"]);
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "compiler launch: --output is required");
  assertStringIncludes(missing.stderr, "Usage: compiler launch");
  const missingInput = await runCompiler(["packbuild", "--output", "x"]);
  assertEquals(missingInput.code, 1);
  assertEquals(missingInput.stderr, "compiler packbuild: --input is required\n");
});

Deno.test("a missing input file is named, with no stack trace, and nothing is written", async () => {
  const dir = await Deno.makeTempDir();
  const r = await runCompiler(["bootstrap", "--input", `${dir}/x.yaml`, "--output", `${dir}/out`]);
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, `compiler bootstrap: ${dir}/x.yaml`);
  assertNoStack(r.stderr);
  assertEquals([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an engine missing from a build says so plainly (exit 1); internal errors keep their stack", async () => {
  const lines: string[] = [];
  const ctx = {
    env: () => undefined,
    stdout: (s: string) => lines.push(s),
    stderr: (s: string) => lines.push(s),
    cwd: "/",
  };
  const base = { name: "x", summary: "", help: "Usage: compiler x", flags: [] };
  const missing = await runCommand(
    {
      ...base,
      run: () => Promise.reject(new NotAvailableError("not part of this build")),
    },
    [],
    ctx,
  );
  assertEquals(missing, 1);
  assertEquals(lines.pop(), "compiler x: not part of this build\n");
  const bug = await runCommand({ ...base, run: () => Promise.reject(new TypeError("boom")) }, [], ctx);
  assertEquals(bug, 1);
  assertStringIncludes(lines.pop()!, "compiler x: internal error: TypeError: boom");
});

Deno.test("launch writes identical bytes on every run, through a staging directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await runCompiler(["launch", "--output", "a"], dir);
    assertEquals(a.code, 0, a.stderr);
    const b = await runCompiler(["launch", "-output=b"], dir);
    assertEquals(b.code, 0, b.stderr);
    const bytesA = await Deno.readFile(`${dir}/a/crds.yaml`);
    const bytesB = await Deno.readFile(`${dir}/b/crds.yaml`);
    assertEquals(bytesA, bytesB);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a", "b"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launch into a path that is a file fails with a clear message and no stack", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/file`, "x");
    const r = await runCompiler(["launch", "--output", `${dir}/file`]);
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, "compiler launch: ");
    assertStringIncludes(r.stderr, `${dir}/file`);
    assertNoStack(r.stderr);
    assertEquals(await Deno.readTextFile(`${dir}/file`), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no flag help says (repeatable) twice", () => {
  for (const c of COMMANDS) {
    for (const f of c.flags) {
      assert(
        !(f.kind === "list" && f.help.includes("(repeatable)")),
        `${c.name} --${f.name}: the help layer adds it`,
      );
    }
  }
});
