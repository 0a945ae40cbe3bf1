import { assert, assertEquals } from "../shared/testing/asserts.ts";
import {
  checkBinaryGraph,
  checkLibraryAreas,
  findCycles,
  formatViolation,
  loadGraph,
  type ModuleGraph,
  npmName,
} from "./boundary.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const BAD = new URL("./testdata/bad_graph", import.meta.url).pathname;

async function violations(entry: string, rootDir: string, binary: "compiler" | "conductor") {
  const g = await loadGraph(`${rootDir}/${entry}`);
  return { g, v: [...(await checkBinaryGraph(g, rootDir, binary)), ...checkLibraryAreas(g, rootDir)] };
}

Deno.test("the conductor never reaches compiler code or compile-only packages", async () => {
  const { g, v } = await violations("conductor/main.ts", ROOT, "conductor");
  assertEquals(v.map(formatViolation), []);
  assertEquals(findCycles(g), []);
  assertEquals(g.errors, []);
  assert(g.modules.size > 5, "graph looks empty");
});

Deno.test("the compiler never reaches conductor code, the Talos API client or cluster writers", async () => {
  const { g, v } = await violations("compiler/main.ts", ROOT, "compiler");
  assertEquals(v.map(formatViolation), []);
  assertEquals(findCycles(g), []);
  assertEquals(g.errors, []);
});

Deno.test("a bad fixture graph is caught: conductor -> compiler, library -> binary, cycle", async () => {
  const { g, v } = await violations("conductor/main.ts", BAD, "conductor");
  const rules = v.map((x) => x.rule).sort();
  assertEquals(rules, ["conductor-reaches-compiler", "library-imports-binary"]);
  const reach = v.find((x) => x.rule === "conductor-reaches-compiler")!;
  assertEquals(reach.chain, ["conductor/main.ts", "shared/render.ts", "compiler/helm/mod.ts"]);
  assertEquals(findCycles(g).length, 1);
});

Deno.test("a bad fixture graph is caught: compiler reaching a marked Talos API module", async () => {
  const { v } = await violations("compiler/main.ts", BAD, "compiler");
  assertEquals(v.map((x) => x.rule), ["compiler-reaches-cluster-writer"]);
});

Deno.test("compile-only npm packages are refused in the conductor graph", async () => {
  const g: ModuleGraph = {
    root: "file:///r/conductor/main.ts",
    modules: new Map([
      ["file:///r/conductor/main.ts", {
        specifier: "file:///r/conductor/main.ts",
        deps: ["npm:/age-encryption@0.3.1"],
      }],
    ]),
  };
  const v = await checkBinaryGraph(g, "/r", "conductor");
  assertEquals(v.map((x) => x.rule), ["conductor-reaches-compile-only-package"]);
  assertEquals(npmName("npm:@kubernetes/client-node@1.4.0"), "@kubernetes/client-node");
});
