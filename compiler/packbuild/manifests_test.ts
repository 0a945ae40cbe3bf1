/** Conformance §11.8 (SP-1…SP-13) and the D-P2/D-P4 fixes. */
import { assert, assertEquals, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { InputError } from "../../shared/errors.ts";
import {
  checksumOf,
  duplicateObjects,
  layerText,
  type Manifest,
  namespaceText,
  parseManifests,
  splitDocuments,
  splitThree,
  splitTwo,
  withHelmNamespace,
} from "./manifests.ts";

function doc(kind: string, name: string, ns?: string, extra = ""): string {
  return `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${
    ns ? `  namespace: ${ns}\n` : ""
  }${extra}`;
}
const stream = (...docs: string[]) => docs.map((d) => `---\n${d}`).join("");
const kinds = (ms: readonly Manifest[]) => ms.map((m) => m.kind);

const NGINX = stream(
  doc("ServiceAccount", "ingress-nginx", "ingress-nginx"),
  doc("ClusterRole", "ingress-nginx"),
  doc("ClusterRoleBinding", "ingress-nginx"),
  doc("Deployment", "ingress-nginx-controller", "ingress-nginx"),
  doc("Service", "ingress-nginx-controller", "ingress-nginx"),
);
const CM = stream(
  doc("CustomResourceDefinition", "certificates.cert-manager.io"),
  doc("MutatingWebhookConfiguration", "cert-manager-webhook"),
  doc("Deployment", "cert-manager", "cert-manager"),
  doc("ClusterRole", "cert-manager-controller"),
  doc("ServiceAccount", "cert-manager", "cert-manager"),
);
const HOOK = doc("Job", "hook", "x", "  annotations:\n    helm.sh/hook: post-install,post-upgrade\n");

Deno.test("SP-1/SP-2/SP-3/SP-11: NGINX splits RBAC 3, workload = injected Namespace + 2, no cluster-scoped", () => {
  const ms = parseManifests(NGINX, "t");
  const two = splitTwo(ms);
  assertEquals(kinds(two.rbac), ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"]);
  assertEquals(kinds(two.workload), ["Namespace", "Deployment", "Service"]);
  const three = splitThree(ms);
  assertEquals(three.workload[0], {
    kind: "Namespace",
    name: "ingress-nginx",
    namespace: "",
    text: namespaceText("ingress-nginx"),
    synthetic: true,
  });
  assertEquals(three.clusterScoped, []);
});

Deno.test("SP-4: an explicit Namespace is not injected again", () => {
  const b = splitThree(parseManifests(
    stream(
      doc("Namespace", "ingress-nginx"),
      doc("ServiceAccount", "sa", "ingress-nginx"),
      doc("Deployment", "d", "ingress-nginx"),
    ),
    "t",
  ));
  assertEquals(b.workload.filter((m) => m.kind === "Namespace").length, 1);
});

Deno.test("SP-5/SP-6: workload only; all five RBAC kinds", () => {
  const w = splitThree(parseManifests(stream(doc("Deployment", "d"), doc("Service", "s")), "t"));
  assertEquals([w.rbac.length, w.workload.length], [0, 2]);
  const r = splitThree(parseManifests(
    stream(
      ...["ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].map((k) =>
        doc(k, "x")
      ),
    ),
    "t",
  ));
  assertEquals([r.rbac.length, r.workload.length], [5, 0]);
});

Deno.test("SP-7: splitting twice leaves the input list unchanged", () => {
  const ms = parseManifests(NGINX, "t");
  const copy = structuredClone(ms);
  splitThree(ms);
  splitTwo(ms);
  assertEquals(ms, copy);
});

Deno.test("SP-8: blank documents are skipped", () => {
  assertEquals(
    parseManifests(`${doc("ServiceAccount", "a")}---\n\n---\n${doc("Deployment", "d")}`, "t").length,
    2,
  );
});

Deno.test("SP-9/SP-12: CM in three buckets and in the legacy two", () => {
  const ms = parseManifests(CM, "t");
  const b = splitThree(ms);
  assertEquals(kinds(b.clusterScoped), ["CustomResourceDefinition", "MutatingWebhookConfiguration"]);
  assertEquals(kinds(b.rbac), ["ClusterRole", "ServiceAccount"]);
  assertEquals(b.workload.filter((m) => m.kind === "Deployment").length, 1);
  const two = splitTwo(ms);
  assert(kinds(two.workload).includes("CustomResourceDefinition"));
  assert(kinds(two.workload).includes("MutatingWebhookConfiguration"));
  assert(kinds(two.rbac).includes("ClusterRole"));
});

Deno.test("SP-10: the eight cluster-scoped kinds", () => {
  const eight = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "CustomResourceDefinition",
    "APIService",
    "PriorityClass",
    "StorageClass",
    "IngressClass",
    "ClusterIssuer",
  ];
  const b = splitThree(parseManifests(stream(...eight.map((k) => doc(k, "x"))), "t"));
  assertEquals([b.rbac.length, b.clusterScoped.length, b.workload.length], [0, 8, 0]);
});

Deno.test("SP-13: Helm hooks are dropped, plain Jobs kept", () => {
  assertEquals(parseManifests(HOOK, "t").length, 0);
  assertEquals(parseManifests(CM + `---\n${HOOK}`, "t").length, 5);
  assertEquals(kinds(parseManifests(doc("Job", "j"), "t")), ["Job"]);
  assertEquals(kinds(parseManifests(stream(HOOK, HOOK, doc("Deployment", "d")), "t")), ["Deployment"]);
});

Deno.test("D-P2: comment-only documents are dropped; a leading separator leaves no empty document", () => {
  const ms = parseManifests(
    "---\n# just a comment\n---\n# Source: x.yaml\n" + doc("ConfigMap", "c") + "--- # trailing\n",
    "t",
  );
  assertEquals(kinds(ms), ["ConfigMap"]);
  assertEquals(ms[0]!.text, "# Source: x.yaml\n" + doc("ConfigMap", "c").trimEnd());
  assertEquals(splitDocuments("---\n---\n"), []);
  // `---` inside a block scalar is only a separator at the start of a line.
  assertEquals(splitDocuments("a: |\n  ---\n  b\n").length, 1);
  assertEquals(splitDocuments("a: 1\r\n---\r\nb: 2\r\n"), ["a: 1", "b: 2"]);
});

Deno.test("invalid YAML fails the build naming the document", () => {
  try {
    parseManifests(stream(doc("ConfigMap", "ok"), "kind: Bad\nmetadata: [unclosed\n"), "dir x");
    throw new Error("accepted");
  } catch (err) {
    assert(err instanceof InputError);
    assertStringIncludes(err.message, "parse manifest: document 2 of dir x");
  }
});

Deno.test("D-P4: the helm namespace is prepended only when missing", () => {
  const b = splitThree(parseManifests(stream(doc("Deployment", "d", "apps")), "t"));
  assertEquals(kinds(withHelmNamespace(b).workload), ["Namespace", "Deployment"]);
  const twice = withHelmNamespace(withHelmNamespace(b));
  assertEquals(kinds(twice.workload), ["Namespace", "Deployment"]);
  const none = splitThree(parseManifests(doc("ConfigMap", "c"), "t"));
  assertEquals(withHelmNamespace(none), none);
});

Deno.test("layer text and checksum", () => {
  const b = splitThree(parseManifests(NGINX, "t"));
  const rbac = layerText(b.rbac);
  assert(rbac.startsWith("---\napiVersion: v1\nkind: ServiceAccount\n"));
  assertEquals(rbac.split("---\n").length - 1, 3);
  assertEquals(layerText([]), "");
  assertEquals(
    checksumOf({ rbac: "", clusterScoped: "", workload: "" }),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

Deno.test("duplicate objects are named once each; nameless documents are not compared", () => {
  const ms = parseManifests(
    stream(
      doc("ConfigMap", "a", "x"),
      doc("ConfigMap", "a", "x"),
      doc("ConfigMap", "a", "y"),
      doc("ConfigMap", "a", "x"),
      "kind: Foo\n",
      "kind: Foo\n",
    ),
    "t",
  );
  assertEquals(duplicateObjects(ms), ["ConfigMap x/a"]);
});
