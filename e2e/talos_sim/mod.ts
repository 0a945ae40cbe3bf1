/**
 * A wire-faithful Talos API simulator — THE ONE SIMULATED PEER of the Talos path (DEVELOPERS.md).
 * See ./README.md for what is and is not simulated.
 *
 * A `@grpc/grpc-js` server on 127.0.0.1 (random port) serving `machine.MachineService` from the same
 * hand-written protos as the client (proto/talos/, Talos' field numbers), over TLS 1.2+/h2 with a
 * server certificate issued from an Ed25519 OS CA and a **required** client certificate chained to
 * that CA (spec/talos.md §4.1). Roles come from the client certificate's `O=` values and gate the
 * methods per the §4.1 table. Targeting (§4.2): `node` (one-to-one, no metadata injection), `nodes`
 * (fan-out; `metadata.hostname` = target; per-target errors as `metadata.error`/`status`), or none
 * (the first node plays the endpoint).
 */
import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import { loadTalosRoot } from "../../conductor/execute/talos/proto.ts";
import type { CertAndKey } from "../../compiler/talos/secrets.ts";
import { issueClientCertificate, issueServerCertificate, makeOsCa, talosconfigText } from "./pki.ts";

export interface SimNodeOptions {
  /** The target name clients put in `node`/`nodes` (an IP or a name). */
  name: string;
  /** `Version.version.tag`, e.g. `v1.12.6`. */
  version?: string;
  type?: "controlplane" | "worker";
  /** Size of the deterministic etcd snapshot blob (default 1 MiB + 123). */
  snapshotBytes?: number;
  /** Chunk size of the EtcdSnapshot stream (default 64 KiB; Talos uses arbitrary sizes). */
  chunkBytes?: number;
}

export interface SimCall {
  method: string;
  /** The node that handled it (after routing). */
  node: string;
  /** `node` / `nodes` metadata as received. */
  nodeHeader?: string;
  nodesHeader?: string[];
  roles: string[];
  request: Record<string, unknown>;
}

export interface SimNode {
  name: string;
  version: string;
  type: "controlplane" | "worker";
  snapshot: Uint8Array;
  chunkBytes: number;
  memberId: bigint;
  bootstrapped: boolean;
}

export interface TalosSim {
  port: number;
  endpoint: string;
  /** OS CA (base64 PEM cert + key), talosconfig form. */
  ca: CertAndKey;
  nodes: Map<string, SimNode>;
  calls: SimCall[];
  /** A talosconfig with a fresh client cert for `roles` (default os:admin), endpoint = this sim. */
  talosconfig(o?: { roles?: string[]; nodes?: string[]; context?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Deterministic snapshot bytes (so a test can compare). */
export function snapshotBlob(node: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 2166136261;
  for (const c of node) x = Math.imul(x ^ c.charCodeAt(0), 16777619) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const ADMIN = ["os:admin"];
const OPERATOR = ["os:admin", "os:operator"];
const READER = ["os:admin", "os:operator", "os:reader"];
/** spec/talos.md §4.1 role table (subset served here). */
const ROLES: Record<string, string[]> = {
  Version: READER,
  EtcdMemberList: [...READER, "os:etcd:backup"],
  EtcdStatus: [...READER, "os:etcd:backup"],
  EtcdSnapshot: [...OPERATOR, "os:etcd:backup"],
  EtcdDefragment: OPERATOR,
  Reboot: OPERATOR,
  Shutdown: ADMIN,
  Reset: ADMIN,
  Upgrade: ADMIN,
  ApplyConfiguration: ADMIN,
  Bootstrap: ADMIN,
};
const CP_ONLY = new Set(["EtcdMemberList", "EtcdStatus", "EtcdSnapshot", "EtcdDefragment", "Bootstrap"]);

class RpcError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
  }
}

/** Subject `O=` values of a client certificate. */
function rolesOf(cert: unknown): string[] {
  const subject = (cert as { subject?: Record<string, string | string[]> } | undefined)?.subject;
  const o = subject?.["O"];
  const values = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return values.filter((v) => v.startsWith("os:"));
}

function rolesFromRaw(raw: Buffer | undefined): string[] {
  if (!raw) return [];
  const x = new X509Certificate(raw);
  return x.subject.split("\n").filter((l) => l.startsWith("O=")).map((l) => l.slice(2)).filter((v) =>
    v.startsWith("os:")
  );
}

export async function startTalosSim(
  o: {
    nodes: SimNodeOptions[];
    ca?: CertAndKey;
    /** IP SANs of the server certificate (default `127.0.0.1`, `::1`); to test client identity checks. */
    serverIps?: string[];
  },
): Promise<TalosSim> {
  const root = loadTalosRoot();
  const service = root.lookupService("machine.MachineService");
  const ca = o.ca ?? await makeOsCa();
  const caPem = new TextDecoder().decode(Uint8Array.from(atob(ca.crt), (c) => c.charCodeAt(0)));
  const nodes = new Map<string, SimNode>();
  let memberId = 0x8e5ea3b7c0d1f201n;
  for (const n of o.nodes) {
    const size = n.snapshotBytes ?? 1024 * 1024 + 123;
    nodes.set(n.name, {
      name: n.name,
      version: n.version ?? "v1.12.6",
      type: n.type ?? "controlplane",
      snapshot: snapshotBlob(n.name, size),
      chunkBytes: n.chunkBytes ?? 64 * 1024,
      memberId: memberId++,
      bootstrapped: false,
    });
  }
  const first = o.nodes[0]?.name;
  if (!first) throw new Error("talos sim: at least one node");
  const calls: SimCall[] = [];
  const server = new grpc.Server({ "grpc.max_receive_message_length": 32 * 1024 * 1024 });

  const meta = (hostname: string) => ({ hostname, error: "", status: null });
  /** Per-node handlers of unary methods: return the one per-node message (without metadata). */
  const unaryHandlers: Record<string, (n: SimNode, req: Record<string, unknown>) => Record<string, unknown>> =
    {
      Version: (n) => ({
        version: {
          tag: n.version,
          sha: "0000000",
          built: "",
          go_version: "go1.24",
          os: "linux",
          arch: "amd64",
        },
        platform: { name: "metal", mode: "metal" },
        features: { rbac: true },
      }),
      EtcdMemberList: () => ({
        legacy_members: [],
        members: [...nodes.values()].filter((m) => m.type === "controlplane").map((m) => ({
          id: m.memberId.toString(),
          hostname: m.name,
          peer_urls: [`https://${m.name}:2380`],
          client_urls: [`https://${m.name}:2379`],
          is_learner: false,
        })),
      }),
      EtcdStatus: (n) => ({
        member_status: {
          protocol_version: "3.5.0",
          db_size: n.snapshot.length.toString(),
          db_size_in_use: n.snapshot.length.toString(),
          member_id: n.memberId.toString(),
          leader: [...nodes.values()].find((m) => m.type === "controlplane")!.memberId.toString(),
        },
      }),
      EtcdDefragment: () => ({}),
      Reboot: (_n, req) => {
        if (req["mode"] === "FORCE" && !/^v1\.(1[2-9]|[2-9]\d)\./.test(_n.version)) {
          throw new RpcError(grpc.status.INVALID_ARGUMENT, "unsupported reboot mode");
        }
        return { actor_id: crypto.randomUUID() };
      },
      Shutdown: () => ({ actor_id: crypto.randomUUID() }),
      Reset: () => ({ actor_id: crypto.randomUUID() }),
      Upgrade: () => ({ ack: "Upgrade request received", actor_id: crypto.randomUUID() }),
      ApplyConfiguration: (_n, req) => {
        const mode = String(req["mode"] ?? "REBOOT");
        const details = mode === "STAGED"
          ? "Staged configuration to be applied after the next reboot"
          : mode === "REBOOT"
          ? "Applied configuration with a reboot"
          : "Applied configuration without a reboot";
        return { warnings: [], mode: mode === "AUTO" ? "NO_REBOOT" : mode, mode_details: details };
      },
      Bootstrap: (n) => {
        if (n.bootstrapped) {
          throw new RpcError(grpc.status.ALREADY_EXISTS, "etcd data directory is not empty");
        }
        n.bootstrapped = true;
        return {};
      },
    };

  const nodeFor = (name: string): SimNode => {
    const n = nodes.get(name);
    if (!n) throw new RpcError(grpc.status.UNAVAILABLE, `connection error: no route to node ${name}`);
    return n;
  };
  const checkCall = (method: string, n: SimNode, roles: string[]) => {
    const allowed = ROLES[method] ?? ADMIN;
    if (!roles.some((r) => allowed.includes(r))) {
      throw new RpcError(grpc.status.PERMISSION_DENIED, "not authorized");
    }
    if (CP_ONLY.has(method) && n.type !== "controlplane") {
      throw method === "Bootstrap"
        ? new RpcError(grpc.status.FAILED_PRECONDITION, "bootstrap is not available on worker nodes")
        : new RpcError(grpc.status.UNIMPLEMENTED, `${method} is only available on control plane nodes`);
    }
  };
  const routing = (md: grpc.Metadata) => {
    const node = md.get("node").map(String);
    const nodesList = md.get("nodes").flatMap((v) => String(v).split(",")).map((s) => s.trim()).filter(
      Boolean,
    );
    if (node.length > 1) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, "node metadata must be single-valued");
    }
    return { node: node[0], nodes: nodesList };
  };
  const peerRoles = (call: object): string[] => {
    const ctx = (call as unknown as { getAuthContext?: () => { sslPeerCertificate?: { raw?: Buffer } } })
      .getAuthContext?.();
    const cert = ctx?.sslPeerCertificate;
    return cert?.raw ? rolesFromRaw(cert.raw) : rolesOf(cert);
  };
  const errorEntry = (hostname: string, e: unknown) => {
    const code = e instanceof RpcError ? e.code : grpc.status.UNKNOWN;
    const message = e instanceof Error ? e.message : String(e);
    return { metadata: { hostname, error: message, status: { code, message, details: [] } } };
  };

  const impl: grpc.UntypedServiceImplementation = {};
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service.methods)) {
    method.resolve();
    const reqT = method.resolvedRequestType!;
    const resT = method.resolvedResponseType!;
    const decode = (b: Buffer) =>
      reqT.toObject(reqT.decode(b), { longs: String, enums: String, defaults: true }) as Record<
        string,
        unknown
      >;
    const encode = (v: Record<string, unknown>) => Buffer.from(resT.encode(resT.fromObject(v)).finish());
    const def = {
      path: `/machine.MachineService/${name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: (v: Buffer) => v,
      requestDeserialize: decode,
      responseSerialize: encode,
      responseDeserialize: (b: Buffer) => b,
    };
    if (name === "EtcdSnapshot") {
      definition[name] = def as grpc.MethodDefinition<unknown, unknown>;
      impl[name] = async (
        call: grpc.ServerWritableStream<Record<string, unknown>, Record<string, unknown>>,
      ) => {
        try {
          const roles = peerRoles(call);
          const r = routing(call.metadata);
          const targets = r.node !== undefined ? [r.node] : r.nodes.length > 0 ? r.nodes : [first];
          for (const t of targets) {
            calls.push({
              method: name,
              node: t,
              ...(r.node !== undefined ? { nodeHeader: r.node } : {}),
              ...(r.nodes.length > 0 ? { nodesHeader: r.nodes } : {}),
              roles,
              request: call.request,
            });
            const withHost = r.node === undefined && r.nodes.length > 0;
            let n: SimNode;
            try {
              n = nodeFor(t);
              checkCall(name, n, roles);
            } catch (e) {
              if (!withHost) throw e;
              call.write(errorEntry(t, e));
              continue;
            }
            for (let off = 0; off < n.snapshot.length; off += n.chunkBytes) {
              const bytes = n.snapshot.subarray(off, Math.min(off + n.chunkBytes, n.snapshot.length));
              const ok = call.write({ ...(withHost ? { metadata: meta(t) } : {}), bytes });
              if (!ok) await new Promise((res) => call.once("drain", res));
            }
          }
          call.end();
        } catch (e) {
          // grpc-js: an 'error' event on a server stream ends it with that status.
          call.emit("error", {
            code: e instanceof RpcError ? e.code : grpc.status.UNKNOWN,
            details: e instanceof Error ? e.message : String(e),
          });
        }
      };
      continue;
    }
    const handler = unaryHandlers[name];
    if (!handler || method.requestStream || method.responseStream) continue; // → UNIMPLEMENTED
    definition[name] = def as grpc.MethodDefinition<unknown, unknown>;
    impl[name] = (
      call: grpc.ServerUnaryCall<Record<string, unknown>, Record<string, unknown>>,
      cb: grpc.sendUnaryData<Record<string, unknown>>,
    ) => {
      try {
        const roles = peerRoles(call);
        const r = routing(call.metadata);
        const record = (node: string) =>
          calls.push({
            method: name,
            node,
            ...(r.node !== undefined ? { nodeHeader: r.node } : {}),
            ...(r.nodes.length > 0 ? { nodesHeader: r.nodes } : {}),
            roles,
            request: call.request,
          });
        if (r.node !== undefined || r.nodes.length === 0) {
          // one-to-one (proxied, reply unchanged) or the endpoint itself: metadata without hostname
          const target = r.node ?? first;
          record(target);
          const n = nodeFor(target);
          checkCall(name, n, roles);
          cb(null, { messages: [{ metadata: meta(""), ...handler(n, call.request) }] });
          return;
        }
        const messages: Record<string, unknown>[] = [];
        for (const t of r.nodes) {
          record(t);
          try {
            const n = nodeFor(t);
            checkCall(name, n, roles);
            messages.push({ metadata: meta(t), ...handler(n, call.request) });
          } catch (e) {
            messages.push(errorEntry(t, e));
          }
        }
        cb(null, { messages });
      } catch (e) {
        cb({ code: e instanceof RpcError ? e.code : grpc.status.UNKNOWN, details: (e as Error).message });
      }
    };
  }
  server.addService(definition as grpc.ServiceDefinition, impl);

  const srv = await issueServerCertificate(ca, {
    commonName: first,
    dnsNames: ["localhost", ...[...nodes.keys()].filter((n) => !/^[\d.:]+$/.test(n))],
    ips: o.serverIps ?? ["127.0.0.1", "::1"],
  });
  const creds = grpc.ServerCredentials.createSsl(
    Buffer.from(caPem),
    [{ cert_chain: Buffer.from(srv.certPem), private_key: Buffer.from(srv.keyPem) }],
    true,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (e, p) => e ? reject(e) : resolve(p))
  );
  const endpoint = `127.0.0.1:${port}`;
  return {
    port,
    endpoint,
    ca,
    nodes,
    calls,
    async talosconfig(t = {}) {
      const client = await issueClientCertificate(ca, t.roles ?? ["os:admin"]);
      return talosconfigText({
        context: t.context ?? "sim",
        endpoints: [endpoint],
        ...(t.nodes ? { nodes: t.nodes } : {}),
        ca,
        client,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
      }),
  };
}
