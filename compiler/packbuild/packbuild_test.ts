/** Conformance §11.7 (PB, RW, KZ, HM) against the in-process fake registry, plus the port's extras. */
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { FakeRegistry, type FakeRegistryOptions } from "../../shared/oci/testing/fake_registry.ts";
import { AUTH_HINT, readYamlFiles, RegistryClient } from "../../shared/oci/mod.ts";
import { parseYamlStream } from "../../shared/yaml_io.ts";
import { apiVersionOf, KIND_NAMES } from "../../schemas/mod.ts";
import { runCommand } from "../cli.ts";
import { packbuildCommand } from "./command.ts";
import { type PackbuildOptions, runPackbuild } from "./packbuild.ts";
import { gzip, tarFiles } from "../../shared/oci/mod.ts";

const DIGEST = "sha256:" + "ab".repeat(32);

async function tmp(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "packbuild-test-" });
  for (const [rel, text] of Object.entries(files)) {
    const p = `${dir}/${rel}`;
    await Deno.mkdir(p.slice(0, p.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(p, text);
  }
  return dir;
}

function opts(dir: string, extra: Partial<PackbuildOptions> = {}): PackbuildOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    input: "pack.yaml",
    output: "out",
    cwd: dir,
    plainHttp: false,
    env: () => undefined,
    warn: (m) => warnings.push(m),
    registry: { retry: { attempts: 1 } },
    warnings,
    ...extra,
  };
}

async function withRegistry(fn: (reg: FakeRegistry) => Promise<void>, options: FakeRegistryOptions = {}) {
  const reg = new FakeRegistry(options);
  try {
    await fn(reg);
  } finally {
    await reg.close();
  }
}

// deno-lint-ignore no-explicit-any
function crOf(text: string): Record<string, any> {
  const docs = parseYamlStream(text, "cr.yaml");
  assertEquals(docs.length, 1);
  // deno-lint-ignore no-explicit-any
  return docs[0]!.value as Record<string, any>;
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

const RAW_APP = `apiVersion: v1
kind: Namespace
metadata:
  name: test-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: test-sa
  namespace: test-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: test-app
  namespace: test-system
spec:
  replicas: 1
`;

function rawInput(host: string, extra = "") {
  return `name: test-raw-pack
version: v0.1.0-r1
registryUrl: ${host}/ontai-dev/packs/test-raw
targetClusters: [ccs-mgmt]
rawSource:
  path: manifests
${extra}`;
}

Deno.test("RW-1: raw pack pushed; CR carries the digests; layers pull back with the split content", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({ "pack.yaml": rawInput(reg.host), "manifests/app.yaml": RAW_APP });
    const result = await runPackbuild(opts(dir));
    const text = await Deno.readTextFile(`${dir}/out/test-raw-pack.yaml`);
    for (const s of ["rbacDigest", "workloadDigest", "v0.1.0-r1", "seam-tenant-ccs-mgmt"]) {
      assertStringIncludes(text, s);
    }
    const cr = crOf(text);
    assertEquals(cr.apiVersion, apiVersionOf("PackDelivery"));
    assertEquals(cr.kind, KIND_NAMES.PackDelivery.kind);
    assertEquals(cr.metadata.namespace, "seam-tenant-ccs-mgmt");
    assertEquals(cr.spec.registryRef, {
      url: `${reg.host}/ontai-dev/packs/test-raw`,
      digest: cr.spec.workloadDigest,
    });
    assertEquals(cr.spec.clusterScopedDigest, undefined);
    assertEquals(result.layers.map((l) => l.tag), ["v0.1.0-r1-rbac", "v0.1.0-r1-workload"]);
    assertEquals(result.objects, { rbac: 1, clusterScoped: 0, workload: 2 });
    for (const k of ["chartURL", "chartVersion", "chartName", "helmVersion"]) assert(!text.includes(`${k}:`));
    assertStringIncludes(cr.spec.provenance.buildID, "compiler packbuild");
    assertStringIncludes(cr.metadata.annotations["seam.ontai.dev/build-inputs"], "rawSource=sha256:");

    const client = new RegistryClient({ registry: reg.host, plainHttp: true });
    const rbac = await client.pullImage("ontai-dev/packs/test-raw", cr.spec.rbacDigest);
    assertEquals(rbac.manifest.layers[0]!.mediaType, "application/vnd.oci.image.layer.v1.tar");
    assertEquals(rbac.manifest.config.mediaType, "application/vnd.oci.image.config.v1+json");
    const rbacYaml = readYamlFiles(rbac.layers[0]!.bytes)[0]!.text;
    assert(rbacYaml.startsWith("---\napiVersion: v1\nkind: ServiceAccount"));
    const work = readYamlFiles(
      (await client.pullImage("ontai-dev/packs/test-raw", "v0.1.0-r1-workload")).layers[0]!.bytes,
    )[0]!.text;
    assertEquals(work.match(/^kind: /gm)!.length, 2);
    assertEquals(
      (await client.getManifest("ontai-dev/packs/test-raw", "v0.1.0-r1-workload")).digest,
      cr.spec.workloadDigest,
    );
  });
});

Deno.test("same input → same layer digests and same CR bytes; the second push uploads no blob", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({
      "pack.yaml": rawInput(reg.host),
      "manifests/app.yaml": RAW_APP,
      "manifests/pc.yml":
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: p\nvalue: 1\n",
    });
    const a = await runPackbuild(opts(dir, { output: "out1" }));
    const posts = reg.count("POST");
    const b = await runPackbuild(opts(dir, { output: "out2" }));
    assertEquals(a.layers.map((l) => l.digest), b.layers.map((l) => l.digest));
    assertEquals(a.layers.length, 3);
    assertEquals(
      await Deno.readTextFile(`${dir}/out1/test-raw-pack.yaml`),
      await Deno.readTextFile(`${dir}/out2/test-raw-pack.yaml`),
    );
    assertEquals(reg.count("POST"), posts);
    assertEquals(b.layers.reduce((n, l) => n + l.uploaded, 0), 0);
  });
});

Deno.test("D-P5: raw files without separators do not fuse; comment-only files are dropped", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({
      "pack.yaml": rawInput(reg.host),
      "manifests/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
      "manifests/b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
      "manifests/c.yaml": "# nothing here\n",
      "manifests/ignored.json": "{}",
      "manifests/sub/d.yaml": "kind: Secret\n",
    });
    const o = opts(dir);
    const r = await runPackbuild(o);
    assertEquals(r.objects, { rbac: 0, clusterScoped: 0, workload: 2 });
    assertEquals(o.warnings, []);
    await Deno.writeTextFile(
      `${dir}/manifests/b.yaml`,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    const again = opts(dir);
    await runPackbuild(again);
    assertEquals(again.warnings, [
      "objects declared more than once (the last one wins when applied): ConfigMap a",
    ]);
  });
});

Deno.test("RW-2/RW-3: empty directory and empty path are errors before any network", async () => {
  const dir = await tmp({ "pack.yaml": rawInput("127.0.0.1:1") });
  await Deno.mkdir(`${dir}/manifests`);
  assertStringIncludes((await rejects(runPackbuild(opts(dir)))).message, "no YAML files");
  await Deno.writeTextFile(
    `${dir}/pack.yaml`,
    rawInput("127.0.0.1:1").replace("path: manifests", 'path: ""'),
  );
  assertStringIncludes((await rejects(runPackbuild(opts(dir)))).message, "path");
  await Deno.writeTextFile(
    `${dir}/pack.yaml`,
    rawInput("127.0.0.1:1").replace("path: manifests", "path: nope"),
  );
  assertStringIncludes((await rejects(runPackbuild(opts(dir)))).message, "no such directory");
});

Deno.test("RW-4/KZ-3: category raw and category kustomize write <name>.yaml", async () => {
  await withRegistry(async (reg) => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n";
    const dir = await tmp({
      "pack.yaml":
        `name: category-raw-pack\nversion: v1\nregistryUrl: ${reg.host}/p/raw\ncategory: raw\nrawSource: {path: m}\n`,
      "m/cm.yaml": cm,
      "k.yaml":
        `name: category-kustomize-pack\nversion: v1\nregistryUrl: ${reg.host}/p/kz\ncategory: kustomize\nkustomizeSource: {path: kz}\n`,
      "kz/kustomization.yaml": "resources:\n  - cm.yaml\n",
      "kz/cm.yaml": cm,
      "d.yaml":
        `name: dispatch-raw-pack\nversion: v1\nregistryUrl: ${reg.host}/p/raw\nrawSource: {path: m}\n`,
    });
    await runPackbuild(opts(dir));
    await runPackbuild(opts(dir, { input: "k.yaml" }));
    await runPackbuild(opts(dir, { input: "d.yaml" }));
    for (const f of ["category-raw-pack", "category-kustomize-pack", "dispatch-raw-pack"]) {
      await Deno.stat(`${dir}/out/${f}.yaml`);
    }
  });
});

Deno.test("KZ-1/KZ-2: kustomize pack in seam-system; a directory without kustomization fails", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({
      "pack.yaml":
        `name: kz-pack\nversion: v0.1.0-r1\nregistryUrl: ${reg.host}/p/kz\nkustomizeSource:\n  path: ./kz\n`,
      "kz/kustomization.yaml": "namespace: apps\nresources:\n  - cm.yaml\n",
      "kz/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
      "empty/.keep": "",
    });
    await runPackbuild(opts(dir));
    const text = await Deno.readTextFile(`${dir}/out/kz-pack.yaml`);
    for (const s of ["workloadDigest", "v0.1.0-r1", "seam-system", KIND_NAMES.PackDelivery.kind]) {
      assertStringIncludes(text, s);
    }
    const client = new RegistryClient({ registry: reg.host, plainHttp: true });
    const work =
      readYamlFiles((await client.pullImage("p/kz", crOf(text).spec.workloadDigest)).layers[0]!.bytes)[0]!
        .text;
    assertStringIncludes(work, "namespace: apps");
    await Deno.writeTextFile(
      `${dir}/pack.yaml`,
      `name: kz-pack\nversion: v1\nregistryUrl: ${reg.host}/p/kz\nkustomizeSource:\n  path: ./empty\n`,
    );
    assertStringIncludes((await rejects(runPackbuild(opts(dir)))).message, "kustomize build");
  });
});

Deno.test("PB-1…PB-4, PB-7: pre-built pack → exactly <name>.yaml, no network, no chart keys", async () => {
  const dir = await tmp({
    "pack.yaml":
      `name: my-pack\nversion: v1.2.3\nregistryUrl: registry.example.com/packs/my-pack\ndigest: ${DIGEST}\nchecksum: deadbeef\nsourceBuildRef: build-0042\n`,
  });
  const r = await runPackbuild(opts(dir));
  assertEquals(r.layers, []);
  const entries = [];
  for await (const e of Deno.readDir(`${dir}/out`)) entries.push(e.name);
  assertEquals(entries, ["my-pack.yaml"]);
  const text = await Deno.readTextFile(`${dir}/out/my-pack.yaml`);
  for (
    const s of [
      "v1.2.3",
      "registry.example.com/packs/my-pack",
      DIGEST.slice(0, 20),
      "deadbeef",
      "build-0042",
      "seam-system",
    ]
  ) {
    assertStringIncludes(text, s);
  }
  for (const k of ["chartURL:", "chartVersion:", "chartName:", "helmVersion:", "provenance:"]) {
    assert(!text.includes(k));
  }
  const cr = crOf(text);
  assertEquals([cr.apiVersion, cr.kind], [apiVersionOf("PackDelivery"), "PackDelivery"]);
  assertEquals(cr.spec.registryRef.digest, DIGEST);
});

Deno.test("PB-5/PB-6: validation errors name the field", async () => {
  const dir = await tmp({});
  const cases: [string, string][] = [
    ["version: v1\nregistryUrl: r.io/a\ndigest: " + DIGEST, "name"],
    ["name: a\nregistryUrl: r.io/a\ndigest: " + DIGEST, "version"],
    ["name: a\nversion: v1\ndigest: " + DIGEST, "registryUrl"],
    ["name: a\nversion: v1\nregistryUrl: r.io/a", "digest"],
    ["name: a\nversion: v1\nregistryUrl: r.io/a\ncategory: banana", "category"],
    ["name: a\nversion: v1\nregistryUrl: r.io/a\ncategory: helm", "helmSource"],
    ["name: a\nversion: v1\nregistryUrl: r.io/a\ncategory: raw", "rawSource"],
    ["name: a\nversion: v1\nregistryUrl: r.io/a\ncategory: kustomize", "kustomizeSource"],
    [
      "name: a\nversion: v1\nregistryUrl: r.io/a\ncategory: raw\nrawSource: {path: x}\nhelmSource: {url: 'http://x/c.tgz'}",
      "helmSource",
    ],
  ];
  for (const [text, word] of cases) {
    await Deno.writeTextFile(`${dir}/pack.yaml`, text + "\n");
    assertStringIncludes((await rejects(runPackbuild(opts(dir)))).message, word);
  }
});

Deno.test("PB-8: output under a regular file fails before anything is pushed", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({ "pack.yaml": rawInput(reg.host), "manifests/app.yaml": RAW_APP, "file": "x" });
    const err = await rejects(runPackbuild(opts(dir, { output: "file/out" })));
    assertStringIncludes(err.message, "not a directory");
    assertEquals(reg.requests.length, 0);
  });
});

/** A chart archive made the way `helm package` lays it out. */
function chartTgz(): Uint8Array {
  const enc = new TextEncoder();
  const files: Record<string, string> = {
    "Chart.yaml": "apiVersion: v2\nname: cert-manager\nversion: v1.13.3\n",
    "values.yaml": "nested:\n  a: 1\n  b: 2\n",
    "templates/cm.yaml":
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  ab: "{{ .Values.nested.a }}-{{ .Values.nested.b }}"\n  token: {{ randAlphaNum 12 | quote }}\n',
    "templates/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n",
    "templates/NOTES.txt": "Thanks for installing {{ .Chart.Name }}.",
    "templates/empty.yaml": "{{- if false }}\nkind: Nothing\n{{- end }}\n",
    "templates/hook.yaml":
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hook\n  annotations:\n    helm.sh/hook: post-install\n",
    "crds/widgets.yaml":
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n",
  };
  return gzip(
    tarFiles(
      Object.entries(files).map(([name, text]) => ({ name: `cert-manager/${name}`, data: enc.encode(text) })),
    ),
  );
}

Deno.test("HM-1/HM-2: helm path: chart over HTTP, chart provenance, deep-merged values, hooks and NOTES dropped, CRDs kept, deterministic", async () => {
  const chart = chartTgz();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(chart as Uint8Array<ArrayBuffer>),
  );
  try {
    await withRegistry(async (reg) => {
      const url = `http://127.0.0.1:${server.addr.port}/cert-manager-v1.13.3.tgz`;
      const dir = await tmp({
        "pack.yaml":
          `name: cm\nversion: v1.13.3-r1\nregistryUrl: ${reg.host}/p/cm\nhelmSource:\n  url: ${url}\n  version: v1.13.3\n  valuesFile: values.yaml\n  namespace: cert-manager\n`,
        "values.yaml": "nested:\n  a: 5\n",
      });
      const r = await runPackbuild(opts(dir));
      const cr = crOf(await Deno.readTextFile(`${dir}/out/cm.yaml`));
      assertEquals(
        [cr.spec.chartURL, cr.spec.chartVersion, cr.spec.chartName, cr.spec.valuesFile],
        [url, "v1.13.3", "cert-manager", "values.yaml"],
      );
      assert(cr.spec.helmVersion.startsWith("v"));
      assertStringIncludes(cr.metadata.annotations["seam.ontai.dev/build-inputs"], "chart=sha256:");
      // SA in RBAC (its namespace cert-manager is injected), the CRD cluster-scoped, the helm extra
      // Namespace not duplicated (D-P4), the hook Job gone.
      assertEquals(r.objects, { rbac: 1, clusterScoped: 1, workload: 2 });
      const client = new RegistryClient({ registry: reg.host, plainHttp: true });
      const work =
        readYamlFiles((await client.pullImage("p/cm", cr.spec.workloadDigest)).layers[0]!.bytes)[0]!.text;
      assertStringIncludes(work, 'ab: "5-2"');
      assertStringIncludes(work, "name: cert-manager\n  namespace: cert-manager");
      assert(!work.includes("Thanks"));
      const again = await runPackbuild(opts(dir, { output: "out2" }));
      assertEquals(again.layers.map((l) => l.digest), r.layers.map((l) => l.digest));
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("helm path: a chart that is not one, and an unreachable URL, are clear errors", async () => {
  const dir = await tmp({
    "pack.yaml": `name: h\nversion: v1\nregistryUrl: 127.0.0.1:1/p\nhelmSource: {url: "file://bad.tgz"}\n`,
    "bad.tgz": "not a chart",
  });
  assertStringIncludes((await rejects(runPackbuild(opts(dir)))).message, 'render chart "file://bad.tgz"');
  await Deno.writeTextFile(
    `${dir}/pack.yaml`,
    `name: h\nversion: v1\nregistryUrl: 127.0.0.1:1/p\nhelmSource: {url: "http://127.0.0.1:1/c.tgz"}\n`,
  );
  assertStringIncludes(
    (await rejects(runPackbuild(opts(dir)))).message,
    'fetch chart "http://127.0.0.1:1/c.tgz"',
  );
});

Deno.test("registry auth: refused without credentials (with the hint), accepted with a Docker config", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({ "pack.yaml": rawInput(reg.host), "manifests/app.yaml": RAW_APP });
    const err = await rejects(runPackbuild(opts(dir)));
    assertStringIncludes(err.message, AUTH_HINT);
    assertStringIncludes(err.message, "no credentials");
    await Deno.mkdir(`${dir}/home/.docker`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/home/.docker/config.json`,
      JSON.stringify({ auths: { [reg.host]: { auth: btoa("u:p") } } }),
    );
    await runPackbuild(opts(dir, { env: (n) => (n === "HOME" ? `${dir}/home` : undefined) }));
  }, { auth: { kind: "basic", username: "u", password: "p" } });
});

Deno.test("CLI: summary line on stderr, exit codes, SOURCE_DATE_EPOCH stamps the build time", async () => {
  await withRegistry(async (reg) => {
    const dir = await tmp({ "pack.yaml": rawInput(reg.host), "manifests/app.yaml": RAW_APP });
    let err = "";
    const ctx = {
      env: (n: string) => (n === "SOURCE_DATE_EPOCH" ? "0" : undefined),
      stdout: () => {},
      stderr: (t: string) => void (err += t),
      cwd: dir,
    };
    assertEquals(
      await runCommand(packbuildCommand, ["--input", "pack.yaml", "--output", "out", "--plain-http"], ctx),
      0,
    );
    assertStringIncludes(err, "compiler packbuild: wrote out/test-raw-pack.yaml (raw: 3 objects");
    // Progress lines appear only on a TTY; the summary is always the one last line.
    assert(
      err.trimEnd().split("\n").every((l) => l.startsWith("compiler packbuild: ") && !l.includes("warning")),
    );
    assertEquals(
      crOf(await Deno.readTextFile(`${dir}/out/test-raw-pack.yaml`)).spec.provenance.buildTimestamp,
      "1970-01-01T00:00:00Z",
    );
    err = "";
    assertEquals(
      await runCommand(packbuildCommand, [
        "--input",
        "pack.yaml",
        "--output",
        "out",
        "--report",
        "out/report.json",
      ], ctx),
      0,
    );
    const report = JSON.parse(await Deno.readTextFile(`${dir}/out/report.json`));
    const text = JSON.stringify(report);
    for (const s of ["pack.yaml", "manifests/app.yaml", "test-raw-pack.yaml", "packbuild"]) {
      assertStringIncludes(text, s);
    }
    err = "";
    assertEquals(await runCommand(packbuildCommand, ["--input", "missing.yaml", "--output", "out"], ctx), 1);
    assertStringIncludes(err, 'compiler packbuild: read input file "missing.yaml"');
    err = "";
    assertEquals(await runCommand(packbuildCommand, ["--input", "pack.yaml"], ctx), 1);
    assertStringIncludes(err, "--output is required");
  });
});

Deno.test("§11.7 mock registry semantics (upstream's test double): the push flow needs nothing else", async () => {
  const fixed = "sha256:" + "cd".repeat(32);
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const u = new URL(req.url);
    await req.body?.cancel();
    seen.push(`${req.method} ${u.pathname}`);
    if (req.method === "HEAD" && u.pathname.includes("/blobs/")) return new Response(null, { status: 404 });
    if (req.method === "POST" && u.pathname.endsWith("/blobs/uploads/")) {
      return new Response(null, { status: 202, headers: { Location: `http://${u.host}/v2/upload-session` } });
    }
    if (req.method === "PUT" && u.pathname === "/v2/upload-session") {
      return new Response(null, { status: 201 });
    }
    if (req.method === "PUT" && u.pathname.includes("/manifests/")) {
      return new Response(null, { status: 201, headers: { "Docker-Content-Digest": fixed } });
    }
    return new Response(null, { status: 404 });
  });
  try {
    const dir = await tmp({
      "pack.yaml": rawInput(`127.0.0.1:${server.addr.port}`),
      "manifests/app.yaml": RAW_APP,
    });
    await runPackbuild(opts(dir));
    const cr = crOf(await Deno.readTextFile(`${dir}/out/test-raw-pack.yaml`));
    assertEquals([cr.spec.rbacDigest, cr.spec.workloadDigest, cr.spec.registryRef.digest], [
      fixed,
      fixed,
      fixed,
    ]);
    assert(seen.every((s) => !s.startsWith("GET")), seen.join("\n"));
  } finally {
    await server.shutdown();
  }
});
