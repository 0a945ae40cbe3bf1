/**
 * `deno task build`: both binaries with `deno compile -P=<set>` into dist/.
 *
 * `deno compile` needs the `denort` base runtime of this exact Deno version. It is taken from
 * DENORT_BIN, else from Deno's download cache; it is never fetched from here (the network that
 * serves it is not reachable from the machines this project is built on).
 */
import { SEAM_VERSION } from "../shared/version.ts";

export interface Target {
  name: "compiler" | "conductor";
  entry: string;
  permissionSet: string;
  /** Modules loaded at run time by path (workers), which the module graph cannot see. */
  include: readonly string[];
}

export const TARGETS: readonly Target[] = [
  // The RSA prime search runs a worker; without it the binary silently searches on one thread.
  {
    name: "compiler",
    entry: "compiler/main.ts",
    permissionSet: "compiler",
    include: ["compiler/talos/prime_worker.ts"],
  },
  { name: "conductor", entry: "conductor/main.ts", permissionSet: "conductor", include: [] },
];

const ROOT = new URL("..", import.meta.url).pathname;

function _exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

async function _denoDir(): Promise<string | undefined> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  })
    .output();
  if (out.code !== 0) return undefined;
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir?: string }).denoDir;
}

/** The denort to use, or the one line that says why there is none. */
export async function resolveDenort(
  env: (k: string) => string | undefined,
): Promise<{ path?: string; error?: string }> {
  const fromEnv = env("DENORT_BIN");
  if (fromEnv) {
    return _exists(fromEnv) ? { path: fromEnv } : { error: `DENORT_BIN=${fromEnv} does not exist` };
  }
  const dir = await _denoDir();
  const version = Deno.version.deno;
  const cached = dir ? `${dir}/dl/release/v${version}/denort-${Deno.build.target}.zip` : undefined;
  if (cached && _exists(cached)) return {};
  return {
    error:
      `cannot build: deno compile needs the denort ${version} base runtime (denort-${Deno.build.target}), ` +
      `which is not cached here and cannot be downloaded from this network; ` +
      `set DENORT_BIN=/path/to/denort (from the Deno ${version} release) and run 'deno task build' again`,
  };
}

async function _run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const res = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: res.code, out: dec.decode(res.stdout) + dec.decode(res.stderr) };
}

/** Runs the built binary's --version with no stdin: a wrong base runtime shows up here. */
async function _smoke(bin: string, name: string): Promise<string | undefined> {
  const child = new Deno.Command(bin, {
    args: ["--version"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const out = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(out.stdout).trim();
  const want = `${name} ${SEAM_VERSION}`;
  return text === want
    ? undefined
    : `${bin} --version printed ${JSON.stringify(text)}, expected ${JSON.stringify(want)}` +
      ` (is DENORT_BIN a denort binary of Deno ${Deno.version.deno}?)`;
}

export async function build(
  env: (k: string) => string | undefined,
  log: (s: string) => void,
): Promise<number> {
  const denort = await resolveDenort(env);
  if (denort.error) {
    log(`build: ${denort.error}`);
    return 1;
  }
  await Deno.mkdir(`${ROOT}dist`, { recursive: true });
  const childEnv: Record<string, string> = denort.path ? { DENORT_BIN: denort.path } : {};
  for (const t of TARGETS) {
    const out = `dist/${t.name}`;
    const includes = t.include.flatMap((f) => ["--include", f]);
    const res = await _run(
      ["compile", "-q", `-P=${t.permissionSet}`, ...includes, "-o", out, t.entry],
      childEnv,
    );
    if (res.code !== 0) {
      log(`build: deno compile ${t.entry} failed:\n${res.out}`);
      return 1;
    }
    const bad = await _smoke(`${ROOT}${out}`, t.name);
    if (bad) {
      log(`build: ${bad}`);
      return 1;
    }
    log(`build: ${out} (${t.permissionSet} permission set)`);
  }
  return 0;
}

if (import.meta.main) {
  const enc = new TextEncoder();
  Deno.exit(await build((k) => Deno.env.get(k), (s) => Deno.stderr.writeSync(enc.encode(s + "\n"))));
}
