// Go text/template semantics (renderers.md §1). Expected values follow Go/Helm behaviour as pinned by the
// spec and by shared/reference/golden/helm/probes/template-semantics (see sprig/probe_test.ts for the
// full probe) and helm-testdata error goldens (testcharts-issue1979, chartutil-three-level).
import { assertEquals, assertThrows } from "../../../shared/testing/asserts.ts";
import {
  goFunc,
  goInt,
  goInt64,
  goPrint,
  GoStruct,
  sprintf,
  TemplateError,
  TemplateSet,
  toGo,
} from "./mod.ts";

function run(
  text: string,
  data: unknown = {},
  opts: { missingKey?: "default" | "zero" | "error" } = {},
): string {
  const t = new TemplateSet(opts);
  t.parse("t", text);
  return t.execute("t", data);
}

function err(
  text: string,
  data: unknown = {},
  opts: { missingKey?: "default" | "zero" | "error" } = {},
): string {
  try {
    run(text, data, opts);
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
  throw new Error("expected an error");
}

const V = toGo({
  big: 1000000,
  one: 1,
  flt: 2.5,
  s: "x",
  m: { b: 2, a: 1, "10": "ten", "9": "nine" },
  l: [3, "a", true, null],
  nul: null,
  t: true,
});

// [template, expected] with dot = {Values: V}, missingkey=zero (Helm)
const TABLE: [string, string][] = [
  // text and trimming (§1.1)
  ["a {{- ` b` -}} c", "a bc"],
  ["x  \n {{- 1 }}", "x1"],
  ["{{ 1 -}}  \n y", "1y"],
  ["{{-3}}", "-3"],
  ["[ {{/* c */}} ]", "[  ]"],
  ["[ {{- /* c */ -}} ]", "[]"],
  ["{{/* multi\nline */}}ok", "ok"],
  // constants (§1.3)
  [
    "{{ 1e3 }} {{ 2.0 }} {{ 0x10 }} {{ 017 }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }} {{ -3 }}",
    "1000 2 16 15 15 5 1000 97 -3",
  ],
  [
    "{{ .5 }} {{ 1.5e-7 }} {{ 123456789.0 }} {{ 0.000012 }} {{ 1000000.0 }}",
    "0.5 1.5e-07 1.23456789e+08 1.2e-05 1e+06",
  ],
  ['{{ "a\\tb\\u00e9\\x41\\101" }}', "a\tbéAA"],
  ["{{ `raw\\n` }}", "raw\\n"],
  ["{{ true }} {{ false }}", "true false"],
  // printing (§1.9)
  ["{{ .Values.big }} {{ .Values.flt }} {{ .Values.one }}", "1e+06 2.5 1"],
  ["{{ .Values.l }}", "[3 a true <nil>]"],
  ["{{ .Values.m }}", "map[10:ten 9:nine a:1 b:2]"],
  ["{{ .Values.nul }}|{{ .Values.missing }}", "<no value>|<no value>"],
  ["{{ print nil }} {{ print .Values.missing }}", "<nil> <nil>"],
  ["{{ dict }}", "map[]"],
  // variables & scope (§1.4)
  ["{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"],
  ["{{ $x := 1 }}{{ if true }}{{ $x := 3 }}{{ $x }}{{ end }}{{ $x }}", "31"],
  ["{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }},{{ end }}", "0=3,1=a,2=true,3=<no value>,"],
  ["{{ range $v := .Values.l }}{{ $v }};{{ end }}", "3;a;true;<no value>;"],
  ["{{ with .Values.m }}{{ $.Values.s }}{{ .a }}{{ end }}", "x1"],
  // control structures (§1.5)
  ["{{ if .Values.nope }}a{{ else if .Values.s }}b{{ else }}c{{ end }}", "b"],
  ['{{ if 0 }}a{{ else if "" }}b{{ else }}c{{ end }}', "c"],
  ["{{ with .Values.nope }}a{{ else with .Values.s }}{{ . }}{{ end }}", "x"],
  ["{{ with .Values.nope }}a{{ else }}{{ .Values.s }}{{ end }}", "x"],
  ["{{ range .Values.m }}{{ . }} {{ end }}", "ten nine 1 2 "],
  ["{{ range .Values.nul }}x{{ else }}empty{{ end }}", "empty"],
  ["{{ range (list) }}x{{ else }}empty{{ end }}", "empty"],
  ["{{ range $i, $e := .Values.l }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $i }}{{ end }}", "01"],
  ["{{ range $i, $e := .Values.l }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $i }}{{ end }}", "023"],
  ['{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" 5 }}{{ template "x" }}', "[5][<no value>]"],
  ['{{ block "b" .Values.s }}<{{ . }}>{{ end }}', "<x>"],
  [
    '{{ define "r" }}{{ if gt . 0 }}{{ . }}{{ template "r" (sub . 1) }}{{ end }}{{ end }}{{ template "r" 3 }}',
    "321",
  ],
  // truthiness (§1.7)
  [
    '{{ if "false" }}T{{ end }}{{ if "0" }}T{{ end }}{{ if 0.0 }}F{{ end }}{{ if .Values.m }}T{{ end }}',
    "TTT",
  ],
  ["{{ not .Values.nope }} {{ not (dict) }} {{ not .Values.l }}", "true true false"],
  // builtins (§1.8)
  ['{{ and 1 0 "x" }} {{ and 1 "x" }} {{ or 0 "" "y" }} [{{ or 0 "" }}]', "0 x y []"],
  ["{{ and .Values.nope .Values.nope.x }}", "<no value>"],
  ['{{ len "héllo" }} {{ len .Values.m }} {{ len .Values.l }}', "6 4 4"],
  [
    '{{ index .Values.m "a" }} {{ index .Values.l 1 }} {{ index "abc" 1 }} [{{ index .Values "nope" }}]',
    "1 a 98 [<no value>]",
  ],
  ['{{ print "a" 1 2 "b" 3.5 true nil }}', "a1 2b3.5 true <nil>"],
  ["{{ println 1 2 }}", "1 2\n"],
  ['{{ eq .Values.nope "x" }} {{ ne .Values.s "y" }} {{ eq .Values.s "a" "x" }}', "false true true"],
  [
    '{{ eq .Values.one 1.0 }} {{ lt "a" "b" }} {{ le 2 2 }} {{ gt (len "abc") 2 }} {{ ge 1.5 2.5 }}',
    "true true true true false",
  ],
  ['{{ html "<a href=\'x\'>&\\"" }}', "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"],
  ['{{ js "a\'b\\"c<d>\\n=&" }}', "a\\'b\\\"c\\u003Cd\\u003E\\u000A\\u003D\\u0026"],
  ['{{ urlquery "a b&c/d?é" }}', "a+b%26c%2Fd%3F%C3%A9"],
  ['{{ slice "abcd" 1 3 }} {{ slice .Values.l 1 2 }}', "bc [a]"],
  // pipelines
  ['{{ "a" | printf "%s-%s" "b" }}', "b-a"],
  ["{{ .Values.s | print }}", "x"],
  ['{{ (index .Values.m "a") }}', "1"],
];

Deno.test("template table (§1)", () => {
  for (const [text, want] of TABLE) {
    const set = new TemplateSet({ missingKey: "zero" }).funcs({
      list: (...a: unknown[]) => a,
      dict: () => ({}),
      sub: (a: unknown, b: unknown) => goInt((a as { value: bigint }).value - (b as { value: bigint }).value),
    });
    set.parse("t", text);
    assertEquals(set.execute("t", { Values: V }), want, text);
  }
});

Deno.test("printf subset (§1.10; probe template-semantics printf lines)", () => {
  const l = toGo([3, "a", true, null]);
  const cases: [string, unknown[], string][] = [
    ["%q %v %s", ['q"é\n', l, l], '"q\\"é\\n" [3 a true <nil>] [%!s(float64=3) a %!s(bool=true) <nil>]'],
    ["%d %x %X %o %b %e %g %t %c %U", [
      goInt(42),
      goInt(255),
      goInt(255),
      goInt(8),
      goInt(5),
      1234.5,
      0.00001,
      true,
      goInt(65),
      goInt(0x1f600),
    ], "42 ff FF 10 101 1.234500e+03 1e-05 true A U+1F600"],
    ["%5.2f|%-4s|%04d|%+d|% d", [3.14159, "ab", goInt(7), goInt(5), goInt(5)], " 3.14|ab  |0007|+5| 5"],
    ["%d %s", ["str"], "%!d(string=str) %!s(MISSING)"],
    ["x", [goInt(1)], "x%!(EXTRA int=1)"],
    ["%d", [2], "%!d(float64=2)"],
    ["%s|%v", [null, null], "%!s(<nil>)|<nil>"],
    ["%x %s", ["hi", goInt(3)], "6869 %!s(int=3)"],
    ["%05.1f", [1.5], "001.5"],
    ["%v %v", [1e6, goInt64(1000000)], "1e+06 1000000"],
    ["%6.2f%%", [99.5], " 99.50%"],
    ["%T %T %T", [1.5, goInt(1), l], "float64 int []interface {}"],
    ["%08.3f|%-8d|%x", [-3.14159, goInt(42), -255.5], "-003.142|42      |-255.5"],
    ["%.3g %g %G", [1234.5678, 1e21, 1e-7], "1.23e+03 1e+21 1E-07"],
    ["%z", [goInt(1)], "%!z(int=1)"],
    ["%", [], "%!(NOVERB)"],
    ["%*d", [goInt(4), goInt(7)], "   7"],
  ];
  for (const [f, args, want] of cases) assertEquals(sprintf(f, args), want, f);
});

Deno.test("goPrint of nested values and structs", () => {
  assertEquals(goPrint(toGo({ a: [1, { b: null }], c: {} })), "map[a:[1 map[b:<nil>]] c:map[]]");
  assertEquals(goPrint(new Uint8Array([104, 105])), "[104 105]");
  class KV extends GoStruct {
    constructor() {
      super("chart.KV", { Name: "caps", Tags: [], Ok: true });
    }
  }
  assertEquals(goPrint(new KV()), "{caps [] true}");
  assertEquals(
    goPrint({
      v: new (class extends GoStruct {
        String() {
          return "v1.33.0";
        }
      })("x"),
    }),
    "map[v:v1.33.0]",
  );
});

Deno.test("struct fields and methods", () => {
  class Caps extends GoStruct {
    constructor() {
      super("*chartutil.Capabilities", {
        KubeVersion: { Major: "1", Version: "v1.33.0" },
        APIVersions: ["v1"],
      });
    }
    Has(v: unknown) {
      return v === "v1";
    }
  }
  const data = { Capabilities: new Caps() };
  assertEquals(
    run(
      '{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.Has "v1" }} {{ .Capabilities.Has "x" }}',
      data,
    ),
    "v1.33.0 true false",
  );
  assertEquals(
    err("{{ .Capabilities.Nope }}", data),
    'template: t:1:16: executing "t" at <.Capabilities.Nope>: can\'t evaluate field Nope in type *chartutil.Capabilities',
  );
});

Deno.test("missingkey options (§1.6)", () => {
  const d = { Values: toGo({ a: { b: 1 }, n: null }) };
  assertEquals(run("{{ .Values.x }}", d), "<no value>");
  assertEquals(run("{{ .Values.x }}", d, { missingKey: "zero" }), "<no value>");
  assertEquals(run("{{ .Values.x.y }}", d), "<no value>"); // invalid receiver: no error with default
  assertEquals(
    err("{{ .Values.x }}", d, { missingKey: "error" }),
    'template: t:1:10: executing "t" at <.Values.x>: map has no entry for key "x"',
  );
  // golden testcharts-issue1979: the column of a field chain is that of its 2nd field (Go parser quirk)
  assertEquals(
    err("line1\n    values: {{.Values.test.Name}}", d, { missingKey: "zero" }),
    'template: t:2:21: executing "t" at <.Values.test.Name>: nil pointer evaluating interface {}.Name',
  );
  assertEquals(
    err("{{ .Values.n.x }}", d),
    'template: t:1:10: executing "t" at <.Values.n.x>: nil pointer evaluating interface {}.x',
  );
  assertEquals(
    err("{{ .Values.a.b.c }}", d),
    'template: t:1:10: executing "t" at <.Values.a.b.c>: can\'t evaluate field c in type float64',
  );
});

Deno.test("execution errors (§1.11)", () => {
  const d = { Values: toGo({ one: 1, s: "x" }) };
  assertEquals(
    err("{{ eq .Values.one 1 }}", d),
    'template: t:1:3: executing "t" at <eq .Values.one 1>: error calling eq: incompatible types for comparison',
  );
  assertEquals(
    err("{{ lt true false }}", d),
    'template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison',
  );
  assertEquals(
    err("{{ index .Values.s 5 }}", d),
    'template: t:1:3: executing "t" at <index .Values.s 5>: error calling index: index out of range: 5',
  );
  assertEquals(
    err("{{ len .Values.nope }}", d, { missingKey: "zero" }),
    'template: t:1:3: executing "t" at <len .Values.nope>: error calling len: len of nil pointer',
  );
  assertEquals(
    err("{{ len 3 }}", d),
    'template: t:1:3: executing "t" at <len 3>: error calling len: len of type int',
  );
  assertEquals(
    err('{{ template "nope" }}', d),
    'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined',
  );
  assertEquals(
    err("{{ range 3 }}x{{ end }}", d),
    'template: t:1:9: executing "t" at <3>: range can\'t iterate over 3',
  );
  assertEquals(err("{{ nil }}", d), 'template: t:1:3: executing "t" at <nil>: nil is not a command');
  assertEquals(
    err("{{ 1 2 }}", d),
    'template: t:1:3: executing "t" at <1>: can\'t give argument to non-function 1',
  );
  const t = new TemplateSet().funcs({
    upper: goFunc(["string"], (s) => (s as string).toUpperCase()),
    trunc: goFunc(
      ["int", "string"],
      (n, s) => (s as string).slice(0, Number((n as { value: bigint }).value)),
    ),
    boom: goFunc([], () => {
      throw new Error("bad thing");
    }),
  });
  t.parse("f.yaml", "a\n{{ upper .Values.nope }}");
  assertThrows(() => t.execute("f.yaml", { Values: {} }), TemplateError);
  const e1 = new TemplateSet({ missingKey: "zero" }).funcs({ upper: goFunc(["string"], (s) => s) });
  e1.parse("f", "{{ upper .Values.nope }}|{{ upper 3 }}");
  assertEquals(
    (() => {
      try {
        e1.execute("f", { Values: {} });
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: f:1:16: executing "f" at <.Values.nope>: wrong type for value; expected string; got interface {}',
  );
  t.parse("g", "{{ trunc .Values.n .Values.s }}");
  assertEquals(
    (() => {
      try {
        t.execute("g", { Values: toGo({ n: 2, s: "abc" }) });
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: g:1:16: executing "g" at <.Values.n>: wrong type for value; expected int; got float64',
  );
  t.parse("h", "{{ boom }}");
  assertEquals(
    (() => {
      try {
        t.execute("h", {});
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: h:1:3: executing "h" at <boom>: error calling boom: bad thing',
  );
  t.parse("w", '{{ upper "a" "b" }}');
  assertEquals(
    (() => {
      try {
        t.execute("w", {});
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: w:1:3: executing "w" at <upper>: wrong number of args for upper: want 1 got 2',
  );
  const te = (() => {
    try {
      t.execute("h", {});
    } catch (e) {
      return e as TemplateError;
    }
  })()!;
  assertEquals([te.templateName, te.line, te.column, te.reason], [
    "h",
    1,
    3,
    "error calling boom: bad thing",
  ]);
  // unknown template name at top level (Helm's include error text)
  assertEquals(
    (() => {
      try {
        t.execute("library.service", {});
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: no template "library.service" associated with template "gotpl"',
  );
});

Deno.test("parse errors (§1.11)", () => {
  const perr = (text: string) => {
    try {
      new TemplateSet().parse("p.yaml", text);
    } catch (e) {
      return (e as TemplateError).message;
    }
    return "no error";
  };
  assertEquals(perr("a\n{{ nofunc 1 }}"), 'template: p.yaml:2: function "nofunc" not defined');
  assertEquals(perr("{{ if 1 }}"), "template: p.yaml:1: unexpected EOF");
  assertEquals(perr("{{ end }}"), "template: p.yaml:1: unexpected {{end}}");
  assertEquals(perr("{{ break }}"), "template: p.yaml:1: {{break}} outside {{range}}");
  assertEquals(perr("{{ $x }}"), 'template: p.yaml:1: undefined variable "$x"');
  assertEquals(perr("{{ }}"), "template: p.yaml:1: missing value for command");
  assertEquals(perr('{{ "a }}'), "template: p.yaml:1: unterminated quoted string");
  assertEquals(perr("{{ /* x */ }}"), 'template: p.yaml:1: unexpected "/" in command');
  assertEquals(perr("{{ 1 | 2 }}"), "template: p.yaml:1: non executable command in pipeline stage 2");
  assertEquals(
    perr('{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}'),
    'template: p.yaml:1: template: multiple definition of template "a"',
  );
  assertEquals(perr("{{ 3x }}"), 'template: p.yaml:1: bad number syntax: "3x"');
});

Deno.test("template set: defines across files, empty bodies never replace", () => {
  const t = new TemplateSet();
  t.parse("b/_h.tpl", '{{ define "n" }}child{{ end }}');
  t.parse("a/_h.tpl", '{{ define "n" }}parent{{ end }}{{ define "e" }}E{{ end }}');
  t.parse("c.tpl", '{{ define "e" }}{{ end }}{{ template "n" }}{{ template "e" }}');
  assertEquals(t.execute("c.tpl", {}), "parentE");
  assertEquals(t.has("n"), true);
  assertEquals(t.names().sort(), ["a/_h.tpl", "b/_h.tpl", "c.tpl", "e", "n"]);
  const c = t.clone();
  c.parse("tpl", '{{ define "n" }}cloned{{ end }}{{ template "n" }}');
  assertEquals(c.execute("tpl", {}), "cloned");
  assertEquals(t.execute("c.tpl", {}), "parentE");
});

Deno.test("error location inside a define uses the defining file", () => {
  const t = new TemplateSet({ missingKey: "zero" });
  t.parse("chart/templates/_helpers.tpl", '{{ define "h" }}\n  {{ .x.y }}\n{{ end }}');
  t.parse("chart/templates/cm.yaml", 'a: {{ template "h" . }}');
  assertEquals(
    (() => {
      try {
        t.execute("chart/templates/cm.yaml", {});
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: chart/templates/_helpers.tpl:2:7: executing "h" at <.x.y>: nil pointer evaluating interface {}.y',
  );
});
