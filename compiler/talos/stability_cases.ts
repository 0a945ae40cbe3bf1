/** The stability golden cases: file → generator options (reference/talos/MANIFEST.md). */
import type { MachineConfigOptions } from "./generate.ts";
import { parseSecretsBundle } from "./secrets.ts";
import { SUPPORTED_CONTRACTS } from "./contract.ts";

export const STABILITY_DIR = new URL("../../../shared/reference/talos/stability/", import.meta.url);
const read = (p: string) => Deno.readTextFileSync(new URL(p, STABILITY_DIR));

export function stabilityCases(): Array<{ file: string; options: MachineConfigOptions }> {
  const secrets = parseSecretsBundle(read("secrets.yaml"));
  const out: Array<{ file: string; options: MachineConfigOptions }> = [];
  for (const contract of SUPPORTED_CONTRACTS) {
    for (const machineType of ["controlplane", "worker"] as const) {
      const base: MachineConfigOptions = {
        machineType,
        contract,
        clusterName: "base",
        endpoint: "https://base:6443",
        kubernetesVersion: "1.28.0",
        secrets,
      };
      out.push({ file: `${contract}/base-${machineType}.yaml`, options: base });
      out.push({
        file: `${contract}/overrides-${machineType}.yaml`,
        options: {
          ...base,
          additionalSANs: ["foo", "bar"],
          allowSchedulingOnControlPlanes: true,
          dnsDomain: "example.com",
          installDisk: "/dev/vda",
          extraKernelArgs: ["foo=bar", "bar=baz"],
          localAPIServerPort: 5443,
          sysctls: { foo: "bar" },
          cni: { name: "custom", urls: ["https://example.com/cni.yaml"] },
          registryMirrors: { "ghcr.io": ["https://ghcr.io.my-mirror.com"] },
          patches: [read("patch-pre14.yaml")],
        },
      });
    }
  }
  return out;
}
