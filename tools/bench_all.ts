/**
 * `deno task bench`: runs every benchmark script in bench/ (each measures this project and its
 * oracle side by side in one run and prints ratios). A name filter may be given: `deno task bench helm`.
 */
// deno-lint-ignore-file no-console
const ROOT = new URL("..", import.meta.url).pathname;
const filter = Deno.args[0];
const scripts = [...Deno.readDirSync(`${ROOT}bench`)]
  .filter((e) => e.isFile && e.name.endsWith("_bench.ts") && (!filter || e.name.includes(filter)))
  .map((e) => e.name)
  .sort();
let failed = 0;
for (const s of scripts) {
  console.log(`\n=== bench/${s}`);
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `bench/${s}`],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (res.code !== 0) {
    failed++;
    console.log(`=== bench/${s} exited ${res.code}`);
  }
}
console.log(`\n${scripts.length - failed} benchmarks ran, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
