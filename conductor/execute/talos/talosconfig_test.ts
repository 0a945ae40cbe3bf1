import { assertEquals, assertThrows } from "../../../shared/testing/asserts.ts";
import {
  endpointHost,
  nodeTargets,
  normalizeKeyPem,
  parseTalosconfig,
  TalosconfigError,
  withDefaultPort,
} from "./talosconfig.ts";
import { applyModeFromString, callMetadata, nodeFailures } from "./client.ts";

const b64 = (s: string) => btoa(s);
const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
const CRT = "-----BEGIN CERTIFICATE-----\nQ1JU\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN ED25519 PRIVATE KEY-----\nS0VZ\n-----END ED25519 PRIVATE KEY-----\n";

/** The layout compiler/talos/talosconfig.ts writes (go-yaml, 4-space indent). */
function config(
  extra: string[] = [],
  endpoints = ["            - 10.0.0.1", "            - cp.example:6443"],
) {
  return [
    "context: prod",
    "contexts:",
    "    other:",
    "        endpoints: []",
    "    prod:",
    "        endpoints:",
    ...endpoints,
    ...extra,
    `        ca: ${b64(CA)}`,
    `        crt: ${b64(CRT)}`,
    `        key: ${b64(KEY)}`,
  ].join("\n") + "\n";
}

Deno.test("talosconfig: the current context, endpoints with port 50000, decoded PEMs", () => {
  const c = parseTalosconfig(config());
  assertEquals(c.name, "prod");
  assertEquals(c.endpoints, ["10.0.0.1:50000", "cp.example:6443"]);
  assertEquals(c.nodes, []);
  assertEquals(c.caPem, CA);
  assertEquals(c.certPem, CRT);
  // Talos' Ed25519 label is rewritten for TLS; the body is unchanged
  assertEquals(c.keyPem, "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n");
});

Deno.test("talosconfig: nodes, legacy target, unknown keys, clusterEndpoint", () => {
  const c = parseTalosconfig(
    config([
      "        nodes:",
      "            - 10.0.0.5",
      "        target: 10.0.0.7",
      "        clusterEndpoint: 10.0.0.100",
      "        somethingNew: 1",
    ]),
  );
  assertEquals(c.endpoints, ["10.0.0.1:50000", "cp.example:6443", "10.0.0.7:50000"]);
  assertEquals(c.nodes, ["10.0.0.5"]);
  assertEquals(c.clusterEndpoint, "10.0.0.100");
  assertEquals(nodeTargets(c), ["10.0.0.5"]);
});

Deno.test("talosconfig: node targets from endpoints minus the clusterEndpoint VIP", () => {
  const c = parseTalosconfig(
    config(["        clusterEndpoint: 10.0.0.100"], [
      "            - 10.0.0.100",
      "            - 10.0.0.1",
      "            - 10.0.0.2:50000",
    ]),
  );
  assertEquals(nodeTargets(c), ["10.0.0.1", "10.0.0.2"]);
  const only = parseTalosconfig(
    config(["        clusterEndpoint: 10.0.0.100"], ["            - 10.0.0.100"]),
  );
  assertThrows(() => nodeTargets(only), TalosconfigError, "no node IPs remain");
});

Deno.test("talosconfig: errors name what is missing", () => {
  assertThrows(() => parseTalosconfig("contexts: {}\n"), TalosconfigError, "no current context");
  assertThrows(() => parseTalosconfig(config(), "missing"), TalosconfigError, `"missing" is not defined`);
  assertThrows(
    () => parseTalosconfig("context: a\ncontexts:\n  a:\n    endpoints: []\n"),
    TalosconfigError,
    "no ca",
  );
  assertThrows(
    () => parseTalosconfig(`context: a\ncontexts:\n  a:\n    ca: ${b64("hello")}\n`),
    TalosconfigError,
    "ca is not a PEM",
  );
  assertThrows(() => parseTalosconfig("context: [\n"), TalosconfigError, "not YAML");
  assertThrows(
    () => parseTalosconfig(config(["        nodes: 3"])),
    TalosconfigError,
    "nodes must be a list",
  );
});

Deno.test("endpoints: default port, IPv6 brackets, host extraction", () => {
  assertEquals(withDefaultPort("10.0.0.1"), "10.0.0.1:50000");
  assertEquals(withDefaultPort("host:1234"), "host:1234");
  assertEquals(withDefaultPort("fd00::1"), "[fd00::1]:50000");
  assertEquals(withDefaultPort("[fd00::1]:4"), "[fd00::1]:4");
  assertEquals(endpointHost("[fd00::1]:4"), "fd00::1");
  assertEquals(endpointHost("10.0.0.1:50000"), "10.0.0.1");
  assertEquals(normalizeKeyPem("-----BEGIN EC PRIVATE KEY-----\nx\n"), "-----BEGIN EC PRIVATE KEY-----\nx\n");
});

Deno.test("call metadata: node (one-to-one) wins over nodes; nodes multi-valued; none by default", () => {
  assertEquals(callMetadata().getMap(), {});
  assertEquals(callMetadata({ node: "10.0.0.2", nodes: ["a"] }).get("node"), ["10.0.0.2"]);
  assertEquals(callMetadata({ node: "10.0.0.2", nodes: ["a"] }).get("nodes"), []);
  assertEquals(callMetadata({ nodes: ["10.0.0.2", "10.0.0.3"] }).get("nodes"), ["10.0.0.2", "10.0.0.3"]);
  assertEquals(callMetadata({ nodes: [] }).getMap(), {});
});

Deno.test("reply filtering: metadata.error entries are per-node failures, status preferred", () => {
  assertEquals(
    nodeFailures([
      { metadata: { hostname: "a", error: "" } },
      { metadata: { hostname: "b", error: "rpc error", status: { code: 12, message: "only CP" } } },
      { metadata: { hostname: "c", error: "boom" } },
      {},
    ]),
    [{ hostname: "b", message: "only CP", code: 12 }, { hostname: "c", message: "boom" }],
  );
});

Deno.test("apply mode strings map case-insensitively (conductor.md §10.0.4)", () => {
  assertEquals(["reboot", "AUTO", "No-Reboot", "staged"].map(applyModeFromString), [
    "REBOOT",
    "AUTO",
    "NO_REBOOT",
    "STAGED",
  ]);
  assertThrows(() => applyModeFromString("try"), Error, "unknown apply mode");
});
