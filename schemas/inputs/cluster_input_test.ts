import { assertEquals } from "../../shared/testing/asserts.ts";
import { ClusterInputSchema } from "./cluster_input.ts";
import { assertOneMatches, errorsOf, type Expected, warningsOf } from "./test_support.ts";

/** A valid tenant bootstrap; the cases below edit it line by line. */
const BASE = `name: ccs-app
mode: bootstrap
role: tenant
bootstrap:
  controlPlaneEndpoint: "https://10.20.2.10:6443"
  talosVersion: v1.9.3
  nodes:
    - hostname: cp1
      ip: 10.20.2.2
      role: init
    - hostname: w1
      ip: 10.20.2.5
      role: worker
`;

/** BASE with line `n` (1-based) replaced by `text` (several lines allowed; `null` deletes it). */
function edit(...changes: [number, string | null][]): string {
  const lines = BASE.trimEnd().split("\n") as (string | null)[];
  for (const [n, text] of changes) lines[n - 1] = text;
  return lines.filter((l) => l !== null).join("\n") + "\n";
}

function plus(extra: string): string {
  return BASE + extra;
}

Deno.test("ClusterInput: the base document validates without warnings", () => {
  assertEquals(errorsOf(ClusterInputSchema, BASE), []);
  assertEquals(warningsOf(ClusterInputSchema, BASE), []);
});

const CASES: [string, string, Expected][] = [
  ["node role enum", edit([13, "      role: master"]), {
    path: "bootstrap.nodes[1].role",
    line: 13,
    column: 13,
    message: ['invalid node role "master"'],
    hint: "expected one of: init, controlplane, worker",
  }],
  ["mode enum (D6)", edit([2, "mode: create"]), {
    path: "mode",
    line: 2,
    column: 7,
    message: ['invalid mode "create"'],
    hint: "expected one of: bootstrap, import",
  }],
  ["role enum checked on every mode (D-B3)", edit([3, "role: worker"]), {
    path: "role",
    line: 3,
    column: 7,
    message: ['invalid cluster role "worker"'],
    hint: "expected one of: management, tenant",
  }],
  ["mode missing", edit([2, null]), {
    path: "mode",
    line: 1,
    column: 1,
    message: ["required field is missing"],
    hint: "expected one of: bootstrap, import",
  }],
  ["bootstrapping a management cluster is refused (§3.3 item 6)", edit([3, null]), {
    path: "mode",
    line: 2,
    column: 7,
    message: ["management cluster cannot be bootstrapped", "mode=import"],
    hint: "role: tenant",
  }],
  ["explicit role management with mode bootstrap", edit([3, "role: management"]), {
    path: "role",
    line: 3,
    column: 7,
    message: ['role "management"', "mode=import"],
    hint: "mode: import",
  }],
  ["cluster name must be a DNS-1123 label", edit([1, "name: Ccs_App"]), {
    path: "name",
    line: 1,
    column: 7,
    message: ['invalid cluster name "Ccs_App"', "upper-case letter 'C'"],
    hint: "DNS-1123 label",
  }],
  ["cluster name leaves room for seam-tenant-", edit([1, `name: ${"a".repeat(52)}`]), {
    path: "name",
    line: 1,
    column: 7,
    message: ["52 characters long", "at most 51"],
    hint: "seam-tenant-<name>",
  }],
  ["namespace must be a DNS-1123 label", edit([1, "name: ccs-app\nnamespace: seam.tenant"]), {
    path: "namespace",
    line: 2,
    column: 12,
    message: ['invalid namespace "seam.tenant"', "'.'"],
    hint: "DNS-1123 label",
  }],
  ["node IP syntax", edit([9, "      ip: 10.20.2.300"]), {
    path: "bootstrap.nodes[0].ip",
    line: 9,
    column: 11,
    message: ['invalid IP address "10.20.2.300"'],
    hint: "IPv4 or IPv6",
  }],
  ["node IP with prefix length", edit([9, "      ip: 10.20.2.2/24"]), {
    path: "bootstrap.nodes[0].ip",
    line: 9,
    column: 11,
    message: ['"10.20.2.2/24"', "prefix length"],
    hint: "without prefix length",
  }],
  ["IPv6 node IPs are accepted, but not malformed ones", edit([9, '      ip: "fd00::2::1"']), {
    path: "bootstrap.nodes[0].ip",
    line: 9,
    column: 11,
    message: ['"fd00::2::1"'],
    hint: "IPv4 or IPv6",
  }],
  ["node IP missing", edit([12, null]), {
    path: "bootstrap.nodes[1].ip",
    line: 11,
    column: 7,
    message: ["required field is missing"],
    hint: "IPv4 or IPv6",
  }],
  ["hostname must be a DNS-1123 subdomain", edit([11, "    - hostname: W1"]), {
    path: "bootstrap.nodes[1].hostname",
    line: 11,
    column: 17,
    message: ['invalid hostname "W1"', "upper-case"],
    hint: "DNS-1123 subdomain",
  }],
  ["empty hostname", edit([11, '    - hostname: ""']), {
    path: "bootstrap.nodes[1].hostname",
    line: 11,
    column: 17,
    message: ['invalid hostname ""', "must not be empty"],
    hint: "DNS-1123 subdomain",
  }],
  ["duplicate hostname (D6)", edit([11, "    - hostname: cp1"]), {
    path: "bootstrap.nodes[1].hostname",
    line: 11,
    column: 17,
    message: ['duplicate hostname "cp1"', "bootstrap.nodes[0]"],
    hint: "unique",
  }],
  ["duplicate IP", edit([12, "      ip: 10.20.2.2"]), {
    path: "bootstrap.nodes[1].ip",
    line: 12,
    column: 11,
    message: ['duplicate IP address "10.20.2.2"', "bootstrap.nodes[0]"],
    hint: "unique",
  }],
  ["two init nodes", edit([13, "      role: init"]), {
    path: "bootstrap.nodes[1].role",
    line: 13,
    column: 13,
    message: ["exactly one node must have role init, found 2", 'nodes[0] "cp1", nodes[1] "w1"'],
    hint: "role: controlplane",
  }],
  ["no init node", edit([10, "      role: controlplane"]), {
    path: "bootstrap.nodes",
    line: 8,
    column: 5,
    message: ["exactly one node must have role init, found none"],
    hint: "role: init",
  }],
  [
    "empty node list",
    edit([7, "  nodes: []"], [8, null], [9, null], [10, null], [11, null], [12, null], [13, null]),
    {
      path: "bootstrap.nodes",
      line: 7,
      column: 10,
      message: ["at least one node is required"],
      hint: "exactly one role: init",
    },
  ],
  [
    "nodes of the wrong type",
    edit([7, "  nodes: cp1"], [8, null], [9, null], [10, null], [11, null], [12, null], [13, null]),
    {
      path: "bootstrap.nodes",
      line: 7,
      column: 10,
      message: ['expected a list, got the string "cp1"'],
      hint: "a list",
    },
  ],
  ["talosVersion missing", edit([6, null]), {
    path: "bootstrap.talosVersion",
    line: 5,
    column: 3,
    message: ["required field is missing"],
    hint: '"v1.9.3"',
  }],
  ["talosVersion syntax", edit([6, "  talosVersion: latest"]), {
    path: "bootstrap.talosVersion",
    line: 6,
    column: 17,
    message: ['invalid Talos version "latest"'],
    hint: "vMAJOR.MINOR.PATCH",
  }],
  ["talosVersion outside the supported contracts", edit([6, "  talosVersion: v1.8.2"]), {
    path: "bootstrap.talosVersion",
    line: 6,
    column: 17,
    message: ['Talos "v1.8.2" is not supported'],
    hint: "supported: v1.9, v1.10, v1.11, v1.12",
  }],
  ["kubernetesVersion without v", edit([6, "  talosVersion: v1.9.3\n  kubernetesVersion: v1.32.3"]), {
    path: "bootstrap.kubernetesVersion",
    line: 7,
    column: 22,
    message: ['invalid Kubernetes version "v1.32.3"', 'drop the leading "v"'],
    hint: '"1.32.3"',
  }],
  ["endpoint must be https", edit([5, '  controlPlaneEndpoint: "http://10.20.2.10:6443"']), {
    path: "bootstrap.controlPlaneEndpoint",
    line: 5,
    column: 25,
    message: ['"http://10.20.2.10:6443"', "scheme must be https"],
    hint: "https://<host>",
  }],
  ["endpoint without path", edit([5, '  controlPlaneEndpoint: "https://10.20.2.10:6443/"']), {
    path: "bootstrap.controlPlaneEndpoint",
    line: 5,
    column: 25,
    message: ["trailing slash"],
    hint: "no path",
  }],
  ["endpoint required when not derivable", edit([5, null]), {
    path: "bootstrap.controlPlaneEndpoint",
    line: 5,
    column: 3,
    message: ["required field is missing", "cannot be derived"],
    hint: "https://10.20.0.10:6443",
  }],
  ["installDisk is a device path", edit([6, "  talosVersion: v1.9.3\n  installDisk: sda"]), {
    path: "bootstrap.installDisk",
    line: 7,
    column: 16,
    message: ['invalid install disk "sda"'],
    hint: "/dev/sda",
  }],
  [
    "bootstrap section required",
    edit(
      [4, null],
      [5, null],
      [6, null],
      [7, null],
      [8, null],
      [9, null],
      [10, null],
      [11, null],
      [12, null],
      [13, null],
    ),
    {
      path: "bootstrap",
      line: 1,
      column: 1,
      message: ["required section is missing"],
      hint: "talosVersion and nodes",
    },
  ],
  ["mode import needs importExistingCluster (D-B4)", edit([2, "mode: import"]), {
    path: "mode",
    line: 2,
    column: 7,
    message: ['mode is "import" but importExistingCluster is not set'],
    hint: "importExistingCluster: true",
  }],
  ["mode import with importExistingCluster false", edit([2, "mode: import\nimportExistingCluster: false"]), {
    path: "importExistingCluster",
    line: 3,
    column: 24,
    message: ["importExistingCluster is false"],
    hint: "importExistingCluster: true",
  }],
  ["mode bootstrap with importExistingCluster true", plus("importExistingCluster: true\n"), {
    path: "importExistingCluster",
    line: 14,
    column: 24,
    message: ['importExistingCluster is true but mode is "bootstrap"'],
    hint: "mode: import",
  }],
  ["booleans are YAML 1.2 booleans", plus('ciliumPrerequisites: "yes"\n'), {
    path: "ciliumPrerequisites",
    line: 14,
    column: 22,
    message: ['expected true or false, got the string "yes"'],
    hint: "true or false",
  }],
  [
    "Path A needs the init node's machine config",
    edit(
      [2, "mode: import\nimportExistingCluster: true"],
    ) + "machineConfigPaths:\n  w1: ./w1.yaml\n",
    {
      path: "machineConfigPaths",
      line: 16,
      column: 3,
      message: ['no entry for the init node "cp1"'],
      hint: "cp1: <path",
    },
  ],
  ["capi.enabled needs a control plane (D6)", plus("capi:\n  enabled: true\n"), {
    path: "capi.controlPlane",
    line: 15,
    column: 3,
    message: ["required when capi.enabled is true"],
    hint: "replicas",
  }],
  [
    "capi replica counts are whole numbers",
    plus("capi:\n  enabled: true\n  controlPlane:\n    replicas: 2.5\n"),
    {
      path: "capi.controlPlane.replicas",
      line: 17,
      column: 15,
      message: ["invalid replica count 2.5"],
      hint: "whole number",
    },
  ],
  [
    "registry mirror endpoint scheme",
    plus("registryMirrors:\n  - registry: docker.io\n    endpoints: [ftp://m:21]\n"),
    {
      path: "registryMirrors[0].endpoints[0]",
      line: 16,
      column: 17,
      message: ['invalid mirror endpoint "ftp://m:21"', "ftp://"],
      hint: "http:// or https://",
    },
  ],
  [
    "registry mirror needs registry (upstream docs wrote host:)",
    plus(
      "registryMirrors:\n  - host: docker.io\n    endpoints: [http://m:5000]\n",
    ),
    {
      path: "registryMirrors[0].registry",
      line: 15,
      column: 5,
      message: ["required field is missing"],
      hint: "docker.io",
    },
  ],
  [
    "duplicate registry mirror",
    plus(
      "registryMirrors:\n  - registry: docker.io\n    endpoints: [http://a]\n  - registry: docker.io\n    endpoints: [http://b]\n",
    ),
    {
      path: "registryMirrors[1].registry",
      line: 17,
      column: 15,
      message: ['duplicate registry mirror "docker.io"', "registryMirrors[0]"],
      hint: "unique",
    },
  ],
  ["patches must be YAML mappings", plus('patches:\n  - "- a\\n- b"\n'), {
    path: "patches[0]",
    line: 15,
    column: 5,
    message: ["patch must be a YAML mapping, got a list"],
    hint: "YAML mapping",
  }],
  ["patches must parse", plus('patches:\n  - "machine: [1"\n'), {
    path: "patches[0]",
    line: 15,
    column: 5,
    message: ["patch is not valid YAML"],
    hint: "YAML mapping",
  }],
  ["an empty document", "# nothing here\n", {
    path: undefined,
    line: 1,
    column: 1,
    message: ["expected a mapping, got an empty value (null)"],
    hint: "name, mode and bootstrap",
  }],
];

for (const [label, text, want] of CASES) {
  Deno.test(`ClusterInput rejects: ${label}`, () => {
    assertOneMatches(errorsOf(ClusterInputSchema, text), want, label);
  });
}

Deno.test("ClusterInput: talosconfig-only import needs no bootstrap section (§3.4 Path C)", () => {
  const text = "name: ccs-dev\nmode: import\nrole: tenant\nimportExistingCluster: true\n";
  assertEquals(errorsOf(ClusterInputSchema, text), []);
  assertEquals(errorsOf(ClusterInputSchema, text + "bootstrap:\n  nodes: []\n"), []);
});

Deno.test("ClusterInput: endpoint may be derived from the init node's machine config", () => {
  const text = edit([2, "mode: import\nimportExistingCluster: true"], [5, null]) +
    "machineConfigPaths:\n  cp1: ./cp1.yaml\n";
  assertEquals(errorsOf(ClusterInputSchema, text), []);
});

Deno.test("ClusterInput: IPv6 addresses are accepted", () => {
  assertEquals(errorsOf(ClusterInputSchema, edit([9, '      ip: "fd00:10:20::2"'])), []);
});

Deno.test("ClusterInput: warnings for ignored settings", () => {
  const mcp = warningsOf(
    ClusterInputSchema,
    edit([2, "mode: import\nimportExistingCluster: true"]) +
      "machineConfigPaths:\n  cp1: a.yaml\n  cp9: b.yaml\n",
  );
  assertEquals(mcp.map((w) => [w.path, w.line, w.column]), [["machineConfigPaths.cp9", 17, 8]]);
  assertEquals(
    mcp[0]!.message,
    '"cp9" is not the hostname of any node in bootstrap.nodes; the entry is ignored',
  );

  const capi = warningsOf(ClusterInputSchema, plus("capi:\n  enabled: false\n  talosVersion: v1.9.3\n"));
  assertEquals(capi.map((w) => [w.path, w.line]), [["capi.talosVersion", 16]]);
});
