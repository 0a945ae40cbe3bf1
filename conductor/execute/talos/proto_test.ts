/**
 * Wire checks of the hand-written Talos protos (proto/talos/): every field number the Conductor
 * relies on (spec/talos.md §4.3, §4.5) is checked both on the loaded descriptor and on the encoded
 * bytes, decoded tag by tag with protobufjs' Reader (independent of the message definitions).
 */
import protobuf from "protobufjs";
import { assert, assertEquals } from "../../../shared/testing/asserts.ts";
import { loadTalosRoot, TALOS_PROTO_DIR } from "./proto.ts";

/** [message, field, number] straight from spec/talos.md §4.3 / §4.5. */
const FIELDS: [string, string, number][] = [
  ["common.Metadata", "hostname", 1],
  ["common.Metadata", "error", 2],
  ["common.Metadata", "status", 3],
  ["common.Data", "metadata", 1],
  ["common.Data", "bytes", 2],
  ["common.DataResponse", "messages", 1],
  ["common.Empty", "metadata", 1],
  ["common.EmptyResponse", "messages", 1],
  ["common.Error", "code", 1],
  ["common.Error", "message", 2],
  ["common.Error", "details", 3],
  ["google.rpc.Status", "code", 1],
  ["google.rpc.Status", "message", 2],
  ["google.rpc.Status", "details", 3],
  ["machine.ApplyConfigurationRequest", "data", 1],
  ["machine.ApplyConfigurationRequest", "mode", 4],
  ["machine.ApplyConfigurationRequest", "dry_run", 5],
  ["machine.ApplyConfigurationRequest", "try_mode_timeout", 6],
  ["machine.ApplyConfiguration", "metadata", 1],
  ["machine.ApplyConfiguration", "warnings", 2],
  ["machine.ApplyConfiguration", "mode", 3],
  ["machine.ApplyConfiguration", "mode_details", 4],
  ["machine.ApplyConfigurationResponse", "messages", 1],
  ["machine.BootstrapRequest", "recover_etcd", 1],
  ["machine.BootstrapRequest", "recover_skip_hash_check", 2],
  ["machine.Version", "metadata", 1],
  ["machine.Version", "version", 2],
  ["machine.Version", "platform", 3],
  ["machine.Version", "features", 4],
  ["machine.VersionInfo", "tag", 1],
  ["machine.VersionInfo", "sha", 2],
  ["machine.VersionInfo", "built", 3],
  ["machine.VersionInfo", "go_version", 4],
  ["machine.VersionInfo", "os", 5],
  ["machine.VersionInfo", "arch", 6],
  ["machine.PlatformInfo", "name", 1],
  ["machine.PlatformInfo", "mode", 2],
  ["machine.FeaturesInfo", "rbac", 1],
  ["machine.VersionResponse", "messages", 1],
  ["machine.UpgradeRequest", "image", 1],
  ["machine.UpgradeRequest", "preserve", 2],
  ["machine.UpgradeRequest", "stage", 3],
  ["machine.UpgradeRequest", "force", 4],
  ["machine.UpgradeRequest", "reboot_mode", 5],
  ["machine.Upgrade", "ack", 2],
  ["machine.Upgrade", "actor_id", 3],
  ["machine.RebootRequest", "mode", 1],
  ["machine.Reboot", "actor_id", 2],
  ["machine.ResetRequest", "graceful", 1],
  ["machine.ResetRequest", "reboot", 2],
  ["machine.ResetRequest", "system_partitions_to_wipe", 3],
  ["machine.ResetRequest", "user_disks_to_wipe", 4],
  ["machine.ResetRequest", "mode", 5],
  ["machine.ResetPartitionSpec", "label", 1],
  ["machine.ResetPartitionSpec", "wipe", 2],
  ["machine.ShutdownRequest", "force", 1],
  ["machine.EtcdMemberListRequest", "query_local", 1],
  ["machine.EtcdMember", "id", 2],
  ["machine.EtcdMember", "hostname", 3],
  ["machine.EtcdMember", "peer_urls", 4],
  ["machine.EtcdMember", "client_urls", 5],
  ["machine.EtcdMember", "is_learner", 6],
  ["machine.EtcdMembers", "legacy_members", 2],
  ["machine.EtcdMembers", "members", 3],
  ["machine.EtcdRemoveMemberByIDRequest", "member_id", 1],
  ["machine.EtcdForfeitLeadership", "member", 2],
  ["machine.EtcdMemberStatus", "db_size", 2],
  ["machine.EtcdMemberStatus", "leader", 4],
  ["machine.EtcdMemberStatus", "errors", 8],
  ["machine.EtcdMemberStatus", "member_id", 10],
  ["machine.EtcdMemberStatus", "storage_version", 11],
  ["machine.EtcdStatus", "member_status", 2],
  ["machine.EtcdMemberAlarm", "member_id", 1],
  ["machine.EtcdMemberAlarm", "alarm", 2],
  ["machine.EtcdAlarm", "member_alarms", 2],
  ["machine.ServiceRestartRequest", "id", 1],
  ["machine.ServiceRestart", "resp", 2],
  ["machine.ServiceInfo", "health", 4],
  ["machine.ServiceHealth", "last_change", 4],
  ["machine.ReadRequest", "path", 1],
  ["machine.Hostname", "hostname", 2],
  ["machine.GenerateClientConfigurationRequest", "roles", 1],
  ["machine.GenerateClientConfigurationRequest", "crt_ttl", 2],
  ["machine.GenerateClientConfiguration", "talosconfig", 5],
];

const WIRE: Record<string, number> = {
  double: 1,
  float: 5,
  int32: 0,
  int64: 0,
  uint32: 0,
  uint64: 0,
  sint32: 0,
  sint64: 0,
  bool: 0,
  fixed32: 5,
  fixed64: 1,
  string: 2,
  bytes: 2,
};

/** A non-default value for one field, so proto3 encodes it. */
function sample(f: protobuf.Field): unknown {
  f.resolve();
  let v: unknown;
  if (f.resolvedType instanceof protobuf.Enum) v = Object.values(f.resolvedType.values).find((n) => n !== 0);
  else if (f.resolvedType instanceof protobuf.Type) v = {};
  else if (f.type === "bool") v = true;
  else if (f.type === "string") v = "x";
  else if (f.type === "bytes") v = new Uint8Array([7]);
  else v = 3;
  return f.repeated ? [v] : v;
}

/** The (field number, wire type) pairs of the top level of an encoded message. */
function tags(bytes: Uint8Array): [number, number][] {
  const r = protobuf.Reader.create(bytes);
  const out: [number, number][] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    out.push([tag >>> 3, tag & 7]);
    r.skipType(tag & 7);
  }
  return out;
}

Deno.test("proto/talos: field numbers from spec/talos.md, on the descriptor and on the wire", () => {
  const root = loadTalosRoot();
  for (const [msg, field, no] of FIELDS) {
    const t = root.lookupType(msg);
    const f = t.fields[field];
    assert(f, `${msg}.${field} is missing`);
    assertEquals(f.id, no, `${msg}.${field}`);
    const bytes = t.encode(t.fromObject({ [field]: sample(f) })).finish();
    // repeated fields (strings, messages, packed scalars/enums) and messages are length-delimited
    const expected = f.repeated || f.resolvedType instanceof protobuf.Type
      ? 2
      : f.resolvedType instanceof protobuf.Enum
      ? 0
      : WIRE[f.type];
    assertEquals(tags(bytes), [[no, expected]], `${msg}.${field} on the wire`);
  }
});

Deno.test("proto/talos: a streamed common.Data chunk with per-node metadata, byte for byte", () => {
  const T = loadTalosRoot().lookupType("common.Data");
  const bytes = T.encode(T.fromObject({
    metadata: { hostname: "n1", error: "e", status: { code: 5, message: "m" } },
    bytes: new Uint8Array([1, 2, 3]),
  })).finish();
  // 0a <len> (0a 02 'n1' 12 01 'e' 1a 05 (08 05 12 01 'm')) 12 03 01 02 03
  assertEquals(
    [...bytes],
    [
      0x0a,
      0x0e,
      0x0a,
      0x02,
      0x6e,
      0x31,
      0x12,
      0x01,
      0x65,
      0x1a,
      0x05,
      0x08,
      0x05,
      0x12,
      0x01,
      0x6d,
      0x12,
      0x03,
      1,
      2,
      3,
    ],
  );
  const back = T.toObject(T.decode(bytes), { longs: String }) as {
    metadata: { hostname: string };
    bytes: Uint8Array;
  };
  assertEquals(back.metadata.hostname, "n1");
  assertEquals([...back.bytes], [1, 2, 3]);
});

Deno.test("proto/talos: enums and uint64 ids keep Talos' values", () => {
  const root = loadTalosRoot();
  const values = (name: string) => ({ ...root.lookupEnum(name).values });
  const mode = values("machine.ApplyConfigurationRequest.Mode");
  assertEquals(mode, { REBOOT: 0, AUTO: 1, NO_REBOOT: 2, STAGED: 3, TRY: 4 });
  assertEquals(values("machine.RebootRequest.Mode"), { DEFAULT: 0, POWERCYCLE: 1, FORCE: 2 });
  assertEquals(values("machine.ResetRequest.WipeMode"), { ALL: 0, SYSTEM_DISK: 1, USER_DISKS: 2 });
  assertEquals(values("common.Code"), { FATAL: 0, LOCKED: 1, CANCELED: 2 });
  const M = root.lookupType("machine.EtcdMember");
  const id = "18446744073709551615";
  const bytes = M.encode(M.fromObject({ id })).finish();
  assertEquals(tags(bytes), [[2, 0]]);
  assertEquals((M.toObject(M.decode(bytes), { longs: String }) as { id: string }).id, id);
  // ApplyConfigurationRequest{data, mode=STAGED, dry_run}: tags 1, 4, 5 (2–3 unused upstream)
  const A = root.lookupType("machine.ApplyConfigurationRequest");
  const a = A.encode(A.fromObject({ data: new Uint8Array([1]), mode: "STAGED", dry_run: true })).finish();
  assertEquals([...a], [0x0a, 0x01, 0x01, 0x20, 0x03, 0x28, 0x01]);
});

Deno.test("proto/talos: MachineService paths, request/response types and streaming", () => {
  const svc = loadTalosRoot().lookupService("machine.MachineService");
  const shape = (m: string) => {
    const x = svc.methods[m]!;
    x.resolve();
    return [
      x.resolvedRequestType!.fullName,
      x.resolvedResponseType!.fullName,
      !!x.requestStream,
      !!x.responseStream,
    ];
  };
  assertEquals(shape("Version"), [".google.protobuf.Empty", ".machine.VersionResponse", false, false]);
  assertEquals(shape("EtcdSnapshot"), [".machine.EtcdSnapshotRequest", ".common.Data", false, true]);
  assertEquals(shape("EtcdRecover"), [".common.Data", ".machine.EtcdRecoverResponse", true, false]);
  assertEquals(shape("EtcdDefragment"), [
    ".google.protobuf.Empty",
    ".machine.EtcdDefragmentResponse",
    false,
    false,
  ]);
  assertEquals(shape("Kubeconfig"), [".google.protobuf.Empty", ".common.Data", false, true]);
  assertEquals(shape("Reboot"), [".machine.RebootRequest", ".machine.RebootResponse", false, false]);
});

Deno.test("proto/talos loads under the conductor's permission set (-P=conductor)", async () => {
  const root = new URL("../../../", import.meta.url).pathname;
  const script = `import { loadTalosRoot } from ${
    JSON.stringify(new URL("./proto.ts", import.meta.url).href)
  };
console.log(Object.keys(loadTalosRoot().lookupService("machine.MachineService").methods).length);`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=conductor", "--config", `${root}deno.json`, "-"],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assert(Number(new TextDecoder().decode(out.stdout).trim()) >= 20, "MachineService methods");
  assert(TALOS_PROTO_DIR.pathname.endsWith("/proto/talos/"));
});
