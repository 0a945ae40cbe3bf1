import { assert, assertEquals } from "../../shared/testing/asserts.ts";
import { parseSet } from "./chart/strvals.ts";
import { satisfies } from "./chart/semver.ts";
import { renderChart } from "./mod.ts";
import { GoInt } from "./template/mod.ts";

Deno.test("strvals: Helm typing and lists", () => {
  const m = parseSet("a=1,b=0123,c=TRUE,d=null,e={x,y},f[1]=z,g.h=1.5,i\\.j=k");
  assert(m.a instanceof GoInt && m.a.value === 1n);
  assertEquals(m.b, "0123");
  assertEquals(m.c, true);
  assertEquals(m.d, null);
  assertEquals(m.e, ["x", "y"]);
  assertEquals(m.f, [null, "z"]);
  assertEquals(m.g, { h: "1.5" });
  assertEquals(m["i.j"], "k");
});

Deno.test("semver: Masterminds constraints incl. pre-release rule", () => {
  assert(satisfies(">= 1.22.0-0", "v1.33.0"));
  assert(satisfies(">= 1.22.0-0", "v1.33.0-rc.1"));
  assert(!satisfies(">=1.22.0", "1.33.0-rc.1"));
  assert(satisfies("~1.2.3", "1.2.9") && !satisfies("~1.2.3", "1.3.0"));
  assert(satisfies("^0.2.3", "0.2.9") && !satisfies("^0.2.3", "0.3.0"));
  assert(satisfies("1.2.x", "1.2.7") && satisfies("*", "3.0.0"));
  assert(satisfies("1.2 - 1.4.5", "1.4.5") && !satisfies("1.2 - 1.4.5", "1.4.6"));
  assert(satisfies("<1.0.0 || >=2.0.0", "2.1.0"));
});

Deno.test("determinism: seeded rand and fixed now (off by default)", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(dir + "/c/templates", { recursive: true });
  await Deno.writeTextFile(dir + "/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  await Deno.writeTextFile(
    dir + "/c/templates/cm.yaml",
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  r: {{ randAlphaNum 12 | quote }}\n  t: {{ now | date "2006-01-02" | quote }}\n',
  );
  const a = await renderChart(dir + "/c", { seed: 42, now: Date.UTC(2024, 0, 2) });
  const b = await renderChart(dir + "/c", { seed: 42, now: Date.UTC(2024, 0, 2) });
  assertEquals(a.text, b.text);
  assert(a.text.includes('t: "2024-01-02"'));
  assertEquals(a.manifests.length, 1);
  assertEquals(a.manifests[0]!.source, "c/templates/cm.yaml");
  await Deno.remove(dir, { recursive: true });
});
