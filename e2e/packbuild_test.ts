// compiler packbuild against a real registry: Debian's docker-registry 2.8.2 on loopback
// (e2e/registry). The compiler runs as a subprocess under its own permission set; the layers are
// pulled back with shared/oci and unpacked with the system tar. Needs the Debian packages
// docker-registry and apache2-utils; a missing one fails with the package name, never skips.
import { assert, assertEquals, assertStringIncludes } from "../shared/testing/asserts.ts";
import { type AccessLine, type Registry, startRegistry, startTokenServer } from "./registry/mod.ts";
import { AUTH_HINT, gzip, readYamlFiles, RegistryClient, tarFiles } from "../shared/oci/mod.ts";
import { parseYamlStream } from "../shared/yaml_io.ts";
import { apiVersionOf, KIND_NAMES } from "../schemas/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = `${ROOT}compiler/main.ts`;

let denoDir: string | undefined;

/** The compiler as a user runs it, with HOME pointing at a test home (DENO_DIR kept, so the cache is). */
async function compiler(args: string[], opts: { cwd: string; home?: string }) {
  if (denoDir === undefined) {
    const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
      .output();
    denoDir = (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string }).denoDir;
  }
  const env = Deno.env.toObject();
  delete env.DOCKER_CONFIG;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", `--config=${ROOT}deno.json`, "-P=compiler", MAIN, ...args],
    cwd: opts.cwd,
    env: { ...env, NO_COLOR: "1", DENO_DIR: denoDir, HOME: opts.home ?? `${opts.cwd}/no-home` },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function copyDir(from: string, to: string) {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

async function readCr(path: string): Promise<Obj> {
  const docs = parseYamlStream(await Deno.readTextFile(path), path);
  assertEquals(docs.length, 1);
  return docs[0]!.value as Obj;
}

const isBlobWrite = (r: AccessLine) =>
  (r.method === "POST" || r.method === "PATCH" || r.method === "PUT") && r.path.includes("/blobs/uploads/");

async function systemTarExtract(tgz: Uint8Array): Promise<string> {
  const p = new Deno.Command("tar", {
    args: ["-xzO", "-f", "-", "manifests.yaml"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(tgz);
  await w.close();
  const out = await p.output();
  assert(out.success, "system tar could not extract the layer");
  return new TextDecoder().decode(out.stdout);
}

/** Pulls every layer the CR names and checks it against the registry's tags and the CR digests. */
async function verifyPushed(reg: Registry, cr: Obj, repo: string): Promise<Record<string, string>> {
  const client = new RegistryClient({ registry: reg.host, plainHttp: true });
  const version = cr.spec.version as string;
  const out: Record<string, string> = {};
  const buckets: [string, string | undefined][] = [
    ["rbac", cr.spec.rbacDigest],
    ["cluster-scoped", cr.spec.clusterScopedDigest],
    ["workload", cr.spec.workloadDigest],
  ];
  for (const [bucket, digest] of buckets) {
    if (digest === undefined) {
      const missing = await client.getManifest(repo, `${version}-${bucket}`).then(() => false, () => true);
      assert(missing, `${bucket} was pushed although the CR has no digest for it`);
      continue;
    }
    const byTag = await client.getManifest(repo, `${version}-${bucket}`);
    assertEquals(byTag.digest, digest, `${bucket}: tag digest differs from the CR`);
    const img = await client.pullImage(repo, digest);
    assertEquals(img.manifest.layers.length, 1);
    assertEquals(img.manifest.layers[0]!.mediaType, "application/vnd.oci.image.layer.v1.tar");
    const text = readYamlFiles(img.layers[0]!.bytes)[0]!.text;
    assertEquals(await systemTarExtract(img.layers[0]!.bytes), text);
    out[bucket] = text;
  }
  assertEquals(cr.spec.registryRef.digest, cr.spec.workloadDigest);
  return out;
}

const kindsOf = (layer: string) => [...layer.matchAll(/^kind: (\S+)$/gm)].map((m) => m[1]);

Deno.test({
  name:
    "e2e packbuild: raw and kustomize packs against docker-registry; re-push uploads nothing; CR digests match",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const reg = await startRegistry();
    const work = await Deno.makeTempDir({ prefix: "seam-e2e-packbuild-" });
    try {
      await t.step("raw: the example pack (examples/pack-raw.yaml) pushes three layers", async () => {
        await copyDir(`${ROOT}examples/pack-raw`, `${work}/pack-raw`);
        const example = await Deno.readTextFile(`${ROOT}examples/pack-raw.yaml`);
        await Deno.writeTextFile(
          `${work}/pack-raw.yaml`,
          example.replace(/^registryUrl: .*$/m, `registryUrl: ${reg.host}/ontai-dev/packs/minio-raw`),
        );
        const r = await compiler(["packbuild", "--input", "pack-raw.yaml", "--output", "out"], { cwd: work });
        assertEquals(r.code, 0, r.stderr);
        assertStringIncludes(r.stderr, "compiler packbuild: wrote out/minio-raw-v0.1.0-r1.yaml (raw: ");
        assertEquals(r.stdout, "");
        const cr = await readCr(`${work}/out/minio-raw-v0.1.0-r1.yaml`);
        assertEquals([cr.apiVersion, cr.kind], [apiVersionOf("PackDelivery"), KIND_NAMES.PackDelivery.kind]);
        assertEquals(cr.metadata.namespace, "seam-tenant-ccs-app");
        const layers = await verifyPushed(reg, cr, "ontai-dev/packs/minio-raw");
        assertEquals(kindsOf(layers.rbac!), ["ServiceAccount", "Role", "RoleBinding"]);
        assertEquals(kindsOf(layers["cluster-scoped"]!), ["PriorityClass"]);
        assertEquals(kindsOf(layers.workload!), ["Namespace", "Deployment", "Service"]);
      });

      await t.step("raw again: same digests and bytes, no blob uploaded twice (HEAD hits only)", async () => {
        const before = (await reg.requests()).length;
        const first = await Deno.readTextFile(`${work}/out/minio-raw-v0.1.0-r1.yaml`);
        const r = await compiler(["packbuild", "--input", "pack-raw.yaml", "--output", "out2"], {
          cwd: work,
        });
        assertEquals(r.code, 0, r.stderr);
        assertStringIncludes(r.stderr, "0 blobs uploaded, 6 already present");
        assertEquals(await Deno.readTextFile(`${work}/out2/minio-raw-v0.1.0-r1.yaml`), first);
        const second = (await reg.requests()).slice(before);
        assertEquals(second.filter(isBlobWrite), []);
        assertEquals(
          second.filter((x) => x.method === "HEAD" && x.path.includes("/blobs/")).map((x) => x.status),
          [
            200,
            200,
            200,
            200,
            200,
            200,
          ],
        );
        assertEquals(second.filter((x) => x.method === "PUT" && x.path.includes("/manifests/")).length, 3);
      });

      await t.step("kustomize: a kustomization with a generator, namespace and a CRD", async () => {
        const k = `${work}/kz`;
        await Deno.mkdir(`${k}/base`, { recursive: true });
        await Deno.writeTextFile(
          `${k}/base/kustomization.yaml`,
          "resources:\n  - app.yaml\n  - crd.yaml\nconfigMapGenerator:\n  - name: settings\n    literals: [mode=e2e]\n",
        );
        await Deno.writeTextFile(
          `${k}/base/app.yaml`,
          `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      serviceAccountName: app
      containers:
        - name: app
          image: busybox
          envFrom: [{configMapRef: {name: settings}}]
`,
        );
        await Deno.writeTextFile(
          `${k}/base/crd.yaml`,
          `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
`,
        );
        await Deno.writeTextFile(
          `${k}/kustomization.yaml`,
          "namespace: kz-apps\nnamePrefix: e2e-\nresources:\n  - base\n",
        );
        await Deno.writeTextFile(
          `${work}/pack-kz.yaml`,
          `name: kz-pack\nversion: v0.2.0\nregistryUrl: ${reg.host}/ontai-dev/packs/kz\ncategory: kustomize\nkustomizeSource:\n  path: kz\n`,
        );
        const r = await compiler(
          ["packbuild", "--input", "pack-kz.yaml", "--output", "out", "--plain-http"],
          { cwd: work },
        );
        assertEquals(r.code, 0, r.stderr);
        const cr = await readCr(`${work}/out/kz-pack.yaml`);
        assertEquals(cr.metadata.namespace, "seam-system");
        const layers = await verifyPushed(reg, cr, "ontai-dev/packs/kz");
        assertEquals(kindsOf(layers.rbac!), ["ServiceAccount"]);
        assertEquals(kindsOf(layers["cluster-scoped"]!), ["CustomResourceDefinition"]);
        // The SA's namespace is not declared: a Namespace is injected at the front of the workload.
        assertEquals(kindsOf(layers.workload!), ["Namespace", "ConfigMap", "Deployment"]);
        assertStringIncludes(layers.workload!, "name: e2e-settings-");
        assertStringIncludes(layers.workload!, "namespace: kz-apps");
      });
      await t.step("helm: a chart archive (file://) with a values file, CRDs and a hook", async () => {
        const enc = new TextEncoder();
        const chart: Record<string, string> = {
          "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.3.0\n",
          "values.yaml": "replicas: 1\nimage: {repo: busybox, tag: '1.36'}\n",
          "crds/gadgets.yaml":
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\n",
          "templates/sa.yaml":
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n",
          "templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: main
          image: "{{ .Values.image.repo }}:{{ .Values.image.tag }}"
`,
          "templates/hook.yaml":
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n",
          "templates/NOTES.txt": "demo installed",
        };
        await Deno.writeFile(
          `${work}/demo-0.3.0.tgz`,
          gzip(
            tarFiles(
              Object.entries(chart).map(([n, text]) => ({ name: `demo/${n}`, data: enc.encode(text) })),
            ),
          ),
        );
        await Deno.writeTextFile(`${work}/demo-values.yaml`, "replicas: 3\nimage: {tag: '1.37'}\n");
        await Deno.writeTextFile(
          `${work}/pack-helm.yaml`,
          `name: demo-helm\nversion: v0.3.0-r1\nregistryUrl: ${reg.host}/ontai-dev/packs/demo\ntargetClusters: [ccs-dev]\ncategory: helm\nhelmSource:\n  url: file://demo-0.3.0.tgz\n  version: 0.3.0\n  valuesFile: demo-values.yaml\n  namespace: demo\n`,
        );
        const r = await compiler(["packbuild", "--input", "pack-helm.yaml", "--output", "out"], {
          cwd: work,
        });
        assertEquals(r.code, 0, r.stderr);
        const cr = await readCr(`${work}/out/demo-helm.yaml`);
        assertEquals([cr.spec.chartName, cr.spec.chartVersion, cr.spec.valuesFile], [
          "demo",
          "0.3.0",
          "demo-values.yaml",
        ]);
        assert(String(cr.spec.helmVersion).startsWith("v3."));
        const layers = await verifyPushed(reg, cr, "ontai-dev/packs/demo");
        assertEquals(kindsOf(layers.rbac!), ["ServiceAccount"]);
        assertEquals(kindsOf(layers["cluster-scoped"]!), ["CustomResourceDefinition"]);
        // Templates without metadata.namespace: nothing to inject (the release namespace is the runtime's).
        assertEquals(kindsOf(layers.workload!), ["Deployment"]);
        // Values are deep-merged like helm -f (D11): the chart's image.repo survives the override.
        assertStringIncludes(layers.workload!, 'image: "busybox:1.37"');
        assertStringIncludes(layers.workload!, "replicas: 3");
      });

      await t.step(
        "shared/oci against the real registry: chunked PATCH upload, HEAD hit, verified pull",
        async () => {
          const client = new RegistryClient({ registry: reg.host, plainHttp: true, chunkSize: 16 * 1024 });
          const blob = new Uint8Array(100_000).map((_, i) => (i * 7919) % 251);
          const before = (await reg.requests(0)).length;
          const pushed = await client.pushBlob("oci/chunked", blob);
          assert(pushed.uploaded);
          const reqs = (await reg.requests()).slice(before);
          assertEquals(reqs.filter((r) => r.method === "PATCH").map((r) => r.status), [
            202,
            202,
            202,
            202,
            202,
            202,
            202,
          ]);
          assertEquals(await client.pullBlob("oci/chunked", pushed.digest), blob);
          assertEquals((await client.pushBlob("oci/chunked", blob)).uploaded, false);
        },
      );
    } finally {
      await reg.stop();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "e2e packbuild: htpasswd Basic auth works with a Docker config and fails clearly without",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const reg = await startRegistry({ basicAuth: { username: "seam", password: "e2e-pass" } });
    const work = await Deno.makeTempDir({ prefix: "seam-e2e-packbuild-auth-" });
    try {
      await Deno.mkdir(`${work}/m`);
      await Deno.writeTextFile(
        `${work}/m/cm.yaml`,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: x\n",
      );
      await Deno.writeTextFile(
        `${work}/pack.yaml`,
        `name: auth-pack\nversion: v1\nregistryUrl: ${reg.host}/secure/pack\ntargetClusters: [t1]\nrawSource: {path: m}\n`,
      );
      const dockerHome = async (user: string, pass: string) => {
        const home = `${work}/home-${user}-${pass}`;
        await Deno.mkdir(`${home}/.docker`, { recursive: true });
        await Deno.writeTextFile(
          `${home}/.docker/config.json`,
          JSON.stringify({ auths: { [reg.host]: { auth: btoa(`${user}:${pass}`) } } }),
        );
        return home;
      };

      await t.step(
        "without credentials: exit 1, one line naming the missing credentials and the hint",
        async () => {
          const r = await compiler(["packbuild", "--input", "pack.yaml", "--output", "out"], { cwd: work });
          assertEquals(r.code, 1);
          assertStringIncludes(r.stderr, "no credentials for " + reg.host);
          assertStringIncludes(r.stderr, AUTH_HINT);
          assertEquals(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
          await Deno.stat(`${work}/out`).then(() => assert(false, "output written"), () => {});
        },
      );

      await t.step("wrong password: refused, nothing written", async () => {
        const r = await compiler(["packbuild", "--input", "pack.yaml", "--output", "out"], {
          cwd: work,
          home: await dockerHome("seam", "wrong"),
        });
        assertEquals(r.code, 1);
        assertStringIncludes(r.stderr, "refused the credentials");
        assertStringIncludes(r.stderr, AUTH_HINT);
      });

      await t.step("with ~/.docker/config.json: pushed, and the digests pull back", async () => {
        const r = await compiler(["packbuild", "--input", "pack.yaml", "--output", "out"], {
          cwd: work,
          home: await dockerHome("seam", "e2e-pass"),
        });
        assertEquals(r.code, 0, r.stderr);
        const cr = await readCr(`${work}/out/auth-pack.yaml`);
        assertEquals(cr.metadata.namespace, "seam-tenant-t1");
        const client = new RegistryClient({
          registry: reg.host,
          plainHttp: true,
          credential: { kind: "basic", username: "seam", password: "e2e-pass" },
        });
        const img = await client.pullImage("secure/pack", cr.spec.workloadDigest);
        assertEquals(kindsOf(readYamlFiles(img.layers[0]!.bytes)[0]!.text), ["ConfigMap"]);
        const anon = new RegistryClient({ registry: reg.host, plainHttp: true, retry: { attempts: 1 } });
        const err = await anon.pullImage("secure/pack", cr.spec.workloadDigest).then(
          () => undefined,
          (e) => e,
        );
        assertStringIncludes(String(err?.message), "401");
      });
    } finally {
      await reg.stop();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "e2e packbuild: Bearer token auth (docker-registry token realm) from Docker-config credentials",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const work = await Deno.makeTempDir({ prefix: "seam-e2e-packbuild-token-" });
    const tokens = await startTokenServer(work, { username: "robot", password: "t0ken-pass" });
    const reg = await startRegistry({ tokenAuth: tokens });
    try {
      await Deno.mkdir(`${work}/m`);
      await Deno.writeTextFile(
        `${work}/m/app.yaml`,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: tok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: tok\n",
      );
      await Deno.writeTextFile(
        `${work}/pack.yaml`,
        `name: token-pack\nversion: v1\nregistryUrl: ${reg.host}/bearer/pack\nrawSource: {path: m}\n`,
      );

      await t.step("without credentials the token service refuses: exit 1 with the hint", async () => {
        const r = await compiler(["packbuild", "--input", "pack.yaml", "--output", "out"], { cwd: work });
        assertEquals(r.code, 1);
        assertStringIncludes(r.stderr, "token request");
        assertStringIncludes(r.stderr, AUTH_HINT);
      });

      await t.step("with credentials: tokens per scope, pushed, pulled back by digest", async () => {
        const home = `${work}/home`;
        await Deno.mkdir(`${home}/.docker`, { recursive: true });
        await Deno.writeTextFile(
          `${home}/.docker/config.json`,
          JSON.stringify({ auths: { [`http://${reg.host}`]: { auth: btoa("robot:t0ken-pass") } } }),
        );
        const before = tokens.requests.length;
        const r = await compiler(["packbuild", "--input", "pack.yaml", "--output", "out"], {
          cwd: work,
          home,
        });
        assertEquals(r.code, 0, r.stderr);
        // One token for the pull scope (HEAD) and one for push: cached for every other request.
        assertEquals(tokens.requests.slice(before).map((x) => x.status), [200, 200]);
        const cr = await readCr(`${work}/out/token-pack.yaml`);
        const client = new RegistryClient({
          registry: reg.host,
          plainHttp: true,
          credential: { kind: "basic", username: "robot", password: "t0ken-pass" },
        });
        const img = await client.pullImage("bearer/pack", cr.spec.rbacDigest);
        assertEquals(kindsOf(readYamlFiles(img.layers[0]!.bytes)[0]!.text), ["ServiceAccount"]);
        assert(
          (await reg.requests()).every((x) => x.status !== 401 || x.path.startsWith("/v2/")),
          "only /v2/ requests are challenged",
        );
      });
    } finally {
      await reg.stop();
      await tokens.stop();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
