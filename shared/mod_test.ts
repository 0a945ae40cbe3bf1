import { assert, assertEquals } from "./testing/asserts.ts";
import * as shared from "./mod.ts";

Deno.test("mod.ts re-exports the public API of every shared module", () => {
  for (
    const name of [
      "InputError",
      "parseYamlDocument",
      "toYaml",
      "fixedClock",
      "systemClock",
      "seededRandom",
      "cryptoRandom",
      "sha256Hex",
      "Capability",
      "CAPABILITY_INFO",
      "checkStepParameters",
      "OperationResultSchema",
      "successResult",
      "failureResult",
      "parseOperationResult",
      "runnerConfigFromTalosCluster",
      "runnerConfigsFromPackDelivery",
      "buildSteps",
      "jobSpecBuilder",
      "jobSpecForStep",
      "toJob",
      "executeImage",
      "ENV",
      "isDnsLabel",
      "Logger",
      "conductorLogger",
      "compilerLogger",
      "resolveKubeconfigPath",
      "kubeClientFrom",
      "writeTreeAtomically",
    ]
  ) {
    assert(name in shared, `missing export ${name}`);
  }
});

Deno.test("shared/ reaches neither binary (DESIGN.md boundaries)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("./mod.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: { specifier: string }[] };
  const local = info.modules.map((m) => m.specifier).filter((s) => s.startsWith("file:"));
  const offending = local.filter((s) => /\/(compiler|conductor)\//.test(s));
  assertEquals(offending, []);
  assert(local.some((s) => s.endsWith("/shared/job_spec.ts")));
});
