// A node for the conductor's Jobs. The clusters have no kubelet, so the real Job controller creates Pods that
// nobody runs. The runner plays the kubelet for those Pods only (Pods of Jobs carrying the conductor's labels):
// it materialises the Pod's env and volumes, runs the conductor entry module as a local process, and writes
// the Pod's status as the kubelet would. The real Job controller then writes the Job's status (Complete /
// Failed, counts, conditions) from those Pods — nothing here writes Job status. Kueue admission is emulated
// by un-suspending admitted Jobs. See README.md "Jobs: what is emulated".
import { KubeApiError, type KubeClient } from "./client.ts";
import type { Cluster } from "./launcher.ts";

/** Labels every conductor execute Job and its Pods carry (shared/job_spec.ts). */
export const CONDUCTOR_JOB_SELECTOR = "app.kubernetes.io/name=conductor,app.kubernetes.io/component=executor";
export const KUEUE_QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
/** The job runner's stand-in for a container ID scheme. */
const CONTAINER_ID_SCHEME = "seam-e2e-runner";
const REPO_ROOT = new URL("../../", import.meta.url).pathname;
const DEFAULT_ENTRY = new URL("../../conductor/main.ts", import.meta.url).pathname;
const LOG_TAIL_LINES = 40;

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

export interface JobRunnerOptions {
  /** Only Jobs/Pods in this namespace. Default: all namespaces. */
  namespace?: string;
  /** Module run as the container (`deno run -P=conductor <entry> <container args>`). Default conductor/main.ts. */
  entry?: string;
  /**
   * Kueue emulation. A suspended Job whose `kueue.x-k8s.io/queue-name` label is set is admitted
   * (`spec.suspend=false`) when `admit(job)` returns true. Default: admitted when a LocalQueue of that name
   * exists in the Job's namespace (the LocalQueue CRD must be installed; without it nothing is admitted).
   */
  kueue?: { admit: (job: Obj) => boolean | Promise<boolean> };
  /** Poll interval. Default 250 ms. */
  intervalMs?: number;
  /**
   * Safety net per run: the process is killed and the Pod marked Failed (reason DeadlineExceeded). Default:
   * the Job's activeDeadlineSeconds + 30 s (the real Job controller acts first), else 600 s.
   */
  timeoutMs?: number;
  /** Extra deno flags before the entry (e.g. `--cached-only`). */
  denoFlags?: string[];
}

export interface JobRun {
  namespace: string;
  job: string;
  pod: string;
  podUid: string;
  serviceAccount: string;
  /** The argv after `deno`. */
  argv: string[];
  /** The environment the process got (values of secretKeyRef included: test clusters only). */
  env: Record<string, string>;
  /** Pod root: mountPath M is materialised at `${podRoot}${M}`. */
  podRoot: string;
  pid?: number;
  startedAt: string;
  finishedAt?: string;
  /** Exit code; 137 when killed. */
  exitCode?: number;
  /** Why the runner killed the process: "timeout", "pod deleted", "runner stopped". */
  killed?: string;
  stdout: string;
  stderr: string;
  /** Last 40 lines of stderr+stdout when the run failed. */
  logTail?: string;
  /** Resolves when the run is over and the Pod status is written. */
  done: Promise<void>;
}

export interface JobRunner {
  /** Every run started so far, in start order. */
  readonly runs: readonly JobRun[];
  /** Jobs admitted by the Kueue emulation, `namespace/name`. */
  readonly admitted: readonly string[];
  /**
   * Per Pod (`namespace/pod`) that did not start: a missing Secret/ConfigMap/key (retried every poll, as a
   * kubelet keeps the Pod in ContainerCreating) or something unsupported (the Pod is marked Failed).
   */
  readonly waiting: ReadonlyMap<string, string>;
  /** Resolves with the first run of Job `name` (namespace optional). */
  runFor(job: string, namespace?: string, timeoutMs?: number): Promise<JobRun>;
  /** Stops polling, kills every running process and waits for it; removes the pod roots. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const enc = encodeURIComponent;

async function getOrNull<T = Obj>(client: KubeClient, path: string): Promise<T | null> {
  try {
    return await client.get<T>(path);
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return null;
    throw e;
  }
}

function mergePatch(client: KubeClient, path: string, body: unknown): Promise<Obj> {
  return client.json("PATCH", path, { body, contentType: "application/merge-patch+json" });
}

const b64decode = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

class NotReady extends Error {}

/** Default Kueue admission: a LocalQueue with the label's name exists in the Job's namespace. */
async function localQueueExists(client: KubeClient, namespace: string, queue: string): Promise<boolean> {
  for (const v of ["v1beta2", "v1beta1"]) {
    try {
      await client.get(`/apis/kueue.x-k8s.io/${v}/namespaces/${enc(namespace)}/localqueues/${enc(queue)}`);
      return true;
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
  }
  return false;
}

/** `metadata.namespace`, `metadata.labels['k']`, `spec.serviceAccountName`, ... of a Pod. */
function fieldRef(pod: Obj, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return String(pod.metadata?.[m[1]!]?.[m[2]!] ?? "");
  const known: Record<string, () => unknown> = {
    "metadata.name": () => pod.metadata.name,
    "metadata.namespace": () => pod.metadata.namespace,
    "metadata.uid": () => pod.metadata.uid,
    "spec.serviceAccountName": () => pod.spec.serviceAccountName,
    "spec.nodeName": () => pod.spec.nodeName ?? "",
    "status.hostIP": () => "127.0.0.1",
    "status.podIP": () => "127.0.0.1",
  };
  const f = known[path];
  if (!f) throw new Error(`fieldRef ${path} is not supported by the job runner`);
  return String(f() ?? "");
}

/** Reads key(s) of a Secret/ConfigMap as bytes; null when absent and optional. */
async function sourceData(
  client: KubeClient,
  ns: string,
  kind: "secret" | "configMap",
  name: string,
  optional: boolean,
): Promise<Map<string, Uint8Array> | null> {
  const path = kind === "secret"
    ? `/api/v1/namespaces/${enc(ns)}/secrets/${enc(name)}`
    : `/api/v1/namespaces/${enc(ns)}/configmaps/${enc(name)}`;
  const obj = await getOrNull(client, path);
  if (!obj) {
    if (optional) return null;
    throw new NotReady(`${kind} ${ns}/${name} not found`);
  }
  const out = new Map<string, Uint8Array>();
  if (kind === "secret") {
    for (const [k, v] of Object.entries(obj.data ?? {})) out.set(k, b64decode(String(v)));
  } else {
    for (const [k, v] of Object.entries(obj.data ?? {})) out.set(k, new TextEncoder().encode(String(v)));
    for (const [k, v] of Object.entries(obj.binaryData ?? {})) out.set(k, b64decode(String(v)));
  }
  return out;
}

async function writeItems(
  dir: string,
  data: Map<string, Uint8Array>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number,
  what: string,
): Promise<void> {
  const list: { key: string; path: string; mode?: number }[] = items ??
    [...data.keys()].map((k) => ({ key: k, path: k }));
  for (const it of list) {
    const bytes = data.get(it.key);
    if (!bytes) throw new NotReady(`${what}: key ${it.key} not found`);
    await writeFileAt(dir, it.path, bytes, it.mode ?? defaultMode);
  }
}

async function writeFileAt(dir: string, rel: string, bytes: Uint8Array, mode: number): Promise<void> {
  const p = `${dir}/${rel}`;
  await Deno.mkdir(p.slice(0, p.lastIndexOf("/")), { recursive: true });
  await Deno.writeFile(p, bytes, { mode });
}

const text = (s: string) => new TextEncoder().encode(s);

/** Materialises one Pod volume into `dir` the way the kubelet's volume plugins would fill it. */
async function materialiseVolume(client: KubeClient, pod: Obj, vol: Obj, dir: string): Promise<void> {
  const ns = pod.metadata.namespace as string;
  await Deno.mkdir(dir, { recursive: true });
  if (vol.emptyDir) return;
  if (vol.secret) {
    const d = await sourceData(client, ns, "secret", vol.secret.secretName, vol.secret.optional === true);
    if (d) {
      await writeItems(
        dir,
        d,
        vol.secret.items,
        vol.secret.defaultMode ?? 0o644,
        `secret ${vol.secret.secretName}`,
      );
    }
    return;
  }
  if (vol.configMap) {
    const d = await sourceData(client, ns, "configMap", vol.configMap.name, vol.configMap.optional === true);
    if (d) {
      await writeItems(
        dir,
        d,
        vol.configMap.items,
        vol.configMap.defaultMode ?? 0o644,
        `configMap ${vol.configMap.name}`,
      );
    }
    return;
  }
  if (vol.downwardAPI) {
    for (const it of vol.downwardAPI.items ?? []) {
      if (!it.fieldRef) throw new Error(`volume ${vol.name}: only downwardAPI fieldRef items are supported`);
      await writeFileAt(dir, it.path, text(fieldRef(pod, it.fieldRef.fieldPath)), it.mode ?? 0o644);
    }
    return;
  }
  if (vol.projected) {
    const mode = vol.projected.defaultMode ?? 0o644;
    for (const src of vol.projected.sources ?? []) {
      if (src.serviceAccountToken) {
        const token = await podToken(client, pod, src.serviceAccountToken);
        await writeFileAt(dir, src.serviceAccountToken.path, text(token), 0o600);
      } else if (src.configMap) {
        const d = await sourceData(
          client,
          ns,
          "configMap",
          src.configMap.name,
          src.configMap.optional === true,
        );
        if (d) await writeItems(dir, d, src.configMap.items, mode, `configMap ${src.configMap.name}`);
      } else if (src.secret) {
        const d = await sourceData(client, ns, "secret", src.secret.name, src.secret.optional === true);
        if (d) await writeItems(dir, d, src.secret.items, mode, `secret ${src.secret.name}`);
      } else if (src.downwardAPI) {
        for (const it of src.downwardAPI.items ?? []) {
          if (!it.fieldRef) {
            throw new Error(`volume ${vol.name}: only downwardAPI fieldRef items are supported`);
          }
          await writeFileAt(dir, it.path, text(fieldRef(pod, it.fieldRef.fieldPath)), it.mode ?? mode);
        }
      } else {
        throw new Error(
          `volume ${vol.name}: projected source ${Object.keys(src).join(",")} is not supported`,
        );
      }
    }
    return;
  }
  const kind = Object.keys(vol).filter((k) => k !== "name").join(",");
  throw new Error(`volume ${vol.name}: type ${kind} is not supported by the job runner`);
}

/** TokenRequest for the Pod's ServiceAccount, bound to the Pod (as the kubelet requests it). */
async function podToken(client: KubeClient, pod: Obj, src: Obj): Promise<string> {
  const ns = pod.metadata.namespace as string;
  const sa = (pod.spec.serviceAccountName as string | undefined) || "default";
  const spec: Obj = {
    expirationSeconds: src.expirationSeconds ?? 3607,
    boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (src.audience) spec.audiences = [src.audience];
  const res = await client.post<Obj>(`/api/v1/namespaces/${enc(ns)}/serviceaccounts/${enc(sa)}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec,
  });
  const token = res.status?.token;
  if (!token) throw new Error(`TokenRequest for ${ns}/${sa} returned no token`);
  return token;
}

/** `$(VAR)` expansion against the variables defined so far (`$$` escapes), as the kubelet does. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
    if (m === "$$") return "$";
    return name !== undefined && name in env ? env[name]! : m;
  });
}

/** The container's environment: envFrom first, then env (later wins), as the kubelet builds it. */
async function containerEnv(client: KubeClient, pod: Obj, c: Obj): Promise<Record<string, string>> {
  const ns = pod.metadata.namespace as string;
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const ref = from.secretRef ?? from.configMapRef;
    const d = await sourceData(
      client,
      ns,
      from.secretRef ? "secret" : "configMap",
      ref.name,
      ref.optional === true,
    );
    for (const [k, v] of d ?? []) env[(from.prefix ?? "") + k] = new TextDecoder().decode(v);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom === undefined) {
      env[e.name] = expand(e.value ?? "", env);
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) env[e.name] = fieldRef(pod, vf.fieldRef.fieldPath);
    else if (vf.secretKeyRef || vf.configMapKeyRef) {
      const ref = vf.secretKeyRef ?? vf.configMapKeyRef;
      const kind = vf.secretKeyRef ? "secret" : "configMap";
      const d = await sourceData(client, ns, kind, ref.name, ref.optional === true);
      const v = d?.get(ref.key);
      if (v) env[e.name] = new TextDecoder().decode(v);
      else if (!ref.optional) throw new NotReady(`${kind} ${ns}/${ref.name}: key ${ref.key} not found`);
    } else {
      throw new Error(
        `env ${e.name}: valueFrom ${Object.keys(vf).join(",")} is not supported by the job runner`,
      );
    }
  }
  return env;
}

/** Rewrites values that are a mountPath or lie under one: `/var/run/secrets/kubeconfig/value` → `<root>/var/...`. */
export function rewriteMountPaths(
  env: Record<string, string>,
  mountPaths: readonly string[],
  podRoot: string,
): Record<string, string> {
  const sorted = [...mountPaths].map((m) => m.replace(/\/+$/, "")).sort((a, b) => b.length - a.length);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const hit = sorted.find((m) => v === m || v.startsWith(m + "/"));
    out[k] = hit !== undefined ? podRoot + v : v;
  }
  return out;
}

function tail(s: string, lines = LOG_TAIL_LINES): string {
  return s.trimEnd().split("\n").slice(-lines).join("\n");
}

export async function startJobRunner(
  cluster: Pick<Cluster, "client" | "server">,
  opts: JobRunnerOptions = {},
): Promise<JobRunner> {
  const client = cluster.client;
  const api = new URL(cluster.server);
  const interval = opts.intervalMs ?? 250;
  const entry = opts.entry ?? DEFAULT_ENTRY;
  const scratch = await Deno.makeTempDir({ prefix: "seam-e2e-jobrunner-" });
  const runs: JobRun[] = [];
  const admitted: string[] = [];
  const waiting = new Map<string, string>();
  const started = new Set<string>(); // pod uids
  const live = new Map<string, { child: Deno.ChildProcess; kill: (why: string) => void }>(); // pod uid →
  let stopped = false;
  let loopError: unknown;

  const jobsPath = opts.namespace
    ? `/apis/batch/v1/namespaces/${enc(opts.namespace)}/jobs`
    : "/apis/batch/v1/jobs";
  const podsPath = opts.namespace ? `/api/v1/namespaces/${enc(opts.namespace)}/pods` : "/api/v1/pods";
  const sel = (extra = "") => `?labelSelector=${enc(CONDUCTOR_JOB_SELECTOR + extra)}`;

  async function admit(job: Obj): Promise<void> {
    const ns = job.metadata.namespace as string, name = job.metadata.name as string;
    const queue = job.metadata.labels?.[KUEUE_QUEUE_LABEL] as string | undefined;
    if (!queue || job.spec?.suspend !== true) return;
    if (
      (job.status?.conditions ?? []).some((c: Obj) =>
        (c.type === "Complete" || c.type === "Failed") && c.status === "True"
      )
    ) return;
    const ok = opts.kueue ? await opts.kueue.admit(job) : await localQueueExists(client, ns, queue);
    if (!ok) return;
    await mergePatch(client, `/apis/batch/v1/namespaces/${enc(ns)}/jobs/${enc(name)}`, {
      spec: { suspend: false },
    });
    admitted.push(`${ns}/${name}`);
  }

  async function writePodStatus(pod: Obj, status: Obj): Promise<void> {
    const path = `/api/v1/namespaces/${enc(pod.metadata.namespace)}/pods/${enc(pod.metadata.name)}/status`;
    try {
      await mergePatch(client, path, { status });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e; // deleted meanwhile (deadline)
    }
  }

  async function prepare(pod: Obj, podRoot: string): Promise<{ env: Record<string, string>; c: Obj }> {
    const c = pod.spec.containers[0];
    if (pod.spec.containers.length !== 1 || (pod.spec.initContainers ?? []).length > 0) {
      throw new Error("the job runner runs Pods with exactly one container and no init containers");
    }
    const volDirs = new Map<string, string>();
    for (const vol of pod.spec.volumes ?? []) {
      const dir = `${podRoot}/.volumes/${vol.name}`;
      await materialiseVolume(client, pod, vol, dir);
      volDirs.set(vol.name, dir);
    }
    const mountPaths: string[] = [];
    for (const m of c.volumeMounts ?? []) {
      const src = volDirs.get(m.name);
      if (!src) throw new Error(`volumeMount ${m.name}: no such volume`);
      const target = podRoot + m.mountPath;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.symlink(m.subPath ? `${src}/${m.subPath}` : src, target);
      mountPaths.push(m.mountPath);
    }
    const podEnv = rewriteMountPaths(await containerEnv(client, pod, c), mountPaths, podRoot);
    // What a kubelet adds: the `kubernetes` Service env (here: the real apiserver on loopback) and HOSTNAME;
    // what deno needs: PATH, HOME, DENO_DIR. The rest of the runner's environment is not passed.
    const env: Record<string, string> = {};
    for (const k of ["PATH", "HOME", "DENO_DIR", "NO_COLOR"]) {
      const v = Deno.env.get(k);
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, {
      HOSTNAME: pod.metadata.name,
      KUBERNETES_SERVICE_HOST: api.hostname,
      KUBERNETES_SERVICE_PORT: api.port || "443",
      KUBERNETES_SERVICE_PORT_HTTPS: api.port || "443",
      SEAM_E2E_POD_ROOT: podRoot,
    }, podEnv);
    return { env, c };
  }

  async function launch(pod: Obj, job: Obj | undefined): Promise<void> {
    const ns = pod.metadata.namespace as string, podName = pod.metadata.name as string;
    const uid = pod.metadata.uid as string;
    const key = `${ns}/${podName}`;
    const podRoot = `${scratch}/${uid}`;
    await Deno.remove(podRoot, { recursive: true }).catch(() => {});
    await Deno.mkdir(podRoot, { recursive: true });
    let prepared: { env: Record<string, string>; c: Obj };
    try {
      prepared = await prepare(pod, podRoot);
    } catch (e) {
      await Deno.remove(podRoot, { recursive: true }).catch(() => {});
      if (e instanceof NotReady || e instanceof KubeApiError) {
        waiting.set(key, e.message); // the kubelet keeps a Pod in ContainerCreating and retries
        return;
      }
      // Something this runner cannot do (volume type, fieldRef, several containers): fail the Pod loudly.
      started.add(uid);
      const message = `job runner: ${e instanceof Error ? e.message : String(e)}`;
      waiting.set(key, message);
      await writePodStatus(pod, { phase: "Failed", reason: "UnsupportedByJobRunner", message });
      return;
    }
    waiting.delete(key);
    started.add(uid);
    const { env, c } = prepared;
    const argv = [
      "run",
      "-P=conductor",
      ...(opts.denoFlags ?? []),
      entry,
      ...(c.command?.slice(1) ?? []),
      ...(c.args ?? []),
    ];
    const startedAt = now();
    const run: JobRun = {
      namespace: ns,
      job: pod.metadata.labels?.[JOB_NAME_LABEL] ?? "",
      pod: podName,
      podUid: uid,
      serviceAccount: pod.spec.serviceAccountName ?? "default",
      argv,
      env,
      podRoot,
      startedAt,
      stdout: "",
      stderr: "",
      done: Promise.resolve(),
    };
    const child = new Deno.Command(Deno.execPath(), {
      args: argv,
      cwd: REPO_ROOT,
      clearEnv: true,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    run.pid = child.pid;
    runs.push(run);
    const containerId = `${CONTAINER_ID_SCHEME}://${child.pid}`;
    const kill = (why: string) => {
      if (run.killed) return;
      run.killed = why;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    };
    live.set(uid, { child, kill });
    const deadlineS = job?.spec?.activeDeadlineSeconds as number | undefined;
    const timeoutMs = opts.timeoutMs ?? (deadlineS ? deadlineS * 1000 + 30_000 : 600_000);
    const timer = setTimeout(() => kill("timeout"), timeoutMs);
    const cond = (type: string, status: string, reason?: string) => ({
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: startedAt,
      ...(reason ? { reason } : {}),
    });
    run.done = (async () => {
      const output = child.output();
      try {
        await writePodStatus(pod, {
          phase: "Running",
          hostIP: "127.0.0.1",
          hostIPs: [{ ip: "127.0.0.1" }],
          podIP: "127.0.0.1",
          podIPs: [{ ip: "127.0.0.1" }],
          startTime: startedAt,
          conditions: [
            cond("PodReadyToStartContainers", "True"),
            cond("Initialized", "True"),
            cond("Ready", "True"),
            cond("ContainersReady", "True"),
          ],
          containerStatuses: [{
            name: c.name,
            image: c.image,
            imageID: "",
            containerID: containerId,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt } },
          }],
        });
      } catch (e) {
        kill(`cannot write Pod status: ${e instanceof Error ? e.message : e}`);
      }
      const out = await output;
      clearTimeout(timer);
      live.delete(uid);
      const finishedAt = now();
      run.finishedAt = finishedAt;
      run.stdout = new TextDecoder().decode(out.stdout);
      run.stderr = new TextDecoder().decode(out.stderr);
      // Killed by a signal: the shell convention 128+n (Deno reports it so on Unix), 137 for SIGKILL.
      run.exitCode = out.signal
        ? (out.code > 128 ? out.code : out.signal === "SIGKILL" ? 137 : 143)
        : out.code;
      if (run.exitCode !== 0) run.logTail = tail(`${run.stderr}\n${run.stdout}`);
      const ok = run.exitCode === 0;
      if (run.killed === "pod deleted" || run.killed === "runner stopped") return; // nobody left to report to
      const terminated = {
        exitCode: run.exitCode,
        reason: ok ? "Completed" : "Error",
        startedAt,
        finishedAt,
        containerID: containerId,
        ...(!ok && c.terminationMessagePolicy === "FallbackToLogsOnError" ? { message: run.logTail } : {}),
      };
      await writePodStatus(pod, {
        phase: ok ? "Succeeded" : "Failed",
        ...(run.killed === "timeout"
          ? { reason: "DeadlineExceeded", message: `job runner: killed after ${timeoutMs / 1000}s` }
          : {}),
        conditions: [
          cond("PodReadyToStartContainers", "False"),
          cond("Initialized", "True", "PodCompleted"),
          cond("Ready", "False", "PodCompleted"),
          cond("ContainersReady", "False", "PodCompleted"),
        ].map((x) => ({ ...x, lastTransitionTime: x.type === "Initialized" ? startedAt : finishedAt })),
        containerStatuses: [{
          name: c.name,
          image: c.image,
          imageID: "",
          containerID: containerId,
          ready: false,
          started: false,
          restartCount: 0,
          state: { terminated },
        }],
      }).catch(() => {});
    })().finally(() => Deno.remove(podRoot, { recursive: true }).catch(() => {}));
  }

  async function tick(): Promise<void> {
    const jobs = (await client.get<Obj>(jobsPath + sel())).items as Obj[];
    const byName = new Map(jobs.map((j) => [`${j.metadata.namespace}/${j.metadata.name}`, j]));
    for (const job of jobs) await admit(job);
    const pods = (await client.get<Obj>(podsPath + sel(`,${JOB_NAME_LABEL}`))).items as Obj[];
    const present = new Set<string>();
    for (const pod of pods) {
      const uid = pod.metadata.uid as string;
      if (pod.metadata.deletionTimestamp) continue;
      present.add(uid);
      if (started.has(uid) || pod.status?.phase !== "Pending" || stopped) continue;
      const job = byName.get(`${pod.metadata.namespace}/${pod.metadata.labels?.[JOB_NAME_LABEL]}`);
      await launch(pod, job);
    }
    // A Pod deleted while running (the Job controller on activeDeadlineSeconds, or a test): kill, like a kubelet.
    for (const [uid, l] of live) if (!present.has(uid)) l.kill("pod deleted");
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await tick();
        loopError = undefined;
      } catch (e) {
        loopError = e; // transient API errors: retry on the next tick
      }
      await sleep(interval);
    }
  })();

  return {
    runs,
    admitted,
    waiting,
    async runFor(job, namespace, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const r = runs.find((x) => x.job === job && (namespace === undefined || x.namespace === namespace));
        if (r) return r;
        await sleep(100);
      }
      const why = loopError
        ? ` (last poll error: ${loopError instanceof Error ? loopError.message : loopError})`
        : "";
      const wait = [...waiting].map(([k, v]) => `${k}: ${v}`).join("; ");
      throw new Error(
        `no run of Job ${job} within ${timeoutMs / 1000}s${why}${wait ? ` (waiting: ${wait})` : ""}`,
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await loop;
      for (const l of live.values()) l.kill("runner stopped");
      await Promise.all(runs.map((r) => r.done));
      await Deno.remove(scratch, { recursive: true }).catch(() => {});
    },
  };
}

/** Waits until Job `namespace/name` has condition Complete or Failed (status True); returns the Job. */
export async function waitForJobFinished(
  client: KubeClient,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
): Promise<Obj> {
  const end = Date.now() + timeoutMs;
  let job: Obj | null = null;
  while (Date.now() < end) {
    job = await getOrNull(client, `/apis/batch/v1/namespaces/${enc(namespace)}/jobs/${enc(name)}`);
    const done = (job?.status?.conditions ?? []).some((c: Obj) =>
      (c.type === "Complete" || c.type === "Failed") && c.status === "True"
    );
    if (done) return job!;
    await sleep(200);
  }
  throw new Error(
    `Job ${namespace}/${name} not finished after ${timeoutMs / 1000}s: ${JSON.stringify(job?.status)}`,
  );
}
