// The launch CRD bundle against a real kube-apiserver (e2e/cluster, or MGMT_KUBECONFIG): all 37 CRDs apply
// server-side and become Established; every kind's sample (schemas/testdata/samples) is accepted without a
// field being pruned, and its invalid fixture (schemas/testdata/invalid) is rejected with 422 by the apiserver's
// own OpenAPI validation, naming the field of its `# expect-error:` line. A control plane that cannot be built
// or started fails the suite; it never skips.
import YAML from "yaml";
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { apply, KubeApiError, type KubeObject, parseManifests } from "./cluster/mod.ts";
import { launchBundle } from "../compiler/launch/launch.ts";
import { ALL_KINDS, crdNameOf } from "../schemas/mod.ts";
import {
  causeFields,
  ensureNamespaces,
  expectedErrorPath,
  log,
  normalizeFieldPath,
  prunedPaths,
  suiteCluster,
  waitEstablished,
} from "./compat/mod.ts";

const FM = { fieldManager: "e2e-crds" };
const FIXTURES = new URL("../schemas/testdata/", import.meta.url);
const fixture = (dir: string, singular: string) =>
  Deno.readTextFileSync(new URL(`${dir}/${singular}.yaml`, FIXTURES));

Deno.test("e2e crds: launch bundle Established; samples accepted, invalid fixtures rejected (422)", async (t) => {
  const t0 = Date.now();
  const cluster = await suiteCluster("crds", "MGMT_KUBECONFIG");
  log(`cluster ${cluster.external ? "attached" : "started"} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const { client } = cluster;
  const created: string[] = [];
  try {
    const bundle = parseManifests(launchBundle());
    await t.step("the launch bundle applies server-side: 37 CRDs", async () => {
      assertEquals(bundle.length, 37);
      assert(bundle.every((o) => o.kind === "CustomResourceDefinition"));
      const out = await apply(client, bundle, FM);
      assertEquals(
        out.map((o) => o.metadata.name).sort(),
        ALL_KINDS.map((d) => crdNameOf(d.name)).sort(),
      );
    });

    await t.step("every CRD becomes Established with its names accepted", async () => {
      const t1 = Date.now();
      const st = await waitEstablished(client, bundle.map((o) => o.metadata.name), 60_000);
      assertEquals(st.length, 37);
      log(`37 CRDs Established in ${((Date.now() - t1) / 1000).toFixed(1)}s`);
    });

    await ensureNamespaces(client);

    for (const def of ALL_KINDS) {
      const singular = def.names.singular;
      await t.step(
        `${def.name}: invalid fixture rejected with 422 at its field; sample accepted`,
        async () => {
          // Invalid first (plain POST create: server-side apply answers a type error with 500, see guardian.yaml).
          const badText = fixture("invalid", singular);
          const want = expectedErrorPath(badText);
          assert(want, `invalid/${singular}.yaml names no # expect-error`);
          const bad = YAML.parse(badText) as KubeObject;
          const ns = bad.metadata.namespace ?? "default";
          const path = `/apis/${bad.apiVersion}/namespaces/${ns}/${def.names.plural}`;
          let err: unknown;
          try {
            await client.post(path, bad);
            await client.delete(`${path}/${bad.metadata.name}`).catch(() => {});
          } catch (e) {
            err = e;
          }
          assert(err instanceof KubeApiError, `invalid/${singular}.yaml was accepted (want 422 at ${want})`);
          assertEquals(err.status, 422, err.message);
          assertEquals(err.reason, "Invalid", err.message);
          const field = normalizeFieldPath(want);
          const msg = normalizeFieldPath(String((err.body as { message?: string }).message ?? ""));
          assert(msg.includes(`${field}: `), `422 does not name ${field}: ${err.message}`);
          const causes = causeFields(err).map(normalizeFieldPath);
          assert(causes.includes(field), `causes ${JSON.stringify(causes)} do not include ${field}`);

          // The sample, server-side applied: accepted and stored without pruning.
          const good = parseManifests(fixture("samples", singular));
          assertEquals(good.length, 1);
          const [stored] = await apply(client, good, FM);
          assertEquals(stored!.kind, def.name);
          const pruned = prunedPaths(good[0]!, stored!);
          assertEquals(pruned, [], `${def.name} sample: fields pruned by our own CRD`);
          created.push(`${path}/${good[0]!.metadata.name}`);
        },
      );
    }
  } finally {
    if (cluster.external) { for (const p of created) await client.delete(p).catch(() => {}); }
    await cluster.stop();
    log(`crds suite: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
});
