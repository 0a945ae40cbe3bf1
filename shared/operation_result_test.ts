import { assert, assertEquals, assertThrows } from "./testing/asserts.ts";
import { fixedClock } from "./clock.ts";
import { InputError } from "./errors.ts";
import {
  ARTIFACT_KINDS,
  capabilityUnavailableResult,
  FAILURE_CATEGORIES,
  FailureCategory,
  failureResult,
  OperationResultSchema,
  parseOperationResult,
  RESULT_STATUSES,
  resultConfigMap,
  resultStep,
  serializeOperationResult,
  stepStatusOf,
  successResult,
  UPSTREAM_TCOR_FAILURE_CATEGORIES,
} from "./operation_result.ts";

const clock = fixedClock("2026-05-01T10:00:41Z");
const start = new Date("2026-05-01T10:00:00Z");

Deno.test("vocabulary: exact strings, distinct (L-8)", () => {
  assertEquals([...RESULT_STATUSES], ["Succeeded", "Failed"]);
  assertEquals([...FAILURE_CATEGORIES], [
    "ValidationFailure",
    "CapabilityUnavailable",
    "ExecutionFailure",
    "ExternalDependencyFailure",
    "InvariantViolation",
    "LicenseViolation",
    "StorageUnavailable",
  ]);
  assertEquals(new Set(FAILURE_CATEGORIES).size, 7);
  assertEquals(FailureCategory.ExternalDependencyFailure, "ExternalDependencyFailure");
  assertEquals(UPSTREAM_TCOR_FAILURE_CATEGORIES.length, 5);
  assertEquals([...ARTIFACT_KINDS], ["ConfigMap", "Secret", "OCIImage", "S3Object"]);
});

Deno.test("successResult: completion from the clock, empty lists never null, Appendix B bytes", () => {
  const r = successResult({
    capability: "etcd-backup",
    startedAt: start,
    clock,
    artifacts: [{
      name: "etcd-snapshot",
      kind: "S3Object",
      reference: "s3://ont-backups/etcd-backup-ccs-mgmt-20260501T100000Z.snapshot",
      checksum: "",
    }],
    steps: [{
      name: "etcd-snapshot",
      status: "Succeeded",
      startedAt: start,
      completedAt: "2026-05-01T10:00:30Z",
    }],
  });
  assertEquals(r.completedAt, "2026-05-01T10:00:41Z");
  assertEquals(r.failureReason, null);
  assertEquals(
    serializeOperationResult(r),
    '{"phase":"","status":"Succeeded","capability":"etcd-backup","startedAt":"2026-05-01T10:00:00Z",' +
      '"completedAt":"2026-05-01T10:00:41Z","artifacts":[{"name":"etcd-snapshot","kind":"S3Object",' +
      '"reference":"s3://ont-backups/etcd-backup-ccs-mgmt-20260501T100000Z.snapshot","checksum":""}],' +
      '"failureReason":null,"steps":[{"name":"etcd-snapshot","status":"Succeeded",' +
      '"startedAt":"2026-05-01T10:00:00Z","completedAt":"2026-05-01T10:00:30Z"}]}',
  );
  assert(OperationResultSchema.safeParse(r).success);
  const bare = successResult({ capability: "etcd-defrag", startedAt: start, clock });
  assertEquals(bare.artifacts, []);
  assertEquals(bare.steps, []);
});

Deno.test("failureResult: shape of upstream failureResult, failedStep only when given", () => {
  const r = failureResult({
    capability: "pack-deploy",
    startedAt: start,
    clock,
    category: "ValidationFailure",
    reason: "no PackExecution name",
  });
  assertEquals(r.status, "Failed");
  assertEquals(r.failureReason, { category: "ValidationFailure", reason: "no PackExecution name" });
  assertEquals(r.artifacts, []);
  assertEquals(r.steps, []);
  const s = failureResult({
    capability: "pack-deploy",
    startedAt: start,
    clock,
    category: "ExternalDependencyFailure",
    reason: "registry unreachable",
    failedStep: "pull-rbac-layer",
    clusterPackRef: "cert-manager",
  });
  assertEquals(s.failureReason?.failedStep, "pull-rbac-layer");
  assertEquals(s.clusterPackRef, "cert-manager");
  assertEquals(stepStatusOf(s), "Failed");
  assertEquals(stepStatusOf(successResult({ capability: "x", startedAt: start, clock })), "Succeeded");
});

Deno.test("pack fields: omitted when empty, ordered after steps when set", () => {
  const r = successResult({
    capability: "pack-deploy",
    startedAt: start,
    clock,
    deployedResources: [
      { apiVersion: "v1", kind: "Namespace", name: "cert-manager" },
      { apiVersion: "apps/v1", kind: "Deployment", namespace: "cert-manager", name: "cert-manager" },
    ],
    clusterPackRef: "cert-manager",
    clusterPackVersion: "v1.14.0-r1",
    rbacDigest: "sha256:aa",
    workloadDigest: "",
  });
  const json = serializeOperationResult(r);
  assert(
    json.endsWith(
      '"steps":[],"deployedResources":[{"apiVersion":"v1","kind":"Namespace","name":"cert-manager"},' +
        '{"apiVersion":"apps/v1","kind":"Deployment","namespace":"cert-manager","name":"cert-manager"}],' +
        '"clusterPackRef":"cert-manager","clusterPackVersion":"v1.14.0-r1","rbacDigest":"sha256:aa"}',
    ),
    json,
  );
  assert(
    !("deployedResources" in
      successResult({ capability: "x", startedAt: start, clock, deployedResources: [] })),
  );
});

Deno.test("capabilityUnavailableResult for unknown or declared capabilities", () => {
  const r = capabilityUnavailableResult("node-drain", clock);
  assertEquals(r.failureReason?.category, "CapabilityUnavailable");
  assertEquals(r.startedAt, r.completedAt);
  assert(r.failureReason!.reason.includes('"node-drain"'));
});

Deno.test("schema: status and failureReason must agree", () => {
  const ok = successResult({ capability: "x", startedAt: start, clock });
  assert(!OperationResultSchema.safeParse({ ...ok, status: "Failed" }).success);
  assert(
    !OperationResultSchema.safeParse({ ...ok, failureReason: { category: "ExecutionFailure", reason: "x" } })
      .success,
  );
  assert(!OperationResultSchema.safeParse({ ...ok, startedAt: "yesterday" }).success);
});

Deno.test("parse: round trip of our own JSON", () => {
  const r = failureResult({
    capability: "etcd-restore",
    startedAt: start,
    clock,
    category: "ExecutionFailure",
    reason: "recover failed",
    steps: [resultStep({ name: "download", status: "Succeeded", message: "ok" })],
  });
  assertEquals(parseOperationResult(serializeOperationResult(r)), r);
});

Deno.test("parse: accepts upstream PascalCase with Go zero times and null lists (C-D22)", () => {
  const upstream = JSON.stringify({
    Phase: "",
    Status: "Failed",
    Capability: "etcd-backup",
    StartedAt: "2026-05-01T10:00:00Z",
    CompletedAt: "2026-05-01T10:00:01.25Z",
    Artifacts: null,
    FailureReason: { Category: "ExternalDependencyFailure", Reason: "s3 down", FailedStep: "" },
    Steps: [{
      Name: "s3-upload",
      Status: "Failed",
      StartedAt: "0001-01-01T00:00:00Z",
      CompletedAt: "0001-01-01T00:00:00Z",
      Message: "x",
    }],
    DeployedResources: null,
    ClusterPackRef: "",
    ClusterPackVersion: "",
    RBACDigest: "",
    WorkloadDigest: "",
  });
  const r = parseOperationResult(upstream);
  assertEquals(r.capability, "etcd-backup");
  assertEquals(r.artifacts, []);
  assertEquals(r.failureReason, { category: "ExternalDependencyFailure", reason: "s3 down" });
  assertEquals(r.steps, [{ name: "s3-upload", status: "Failed", message: "x" }]);
  assertEquals(r.deployedResources, undefined);
  assertEquals(r.rbacDigest, undefined);
  const pack = parseOperationResult(JSON.stringify({
    Status: "Succeeded",
    Capability: "pack-deploy",
    StartedAt: "2026-05-01T10:00:00Z",
    CompletedAt: "2026-05-01T10:00:01Z",
    RBACDigest: "sha256:aa",
    ClusterPackRef: "cert-manager",
    DeployedResources: [{ apiVersion: "v1", kind: "Namespace", name: "cert-manager" }],
  }));
  assertEquals(pack.rbacDigest, "sha256:aa");
  assertEquals(pack.clusterPackRef, "cert-manager");
  assertEquals(pack.phase, "");
  assertEquals(pack.failureReason, null);
  assertEquals(pack.deployedResources?.length, 1);
});

Deno.test("parse: bad JSON and schema mismatches are InputErrors naming the source", () => {
  const e1 = assertThrows(() => parseOperationResult("{", "ont-system/job-1"), InputError, "not valid JSON");
  assertEquals(e1.file, "ont-system/job-1");
  const e2 = assertThrows(
    () => parseOperationResult('{"status":"Maybe","capability":"x"}'),
    InputError,
    "does not match the schema",
  );
  assert(e2.message.includes("status"));
  assert(e2.message.includes("startedAt"));
});

Deno.test("resultConfigMap: name, namespace, label, key result, owner Job", () => {
  const r = successResult({ capability: "etcd-backup", startedAt: start, clock });
  const cm = resultConfigMap({
    name: "rc-ccs-mgmt-backup-3fa2c1",
    namespace: "ont-system",
    result: r,
    ownerJob: { name: "rc-ccs-mgmt-backup-3fa2c1", uid: "u-1" },
  });
  assertEquals(cm.apiVersion, "v1");
  assertEquals(cm.kind, "ConfigMap");
  assertEquals((cm.metadata as Record<string, unknown>).labels, {
    "seam.ontai.dev/operation-result": "true",
  });
  assertEquals((cm.data as Record<string, string>).result, serializeOperationResult(r));
  const owners = (cm.metadata as { ownerReferences: { kind: string; uid: string }[] }).ownerReferences;
  assertEquals(owners.map((o) => [o.kind, o.uid]), [["Job", "u-1"]]);
  assert(
    !("ownerReferences" in (resultConfigMap({ name: "a", namespace: "b", result: r }).metadata as object)),
  );
});
