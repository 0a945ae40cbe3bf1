// deno-lint-ignore-file no-console -- a command-line runner: its output is the point
/**
 * The README's test command: unit tests, then the e2e suites on real control planes, then one
 * closing line `N passed, N failed` (the line CI reads). Counts come from deno's JUnit reports; a
 * suite that dies before reporting (type error, crash) counts as one failure, never as zero.
 */

export interface Counts {
  passed: number;
  failed: number;
}

/** Counts test cases in a JUnit report; `<failure` or `<error` inside a case marks it failed. */
export function countJunit(xml: string): Counts {
  let passed = 0;
  let failed = 0;
  const re = /<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) continue;
    else passed++;
  }
  return { passed, failed };
}

interface Phase {
  name: string;
  args: string[];
}

const ROOT = new URL("..", import.meta.url).pathname;

async function _runPhase(p: Phase, resultsDir: string): Promise<Counts> {
  const junit = `${resultsDir}/${p.name}.xml`;
  try {
    await Deno.remove(junit);
  } catch { /* absent */ }
  console.log(`\n=== ${p.name}: deno ${p.args.join(" ")}`);
  const res = await new Deno.Command(Deno.execPath(), {
    args: [...p.args, `--junit-path=${junit}`],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  let counts: Counts = { passed: 0, failed: 0 };
  try {
    counts = countJunit(await Deno.readTextFile(junit));
  } catch { /* no report: the suite died first */ }
  if (res.code !== 0 && counts.failed === 0) {
    console.log(
      `=== ${p.name}: deno test exited ${res.code} without a failing test case; counted as one failure`,
    );
    counts.failed = 1;
  }
  console.log(`=== ${p.name}: ${counts.passed} passed, ${counts.failed} failed`);
  return counts;
}

if (import.meta.main) {
  const only = Deno.args[0];
  const phases: Phase[] = [
    { name: "unit", args: ["test", "-A", "--parallel", "--ignore=e2e/,dist/"] },
    { name: "e2e", args: ["test", "-A", "e2e/"] },
  ].filter((p) => !only || p.name === only);
  const resultsDir = `${ROOT}.test-results`;
  await Deno.mkdir(resultsDir, { recursive: true });
  const total: Counts = { passed: 0, failed: 0 };
  if (!only || only === "e2e") {
    // The control planes' binaries are built (cold: ~11 min on 2 cores) or reused before the suites
    // start, so the build shows as its own step; a failure here makes the e2e suites fail loudly.
    console.log("\n=== e2e: building or reusing kube-apiserver, kube-controller-manager and etcd");
    const t0 = Date.now();
    const b = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "e2e/cluster/build.ts"],
      cwd: ROOT,
      stdout: "null",
      stderr: "inherit",
    }).output();
    console.log(
      `=== e2e: binaries ${b.code === 0 ? "ready" : "NOT built"} after ${
        ((Date.now() - t0) / 1000).toFixed(0)
      } s`,
    );
  }
  for (const p of phases) {
    const c = await _runPhase(p, resultsDir);
    total.passed += c.passed;
    total.failed += c.failed;
  }
  console.log(`${total.passed} passed, ${total.failed} failed`);
  Deno.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
}
