/**
 * Registry credentials from Docker's config file (compiler.md §2.8, renderers.md §7.4).
 *
 * Files tried in order: `$DOCKER_CONFIG/config.json` (when set), `<home>/.docker/config.json`,
 * `<home>/snap/docker/current/.docker/config.json`. The first one that can be read and parsed is
 * used; missing or unparsable files are skipped silently (as upstream). In it,
 * `auths["<host[:port]>"]` is looked up by exact key first, then by host (keys may be full URLs such
 * as `https://index.docker.io/v1/`). An entry gives `auth` (base64 `user:pass`) or
 * `username`/`password`, `registrytoken` (a bearer token sent as is) or `identitytoken` (an OAuth2
 * refresh token). Credential helpers (`credsStore`, `credHelpers`) are external programs and this
 * library never starts subprocesses: a host that only a helper knows is reported as such, so the
 * caller can say why there are no credentials.
 */

export type RegistryCredential =
  | { kind: "basic"; username: string; password: string }
  | { kind: "registryToken"; token: string }
  | { kind: "identityToken"; token: string; username?: string | undefined }
  /** Only a credential helper knows this host; helpers are not supported. */
  | { kind: "helper"; helper: string };

export interface DockerConfig {
  /** The file it was read from. */
  path: string;
  auths: Record<string, DockerAuthEntry>;
  credsStore?: string | undefined;
  credHelpers: Record<string, string>;
}

export interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DockerConfigLookup {
  /** Environment lookup; default `Deno.env.get`. `HOME` and `DOCKER_CONFIG` are read. */
  env?: (name: string) => string | undefined;
  /** File reader (tests); default `Deno.readTextFile`. */
  readTextFile?: (path: string) => Promise<string>;
}

/** Candidate config paths, in the order they are tried. */
export function dockerConfigPaths(env: (name: string) => string | undefined): string[] {
  const out: string[] = [];
  const dc = env("DOCKER_CONFIG");
  if (dc) out.push(`${dc.replace(/\/+$/, "")}/config.json`);
  const home = env("HOME");
  if (home) {
    const h = home.replace(/\/+$/, "");
    out.push(`${h}/.docker/config.json`, `${h}/snap/docker/current/.docker/config.json`);
  }
  return out;
}

function _record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

/** Parses the text of a Docker config file; undefined when it is not a JSON object. */
export function parseDockerConfig(text: string, path: string): DockerConfig | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const obj = _record(raw);
  if (!obj) return undefined;
  const auths: Record<string, DockerAuthEntry> = {};
  for (const [k, v] of Object.entries(_record(obj.auths) ?? {})) {
    const e = _record(v);
    if (!e) continue;
    const entry: DockerAuthEntry = {};
    for (const f of ["auth", "username", "password", "identitytoken", "registrytoken"] as const) {
      if (typeof e[f] === "string") entry[f] = e[f] as string;
    }
    auths[k] = entry;
  }
  const credHelpers: Record<string, string> = {};
  for (const [k, v] of Object.entries(_record(obj.credHelpers) ?? {})) {
    if (typeof v === "string") credHelpers[k] = v;
  }
  return {
    path,
    auths,
    credsStore: typeof obj.credsStore === "string" && obj.credsStore !== "" ? obj.credsStore : undefined,
    credHelpers,
  };
}

/** The first readable, parseable Docker config; undefined when there is none. */
export async function loadDockerConfig(options: DockerConfigLookup = {}): Promise<DockerConfig | undefined> {
  const env = options.env ?? ((n: string) => Deno.env.get(n));
  const read = options.readTextFile ?? ((p: string) => Deno.readTextFile(p));
  for (const path of dockerConfigPaths(env)) {
    let text: string;
    try {
      text = await read(path);
    } catch {
      continue;
    }
    const cfg = parseDockerConfig(text, path);
    if (cfg) return cfg;
  }
  return undefined;
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `host:5000` stays. */
export function normaliseRegistryHost(key: string): string {
  let k = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = k.indexOf("/");
  if (slash >= 0) k = k.slice(0, slash);
  k = k.toLowerCase();
  if (k === "registry-1.docker.io" || k === "docker.io") return "index.docker.io";
  return k;
}

function _decodeBasic(auth: string): { username: string; password: string } | undefined {
  let text: string;
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(auth.trim()), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const i = text.indexOf(":");
  if (i < 0) return undefined;
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}

function _fromEntry(e: DockerAuthEntry): RegistryCredential | undefined {
  if (e.registrytoken) return { kind: "registryToken", token: e.registrytoken };
  const basic = e.auth ? _decodeBasic(e.auth) : undefined;
  if (e.identitytoken) return { kind: "identityToken", token: e.identitytoken, username: basic?.username };
  if (basic) return { kind: "basic", ...basic };
  if (e.username !== undefined && e.password !== undefined) {
    return { kind: "basic", username: e.username, password: e.password };
  }
  return undefined;
}

/** Credentials for `registry` (`host[:port]`) in `config`, or undefined. */
export function credentialFor(
  config: DockerConfig | undefined,
  registry: string,
): RegistryCredential | undefined {
  if (!config) return undefined;
  const exact = config.auths[registry];
  const fromExact = exact ? _fromEntry(exact) : undefined;
  if (fromExact) return fromExact;
  const want = normaliseRegistryHost(registry);
  for (const key of Object.keys(config.auths).sort()) {
    if (normaliseRegistryHost(key) !== want) continue;
    const c = _fromEntry(config.auths[key]!);
    if (c) return c;
  }
  for (const [key, helper] of Object.entries(config.credHelpers)) {
    if (normaliseRegistryHost(key) === want) return { kind: "helper", helper };
  }
  if (config.credsStore) return { kind: "helper", helper: config.credsStore };
  return undefined;
}

/** Loads the Docker config and looks `registry` up in it. */
export async function dockerCredential(
  registry: string,
  options: DockerConfigLookup = {},
): Promise<RegistryCredential | undefined> {
  return credentialFor(await loadDockerConfig(options), registry);
}

/** `Basic <base64(user:pass)>` */
export function basicAuthorization(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}
