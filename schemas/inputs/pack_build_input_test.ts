import { assertEquals } from "../../shared/testing/asserts.ts";
import { PackBuildInputSchema } from "./pack_build_input.ts";
import { assertOneMatches, errorsOf, type Expected, warningsOf } from "./test_support.ts";

const DIGEST = `sha256:${"ab".repeat(32)}`;

const HELM = `name: cert-manager-helm-v1.14.0-r1
namespace: seam-tenant-management
version: v1.14.0-r1
registryUrl: 10.0.0.1:5000/ontai-dev/packs/cert-manager-helm
targetClusters:
  - management
helmSource:
  url: http://10.0.0.1:8888/cert-manager-v1.14.0.tgz
  chart: cert-manager
`;

const PREBUILT = `name: my-pack
version: v1.2.3
registryUrl: registry.example.com/packs/my-pack
digest: ${DIGEST}
checksum: deadbeef
`;

function edit(base: string, ...changes: [number, string | null][]): string {
  const lines = base.trimEnd().split("\n") as (string | null)[];
  for (const [n, text] of changes) lines[n - 1] = text;
  return lines.filter((l) => l !== null).join("\n") + "\n";
}

Deno.test("PackBuildInput: helm and pre-built bases validate without warnings", () => {
  for (const text of [HELM, PREBUILT]) {
    assertEquals(errorsOf(PackBuildInputSchema, text), []);
    assertEquals(warningsOf(PackBuildInputSchema, text), []);
  }
});

const CASES: [string, string, Expected][] = [
  ["name required (§6.3 item 2)", edit(HELM, [1, null]), {
    path: "name",
    line: 1,
    column: 1,
    message: ["required field is missing"],
    hint: "DNS-1123 subdomain",
  }],
  ["name is a DNS-1123 subdomain", edit(HELM, [1, "name: Cert_Manager"]), {
    path: "name",
    line: 1,
    column: 7,
    message: ['invalid pack name "Cert_Manager"'],
    hint: "DNS-1123 subdomain",
  }],
  ["version required (§6.3 item 3)", edit(HELM, [3, null]), {
    path: "version",
    line: 1,
    column: 1,
    message: ["required field is missing"],
    hint: "v1.14.0-r1",
  }],
  ["version must fit an OCI tag", edit(HELM, [3, "version: v1.14.0+build/7"]), {
    path: "version",
    line: 3,
    column: 10,
    message: ['invalid version "v1.14.0+build/7"'],
    hint: "OCI tags",
  }],
  ["category enum (§6.3 item 4a)", edit(HELM, [6, "  - management\ncategory: chart"]), {
    path: "category",
    line: 7,
    column: 11,
    message: ['invalid category "chart"'],
    hint: "expected one of: helm, kustomize, raw",
  }],
  ["category without its source (§6.3 item 4b)", edit(HELM, [6, "  - management\ncategory: raw"]), {
    path: "category",
    line: 7,
    column: 11,
    message: ['category is "raw" but rawSource is missing'],
    hint: "add a rawSource block",
  }],
  ["source not matching the category (§6.3 item 4c)", edit(HELM, [6, "  - management\ncategory: raw"]), {
    path: "helmSource",
    line: 9,
    column: 3,
    message: ['helmSource does not match category "raw"'],
    hint: "change category to helm",
  }],
  ["registryUrl required with a source (§6.3 item 5)", edit(HELM, [4, null]), {
    path: "registryUrl",
    line: 1,
    column: 1,
    message: ["required field is missing", "helmSource"],
    hint: "host[:port]/repo/path",
  }],
  ["registryUrl required when pre-built (§6.3 item 8)", edit(PREBUILT, [3, null]), {
    path: "registryUrl",
    line: 1,
    column: 1,
    message: ["required field is missing", "pre-built"],
    hint: "host[:port]/repo/path",
  }],
  ["registryUrl has no scheme", edit(HELM, [4, "registryUrl: https://10.0.0.1:5000/packs/x"]), {
    path: "registryUrl",
    line: 4,
    column: 14,
    message: ['invalid registry URL "https://10.0.0.1:5000/packs/x"', "remove the scheme"],
    hint: "without scheme or tag",
  }],
  ["registryUrl has a repository path", edit(HELM, [4, "registryUrl: 10.0.0.1:5000"]), {
    path: "registryUrl",
    line: 4,
    column: 14,
    message: ["repository path after the host is required"],
    hint: "host[:port]/repository/path",
  }],
  ["digest required when pre-built (§6.3 item 8)", edit(PREBUILT, [4, null]), {
    path: "digest",
    line: 1,
    column: 1,
    message: ["needs digest, or both rbacDigest and workloadDigest"],
    hint: "sha256:",
  }],
  ["rbacDigest alone does not replace digest", edit(PREBUILT, [4, `rbacDigest: ${DIGEST}`]), {
    path: "digest",
    line: 1,
    column: 1,
    message: ["needs digest, or both rbacDigest and workloadDigest"],
    hint: "sha256:",
  }],
  ["digest syntax", edit(PREBUILT, [4, "digest: sha256:deadbeef"]), {
    path: "digest",
    line: 4,
    column: 9,
    message: ['invalid digest "sha256:deadbeef"'],
    hint: "64 lower-case hex digits",
  }],
  ["helmSource.url required", edit(HELM, [8, null]), {
    path: "helmSource.url",
    line: 8,
    column: 3,
    message: ["required field is missing"],
    hint: "http://, https:// or file://",
  }],
  ["oci:// charts are not supported (G7)", edit(HELM, [8, "  url: oci://ghcr.io/charts/cert-manager"]), {
    path: "helmSource.url",
    line: 8,
    column: 8,
    message: ['invalid chart URL "oci://ghcr.io/charts/cert-manager"', "oci:// scheme is not supported"],
    hint: "http://, https:// or file://",
  }],
  ["rawSource.path required", edit(PREBUILT, [4, "rawSource: {}"], [5, null]), {
    path: "rawSource.path",
    line: 4,
    column: 12,
    message: ["required field is missing"],
    hint: "relative to the input file's directory",
  }],
  ["target clusters are cluster names", edit(HELM, [6, "  - Management"]), {
    path: "targetClusters[0]",
    line: 6,
    column: 5,
    message: ['invalid cluster name "Management"'],
    hint: "DNS-1123 label",
  }],
  ["duplicate target cluster", edit(HELM, [6, "  - management\n  - management"]), {
    path: "targetClusters[1]",
    line: 7,
    column: 5,
    message: ['duplicate target cluster "management"', "targetClusters[0]"],
    hint: "once",
  }],
  ["targetClusters must be a list", edit(HELM, [5, "targetClusters: management"], [6, null]), {
    path: "targetClusters",
    line: 5,
    column: 17,
    message: ['expected a list, got the string "management"'],
    hint: "a list",
  }],
];

for (const [label, text, want] of CASES) {
  Deno.test(`PackBuildInput rejects: ${label}`, () => {
    assertOneMatches(errorsOf(PackBuildInputSchema, text), want, label);
  });
}

Deno.test("PackBuildInput: both layer digests replace digest on the pre-built path", () => {
  const text = edit(PREBUILT, [4, `rbacDigest: ${DIGEST}\nworkloadDigest: ${DIGEST}`]);
  assertEquals(errorsOf(PackBuildInputSchema, text), []);
});

Deno.test("PackBuildInput: each category accepts its own source", () => {
  const base = "name: p\nversion: v1\nregistryUrl: r.example/p\n";
  assertEquals(errorsOf(PackBuildInputSchema, base + "category: raw\nrawSource: {path: ./m}\n"), []);
  assertEquals(
    errorsOf(PackBuildInputSchema, base + "category: kustomize\nkustomizeSource: {path: ./k}\n"),
    [],
  );
  assertEquals(
    errorsOf(PackBuildInputSchema, base + "category: helm\nhelmSource: {url: file:///c.tgz}\n"),
    [],
  );
});

Deno.test("PackBuildInput: warnings for ambiguous or ignored settings", () => {
  const several = warningsOf(PackBuildInputSchema, HELM + "rawSource:\n  path: ./m\n");
  assertEquals(several.map((w) => [w.path, w.line, w.column]), [["rawSource", 11, 3]]);
  assertEquals(
    several[0]!.message,
    "several source blocks are set (helmSource, rawSource); helmSource is used and the others are ignored",
  );

  const ignored = warningsOf(PackBuildInputSchema, HELM + `digest: ${DIGEST}\nvaluesFile: v.yaml\n`);
  assertEquals(ignored.map((w) => w.path), ["digest", "valuesFile"]);

  const creds = warningsOf(PackBuildInputSchema, HELM + "  registryCredentialsSecret: regcred\n");
  assertEquals(creds.map((w) => [w.path, w.message]), [[
    "helmSource.registryCredentialsSecret",
    "not implemented: the chart is fetched without credentials",
  ]]);
});
