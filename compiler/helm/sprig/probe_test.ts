// Golden probe charts rendered through TemplateSet + sprigFuncs (shared/reference/golden/helm/probes/*).
import { assertEquals } from "../../../shared/testing/asserts.ts";
import { goInt64, TemplateSet, toGo } from "../template/mod.ts";
import { sprigFuncs } from "./mod.ts";
import { parseYamlGo } from "./yaml.ts";
import { referencePath } from "../../../shared/testing/reference.ts";

const G = referencePath("golden/helm/");
const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};

function render(
  chart: string,
  file: string,
  values: Record<string, unknown>,
  helpers: string[] = [],
): string {
  const set = new TemplateSet({ missingKey: "zero" }).funcs(sprigFuncs());
  set.funcs({
    include: (name: unknown, data: unknown) => set.execute(name as string, data).replaceAll("<no value>", ""),
  });
  for (const h of helpers) set.parse(h, Deno.readTextFileSync(`${G}probes/${chart}/templates/${h}`));
  set.parse(file, Deno.readTextFileSync(`${G}probes/${chart}/templates/${file}`));
  return set.execute(file, { Values: values }).replaceAll("<no value>", "");
}

function expectedBody(name: string, source: string): string {
  const txt = Deno.readTextFileSync(`${G}expected/${name}`);
  return txt.split(`# Source: ${source}\n`)[1]!;
}

Deno.test({
  name: "probe template-semantics (expected/probe-template-semantics.txt)",
  ignore: !exists(G),
  fn() {
    const values = parseYamlGo(Deno.readTextFileSync(`${G}probes/template-semantics/values.yaml`)) as Record<
      string,
      unknown
    >;
    values.setint = goInt64(5); // --set setint=5 (int64)
    const out = render("template-semantics", "cm.yaml", values, ["_body.tpl"]);
    assertEquals(out, expectedBody("probe-template-semantics.txt", "tt/templates/cm.yaml"));
  },
});

Deno.test({
  name: "probe values-printing (expected/probe-values-printing.txt)",
  ignore: !exists(G),
  fn() {
    const values = parseYamlGo(Deno.readTextFileSync(`${G}probes/values-printing/values.yaml`)) as Record<
      string,
      unknown
    >;
    values.setbig = goInt64(12345678901);
    values.setint = goInt64(1000000);
    const out = render("values-printing", "cm.yaml", values);
    assertEquals(out, expectedBody("probe-values-printing.txt", "probe/templates/cm.yaml"));
  },
});

Deno.test({
  name: "probes float-printing, float-toyaml, toyaml-strings, values-yaml-typing",
  ignore: !exists(G),
  fn() {
    const cases: [string, string, string][] = [
      ["float-printing", "probe-float-printing.txt", "f/templates/x.yaml"],
      ["float-toyaml", "probe-float-toyaml.txt", "fl/templates/x.yaml"],
      ["toyaml-strings", "probe-toyaml-strings.txt", "q/templates/x.yaml"],
      ["values-yaml-typing", "probe-values-yaml-typing.txt", "true/templates/x.yaml"],
    ];
    for (const [chart, exp, src] of cases) {
      const values = toGo(parseYamlGo(Deno.readTextFileSync(`${G}probes/${chart}/values.yaml`))) as Record<
        string,
        unknown
      >;
      const out = render(chart, "x.yaml", values);
      // helm template strips trailing whitespace of each document and adds one newline
      assertEquals(out.replace(/\s+$/, "") + "\n", expectedBody(exp, src), chart);
    }
  },
});
