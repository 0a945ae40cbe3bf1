/**
 * The Talos API client (conductor/execute/talos/) against the Talos API simulator (e2e/talos_sim/) —
 * the ONE SIMULATED PEER of the Talos path: a wire-faithful grpc-js server serving the same
 * hand-written protos (Talos' field numbers) over mTLS. Nothing here talks to a real Talos node.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../shared/testing/asserts.ts";
import { TalosCallError, TalosClient, TalosNodeError } from "../conductor/execute/talos/client.ts";
import { parseTalosconfig } from "../conductor/execute/talos/talosconfig.ts";
import { type SimNodeOptions, snapshotBlob, startTalosSim } from "./talos_sim/mod.ts";
import { issueClientCertificate, makeOsCa, talosconfigText } from "./talos_sim/pki.ts";

const SIM = "simulated peer: e2e/talos_sim";

async function withSim(
  fn: (sim: Awaited<ReturnType<typeof startTalosSim>>) => Promise<void>,
  nodes: SimNodeOptions[] = [
    { name: "10.5.0.2", version: "v1.12.6", snapshotBytes: 300_017, chunkBytes: 4096 },
    { name: "10.5.0.3", version: "v1.11.6" },
    { name: "10.5.0.9", version: "v1.12.6", type: "worker" },
  ],
) {
  const sim = await startTalosSim({ nodes });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

Deno.test(`Version over mTLS, endpoint node and per-node targeting (${SIM})`, async () => {
  await withSim(async (sim) => {
    const client = TalosClient.fromTalosconfig(await sim.talosconfig());
    try {
      const own = await client.version();
      assertEquals(own.map((m) => [m.metadata.hostname, m.version.tag]), [["", "v1.12.6"]]);
      const one = await client.version({ node: "10.5.0.3" });
      assertEquals(one.map((m) => m.version.tag), ["v1.11.6"]);
      const many = await client.version({ nodes: ["10.5.0.2", "10.5.0.3"] });
      assertEquals(many.map((m) => [m.metadata.hostname, m.version.tag]), [
        ["10.5.0.2", "v1.12.6"],
        ["10.5.0.3", "v1.11.6"],
      ]);
      const calls = sim.calls.filter((c) => c.method === "Version");
      assertEquals(calls.map((c) => c.node), ["10.5.0.2", "10.5.0.3", "10.5.0.2", "10.5.0.3"]);
      assertEquals(calls[1]!.nodeHeader, "10.5.0.3");
      assertEquals(calls[2]!.nodesHeader, ["10.5.0.2", "10.5.0.3"]);
      assertEquals(calls[0]!.roles, ["os:admin"]);
    } finally {
      client.close();
    }
  });
});

Deno.test(`EtcdSnapshot streams to a file with the right bytes (${SIM})`, async () => {
  await withSim(async (sim) => {
    const client = TalosClient.fromTalosconfig(await sim.talosconfig());
    const path = await Deno.makeTempFile({ suffix: ".snapshot" });
    try {
      const file = await Deno.open(path, { write: true, truncate: true });
      const r = await client.etcdSnapshot(file.writable);
      assertEquals(r.bytes, 300_017);
      assertEquals(r.chunks, Math.ceil(300_017 / 4096));
      const got = await Deno.readFile(path);
      assertEquals(got.length, 300_017);
      const want = snapshotBlob("10.5.0.2", 300_017);
      assert(got.every((b, i) => b === want[i]), "snapshot bytes differ");
      // node targeting of the stream
      const chunks: Uint8Array[] = [];
      const r2 = await client.etcdSnapshot({ write: (c: Uint8Array) => void chunks.push(c.slice()) }, {
        node: "10.5.0.3",
      });
      assertEquals(r2.bytes, 1024 * 1024 + 123);
      assertEquals(sim.calls.filter((c) => c.method === "EtcdSnapshot").map((c) => c.node), [
        "10.5.0.2",
        "10.5.0.3",
      ]);
    } finally {
      client.close();
      await Deno.remove(path);
    }
  });
});

Deno.test(`per-node errors and call errors surface (${SIM})`, async () => {
  await withSim(async (sim) => {
    const client = TalosClient.fromTalosconfig(await sim.talosconfig());
    try {
      // a worker answers CP-only methods with Unimplemented
      const e1 = await assertRejects(() => client.etcdDefragment({ node: "10.5.0.9" }), TalosCallError);
      assertEquals(e1.code, 12);
      // fan-out: the failing target becomes a per-node error
      const e2 = await assertRejects(
        () => client.etcdDefragment({ nodes: ["10.5.0.2", "10.5.0.9"] }),
        TalosNodeError,
      );
      assertEquals(e2.failures.map((f) => [f.hostname, f.code]), [["10.5.0.9", 12]]);
      assertStringIncludes(e2.message, "only available on control plane nodes");
      // a stream: the fan-out target's error entry ends the stream with that error
      const e4 = await assertRejects(
        () => client.etcdSnapshot({ write: () => {} }, { nodes: ["10.5.0.9"] }),
        TalosNodeError,
      );
      assertEquals(e4.failures.map((f) => f.hostname), ["10.5.0.9"]);
      // Bootstrap: AlreadyExists on the second call
      await client.bootstrap({}, { node: "10.5.0.2" });
      const e3 = await assertRejects(() => client.bootstrap({}, { node: "10.5.0.2" }), TalosCallError);
      assertEquals(e3.code, 6);
      const members = await client.etcdMemberList();
      assertEquals(members[0]!.members.map((m) => m.hostname), ["10.5.0.2", "10.5.0.3"]);
      assertEquals(members[0]!.members[0]!.id, (0x8e5ea3b7c0d1f201n).toString());
      const rb = await client.reboot("POWERCYCLE", { node: "10.5.0.9" });
      assertEquals(rb.length, 1);
      assertEquals(sim.calls.at(-1)!.request["mode"], "POWERCYCLE");
      const up = await client.upgrade({ image: "ghcr.io/siderolabs/installer:v1.12.6" }, {
        node: "10.5.0.2",
      });
      assertEquals(up[0]!.ack, "Upgrade request received");
      const ap = await client.applyConfiguration({
        data: new TextEncoder().encode("version: v1alpha1\n"),
        mode: "STAGED",
      });
      assertEquals(ap[0]!.mode, "STAGED");
      assertEquals(sim.calls.at(-1)!.request["data"] instanceof Uint8Array, true);
    } finally {
      client.close();
    }
  });
});

Deno.test(`roles from the client certificate gate methods (${SIM})`, async () => {
  await withSim(async (sim) => {
    const client = TalosClient.fromTalosconfig(await sim.talosconfig({ roles: ["os:reader"] }));
    try {
      await client.version();
      const e = await assertRejects(() => client.reboot(), TalosCallError);
      assertEquals(e.code, 7);
      const backup = TalosClient.fromTalosconfig(await sim.talosconfig({ roles: ["os:etcd:backup"] }));
      try {
        const r = await backup.etcdSnapshot({ write: () => {} }, { node: "10.5.0.3" });
        assertEquals(r.bytes, 1024 * 1024 + 123);
      } finally {
        backup.close();
      }
    } finally {
      client.close();
    }
  });
});

Deno.test(`a client without a certificate is refused (${SIM})`, async () => {
  await withSim(async (sim) => {
    const text = await sim.talosconfig();
    const ctx = parseTalosconfig(text);
    // Same CA and endpoint, no client cert: build the channel by hand (the client always sends one).
    const grpc = await import("@grpc/grpc-js");
    const { Buffer } = await import("node:buffer");
    const c = new grpc.Client(sim.endpoint, grpc.credentials.createSsl(Buffer.from(ctx.caPem)), {
      "grpc.ssl_target_name_override": "localhost",
    });
    try {
      const err = await new Promise<{ code?: number; message: string }>((resolve) =>
        c.makeUnaryRequest(
          "/machine.MachineService/Version",
          (b: Uint8Array) => Buffer.from(b),
          (b: Uint8Array) => b,
          new Uint8Array(0),
          new grpc.Metadata(),
          { deadline: Date.now() + 10_000 },
          (e) => resolve(e ?? { message: "accepted" }),
        )
      );
      assertEquals(err.code, 14);
      assert(/certificate/i.test(err.message), err.message);
      assertEquals(sim.calls.length, 0);
    } finally {
      c.close();
    }
  });
});

Deno.test(`a client certificate from another CA is refused (${SIM})`, async () => {
  await withSim(async (sim) => {
    const other = await makeOsCa();
    const foreign = await issueClientCertificate(other);
    const text = talosconfigText({ context: "x", endpoints: [sim.endpoint], ca: sim.ca, client: foreign });
    const client = TalosClient.fromTalosconfig(text, { unaryDeadlineMs: 10_000 });
    try {
      const e = await assertRejects(() => client.version(), TalosCallError);
      assertEquals(e.code, 14);
      assertEquals(sim.calls.length, 0);
    } finally {
      client.close();
    }
  });
});

Deno.test(`a server certificate from another CA is refused by the client (${SIM})`, async () => {
  await withSim(async (sim) => {
    const other = await makeOsCa();
    const client = await issueClientCertificate(sim.ca);
    // The client trusts a different CA than the one that issued the simulator's server certificate.
    const text = talosconfigText({ context: "x", endpoints: [sim.endpoint], ca: other, client });
    const c = TalosClient.fromTalosconfig(text, { unaryDeadlineMs: 10_000 });
    try {
      const e = await assertRejects(() => c.version(), TalosCallError);
      assertEquals(e.code, 14);
    } finally {
      c.close();
    }
  });
});

// ---- etcd-backup handler (conductor.md §10.6) against the simulator ----

import { makeEtcdBackup } from "../conductor/execute/talos/etcd_backup.ts";
import type { HandlerContext } from "../conductor/execute/types.ts";
import type { KubeClient } from "../conductor/agent/kube_client.ts";
import { nullLogger } from "../shared/logger.ts";
import { fixedClock } from "../shared/clock.ts";

function handlerContext(items: unknown[], env: Record<string, string> = {}): HandlerContext {
  const kube = {
    list: (path: string) => {
      assertEquals(path, "/apis/seam.ontai.dev/v1alpha1/namespaces/seam-tenant-ccs-mgmt/etcdmaintenances");
      return Promise.resolve({ items });
    },
    get: () => Promise.reject(new Error("unexpected get")),
  } as unknown as KubeClient;
  return {
    capability: "etcd-backup",
    clusterRef: "ccs-mgmt",
    namespace: "ont-system",
    operationResultCM: "",
    parameters: {},
    env: (n) => env[n],
    clients: {
      management: () => Promise.resolve(kube),
      tenant: () => Promise.resolve(undefined),
      oci: () => Promise.reject(new Error("no oci")),
    },
    log: nullLogger,
    clock: fixedClock("2026-05-01T10:00:41Z"),
    startedAt: new Date("2026-05-01T10:00:00Z"),
  } as HandlerContext;
}

Deno.test(`etcd-backup: EtcdSnapshot to a temp file, then the upload gets the exact bytes (${SIM})`, async () => {
  await withSim(async (sim) => {
    const text = await sim.talosconfig({ roles: ["os:etcd:backup"] });
    const uploads: { bucket: string; key: string; length: number; bytes: Uint8Array }[] = [];
    const handler = makeEtcdBackup({
      talos: () => Promise.resolve(TalosClient.fromTalosconfig(text)),
      storage: () =>
        Promise.resolve({
          put: async (o) => void uploads.push({ ...o, bytes: await Deno.readFile(o.path) }),
        }),
    });
    const result = await handler(handlerContext([
      { spec: { operation: "defrag" } },
      { spec: { operation: "backup", s3Destination: { bucket: "ont-backups", key: "" } } },
    ]));
    assertEquals(result.status, "Succeeded", JSON.stringify(result.failureReason));
    assertEquals(result.artifacts, [{
      name: "etcd-snapshot",
      kind: "S3Object",
      reference: "s3://ont-backups/etcd-backup-ccs-mgmt-20260501T100000Z.snapshot",
      checksum: "",
    }]);
    assertEquals(result.steps.map((s) => [s.name, s.status]), [["etcd-snapshot", "Succeeded"], [
      "s3-upload",
      "Succeeded",
    ]]);
    assertEquals(uploads.length, 1);
    assertEquals(uploads[0]!.length, 300_017);
    const want = snapshotBlob("10.5.0.2", 300_017);
    assert(uploads[0]!.bytes.every((b, i) => b === want[i]), "uploaded bytes differ from the snapshot");
    assertEquals(sim.calls.map((c) => [c.method, c.node, c.nodeHeader]), [[
      "EtcdSnapshot",
      "10.5.0.2",
      undefined,
    ]]);
  });
});

Deno.test(`etcd-backup: absent clients and a missing bucket are ValidationFailures, no Talos call (${SIM})`, async () => {
  await withSim(async (sim) => {
    const text = await sim.talosconfig();
    const noStorage = await makeEtcdBackup({
      talos: () => Promise.resolve(TalosClient.fromTalosconfig(text)),
      storage: () => Promise.resolve(undefined),
    })(handlerContext([]));
    assertEquals(noStorage.failureReason?.category, "ValidationFailure");
    assertStringIncludes(noStorage.failureReason!.reason, "storage (S3_REGION unset)");
    const noBucket = await makeEtcdBackup({
      talos: () => Promise.resolve(TalosClient.fromTalosconfig(text)),
      storage: () => Promise.resolve({ put: () => Promise.resolve() }),
    })(handlerContext([{ spec: { operation: "backup" } }]));
    assertEquals(noBucket.failureReason?.category, "ValidationFailure");
    assertEquals(sim.calls, []);
  });
});

Deno.test(`etcd-backup: a worker endpoint fails the snapshot step with ExecutionFailure (${SIM})`, async () => {
  await withSim(async (sim) => {
    const text = await sim.talosconfig();
    const r = await makeEtcdBackup({
      talos: () => Promise.resolve(TalosClient.fromTalosconfig(text)),
      storage: () => Promise.resolve({ put: () => Promise.reject(new Error("must not upload")) }),
    })(handlerContext([{ spec: { operation: "backup", s3Destination: { bucket: "b", key: "k" } } }]));
    assertEquals(r.status, "Failed");
    assertEquals(r.failureReason?.category, "ExecutionFailure");
    assertEquals(r.failureReason?.failedStep, "etcd-snapshot");
    assertStringIncludes(r.failureReason!.reason, "only available on control plane nodes");
  }, [{ name: "10.5.0.9", version: "v1.12.6", snapshotBytes: 10, chunkBytes: 4096, type: "worker" }]);
});

Deno.test(`endpoints: an unreachable first endpoint falls through to the next; DNS-name endpoints verify by name (${SIM})`, async () => {
  await withSim(async (sim) => {
    const client = await issueClientCertificate(sim.ca);
    // A port that was just free and is closed again: connections to it are refused.
    const dead = (() => {
      const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (l.addr as Deno.NetAddr).port;
      l.close();
      return `127.0.0.1:${port}`;
    })();
    const text = talosconfigText({
      context: "x",
      endpoints: [dead, `localhost:${sim.port}`],
      ca: sim.ca,
      client,
    });
    const c = TalosClient.fromTalosconfig(text, { unaryDeadlineMs: 10_000 });
    try {
      const v = await c.version();
      assertEquals(v.map((m) => m.version.tag), ["v1.12.6"]);
      assertEquals(sim.calls.length, 1);
    } finally {
      c.close();
    }
  });
});

Deno.test(`an IP endpoint is verified against the server certificate's IP SANs (${SIM})`, async () => {
  const sim = await startTalosSim({ nodes: [{ name: "10.5.0.2" }], serverIps: ["10.9.9.9"] });
  const c = TalosClient.fromTalosconfig(await sim.talosconfig(), { unaryDeadlineMs: 10_000 });
  try {
    const e = await assertRejects(() => c.version(), TalosCallError);
    assertEquals(e.code, 14);
    assertStringIncludes(e.message, "is not in the cert's list");
    assertEquals(sim.calls.length, 0);
  } finally {
    c.close();
    await sim.close();
  }
});
