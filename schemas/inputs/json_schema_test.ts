import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { main } from "../../tools/gen_json_schemas.ts";
import { INPUT_KIND_NAMES, INPUT_KINDS } from "./kinds.ts";
import {
  JSON_SCHEMA_BASE_ID,
  JSON_SCHEMA_DIR,
  jsonSchemaOf,
  renderJsonSchemas,
  staleJsonSchemas,
  writeJsonSchemas,
} from "./json_schema.ts";

Deno.test("JSON Schemas: the committed files in schemas/json/ are up to date", async () => {
  assertEquals(
    await staleJsonSchemas(JSON_SCHEMA_DIR),
    [],
    "run `deno run -A tools/gen_json_schemas.ts` and commit schemas/json/",
  );
  assertEquals(await main(["--check"], () => {}), 0);
});

Deno.test("JSON Schemas: rendering is deterministic and well-formed", () => {
  const a = renderJsonSchemas();
  const b = renderJsonSchemas();
  assertEquals([...a.keys()], [
    "cluster-input.schema.json",
    "pack-build-input.schema.json",
    "component-descriptor.schema.json",
  ]);
  for (const [name, text] of a) {
    assertEquals(text, b.get(name));
    assert(text.endsWith("}\n") && !text.endsWith("\n\n"), `${name} ends with exactly one newline`);
    const json = JSON.parse(text);
    assertEquals(Object.keys(json).slice(0, 4), ["$schema", "$id", "title", "description"]);
    assertEquals(json.$schema, "https://json-schema.org/draft/2020-12/schema");
    assertEquals(json.$id, `${JSON_SCHEMA_BASE_ID}${name}`);
    assertEquals(json.type, "object");
  }
});

Deno.test("JSON Schemas: properties mirror the zod shapes (exact camelCase keys, unknown keys allowed)", () => {
  const cluster = jsonSchemaOf("cluster-input") as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
    required: string[];
    additionalProperties: unknown;
  };
  assertEquals(Object.keys(cluster.properties).sort(), [
    "bootstrap",
    "capi",
    "ciliumPrerequisites",
    "importExistingCluster",
    "machineConfigPaths",
    "mode",
    "name",
    "namespace",
    "patches",
    "registryMirrors",
    "role",
  ]);
  assertEquals(cluster.required, ["name", "mode"]);
  assertEquals(cluster.additionalProperties, {});
  assertEquals(Object.keys(cluster.properties.bootstrap!.properties!).sort(), [
    "controlPlaneEndpoint",
    "installDisk",
    "installerImage",
    "kubernetesVersion",
    "nodes",
    "talosVersion",
  ]);
  const pack = jsonSchemaOf("pack-build-input") as {
    required: string[];
    properties: Record<string, unknown>;
  };
  assertEquals(pack.required, ["name", "version"]);
  assertEquals((pack.properties.category as { enum: string[] }).enum, ["helm", "kustomize", "raw"]);
  const desc = jsonSchemaOf("component-descriptor") as { required: string[] };
  assertEquals(desc.required, ["name", "namespace"]);
  for (const kind of INPUT_KIND_NAMES) assertEquals(jsonSchemaOf(kind).title, INPUT_KINDS[kind].title);
});

Deno.test("JSON Schemas: the --check logic finds missing and edited files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const all = [...renderJsonSchemas().keys()];
    assertEquals(await staleJsonSchemas(dir), all);
    assertEquals(await writeJsonSchemas(dir), all);
    assertEquals(await staleJsonSchemas(dir), []);
    const file = `${dir}/pack-build-input.schema.json`;
    await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace("PackBuildInput", "Pack"));
    assertEquals(await staleJsonSchemas(dir), ["pack-build-input.schema.json"]);
    await Deno.writeTextFile(file, (await Deno.readTextFile(file)).trimEnd());
    assertEquals(await staleJsonSchemas(new URL(`file://${dir}/`)), ["pack-build-input.schema.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gen_json_schemas: unknown arguments are usage errors", async () => {
  const lines: string[] = [];
  assertEquals(await main(["--frobnicate"], (l) => lines.push(l)), 2);
  assertEquals(lines, [
    'gen_json_schemas: unknown argument "--frobnicate"; usage: gen_json_schemas.ts [--check]',
  ]);
});
