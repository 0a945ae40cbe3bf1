import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { structuralErrors, validateObject, validateValue } from "./structural.ts";

const root = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec,
  },
  ...extra,
});

function errs(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  return structuralErrors(root(spec, extra));
}

function has(list: string[], part: string): boolean {
  return list.some((e) => e.includes(part));
}

Deno.test("structural: a well-formed schema passes", () => {
  assertEquals(
    errs({
      type: "object",
      properties: {
        a: { type: "string", enum: ["x"], default: "x" },
        m: { type: "object", additionalProperties: { type: "integer" } },
        l: {
          type: "array",
          items: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
        },
        ios: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
        any: { "x-kubernetes-preserve-unknown-fields": true },
      },
      required: ["a"],
    }),
    [],
  );
});

Deno.test("structural: every node needs a type", () => {
  assert(has(errs({ type: "object", properties: { a: { description: "x" } } }), ".spec.a: type must be set"));
  assert(has(errs({ type: "object", properties: { a: { type: "array", items: {} } } }), ".spec.a[]: type"));
});

Deno.test("structural: forbidden keywords and values", () => {
  const e = errs({
    type: "object",
    $ref: "#/definitions/x",
    additionalProperties: false,
    properties: { a: { type: "array", items: { type: "string" }, uniqueItems: true } },
  });
  assert(has(e, "$ref is forbidden"));
  assert(has(e, "additionalProperties cannot be false"));
  assert(has(e, "uniqueItems cannot be true"));
  assert(has(errs({ type: "object", const: 1 }), "unknown keyword const"));
  assert(
    has(errs({ type: "object", "x-kubernetes-preserve-unknown-fields": false }), "must be true or undefined"),
  );
});

Deno.test("structural: properties and additionalProperties are exclusive", () => {
  assert(
    has(
      errs({
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: { type: "string" },
      }),
      "mutually exclusive",
    ),
  );
});

Deno.test("structural: metadata may only restrict name and generateName", () => {
  const bad = structuralErrors({
    type: "object",
    properties: { metadata: { type: "object", properties: { labels: { type: "object" } } } },
  });
  assert(has(bad, "only name and generateName"));
  const ok = structuralErrors({
    type: "object",
    properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 63 } } } },
  });
  assertEquals(ok, []);
  assert(has(structuralErrors({ type: "array", items: { type: "string" } }), "<root>: type must be object"));
});

Deno.test("structural: junctors carry no types or descriptions and name outer fields only", () => {
  const e = errs({
    type: "object",
    properties: { a: { type: "string" } },
    anyOf: [{ type: "object", properties: { b: { type: "string" } } }],
  });
  assert(has(e, "type must not be set inside"));
  assert(has(e, "must be specified outside the logical junctor"));
});

Deno.test("structural: list and map extensions", () => {
  const listMap = (items: Record<string, unknown>) =>
    errs({
      type: "object",
      properties: {
        l: { type: "array", items, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] },
      },
    });
  assert(
    has(listMap({ type: "object", properties: { name: { type: "string" } } }), "required or have a default"),
  );
  assert(has(listMap({ type: "string" }), "requires object items"));
  assert(has(listMap({ type: "object", properties: {} }), "not a property"));
  assert(
    has(
      errs({ type: "object", properties: { m: { type: "string", "x-kubernetes-map-type": "atomic" } } }),
      "requires type object",
    ),
  );
  assert(
    has(
      errs({ type: "object", properties: { i: { type: "string", "x-kubernetes-int-or-string": true } } }),
      "type must be empty",
    ),
  );
});

Deno.test("structural: defaults and enums must fit their schema", () => {
  assert(
    has(errs({ type: "object", properties: { a: { type: "integer", default: "x" } } }), "default does not"),
  );
  assert(
    has(errs({ type: "object", properties: { a: { type: "string", enum: ["a", 1] } } }), "enum value 1"),
  );
});

Deno.test("validateValue: types, enums, bounds, formats, required, list-map keys", () => {
  const s = {
    type: "object",
    required: ["name"],
    properties: {
      name: { type: "string", minLength: 1, maxLength: 3, pattern: "^[a-z]+$" },
      n: { type: "integer", format: "int32", minimum: 1 },
      e: { type: "string", enum: ["a"] },
      t: { type: "string", format: "date-time" },
      l: {
        type: "array",
        items: { type: "object", properties: { k: { type: "string" } }, required: ["k"] },
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["k"],
      },
      m: { type: "object", additionalProperties: { type: "boolean" } },
      ios: { "x-kubernetes-int-or-string": true },
      free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  };
  assertEquals(
    validateValue(s, {
      name: "ab",
      n: 3,
      e: "a",
      t: "2026-05-01T10:00:00+02:00",
      l: [{ k: "x" }],
      m: { a: true },
      ios: "50%",
      free: { any: [1] },
    }),
    { errors: [], unknownFields: [] },
  );
  const r = validateValue(s, {
    name: "ABCD",
    n: 0,
    e: "b",
    t: "yesterday",
    l: [{ k: "x" }, { k: "x" }],
    m: { a: "yes" },
    ios: true,
    extra: 1,
  });
  for (
    const part of [
      ".name: longer than 3",
      ".name: does not match",
      ".n: below minimum 1",
      ".e: unsupported value",
      ".t: not an RFC 3339",
      ".l: duplicate entry",
      ".m.a: must be of type boolean",
      ".ios: must be an integer or a string",
    ]
  ) assert(has(r.errors, part), `${part} in ${JSON.stringify(r.errors)}`);
  assertEquals(r.unknownFields, [".extra"]);
  assert(has(validateValue(s, {}).errors, ".name: required value"));
  assert(has(validateValue(s, { name: "a", n: 2 ** 40 }).errors, "out of int32 range"));
});

Deno.test("validateObject: metadata is not checked, unknown top-level fields are reported", () => {
  const s = root({ type: "object", properties: { a: { type: "string" } } });
  const r = validateObject(s, {
    apiVersion: "v",
    kind: "K",
    metadata: { anything: 1 },
    spec: { a: "x" },
    x: 1,
  });
  assertEquals(r, { errors: [], unknownFields: [".x"] });
});
