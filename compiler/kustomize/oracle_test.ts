/**
 * Oracle comparison (test-only): our engine vs a real `kubectl kustomize` (kubectl 1.32.3 = kustomize v5.5.0)
 * on the golden case roots and on generated trees; both outputs are produced in the same run.
 */
import { assert } from "../../shared/testing/asserts.ts";
import { ensureKubectl, kubectlKustomize } from "../../tools/oracles/kustomize/kubectl_oracle.ts";
import { kustomizeBuild } from "./mod.ts";
import { featureTrees } from "./oracle_trees.ts";
import { referencePath } from "../../shared/testing/reference.ts";

const GOLDEN = referencePath("golden/kustomize");
const FLOOR = 1;

function generatedTrees(base: string): string[] {
  const w = (p: string, t: string) => {
    Deno.mkdirSync(p.slice(0, p.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(p, t);
  };
  const dirs: string[] = [];
  for (let i = 0; i < 6; i++) {
    const d = `${base}/gen${i}`;
    w(
      `${d}/base/deploy.yaml`,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web${i}
spec:
  replicas: ${i + 1}
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.${i}
        env:
        - name: A
          value: "${i}"
        ports:
        - containerPort: 80
      - name: side
        image: busybox
        args: ["--x=${i}", "a: b", "long text that goes on and on and on and on and on and on and on and on and on and on"]
      volumes:
      - name: cfg
        configMap:
          name: cfg
`,
    );
    w(
      `${d}/base/svc.yaml`,
      `apiVersion: v1
kind: Service
metadata:
  name: web${i}
spec:
  ports:
  - port: 80
    targetPort: 8080
`,
    );
    w(
      `${d}/base/kustomization.yaml`,
      `resources:
- deploy.yaml
- svc.yaml
configMapGenerator:
- name: cfg
  literals:
  - k${i}=v${i}
  - yes=on
secretGenerator:
- name: sec
  literals:
  - password=${"x".repeat(10 * i + 5)}
`,
    );
    w(
      `${d}/overlay/patch.yaml`,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web${i}
spec:
  template:
    spec:
      containers:
      - name: app
        env:
        - name: B
          value: "2024-01-0${i + 1}"
      - name: new${i}
        image: redis
`,
    );
    w(
      `${d}/overlay/kustomization.yaml`,
      `resources:
- ../base
namespace: ns${i}
namePrefix: p${i}-
${
        i % 2
          ? "commonLabels:\n  app: w" + i
          : "labels:\n- pairs:\n    tier: t" + i + "\n  includeSelectors: " + (i % 3 === 0)
      }
commonAnnotations:
  note: "${i}"
images:
- name: nginx
  newTag: "1.2${i}"
replicas:
- name: web${i}
  count: ${i + 3}
patches:
- path: patch.yaml
- target:
    kind: Service
  patch: |-
    - op: add
      path: /spec/ports/-
      value: {port: 44${i}, name: extra}
`,
    );
    dirs.push(`${d}/overlay`);
  }
  return dirs;
}

Deno.test("kustomize oracle: identical share vs kubectl kustomize (kustomize v5.5.0)", async () => {
  const bin = await ensureKubectl(); // throws loudly with the reason when it cannot be installed
  const cases = (JSON.parse(Deno.readTextFileSync(`${GOLDEN}/cases.json`)) as {
    cases: { id: string; root: string; expectError: boolean }[];
  }).cases;
  const roots: { id: string; dir: string }[] = cases.filter((c) => !c.expectError).map((c) => ({
    id: c.id,
    dir: `${GOLDEN}/${c.root}`,
  }));
  const tmp = Deno.makeTempDirSync({ prefix: "kustomize-oracle-" });
  try {
    generatedTrees(tmp).forEach((d, i) => roots.push({ id: `generated-${i}`, dir: d }));
    roots.push(...featureTrees(`${tmp}/features`));
    let same = 0;
    const differ: string[] = [];
    for (const r of roots) {
      const oracle = await kubectlKustomize(bin, r.dir);
      let ours: string;
      try {
        ours = kustomizeBuild(r.dir);
      } catch (e) {
        ours = `ERROR ${e instanceof Error ? e.message : e}`;
      }
      if (oracle.ok && oracle.out === ours) same++;
      else differ.push(r.id);
    }
    // deno-lint-ignore no-console
    console.log(`kustomize oracle: ${same}/${roots.length} identical\ndiffering: ${differ.join(", ")}`);
    assert(same / roots.length >= FLOOR, `oracle share ${same}/${roots.length} below ${FLOOR}`);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
