import { assertEquals } from "../../shared/testing/asserts.ts";
import { ComponentDescriptorSchema, rbacProfileName } from "./component_descriptor.ts";
import { assertOneMatches, errorsOf, type Expected, warningsOf } from "./test_support.ts";

const BASE = "name: My Operator\nnamespace: seam-tenant-ccs-app\n";

Deno.test("ComponentDescriptor: name and namespace suffice; defaults are left to the compiler", () => {
  assertEquals(errorsOf(ComponentDescriptorSchema, BASE), []);
  assertEquals(warningsOf(ComponentDescriptorSchema, BASE), []);
  assertEquals(rbacProfileName("My Operator"), "rbac-my-operator");
});

Deno.test("ComponentDescriptor: principalRef may be a full ServiceAccount subject", () => {
  const text = BASE + "principalRef: system:serviceaccount:minio:minio\nrbacPolicyRef: cluster-policy\n";
  assertEquals(errorsOf(ComponentDescriptorSchema, text), []);
});

const CASES: [string, string, Expected][] = [
  ["name required", "namespace: ns\n", {
    path: "name",
    line: 1,
    column: 1,
    message: ["required field is missing"],
    hint: "my-operator",
  }],
  ["namespace required", "name: op\n", {
    path: "namespace",
    line: 1,
    column: 1,
    message: ["required field is missing"],
    hint: "DNS-1123 label",
  }],
  ["derived profile name must be valid", "name: my_operator\nnamespace: ns\n", {
    path: "name",
    line: 1,
    column: 7,
    message: ['invalid component name "my_operator"', '"rbac-my_operator"', "'_'"],
    hint: 'prefixed with "rbac-"',
  }],
  ["namespace syntax", "name: op\nnamespace: Seam\n", {
    path: "namespace",
    line: 2,
    column: 12,
    message: ['invalid namespace "Seam"'],
    hint: "DNS-1123 label",
  }],
  ["principalRef syntax", "name: op\nnamespace: ns\nprincipalRef: system:serviceaccount:ns\n", {
    path: "principalRef",
    line: 3,
    column: 15,
    message: ['invalid principal "system:serviceaccount:ns"'],
    hint: "system:serviceaccount:<namespace>:<name>",
  }],
  ["rbacPolicyRef syntax", "name: op\nnamespace: ns\nrbacPolicyRef: Default\n", {
    path: "rbacPolicyRef",
    line: 3,
    column: 16,
    message: ['invalid RBACPolicy name "Default"'],
    hint: "DNS-1123 subdomain",
  }],
];

for (const [label, text, want] of CASES) {
  Deno.test(`ComponentDescriptor rejects: ${label}`, () => {
    assertOneMatches(errorsOf(ComponentDescriptorSchema, text), want, label);
  });
}
