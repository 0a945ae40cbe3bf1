// Remote chart sources (renderers.md §3.10) against in-process fakes on 127.0.0.1:
// an HTTP chart repository (index.yaml + real .tgz files from the golden data) and an OCI registry.
import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { fetchFromRepo, pullOciChart } from "./chart/sources.ts";
import { loadChartBytes } from "./chart/loader.ts";
import { runHelmCli } from "./cli.ts";
import { referencePath } from "../../shared/testing/reference.ts";

const G = Deno.env.get("HELM_GOLDEN_DIR") ?? referencePath("golden/helm/");
const TC = `${G}helm-testdata/cmd-helm/testcharts/`;

async function sha256(b: Uint8Array): Promise<string> {
  const h = await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, "0")).join("");
}

const TGZ: Record<string, Uint8Array<ArrayBuffer>> = {};
for (const v of ["0.1.0", "0.2.0", "0.3.0"]) TGZ[v] = Deno.readFileSync(`${TC}compressedchart-${v}.tgz`);
const PRE = Deno.readFileSync(`${TC}pre-release-chart-0.1.0-alpha.tgz`);

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert(
      re.test((e as Error).message),
      `error ${JSON.stringify((e as Error).message)} does not match ${re}`,
    );
    return;
  }
  throw new Error(`expected a rejection matching ${re}`);
}

interface Served {
  url: string;
  seen: { path: string; auth: string | null }[];
  close: () => Promise<void>;
}

function serve(handler: (req: Request, u: URL) => Response | Promise<Response>): Served {
  const seen: Served["seen"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const u = new URL(req.url);
    seen.push({ path: u.pathname, auth: req.headers.get("Authorization") });
    return handler(req, u);
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

async function repoServer(
  opts: { prefix?: string; badDigest?: boolean; basic?: string; delayMs?: number } = {},
): Promise<Served> {
  const prefix = opts.prefix ?? "";
  const d = async (b: Uint8Array) => opts.badDigest ? "ab".repeat(32) : await sha256(b);
  const index = `apiVersion: v1
entries:
  compressedchart:
    - name: compressedchart
      version: 0.1.0
      urls: ["compressedchart-0.1.0.tgz"]
      digest: ${await d(TGZ["0.1.0"]!)}
    - name: compressedchart
      version: 0.3.0
      urls: ["charts/compressedchart-0.3.0.tgz"]
      digest: ${await d(TGZ["0.3.0"]!)}
    - name: compressedchart
      version: 0.2.0
      urls: ["compressedchart-0.2.0.tgz"]
    - name: compressedchart
      version: 0.4.0-rc.1
      urls: ["pre.tgz"]
      digest: ${await d(PRE)}
generated: "2024-05-01T10:00:00Z"
`;
  return serve(async (req, u) => {
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (opts.basic && req.headers.get("Authorization") !== opts.basic) {
      return new Response("unauthorized", { status: 401 });
    }
    const p = u.pathname.slice(prefix.length);
    if (p === "/index.yaml") return new Response(index);
    const m = /^\/(?:charts\/)?compressedchart-(\d\.\d\.\d)\.tgz$/.exec(p);
    if (m && TGZ[m[1]!]) return new Response(TGZ[m[1]!]!);
    if (p === "/pre.tgz") return new Response(PRE);
    return new Response("not found", { status: 404 });
  });
}

Deno.test("helm repo: version resolution, relative URLs, digests", async () => {
  const s = await repoServer({ prefix: "/stable" });
  try {
    const repo = `${s.url}/stable`; // no trailing slash: treated as a directory
    const latest = await fetchFromRepo(repo, "compressedchart");
    assertEquals(latest.version, "0.3.0");
    assertEquals(latest.source, `${repo}/charts/compressedchart-0.3.0.tgz`);
    assertEquals(latest.bytes, TGZ["0.3.0"]);
    assertEquals((await fetchFromRepo(repo, "compressedchart", { version: "~0.2" })).version, "0.2.0");
    assertEquals((await fetchFromRepo(repo, "compressedchart", { version: "0.1.0" })).bytes, TGZ["0.1.0"]);
    assertEquals((await fetchFromRepo(repo, "compressedchart", { version: "<0.3.0" })).version, "0.2.0");
    assertEquals((await fetchFromRepo(repo, "compressedchart", { devel: true })).version, "0.4.0-rc.1");
    assertEquals(
      (await fetchFromRepo(repo, "compressedchart", { version: ">=0.4.0-0" })).version,
      "0.4.0-rc.1",
    );
    await rejects(fetchFromRepo(repo, "compressedchart", { version: "9.x" }), /version "9\.x" not found/);
    await rejects(fetchFromRepo(repo, "nochart"), /chart "nochart" not found/);
    const ch = await loadChartBytes(latest.bytes);
    assertEquals(ch.meta.Version, "0.3.0");
  } finally {
    await s.close();
  }
});

Deno.test("helm repo: digest mismatch, auth, timeout, unreachable", async () => {
  const bad = await repoServer({ badDigest: true });
  try {
    await rejects(fetchFromRepo(bad.url, "compressedchart"), /digest mismatch/);
    // 0.2.0 has no digest in the index: accepted
    assertEquals((await fetchFromRepo(bad.url, "compressedchart", { version: "0.2.0" })).version, "0.2.0");
  } finally {
    await bad.close();
  }
  const basic = "Basic " + btoa("alice:s3cret");
  const auth = await repoServer({ basic });
  try {
    await rejects(fetchFromRepo(auth.url, "compressedchart"), /401/);
    const r = await fetchFromRepo(auth.url, "compressedchart", { username: "alice", password: "s3cret" });
    assertEquals(r.version, "0.3.0");
    assert(auth.seen.slice(-2).every((x) => x.auth === basic));
  } finally {
    await auth.close();
  }
  const slow = await repoServer({ delayMs: 1500 });
  try {
    await rejects(fetchFromRepo(slow.url, "compressedchart", { timeoutMs: 100 }), /timed out after 100ms/);
  } finally {
    await slow.close();
  }
  const gone = serve(() => new Response(""));
  const url = gone.url;
  await gone.close();
  await rejects(fetchFromRepo(url, "compressedchart", { timeoutMs: 2000 }), /failed to fetch/);
});

Deno.test("helm repo: credentials stay on the repository host unless passCredentials", async () => {
  const other = serve((_req, u) =>
    u.pathname === "/c.tgz" ? new Response(TGZ["0.2.0"]!) : new Response("", { status: 404 })
  );
  const repo = serve(() =>
    new Response(`apiVersion: v1
entries:
  compressedchart:
    - {name: compressedchart, version: 0.2.0, urls: ["${other.url}/c.tgz"]}
`)
  );
  try {
    const o = { username: "u", password: "p" };
    await fetchFromRepo(repo.url, "compressedchart", o);
    assertEquals(other.seen.at(-1)!.auth, null);
    assert(repo.seen.at(-1)!.auth !== null);
    await fetchFromRepo(repo.url, "compressedchart", { ...o, passCredentials: true });
    assertEquals(other.seen.at(-1)!.auth, "Basic " + btoa("u:p"));
  } finally {
    await other.close();
    await repo.close();
  }
});

Deno.test("helm cli: --repo renders like the local archive", async () => {
  const s = await repoServer();
  try {
    const remote = await runHelmCli([
      "template",
      "x",
      "compressedchart",
      "--repo",
      s.url,
      "--version",
      "0.2.0",
    ]);
    const local = await runHelmCli(["template", "x", `${TC}compressedchart-0.2.0.tgz`]);
    assertEquals(remote, local);
    // (this test chart's only template is not YAML: helm fails the same way after loading it)
    assert(remote.stderr.includes("compressedchart/templates/template.tpl"), remote.stderr);
  } finally {
    await s.close();
  }
});

// ------------------------------------------------------------------------------------------ OCI

const enc = new TextEncoder();

interface OciFake extends Served {
  host: string;
}

/** A small distribution-spec registry: tags/list, manifests, blobs; anonymous, basic or bearer. */
async function ociServer(opts: { auth?: "basic" | "bearer"; legacyLayer?: boolean } = {}): Promise<OciFake> {
  const blobs = new Map<string, Uint8Array<ArrayBuffer>>();
  const manifests = new Map<string, Uint8Array<ArrayBuffer>>();
  const put = async (b: Uint8Array<ArrayBuffer>) => {
    const d = `sha256:${await sha256(b)}`;
    blobs.set(d, b);
    return { digest: d, size: b.length };
  };
  const tags: string[] = [];
  for (const [v, tgz] of [...Object.entries(TGZ), ["0.4.0-rc.1+build.5", PRE] as const]) {
    const config = enc.encode(JSON.stringify({ name: "compressedchart", version: v }));
    const cd = await put(config);
    const ld = await put(tgz);
    const manifest = enc.encode(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.cncf.helm.config.v1+json", ...cd },
      layers: [{
        mediaType: opts.legacyLayer
          ? "application/tar+gzip"
          : "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        ...ld,
      }],
      annotations: { "org.opencontainers.image.version": v },
    }));
    const md = await put(manifest);
    const tag = v.replace(/\+/g, "_");
    tags.push(tag);
    manifests.set(tag, manifest);
    manifests.set(md.digest, manifest);
  }
  const basic = "Basic " + btoa("bob:pw");
  const token = "tok-123";
  let base = "";
  const s = serve((req, u) => {
    const a = req.headers.get("Authorization");
    if (u.pathname === "/token") {
      if (a !== basic && a !== null) return new Response("", { status: 401 });
      return Response.json({ token: a === basic ? token : "anon" });
    }
    if (opts.auth === "basic" && a !== basic) {
      return new Response("", { status: 401, headers: { "WWW-Authenticate": `Basic realm="fake"` } });
    }
    if (opts.auth === "bearer" && a !== `Bearer ${token}`) {
      return new Response("", {
        status: 401,
        headers: {
          "WWW-Authenticate":
            `Bearer realm="${base}/token",service="fake",scope="repository:charts/compressedchart:pull"`,
        },
      });
    }
    if (u.pathname === "/v2/") return Response.json({});
    if (u.pathname === "/v2/charts/compressedchart/tags/list") {
      const last = u.searchParams.get("last");
      if (!last) {
        return Response.json({ name: "charts/compressedchart", tags: tags.slice(0, 2) }, {
          headers: { Link: `</v2/charts/compressedchart/tags/list?n=2&last=${tags[1]}>; rel="next"` },
        });
      }
      return Response.json({ name: "charts/compressedchart", tags: tags.slice(2) });
    }
    const m = /^\/v2\/charts\/compressedchart\/(manifests|blobs)\/(.+)$/.exec(u.pathname);
    if (m) {
      const b = m[1] === "manifests" ? manifests.get(m[2]!) : blobs.get(m[2]!);
      if (!b) return Response.json({ errors: [{ code: "NOT_FOUND", message: "unknown" }] }, { status: 404 });
      return new Response(b, {
        headers: m[1] === "manifests" ? { "Content-Type": "application/vnd.oci.image.manifest.v1+json" } : {},
      });
    }
    return new Response("", { status: 404 });
  });
  base = s.url;
  return { ...s, host: s.url.replace("http://", "") };
}

Deno.test("helm oci: tag, constraint via tags/list, digest pin, legacy layer", async () => {
  const r = await ociServer();
  try {
    const ref = `oci://${r.host}/charts/compressedchart`;
    const o = { plainHttp: true, dockerConfig: { env: () => undefined } };
    const a = await pullOciChart(`${ref}:0.2.0`, o);
    assertEquals(a.bytes, TGZ["0.2.0"]);
    assertEquals(a.version, "0.2.0");
    assertEquals((await pullOciChart(ref, { ...o, version: "0.1.0" })).bytes, TGZ["0.1.0"]);
    assertEquals((await pullOciChart(ref, o)).version, "0.3.0"); // tags/list, two pages
    assertEquals((await pullOciChart(ref, { ...o, version: "~0.2.0" })).version, "0.2.0");
    const dev = await pullOciChart(ref, { ...o, devel: true });
    assertEquals(dev.version, "0.4.0-rc.1+build.5");
    assertEquals(dev.bytes, PRE);
    const pinned = await pullOciChart(`${ref}@${a.source.split("@")[1]}`, o);
    assertEquals(pinned.bytes, TGZ["0.2.0"]);
    await rejects(pullOciChart(ref, { ...o, version: ">1.0.0" }), /could not locate a version/);
    await rejects(pullOciChart(`${ref}:0.2.0`, { ...o, version: "0.3.0" }), /mismatch/);
    await rejects(pullOciChart(`${ref}:9.9.9`, o), /failed to pull/);
    const cli = await runHelmCli(["template", "x", `${ref}`, "--version", "0.2.0", "--plain-http"]);
    assertEquals(cli, await runHelmCli(["template", "x", `${TC}compressedchart-0.2.0.tgz`]));
  } finally {
    await r.close();
  }
  const legacy = await ociServer({ legacyLayer: true });
  try {
    const x = await pullOciChart(`oci://${legacy.host}/charts/compressedchart:0.3.0`, {
      plainHttp: true,
      dockerConfig: { env: () => undefined },
    });
    assertEquals(x.bytes, TGZ["0.3.0"]);
  } finally {
    await legacy.close();
  }
});

Deno.test("helm oci: bearer and basic auth from ~/.docker/config.json", async () => {
  const home = await Deno.makeTempDir({ prefix: "helm-oci-home-" });
  try {
    for (const auth of ["bearer", "basic"] as const) {
      const r = await ociServer({ auth });
      try {
        await Deno.mkdir(`${home}/.docker`, { recursive: true });
        await Deno.writeTextFile(
          `${home}/.docker/config.json`,
          JSON.stringify({ auths: { [r.host]: { auth: btoa("bob:pw") } } }),
        );
        const ref = `oci://${r.host}/charts/compressedchart`;
        const env = (n: string) => n === "HOME" ? home : undefined;
        const got = await pullOciChart(ref, { plainHttp: true, version: "^0.1", dockerConfig: { env } });
        assertEquals(got.bytes, TGZ["0.1.0"]);
        await rejects(
          pullOciChart(`${ref}:0.1.0`, { plainHttp: true, dockerConfig: { env: () => undefined } }),
          /failed to pull|401|403/,
        );
        // explicit --username/--password beat the docker config
        const ex = await pullOciChart(`${ref}:0.3.0`, {
          plainHttp: true,
          username: "bob",
          password: "pw",
          dockerConfig: { env: () => undefined },
        });
        assertEquals(ex.bytes, TGZ["0.3.0"]);
      } finally {
        await r.close();
      }
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
