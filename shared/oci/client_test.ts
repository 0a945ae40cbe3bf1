import { assert, assertEquals, assertStringIncludes } from "../testing/asserts.ts";
import { FakeRegistry, type FakeRegistryOptions } from "./testing/fake_registry.ts";
import { RegistryClient, type RegistryClientOptions, withDigestParam } from "./client.ts";
import { AUTH_HINT, DigestMismatchError, RegistryError } from "./errors.ts";
import { ociDigest } from "./digest.ts";
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MEDIA_TYPES } from "./manifest.ts";
import { packLayer, readYamlFiles } from "./layer.ts";

const enc = new TextEncoder();

async function withRegistry(
  options: FakeRegistryOptions,
  fn: (reg: FakeRegistry, client: (o?: Partial<RegistryClientOptions>) => RegistryClient) => Promise<void>,
) {
  const reg = new FakeRegistry(options);
  const sleeps: number[] = [];
  try {
    await fn(reg, (o = {}) =>
      new RegistryClient({
        registry: reg.host,
        plainHttp: true,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        ...o,
      }));
  } finally {
    await reg.close();
  }
}

async function rejects(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (err) {
    assert(err instanceof RegistryError, `expected RegistryError, got ${err}`);
    return err;
  }
  throw new Error("expected a rejection");
}

Deno.test("push blob: POST + monolithic PUT with absolute Location; second push is a HEAD hit", async () => {
  await withRegistry({}, async (reg, client) => {
    const c = client();
    const data = enc.encode("hello blob");
    const r1 = await c.pushBlob("packs/app", data);
    assertEquals(r1, { digest: ociDigest(data), size: data.length, uploaded: true });
    assertEquals(reg.blobs.get(r1.digest), data);
    const r2 = await c.pushBlob("packs/app", data);
    assertEquals(r2.uploaded, false);
    assertEquals(reg.count("POST"), 1);
    assertEquals(reg.count("HEAD"), 2);
    // The upload state in the query survives: `&digest=` is appended, not re-encoded.
    const put = reg.requests.find((r) => r.method === "PUT")!;
    assertStringIncludes(put.path, `?_state=s%3Du`);
    assertStringIncludes(put.path, `&digest=${r1.digest}`);
  });
});

Deno.test("push blob: a relative upload Location is resolved against the request URL (D-P6)", async () => {
  await withRegistry({ relativeLocation: true }, async (reg, client) => {
    const r = await client().pushBlob("a/b/c", enc.encode("x"));
    assert(reg.blobs.has(r.digest));
  });
});

Deno.test("push blob: chunked PATCH uploads follow each Location and honour OCI-Chunk-Min-Length", async () => {
  const data = enc.encode("0123456789".repeat(3) + "abcde"); // 35 bytes
  await withRegistry({ relativeLocation: true }, async (reg, client) => {
    const r = await client({ chunkSize: 10 }).pushBlob("chunky", data);
    assertEquals(reg.blobs.get(r.digest), data);
    assertEquals(reg.count("PATCH"), 4);
    assertEquals(reg.count("PUT"), 1);
  });
  await withRegistry({ chunkMinLength: 20 }, async (reg, client) => {
    await client({ chunkSize: 10 }).pushBlob("chunky", data);
    assertEquals(reg.count("PATCH"), 2);
  });
});

Deno.test("push blob: an upload answer without Location is an error", async () => {
  await withRegistry({ noLocation: true }, async (_reg, client) => {
    const err = await rejects(client().pushBlob("r", enc.encode("x")));
    assertStringIncludes(err.message, "without a Location header");
  });
});

Deno.test("manifests: PUT returns Docker-Content-Digest, else the sha256 of the bytes; GET verifies", async () => {
  for (const noManifestDigestHeader of [false, true]) {
    await withRegistry({ noManifestDigestHeader }, async (_reg, client) => {
      const c = client();
      await c.pushBlob("r", EMPTY_JSON);
      const layer = packLayer("---\nkind: ConfigMap\n");
      await c.pushBlob("r", layer);
      const res = await c.pushImage("r", "v1", {
        config: { mediaType: MEDIA_TYPES.imageConfig, bytes: EMPTY_JSON },
        layers: [{ mediaType: MEDIA_TYPES.layerTar, bytes: layer }],
      });
      assertEquals(res.digest, ociDigest(res.manifest));
      const text = new TextDecoder().decode(res.manifest);
      assertEquals(
        text,
        `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"${EMPTY_JSON_DIGEST}"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","size":${layer.length},"digest":"${
          ociDigest(layer)
        }"}]}`,
      );
      assertEquals(res.layers[0]!.uploaded, false);
      const byTag = await c.getManifest("r", "v1");
      assertEquals(byTag.digest, res.digest);
      assertEquals(byTag.mediaType, MEDIA_TYPES.imageManifest);
      const pulled = await c.pullImage("r", res.digest);
      assertEquals(pulled.layers.length, 1);
      assertEquals(readYamlFiles(pulled.layers[0]!.bytes), [{
        name: "manifests.yaml",
        text: "---\nkind: ConfigMap\n",
      }]);
    });
  }
});

Deno.test("manifests: GET of an unknown tag names MANIFEST_UNKNOWN without the push hint", async () => {
  await withRegistry({}, async (_reg, client) => {
    const err = await rejects(client().getManifest("r", "nope"));
    assertEquals(err.status, 404);
    assertStringIncludes(err.message, "MANIFEST_UNKNOWN");
    assert(!err.message.includes(AUTH_HINT));
  });
});

Deno.test("manifest PUT referring to a missing blob: 400 with the registry's code and the auth hint", async () => {
  await withRegistry({}, async (_reg, client) => {
    const err = await rejects(
      client().pushManifest(
        "r",
        "v1",
        enc.encode(`{"schemaVersion":2,"config":{"digest":"${EMPTY_JSON_DIGEST}"},"layers":[]}`),
      ),
    );
    assertEquals(err.status, 400);
    assertStringIncludes(err.message, "MANIFEST_BLOB_UNKNOWN");
    assertStringIncludes(err.message, AUTH_HINT);
    assertEquals(err.retryable, false);
  });
});

Deno.test("pull blob: corrupt content fails digest verification", async () => {
  await withRegistry({ corruptBlobs: true }, async (_reg, client) => {
    const c = client({ retry: { attempts: 1 } });
    const d = (await c.pushBlob("r", enc.encode("payload"))).digest;
    let caught: unknown;
    try {
      await c.pullBlob("r", d);
    } catch (err) {
      caught = err;
    }
    assert(caught instanceof DigestMismatchError);
    assertStringIncludes(caught.message, d);
  });
});

Deno.test("pull blob: redirects to a storage host are followed without the registry's Authorization", async () => {
  const storage = new FakeRegistry();
  try {
    const data = enc.encode("stored elsewhere");
    const d = ociDigest(data);
    storage.blobs.set(d, data);
    await withRegistry(
      { blobRedirect: storage.url, auth: { kind: "basic", username: "u", password: "p" } },
      async (reg, client) => {
        reg.blobs.set(d, data);
        const got = await client({ credential: { kind: "basic", username: "u", password: "p" } }).pullBlob(
          "r",
          d,
        );
        assertEquals(got, data);
        assertEquals(storage.requests.length, 1);
        assertEquals(storage.requests[0]!.authorization, null);
      },
    );
  } finally {
    await storage.close();
  }
});

Deno.test("basic auth: credentials are sent from the first request", async () => {
  await withRegistry(
    { auth: { kind: "basic", username: "alice", password: "s3cret" } },
    async (reg, client) => {
      const c = client({ credential: { kind: "basic", username: "alice", password: "s3cret" } });
      await c.pushBlob("r", enc.encode("x"));
      assertEquals(reg.requests.filter((r) => r.status === 401).length, 0);
    },
  );
});

Deno.test("basic auth: no credentials and wrong credentials fail clearly with the hint", async () => {
  await withRegistry(
    { auth: { kind: "basic", username: "alice", password: "s3cret" } },
    async (reg, client) => {
      const none = await rejects(client().pushBlob("r", enc.encode("x")));
      assertStringIncludes(none.message, "no credentials for " + reg.host);
      assertStringIncludes(none.message, AUTH_HINT);
      const wrong = await rejects(
        client({ credential: { kind: "basic", username: "alice", password: "nope" } }).pushBlob(
          "r",
          enc.encode("x"),
        ),
      );
      assertStringIncludes(wrong.message, "refused the credentials");
      assertStringIncludes(wrong.message, AUTH_HINT);
      const helper = await rejects(client({ credential: { kind: "helper", helper: "desktop" } }).ping());
      assertStringIncludes(helper.message, "docker-credential-desktop");
    },
  );
});

Deno.test("bearer auth: token fetched with Basic credentials, cached per scope", async () => {
  await withRegistry({ auth: { kind: "bearer", username: "bob", password: "pw" } }, async (reg, client) => {
    const c = client({ credential: { kind: "basic", username: "bob", password: "pw" } });
    await c.pushBlob("r", enc.encode("one"));
    await c.pushBlob("r", enc.encode("two"));
    await c.pushBlob("r", enc.encode("one"));
    const tokenReqs = reg.requests.filter((r) => r.path.startsWith("/token"));
    // One token for the push scope, one for the pull scope (HEAD).
    assertEquals(tokenReqs.length, 2);
    assertStringIncludes(tokenReqs.map((r) => r.path).join(" "), "scope=repository%3Ar%3Apull%2Cpush");
    assert(
      reg.requests.filter((r) => r.path.startsWith("/v2/r/")).every((r) =>
        r.status === 401 || r.authorization?.startsWith("Bearer ")
      ),
    );
  });
});

Deno.test("bearer auth: anonymous token refused → clear error; identity token uses the refresh flow", async () => {
  await withRegistry(
    { auth: { kind: "bearer", username: "bob", password: "pw", refreshToken: "rt-1" } },
    async (reg, client) => {
      const err = await rejects(client().pushBlob("r", enc.encode("x")));
      assertStringIncludes(err.message, "token request");
      assertStringIncludes(err.message, AUTH_HINT);
      await client({ credential: { kind: "identityToken", token: "rt-1" } }).pushBlob("r", enc.encode("x"));
      assert(reg.requests.some((r) => r.method === "POST" && r.path === "/token" && r.status === 200));
    },
  );
});

Deno.test("bearer auth: a registry token is sent as is", async () => {
  await withRegistry({ auth: { kind: "bearer" } }, async (reg, client) => {
    const err = await rejects(client({ credential: { kind: "registryToken", token: "bogus" } }).ping());
    assertStringIncludes(err.message, "refused the registry token");
    assertEquals(reg.requests[0]!.authorization, "Bearer bogus");
  });
});

Deno.test("retries: 5xx and 429 are retried with bounded back-off; a failed upload restarts from POST", async () => {
  await withRegistry({
    faults: [
      { method: "PUT", path: /manifests/, status: 503, times: 2 },
      { method: "PUT", path: /uploads/, status: 500, times: 1 },
      { method: "HEAD", status: 429, times: 1, headers: { "Retry-After": "1" } },
    ],
  }, async (reg, client) => {
    const sleeps: number[] = [];
    const c = client({ sleep: (ms) => (sleeps.push(ms), Promise.resolve()), retry: { baseDelayMs: 100 } });
    const d = (await c.pushBlob("r", EMPTY_JSON)).digest;
    assertEquals(reg.count("POST"), 2);
    const manifest = enc.encode(`{"schemaVersion":2,"config":{"digest":"${d}"},"layers":[]}`);
    assertEquals(await c.pushManifest("r", "t", manifest), ociDigest(manifest));
    assertEquals(sleeps, [1000, 100, 100, 200]);
  });
});

Deno.test("retries are bounded: a registry that keeps failing gives up with the last status", async () => {
  await withRegistry({ faults: [{ path: /manifests/, status: 502, times: 100 }] }, async (reg, client) => {
    const err = await rejects(client({ retry: { attempts: 3 } }).getManifest("r", "t"));
    assertEquals(err.status, 502);
    assertEquals(err.retryable, true);
    assertEquals(reg.count("GET", /manifests/), 3);
  });
});

Deno.test("4xx answers are not retried", async () => {
  await withRegistry({ faults: [{ path: /manifests/, status: 400, times: 100 }] }, async (reg, client) => {
    await rejects(client().getManifest("r", "t"));
    assertEquals(reg.count("GET", /manifests/), 1);
  });
});

// Generous margins: the second attempt must answer within the timeout on a loaded machine.
Deno.test("timeouts: a slow answer times out and is retried", async () => {
  await withRegistry(
    { faults: [{ method: "GET", path: /^\/v2\/$/, status: 0, delayMs: 1500, times: 1 }] },
    async (reg, client) => {
      const seen: number[] = [];
      await client({ timeoutMs: 500, onRequest: (e) => seen.push(e.status) }).ping();
      assertEquals(seen, [0, 200]);
      const err = await rejects(
        (async () => {
          reg.options.faults!.push({ method: "GET", path: /^\/v2\/$/, status: 0, delayMs: 1500, times: 1 });
          await client({ timeoutMs: 500, retry: { attempts: 1 } }).ping();
        })(),
      );
      assertStringIncludes(err.message, "timed out after 0.5s");
      assertEquals(err.code, "Timeout");
    },
  );
  // Let the delayed handlers finish before the sanitizers look.
  await new Promise((r) => setTimeout(r, 100));
});

Deno.test("network failures are retried, then reported", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const seen: number[] = [];
  const c = new RegistryClient({
    registry: `127.0.0.1:${port}`,
    plainHttp: true,
    retry: { attempts: 2 },
    sleep: () => Promise.resolve(),
    onRequest: (e) => seen.push(e.status),
  });
  const err = await rejects(c.ping());
  assertEquals(err.code, "NetworkError");
  assertEquals(seen, [0, 0]);
});

Deno.test("withDigestParam appends to an existing query or starts one", () => {
  assertEquals(
    withDigestParam("http://h/u?_state=a%3D", "sha256:ab"),
    "http://h/u?_state=a%3D&digest=sha256:ab",
  );
  assertEquals(withDigestParam("http://h/u", "sha256:ab"), "http://h/u?digest=sha256:ab");
});
