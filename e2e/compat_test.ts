// Compatibility with the upstream operators' CRDs against a real kube-apiserver (e2e/cluster, or
// TENANT_KUBECONFIG): each kind's upstream shape source (schemas/shape_sources.ts; DECISIONS.md, api.md §9.2),
// renamed to our group/kind/plural/shortNames (plus the §9.4 field renames and the "plus …" paths), is applied
// server-side and must become Established; then every custom resource our compiler emits — the samples and the
// output of bootstrap (Path F), enable (management + tenant), packbuild (pre-built pack) and the component
// catalog — is applied against it. Pruned fields are reported, not failed; a rejection fails unless its field
// is on the deliberate-difference allow-list of schemas/compat_test.ts. A field-level report compares our
// openAPIV3Schema with the upstream one the apiserver serves. A control plane that cannot be built fails the
// suite; it never skips.
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { apply, KubeApiError, type KubeObject } from "./cluster/mod.ts";
import { ALL_KINDS, crdNameOf, KIND_NAMES, type KindId } from "../schemas/mod.ts";
import { compareSchemas, type Diff, type DiffKind, FAILING } from "../schemas/compat.ts";
import {
  type Allowed,
  allowList,
  causeFields,
  CRD_API,
  type Emitted,
  ensureNamespaces,
  generatorObjects,
  log,
  ourSchema,
  prunedPaths,
  samples,
  schemaPathOf,
  suiteCluster,
  UPSTREAM_LABEL,
  upstreamCrdFor,
  waitEstablished,
  WIDENED,
} from "./compat/mod.ts";

const FM = { fieldManager: "e2e-compat" };
type Json = Record<string, unknown>;

const KIND_BY_NAME = new Map(ALL_KINDS.map((d) => [d.name as string, d.name]));

const ORDER: DiffKind[] = [
  "missing",
  "type",
  "enumNarrowed",
  "requiredAdded",
  "defaultChanged",
  "tightened",
  "added",
  "loosened",
  "renamed",
  "extension",
];

/** The per-kind difference report (our CRD schema vs the served upstream one) and its summary table. */
function schemaReport(served: Map<KindId, Json>, allowed: ReturnType<typeof allowList>): {
  text: string;
  totals: Record<DiffKind, number>;
  unexpected: string[];
} {
  const totals = Object.fromEntries(ORDER.map((k) => [k, 0])) as Record<DiffKind, number>;
  const unexpected: string[] = [];
  const table = [`${"kind".padEnd(34)}${ORDER.map((k) => k.slice(0, 8).padStart(9)).join("")}`];
  const details: string[] = [];
  for (const def of ALL_KINDS) {
    const diffs: Diff[] = compareSchemas(ourSchema(def.name), served.get(def.name)!);
    const counts = ORDER.map((k) => diffs.filter((d) => d.kind === k).length);
    ORDER.forEach((k, i) => totals[k] += counts[i]!);
    table.push(`${def.name.padEnd(34)}${counts.map((c) => String(c || ".").padStart(9)).join("")}`);
    if (!diffs.length) continue;
    details.push(`${def.name} (${SOURCE_OF(def.name)}):`);
    const only = (k: DiffKind) => diffs.filter((d) => d.kind === k).map((d) => d.path);
    if (only("missing").length) details.push(`    only in theirs: ${only("missing").join(", ")}`);
    if (only("added").length) details.push(`    only in ours:   ${only("added").join(", ")}`);
    for (const d of diffs) {
      if (d.kind === "missing" || d.kind === "added") continue;
      const tag = FAILING.has(d.kind)
        ? allowed.some((a) => a.kind === def.name && a.diff === d.kind && a.path === d.path)
          ? "allowed"
          : "DIFFERS"
        : "info";
      if (tag === "DIFFERS") unexpected.push(`${def.name} ${d.kind} ${d.path} ${d.detail}`);
      details.push(`    ${tag.padEnd(8)} ${d.kind.padEnd(14)} ${d.path} ${d.detail}`);
    }
  }
  table.push(`${"total".padEnd(34)}${ORDER.map((k) => String(totals[k]).padStart(9)).join("")}`);
  return { text: `${table.join("\n")}\n\n${details.join("\n")}`, totals, unexpected };
}

const SOURCE_OF = (k: KindId) => upstreamCrdFor(k).source;

interface Outcome {
  e: Emitted;
  kind: KindId;
  status: "accepted" | "rejected";
  pruned: string[];
  /** Rejections: schema path of each cause, the allow-list entry that covers it, and the message. */
  causes: { field: string; path: string; allowed?: Allowed }[];
  message?: string;
  /** Server-side apply refused a field the upstream schema lacks; a plain create prunes it. */
  ssaUndeclared?: string;
}

Deno.test("e2e compat: upstream CRDs (renamed to our names) accept what our compiler emits", async (t) => {
  const t0 = Date.now();
  const allowed = allowList();
  const deliberate = [...allowed, ...WIDENED];
  const generated = await generatorObjects();
  const emitted = [...samples(), ...generated];
  log(
    `${emitted.length} objects to check (${
      emitted.length - generated.length
    } samples, ${generated.length} generated)`,
  );
  const cluster = await suiteCluster("compat", "TENANT_KUBECONFIG");
  log(`cluster ${cluster.external ? "attached" : "started"} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const { client } = cluster;
  const upstream = ALL_KINDS.map((d) => upstreamCrdFor(d.name));
  const names = upstream.map((u) => crdNameOf(u.kind));
  let applied = false;
  try {
    await t.step(
      "upstream shape sources apply server-side under our names and become Established",
      async () => {
        // On an attached cluster, never overwrite a CRD that is not ours to replace (e.g. the real launch bundle).
        for (const name of names) {
          const res = await client.request("GET", `${CRD_API}/${name}`);
          const body = res.ok
            ? await res.json() as { metadata: { labels?: Record<string, string> } }
            : undefined;
          if (!res.ok) await res.body?.cancel();
          if (body && body.metadata.labels?.[UPSTREAM_LABEL] !== "upstream") {
            throw new Error(
              `${name} already exists on ${cluster.server} and is not an e2e compat CRD: refusing`,
            );
          }
        }
        applied = true;
        const out = await apply(client, upstream.map((u) => u.crd as KubeObject), FM);
        assertEquals(out.length, 37);
        const t1 = Date.now();
        await waitEstablished(client, names, 60_000);
        log(`37 upstream CRDs Established in ${((Date.now() - t1) / 1000).toFixed(1)}s`);
        for (const u of upstream) {
          if (u.renamed.length || u.grafted.length) {
            log(
              `${u.kind}: ${u.renamed.map(([a, b]) => `${a} → ${b}`).join(", ")}${
                u.grafted.length ? `grafted ${u.grafted.join(", ")}` : ""
              }`,
            );
          }
        }
      },
    );

    const served = new Map<KindId, Json>();
    await t.step(
      "field-level difference report: our openAPIV3Schema vs the served upstream one",
      async () => {
        for (const u of upstream) {
          const crd = await client.get<{ spec: { versions: { schema: { openAPIV3Schema: Json } }[] } }>(
            `${CRD_API}/${crdNameOf(u.kind)}`,
          );
          served.set(u.kind, crd.spec.versions[0]!.schema.openAPIV3Schema);
        }
        const r = schemaReport(served, allowed);
        // deno-lint-ignore no-console
        console.log(
          `\nSchema differences, ours vs upstream (per kind; "DIFFERS" = incompatible, not allow-listed):\n${r.text}\n`,
        );
        log(
          `schema diffs: ${
            ORDER.map((k) => `${k}=${r.totals[k]}`).join(" ")
          }; not allow-listed: ${r.unexpected.length}`,
        );
      },
    );

    await ensureNamespaces(client);

    const outcomes: Outcome[] = [];
    await t.step(`every emitted object (${emitted.length}) is accepted by the upstream CRD`, async () => {
      for (const e of emitted) {
        const kind = KIND_BY_NAME.get(e.obj.kind);
        assert(kind, `${e.source}: ${e.obj.kind} is not one of our kinds`);
        const ns = e.obj.metadata.namespace ?? "default";
        const collection = `/apis/${e.obj.apiVersion}/namespaces/${ns}/${KIND_NAMES[kind].plural}`;
        try {
          const [stored] = await apply(client, [e.obj], FM);
          outcomes.push({ e, kind, status: "accepted", pruned: prunedPaths(e.obj, stored!), causes: [] });
          continue;
        } catch (err) {
          if (!(err instanceof KubeApiError)) throw err;
          // Server-side apply answers an undeclared field ("field not declared in schema") or a type error with
          // 500; a plain create (dry run, unknown fields ignored) prunes the former and gives the 422 of the latter.
          const undeclared = /field not declared in schema/.test(err.message) ? err.message : undefined;
          let detail = err;
          if (err.status !== 422) {
            try {
              const stored = await client.post<KubeObject>(
                `${collection}?dryRun=All&fieldValidation=Ignore`,
                e.obj,
              );
              outcomes.push({
                e,
                kind,
                status: "accepted",
                pruned: prunedPaths(e.obj, stored),
                causes: [],
                ...(undeclared
                  ? { ssaUndeclared: undeclared.replace(/^.*: (\.\S+: field not declared)/, "$1") }
                  : {}),
              });
              continue;
            } catch (e2) {
              if (!(e2 instanceof KubeApiError)) throw e2;
              detail = e2;
            }
          }
          const schema = served.get(kind)!;
          const under = (p: string, a: string) => p === a || p.startsWith(`${a}.`) || p.startsWith(`${a}[`);
          const causes = causeFields(detail).map((field) => {
            const path = schemaPathOf(field, schema);
            const hit = deliberate.find((a) => a.kind === kind && under(path, a.path));
            return hit ? { field, path, allowed: hit } : { field, path };
          });
          outcomes.push({ e, kind, status: "rejected", pruned: [], causes, message: detail.message });
        }
      }
      const lines: string[] = [];
      for (const o of outcomes) {
        const id = `${o.kind} ${
          o.e.obj.metadata.namespace ?? "default"
        }/${o.e.obj.metadata.name} [${o.e.source}]`;
        if (o.status === "rejected") {
          const bad = o.causes.length === 0 || o.causes.some((c) => !c.allowed);
          const c = o.causes.map((x) => `${x.field}${x.allowed ? ` (deliberate: ${x.allowed.reason})` : ""}`)
            .join(", ") || "no field named";
          lines.push(`  ${bad ? "REJECTED" : "rejected"} ${id}: ${c}\n           ${o.message}`);
        } else if (o.pruned.length) {
          lines.push(`  pruned   ${id}: ${o.pruned.join(", ")}`);
          if (o.ssaUndeclared) lines.push(`           (server-side apply refuses it: ${o.ssaUndeclared})`);
        }
      }
      const acc = outcomes.filter((o) => o.status === "accepted");
      const prunedCount = acc.filter((o) => o.pruned.length).length;
      // deno-lint-ignore no-console
      console.log(
        `\nEmitted objects against the upstream CRDs: ${acc.length}/${outcomes.length} accepted ` +
          `(${prunedCount} with pruned fields), ${outcomes.length - acc.length} rejected\n${
            lines.join("\n")
          }\n`,
      );
      const failures = outcomes.filter((o) =>
        o.status === "rejected" && (o.causes.length === 0 || o.causes.some((c) => !c.allowed))
      ).map((o) => `${o.kind} ${o.e.obj.metadata.name} [${o.e.source}]: ${o.message}`);
      assertEquals(failures, [], "objects the upstream CRD rejects outside the allow-list");
      // Every §9.4 widening is still one (else the entry is stale).
      for (const w of WIDENED) {
        const diffs = compareSchemas(ourSchema(w.kind), served.get(w.kind)!);
        assert(
          diffs.some((d) => d.kind === w.diff && d.path === w.path),
          `stale WIDENED entry ${w.kind} ${w.path}`,
        );
      }
      const covered = new Set(outcomes.map((o) => o.kind));
      assertEquals(
        ALL_KINDS.filter((d) => !covered.has(d.name)).map((d) => d.name),
        [],
        "kinds never checked",
      );
    });
  } finally {
    if (cluster.external && applied) {
      for (const name of names) await client.delete(`${CRD_API}/${name}`).catch(() => {});
    }
    await cluster.stop();
    log(`compat suite: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
});
