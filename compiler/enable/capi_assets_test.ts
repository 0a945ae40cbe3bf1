import { assertEquals } from "../../shared/testing/asserts.ts";
import { CAPI_ASSETS, CAPI_FILES } from "./capi_assets.ts";
import { referencePath } from "../../shared/testing/reference.ts";

const REF = new URL("../../../shared/reference/catalog/", import.meta.url);

Deno.test("the vendored CAPI manifests are byte-identical to upstream's catalog", async () => {
  for (const f of CAPI_FILES) {
    let ref: string;
    try {
      ref = await Deno.readTextFile(new URL(f, REF));
    } catch {
      ref = await Deno.readTextFile(`${referencePath("")}catalog/${f}`);
    }
    assertEquals(CAPI_ASSETS[f], ref, f);
  }
});
