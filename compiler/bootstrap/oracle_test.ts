/**
 * Every machine config `compiler bootstrap` writes for the shipped examples (examples/cluster-tenant.yaml,
 * Path F, and examples/cluster-mgmt.yaml, Path A) is accepted by Talos itself: the Go oracle of
 * tools/oracles/talos/ (pkg/machinery v1.12.6 loader + Validate, mode metal, strict). The configs are
 * written with --unencrypted, so nothing is decrypted. A failure to build or run the oracle fails
 * the test (oracleBinary throws; nothing here catches it).
 */
import { parse } from "yaml";
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { oracleBinary, validateWithOracle } from "../../tools/oracles/talos/oracle.ts";
import { runCompilerCli } from "../cli.ts";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

interface Example {
  input: string;
  cluster: string;
  nodes: string[];
}

const EXAMPLES: Example[] = [
  {
    input: "examples/cluster-tenant.yaml",
    cluster: "ccs-app",
    nodes: ["ccs-app-cp1", "ccs-app-cp2", "ccs-app-cp3", "ccs-app-w1", "ccs-app-w2"],
  },
  {
    input: "examples/cluster-mgmt.yaml",
    cluster: "mgmt",
    nodes: ["mgmt-cp1", "mgmt-cp2", "mgmt-cp3", "mgmt-w1"],
  },
];

Deno.test({
  name: "oracle: every machine config bootstrap writes for the examples passes Talos validation",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Build (or find) the oracle first, so a broken Go toolchain is the reported failure.
    await oracleBinary();
    const tmp = await Deno.makeTempDir({ prefix: "bootstrap-oracle-" });
    try {
      const files: string[] = [];
      for (const ex of EXAMPLES) {
        const out = `${tmp}/${ex.cluster}`;
        let stderr = "";
        // From the repository root: machineConfigPaths in the examples are relative to it.
        const code = await runCompilerCli(
          ["bootstrap", "--input", ex.input, "--output", out, "--unencrypted", "--seed", "oracle"],
          {
            env: (n) =>
              ({ HOME: "/nonexistent-home", SOURCE_DATE_EPOCH: "1780000000" } as Record<string, string>)[n],
            stdout: () => {},
            stderr: (s) => (stderr += s),
            cwd: REPO,
          },
        );
        assertEquals(code, 0, stderr);
        const secrets = [...Deno.readDirSync(out)].map((e) => e.name)
          .filter((n) =>
            n.startsWith(`seam-mc-${ex.cluster}-`) && n !== `seam-mc-${ex.cluster}-talosconfig.yaml`
          )
          .sort();
        assertEquals(secrets, ex.nodes.map((n) => `seam-mc-${n}.yaml`).sort(), `${ex.input}: node Secrets`);
        for (const s of secrets) {
          const doc = parse(await Deno.readTextFile(`${out}/${s}`)) as { stringData: Record<string, string> };
          const config = doc.stringData["machineconfig.yaml"];
          assert(typeof config === "string" && config.includes("machine:"), `${s}: no machine config`);
          const f = `${out}/${s.replace(/\.yaml$/, ".machineconfig.yaml")}`;
          await Deno.writeTextFile(f, config);
          files.push(f);
        }
      }
      const results = await validateWithOracle(files);
      assertEquals(results.length, files.length, "the oracle answered for every file");
      assertEquals(
        results.filter((r) => !r.ok).map((r) => `${r.file}: ${r.error}`),
        [],
        "Talos refused machine configs",
      );
      assertEquals(results.map((r) => r.file).sort(), [...files].sort());
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
