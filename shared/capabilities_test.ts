import { assert, assertEquals } from "./testing/asserts.ts";
import {
  ALL_CAPABILITIES,
  Capability,
  CAPABILITY_INFO,
  capabilityEntry,
  capabilityInfo,
  checkStepParameters,
  DECLARED_CAPABILITIES,
  EXECUTE_CAPABILITIES,
  isCapabilityName,
} from "./capabilities.ts";

// conductor.md §11.1 (L-7): exact values, 20 upstream constants, plus api.md U5's four.
const UPSTREAM_20 = [
  "bootstrap",
  "talos-upgrade",
  "kube-upgrade",
  "stack-upgrade",
  "node-patch",
  "node-scale-up",
  "node-decommission",
  "node-reboot",
  "etcd-backup",
  "etcd-defrag",
  "etcd-restore",
  "pki-rotate",
  "credential-rotate",
  "hardening-apply",
  "cluster-reset",
  "machineconfig-backup",
  "machineconfig-restore",
  "pack-compile",
  "pack-deploy",
  "rbac-provision",
];

Deno.test("constants: exact values, non-empty, unique (L-7)", () => {
  const values = Object.values(Capability);
  assertEquals(values.length, 24);
  assertEquals(new Set(values).size, 24);
  for (const v of values) assert(v.length > 0);
  for (const v of UPSTREAM_20) assert(values.includes(v as never), `missing ${v}`);
  assertEquals(Capability.PKIRotate, "pki-rotate");
  assertEquals(Capability.RBACProvision, "rbac-provision");
  assertEquals(Capability.MachineConfigRestore, "machineconfig-restore");
});

Deno.test("19 registered, pack-compile compile-only, four declared (§10.0.1, api.md U5)", () => {
  assertEquals(EXECUTE_CAPABILITIES.length, 19);
  assert(!EXECUTE_CAPABILITIES.includes("pack-compile"));
  assertEquals(CAPABILITY_INFO["pack-compile"].status, "compile-only");
  assertEquals(CAPABILITY_INFO["pack-compile"].mode, "compile");
  assertEquals([...DECLARED_CAPABILITIES], [
    "machineconfig-rotation",
    "machineconfig-sync",
    "node-drain",
    "node-rollback",
  ]);
  for (const n of DECLARED_CAPABILITIES) assertEquals(CAPABILITY_INFO[n].version, "0.0.0");
  assertEquals(ALL_CAPABILITIES.length, 24);
  assertEquals([...ALL_CAPABILITIES], [...ALL_CAPABILITIES].sort());
});

Deno.test("Talos, path and mounts follow the §10.0.6 table", () => {
  const talos = ALL_CAPABILITIES.filter((n) => CAPABILITY_INFO[n].needsTalos);
  assertEquals(talos, [
    "bootstrap",
    "cluster-reset",
    "etcd-backup",
    "etcd-defrag",
    "etcd-restore",
    "hardening-apply",
    "kube-upgrade",
    "machineconfig-backup",
    "machineconfig-restore",
    "machineconfig-rotation",
    "machineconfig-sync",
    "node-decommission",
    "node-patch",
    "node-reboot",
    "node-rollback",
    "pki-rotate",
    "stack-upgrade",
    "talos-upgrade",
  ]);
  for (const n of talos) assert(CAPABILITY_INFO[n].mounts.includes("talosconfig"), n);
  assertEquals(CAPABILITY_INFO["pack-deploy"].path, "pack");
  assertEquals(CAPABILITY_INFO["pack-deploy"].mounts, ["kubeconfig"]);
  assertEquals(CAPABILITY_INFO["etcd-backup"].path, "day-2");
  assertEquals(CAPABILITY_INFO["etcd-backup"].mounts, ["talosconfig", "s3Env"]);
  assertEquals(CAPABILITY_INFO["rbac-provision"].path, "rbac");
  assertEquals(CAPABILITY_INFO["etcd-defrag"].drivingKind, null);
  assertEquals(CAPABILITY_INFO["hardening-apply"].drivingKind, "NodeMaintenance");
});

Deno.test("lookup: case-sensitive, unknown names are not capabilities", () => {
  assert(isCapabilityName("bootstrap"));
  assert(!isCapabilityName("Bootstrap"));
  assert(!isCapabilityName("toString"));
  assertEquals(capabilityInfo("nope"), undefined);
  assertEquals(capabilityInfo("etcd-defrag")?.owner, "platform");
});

Deno.test("parameters: every capability lists sorted ParameterDefs; schemas accept defaults", () => {
  for (const n of ALL_CAPABILITIES) {
    const info = CAPABILITY_INFO[n];
    const keys = Object.keys(info.parameters);
    assertEquals(keys, [...keys].sort(), n);
    assertEquals(info.parameterSchema.safeParse({}).success, n !== "pack-deploy", n);
  }
  assertEquals(Object.keys(CAPABILITY_INFO["pack-compile"].parameters), []);
  assertEquals(CAPABILITY_INFO["etcd-backup"].parameters.s3SecretRef?.type, "secretRef");
  assertEquals(CAPABILITY_INFO["bootstrap"].parameters.cluster?.type, "string");
  assertEquals(CAPABILITY_INFO["pack-deploy"].parameters.operationResultCM?.required, true);
  assertEquals(CAPABILITY_INFO["talos-upgrade"].parameters.timeoutSeconds?.default, "3600");
});

Deno.test("checkStepParameters reports typed problems and lets unknown keys through", () => {
  assertEquals(checkStepParameters("etcd-backup", { s3SecretRef: "etcd-s3-env", extra: "x" }), []);
  assertEquals(checkStepParameters("etcd-backup", { timeoutSeconds: "ten", s3SecretRef: "Bad_Name" }), [
    { path: "s3SecretRef", message: "s3SecretRef must be a Secret name (RFC 1123 subdomain)" },
    { path: "timeoutSeconds", message: "timeoutSeconds must be a non-negative whole number" },
  ]);
  assertEquals(checkStepParameters("pack-deploy", {}), [{
    path: "operationResultCM",
    message: "operationResultCM is required",
  }]);
  assertEquals(
    checkStepParameters("pack-deploy", { operationResultCM: "" })[0]?.message,
    "operationResultCM must not be empty",
  );
  assertEquals(checkStepParameters("frobnicate", {}), [{
    path: "capability",
    message: 'unknown capability "frobnicate"',
  }]);
});

Deno.test("capabilityEntry: manifest shape (§11.2), schema only on request", () => {
  assertEquals(capabilityEntry("bootstrap", "v1.9.3-r1").name, "bootstrap");
  assertEquals(capabilityEntry("bootstrap", "v1.9.3-r1").version, "v1.9.3-r1");
  assertEquals(capabilityEntry("bootstrap", "dev").parameterSchema, undefined);
  const e = capabilityEntry("etcd-defrag", "dev", { includeParameters: true });
  assertEquals(Object.keys(e.parameterSchema ?? {}), Object.keys(CAPABILITY_INFO["etcd-defrag"].parameters));
  // A copy: mutating the entry never changes the table.
  e.parameterSchema!.timeoutSeconds!.default = "1";
  assertEquals(CAPABILITY_INFO["etcd-defrag"].parameters.timeoutSeconds?.default, "3600");
});
