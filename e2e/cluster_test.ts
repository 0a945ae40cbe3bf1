// End-to-end check of the e2e harness itself: two real control planes (etcd + kube-apiserver +
// kube-controller-manager built from Go modules), or the clusters named by MGMT_KUBECONFIG/TENANT_KUBECONFIG.
// A missing Go toolchain or a failed build fails this test with the reason; it never skips.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../shared/testing/asserts.ts";
import {
  apply,
  attachCluster,
  type Cluster,
  ensureBinaries,
  freePorts,
  groupMembers,
  isPortFree,
  K8S_VERSION,
  KubeApiError,
  KubeClient,
  saKubeconfig,
  startCluster,
  startClusters,
} from "./cluster/mod.ts";

const suffix = crypto.randomUUID().slice(0, 8);

async function eventually(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const gone = (c: Cluster, path: string) => async () => (await c.client.status(path)) === 404;

Deno.test("e2e clusters: two independent real control planes", async (t) => {
  const started = Date.now();
  const clusters = await startClusters();
  const { management: mgmt, tenant } = clusters;
  const launched = [mgmt, tenant].filter((c) => !c.external);
  const pgids = launched.flatMap((c) => c.processes.map((p) => p.pid));
  const ports = launched.flatMap((c) => c.ports);
  const log = (s: string) => Deno.stderr.writeSync(new TextEncoder().encode(`  ${s}\n`));
  log(`clusters ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${mgmt.server} ${tenant.server}`);
  try {
    await t.step("both are ready and run the pinned Kubernetes", async () => {
      for (const c of [mgmt, tenant]) {
        assertEquals(await c.client.status("/readyz"), 200);
        const v = await c.client.get<{ gitVersion: string }>("/version");
        if (!c.external) assertEquals(v.gitVersion, K8S_VERSION);
      }
      assert(mgmt.server !== tenant.server, "the two clusters must have different endpoints");
    });

    await t.step("they are independent: an object created in one is absent in the other", async () => {
      const path = "/api/v1/namespaces/default/configmaps";
      await mgmt.client.post(path, { metadata: { name: `only-mgmt-${suffix}` }, data: { k: "v" } });
      assertEquals(await mgmt.client.status(`${path}/only-mgmt-${suffix}`), 200);
      assertEquals(await tenant.client.status(`${path}/only-mgmt-${suffix}`), 404);
      await mgmt.client.delete(`${path}/only-mgmt-${suffix}`);
    });

    await t.step("server-side apply of multi-doc YAML, including a CRD and its custom resource", async () => {
      const ns = `apply-${suffix}`;
      const yamlText = `
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: ${ns}}
data: {a: "1"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets${suffix}.e2e.seam.test}
spec:
  group: e2e.seam.test
  scope: Namespaced
  names: {plural: widgets${suffix}, singular: widget${suffix}, kind: Widget${suffix}, listKind: Widget${suffix}List}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
---
apiVersion: e2e.seam.test/v1
kind: Widget${suffix}
metadata: {name: w1}
spec: {size: 3}
`;
      const out = await apply(tenant.client, yamlText, { fieldManager: "seam-e2e", namespace: ns });
      assertEquals(out.map((o) => o.kind), [
        "Namespace",
        "ConfigMap",
        "CustomResourceDefinition",
        `Widget${suffix}`,
      ]);
      const w = await tenant.client.get<{ spec: { size: number } }>(
        `/apis/e2e.seam.test/v1/namespaces/${ns}/widgets${suffix}/w1`,
      );
      assertEquals(w.spec.size, 3);
      // Re-applying with a change updates in place (apply is idempotent and owned by the field manager).
      await apply(tenant.client, yamlText.replace('a: "1"', 'a: "2"'), {
        fieldManager: "seam-e2e",
        namespace: ns,
      });
      const cm = await tenant.client.get<{ data: { a: string } }>(`/api/v1/namespaces/${ns}/configmaps/cm`);
      assertEquals(cm.data.a, "2");
      assertEquals(await mgmt.client.status(`/api/v1/namespaces/${ns}`), 404);
      await tenant.client.delete(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets${suffix}.e2e.seam.test`,
      );
      await tenant.client.delete(`/api/v1/namespaces/${ns}`);
    });

    await t.step(
      "RBAC is enforced for a ServiceAccount kubeconfig, and a RoleBinding grants access",
      async () => {
        const ns = `rbac-${suffix}`;
        await apply(mgmt.client, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`, {
          fieldManager: "seam-e2e",
        });
        const kubeconfig = await saKubeconfig(mgmt, ns, "reader");
        const sa = await KubeClient.fromKubeconfig(kubeconfig);
        try {
          assert(
            sa.access.token && !sa.access.certPem,
            "the SA kubeconfig must carry a token, not the admin cert",
          );
          const err = await assertRejects(() => sa.get(`/api/v1/namespaces/${ns}/secrets`), KubeApiError);
          assertEquals(err.status, 403);
          const who = await sa.post<{ status: { userInfo: { username: string } } }>(
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
          );
          assertEquals(who.status.userInfo.username, `system:serviceaccount:${ns}:reader`);
          await apply(
            mgmt.client,
            `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: ${ns}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: secret-reader, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects: [{kind: ServiceAccount, name: reader, namespace: ${ns}}]
`,
            { fieldManager: "seam-e2e" },
          );
          await eventually(
            "the RoleBinding to take effect",
            15_000,
            async () => (await sa.status(`/api/v1/namespaces/${ns}/secrets`)) === 200,
          );
          // Still scoped: the binding is namespaced, so other namespaces stay forbidden.
          assertEquals(await sa.status("/api/v1/namespaces/default/secrets"), 403);
          // The same SA does not exist on the other cluster: its token is not valid there.
          const cross = new KubeClient({
            ...sa.access,
            server: tenant.server,
            caPem: tenant.access.caPem ?? "",
          });
          try {
            assertEquals(await cross.status(`/api/v1/namespaces/${ns}/secrets`), 401);
          } finally {
            cross.close();
          }
        } finally {
          sa.close();
        }
        await mgmt.client.delete(`/api/v1/namespaces/${ns}`);
      },
    );

    await t.step("controller-manager: garbage collection and namespace deletion complete", async () => {
      const ns = `lifecycle-${suffix}`;
      await mgmt.client.post("/api/v1/namespaces", { metadata: { name: ns } });
      const cms = `/api/v1/namespaces/${ns}/configmaps`;
      const owner = await mgmt.client.post<{ metadata: { uid: string } }>(cms, {
        metadata: { name: "owner" },
      });
      await mgmt.client.post(cms, {
        metadata: {
          name: "dependent",
          ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid }],
        },
      });
      await eventually(
        `the default ServiceAccount in ${ns}`,
        30_000,
        async () => (await mgmt.client.status(`/api/v1/namespaces/${ns}/serviceaccounts/default`)) === 200,
      );
      await mgmt.client.delete(`${cms}/owner`);
      await eventually("GC to delete the dependent", 60_000, gone(mgmt, `${cms}/dependent`));
      await mgmt.client.delete(`/api/v1/namespaces/${ns}`);
      await eventually(`namespace ${ns} to be finalized`, 90_000, gone(mgmt, `/api/v1/namespaces/${ns}`));
    });
  } finally {
    await clusters.stop();
  }

  await t.step("after shutdown no process of ours is left and the ports are free", () => {
    for (const pgid of pgids) assertEquals(groupMembers(pgid), [], `process group ${pgid} still has members`);
    for (const port of ports) assert(isPortFree(port), `port ${port} is still in use`);
  });
});

Deno.test("e2e clusters: a failed start names the component with its log and leaves nothing; port clashes retry", async () => {
  if (Deno.env.get("MGMT_KUBECONFIG") && Deno.env.get("TENANT_KUBECONFIG")) {
    // Attached mode launches nothing, but must not silently pass either: prove the attach path instead.
    const c = await attachCluster("management", Deno.env.get("MGMT_KUBECONFIG")!);
    await c.stop();
    return;
  }
  const bins = await ensureBinaries();
  const dir = await Deno.makeTempDir({ prefix: "seam-e2e-broken-" });
  try {
    const fake = `${dir}/fake-apiserver`;
    await Deno.writeTextFile(fake, "#!/bin/sh\necho 'fake apiserver: refusing to start' >&2\nexit 3\n", {
      mode: 0o755,
    });
    const err = await assertRejects(
      () =>
        startCluster({ name: "broken", dir: `${dir}/cluster`, binaries: { ...bins, kubeApiserver: fake } }),
      Error,
    );
    assertStringIncludes(err.message, "cluster broken: kube-apiserver failed to start: exited with code 3");
    assertStringIncludes(err.message, "fake apiserver: refusing to start");
    // etcd had started; it must have been stopped with its process group.
    assertEquals(processesMentioning(dir), []);

    // A port taken between choosing and binding (another suite, another process) is retried with fresh ports.
    const squatter = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const taken = (squatter.addr as Deno.NetAddr).port;
    let picks = 0;
    const pickPorts = (n: number) => picks++ === 0 ? [taken, ...freePorts(n - 1)] : freePorts(n);
    try {
      const c = await startCluster({ name: "retry", dir: `${dir}/retry`, binaries: bins, pickPorts });
      await c.stop();
      assertEquals(picks, 2);
      assert(!c.ports.includes(taken));
    } finally {
      squatter.close();
    }
    assertEquals(processesMentioning(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("e2e clusters: without Go and without cached binaries the build fails loudly", async () => {
  const cache = await Deno.makeTempDir({ prefix: "seam-e2e-nogo-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./cluster/build.ts", import.meta.url).pathname],
      env: { GO: "/nonexistent/bin/go", SEAM_E2E_CACHE: cache },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(!out.success, "the build must fail without Go");
    assertStringIncludes(new TextDecoder().decode(out.stderr), "$GO is set to /nonexistent/bin/go");
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

/** Pids of live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(needle)) pids.push(Number(e.name));
    } catch {
      // exited while scanning
    }
  }
  return pids;
}
