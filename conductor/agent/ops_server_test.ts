import { assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { opsHandler, startOpsServer } from "./ops_server.ts";

Deno.test("readyz reports reasons until ready", async () => {
  let reasons = ["leader election not started"];
  const h = opsHandler({ role: "tenant", clusterRef: "c1", readiness: { notReadyReasons: () => reasons } });
  const r1 = h(new Request("http://x/readyz"));
  assertEquals(r1.status, 503);
  assertStringIncludes(await r1.text(), "leader election not started");
  reasons = [];
  assertEquals(h(new Request("http://x/readyz")).status, 200);
  assertEquals(h(new Request("http://x/healthz")).status, 200);
  assertEquals(h(new Request("http://x/nope")).status, 404);
});

Deno.test("metrics are served over HTTP in Prometheus text format", async () => {
  const server = startOpsServer({
    addr: { hostname: "127.0.0.1", port: 0 },
    role: "management",
    clusterRef: 'we"ird',
    readiness: { notReadyReasons: () => [] },
  });
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/metrics`);
    const text = await res.text();
    assertStringIncludes(text, 'conductor_info{version="');
    assertStringIncludes(text, 'cluster="we\\"ird"');
  } finally {
    await server.shutdown();
  }
});
