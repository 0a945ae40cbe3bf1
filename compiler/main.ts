/** Compiler entry point. */
import "../shared/quiet_deprecations.ts";
import { runCompilerCli } from "./cli.ts";

const enc = new TextEncoder();
const code = await runCompilerCli(Deno.args, {
  env: (name) => Deno.env.get(name),
  stdout: (s) => Deno.stdout.writeSync(enc.encode(s)),
  stderr: (s) => Deno.stderr.writeSync(enc.encode(s)),
  cwd: Deno.cwd(),
});
Deno.exit(code);
