// The job runner (e2e/cluster/job_runner.ts) against a real control plane: conductor execute Jobs built by
// shared/job_spec.ts are turned into Pods by the real Job controller, run by the runner as
// `deno run -P=conductor conductor/main.ts execute`, and finished by the real Job controller from the Pod
// statuses the runner writes. Kueue admission is emulated. A missing Go toolchain fails the test; it never skips.
import { parse } from "yaml";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../shared/testing/asserts.ts";
import { referencePath } from "../shared/testing/reference.ts";
import { jobSpecBuilder, toJob } from "../shared/job_spec.ts";
import {
  apply,
  attachCluster,
  type Cluster,
  type JobRun,
  type KubeObject,
  startCluster,
  startJobRunner,
  waitForJobFinished,
} from "./cluster/mod.ts";

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

const suffix = crypto.randomUUID().slice(0, 6);
const NS = `jr-conductor-${suffix}`;
const NS_PROBE = `jr-probe-${suffix}`;
const PROBE = new URL("./cluster/job_probe.ts", import.meta.url).pathname;
const KUBECONFIG_TEXT = "apiVersion: v1\nkind: Config\n# tenant kubeconfig from the Secret\n";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const BUILDER_OWNED = new Set(["CAPABILITY", "CLUSTER_REF"]);
const cond = (job: Obj, type: string) => (job.status?.conditions ?? []).find((c: Obj) => c.type === type);

/** A Job as the conductor renders it (etcd-backup on cluster c1), optionally tampered with. */
function conductorJob(ns: string, name: string, opts: {
  env?: Record<string, string | null>;
  queue?: string;
  timeout?: number;
  mounts?: boolean;
} = {}): Obj {
  let b = jobSpecBuilder()
    .withName(name)
    .withNamespace(ns)
    .withCapability("etcd-backup")
    .withClusterRef("c1")
    .withRunnerImage("conductor-exec:v1.9.3")
    .withOperationResultCR(name);
  if (opts.queue) b = b.withQueueName(opts.queue);
  if (opts.timeout) b = b.withTimeout(opts.timeout);
  if (opts.mounts) b = b.withKubeconfigSecret().withTalosconfigSecret();
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v !== null && !BUILDER_OWNED.has(k)) b = b.withEnv(k, v);
  }
  const job = toJob(b.build()) as Obj;
  // Variables the builder owns (it refuses compile-only and unknown capabilities): changed on the rendered Job,
  // as a hand-written or tampered Job would carry them.
  const c = job.spec.template.spec.containers[0];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    const i = (c.env as Obj[]).findIndex((e) => e.name === k);
    if (v === null) c.env.splice(i, 1);
    else if (i >= 0) c.env[i] = { name: k, value: v };
  }
  if (opts.env?.CAPABILITY) {
    job.metadata.labels["seam.ontai.dev/capability"] = opts.env.CAPABILITY;
    job.spec.template.metadata.labels["seam.ontai.dev/capability"] = opts.env.CAPABILITY;
  }
  return job;
}

async function createJob(cluster: Cluster, job: Obj): Promise<void> {
  await cluster.client.post(`/apis/batch/v1/namespaces/${job.metadata.namespace}/jobs`, job);
}

/** The Job controller's status for a Job whose single Pod failed (backoffLimit 0). */
function assertFailedShape(job: Obj, run: JobRun, exitCode: number): void {
  const s = job.status;
  assertEquals(run.exitCode, exitCode, `exit code; stderr:\n${run.stderr}`);
  assertEquals(s.failed, 1);
  assertEquals(s.succeeded, undefined);
  assertEquals(s.active, undefined);
  assertEquals(s.ready, 0);
  assertEquals(s.terminating, 0);
  assertEquals(s.uncountedTerminatedPods, {});
  assert(s.startTime, "startTime");
  assertEquals(s.completionTime, undefined);
  // A queued Job also carries Suspended=False/JobResumed when the controller saw it suspended first.
  const types = (s.conditions as Obj[]).filter((c) => c.type !== "Suspended").map((c) =>
    `${c.type}=${c.status}/${c.reason}`
  );
  assertEquals(types, ["FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded"]);
  assertStringIncludes(cond(job, "Failed").message, "Job has reached the specified backoff limit");
  assert(run.logTail && run.logTail.length > 0, "log tail kept on failure");
}

async function podOf(cluster: Cluster, run: JobRun): Promise<Obj> {
  return await cluster.client.get(`/api/v1/namespaces/${run.namespace}/pods/${run.pod}`);
}

Deno.test("e2e job runner: conductor Jobs run on an emulated node, the real Job controller finishes them", async (t) => {
  const mgmtKc = Deno.env.get("MGMT_KUBECONFIG");
  const cluster = mgmtKc
    ? await attachCluster("management", mgmtKc)
    : await startCluster({ name: "management" });
  const runners: { stop(): Promise<void> }[] = [];
  try {
    // Namespaces, the conductor ServiceAccount with read access to ConfigMaps only, the mounted Secrets,
    // and Kueue's LocalQueue CRD (from the pinned Kueue chart; conversion webhook dropped: no Kueue here).
    const crd = (await Deno.readTextFile(referencePath("golden/helm/expected/kueue-default.txt")))
      .split(/^---$/m).map((d) => parse(d) as KubeObject | null)
      .find((d) =>
        d?.kind === "CustomResourceDefinition" && d.metadata.name === "localqueues.kueue.x-k8s.io"
      )!;
    (crd as Obj).spec.conversion = { strategy: "None" };
    const objs: Obj[] = [crd];
    for (const ns of [NS, NS_PROBE]) {
      objs.push(
        { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "conductor", namespace: ns } },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "Role",
          metadata: { name: "read-configmaps", namespace: ns },
          rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name: "conductor-read-configmaps", namespace: ns },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-configmaps" },
          subjects: [{ kind: "ServiceAccount", name: "conductor", namespace: ns }],
        },
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "seam-mc-c1-kubeconfig", namespace: ns },
          stringData: { value: KUBECONFIG_TEXT },
        },
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "c1-talosconfig", namespace: ns },
          stringData: { talosconfig: "context: c1\n" },
        },
        {
          apiVersion: "kueue.x-k8s.io/v1beta2",
          kind: "LocalQueue",
          metadata: { name: "team-a", namespace: ns },
          spec: { clusterQueue: "cq" },
        },
      );
    }
    await apply(cluster.client, objs as KubeObject[], { fieldManager: "e2e-job-runner" });

    const conductorRunner = await startJobRunner(cluster, {
      namespace: NS,
      // Kueue emulation by allow-list (no LocalQueue lookup) for this namespace.
      kueue: { admit: (job) => job.metadata.labels["kueue.x-k8s.io/queue-name"] === "allowed" },
    });
    runners.push(conductorRunner);
    const probeRunner = await startJobRunner(cluster, { namespace: NS_PROBE, entry: PROBE });
    runners.push(probeRunner);

    // Created together: each conductor run is one deno start-up, the machine is small.
    const cases = [
      ["compile", conductorJob(NS, "compile", { env: { CAPABILITY: "pack-compile" } })],
      [
        "unknown",
        conductorJob(NS, "unknown", { env: { CAPABILITY: "no-such-capability" }, queue: "allowed" }),
      ],
      ["no-cluster-ref", conductorJob(NS, "no-cluster-ref", { env: { CLUSTER_REF: null } })],
      ["etcd-backup", conductorJob(NS, "etcd-backup")],
      ["not-admitted", conductorJob(NS, "not-admitted", { queue: "team-a" })],
      [
        "probe",
        conductorJob(NS_PROBE, "probe", {
          queue: "team-a",
          mounts: true,
          env: {
            PROBE_MODE: "rbac",
            PROBE_GET_PATHS:
              `/api/v1/namespaces/${NS_PROBE}/configmaps,/api/v1/namespaces/${NS_PROBE}/secrets,/api/v1/namespaces`,
          },
        }),
      ],
      ["unqueued", conductorJob(NS_PROBE, "unqueued", { queue: "no-such-queue" })],
      ["deadline", conductorJob(NS_PROBE, "deadline", { timeout: 4, env: { PROBE_MODE: "sleep" } })],
    ] as const;
    for (const [, job] of cases) await createJob(cluster, job);

    await t.step("pack-compile: InvariantViolation, exit 2 → Pod Failed → Job Failed", async () => {
      const job = await waitForJobFinished(cluster.client, NS, "compile", 90_000);
      const run = await conductorRunner.runFor("compile", NS);
      assertFailedShape(job, run, 2);
      const line = JSON.parse(run.stderr.trim().split("\n").at(-1)!);
      assertEquals(line.category, "InvariantViolation");
      assertStringIncludes(line.reason, "INV-023");
      assertEquals(run.argv.slice(0, 2), ["run", "-P=conductor"]);
      assertEquals(run.argv.at(-1), "execute");
      const pod = await podOf(cluster, run);
      assertEquals(pod.status.phase, "Failed");
      assertEquals(pod.status.containerStatuses[0].state.terminated.exitCode, 2);
      assertEquals(pod.status.containerStatuses[0].state.terminated.reason, "Error");
      assertEquals(
        pod.metadata.finalizers ?? [],
        [],
        "the Job controller counted the Pod and dropped its finalizer",
      );
    });

    await t.step("unknown capability (queued, admitted by allow-list) → exit 1 → Job Failed", async () => {
      const job = await waitForJobFinished(cluster.client, NS, "unknown", 60_000);
      const run = await conductorRunner.runFor("unknown", NS);
      assertFailedShape(job, run, 1);
      assertStringIncludes(run.stderr, 'unknown capability "no-such-capability"');
      assert(conductorRunner.admitted.includes(`${NS}/unknown`));
      assertEquals(job.spec.suspend, false);
      const suspended = cond(job, "Suspended");
      if (suspended) assertEquals(`${suspended.status}/${suspended.reason}`, "False/JobResumed");
    });

    await t.step("etcd-backup without CLUSTER_REF → exit 1; with it → not recorded → exit 1", async () => {
      const job = await waitForJobFinished(cluster.client, NS, "no-cluster-ref", 60_000);
      const run = await conductorRunner.runFor("no-cluster-ref", NS);
      assertFailedShape(job, run, 1);
      assertStringIncludes(run.stderr, "CLUSTER_REF is required");
      assertEquals(run.env.POD_NAMESPACE, NS, "POD_NAMESPACE from the downward API");
      assertEquals(run.env.CLUSTER_REF, undefined);
      const job2 = await waitForJobFinished(cluster.client, NS, "etcd-backup", 60_000);
      const run2 = await conductorRunner.runFor("etcd-backup", NS);
      assertFailedShape(job2, run2, 1);
      assertStringIncludes(run2.stderr, "the etcd-backup result (Failed) could not be recorded");
      assertEquals(run2.env.CAPABILITY, "etcd-backup");
      assertEquals(run2.env.OPERATION_RESULT_CR, "etcd-backup");
    });

    await t.step(
      "queued Job: LocalQueue exists → admitted, run with the SA's RBAC and its Secrets → Complete",
      async () => {
        const job = await waitForJobFinished(cluster.client, NS_PROBE, "probe", 90_000);
        const run = await probeRunner.runFor("probe", NS_PROBE);
        assertEquals(run.exitCode, 0, run.stderr);
        assert(probeRunner.admitted.includes(`${NS_PROBE}/probe`));
        const s = job.status;
        assertEquals(s.succeeded, 1);
        assertEquals(s.failed, undefined);
        assertEquals(s.ready, 0);
        assertEquals(s.terminating, 0);
        assertEquals(s.uncountedTerminatedPods, {});
        assert(s.startTime && s.completionTime && s.completionTime >= s.startTime);
        const types = (s.conditions as Obj[]).filter((c) => c.status === "True").map((c) =>
          `${c.type}/${c.reason}`
        );
        assertEquals(types, ["SuccessCriteriaMet/CompletionsReached", "Complete/CompletionsReached"]);
        // The Job controller records Suspended=True only if it synced before the admission; a resume then reads False.
        const suspended = cond(job, "Suspended");
        if (suspended) assertEquals(suspended.status, "False");

        const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
        assertEquals(report.username, `system:serviceaccount:${NS_PROBE}:conductor`);
        assertEquals(report.podName, run.pod, "token bound to the Pod");
        assertEquals(report.namespaceFile, NS_PROBE);
        assertEquals(report.podNamespace, NS_PROBE);
        assertEquals(report.statuses, {
          [`/api/v1/namespaces/${NS_PROBE}/configmaps`]: 200,
          [`/api/v1/namespaces/${NS_PROBE}/secrets`]: 403,
          "/api/v1/namespaces": 403,
        });
        assertEquals(report.kubeconfig, `${run.podRoot}/var/run/secrets/kubeconfig/value`);
        assertEquals(report.kubeconfigContent, KUBECONFIG_TEXT);
        assertEquals(run.env.TALOSCONFIG_PATH, `${run.podRoot}/var/run/secrets/talosconfig/talosconfig`);
        assertEquals(report.args, ["execute"]);
        const pod = await podOf(cluster, run);
        assertEquals(pod.status.phase, "Succeeded");
        assertEquals(pod.status.containerStatuses[0].state.terminated.reason, "Completed");
      },
    );

    await t.step(
      "activeDeadlineSeconds: the Job controller deletes the Pod, the runner kills the process",
      async () => {
        const job = await waitForJobFinished(cluster.client, NS_PROBE, "deadline", 60_000);
        assertEquals(cond(job, "Failed")?.reason, "DeadlineExceeded");
        const run = await probeRunner.runFor("deadline", NS_PROBE);
        await run.done;
        assertEquals(run.killed, "pod deleted");
        assert(!alive(run.pid!), "process gone");
      },
    );

    await t.step(
      "not admitted: unknown LocalQueue / not on the allow-list → stays suspended, no Pod",
      async () => {
        for (const [ns, name] of [[NS_PROBE, "unqueued"], [NS, "not-admitted"]] as const) {
          const job = await cluster.client.get<Obj>(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`);
          assertEquals(job.spec.suspend, true);
          assertEquals(cond(job, "Suspended")?.status, "True");
          const pods = await cluster.client.get<Obj>(
            `/api/v1/namespaces/${ns}/pods?labelSelector=batch.kubernetes.io/job-name%3D${name}`,
          );
          assertEquals(pods.items.length, 0);
        }
        assertEquals(probeRunner.runs.filter((r) => r.job === "unqueued").length, 0);
      },
    );

    await t.step("stop() kills running processes; none is left behind", async () => {
      await createJob(cluster, conductorJob(NS_PROBE, "sleeper", { env: { PROBE_MODE: "sleep" } }));
      const run = await probeRunner.runFor("sleeper", NS_PROBE, 60_000);
      assert(alive(run.pid!), "running");
      await probeRunner.stop();
      await conductorRunner.stop();
      assertEquals(run.killed, "runner stopped");
      for (const r of [...probeRunner.runs, ...conductorRunner.runs]) {
        assert(!alive(r.pid!), `pid ${r.pid} (${r.job}) gone`);
        assertMatch(r.finishedAt ?? "", /Z$/);
      }
    });
  } finally {
    for (const r of runners) await r.stop();
    await cluster.stop();
  }
});
