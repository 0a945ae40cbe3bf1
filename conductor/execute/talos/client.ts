/**
 * @seam-boundary talos-api
 *
 * The Talos machine API client (spec/talos.md §4; conductor.md §9.2, §10.0.3–§10.0.4) on
 * `@grpc/grpc-js` with the wire-exact protos of proto/talos/ (loaded at run time by ./proto.ts).
 *
 * - Transport: TLS to `host:port` endpoints, server verified against the talosconfig `ca` with the
 *   endpoint host as the expected name (IP SAN for IP endpoints), client certificate + key from the
 *   talosconfig (mTLS). Deno's TLS refuses an IP as SNI server name, so for IP endpoints the SNI is a
 *   fixed placeholder and the identity check is made against the IP explicitly.
 * - Targeting: `node` metadata (one-to-one, per-node calls) or `nodes` (one-to-many); none = the
 *   endpoint node.
 * - Replies: every unary reply is `{messages}`; messages carrying `metadata.error` are per-node
 *   failures and make the call fail with {@link TalosNodeError} (the Go client's FilterMessages).
 * - Endpoints are tried in order; the next one is used only when the current one is unreachable
 *   (UNAVAILABLE before any reply).
 * - Every call has a deadline (default 30 s unary, 10 min for streams).
 */
import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { isIP } from "node:net";
import type protobuf from "protobufjs";
import { loadTalosRoot } from "./proto.ts";
import { endpointHost, parseTalosconfig, type TalosContext } from "./talosconfig.ts";

export const DEFAULT_UNARY_DEADLINE_MS = 30_000;
export const DEFAULT_STREAM_DEADLINE_MS = 10 * 60_000;
/** spec/talos.md §4.1: `GRPCMaxMessageSize`. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** SNI name used for IP endpoints (never verified; the IP is). */
export const IP_ENDPOINT_SNI = "talos-api.invalid";

const SERVICE = "machine.MachineService";

export interface CallOptions {
  /** One-to-one: `node` metadata (the endpoint proxies to exactly this node). */
  node?: string;
  /** One-to-many: `nodes` metadata. Ignored when `node` is set. */
  nodes?: readonly string[];
  deadlineMs?: number;
}

/** `common.Metadata` as decoded. */
export interface ReplyMetadata {
  hostname: string;
  error: string;
  status?: { code: number; message: string };
}

export interface NodeFailure {
  hostname: string;
  message: string;
  code?: number;
}

/** The gRPC call itself failed (transport, auth, status ≠ OK). */
export class TalosCallError extends Error {
  override name = "TalosCallError";
  constructor(readonly method: string, readonly code: grpc.status | undefined, message: string) {
    super(`talos ${method}: ${message}`);
  }
}

/** The call succeeded but one or more targets reported an error in `metadata.error`. */
export class TalosNodeError extends Error {
  override name = "TalosNodeError";
  constructor(readonly method: string, readonly failures: NodeFailure[]) {
    super(
      `talos ${method}: ${
        failures.map((f) => `${f.hostname || "(endpoint)"}: ${f.message}${f.code ? ` (code ${f.code})` : ""}`)
          .join("; ")
      }`,
    );
  }
}

export type RebootMode = "DEFAULT" | "POWERCYCLE" | "FORCE";
export type ApplyMode = "REBOOT" | "AUTO" | "NO_REBOOT" | "STAGED" | "TRY";

export interface VersionReply {
  metadata: ReplyMetadata;
  version: { tag: string; sha: string; built: string; go_version: string; os: string; arch: string };
  platform?: { name: string; mode: string };
  features?: { rbac: boolean };
}

export interface EtcdMemberReply {
  /** uint64 as a decimal string. */
  id: string;
  hostname: string;
  peer_urls: string[];
  client_urls: string[];
  is_learner: boolean;
}

export interface EtcdMembersReply {
  metadata: ReplyMetadata;
  legacy_members: string[];
  members: EtcdMemberReply[];
}

export interface ActorReply {
  metadata: ReplyMetadata;
  actor_id: string;
}

export interface UpgradeReply extends ActorReply {
  ack: string;
}

export interface ApplyConfigurationReply {
  metadata: ReplyMetadata;
  warnings: string[];
  mode: ApplyMode;
  mode_details: string;
}

export interface MetadataOnlyReply {
  metadata: ReplyMetadata;
}

export interface EtcdStatusReply {
  metadata: ReplyMetadata;
  member_status: {
    protocol_version: string;
    db_size: string;
    db_size_in_use: string;
    leader: string;
    member_id: string;
    is_learner: boolean;
    errors: string[];
  };
}

/** Where a byte stream goes: a WritableStream (e.g. `Deno.FsFile.writable`) or anything with write(). */
export type ByteSink = WritableStream<Uint8Array> | { write(chunk: Uint8Array): Promise<unknown> | unknown };

const CONVERT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, arrays: true };

/** gRPC metadata for a call (exported for tests). */
export function callMetadata(o: CallOptions = {}): grpc.Metadata {
  const md = new grpc.Metadata();
  if (o.node !== undefined && o.node !== "") {
    md.set("node", o.node);
  } else if (o.nodes && o.nodes.length > 0) {
    for (const n of o.nodes) md.add("nodes", n);
  }
  return md;
}

/** Per-node failures in a reply's messages (entries whose `metadata.error` is non-empty). */
export function nodeFailures(messages: readonly { metadata?: ReplyMetadata | null }[]): NodeFailure[] {
  const out: NodeFailure[] = [];
  for (const m of messages) {
    const md = m.metadata;
    if (!md || !md.error) continue;
    const status = md.status;
    out.push({
      hostname: md.hostname,
      message: status && status.message ? status.message : md.error,
      ...(status && status.code ? { code: status.code } : {}),
    });
  }
  return out;
}

interface Endpoint {
  address: string;
  client: grpc.Client;
}

export class TalosClient {
  readonly context: TalosContext;
  private readonly endpoints: Endpoint[];
  private readonly root: protobuf.Root;
  private readonly unaryDeadlineMs: number;
  private readonly streamDeadlineMs: number;

  constructor(
    context: TalosContext,
    o: { unaryDeadlineMs?: number; streamDeadlineMs?: number; root?: protobuf.Root } = {},
  ) {
    if (context.endpoints.length === 0) {
      throw new TalosCallError("connect", undefined, `talosconfig context ${context.name} has no endpoints`);
    }
    this.context = context;
    this.root = o.root ?? loadTalosRoot();
    this.unaryDeadlineMs = o.unaryDeadlineMs ?? DEFAULT_UNARY_DEADLINE_MS;
    this.streamDeadlineMs = o.streamDeadlineMs ?? DEFAULT_STREAM_DEADLINE_MS;
    this.endpoints = context.endpoints.map((address) => ({ address, client: this.connect(address) }));
  }

  /** From talosconfig text (conductor.md §9.2). */
  static fromTalosconfig(
    text: string,
    o: { context?: string; unaryDeadlineMs?: number; streamDeadlineMs?: number } = {},
  ): TalosClient {
    return new TalosClient(parseTalosconfig(text, o.context), o);
  }

  /** From the file at `TALOSCONFIG_PATH`. */
  static async fromFile(path: string, o: { context?: string } = {}): Promise<TalosClient> {
    return TalosClient.fromTalosconfig(await Deno.readTextFile(path), o);
  }

  private connect(address: string): grpc.Client {
    const host = endpointHost(address);
    const creds = grpc.credentials.createSsl(
      Buffer.from(this.context.caPem),
      Buffer.from(this.context.keyPem),
      Buffer.from(this.context.certPem),
      { checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert) },
    );
    const options: grpc.ChannelOptions = {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    };
    if (isIP(host)) options["grpc.ssl_target_name_override"] = IP_ENDPOINT_SNI;
    return new grpc.Client(address.includes("[") ? `ipv6:${address}` : address, creds, options);
  }

  close(): void {
    for (const e of this.endpoints) e.client.close();
  }

  private codec(name: string) {
    const t = this.root.lookupType(name);
    return {
      encode: (v: Record<string, unknown>): Buffer => Buffer.from(t.encode(t.fromObject(v)).finish()),
      decode: <T>(b: Buffer): T => t.toObject(t.decode(b), CONVERT) as T,
    };
  }

  private methodTypes(method: string): { req: string; res: string } {
    const m = this.root.lookupService(SERVICE).methods[method];
    if (!m) throw new TalosCallError(method, undefined, "not in proto/talos");
    m.resolve();
    return { req: m.resolvedRequestType!.fullName.slice(1), res: m.resolvedResponseType!.fullName.slice(1) };
  }

  /** One unary call; tries the next endpoint only when the current one is unreachable. */
  async unary<T extends { metadata?: ReplyMetadata | null }>(
    method: string,
    request: Record<string, unknown>,
    o: CallOptions = {},
  ): Promise<T[]> {
    const types = this.methodTypes(method);
    const req = this.codec(types.req);
    const res = this.codec(types.res);
    const body = req.encode(request);
    let last: TalosCallError | undefined;
    for (const ep of this.endpoints) {
      try {
        const reply = await new Promise<{ messages: T[] }>((resolve, reject) => {
          ep.client.makeUnaryRequest(
            `/${SERVICE}/${method}`,
            (b: Buffer) => b,
            (b: Buffer) => res.decode<{ messages: T[] }>(b),
            body,
            callMetadata(o),
            { deadline: Date.now() + (o.deadlineMs ?? this.unaryDeadlineMs) },
            (err, value) => err ? reject(err) : resolve(value!),
          );
        });
        const failures = nodeFailures(reply.messages);
        if (failures.length > 0) throw new TalosNodeError(method, failures);
        return reply.messages;
      } catch (e) {
        if (e instanceof TalosNodeError) throw e;
        const se = e as grpc.ServiceError;
        last = new TalosCallError(method, se.code, `${ep.address}: ${se.details ?? se.message}`);
        if (se.code !== grpc.status.UNAVAILABLE) throw last;
      }
    }
    throw last!;
  }

  /**
   * A server stream of `common.Data`, written to `sink` in order. A message with `metadata.error`
   * ends the stream with that error. Unlike the Go client, a deadline or cancel at stream end is an
   * error, not EOF: a truncated snapshot must never pass as complete.
   */
  async streamData(
    method: string,
    request: Record<string, unknown>,
    sink: ByteSink,
    o: CallOptions = {},
  ): Promise<{ bytes: number; chunks: number }> {
    const types = this.methodTypes(method);
    const req = this.codec(types.req);
    const data = this.root.lookupType("common.Data");
    const body = req.encode(request);
    const writer = sink instanceof WritableStream ? sink.getWriter() : undefined;
    const write = async (chunk: Uint8Array) => {
      if (writer) await writer.write(chunk);
      else await (sink as { write(c: Uint8Array): Promise<unknown> | unknown }).write(chunk);
    };
    let bytes = 0;
    let chunks = 0;
    let last: TalosCallError | undefined;
    let ok = false;
    try {
      for (const ep of this.endpoints) {
        const call = ep.client.makeServerStreamRequest(
          `/${SERVICE}/${method}`,
          (b: Buffer) => b,
          (b: Buffer) =>
            data.toObject(data.decode(b), CONVERT) as { metadata?: ReplyMetadata; bytes: Uint8Array },
          body,
          callMetadata(o),
          { deadline: Date.now() + (o.deadlineMs ?? this.streamDeadlineMs) },
        );
        try {
          for await (const msg of call as AsyncIterable<{ metadata?: ReplyMetadata; bytes: Uint8Array }>) {
            const failures = nodeFailures([msg]);
            if (failures.length > 0) {
              call.cancel();
              throw new TalosNodeError(method, failures);
            }
            if (msg.bytes.length > 0) {
              await write(new Uint8Array(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength));
              bytes += msg.bytes.length;
              chunks++;
            }
          }
          ok = true;
          return { bytes, chunks };
        } catch (e) {
          if (e instanceof TalosNodeError) throw e;
          const se = e as grpc.ServiceError;
          last = new TalosCallError(method, se.code, `${ep.address}: ${se.details ?? se.message}`);
          // Only an endpoint that never answered may be replaced by the next one.
          if (se.code !== grpc.status.UNAVAILABLE || chunks > 0) throw last;
        }
      }
      throw last!;
    } finally {
      if (writer) {
        if (ok) await writer.close();
        else await writer.abort().catch(() => {});
      }
    }
  }

  // ---- typed methods (spec/talos.md §4.4) ----

  /** `Version` — the health probe (conductor.md §10.0.3). */
  version(o?: CallOptions): Promise<VersionReply[]> {
    return this.unary<VersionReply>("Version", {}, o);
  }

  /** `EtcdSnapshot` of the endpoint's (or `o.node`'s) local member, streamed to `writeTo`. */
  etcdSnapshot(writeTo: ByteSink, o?: CallOptions): Promise<{ bytes: number; chunks: number }> {
    return this.streamData("EtcdSnapshot", {}, writeTo, o);
  }

  /** `EtcdDefragment` — local member only; call per control-plane node (`o.node`). */
  etcdDefragment(o?: CallOptions): Promise<MetadataOnlyReply[]> {
    return this.unary<MetadataOnlyReply>("EtcdDefragment", {}, o);
  }

  etcdMemberList(queryLocal = false, o?: CallOptions): Promise<EtcdMembersReply[]> {
    return this.unary<EtcdMembersReply>("EtcdMemberList", { query_local: queryLocal }, o);
  }

  etcdStatus(o?: CallOptions): Promise<EtcdStatusReply[]> {
    return this.unary<EtcdStatusReply>("EtcdStatus", {}, o);
  }

  reboot(mode: RebootMode = "DEFAULT", o?: CallOptions): Promise<ActorReply[]> {
    return this.unary<ActorReply>("Reboot", { mode }, o);
  }

  upgrade(
    r: {
      image: string;
      stage?: boolean;
      force?: boolean;
      preserve?: boolean;
      rebootMode?: "DEFAULT" | "POWERCYCLE";
    },
    o?: CallOptions,
  ): Promise<UpgradeReply[]> {
    return this.unary<UpgradeReply>("Upgrade", {
      image: r.image,
      preserve: r.preserve ?? false,
      stage: r.stage ?? false,
      force: r.force ?? false,
      reboot_mode: r.rebootMode ?? "DEFAULT",
    }, o);
  }

  reset(
    r: {
      graceful: boolean;
      reboot: boolean;
      systemPartitionsToWipe?: { label: string; wipe: boolean }[];
      userDisksToWipe?: string[];
      mode?: "ALL" | "SYSTEM_DISK" | "USER_DISKS";
    },
    o?: CallOptions,
  ): Promise<ActorReply[]> {
    return this.unary<ActorReply>("Reset", {
      graceful: r.graceful,
      reboot: r.reboot,
      system_partitions_to_wipe: r.systemPartitionsToWipe ?? [],
      user_disks_to_wipe: r.userDisksToWipe ?? [],
      mode: r.mode ?? "ALL",
    }, o);
  }

  shutdown(force = false, o?: CallOptions): Promise<ActorReply[]> {
    return this.unary<ActorReply>("Shutdown", { force }, o);
  }

  applyConfiguration(
    r: { data: Uint8Array; mode: ApplyMode; dryRun?: boolean },
    o?: CallOptions,
  ): Promise<ApplyConfigurationReply[]> {
    return this.unary<ApplyConfigurationReply>("ApplyConfiguration", {
      data: r.data,
      mode: r.mode,
      dry_run: r.dryRun ?? false,
    }, o);
  }

  bootstrap(r: { recoverEtcd?: boolean; recoverSkipHashCheck?: boolean } = {}, o?: CallOptions) {
    return this.unary<MetadataOnlyReply>("Bootstrap", {
      recover_etcd: r.recoverEtcd ?? false,
      recover_skip_hash_check: r.recoverSkipHashCheck ?? false,
    }, o);
  }
}

/** Mode strings used by handlers (conductor.md §10.0.4), case-insensitive. */
export function applyModeFromString(s: string): ApplyMode {
  switch (s.toLowerCase()) {
    case "reboot":
      return "REBOOT";
    case "auto":
      return "AUTO";
    case "no-reboot":
      return "NO_REBOOT";
    case "staged":
      return "STAGED";
    default:
      throw new Error(`unknown apply mode ${JSON.stringify(s)}; expected reboot, auto, no-reboot or staged`);
  }
}
