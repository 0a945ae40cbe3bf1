// Builds (once) and caches the real control-plane binaries used by the e2e suites:
// kube-apiserver and kube-controller-manager from the k8s.io/kubernetes Go module, and etcd from
// go.etcd.io/etcd/server/v3. Test infrastructure only: it runs `go`. Product code never does.
//
//   deno run -A e2e/cluster/build.ts     # build (or find) the binaries and print where they are
//
// Cache: ${SEAM_E2E_CACHE:-$HOME/.cache/seam-e2e}/bin/{k8s-<v>,etcd-<v>}/; build modules live beside them
// (never in the checkout). A missing Go toolchain or a failed build throws with the reason and log tail.

export const K8S_VERSION = "v1.34.4";
export const ETCD_VERSION = "v3.6.16";

export interface Binaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
  k8sVersion: string;
  etcdVersion: string;
}

export interface BuildOptions {
  log?: (line: string) => void;
}

const enc = new TextEncoder();
function stderrLog(line: string): void {
  Deno.stderr.writeSync(enc.encode(`[seam-e2e build] ${line}\n`));
}

export function cacheRoot(): string {
  const explicit = Deno.env.get("SEAM_E2E_CACHE");
  if (explicit) return explicit;
  const home = Deno.env.get("HOME");
  if (!home) {
    throw new Error("seam-e2e: neither SEAM_E2E_CACHE nor HOME is set; cannot place the binary cache");
  }
  return `${home}/.cache/seam-e2e`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Locates `go`: $GO, then PATH, then /usr/local/go/bin/go. Throws a clear error when absent. */
export async function findGo(): Promise<string> {
  const env = Deno.env.get("GO");
  if (env) {
    if (await exists(env)) return env;
    throw new Error(
      `seam-e2e: $GO is set to ${env}, which does not exist; cannot build the e2e control planes`,
    );
  }
  const candidates: string[] = [];
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) if (dir) candidates.push(`${dir}/go`);
  candidates.push("/usr/local/go/bin/go");
  for (const c of candidates) if (await exists(c)) return c;
  throw new Error(
    "seam-e2e: the Go toolchain was not found ($GO, PATH, /usr/local/go/bin/go). The e2e suites build the " +
      `real kube-apiserver ${K8S_VERSION}, kube-controller-manager and etcd ${ETCD_VERSION} from Go modules ` +
      "and cannot run without it. Install Go >= 1.24, or point MGMT_KUBECONFIG/TENANT_KUBECONFIG at clusters.",
  );
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

async function run(go: string, args: string[], cwd: string, log: (l: string) => void): Promise<void> {
  log(`go ${args.join(" ")}  (in ${cwd})`);
  const env: Record<string, string> = {
    CGO_ENABLED: "0",
    GOTOOLCHAIN: "local",
    GOFLAGS: "-trimpath -buildvcs=false -mod=mod",
    GOMAXPROCS: String(Math.max(1, Math.min(2, navigator.hardwareConcurrency))),
  };
  const out = await new Deno.Command(go, { args, cwd, env, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`seam-e2e: \`go ${args.join(" ")}\` failed in ${cwd} (exit ${out.code}):\n${tail(text)}`);
  }
}

/** The staging modules k8s.io/kubernetes replaces with ./staging/src/...: they must be pinned to v0.x. */
async function stagingReplaces(go: string, dir: string, log: (l: string) => void): Promise<string[]> {
  const info = await new Deno.Command(go, {
    args: ["mod", "download", "-json", `k8s.io/kubernetes@${K8S_VERSION}`],
    cwd: dir,
    env: { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!info.success) {
    throw new Error(
      `seam-e2e: cannot download k8s.io/kubernetes@${K8S_VERSION}:\n` +
        tail(new TextDecoder().decode(info.stdout) + new TextDecoder().decode(info.stderr)),
    );
  }
  const goMod = (JSON.parse(new TextDecoder().decode(info.stdout)) as { GoMod: string }).GoMod;
  const staging = [...(await Deno.readTextFile(goMod)).matchAll(/^\s*(k8s\.io\/\S+)\s+=>\s+\.\/staging\//gm)]
    .map((m) => m[1]!);
  if (staging.length === 0) throw new Error(`seam-e2e: no staging replaces found in ${goMod}`);
  log(`pinning ${staging.length} staging modules to v0.${K8S_VERSION.slice(3)}`);
  return staging.map((m) => `\t${m} => ${m} v0.${K8S_VERSION.slice(3)}`);
}

function k8sLdflags(): string {
  const [major, minor] = K8S_VERSION.slice(1).split(".");
  const vars = {
    gitVersion: K8S_VERSION,
    gitMajor: major ?? "1",
    gitMinor: minor ?? "0",
    gitTreeState: "clean",
    gitCommit: "0000000000000000000000000000000000000000",
    buildDate: "1970-01-01T00:00:00Z",
  };
  const x = Object.entries(vars).flatMap(([k, v]) => [
    `-X k8s.io/component-base/version.${k}=${v}`,
    `-X k8s.io/client-go/pkg/version.${k}=${v}`,
  ]);
  return ["-s", "-w", ...x].join(" ");
}

async function buildModule(
  go: string,
  buildDir: string,
  goMod: string,
  pkgs: string[],
  outDir: string,
  ldflagsArg: string,
  log: (l: string) => void,
): Promise<void> {
  await Deno.mkdir(buildDir, { recursive: true });
  await Deno.writeTextFile(`${buildDir}/go.mod`, goMod);
  const imports = pkgs.map((p) => `\t_ "${p}"`).join("\n");
  await Deno.writeTextFile(
    `${buildDir}/tools.go`,
    `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`,
  );
  await run(go, ["mod", "tidy"], buildDir, log);
  const tmp = `${outDir}.tmp-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  await run(go, ["build", "-p", "2", "-ldflags", ldflagsArg, "-o", `${tmp}/`, ...pkgs], buildDir, log);
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, outDir);
}

async function ensureK8s(go: string, root: string, log: (l: string) => void): Promise<string> {
  const out = `${root}/bin/k8s-${K8S_VERSION}`;
  if (await exists(`${out}/kube-apiserver`) && await exists(`${out}/kube-controller-manager`)) return out;
  const dir = `${root}/build/k8s-${K8S_VERSION}`;
  await Deno.mkdir(dir, { recursive: true });
  const replaces = await stagingReplaces(go, dir, log);
  const goMod = `module seam.local/e2e-k8s\n\ngo 1.24.0\n\ngodebug default=go1.24\n\n` +
    `require k8s.io/kubernetes ${K8S_VERSION}\n\nreplace (\n${replaces.join("\n")}\n)\n`;
  const started = Date.now();
  await buildModule(
    go,
    dir,
    goMod,
    ["k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager"],
    out,
    k8sLdflags(),
    log,
  );
  log(
    `built kube-apiserver + kube-controller-manager ${K8S_VERSION} in ${
      ((Date.now() - started) / 1000).toFixed(0)
    }s`,
  );
  return out;
}

async function ensureEtcd(go: string, root: string, log: (l: string) => void): Promise<string> {
  const out = `${root}/bin/etcd-${ETCD_VERSION}`;
  if (await exists(`${out}/etcd`)) return out;
  const dir = `${root}/build/etcd-${ETCD_VERSION}`;
  const goMod =
    `module seam.local/e2e-etcd\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 ${ETCD_VERSION}\n`;
  const started = Date.now();
  const tmpOut = `${out}.pkg`;
  await buildModule(go, dir, goMod, ["go.etcd.io/etcd/server/v3"], tmpOut, "-s -w", log);
  // `go build -o dir/` names the binary after the import path ("server" for .../server/v3); rename it.
  const built = [...Deno.readDirSync(tmpOut)].filter((e) => e.isFile).map((e) => e.name);
  if (built.length !== 1) throw new Error(`seam-e2e: expected one etcd binary in ${tmpOut}, found ${built}`);
  await Deno.mkdir(out, { recursive: true });
  await Deno.rename(`${tmpOut}/${built[0]}`, `${out}/etcd`);
  await Deno.remove(tmpOut, { recursive: true });
  log(`built etcd ${ETCD_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  return out;
}

/** Cross-process build lock (a directory holding the owner's pid); a dead owner's lock is taken over. */
async function lock(root: string, log: (l: string) => void): Promise<() => Promise<void>> {
  const dir = `${root}/build.lock`;
  await Deno.mkdir(root, { recursive: true });
  let waited = false;
  while (true) {
    try {
      await Deno.mkdir(dir);
      await Deno.writeTextFile(`${dir}/pid`, String(Deno.pid));
      return () => Deno.remove(dir, { recursive: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const owner = Number(await Deno.readTextFile(`${dir}/pid`).catch(() => "0"));
    if (owner > 0 && !(await exists(`/proc/${owner}`))) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      continue;
    }
    if (!waited) log(`waiting for the build running in process ${owner || "?"} (${dir})`);
    waited = true;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

let pending: Promise<Binaries> | undefined;

/** Returns the cached binaries, building whatever is missing. Throws (never skips) on failure. */
export function ensureBinaries(opts: BuildOptions = {}): Promise<Binaries> {
  pending ??= (async () => {
    const log = opts.log ?? stderrLog;
    const root = cacheRoot();
    const k8sDir = `${root}/bin/k8s-${K8S_VERSION}`;
    const etcdDir = `${root}/bin/etcd-${ETCD_VERSION}`;
    const have = await exists(`${k8sDir}/kube-apiserver`) &&
      await exists(`${k8sDir}/kube-controller-manager`) &&
      await exists(`${etcdDir}/etcd`);
    if (!have) {
      const go = await findGo();
      const unlock = await lock(root, log);
      try {
        log(`building what is missing into ${root} (cold: about 5-11 minutes on 2 cores)`);
        await ensureEtcd(go, root, log); // each returns at once if another process built it meanwhile
        await ensureK8s(go, root, log);
      } finally {
        await unlock();
      }
    }
    return {
      kubeApiserver: `${k8sDir}/kube-apiserver`,
      kubeControllerManager: `${k8sDir}/kube-controller-manager`,
      etcd: `${etcdDir}/etcd`,
      k8sVersion: K8S_VERSION,
      etcdVersion: ETCD_VERSION,
    };
  })();
  pending.catch(() => pending = undefined);
  return pending;
}

if (import.meta.main) {
  const started = Date.now();
  const bins = await ensureBinaries();
  stderrLog(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  Deno.stdout.writeSync(enc.encode(JSON.stringify(bins, null, 2) + "\n"));
}
