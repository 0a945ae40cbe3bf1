// compiler bootstrap against a real kube-apiserver: import Path B reads the init node's seam-mc Secret
// through @kubernetes/client-node (seam-tenant-<name> first, then seam-system), and everything bootstrap
// emits applies with server-side apply after the launch CRDs.
import { parse } from "yaml";
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { apply, startCluster } from "./cluster/mod.ts";
import { launchBundle } from "../compiler/launch/launch.ts";
import { runBootstrap } from "../compiler/bootstrap/bootstrap.ts";

const FM = { fieldManager: "e2e-bootstrap" };

async function run(dir: string, input: string, out: string, extra: Record<string, unknown> = {}) {
  await Deno.writeTextFile(`${dir}/${out}.input.yaml`, input);
  const env: Record<string, string> = { HOME: dir, SOURCE_DATE_EPOCH: "1780000000" };
  return await runBootstrap({
    input: `${out}.input.yaml`,
    output: out,
    cwd: dir,
    env: (n) => env[n],
    unencrypted: true,
    seed: "e2e",
    serviceAccountKeyBits: 1024,
    ...extra,
  });
}

const FRESH = `name: e2e-imp
mode: bootstrap
role: tenant
bootstrap:
  controlPlaneEndpoint: "https://10.30.0.10:6443"
  talosVersion: "v1.10.4"
  nodes:
    - {hostname: e2e-imp-cp1, ip: "10.30.0.2", role: init}
    - {hostname: e2e-imp-w1, ip: "10.30.0.3", role: worker}
`;

const IMPORT = `name: e2e-imp
mode: import
role: tenant
importExistingCluster: true
bootstrap:
  controlPlaneEndpoint: "https://10.30.0.10:6443"
  talosVersion: "v1.10.4"
  nodes:
    - {hostname: e2e-imp-cp1, ip: "10.30.0.2", role: init}
    - {hostname: e2e-imp-cp2, ip: "10.30.0.4", role: controlplane}
    - {hostname: e2e-imp-w1, ip: "10.30.0.3", role: worker}
`;

Deno.test("e2e bootstrap: import Path B from a live cluster; outputs apply server-side", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "e2e-bootstrap-" });
  const cluster = await startCluster({ name: "bootstrap" });
  try {
    const { client } = cluster;
    await t.step("launch CRDs and the seam-system namespace apply", async () => {
      await apply(client, launchBundle(), FM);
      await apply(client, "apiVersion: v1\nkind: Namespace\nmetadata: {name: seam-system}\n", FM);
    });

    const fresh = await run(dir, FRESH, "fresh");
    const freshInit = Deno.readTextFileSync(`${dir}/fresh/seam-mc-e2e-imp-cp1.yaml`);

    await t.step("Path F output applies (tenant namespace created by the platform beforehand)", async () => {
      await apply(client, "apiVersion: v1\nkind: Namespace\nmetadata: {name: seam-tenant-e2e-imp}\n", FM);
      const seq = parse(
        parse(Deno.readTextFileSync(`${dir}/fresh/bootstrap-sequence.yaml`)).data["sequence.yaml"],
      );
      for (const step of seq.steps) {
        for (const f of step.resources) await apply(client, Deno.readTextFileSync(`${dir}/fresh/${f}`), FM);
      }
      await apply(client, Deno.readTextFileSync(`${dir}/fresh/bootstrap-sequence.yaml`), FM);
      const cr = await client.get<{ spec: { mode: string; role: string } }>(
        "/apis/seam.ontai.dev/v1alpha1/namespaces/seam-system/talosclusters/e2e-imp",
      );
      assertEquals([cr.spec.mode, cr.spec.role], ["bootstrap", "tenant"]);
      assertEquals(fresh.path, "F");
    });

    await t.step("Path B reads seam-mc-e2e-imp-cp1 from seam-tenant-e2e-imp and keeps its PKI", async () => {
      const warnings: string[] = [];
      const r = await run(dir, IMPORT, "import", {
        kubeconfig: cluster.kubeconfig,
        warn: (m: string) => warnings.push(m),
      });
      assertEquals(r.path, "B", warnings.join("\n"));
      const mc = (p: string) => parse(parse(Deno.readTextFileSync(p)).stringData["machineconfig.yaml"]);
      const src = parse(parse(freshInit).stringData["machineconfig.yaml"]);
      for (const h of ["cp1", "cp2", "w1"]) {
        const got = mc(`${dir}/import/seam-mc-e2e-imp-${h}.yaml`);
        assertEquals(got.cluster.ca.crt, src.cluster.ca.crt, h);
        assertEquals(got.machine.ca.crt, src.machine.ca.crt, h);
        assertEquals(got.cluster.id, src.cluster.id, h);
      }
      assert(r.files.includes("seam-tenant-namespace.yaml"));
    });

    await t.step("Path B output applies server-side in sequence order", async () => {
      const seq = parse(
        parse(Deno.readTextFileSync(`${dir}/import/bootstrap-sequence.yaml`)).data["sequence.yaml"],
      );
      for (const step of seq.steps) {
        for (const f of step.resources) await apply(client, Deno.readTextFileSync(`${dir}/import/${f}`), FM);
      }
      await apply(client, Deno.readTextFileSync(`${dir}/import/bootstrap-sequence.yaml`), FM);
      const cr = await client.get<{ spec: { mode: string; role: string; clusterEndpoint: string } }>(
        "/apis/seam.ontai.dev/v1alpha1/namespaces/seam-system/talosclusters/e2e-imp",
      );
      assertEquals([cr.spec.mode, cr.spec.role, cr.spec.clusterEndpoint], [
        "import",
        "tenant",
        "10.30.0.10:6443",
      ]);
      const s = await client.get<{ data: Record<string, string> }>(
        "/api/v1/namespaces/seam-tenant-e2e-imp/secrets/seam-mc-e2e-imp-cp2",
      );
      assert(s.data["machineconfig.yaml"]);
    });

    await t.step("the Secret only in seam-system is found too; absent everywhere → Path C", async () => {
      await client.delete("/api/v1/namespaces/seam-tenant-e2e-imp/secrets/seam-mc-e2e-imp-cp1");
      const moved = parse(freshInit);
      moved.metadata.namespace = "seam-system";
      await apply(client, [moved], FM);
      const b = await run(dir, IMPORT, "import2", { kubeconfig: cluster.kubeconfig });
      assertEquals(b.path, "B");
      await client.delete("/api/v1/namespaces/seam-system/secrets/seam-mc-e2e-imp-cp1");
      await Deno.writeTextFile(`${dir}/talosconfig`, "context: e2e\n");
      const c = await run(dir, IMPORT, "import3", {
        kubeconfig: cluster.kubeconfig,
        talosconfig: "talosconfig",
      });
      assertEquals(c.path, "C");
    });
  } finally {
    await cluster.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
