// The custom resources the compiler emits, for the e2e compatibility suite: the per-kind samples plus the output
// of the generators that run without a cluster or registry (bootstrap Path F, enable management + tenant,
// packbuild of a pre-built pack, component catalog). Only objects of our API groups are returned.
import { parseAllDocuments } from "yaml";
import { ALL_KINDS, GROUP_CAPI_INFRA, GROUP_GUARDIAN, GROUP_SEAM } from "../../schemas/mod.ts";
import { runBootstrap } from "../../compiler/bootstrap/bootstrap.ts";
import { buildEnableBundle } from "../../compiler/enable/enable.ts";
import { runPackbuild } from "../../compiler/packbuild/packbuild.ts";
import { CATALOG_NAMES, runCatalog } from "../../compiler/component/component.ts";
import { generateSigningKey } from "../../compiler/enable/signing_key.ts";
import type { KubeObject } from "../cluster/mod.ts";

const ROOT = new URL("../../", import.meta.url);
const GROUPS = new Set([GROUP_SEAM, GROUP_GUARDIAN, GROUP_CAPI_INFRA]);

export interface Emitted {
  /** Where the object comes from, e.g. `sample`, `bootstrap:ccs-app.yaml`. */
  source: string;
  obj: KubeObject;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
}

/** Our-group objects of a multi-document YAML text (a `List` is flattened, other documents skipped). */
export function ourObjects(text: string, source: string): Emitted[] {
  const out: Emitted[] = [];
  for (const doc of parseAllDocuments(text)) {
    const v = doc.toJS() as KubeObject | null;
    if (!v || typeof v !== "object" || !v.apiVersion) continue;
    const items = v.kind.endsWith("List") && Array.isArray(v.items) ? v.items as KubeObject[] : [v];
    for (const o of items) if (GROUPS.has(groupOf(o.apiVersion))) out.push({ source, obj: o });
  }
  return out;
}

/** schemas/testdata/samples/<kind>.yaml, one per kind. */
export function samples(): Emitted[] {
  return ALL_KINDS.flatMap((d) =>
    ourObjects(
      Deno.readTextFileSync(new URL(`schemas/testdata/samples/${d.names.singular}.yaml`, ROOT)),
      `sample:${d.names.singular}.yaml`,
    )
  );
}

async function walkFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${rel}`)) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await walkFiles(dir, p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Runs the cluster-free generators in a scratch directory; returns their our-group objects. */
export async function generatorObjects(): Promise<Emitted[]> {
  const dir = await Deno.makeTempDir({ prefix: "seam-e2e-compat-gen-" });
  const out: Emitted[] = [];
  const quiet = () => {};
  try {
    // bootstrap, Path F (fresh PKI), the example tenant cluster.
    await Deno.copyFile(new URL("examples/cluster-tenant.yaml", ROOT), `${dir}/cluster-tenant.yaml`);
    const env: Record<string, string> = { HOME: dir, SOURCE_DATE_EPOCH: "1780000000" };
    await runBootstrap({
      input: "cluster-tenant.yaml",
      output: "bootstrap",
      cwd: dir,
      env: (n: string) => env[n],
      unencrypted: true,
      seed: "e2e-compat",
      serviceAccountKeyBits: 1024,
      warn: quiet,
    });
    for (const f of await walkFiles(`${dir}/bootstrap`)) {
      out.push(...ourObjects(await Deno.readTextFile(`${dir}/bootstrap/${f}`), `bootstrap:${f}`));
    }

    // enable: management (with CAPI) and tenant bundles, in memory.
    const pair = await generateSigningKey();
    await Deno.writeTextFile(`${dir}/mgmt.key`, pair.privatePem);
    await Deno.writeTextFile(`${dir}/mgmt.pub`, pair.publicPem);
    const mgmt = await buildEnableBundle(
      { output: "enable", clusterName: "ccs-mgmt", capi: true, signingPrivateKey: "mgmt.key" },
      undefined,
      dir,
    );
    const tenant = await buildEnableBundle(
      {
        output: "enable-t",
        clusterRole: "tenant",
        clusterName: "ccs-app",
        managementSigningPublicKey: "mgmt.pub",
      },
      undefined,
      dir,
    );
    for (const [name, b] of [["enable", mgmt], ["enable-tenant", tenant]] as const) {
      for (const [f, text] of [...b.files].sort(([a], [c]) => a < c ? -1 : 1)) {
        out.push(...ourObjects(text, `${name}:${f}`));
      }
    }

    // packbuild of a pre-built pack (writes only the PackDelivery CR; no registry).
    await Deno.copyFile(new URL("examples/pack-prebuilt.yaml", ROOT), `${dir}/pack-prebuilt.yaml`);
    const pb = await runPackbuild({
      input: "pack-prebuilt.yaml",
      output: "packs",
      cwd: dir,
      plainHttp: false,
      env: (n: string) => env[n],
      warn: quiet,
    });
    out.push(...ourObjects(await Deno.readTextFile(`${dir}/${pb.file}`), `packbuild:${pb.file}`));

    // component catalog: every entry's RBACProfile.
    let text = "";
    await runCatalog(
      CATALOG_NAMES,
      { namespace: "seam-tenant-ccs-app", targetClusters: ["ccs-app"], rbacPolicyRef: "ccs-app-policy" },
      dir,
      { stdout: (t) => text += t },
    );
    out.push(...ourObjects(text, "component:catalog"));
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
