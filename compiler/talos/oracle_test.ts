/**
 * Every config the generator makes, validated by Talos itself (pkg/machinery v1.12.6 loader +
 * Validate, mode metal, strict) through the Go oracle in tools/oracles/talos/. Fails loudly when the
 * oracle cannot be built.
 */
import { assertEquals } from "../../shared/testing/asserts.ts";
import { fixedClock } from "../../shared/clock.ts";
import { seededRandom } from "../../shared/rand.ts";
import { validateWithOracle } from "../../tools/oracles/talos/oracle.ts";
import { SUPPORTED_CONTRACTS } from "./contract.ts";
import { generateMachineConfig, type MachineConfigOptions } from "./generate.ts";
import { generateSecretsBundle } from "./secrets_generate.ts";
import { stabilityCases } from "./stability_cases.ts";

Deno.test({
  name: "oracle: generated configs pass Talos validation (metal, strict)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "talos-oracle-" });
    try {
      const secrets = await generateSecretsBundle({
        contract: "v1.12",
        clock: fixedClock("2026-03-01T00:00:00Z"),
        random: seededRandom("oracle-test"),
        serviceAccountKeyBits: 2048,
      });
      const files: string[] = [];
      const expectedErrors = new Map<string, string>();
      for (const contract of SUPPORTED_CONTRACTS) {
        for (const machineType of ["init", "controlplane", "worker"] as const) {
          const opts: MachineConfigOptions = {
            machineType,
            contract,
            clusterName: "oracle",
            endpoint: "https://10.5.0.2:6443",
            kubernetesVersion: "1.32.3",
            secrets,
            installDisk: "/dev/sda",
            installImage: "ghcr.io/siderolabs/installer:v1.12.6",
            additionalSANs: ["10.5.0.2", "oracle.example"],
            localAPIServerPort: 6443,
            sysctls: { "net.ipv4.conf.all.rp_filter": "0" },
            registryMirrors: { "docker.io": ["https://mirror.example"] },
            allowSchedulingOnControlPlanes: machineType !== "worker",
          };
          if (contract !== "v1.12") opts.extraKernelArgs = ["console=ttyS0"];
          const f = `${dir}/${contract}-${machineType}.yaml`;
          await Deno.writeTextFile(f, generateMachineConfig(opts));
          files.push(f);
        }
      }
      // The golden-option configs, as the generator makes them: Talos' own view of them.
      for (const { file, options } of stabilityCases()) {
        const f = `${dir}/golden-${file.replace("/", "-")}`;
        await Deno.writeTextFile(f, generateMachineConfig(options));
        files.push(f);
        if (file.includes("/base-")) {
          expectedErrors.set(f, "either install disk or diskSelector should be defined");
        }
        if (file.startsWith("v1.12/overrides")) {
          expectedErrors.set(
            f,
            "install.extraKernelArgs and install.grubUseUKICmdline can't be used together",
          );
        }
      }
      const results = await validateWithOracle(files);
      assertEquals(results.length, files.length);
      for (const r of results) {
        const want = expectedErrors.get(r.file);
        if (want) {
          assertEquals(r.ok, false, `${r.file} should be refused`);
          assertEquals(r.error?.includes(want), true, `${r.file}: ${r.error}`);
        } else {
          assertEquals({ file: r.file, ok: r.ok, error: r.error }, {
            file: r.file,
            ok: true,
            error: undefined,
          });
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
