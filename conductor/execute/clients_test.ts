import { assertEquals, assertRejects } from "../../shared/testing/asserts.ts";
import { KubeError } from "../agent/kube_client.ts";
import { plainHttpFor, retryable, RetryingKubeClient } from "./clients.ts";

Deno.test("RetryingKubeClient: 429 retried for any method, 5xx only for reads, then the error surfaces", async () => {
  const seen: string[] = [];
  const plan: Record<string, number[]> = {
    "GET /a": [429, 503, 200],
    "POST /b": [500],
    "POST /c": [429, 201],
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const key = `${req.method} ${new URL(req.url).pathname}`;
    seen.push(key);
    const status = plan[key]?.shift() ?? 404;
    return new Response(JSON.stringify({ reason: "R", message: "m", ok: status < 300 }), { status });
  });
  const c = new RetryingKubeClient(
    { server: `http://127.0.0.1:${server.addr.port}` },
    () => Promise.resolve(),
  );
  try {
    assertEquals(await c.get("/a"), { reason: "R", message: "m", ok: true });
    await assertRejects(() => c.create("/b", {}), KubeError, "HTTP 500");
    assertEquals((await c.create<{ ok: boolean }>("/c", {})).ok, true);
    await assertRejects(() => c.get("/missing"), KubeError, "HTTP 404");
    assertEquals(seen, ["GET /a", "GET /a", "GET /a", "POST /b", "POST /c", "POST /c", "GET /missing"]);
  } finally {
    c.close();
    await server.shutdown();
  }
  assertEquals(retryable("GET", new TypeError("connection refused")), true);
  assertEquals(retryable("PATCH", new TypeError("connection refused")), false);
});

Deno.test("plain HTTP: loopback and 10.* by default, OCI_PLAIN_HTTP, OCI_INSECURE_REGISTRIES", () => {
  const env = (m: Record<string, string>) => (n: string) => m[n];
  assertEquals(plainHttpFor("127.0.0.1:5000", env({})), true);
  assertEquals(plainHttpFor("registry.example:5000", env({})), false);
  assertEquals(plainHttpFor("registry.example:5000", env({ OCI_PLAIN_HTTP: "true" })), true);
  assertEquals(
    plainHttpFor("registry.example:5000", env({ OCI_INSECURE_REGISTRIES: "a:1, registry.example:5000" })),
    true,
  );
});
