/**
 * Every kind: its CRD is structural and well-formed, its sample object is accepted (by the zod schema
 * and by the generated OpenAPI schema, as an apiserver would check it) and its invalid object is
 * rejected by both, at the path the fixture names (`# expect-error: .spec...`).
 */
import YAML from "yaml";
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { toYamlStream } from "../shared/yaml_io.ts";
import {
  ALL_KINDS,
  allCrds,
  type AnyKindDef,
  crdNameOf,
  GROUP_CAPI_INFRA,
  GROUP_GUARDIAN,
  GROUP_SEAM,
  KIND_NAMES,
  type KindId,
  VERSION,
} from "./mod.ts";
import { structuralErrors, validateObject } from "./structural.ts";

const SAMPLES = new URL("./testdata/samples/", import.meta.url);
const INVALID = new URL("./testdata/invalid/", import.meta.url);

type Crd = {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: unknown };
      additionalPrinterColumns?: { name: string; type: string; jsonPath: string }[];
      schema: { openAPIV3Schema: Record<string, unknown> };
    }[];
  };
};

const CRDS = new Map<KindId, Crd>(ALL_KINDS.map((d, i) => [d.name, allCrds()[i] as unknown as Crd]));

function schemaOf(kind: KindId): Record<string, unknown> {
  return CRDS.get(kind)!.spec.versions[0]!.schema.openAPIV3Schema;
}

function fixture(dir: URL, def: AnyKindDef): { text: string; value: Record<string, unknown> } {
  const text = Deno.readTextFileSync(new URL(`${def.names.singular}.yaml`, dir));
  return { text, value: YAML.parse(text) as Record<string, unknown> };
}

Deno.test("ALL_KINDS: 37 kinds, 26 seam + 8 guardian + 3 CAPI, ordered by group then kind", () => {
  assertEquals(ALL_KINDS.length, 37);
  const byGroup = (g: string) => ALL_KINDS.filter((d) => d.names.group === g).length;
  assertEquals(byGroup(GROUP_SEAM), 26);
  assertEquals(byGroup(GROUP_GUARDIAN), 8);
  assertEquals(byGroup(GROUP_CAPI_INFRA), 3);
  assertEquals(new Set(ALL_KINDS.map((d) => d.name)), new Set(Object.keys(KIND_NAMES)));
  const keys = ALL_KINDS.map((d) => `${d.names.group}\u0000${d.name}`);
  assertEquals(keys, [...keys].sort());
});

Deno.test("allCrds() is deterministic: two calls give identical YAML bytes", () => {
  const a = toYamlStream(allCrds());
  const b = toYamlStream(allCrds());
  assertEquals(a, b);
  assert(a.length > 100_000, "bundle suspiciously small");
  const names = allCrds().map((c) => (c as Crd).metadata.name);
  assertEquals(new Set(names).size, 37);
});

for (const def of ALL_KINDS) {
  Deno.test(`${def.name}: CRD is structural and well-formed`, () => {
    const crd = CRDS.get(def.name)!;
    const n = KIND_NAMES[def.name];
    assertEquals(crd.metadata.name, crdNameOf(def.name));
    assertEquals(crd.spec.group, n.group);
    assertEquals(crd.spec.scope, "Namespaced");
    assertEquals(crd.spec.names.kind, def.name);
    assertEquals(crd.spec.names.plural, n.plural);
    assertEquals(crd.spec.names.shortNames, [...n.shortNames]);
    assertEquals(crd.spec.names.categories, [...n.categories]);
    assertEquals(crd.spec.versions.length, 1);
    const v = crd.spec.versions[0]!;
    assertEquals([v.name, v.served, v.storage], [VERSION, true, true]);
    if (n.group !== GROUP_CAPI_INFRA) assert(v.subresources?.status, "status subresource");
    for (const c of v.additionalPrinterColumns ?? []) {
      assert(c.jsonPath.startsWith("."), c.jsonPath);
      assert(["string", "integer", "number", "boolean", "date"].includes(c.type), c.type);
    }
    assertEquals(structuralErrors(v.schema.openAPIV3Schema), []);
    const status = (v.schema.openAPIV3Schema.properties as Record<string, Record<string, unknown>>).status;
    const conds = (status?.properties as Record<string, Record<string, unknown>> | undefined)?.conditions;
    if (conds) {
      assertEquals(conds["x-kubernetes-list-type"], "map");
      assertEquals(conds["x-kubernetes-list-map-keys"], ["type"]);
    }
  });

  Deno.test(`${def.name}: sample object is accepted`, () => {
    const { value } = fixture(SAMPLES, def);
    assertEquals(value.apiVersion, def.apiVersion);
    assertEquals(value.kind, def.name);
    const meta = value.metadata as Record<string, unknown>;
    assert(typeof meta.name === "string" && typeof meta.namespace === "string", "name and namespace");
    const z = def.object.safeParse(value);
    assert(z.success, `zod rejected the sample: ${z.success ? "" : JSON.stringify(z.error.issues)}`);
    const res = validateObject(schemaOf(def.name), value);
    assertEquals(res.errors, [], "OpenAPI schema rejected the sample");
    assertEquals(res.unknownFields, [], "sample has fields the schema would prune");
  });

  Deno.test(`${def.name}: invalid object is rejected by the OpenAPI schema and by zod`, () => {
    const { text, value } = fixture(INVALID, def);
    const expect = /^# expect-error: (\S+)$/m.exec(text)?.[1];
    assert(expect, "fixture names its expected error path");
    const res = validateObject(schemaOf(def.name), value);
    assert(res.errors.length > 0, "OpenAPI schema accepted the invalid object");
    assert(
      res.errors.every((e) => e.startsWith(`${expect}:`)),
      `errors other than at ${expect}: ${JSON.stringify(res.errors)}`,
    );
    assertEquals(res.unknownFields, []);
    assert(!def.object.safeParse(value).success, "zod accepted the invalid object");
  });
}

Deno.test("status writes the Conductor makes validate against the generated schemas", () => {
  const cond = {
    type: "Ready",
    status: "True",
    reason: "ClusterReady",
    message: "",
    lastTransitionTime: "2026-05-01T10:00:00Z",
    observedGeneration: 2,
  };
  const statuses: [KindId, Record<string, unknown>][] = [
    ["RunnerConfig", {
      agentVersion: "v0.1.0",
      agentLeader: "conductor-0",
      capabilities: [{ name: "pack-deploy", version: "v0.1.0" }],
      phase: "Failed",
      failedStep: "enable",
      stepResults: [
        { name: "enable", status: "Failed", outputRef: "ont-system/enable-result", message: "x" },
        { name: "rotate-pki", status: "Skipped" },
      ],
      conditions: [cond],
    }],
    ["PackDelivery", { signed: true, packSignature: "c2ln", observedGeneration: 1, conditions: [cond] }],
    ["PackReceipt", { verified: false, verificationFailedReason: "bad signature", conditions: [cond] }],
    ["TalosCluster", { origin: "bootstrapped", deletionStage: "", capiClusterRef: { name: "ccs-app" } }],
    ["Guardian", {
      webhookMode: "Enforcing",
      discoveredAPIGroups: ["apps"],
      namespaceEnforcements: { a: true },
    }],
  ];
  for (const [kind, status] of statuses) {
    const def = ALL_KINDS.find((d) => d.name === kind)!;
    const { value } = fixture(SAMPLES, def);
    const obj = { ...value, status };
    const z = def.object.safeParse(obj);
    assert(z.success, `${kind}: zod rejected status: ${z.success ? "" : JSON.stringify(z.error.issues)}`);
    assertEquals(validateObject(schemaOf(kind), obj), { errors: [], unknownFields: [] }, kind);
    const bad = { ...value, status: { ...status, conditions: [{ ...cond, status: "Yes" }] } };
    assert(validateObject(schemaOf(kind), bad).errors.length > 0, `${kind}: bad condition accepted`);
  }
});
