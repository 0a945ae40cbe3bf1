/**
 * Conductor entry point: the mode gate. Compile requests and bad roles are refused here, before
 * any other module is loaded; agent and execute code is imported only after the gate.
 */
import { asksForCompile, checkRole, COMPILE_REFUSED, exitInvariant } from "./invariant.ts";

function _env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

const args = Deno.args;
if (asksForCompile(args, _env)) exitInvariant(COMPILE_REFUSED);

const { runConductorCli } = await import("./cli.ts");
const code = await runConductorCli(args, {
  env: _env,
  stdout: (s) => Deno.stdout.writeSync(new TextEncoder().encode(s)),
  stderr: (s) => Deno.stderr.writeSync(new TextEncoder().encode(s)),
  refuse: exitInvariant,
  checkRole,
});
Deno.exit(code);
