// compiler component --discover against a real kube-apiserver: a read-only ServiceAccount scan of
// catalog principals, all namespaces and one namespace, report to stdout and to a file.
import { assert, assertEquals, assertStringIncludes } from "../shared/testing/asserts.ts";
import { runCompilerCli } from "../compiler/cli.ts";
import { apply, type Cluster, saKubeconfig, startCluster } from "./cluster/mod.ts";

async function compiler(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCompilerCli(args, {
    env: (n) => (n === "HOME" ? "/nonexistent" : undefined),
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    cwd,
  });
  return { code, out: out.join(""), err: err.join("") };
}

const row = (tag: string, name: string, rest: string) => `  [${tag}]  ${name.padEnd(25)}  ${rest}\n`;

Deno.test("e2e component --discover: catalog coverage from live ServiceAccounts", async (t) => {
  const cluster: Cluster = await startCluster({ name: "component" });
  const work = await Deno.makeTempDir({ prefix: "seam-e2e-component-" });
  try {
    await apply(
      cluster.client,
      `apiVersion: v1
kind: Namespace
metadata: {name: cnpg-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: compiler}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cilium, namespace: kube-system}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cnpg-manager, namespace: cnpg-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: sa-lister}
rules: [{apiGroups: [""], resources: [serviceaccounts], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sa-lister}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sa-lister}
subjects: [{kind: ServiceAccount, name: discover, namespace: compiler}]
`,
      { fieldManager: "e2e" },
    );
    const kc = await saKubeconfig(cluster, "compiler", "discover");

    await t.step("all namespaces: cilium and cnpg covered, the rest missing", async () => {
      const r = await compiler(["component", "--discover", "--kubeconfig", kc], work);
      assertEquals(r.code, 0, r.err);
      assert(r.out.startsWith("=== compiler component --discover ===\nDeployed ServiceAccounts scanned: "));
      const scanned = Number(/scanned: (\d+)/.exec(r.out)![1]);
      assert(scanned >= 3, r.out);
      assertStringIncludes(r.out, row("COVERED", "cilium", "rbac-cilium"));
      assertStringIncludes(r.out, row("COVERED", "cnpg", "rbac-cnpg"));
      for (const n of ["kueue", "cert-manager", "local-path-provisioner"]) {
        assertStringIncludes(r.out, row("MISSING", n, `run: compiler component --component ${n}`));
      }
    });

    await t.step("--namespace narrows the scan; --output writes the report to a file", async () => {
      const r = await compiler([
        "component",
        "--discover",
        "--kubeconfig",
        kc,
        "--namespace",
        "kube-system",
        "--output",
        "reports/kube-system.txt",
      ], work);
      assertEquals(r.code, 0, r.err);
      assertEquals(r.out, "");
      const text = await Deno.readTextFile(`${work}/reports/kube-system.txt`);
      assertStringIncludes(text, row("COVERED", "cilium", "rbac-cilium"));
      assertStringIncludes(text, row("MISSING", "cnpg", "run: compiler component --component cnpg"));
    });

    await t.step("a ServiceAccount that may not list fails with the discover: prefix", async () => {
      const nobody = await saKubeconfig(cluster, "compiler", "nobody");
      const r = await compiler(["component", "--discover", "--kubeconfig", nobody], work);
      assertEquals(r.code, 1);
      assertStringIncludes(r.err, "compiler component: discover: ");
    });

    await t.step("discover wrote nothing to the cluster: the ServiceAccount set is unchanged", async () => {
      const list = await cluster.client.get<{ items: { metadata: { name: string } }[] }>(
        "/api/v1/namespaces/compiler/serviceaccounts",
      );
      assertEquals(
        list.items.map((s) => s.metadata.name).sort(),
        ["default", "discover", "nobody"].filter((n) =>
          n !== "default" || list.items.some((s) => s.metadata.name === "default")
        ).sort(),
      );
    });
  } finally {
    await cluster.stop();
    await Deno.remove(work, { recursive: true });
  }
});
