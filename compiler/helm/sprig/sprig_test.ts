// Sprig v3.3.0 semantics as wired into Helm 3.17 (renderers.md §2). Expected values from the spec's tables and
// the golden probe template-semantics (`int`/`quote`/`default` lines).
import { assertEquals, assertMatch } from "../../../shared/testing/asserts.ts";
import { goInt64, TemplateSet, toGo } from "../template/mod.ts";
import { sprigFuncs } from "./mod.ts";

function render(text: string, values: unknown = {}, opts = {}): string {
  const t = new TemplateSet({ missingKey: "zero" }).funcs(
    sprigFuncs({ seed: 42, now: 1700000000000, ...opts }),
  );
  t.parse("t", text);
  return t.execute("t", { Values: toGo(values) }).replaceAll("<no value>", "");
}

function renderErr(text: string, values: unknown = {}): string {
  try {
    render(text, values);
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

const TABLE: [string, string][] = [
  // strings §2.1
  [
    '{{ trim "  a b \\n" }}|{{ trimAll "$" "$$5.00$" }}|{{ trimPrefix "-" "--a" }}|{{ trimSuffix "-" "a--" }}',
    "a b|5.00|-a|a-",
  ],
  [
    '{{ upper "abc" }} {{ lower "ABC" }} {{ title "hello wORLD" }} {{ untitle "Hello World" }}',
    "ABC abc Hello WORLD hello world",
  ],
  [
    '{{ repeat 3 "ab" }} {{ substr 1 3 "hello" }} {{ substr -1 2 "hello" }} {{ substr 2 99 "hello" }}',
    "ababab el he llo",
  ],
  [
    '{{ nospace " a b\\tc " }} {{ trunc 3 "hello" }} {{ trunc -3 "hello" }} {{ trunc 10 "hi" }}',
    "abc hel llo hi",
  ],
  [
    '{{ abbrev 5 "hello world" }} {{ abbrevboth 5 10 "1234 5678 9123" }} {{ initials "hello world" }}',
    "he... ...5678... hw",
  ],
  ['{{ wrap 5 "hello world foo" }}|{{ wrapWith 5 "\\t" "hello world" }}', "hello\nworld\nfoo|hello\tworld"],
  ['{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "c" "abc" }}', "true true true"],
  [
    '{{ quote "a" 1 nil }}|{{ squote "a" 2 }}|{{ cat "a" nil 1 2.5 }}|{{ quote .Values.nope }}',
    "\"a\" \"1\"|'a' '2'|a 1 2.5|",
  ],
  ['{{ indent 2 "a\\nb\\n" }}|{{ nindent 2 "x" }}', "  a\n  b\n  |\n  x"],
  ['{{ replace "a" "b" "aaa" }} {{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}', "bbb one many"],
  [
    '{{ snakecase "FooBarBaz" }} {{ camelcase "foo_bar" }} {{ kebabcase "FooBar" }} {{ swapcase "aBc" }}',
    "foo_bar_baz FooBar foo-bar AbC",
  ],
  ['{{ toString 1000000.0 }} {{ toString 3 }} {{ toStrings (list 1 nil "a") }}', "1e+06 3 [1 a]"],
  [
    '{{ split "," "a,b" }} {{ splitList "," "a,b,c" }} {{ splitn "," 2 "a,b,c" }}',
    "map[_0:a _1:b] [a b c] map[_0:a _1:b,c]",
  ],
  ['{{ join "," (list 1 nil "a") }} {{ sortAlpha (list "b" 10 "a") }}', "1,a [10 a b]"],
  ['{{ sha1sum "a" }} {{ adler32sum "hello" }}', "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 103547413"],
  ['{{ sha256sum "a" }}', "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"],
  [
    '{{ b64enc "hi" }} {{ b64dec "aGk=" }} {{ b64dec "!!" }} {{ b32enc "hi" }} {{ b32dec "NBUQ====" }}',
    "aGk= hi illegal base64 data at input byte 0 NBUQ==== hi",
  ],
  [
    '{{ regexMatch "^a.c$" "abc" }} {{ regexFind "[0-9]+" "ab12cd34" }} {{ regexFindAll "[0-9]" "a1b2c3" -1 }} {{ regexFindAll "[0-9]" "a1b2c3" 2 }}',
    "true 12 [1 2 3] [1 2]",
  ],
  [
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-" "$1" }}',
    "-W-xxW- --- -$1-",
  ],
  [
    '{{ regexSplit "z+" "pizza" -1 }} {{ regexSplit "z+" "pizza" 1 }} {{ regexQuoteMeta "1.2.3" }}',
    "[pi a] [pizza] 1\\.2\\.3",
  ],
  ["{{ hello }}", "Hello!"],
  // conversion §2.2 (probe template-semantics `int:` line)
  [
    '{{ int "08" }} {{ int "0x10" }} {{ int 2.9 }} {{ int64 "12" }} {{ float64 "1.5" }} {{ atoi "12a" }} {{ toString 1.0 }}',
    "0 16 2 12 1.5 0 1",
  ],
  [
    '{{ int "1e3" }} {{ float64 "1e3" }} {{ int64 3.99 }} {{ int true }} {{ int nil }} {{ int "12.00" }} {{ toDecimal "777" }}',
    "0 1000 3 1 0 12 511",
  ],
  [
    "{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }} {{ add1 .Values.n }} {{ max 1 5 3 }} {{ min 4 2 }} {{ biggest 1 9 }}",
    "6 3 24 3 1 4 5 2 9",
  ],
  [
    "{{ addf 0.1 0.2 }} {{ subf 1 0.9 }} {{ mulf 1.1 3 }} {{ divf 1 3 }} {{ add1f 1.5 }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }}",
    "0.3 0.1 3.3 0.3333333333333333 2.5 2.5 1",
  ],
  ["{{ floor 1.5 }} {{ ceil 1.2 }} {{ round 123.555555 3 }} {{ round 1.4 0 }}", "1 2 123.556 1"],
  [
    "{{ seq 3 }}|{{ seq 2 5 }}|{{ seq 0 2 10 }}|{{ seq 3 1 }}|{{ until 3 }}|{{ untilStep 0 10 3 }}",
    "1 2 3|2 3 4 5|0 2 4 6 8 10|3 2 1|[0 1 2]|[0 3 6 9]",
  ],
  [
    '{{ typeOf (add 1 2) }} {{ typeOf (until 2) }} {{ typeOf (splitList "," "a") }} {{ typeOf (split "," "a") }}',
    "int64 []int []string map[string]string",
  ],
  // defaults §2.3 (probe `default:` line)
  [
    '{{ default "d" .Values.nope }} {{ default "d" 0 }} {{ default "d" false }} {{ default "d" "x" }} {{ empty (dict) }} {{ empty 0.0 }}',
    "d d d x true true",
  ],
  [
    '{{ coalesce 0 "" "z" }} {{ all 1 "a" }} {{ all 1 "" }} {{ any 0 "" "x" }} {{ ternary "y" "n" true }} {{ ternary "y" "n" false }}',
    "z true false true y n",
  ],
  [
    '{{ typeOf .Values.n }} {{ typeOf 1 }} {{ typeOf nil }} {{ kindOf .Values.m }} {{ kindOf nil }} {{ kindIs "float64" .Values.n }} {{ typeIs "string" "a" }}',
    "float64 int <nil> map invalid true true",
  ],
  [
    "{{ deepEqual 1 1 }} {{ deepEqual (int 1) 1 }} {{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual 1.0 .Values.one }}",
    "true true true true",
  ],
  ["{{ deepEqual .Values.one 1 }}", "false"],
  // dicts §2.4
  [
    '{{ $d := dict "a" 1 "b" }}{{ $d }} {{ get $d "a" }} [{{ get $d "z" }}] {{ hasKey $d "b" }}',
    "map[a:1 b:] 1 [] true",
  ],
  ['{{ $d := dict "a" 1 }}{{ $_ := set $d "c" 3 }}{{ $d }} {{ unset $d "a" }}', "map[a:1 c:3] map[c:3]"],
  [
    '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }} {{ keys (dict "b" 1 "a" 2) | sortAlpha }} {{ values (dict "a" 1) }}',
    "[1 3] [a b] [1]",
  ],
  ['{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" }} {{ omit (dict "a" 1 "b" 2) "a" }}', "map[a:1 c:3] map[b:2]"],
  [
    '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}',
    "map[a:1 b:3 n:map[x:1 y:2]]",
  ],
  ['{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" "" "n" (dict "x" 2)) }}', "map[a: n:map[x:2]]"],
  ['{{ merge (dict "a" false) (dict "a" true) }}', "map[a:true]"],
  [
    '{{ dig "a" "b" "def" (dict "a" (dict "b" 1)) }} {{ dig "a" "z" "def" (dict "a" (dict "b" 1)) }}',
    "1 def",
  ],
  // lists §2.5
  [
    '{{ list 1 "a" }} {{ first (list 1 2) }} {{ last (list 1 2) }} {{ rest (list 1 2 3) }} {{ initial (list 1 2 3) }}',
    "[1 a] 1 2 [2 3] [1 2]",
  ],
  [
    "{{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ concat (list 1) (list 2 3) }} {{ reverse (list 1 2 3) }}",
    "[1 2] [0 1] [1 2 3] [3 2 1]",
  ],
  [
    '{{ uniq (list 1 1 2) }} {{ without (list 1 2 3) 2 }} {{ has 2 (list 1 2) }} {{ compact (list 0 1 "" "a") }}',
    "[1 2] [1 3] true [1 a]",
  ],
  [
    "{{ slice (list 1 2 3 4) 1 3 }} {{ slice (list 1 2 3) 1 }} {{ chunk 2 (list 1 2 3) }} [{{ first (list) }}]",
    "[2 3] [2 3] [[1 2] [3]] []",
  ],
  // encoding / paths §2.6
  ['{{ toPrettyJson (dict "a" (list 1 "<")) }}', '{\n  "a": [\n    1,\n    "\\u003c"\n  ]\n}'],
  [
    '{{ toRawJson (dict "a" "<&>") }} {{ toJson (dict "a" "<&>") }} {{ mustToJson (list) }}',
    '{"a":"<&>"} {"a":"\\u003c\\u0026\\u003e"} []',
  ],
  [
    '{{ base "/a/b.txt" }} {{ dir "/a/b.txt" }} {{ clean "a//b/../c" }} {{ ext "x.tar.gz" }} {{ isAbs "/a" }} {{ osBase "a/b/" }}',
    "b.txt /a a/c .gz true b",
  ],
  [
    '{{ (urlParse "https://u:p@host.io:8080/p/a?x=1#f").hostname }} {{ (urlParse "https://u:p@host.io:8080/p/a?x=1#f").userinfo }} {{ urlJoin (dict "scheme" "https" "host" "h.io" "path" "/x" "query" "a=b") }}',
    "host.io u:p https://h.io/x?a=b",
  ],
  [
    '{{ date "2006-01-02T15:04" 1700000000 }} {{ htmlDate (int64 0) }} {{ dateInZone "2006-01-02 15:04 MST" (now) "UTC" }}',
    "2023-11-14T22:13 1970-01-01 2023-11-14 22:13 UTC",
  ],
  [
    '{{ duration 3661 }} {{ duration "3661" }} {{ duration (int64 90) }} {{ durationRound "2h10m" }} {{ unixEpoch (now) }}',
    "0s 1h1m1s 1m30s 2h 1700000000",
  ],
  [
    '{{ toDate "2006-01-02" "2024-02-03" | date "Jan 2, 2006" }} {{ dateModify "1h30m" (toDate "2006-01-02 15:04" "2024-02-03 10:00") | date "15:04" }}',
    "Feb 3, 2024 11:30",
  ],
  ["{{ now }}", "2023-11-14 22:13:20 +0000 UTC"],
  // semver
  [
    '{{ semverCompare ">=1.22.0-0" "1.33.0-rc.1" }} {{ semverCompare ">=1.22.0" "1.33.0-rc.1" }} {{ semverCompare "^1.2" "1.3.0-rc1" }}',
    "true false false",
  ],
  [
    '{{ semverCompare "~1.2.3" "1.2.9" }} {{ semverCompare "~1.2.3" "1.3.0" }} {{ semverCompare "^0.2.3" "0.2.9" }} {{ semverCompare "1.2.x" "1.2.7" }} {{ semverCompare "1.2 - 1.4.5" "1.4.5" }} {{ semverCompare ">1.0 <2.0 || =3.0.0" "3.0.0" }}',
    "true false true true true true",
  ],
  [
    '{{ (semver "v1.2.3-beta.1+b5").Major }} {{ (semver "1.2.3-beta.1+b5").Prerelease }} {{ semver "v1.2" }}',
    "1 beta.1 1.2.0",
  ],
  // helm overrides §3.6
  ['{{ toYaml (dict "a" (list 1 2) "b" "yes") }}', 'a:\n- 1\n- 2\nb: "yes"'],
  [
    '{{ (fromYaml "a: 1\\nb: [x]").b }} {{ fromYaml "- 1" }} {{ fromYamlArray "- 1\\n- a" }}',
    "[x] map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}] [1 a]",
  ],
  [
    '{{ fromJson "{\\"a\\":1}" }} {{ fromJson "x" }} {{ fromJsonArray "[1,\\"b\\"]" }}',
    "map[a:1] map[Error:invalid character 'x' looking for beginning of value] [1 b]",
  ],
  ['{{ toToml (dict "a" 1 "t" (dict "b" "x")) }}', 'a = 1\n\n[t]\n  b = "x"\n'],
  ['{{ lookup "v1" "Secret" "ns" "x" }} {{ required "m" 0 }} {{ getHostByName "example.com" }}', "map[] 0 "],
];

Deno.test("sprig table (§2)", () => {
  const values = { n: 3, one: 1, m: { a: 1 } };
  for (const [text, want] of TABLE) {
    const t = new TemplateSet({ missingKey: "zero" }).funcs(sprigFuncs({ seed: 1, now: 1700000000000 }));
    t.parse("t", text);
    assertEquals(t.execute("t", { Values: toGo(values) }).replaceAll("<no value>", ""), want, text);
  }
});

Deno.test("sprig errors", () => {
  assertEquals(
    renderErr('{{ slice "abc" 1 2 }}'),
    'template: t:1:3: executing "t" at <slice "abc" 1 2>: error calling slice: list should be type of slice or array but string',
  );
  assertEquals(
    renderErr("{{ div 1 0 }}"),
    'template: t:1:3: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero',
  );
  assertEquals(
    renderErr("{{ upper .Values.nope }}"),
    'template: t:1:16: executing "t" at <.Values.nope>: wrong type for value; expected string; got interface {}',
  );
  assertEquals(
    renderErr("{{ indent 2 .Values.port }}", { port: 80 }),
    'template: t:1:19: executing "t" at <.Values.port>: wrong type for value; expected string; got float64',
  );
  assertEquals(
    renderErr('{{ required "need x" .Values.x }}'),
    'template: t:1:3: executing "t" at <required "need x" .Values.x>: error calling required: need x',
  );
  assertEquals(
    renderErr('{{ fail "boom" }}'),
    'template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom',
  );
  assertEquals(
    renderErr('{{ append "x" 1 }}'),
    'template: t:1:3: executing "t" at <append "x" 1>: error calling append: Cannot push on type string',
  );
});

Deno.test("random and clock functions are deterministic with a seed and fixed clock (§2.8)", () => {
  const a = render(
    '{{ randAlphaNum 12 }} {{ uuidv4 }} {{ randInt 1 100 }} {{ shuffle "abcdef" }} {{ randBytes 4 }}',
  );
  const b = render(
    '{{ randAlphaNum 12 }} {{ uuidv4 }} {{ randInt 1 100 }} {{ shuffle "abcdef" }} {{ randBytes 4 }}',
  );
  assertEquals(a, b);
  assertMatch(
    a,
    /^[A-Za-z0-9]{12} [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} \d+ [a-f]{6} \S+$/,
  );
  const enc = render('{{ encryptAES "secretkey" "plaintext" }}');
  assertEquals(render(`{{ decryptAES "secretkey" "${enc}" }}`), "plaintext");
  assertEquals(render("{{ ago (now) }}"), "0s");
});

Deno.test("derivePassword and genPrivateKey", () => {
  assertEquals(render('{{ derivePassword 1 "long" "password" "user" "example.com" }}'), "ZedaFaxcZaso9*");
  assertMatch(render('{{ genPrivateKey "ecdsa" }}'), /^-----BEGIN EC PRIVATE KEY-----\n/);
  assertMatch(render('{{ genPrivateKey "ed25519" }}'), /^-----BEGIN PRIVATE KEY-----\n/);
});

Deno.test("int64 values from --set print in full and compare with int literals", () => {
  const t = new TemplateSet({ missingKey: "zero" }).funcs(sprigFuncs());
  t.parse("t", "{{ .Values.n }} {{ eq .Values.n 5 }} {{ quote .Values.n }} {{ add .Values.n 1 }}");
  assertEquals(t.execute("t", { Values: { n: goInt64(5000000) } }), '5000000 false "5000000" 5000001');
});

Deno.test("genCA / genSignedCert / genSelfSignedCert produce parseable certificates", async () => {
  const { X509Certificate } = await import("node:crypto");
  const t = new TemplateSet({ missingKey: "zero" }).funcs(sprigFuncs({ seed: 7, now: 1700000000000 }));
  t.parse(
    "t",
    '{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "svc" (list "10.0.0.1") (list "svc.ns.svc") 30 $ca }}' +
      '{{ $s := genSelfSignedCert "self" nil (list "a.example") 10 }}{{ $ca.Cert }}|{{ $c.Cert }}|{{ $c.Key }}|{{ $s.Cert }}',
  );
  const [ca, cert, key, self] = t.execute("t", {}).split("|") as [string, string, string, string];
  const caX = new X509Certificate(ca);
  const cX = new X509Certificate(cert);
  assertEquals(caX.subject, "CN=my-ca");
  assertEquals(caX.ca, true);
  assertEquals(cX.issuer, "CN=my-ca");
  assertEquals(cX.verify(caX.publicKey), true);
  assertEquals(cX.subjectAltName, "DNS:svc.ns.svc, IP Address:10.0.0.1");
  assertMatch(key, /^-----BEGIN RSA PRIVATE KEY-----/);
  assertEquals(new X509Certificate(self).subjectAltName, "DNS:a.example");
  assertEquals(caX.validFrom, "Nov 14 22:13:20 2023 GMT");
});

Deno.test("toYamlPretty indents sequences and keeps float64 formatting", () => {
  assertEquals(
    render('{{ toYamlPretty (dict "a" (list 1 (dict "b" 2)) "c" .Values.big) }}', { big: 1000000 }),
    "a:\n  - 1\n  - b: 2\nc: 1e+06",
  );
  assertEquals(
    render('{{ toYaml (dict "a" (list 1 (dict "b" 2)) "c" .Values.big) }}', { big: 1000000 }),
    "a:\n- 1\n- b: 2\nc: 1000000",
  );
});

Deno.test("include and tpl (Helm engine semantics)", async () => {
  const { includeTplFuncs } = await import("./mod.ts");
  const t = new TemplateSet({ missingKey: "zero" }).funcs(sprigFuncs());
  t.funcs(includeTplFuncs(t));
  t.parse("c/templates/_h.tpl", '{{ define "c.name" }}{{ .Values.name | default "dflt" }}{{ end }}');
  t.parse(
    "c/templates/cm.yaml",
    'a: {{ include "c.name" . | upper }}\nb: {{ tpl "{{ .Values.x }}-{{ include \\"c.name\\" . }}{{ .Values.nope }}" . }}',
  );
  assertEquals(t.execute("c/templates/cm.yaml", { Values: toGo({ x: "X" }) }), "a: DFLT\nb: X-dflt");
  t.parse("c/templates/bad.yaml", '{{ tpl "{{ .Values.a.b }}" . }}');
  assertEquals(
    (() => {
      try {
        t.execute("c/templates/bad.yaml", { Values: {} });
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    'template: c/templates/bad.yaml:1:3: executing "c/templates/bad.yaml" at <tpl "{{ .Values.a.b }}" .>: error calling tpl: error during tpl function execution for "{{ .Values.a.b }}": template: gotpl:1:10: executing "gotpl" at <.Values.a.b>: nil pointer evaluating interface {}.b',
  );
});
