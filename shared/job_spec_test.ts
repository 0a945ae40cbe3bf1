import { assert, assertEquals, assertThrows } from "./testing/asserts.ts";
import { sha256Hex } from "./digest.ts";
import { InputError, ValidationError } from "./errors.ts";
import {
  defaultJobName,
  executeImage,
  executeImageTag,
  jobSpecBuilder,
  stepJobName,
  toJob,
} from "./job_spec.ts";

const base = () =>
  jobSpecBuilder()
    .withCapability("etcd-defrag")
    .withClusterRef("ccs-dev")
    .withRunnerImage("reg/conductor-exec:v1.9.3")
    .withOperationResultCR("em-1-etcd-defrag");

Deno.test("execute image convention: <registry>/conductor-exec:v<talos>", () => {
  assertEquals(executeImageTag("1.9.3"), "v1.9.3");
  assertEquals(executeImageTag("v1.10.0-r2"), "v1.10.0-r2");
  assertEquals(executeImage("ghcr.io/ontai-dev/", "v1.9.3"), "ghcr.io/ontai-dev/conductor-exec:v1.9.3");
  assertEquals(executeImage("", "1.12.1"), "conductor-exec:v1.12.1");
  assertThrows(() => executeImageTag("latest"), InputError, '"latest"');
  assertThrows(() => executeImageTag("v1.9"), InputError);
});

Deno.test("step Job names: <R>-<step>-<hash6 of uid/step>, ≤ 63, deterministic (§9.6.a)", () => {
  const n = stepJobName("ccs-mgmt", "uid-1", "backup");
  assertEquals(n, `ccs-mgmt-backup-${sha256Hex("uid-1/backup").slice(0, 6)}`);
  assertEquals(stepJobName("ccs-mgmt", "uid-1", "backup"), n);
  assert(stepJobName("ccs-mgmt", "uid-2", "backup") !== n);
  const long = stepJobName("a".repeat(60), "u", "b".repeat(20));
  assertEquals(long.length, 63);
  assert(long.endsWith(`-${sha256Hex("u/" + "b".repeat(20)).slice(0, 6)}`));
  assertEquals(
    defaultJobName("pack-deploy", "ccs-dev", "cert-manager-ccs-dev"),
    `pack-deploy-ccs-dev-${sha256Hex("pack-deploy/ccs-dev/cert-manager-ccs-dev").slice(0, 6)}`,
  );
});

Deno.test("builder: zero value is safe and lists every missing field (L-4)", () => {
  const err = assertThrows(() => jobSpecBuilder().build(), ValidationError);
  const paths = err.issues.map((i) => i.path);
  for (const p of ["runnerImage", "capability", "clusterRef", "result"]) assert(paths.includes(p), p);
});

Deno.test("builder: defaults and propagation (L-4)", () => {
  const s = base().build();
  assertEquals(s.namespace, "ont-system");
  assertEquals(s.ttlSecondsAfterFinished, 600);
  assertEquals(s.serviceAccountName, "conductor");
  assertEquals(s.secretVolumes, []);
  assertEquals(s.nodeExclusions, []);
  assertEquals(s.name, defaultJobName("etcd-defrag", "ccs-dev", ""));
  const t = base().withName("x-1").withNamespace("seam-tenant-ccs-dev").withTTL(60).withQueueName("q")
    .build();
  assertEquals([t.name, t.namespace, t.ttlSecondsAfterFinished, t.queueName], [
    "x-1",
    "seam-tenant-ccs-dev",
    60,
    "q",
  ]);
});

Deno.test("builder: branches are independent; secret volumes always read-only", () => {
  const b = base();
  const withA = b.withSecretVolume("a", "/a");
  const withB = b.withSecretVolume("b", "/b");
  assertEquals(withA.build().secretVolumes, [{ secretName: "a", mountPath: "/a", readOnly: true }]);
  assertEquals(withB.build().secretVolumes, [{ secretName: "b", mountPath: "/b", readOnly: true }]);
  assertEquals(b.build().secretVolumes, []);
  const nodes = ["n1"];
  const ex = b.withNodeExclusions(nodes);
  nodes.push("n2");
  assertEquals(ex.build().nodeExclusions, ["n1"]);
  assertEquals(b.withNodeExclusions([]).build().nodeExclusions, []);
});

Deno.test("builder: refuses unknown and compile-only capabilities, owned env, bad values", () => {
  assertThrows(() => base().withCapability("frob").build(), ValidationError, 'unknown capability "frob"');
  assertThrows(() => base().withCapability("pack-compile").build(), ValidationError, "compile-only");
  assertThrows(() => base().withEnv("CAPABILITY", "x").build(), ValidationError, "set by the builder");
  assertThrows(() => base().withEnv("1BAD", "x").build(), ValidationError, "invalid environment variable");
  assertThrows(() => base().withTimeout(0).build(), ValidationError, "timeout");
  assertThrows(() => base().withQueueName("bad queue").build(), ValidationError, "label value");
  assertThrows(() => base().withSecretVolume("s", "rel").build(), ValidationError, "absolute");
  assertThrows(
    () => base().withKubeconfigSecret().withSecretVolume("s", "/var/run/secrets/kubeconfig").build(),
    ValidationError,
    "two volumes",
  );
  assertThrows(() => base().withRunnerConfig("rc", "").build(), ValidationError, "uid");
  // Declared capabilities may be submitted (their Jobs fail cleanly at run time).
  assertEquals(base().withCapability("node-drain").build().capability, "node-drain");
});

Deno.test("toJob: a day-2 Job with talosconfig, no queue, no exclusions", () => {
  const job = toJob(
    base().withTalosconfigSecret().withOperationCRName("em-1").withEnv("ZED", "1").withEnv("ALPHA", "2")
      .build(),
  );
  assertEquals(job.apiVersion, "batch/v1");
  assertEquals(job.kind, "Job");
  assertEquals(job.spec?.suspend, undefined);
  assertEquals(job.metadata?.labels?.["kueue.x-k8s.io/queue-name"], undefined);
  const pod = job.spec!.template.spec!;
  assertEquals(pod.affinity, undefined);
  assertEquals(pod.tolerations, [{
    key: "node-role.kubernetes.io/control-plane",
    operator: "Exists",
    effect: "NoSchedule",
  }]);
  const c = pod.containers[0]!;
  assertEquals(c.env!.map((e) => e.name), [
    "CAPABILITY",
    "CLUSTER_REF",
    "POD_NAMESPACE",
    "OPERATION_RESULT_CR",
    "OPERATION_CR_NAME",
    "TALOSCONFIG_PATH",
    "CONDUCTOR_IMAGE",
    "ALPHA",
    "ZED",
  ]);
  assertEquals(
    c.env!.find((e) => e.name === "TALOSCONFIG_PATH")?.value,
    "/var/run/secrets/talosconfig/talosconfig",
  );
  assertEquals(c.env!.find((e) => e.name === "POD_NAMESPACE")?.valueFrom, {
    fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" },
  });
  assertEquals(pod.volumes, [
    { name: "talosconfig", secret: { secretName: "ccs-dev-talosconfig" } },
    { name: "tmp", emptyDir: {} },
  ]);
  assertEquals(c.volumeMounts, [
    { name: "talosconfig", mountPath: "/var/run/secrets/talosconfig", readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ]);
});
