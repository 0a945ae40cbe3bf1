// deno-lint-ignore-file no-console
// Oracle: the real helm v3.17.2 (tools/oracles/helm) vs cli.ts on several charts and value sets.
// Fails loudly when the oracle cannot be installed.
import { assert } from "../../shared/testing/asserts.ts";
import { runHelmCli } from "./cli.ts";
import { ensureHelm, runHelm } from "../../tools/oracles/helm/helm_oracle.ts";
import { referencePath } from "../../shared/testing/reference.ts";

const G = Deno.env.get("HELM_GOLDEN_DIR") ?? referencePath("golden/helm/");
const KV = ["--kube-version", "1.31.2"];

export const ORACLE_CASES: { id: string; args: string[] }[] = [
  { id: "cert-manager-ns", args: ["template", "cm", "charts/cert-manager", "-n", "cert-manager", ...KV] },
  {
    id: "cert-manager-crds-ha",
    args: [
      "template",
      "cm",
      "charts/cert-manager",
      "--set",
      "crds.enabled=true,replicaCount=3,podDisruptionBudget.enabled=true",
      ...KV,
    ],
  },
  {
    id: "cert-manager-webhook-net",
    args: [
      "template",
      "cm",
      "charts/cert-manager",
      "--set",
      "webhook.hostNetwork=true,webhook.securePort=10260,prometheus.servicemonitor.enabled=true",
      "--api-versions",
      "monitoring.coreos.com/v1",
      ...KV,
    ],
  },
  { id: "kueue-default", args: ["template", "kueue", "charts/kueue", "-n", "kueue-system", ...KV] },
  {
    id: "kueue-metrics",
    args: [
      "template",
      "kueue",
      "charts/kueue",
      "--set",
      "enablePrometheus=true,controllerManager.replicas=2",
      ...KV,
    ],
  },
  {
    id: "metallb-frr",
    args: [
      "template",
      "metallb",
      "charts/metallb",
      "-n",
      "metallb-system",
      "--set",
      "frrk8s.enabled=true",
      ...KV,
    ],
  },
  {
    id: "metallb-no-crds",
    args: ["template", "metallb", "charts/metallb", "--set", "crds.enabled=false", "--include-crds", ...KV],
  },
  {
    id: "local-path-storageclass",
    args: [
      "template",
      "lpp",
      "charts/local-path-provisioner",
      "--set",
      "storageClass.defaultClass=true,storageClass.reclaimPolicy=Retain,nodePathMap[0].node=DEFAULT_PATH_FOR_NON_LISTED_NODES,nodePathMap[0].paths[0]=/data",
      ...KV,
    ],
  },
  {
    id: "local-path-upgrade",
    args: [
      "template",
      "lpp",
      "charts/local-path-provisioner",
      "--is-upgrade",
      "--set-string",
      "image.tag=1.0",
      ...KV,
    ],
  },
  {
    id: "cnpg-operator-monitoring",
    args: [
      "template",
      "cnpg",
      "charts/cloudnative-pg",
      "--set",
      "monitoring.podMonitorEnabled=true,config.clusterWide=false",
      ...KV,
    ],
  },
  {
    id: "cnpg-cluster-backups",
    args: [
      "template",
      "pg",
      "charts/cnpg-cluster",
      "--set",
      "backups.enabled=true,backups.provider=s3,backups.s3.bucket=b,cluster.instances=2",
      ...KV,
    ],
  },
  { id: "barman-cloud", args: ["template", "bc", "charts/plugin-barman-cloud", "-n", "cnpg-system", ...KV] },
  {
    id: "probe-values-set",
    args: ["template", "probes/values-printing", "--set", "a=1,b=0123,c=true,d=null,e={x,y},f[2]=z", ...KV],
  },
  { id: "probe-template-semantics", args: ["template", "x", "probes/template-semantics", ...KV] },
  {
    id: "subchart-show-only",
    args: [
      "template",
      "helm-testdata/cmd-helm/testcharts/subchart",
      "--show-only",
      "charts/subcharta/templates/service.yaml",
      "--set",
      "subcharta.service.name=svc",
      ...KV,
    ],
  },
  {
    id: "subchart-no-hooks",
    args: [
      "template",
      "rel",
      "helm-testdata/cmd-helm/testcharts/subchart",
      "--no-hooks",
      "--set",
      "subchartb.enabled=true,global.foo=bar",
      ...KV,
    ],
  },
];

Deno.test("helm oracle: cli.ts vs helm v3.17.2", async () => {
  const bin = await ensureHelm(); // throws → test fails loudly
  let same = 0;
  const diffs: string[] = [];
  for (const c of ORACLE_CASES) {
    const want = await runHelm(bin, c.args, G);
    const got = await runHelmCli(c.args, { cwd: G });
    const ok = want.code === 0
      ? got.code === 0 && got.stdout === want.stdout
      : got.code !== 0 && got.stderr === want.stderr;
    if (ok) same++;
    else {
      const a = (got.code === 0 ? got.stdout : got.stderr).split("\n");
      const b = (want.code === 0 ? want.stdout : want.stderr).split("\n");
      let i = 0;
      while (i < Math.max(a.length, b.length) && a[i] === b[i]) i++;
      diffs.push(
        `${c.id}: line ${i + 1}: ours ${JSON.stringify((a[i] ?? "<EOF>").slice(0, 100))} helm ${
          JSON.stringify((b[i] ?? "<EOF>").slice(0, 100))
        }`,
      );
    }
  }
  console.log(`helm oracle: ${same}/${ORACLE_CASES.length} byte-identical`);
  for (const d of diffs) console.log("  DIFF " + d);
  assert(same / ORACLE_CASES.length >= 0.9, `oracle share ${same}/${ORACLE_CASES.length} below floor`);
});
