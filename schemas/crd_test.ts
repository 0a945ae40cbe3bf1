import { z } from "zod";
import { assert, assertEquals, assertThrows } from "../shared/testing/asserts.ts";
import {
  AGE_COLUMN,
  anyJson,
  conditions,
  crdOf,
  dateTime,
  defineKind,
  freeform,
  int32,
  int64,
  intOrString,
  listMap,
  openApiSchemaOf,
  SchemaConversionError,
  toK8sSchema,
} from "./crd.ts";
import { structuralErrors } from "./structural.ts";

Deno.test("toK8sSchema: scalars, formats and the bounds zod adds are cleaned up", () => {
  const s = toK8sSchema(z.object({
    a: z.string().min(1).max(5),
    b: int64(),
    c: int32().min(1),
    d: z.int(),
    e: dateTime().optional(),
    f: z.boolean().default(true),
    g: z.enum(["x", "y"]).default("x"),
    h: z.string().regex(/^a\/b$/),
  }));
  assertEquals(s, {
    type: "object",
    properties: {
      a: { type: "string", minLength: 1, maxLength: 5 },
      b: { type: "integer", format: "int64" },
      c: { type: "integer", format: "int32", minimum: 1 },
      d: { type: "integer" },
      e: { type: "string", format: "date-time" },
      f: { type: "boolean", default: true },
      g: { type: "string", enum: ["x", "y"], default: "x" },
      h: { type: "string", pattern: "^a/b$" },
    },
    required: ["a", "b", "c", "d", "h"],
  });
});

Deno.test("toK8sSchema: maps, loose objects and opaque JSON become structural", () => {
  const s = toK8sSchema(z.object({
    m: z.record(z.string(), z.string()).optional(),
    loose: z.looseObject({ x: z.string() }).optional(),
    free: freeform().optional(),
    any: anyJson().optional(),
    strict: z.strictObject({ q: z.string() }).optional(),
    empty: z.object({}).optional(),
  }));
  const p = s.properties as Record<string, Record<string, unknown>>;
  assertEquals(p.m, { type: "object", additionalProperties: { type: "string" } });
  assertEquals(p.loose, {
    type: "object",
    properties: { x: { type: "string" } },
    required: ["x"],
    "x-kubernetes-preserve-unknown-fields": true,
  });
  assertEquals(p.free, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
  assertEquals(p.any, { "x-kubernetes-preserve-unknown-fields": true });
  assertEquals(p.strict, { type: "object", properties: { q: { type: "string" } }, required: ["q"] });
  assertEquals(p.empty, { type: "object" });
  assertEquals(structuralErrors({ ...s, properties: { spec: s } }), []);
});

Deno.test("toK8sSchema: unions collapse (literal enums, objects, nullable, int-or-string)", () => {
  const s = toK8sSchema(z.object({
    lit: z.union([z.literal("a"), z.literal("b")]),
    du: z.discriminatedUnion("k", [
      z.object({ k: z.literal("a"), x: z.string() }),
      z.object({ k: z.literal("b"), y: z.int() }),
    ]),
    n: z.string().nullable().optional(),
    ios: intOrString().optional(),
  }));
  const p = s.properties as Record<string, Record<string, unknown>>;
  assertEquals(p.lit, { type: "string", enum: ["a", "b"] });
  assertEquals(p.du, {
    type: "object",
    properties: { k: { type: "string", enum: ["a", "b"] }, x: { type: "string" }, y: { type: "integer" } },
    required: ["k"],
  });
  assertEquals(p.n, { type: "string", nullable: true });
  assertEquals(p.ios, { "x-kubernetes-int-or-string": true });
});

Deno.test("toK8sSchema: unions it cannot express and recursive schemas are errors", () => {
  assertThrows(
    () => toK8sSchema(z.object({ u: z.union([z.string(), z.int()]) })),
    SchemaConversionError,
    "intOrString",
  );
  type Tree = { children?: Tree[] | undefined };
  const tree: z.ZodType<Tree> = z.lazy(() => z.object({ children: z.array(tree).optional() }));
  assertThrows(() => toK8sSchema(z.object({ t: tree })), Error);
});

Deno.test("toK8sSchema: k8s extensions and descriptions pass through .meta()/.describe()", () => {
  const s = toK8sSchema(z.object({
    items: z.array(z.object({ name: z.string(), v: z.string().optional() })).meta(listMap("name"))
      .describe("Keyed list."),
    ref: z.object({ name: z.string().optional() }).meta({ "x-kubernetes-map-type": "atomic" }),
  }));
  const p = s.properties as Record<string, Record<string, unknown>>;
  assertEquals(p.items!["x-kubernetes-list-type"], "map");
  assertEquals(p.items!["x-kubernetes-list-map-keys"], ["name"]);
  assertEquals(p.items!.description, "Keyed list.");
  assertEquals(p.ref!["x-kubernetes-map-type"], "atomic");
});

Deno.test("conditions: metav1.Condition shape, merged by type", () => {
  const s = toK8sSchema(conditions);
  assertEquals(s["x-kubernetes-list-type"], "map");
  assertEquals(s["x-kubernetes-list-map-keys"], ["type"]);
  const items = s.items as Record<string, unknown>;
  assertEquals(items.required, ["type", "status", "reason", "message", "lastTransitionTime"]);
  const ok = {
    type: "Ready",
    status: "True",
    reason: "JobComplete",
    message: "",
    lastTransitionTime: "2026-05-01T10:00:00Z",
  };
  assert(conditions.safeParse([ok]).success);
  assert(!conditions.safeParse([{ ...ok, status: "Yes" }]).success);
  assert(!conditions.safeParse([{ ...ok, reason: "" }]).success);
  assert(!conditions.safeParse([{ ...ok, lastTransitionTime: "yesterday" }]).success);
  assert(!conditions.safeParse([ok, { ...ok, status: "False" }]).success, "duplicate type");
  assert(conditions.safeParse([ok, { ...ok, type: "Degraded" }]).success);
});

Deno.test("defineKind + crdOf: names, version, subresources, printer columns, object schema", () => {
  const def = defineKind({
    name: "PKIRotation",
    description: "test kind",
    spec: z.object({ a: z.string() }),
    status: z.object({ ok: z.boolean().optional() }),
    printerColumns: [{ name: "A", type: "string", jsonPath: ".spec.a" }, AGE_COLUMN],
  });
  const crd = crdOf(def) as {
    metadata: { name: string };
    spec: {
      group: string;
      names: Record<string, unknown>;
      scope: string;
      versions: Record<string, unknown>[];
    };
  };
  assertEquals(crd.metadata.name, "pkirotations.seam.ontai.dev");
  assertEquals(crd.spec.group, "seam.ontai.dev");
  assertEquals(crd.spec.names, {
    kind: "PKIRotation",
    listKind: "PKIRotationList",
    plural: "pkirotations",
    singular: "pkirotation",
    shortNames: ["pkir"],
    categories: ["seam"],
  });
  assertEquals(crd.spec.scope, "Namespaced");
  const v = crd.spec.versions[0]!;
  assertEquals([v.name, v.served, v.storage], ["v1alpha1", true, true]);
  assertEquals(v.subresources, { status: {} });
  assertEquals((v.additionalPrinterColumns as unknown[]).length, 2);
  const root = openApiSchemaOf(def);
  assertEquals(Object.keys(root.properties as object), ["apiVersion", "kind", "metadata", "spec", "status"]);
  assertEquals((root.properties as Record<string, unknown>).metadata, { type: "object" });
  assertEquals(root.description, "test kind");
  assertEquals(structuralErrors(root), []);

  const obj = {
    apiVersion: "seam.ontai.dev/v1alpha1",
    kind: "PKIRotation",
    metadata: { name: "x" },
    spec: { a: "1" },
  };
  assert(def.object.safeParse(obj).success);
  assert(!def.object.safeParse({ ...obj, kind: "Other" }).success);
  assert(!def.object.safeParse({ ...obj, apiVersion: "platform.ontai.dev/v1alpha1" }).success);
});

Deno.test("defineKind: no status schema → no status subresource, unless asked", () => {
  const a = defineKind({ name: "SeamInfrastructureMachineTemplate", spec: z.object({}) });
  assertEquals(a.subresources.status, false);
  assertEquals(
    (crdOf(a).spec as { versions: Record<string, unknown>[] }).versions[0]!.subresources,
    undefined,
  );
  const b = defineKind({ name: "Guardian", spec: z.object({}), subresources: { status: true } });
  assertEquals(b.subresources.status, true);
});
