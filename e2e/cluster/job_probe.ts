// A stand-in container entry for job runner tests (`startJobRunner(..., { entry })`): it reports what the
// process can see as its Pod — the ServiceAccount identity from the token mounted by the runner, the
// namespace, and the files behind env paths — as one JSON line on stdout. PROBE_MODE selects extra behaviour:
//   rbac   — also GET PROBE_GET_PATHS (comma-separated API paths) and report the HTTP statuses
//   sleep  — then sleep for PROBE_SLEEP_S seconds (default 300)
//   exit   — then exit with PROBE_EXIT (default 0)
// It reads the in-cluster config the way a pod does: KUBERNETES_SERVICE_HOST/PORT and the token/CA under
// /var/run/secrets/kubernetes.io/serviceaccount — found at $SEAM_E2E_POD_ROOT + that path here.
const env = (n: string) => Deno.env.get(n) ?? "";
const root = env("SEAM_E2E_POD_ROOT");
const saDir = `${root}/var/run/secrets/kubernetes.io/serviceaccount`;
const token = Deno.readTextFileSync(`${saDir}/token`).trim();
const ca = Deno.readTextFileSync(`${saDir}/ca.crt`);
const server = `https://${env("KUBERNETES_SERVICE_HOST")}:${env("KUBERNETES_SERVICE_PORT")}`;
const http = Deno.createHttpClient({ caCerts: [ca] });
const headers = {
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
  accept: "application/json",
};

const review = await fetch(`${server}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
  method: "POST",
  client: http,
  headers,
  body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
});
const who = await review.json() as {
  status?: { userInfo?: { username?: string; extra?: Record<string, string[]> } };
};
const report: Record<string, unknown> = {
  username: who.status?.userInfo?.username ?? `HTTP ${review.status}`,
  podName: who.status?.userInfo?.extra?.["authentication.kubernetes.io/pod-name"]?.[0] ?? "",
  namespaceFile: Deno.readTextFileSync(`${saDir}/namespace`),
  podNamespace: env("POD_NAMESPACE"),
  kubeconfig: env("KUBECONFIG"),
  kubeconfigContent: env("KUBECONFIG") ? Deno.readTextFileSync(env("KUBECONFIG")) : null,
  talosconfigPath: env("TALOSCONFIG_PATH"),
  args: Deno.args,
};
if (env("PROBE_MODE") === "rbac") {
  const statuses: Record<string, number> = {};
  for (const p of env("PROBE_GET_PATHS").split(",").filter(Boolean)) {
    const res = await fetch(server + p, { client: http, headers });
    await res.body?.cancel();
    statuses[p] = res.status;
  }
  report.statuses = statuses;
}
Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(report) + "\n"));
http.close();
if (env("PROBE_MODE") === "sleep") {
  await new Promise((r) => setTimeout(r, Number(env("PROBE_SLEEP_S") || 300) * 1000));
}
Deno.exit(env("PROBE_MODE") === "exit" ? Number(env("PROBE_EXIT") || 0) : 0);
