// Starts Debian's `docker-registry` (distribution 2.8.2) on 127.0.0.1 with a random port and a
// temporary storage directory, optionally behind htpasswd Basic auth (bcrypt, made with
// `htpasswd -B` from apache2-utils). Requests are read back from the registry's access log, so suites
// can count what a client really sent. Missing tools fail with the package to install; never skips.

export const REGISTRY_BIN = "/usr/bin/docker-registry";
export const HTPASSWD_BIN = "/usr/bin/htpasswd";

export interface RegistryOptions {
  /** Require these Basic credentials (htpasswd, bcrypt). */
  basicAuth?: { username: string; password: string };
  /** Require Bearer tokens from this token service (see token_server.ts). */
  tokenAuth?: { realm: string; service: string; issuer: string; certPath: string };
}

export interface AccessLine {
  method: string;
  /** Path and query. */
  path: string;
  status: number;
}

export interface Registry {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  /** Temporary directory holding config, storage, htpasswd and the log. */
  dir: string;
  logPath: string;
  /** Requests served so far, from the access log, in order (waits `settleMs`, default 300, for the log). */
  requests(settleMs?: number): Promise<AccessLine[]>;
  stop(): Promise<void>;
}

async function requireTool(path: string, pkg: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch {
    throw new Error(`${path} is missing: install the Debian package ${pkg} (apt-get install -y ${pkg})`);
  }
}

/** `user:$2y$…` — one bcrypt htpasswd line. */
export async function htpasswdLine(username: string, password: string): Promise<string> {
  await requireTool(HTPASSWD_BIN, "apache2-utils");
  const out = await new Deno.Command(HTPASSWD_BIN, {
    args: ["-nbB", "-C", "5", username, password],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`htpasswd failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function logTail(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trimEnd().split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

const ACCESS = /"([A-Z]+) (\S+) HTTP\/[0-9.]+" (\d{3}) /;

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  await requireTool(REGISTRY_BIN, "docker-registry");
  const dir = await Deno.makeTempDir({ prefix: "seam-e2e-registry-" });
  const logPath = `${dir}/registry.log`;
  let auth = "";
  if (options.basicAuth) {
    await Deno.writeTextFile(
      `${dir}/htpasswd`,
      (await htpasswdLine(options.basicAuth.username, options.basicAuth.password)) + "\n",
    );
    auth = `auth:\n  htpasswd:\n    realm: seam-e2e\n    path: ${dir}/htpasswd\n`;
  } else if (options.tokenAuth) {
    const t = options.tokenAuth;
    auth =
      `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certPath}\n`;
  }
  for (let tries = 0;; tries++) {
    const port = freePort();
    const host = `127.0.0.1:${port}`;
    await Deno.writeTextFile(
      `${dir}/config.yml`,
      `version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${host}
  secret: seam-e2e-not-a-secret
${auth}`,
    );
    await Deno.writeTextFile(logPath, "");
    const child = new Deno.Command("sh", {
      args: ["-c", 'exec "$0" serve "$1" >>"$2" 2>&1 </dev/null', REGISTRY_BIN, `${dir}/config.yml`, logPath],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exited = false;
    const status = child.status.then((s) => (exited = true, s));
    const deadline = Date.now() + 15_000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) });
        await res.body?.cancel();
        if (res.status === 200 || res.status === 401) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const stop = async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch { /* gone */ }
        const t = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* gone */ }
        }, 5_000);
        await status;
        clearTimeout(t);
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    };
    if (!ready) {
      const tail = await logTail(logPath);
      if (!exited) {
        child.kill("SIGKILL");
      }
      await status;
      if (tries < 2 && /address already in use/.test(tail)) continue;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw new Error(`docker-registry did not become ready on ${host}:\n${tail}`);
    }
    return {
      host,
      url: `http://${host}`,
      dir,
      logPath,
      async requests(settleMs = 300) {
        await new Promise((r) => setTimeout(r, settleMs));
        const text = await Deno.readTextFile(logPath);
        const out: AccessLine[] = [];
        for (const line of text.split("\n")) {
          const m = line.match(ACCESS);
          if (m) out.push({ method: m[1]!, path: m[2]!, status: Number(m[3]) });
        }
        return out;
      },
      stop,
    };
  }
}
