/**
 * Test-only access to the Talos validation oracle (main.go beside this file): builds it once per
 * source hash into a cache outside the checkout and runs it on files. Any build failure throws.
 */
const HERE = new URL("./", import.meta.url);

export interface OracleResult {
  file: string;
  ok: boolean;
  warnings: string[];
  error?: string;
}

async function sourceHash(): Promise<string> {
  const parts: Uint8Array[] = [];
  for (const f of ["main.go", "go.mod", "go.sum"]) parts.push(await Deno.readFile(new URL(f, HERE)));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(d.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

function cacheDir(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  return `${base}/conductor-oracles`;
}

/** Path of the oracle binary, building it when the cached one is missing. Throws if the build fails. */
export async function oracleBinary(): Promise<string> {
  const bin = `${cacheDir()}/talos-validate-${await sourceHash()}`;
  try {
    await Deno.stat(bin);
    return bin;
  } catch { /* build below */ }
  await Deno.mkdir(cacheDir(), { recursive: true });
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("go", {
      args: ["build", "-trimpath", "-o", bin + ".tmp", "."],
      cwd: new URL(".", HERE).pathname,
      env: { CGO_ENABLED: "0" },
    }).output();
  } catch (e) {
    throw new Error(`talos oracle: cannot run the Go toolchain: ${(e as Error).message}`);
  }
  if (!out.success) {
    throw new Error(`talos oracle: go build failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  await Deno.rename(bin + ".tmp", bin);
  return bin;
}

/** Validates the files with Talos' loader + Validate (mode metal, strict by default). */
export async function validateWithOracle(
  files: string[],
  opts: { mode?: "metal" | "cloud" | "container"; strict?: boolean } = {},
): Promise<OracleResult[]> {
  const bin = await oracleBinary();
  const out = await new Deno.Command(bin, {
    args: [`-mode=${opts.mode ?? "metal"}`, `-strict=${opts.strict ?? true}`, ...files],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0 && out.code !== 1) {
    throw new Error(`talos oracle failed (exit ${out.code}): ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim().split("\n").filter((l) => l).map((l) => JSON.parse(l));
}
