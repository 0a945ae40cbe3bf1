/** Conformance cases of compiler.md §11.6 (EN-1…EN-32) plus the port's fixes (§12.3, C-D6). */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../shared/testing/asserts.ts";
import { parseYamlStream } from "../../shared/yaml_io.ts";
import { allCrds, apiVersionOf, GROUP_GUARDIAN, GROUP_SEAM } from "../../schemas/mod.ts";
import { runCompilerCli } from "../cli.ts";
import { buildEnableBundle, type EnableRequest, runEnable } from "./enable.ts";
import { firstPemBlock, generateSigningKey, keyAlgorithmOf } from "./signing_key.ts";
import { decryptSopsFile, parseAgeIdentities, recipientOf } from "../sops/mod.ts";

const AGE_ID = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
const AGE_IDENTITIES = parseAgeIdentities(AGE_ID);
const AGE_RECIPIENT = await recipientOf(AGE_IDENTITIES[0]!);

// deno-lint-ignore no-explicit-any
type Any = any;

async function bundle(req: Partial<EnableRequest> = {}, files: Record<string, string> = {}) {
  const io = {
    readTextFile: (p: string) => {
      if (p in files) return Promise.resolve(files[p]!);
      return Promise.reject(new Deno.errors.NotFound(p));
    },
  };
  return (await buildEnableBundle({ output: "out", ...req }, io)).files;
}

function docs(text: string): Any[] {
  return parseYamlStream(text, "x").map((d) => d.value).filter((v) => v !== null);
}

function get(files: Map<string, string>, path: string): string {
  const t = files.get(path);
  assert(t !== undefined, `missing ${path}; have ${[...files.keys()].join(", ")}`);
  return t;
}

const OPS = ["guardian", "platform", "dispatcher", "seam", "conductor"];
const MGMT_FILES: Record<string, string[]> = {
  "00-infrastructure-dependencies": ["namespaces.yaml", "prerequisites.yaml"],
  "00a-namespaces": ["namespaces.yaml"],
  "01-guardian-bootstrap": [
    "namespace-labels.yaml",
    "guardian-crds.yaml",
    "guardian-rbac.yaml",
    "guardian-permissionsets.yaml",
    "guardian-rbacpolicy.yaml",
    "guardian-rbacprofiles.yaml",
    "seam-memberships.yaml",
  ],
  "02-guardian-deploy": [
    "guardian-webhook-cert.yaml",
    "guardian-service.yaml",
    "guardian-deployment.yaml",
    "guardian-metrics-service.yaml",
    "guardian-rbac-webhook.yaml",
    "guardian-lineage-webhook.yaml",
  ],
  "03-platform-wrapper": [
    "platform-wrapper-crds.yaml",
    "platform-wrapper-rbac.yaml",
    "platform-wrapper-rbacprofiles.yaml",
    "platform-executor-role.yaml",
    "platform-wrapper-webhook-certs.yaml",
    "platform-wrapper-deployments.yaml",
    "platform-wrapper-metrics-services.yaml",
  ],
  "04-conductor": [
    "conductor-rbac.yaml",
    "conductor-rbacprofile.yaml",
    "conductor-signing-key.yaml",
    "conductor-deployment.yaml",
    "conductor-metrics-service.yaml",
  ],
  "05-post-bootstrap": ["dsns-zone-configmap.yaml", "dsns-loadbalancer.yaml", "leaderelection.yaml"],
};

function metaOf(files: Map<string, string>, dir: string): Any {
  return docs(get(files, `${dir}/phase-meta.yaml`))[0];
}

Deno.test("EN-1/EN-4/EN-18: every phase and file of §5.3, each with phase-meta.yaml, in applyOrder", async () => {
  const files = await bundle();
  const dirs = [...new Set([...files.keys()].map((k) => k.split("/")[0]!))];
  assertEquals(dirs, Object.keys(MGMT_FILES));
  assertEquals([...dirs].sort(), dirs);
  for (const [dir, names] of Object.entries(MGMT_FILES)) {
    const m = metaOf(files, dir);
    assertEquals(m.data.applyOrder.split(","), names, dir);
    for (const n of names) get(files, `${dir}/${n}`);
    assertEquals(m.kind, "ConfigMap");
    assertEquals(m.metadata.namespace, "seam-system");
    assertEquals(m.metadata.name, `seam-phase-${m.data.phase}-meta`);
    assertEquals(m.metadata.labels["seam.ontai.dev/phase-order"], m.data.order);
  }
  assertEquals(
    get(files, "05-post-bootstrap/coredns-deployment-patch.yaml").includes("kind: Deployment"),
    true,
  );
  const m0 = metaOf(files, "00-infrastructure-dependencies");
  assertEquals([m0.data.phase, m0.data.order], ["infrastructure-dependencies", "0"]);
  assertStringIncludes(m0.data.applyOrder, "prerequisites.yaml");
});

Deno.test("EN-2: conductor Deployment carries role and cluster ref (env, label, annotations), no --cluster-ref", async () => {
  const files = await bundle({ clusterName: "ccs-mgmt", version: "v1.9.3-r1" });
  const t = get(files, "04-conductor/conductor-deployment.yaml");
  for (
    const s of [
      "CONDUCTOR_ROLE",
      "CLUSTER_REF",
      "platform.ontai.dev/role",
      "platform.ontai.dev/cluster-ref",
      "management",
      "ccs-mgmt",
    ]
  ) {
    assertStringIncludes(t, s);
  }
  assert(!t.includes("--cluster-ref"));
  const d = docs(t)[0];
  const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: Any) => [e.name, e.value]));
  assertEquals(env.CONDUCTOR_ROLE, "management");
  assertEquals(env.CLUSTER_REF, "ccs-mgmt");
  assertEquals(d.metadata.labels["ontai.dev/conductor-role"], "management");
  assertEquals(d.spec.template.metadata.annotations["platform.ontai.dev/role"], "management");
  assertEquals(d.spec.template.spec.containers[0].args, ["agent"]);
});

Deno.test("EN-3: namespaces.yaml labels, no seam-tenant without a cluster name; phase-meta gate", async () => {
  const files = await bundle();
  for (const dir of ["00-infrastructure-dependencies", "00a-namespaces"]) {
    const t = get(files, `${dir}/namespaces.yaml`);
    for (
      const s of [
        "name: seam-system",
        "name: ont-system",
        "exempt",
        "governed",
        "pod-security.kubernetes.io/enforce: restricted",
        "pod-security.kubernetes.io/warn: restricted",
      ]
    ) {
      assertStringIncludes(t, s);
    }
    assert(!t.includes("seam-tenant"), "no seam-tenant text");
  }
  const gate = metaOf(files, "00a-namespaces").data.readinessGate;
  assertStringIncludes(gate, "namespaces");
  assertStringIncludes(gate, "guardian-bootstrap");
  const named = await bundle({ clusterName: "ccs-dev" });
  const ns = docs(get(named, "00a-namespaces/namespaces.yaml"));
  assertEquals(ns.map((n) => n.metadata.name), ["seam-system", "ont-system", "seam-tenant-ccs-dev"]);
  assertEquals(ns[2].metadata.labels["platform.ontai.dev/cluster"], "ccs-dev");
  assertEquals(ns[2].metadata.labels["ontai.dev/managed-by"], "platform");
});

Deno.test("EN-5/EN-6/EN-14/EN-25: Deployments, namespaces, version and registry", async () => {
  const files = await bundle({ version: "v1.9.3-r5" });
  const deps = [
    "02-guardian-deploy/guardian-deployment.yaml",
    "03-platform-wrapper/platform-wrapper-deployments.yaml",
    "04-conductor/conductor-deployment.yaml",
  ];
  const all = deps.flatMap((p) => docs(get(files, p)));
  assertEquals(all.map((d) => d.metadata.name).sort(), [...OPS].sort());
  for (const d of all) {
    assertEquals(d.metadata.namespace, d.metadata.name === "conductor" ? "ont-system" : "seam-system");
    assertEquals(d.spec.replicas, 2);
    assertEquals(
      d.spec.template.spec.containers[0].image,
      `10.20.0.1:5000/ontai-dev/${d.metadata.name}:v1.9.3-r5`,
    );
  }
  for (const p of deps) {
    assertStringIncludes(get(files, p), "v1.9.3-r5");
    assertStringIncludes(get(files, p), "10.20.0.1:5000/ontai-dev");
  }
  const other = await bundle({ registry: "registry.example.com/myproject" });
  for (const p of deps) {
    assertStringIncludes(get(other, p), "registry.example.com/myproject");
    assert(!get(other, p).includes("10.20.0.1:5000"));
  }
});

Deno.test("EN-7: only guardian has a ClusterRole; others get SAs and namespaced leader-election Roles", async () => {
  const files = await bundle();
  const g = get(files, "01-guardian-bootstrap/guardian-rbac.yaml");
  assertStringIncludes(g, "kind: ClusterRole\n");
  assertStringIncludes(g, "kind: ClusterRoleBinding");
  assertStringIncludes(g, "guardian-manager-role");
  for (const p of ["03-platform-wrapper/platform-wrapper-rbac.yaml", "04-conductor/conductor-rbac.yaml"]) {
    const t = get(files, p);
    assertStringIncludes(t, "kind: ServiceAccount");
    assert(!t.includes("kind: ClusterRole\n") && !t.includes("kind: ClusterRoleBinding"), p);
  }
  const all = [...files.values()].join("\n");
  for (const op of ["conductor", "platform", "dispatcher", "seam"]) {
    assert(!all.includes(`${op}-manager-role`), op);
  }
  const sas = docs(get(files, "03-platform-wrapper/platform-wrapper-rbac.yaml")).filter((d) =>
    d.kind === "ServiceAccount"
  );
  assertEquals(sas.map((s) => `${s.metadata.namespace}/${s.metadata.name}`), [
    "seam-system/platform",
    "ont-system/platform-executor",
    "seam-system/dispatcher",
    "ont-system/dispatcher-executor",
    "seam-system/seam",
  ]);
  const roles = docs(get(files, "03-platform-wrapper/platform-wrapper-rbac.yaml")).filter((d) =>
    d.kind === "Role"
  );
  for (const r of roles) {
    assertEquals(r.rules[0].resourceNames, [`${r.metadata.name.replace("-leader-election", "")}-leader`]);
  }
});

Deno.test("EN-8: leaderelection.yaml has the five Leases (management) / the conductor's (tenant)", async () => {
  const files = await bundle();
  const t = get(files, "05-post-bootstrap/leaderelection.yaml");
  for (const s of ["kind: Lease", "conductor-management", "platform-leader", "guardian-leader"]) {
    assertStringIncludes(t, s);
  }
  assertEquals(docs(t).map((l) => `${l.metadata.namespace}/${l.metadata.name}`), [
    "ont-system/conductor-management",
    "seam-system/guardian-leader",
    "seam-system/platform-leader",
    "seam-system/dispatcher-leader",
    "seam-system/seam-leader",
  ]);
  assert(docs(t).every((l) => l.spec === undefined));
});

Deno.test("EN-9: RBACProfiles for all five operators", async () => {
  const files = await bundle({ clusterName: "ccs-mgmt" });
  const text = [
    "01-guardian-bootstrap/guardian-rbacprofiles.yaml",
    "03-platform-wrapper/platform-wrapper-rbacprofiles.yaml",
    "04-conductor/conductor-rbacprofile.yaml",
  ].map((p) => get(files, p)).join("\n");
  for (
    const s of [
      `apiVersion: ${apiVersionOf("RBACProfile")}`,
      "kind: RBACProfile",
      "review-required",
      "rbacPolicyRef: management-policy",
      "permissionSetRef: management-maximum",
    ]
  ) {
    assertStringIncludes(text, s);
  }
  for (const op of OPS) {
    assertStringIncludes(text, `rbac-${op}`);
    assertStringIncludes(text, `domainIdentityRef: ${op}`);
    assert(!text.includes(`${op}-permissions`));
  }
  const profiles = docs(text);
  assertEquals(profiles.length, 5);
  for (const p of profiles) {
    assertEquals(p.metadata.namespace, "seam-system");
    assertEquals(p.spec.targetClusters, ["management", "ccs-mgmt"]);
  }
  assertEquals(
    profiles.find((p) => p.metadata.name === "rbac-conductor").spec.principalRef,
    "system:serviceaccount:ont-system:conductor",
  );
});

Deno.test("EN-10/EN-11/EN-12: memberships, policy, the one permission set", async () => {
  const files = await bundle();
  const m = get(files, "01-guardian-bootstrap/seam-memberships.yaml");
  for (
    const s of [
      `apiVersion: ${apiVersionOf("SeamMembership")}`,
      "kind: SeamMembership",
      "tier: infrastructure",
    ]
  ) assertStringIncludes(m, s);
  for (const op of OPS) {
    assertStringIncludes(m, `name: ${op}`);
    assertStringIncludes(m, `domainIdentityRef: ${op}`);
  }
  assertEquals(docs(m).map((d) => d.metadata.name), [
    "guardian",
    "platform",
    "dispatcher",
    "conductor",
    "seam",
  ]);
  const p = get(files, "01-guardian-bootstrap/guardian-rbacpolicy.yaml");
  for (
    const s of [
      "name: management-policy",
      "ontai.dev/policy-type: management",
      "maximumPermissionSetRef: management-maximum",
    ]
  ) assertStringIncludes(p, s);
  assert(!p.includes("seam-platform-rbac-policy") && !p.includes("allowedClusters"));
  const ps = get(files, "01-guardian-bootstrap/guardian-permissionsets.yaml");
  assertEquals(docs(ps).length, 1);
  assertEquals(docs(ps)[0].metadata.name, "management-maximum");
  assertEquals(docs(ps)[0].metadata.labels["ontai.dev/policy-type"], "management");
  for (
    const s of [
      "guardian-permissions",
      "wrapper-permissions",
      "platform-permissions",
      "seam-core-permissions",
      "conductor-permissions",
      "seam-bootstrap-ceiling",
    ]
  ) {
    assert(!ps.includes(s), s);
  }
});

Deno.test("EN-13: two runs are byte-identical except the generated signing key", async () => {
  const a = await bundle({ clusterName: "ccs-mgmt", capi: true });
  const b = await bundle({ clusterName: "ccs-mgmt", capi: true });
  assertEquals([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) {
    if (k.endsWith("conductor-signing-key.yaml")) assert(v !== b.get(k), "fresh key each run");
    else assertEquals(v, b.get(k), k);
  }
});

Deno.test("EN-15/D-E5: CRD files hold the guardian and seam groups, each CRD once, selected by spec.group", async () => {
  const files = await bundle();
  const g = docs(get(files, "01-guardian-bootstrap/guardian-crds.yaml"));
  const s = docs(get(files, "03-platform-wrapper/platform-wrapper-crds.yaml"));
  assert(!files.has("04-conductor/conductor-crds.yaml"), "no comment-only CRD file");
  assert(g.every((c) => c.spec.group === GROUP_GUARDIAN) && g.length > 0);
  assert(s.every((c) => c.spec.group === GROUP_SEAM) && s.length > 0);
  const names = [...g, ...s].map((c) => c.metadata.name);
  assertEquals(new Set(names).size, names.length);
  const expected = (allCrds() as Any[]).filter((c) =>
    c.spec.group === GROUP_GUARDIAN || c.spec.group === GROUP_SEAM
  );
  assertEquals(names.length, expected.length);
});

Deno.test("EN-16/EN-17: namespace-labels.yaml is label-only; 01 phase-meta", async () => {
  const files = await bundle();
  const t = get(files, "01-guardian-bootstrap/namespace-labels.yaml");
  for (
    const s of ["kube-system", "seam-system", "kind: Namespace", "seam.ontai.dev/webhook-mode", "exempt"]
  ) assertStringIncludes(t, s);
  assert(!t.includes("spec:") && !t.includes("status:"));
  assertEquals(docs(t).map((d) => d.metadata.name), [
    "cert-manager",
    "cnpg-system",
    "kube-system",
    "kueue-system",
    "local-path-storage",
    "seam-system",
  ]);
  const m = metaOf(files, "01-guardian-bootstrap").data;
  assertEquals([m.phase, m.order], ["guardian-bootstrap", "1"]);
  assert(m.applyOrder.indexOf("namespace-labels.yaml") < m.applyOrder.indexOf("guardian-crds.yaml"));
});

Deno.test("EN-19/EN-20/EN-21/EN-22: prerequisites, guardian env, DSNS objects", async () => {
  const files = await bundle();
  const pre = get(files, "00-infrastructure-dependencies/prerequisites.yaml");
  const cm = docs(pre)[0];
  assertEquals([cm.metadata.name, cm.metadata.namespace, cm.metadata.labels["seam.ontai.dev/phase"]], [
    "seam-platform-prerequisites",
    "seam-system",
    "prerequisites",
  ]);
  assertEquals(Object.keys(cm.data).sort(), ["certificate-manager", "database", "job-scheduler", "storage"]);
  for (
    const s of [
      "CNPG v1.25",
      "clusters.postgresql.cnpg.io",
      "guardian-db",
      "guardian-db-credentials",
      "C-KUEUE-WEBHOOK",
    ]
  ) assertStringIncludes(pre, s);
  const g = get(files, "02-guardian-deploy/guardian-deployment.yaml");
  for (
    const s of [
      "CNPG_SECRET_NAME",
      "guardian-db-app",
      "CNPG_SECRET_NAMESPACE",
      "seam-system",
      "GUARDIAN_ROLE",
      "management",
    ]
  ) assertStringIncludes(g, s);
  const z = get(files, "05-post-bootstrap/dsns-zone-configmap.yaml");
  for (
    const s of [
      "name: dsns-zone",
      "namespace: kube-system",
      "seam.ontai.dev/dsns-zone",
      "governance.infrastructure.ontai.dev/owner",
      "seam",
    ]
  ) assertStringIncludes(z, s);
  const lb = get(files, "05-post-bootstrap/dsns-loadbalancer.yaml");
  for (
    const s of [
      "kind: Service",
      "type: LoadBalancer",
      "namespace: kube-system",
      "lbipam.cilium.io/ips",
      "port: 53",
      "UDP",
      "TCP",
    ]
  ) assertStringIncludes(lb, s);
  assertEquals(docs(lb)[0].metadata.annotations["lbipam.cilium.io/ips"], undefined);
  const withIp = await bundle({ dsnsIp: "10.20.0.53" });
  assertEquals(
    docs(get(withIp, "05-post-bootstrap/dsns-loadbalancer.yaml"))[0].metadata
      .annotations["lbipam.cilium.io/ips"],
    "10.20.0.53",
  );
  assertStringIncludes(
    get(withIp, "03-platform-wrapper/platform-wrapper-deployments.yaml"),
    "DSNS_SERVICE_IP",
  );
});

Deno.test("EN-23/EN-24: --capi adds 00b between 00a and 01 with the pinned manifests and the schema CRDs", async () => {
  assert(![...(await bundle()).keys()].some((k) => k.startsWith("00b-")));
  const files = await bundle({ capi: true });
  const dirs = [...new Set([...files.keys()].map((k) => k.split("/")[0]!))];
  assertEquals(dirs, [
    "00-infrastructure-dependencies",
    "00a-namespaces",
    "00b-capi-prerequisites",
    ...Object.keys(MGMT_FILES).slice(2),
  ]);
  const m = metaOf(files, "00b-capi-prerequisites").data;
  assertEquals([m.phase, m.order], ["capi-prerequisites", "0b"]);
  assertEquals(
    m.applyOrder,
    "capi-core.yaml,capi-talos-bootstrap.yaml,capi-talos-controlplane.yaml,seam-infrastructure-crds.yaml",
  );
  const core = get(files, "00b-capi-prerequisites/capi-core.yaml");
  for (
    const s of [
      "cluster.x-k8s.io",
      "kind: CustomResourceDefinition",
      "clusters.cluster.x-k8s.io",
      "machines.cluster.x-k8s.io",
      "kind: Deployment",
      "capi-system",
    ]
  ) assertStringIncludes(core, s);
  const bs = get(files, "00b-capi-prerequisites/capi-talos-bootstrap.yaml");
  for (
    const s of ["bootstrap.cluster.x-k8s.io", "talosconfigs.bootstrap.cluster.x-k8s.io", "kind: Deployment"]
  ) assertStringIncludes(bs, s);
  const cp = get(files, "00b-capi-prerequisites/capi-talos-controlplane.yaml");
  for (
    const s of [
      "controlplane.cluster.x-k8s.io",
      "taloscontrolplanes.controlplane.cluster.x-k8s.io",
      "kind: Deployment",
    ]
  ) assertStringIncludes(cp, s);
  const si = get(files, "00b-capi-prerequisites/seam-infrastructure-crds.yaml");
  for (
    const s of [
      "infrastructure.cluster.x-k8s.io",
      "seaminfrastructureclusters.infrastructure.cluster.x-k8s.io",
      "seaminfrastructuremachines.infrastructure.cluster.x-k8s.io",
      "SeamInfrastructureCluster",
      "SeamInfrastructureMachine",
    ]
  ) {
    assertStringIncludes(si, s);
  }
});

Deno.test("EN-26/D-E3: no coredns script; C-COREDNS-PATCH gate; the patch is not in applyOrder", async () => {
  const files = await bundle();
  assert(!files.has("05-post-bootstrap/coredns-dsns-patch.sh"));
  const m = metaOf(files, "05-post-bootstrap").data;
  assertStringIncludes(m.readinessGate, "C-COREDNS-PATCH");
  assert(!m.readinessGate.includes("MANUAL STEP REQUIRED"));
  assert(!m.applyOrder.includes("coredns-deployment-patch.yaml"));
  assertEquals(m.patches, "coredns-deployment-patch.yaml");
});

Deno.test("EN-27/EN-32/D-E4: the dispatcher runner RBAC of a named cluster", async () => {
  const files = await bundle({ clusterName: "test-cluster" });
  const t = get(files, "05-post-bootstrap/dispatcher-runner.yaml");
  for (
    const s of [
      GROUP_SEAM,
      "packoperationresults",
      "seam-tenant-test-cluster",
      "dispatcher-runner-cluster-scoped",
      "ClusterRole",
      "ClusterRoleBinding",
      "mutatingwebhookconfigurations",
      "validatingwebhookconfigurations",
      "customresourcedefinitions",
      "storageclasses",
      "priorityclasses",
      "ingressclasses",
      "clusterissuers",
      "apiservices",
      "packexecutions",
      "runnerconfigs",
    ]
  ) {
    assertStringIncludes(t, s);
  }
  assert(!t.includes("namespace: seam-system"));
  assert(!t.includes("infra.ontai.dev") && !t.includes("runner.ontai.dev"));
  const d = docs(t);
  assertEquals(d.map((o) => o.kind), [
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
  ]);
  assertEquals(d[4].metadata.name, "dispatcher-runner-cluster-scoped-test-cluster");
  assertEquals(d[0].metadata.annotations, undefined);
  assert(d.slice(1).every((o) => o.metadata.annotations["ontai.dev/rbac-owner"] === "guardian"));
  assert(!(await bundle()).has("05-post-bootstrap/dispatcher-runner.yaml"));
  assert(!(await bundle()).has("05-post-bootstrap/pack-deploy-queue.yaml"));
});

Deno.test("G4: the Kueue scaffold emits the ClusterQueue the LocalQueue points at", async () => {
  const files = await bundle({ clusterName: "ccs-dev" });
  const q = docs(get(files, "05-post-bootstrap/pack-deploy-queue.yaml"));
  assertEquals(q.map((o) => o.kind), ["ResourceFlavor", "ClusterQueue", "LocalQueue"]);
  assertEquals(q[2].spec.clusterQueue, q[1].metadata.name);
  assertEquals(q[2].metadata.namespace, "seam-tenant-ccs-dev");
  assertEquals(q[1].spec.resourceGroups[0].flavors[0].name, q[0].metadata.name);
});

Deno.test("D10: within every phase each namespaced object's Namespace precedes it in apply order", async () => {
  for (
    const req of [{ clusterName: "ccs-dev" }, {
      clusterName: "t1",
      clusterRole: "tenant",
      managementSigningPublicKey: "k.pem",
    }]
  ) {
    const pub = (await generateSigningKey()).publicPem;
    const files = await bundle(req, { "k.pem": pub });
    const created = new Set(["kube-system", "default"]);
    const dirs = [...new Set([...files.keys()].map((k) => k.split("/")[0]!))];
    for (const dir of dirs) {
      // management-side/ goes to the management cluster, where seam-system and seam-tenant-{c} exist.
      if (dir === "management-side") {
        created.clear();
        for (const n of ["kube-system", "default", "seam-system", "seam-tenant-t1"]) created.add(n);
      }
      const m = metaOf(files, dir).data;
      for (const f of m.applyOrder.split(",")) {
        for (const o of docs(get(files, `${dir}/${f}`))) {
          if (o.kind === "Namespace") created.add(o.metadata.name);
          else if (o.metadata?.namespace) {
            assert(
              created.has(o.metadata.namespace),
              `${dir}/${f}: ${o.kind} ${o.metadata.name} before its namespace`,
            );
          }
        }
      }
      assert(created.has("seam-system"), `${dir}: phase-meta needs seam-system`);
    }
  }
});

Deno.test("EN-28/EN-29: --signing-private-key reuse is deterministic; --output-public-key writes the SPKI", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pair = await generateSigningKey();
    await Deno.writeTextFile(`${dir}/key.pem`, pair.privatePem);
    const out: string[] = [];
    const ctx = { env: () => undefined, stdout: (s: string) => out.push(s), stderr: () => {}, cwd: dir };
    const code = await runCompilerCli([
      "enable",
      "--output",
      "o1",
      "--signing-private-key",
      "key.pem",
      "--output-public-key",
      "pub/mgmt.pem",
      "--unencrypted",
    ], ctx);
    assertEquals(code, 0);
    const secretText = await Deno.readTextFile(`${dir}/o1/04-conductor/conductor-signing-key.yaml`);
    assertStringIncludes(secretText, "private.pem:");
    assertStringIncludes(secretText, "public.pem:");
    assertStringIncludes(secretText, "BEGIN PUBLIC KEY");
    const s = docs(secretText)[0];
    assertEquals(s.stringData["private.pem"], pair.privatePem);
    assertEquals(s.stringData["public.pem"], pair.publicPem);
    assertEquals(s.type, undefined);
    const pub = await Deno.readTextFile(`${dir}/pub/mgmt.pem`);
    assertEquals(pub, pair.publicPem);
    assertEquals(keyAlgorithmOf(firstPemBlock(pub)!.der, "spki"), "Ed25519");
    await crypto.subtle.importKey("spki", firstPemBlock(pub)!.der, { name: "Ed25519" }, true, ["verify"]);
    assertEquals(out.length, 2);
    assertStringIncludes(out.join(""), "--management-signing-public-key");
    // same key file → every byte identical
    assertEquals(
      await runCompilerCli(
        ["enable", "--output", "o2", "--signing-private-key", "key.pem", "--unencrypted"],
        ctx,
      ),
      0,
    );
    assertEquals(await Deno.readTextFile(`${dir}/o2/04-conductor/conductor-signing-key.yaml`), secretText);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("EN-30/EN-31/C-D6: tenant bundle: public key only, conductor-only phases, tenant wiring", async () => {
  const pub = (await generateSigningKey()).publicPem;
  const files = await bundle({
    clusterRole: "tenant",
    clusterName: "ccs-t1",
    managementSigningPublicKey: "m.pem",
  }, { "m.pem": pub });
  const dirs = [...new Set([...files.keys()].map((k) => k.split("/")[0]!))];
  assertEquals(dirs, [
    "00-infrastructure-dependencies",
    "00a-namespaces",
    "04-conductor",
    "05-post-bootstrap",
    "management-side",
  ]);
  assertEquals(
    metaOf(files, "00-infrastructure-dependencies").data.applyOrder,
    "namespaces.yaml,prerequisites.yaml,seam-core-crds.yaml",
  );
  assert(
    docs(get(files, "00-infrastructure-dependencies/seam-core-crds.yaml")).every((c) =>
      c.spec.group === GROUP_SEAM
    ),
  );
  const key = get(files, "04-conductor/conductor-signing-key.yaml");
  assert(!key.includes("private.pem:"));
  assertStringIncludes(key, "public.pem:");
  assertStringIncludes(key, "BEGIN PUBLIC KEY");
  assertEquals(docs(key)[0].metadata.annotations["ontai.dev/key-source"], "management-cluster-public-key");
  const m4 = metaOf(files, "04-conductor").data.applyOrder.split(",");
  assert(!m4.includes("conductor-rbacprofile.yaml"));
  assertEquals(m4.at(-1), "conductor-webhook.yaml");
  const dep = docs(get(files, "04-conductor/conductor-deployment.yaml"))[0];
  const env = Object.fromEntries(dep.spec.template.spec.containers[0].env.map((e: Any) => [e.name, e.value]));
  assertEquals(env.CONDUCTOR_ROLE, "tenant");
  assertEquals(env.SIGNING_PRIVATE_KEY_PATH, undefined);
  assert(env.MGMT_KUBECONFIG_PATH && env.WEBHOOK_TLS_CERT_PATH && env.WAL_PATH);
  assertEquals(dep.metadata.labels["ontai.dev/conductor-role"], "tenant");
  const rbac = docs(get(files, "04-conductor/conductor-rbac.yaml"));
  assertEquals(rbac.map((o) => o.kind), [
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
  ]);
  assertEquals(docs(get(files, "05-post-bootstrap/leaderelection.yaml")).map((l) => l.metadata.name), [
    "conductor-ccs-t1",
  ]);
  assert(!files.has("05-post-bootstrap/dispatcher-runner.yaml"));
  assert(
    ![...files].filter(([k]) => !k.endsWith("crds.yaml") && !k.startsWith("management-side/")).map(([, v]) =>
      v
    )
      .join("").includes("seam-tenant-"),
  );
  const vwc = docs(get(files, "04-conductor/conductor-webhook.yaml"))[0];
  assertEquals(vwc.webhooks.map((w: Any) => w.name), [
    "rbac-ownership.conductor.seam.ontai.dev",
    "sealed-causal-chain.conductor.seam.ontai.dev",
  ]);
  assert(vwc.webhooks.every((w: Any) => w.failurePolicy === "Ignore"));
});

Deno.test("pre-flight (§5.1, D-E1): bad role, tenant flag conflicts, bad keys → exit 1, nothing written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const err: string[] = [];
    const ctx = { env: () => undefined, stdout: () => {}, stderr: (s: string) => err.push(s), cwd: dir };
    await Deno.writeTextFile(`${dir}/notakey.pem`, "hello");
    const rsa = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign"],
    ) as CryptoKeyPair;
    const rsaDer = new Uint8Array(await crypto.subtle.exportKey("pkcs8", rsa.privateKey));
    const { toPem } = await import("./signing_key.ts");
    await Deno.writeTextFile(`${dir}/rsa.pem`, toPem("PRIVATE KEY", rsaDer));
    const cases: [string[], string][] = [
      [["--cluster-role", "banana"], "banana"],
      [["--cluster-role", "tenant"], "--management-signing-public-key"],
      [
        [
          "--cluster-role",
          "tenant",
          "--management-signing-public-key",
          "x.pem",
          "--signing-private-key",
          "k",
        ],
        "--signing-private-key",
      ],
      [
        ["--cluster-role", "tenant", "--management-signing-public-key", "x.pem", "--output-public-key", "k"],
        "--output-public-key",
      ],
      [
        [
          "--cluster-role",
          "tenant",
          "--cluster-name",
          "t1",
          "--management-signing-public-key",
          "missing.pem",
        ],
        "missing.pem",
      ],
      [
        [
          "--cluster-role",
          "tenant",
          "--cluster-name",
          "t1",
          "--management-signing-public-key",
          "notakey.pem",
        ],
        "no PEM block",
      ],
      [["--signing-private-key", "notakey.pem", "--unencrypted"], "no PEM block"],
      [["--signing-private-key", "rsa.pem", "--unencrypted"], "RSA"],
      // the management signing key is key material: no recipient and no --unencrypted → refused
      [[], "--unencrypted"],
      [["--signing-private-key", "notakey.pem"], "--age-recipient"],
      [["--cluster-name", "Bad_Name"], "Bad_Name"],
      [
        ["--cluster-role", "tenant", "--management-signing-public-key", "x.pem"],
        "--cluster-name is required",
      ],
    ];
    for (const [args, want] of cases) {
      err.length = 0;
      assertEquals(await runCompilerCli(["enable", "--output", "out", ...args], ctx), 1, args.join(" "));
      assertStringIncludes(err.join(""), want);
      assertStringIncludes(err.join(""), "compiler enable: ");
    }
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["notakey.pem", "rsa.pem"]);
    err.length = 0;
    assertEquals(await runCompilerCli(["enable"], ctx), 1);
    assertStringIncludes(err.join(""), "--output is required");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEnable rewrites in place with identical bytes and leaves unknown files alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pair = await generateSigningKey();
    await Deno.writeTextFile(`${dir}/k.pem`, pair.privatePem);
    const r1 = await runEnable({ output: "out", signingPrivateKey: "k.pem", unencrypted: true }, dir);
    await Deno.writeTextFile(`${dir}/out/stale.txt`, "x");
    const r2 = await runEnable({ output: "out", signingPrivateKey: "k.pem", unencrypted: true }, dir);
    assertEquals(r1.files, r2.files);
    assertEquals(await Deno.readTextFile(`${dir}/out/stale.txt`), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generated objects satisfy the schemas of their kinds", async () => {
  const { RBACProfileSchema, PermissionSetSchema, RBACPolicySchema, SeamMembershipSchema } = await import(
    "../../schemas/mod.ts"
  );
  const files = await bundle({ clusterName: "x1" });
  const schemas: Record<string, { safeParse(v: unknown): { success: boolean; error?: unknown } }> = {
    RBACProfile: RBACProfileSchema,
    PermissionSet: PermissionSetSchema,
    RBACPolicy: RBACPolicySchema,
    SeamMembership: SeamMembershipSchema,
  };
  let n = 0;
  for (const t of files.values()) {
    for (const o of docs(t)) {
      const s = schemas[o.kind];
      if (!s) continue;
      const r = s.safeParse(o);
      assert(r.success, `${o.kind} ${o.metadata.name}: ${String(r.error)}`);
      n++;
    }
  }
  assertEquals(n, 5 + 1 + 1 + 5);
});

Deno.test("tenant bundle without a cluster name or with an invalid public key type is rejected", async () => {
  const ec = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
  ]) as CryptoKeyPair;
  const { toPem } = await import("./signing_key.ts");
  const ecPub = toPem("PUBLIC KEY", new Uint8Array(await crypto.subtle.exportKey("spki", ec.publicKey)));
  await assertRejects(
    () =>
      bundle({ clusterRole: "tenant", clusterName: "t", managementSigningPublicKey: "m.pem" }, {
        "m.pem": ecPub,
      }),
    Error,
    "ECDSA",
  );
});

Deno.test("signing key: SOPS-encrypted for --age-recipient; unchanged with an identity; --unencrypted warns", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pair = await generateSigningKey();
    await Deno.writeTextFile(`${dir}/key.pem`, pair.privatePem);
    await Deno.writeTextFile(`${dir}/keys.txt`, AGE_ID + "\n");
    const err: string[] = [];
    const env: Record<string, string> = {};
    const ctx = {
      env: (n: string) => env[n],
      stdout: () => {},
      stderr: (s: string) => err.push(s),
      cwd: dir,
    };
    const enable = (out: string, ...extra: string[]) =>
      runCompilerCli(["enable", "--output", out, "--signing-private-key", "key.pem", ...extra], ctx);
    const file = (out: string) =>
      Deno.readTextFileSync(`${dir}/${out}/04-conductor/conductor-signing-key.yaml`);

    assertEquals(await enable("o", "--age-recipient", AGE_RECIPIENT), 0);
    assertStringIncludes(err.join(""), "signing key SOPS-encrypted");
    const first = file("o");
    assertStringIncludes(first, "ENC[AES256_GCM,");
    assert(!first.includes("PRIVATE KEY"), "no plaintext private key");
    assertStringIncludes(first, AGE_RECIPIENT);
    const dec = await decryptSopsFile(first, "yaml", AGE_IDENTITIES);
    const secret = dec.data as Any;
    assertEquals(secret.kind, "Secret");
    assertEquals(secret.metadata.name, "conductor-signing-key");
    assertEquals(secret.stringData["private.pem"], pair.privatePem);
    assertEquals(secret.stringData["public.pem"], pair.publicPem);

    // same key, identity given → the encrypted file keeps every byte
    assertEquals(await enable("o", "--age-recipient", AGE_RECIPIENT, "--age-identity", "keys.txt"), 0);
    assertEquals(file("o"), first);
    // identity from the environment, recipient from SOPS_AGE_RECIPIENTS
    env.SOPS_AGE_KEY = AGE_ID;
    env.SOPS_AGE_RECIPIENTS = AGE_RECIPIENT;
    assertEquals(await enable("o"), 0);
    assertEquals(file("o"), first);
    delete env.SOPS_AGE_KEY;
    // without an identity the file cannot be compared: re-encrypted, same plaintext
    assertEquals(await enable("o"), 0);
    const third = file("o");
    assert(third !== first);
    assertEquals((await decryptSopsFile(third, "yaml", AGE_IDENTITIES)).data, dec.data);
    delete env.SOPS_AGE_RECIPIENTS;

    // no recipient, no --unencrypted: refused, nothing written (not even the public key)
    err.length = 0;
    assertEquals(await enable("o2", "--output-public-key", "pub.pem"), 1);
    assertStringIncludes(err.join(""), "--age-recipient");
    assertStringIncludes(err.join(""), "--unencrypted");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["key.pem", "keys.txt", "o"]);

    // --unencrypted: plaintext, with a warning
    err.length = 0;
    assertEquals(await enable("o3", "--unencrypted"), 0);
    assertStringIncludes(err.join(""), "warning: --unencrypted");
    assertStringIncludes(err.join(""), "PLAINTEXT");
    assertEquals(docs(file("o3"))[0].stringData["private.pem"], pair.privatePem);

    // tenant: the file holds only the public key, never encrypted, no recipient needed
    await Deno.writeTextFile(`${dir}/pub.pem`, pair.publicPem);
    err.length = 0;
    assertEquals(
      await runCompilerCli([
        "enable",
        "--output",
        "t",
        "--cluster-role",
        "tenant",
        "--cluster-name",
        "t1",
        "--management-signing-public-key",
        "pub.pem",
      ], ctx),
      0,
      err.join(""),
    );
    assertEquals(docs(file("t"))[0].stringData["public.pem"], pair.publicPem);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every file of every applyOrder holds at least one object (kubectl apply -f refuses empty files)", async () => {
  const pub = (await generateSigningKey()).publicPem;
  const variants: Partial<EnableRequest>[] = [
    {},
    { clusterName: "m1", capi: true, dsnsIp: "10.0.0.53" },
    { clusterRole: "tenant", clusterName: "t1", managementSigningPublicKey: "m.pem" },
    { clusterRole: "tenant", clusterName: "t1", managementSigningPublicKey: "m.pem", capi: true },
  ];
  for (const v of variants) {
    const files = await bundle(v, { "m.pem": pub });
    const metas = [...files.keys()].filter((k) => k.endsWith("/phase-meta.yaml"));
    assert(metas.length >= 4);
    for (const mp of metas) {
      const dir = mp.slice(0, -"/phase-meta.yaml".length);
      const m = docs(get(files, mp))[0];
      for (const f of m.data.applyOrder.split(",")) {
        const objs = docs(get(files, `${dir}/${f}`));
        assert(
          objs.length > 0 && objs.every((o) => typeof o.kind === "string"),
          `${dir}/${f} (${JSON.stringify(v)})`,
        );
      }
    }
  }
});

function allows(rules: Any[], group: string, resource: string, verb: string): boolean {
  return rules.some((r) =>
    (r.apiGroups.includes(group) || r.apiGroups.includes("*")) &&
    (r.resources.includes(resource) || r.resources.includes("*")) &&
    (r.verbs.includes(verb) || r.verbs.includes("*"))
  );
}

Deno.test("tenant ClusterRole: delete (pack teardown) and escalate/bind on roles (sweep), no RBAC create", async () => {
  const pub = (await generateSigningKey()).publicPem;
  const files = await bundle({
    clusterRole: "tenant",
    clusterName: "t1",
    managementSigningPublicKey: "m.pem",
  }, {
    "m.pem": pub,
  });
  const text = get(files, "04-conductor/conductor-rbac.yaml");
  const cr = docs(text).find((o) => o.kind === "ClusterRole");
  const rbac = "rbac.authorization.k8s.io";
  assert(allows(cr.rules, "apps", "deployments", "delete"));
  assert(allows(cr.rules, "seam.ontai.dev", "packreceipts", "delete"));
  for (const r of ["roles", "clusterroles"]) {
    assert(allows(cr.rules, rbac, r, "escalate"), r);
    assert(allows(cr.rules, rbac, r, "bind"), r);
  }
  for (const r of ["roles", "rolebindings", "clusterroles", "clusterrolebindings"]) {
    assert(!allows(cr.rules, rbac, r, "create"), r);
  }
  assert(!allows(cr.rules, "", "secrets", "list"));
  // management ClusterRole-less bundle unchanged: no static conductor ClusterRole on management
  const m = await bundle({ clusterName: "m1" }, {});
  assert(!docs(get(m, "04-conductor/conductor-rbac.yaml")).some((o) => o.kind === "ClusterRole"));
  assert(![...m.keys()].some((k) => k.startsWith("management-side/")));
});

Deno.test("tenant bundle: management-side/ holds the agent's identity and Roles on the management cluster", async () => {
  const pub = (await generateSigningKey()).publicPem;
  const files = await bundle({
    clusterRole: "tenant",
    clusterName: "t1",
    managementSigningPublicKey: "m.pem",
  }, {
    "m.pem": pub,
  });
  const meta = metaOf(files, "management-side");
  assertEquals(meta.data.applyOrder, "conductor-remote-rbac.yaml");
  assertStringIncludes(meta.data.readinessGate, "MANAGEMENT CLUSTER");
  assertEquals(meta.metadata.name, "seam-phase-management-side-t1-meta");
  const text = get(files, "management-side/conductor-remote-rbac.yaml");
  assertStringIncludes(text, "APPLY ON THE MANAGEMENT CLUSTER");
  assertStringIncludes(text, "create token conductor-t1");
  assertStringIncludes(text, "conductor-mgmt-kubeconfig --from-file=value=");
  const objs = docs(text);
  assertEquals(objs.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`), [
    "ServiceAccount seam-tenant-t1/conductor-t1",
    "Role seam-system/conductor-t1",
    "RoleBinding seam-system/conductor-t1",
    "Role seam-tenant-t1/conductor-t1",
    "RoleBinding seam-tenant-t1/conductor-t1",
  ]);
  for (const b of objs.filter((o) => o.kind === "RoleBinding")) {
    assertEquals(b.subjects, [{ kind: "ServiceAccount", name: "conductor-t1", namespace: "seam-tenant-t1" }]);
    assertEquals(b.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "conductor-t1" });
  }
  const sys = objs[1].rules, tns = objs[3].rules;
  const g = "guardian.ontai.dev", s = "seam.ontai.dev";
  assert(allows(sys, g, "permissionsnapshots", "get") && allows(sys, g, "permissionsnapshots", "list"));
  assert(allows(sys, g, "permissionsnapshots/status", "patch"));
  assert(!allows(sys, g, "permissionsnapshots", "patch"));
  assert(allows(tns, "", "secrets", "get") && allows(tns, "", "secrets", "list"));
  assert(!allows(tns, "", "secrets", "create"));
  assert(allows(tns, s, "packinstalleds", "get") && allows(tns, s, "packinstalleds/status", "patch"));
  assert(allows(tns, s, "packdeliveries", "get"));
  for (const v of ["get", "create", "patch", "delete"]) assert(allows(tns, s, "driftsignals", v), v);
});
