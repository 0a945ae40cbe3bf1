/**
 * Writes the JSON Schemas of the compiler's input files into schemas/json/.
 *
 *   deno run -A tools/gen_json_schemas.ts           # regenerate
 *   deno run -A tools/gen_json_schemas.ts --check   # exit 1 when the committed files are stale
 */
import { JSON_SCHEMA_DIR, staleJsonSchemas, writeJsonSchemas } from "../schemas/inputs/json_schema.ts";

const encoder = new TextEncoder();
function say(line: string): void {
  Deno.stderr.writeSync(encoder.encode(`${line}\n`));
}

export async function main(args: readonly string[], log: (line: string) => void = say): Promise<number> {
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    log(
      `gen_json_schemas: unknown argument ${
        JSON.stringify(unknown[0])
      }; usage: gen_json_schemas.ts [--check]`,
    );
    return 2;
  }
  if (args.includes("--check")) {
    const stale = await staleJsonSchemas(JSON_SCHEMA_DIR);
    if (stale.length === 0) return 0;
    for (const name of stale) log(`gen_json_schemas: schemas/json/${name} is stale`);
    log("gen_json_schemas: run `deno run -A tools/gen_json_schemas.ts` and commit the result");
    return 1;
  }
  for (const name of await writeJsonSchemas(JSON_SCHEMA_DIR)) {
    log(`gen_json_schemas: wrote schemas/json/${name}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
