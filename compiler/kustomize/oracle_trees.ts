/**
 * Test-only kustomization trees for the oracle suite: the features kustomize implements with quirks
 * (buildMetadata annotations, multi-key strategic-merge lists, replacements' typed copies and selection).
 * Each tree is `{ relative path: content }`; `root` is the directory to build.
 */

const DEPLOY_PORTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        image: x
        ports:
        - containerPort: 80
          protocol: TCP
          name: http
        - containerPort: 80
          protocol: UDP
          name: udp
        - containerPort: 90
`;

const SERVICE_PORTS = `apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 53
    protocol: TCP
    name: dns-tcp
  - port: 53
    protocol: UDP
    name: dns-udp
  - port: 80
    targetPort: 8080
`;

function portTree(patch: string): Record<string, string> {
  return {
    "d.yaml": DEPLOY_PORTS,
    "s.yaml": SERVICE_PORTS,
    "p.yaml": patch,
    "kustomization.yaml": "resources:\n- d.yaml\n- s.yaml\npatches:\n- path: p.yaml\n",
  };
}

const DEPLOY_HEAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
`;

const SERVICE_HEAD = `apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
`;

const REPL_RES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels:
    role: source
data:
  host: db.example.com:5432
  num: "42"
  t: "true"
  obj: x
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: front
  annotations:
    pick: "yes"
spec:
  replicas: 1
  template:
    metadata:
      labels:
        a: b
    spec:
      containers:
      - name: app
        image: x
        args: ["--host=old", "--port=1"]
        env:
        - name: HOST
          value: placeholder
        - name: N
          value: "7"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web2
  labels:
    tier: back
spec:
  template:
    spec:
      containers:
      - name: app
        image: x
        env:
        - name: HOST
          value: placeholder
`;

function replTree(replacements: string, extra = ""): Record<string, string> {
  return {
    "r.yaml": REPL_RES,
    "kustomization.yaml": `resources:\n- r.yaml\n${extra}replacements:\n${replacements}`,
  };
}

function buildMetadataTree(meta: string): Record<string, string> {
  return {
    "base/d.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: nginx
`,
    "base/kustomization.yaml": `resources:
- d.yaml
namespace: base-ns
commonAnnotations:
  a: b
images:
- name: nginx
  newTag: "1.2"
configMapGenerator:
- name: basecm
  literals: [k=v]
`,
    "comp/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
- name: compcm
  literals: [x=y]
labels:
- pairs:
    c: d
`,
    "overlay/patch.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
`,
    "overlay/tr.yaml": `apiVersion: builtin
kind: LabelTransformer
metadata:
  name: lt
labels:
  from: file
fieldSpecs:
- path: metadata/labels
  create: true
`,
    "overlay/kustomization.yaml": `resources:
- ../base
components:
- ../comp
namePrefix: o-
commonLabels:
  app: x
configMapGenerator:
- name: basecm
  namespace: base-ns
  behavior: merge
  literals: [k2=v2]
patches:
- path: patch.yaml
- target:
    kind: Deployment
  patch: |-
    - op: add
      path: /metadata/labels/p
      value: q
replicas:
- name: web
  count: 5
transformers:
- tr.yaml
- |-
  apiVersion: builtin
  kind: AnnotationsTransformer
  metadata:
    name: inl
  annotations:
    z: w
  fieldSpecs:
  - path: metadata/annotations
    create: true
buildMetadata: [${meta}]
`,
  };
}

const TREES: { id: string; root: string; files: Record<string, string> }[] = [
  {
    id: "buildmeta-both",
    root: "overlay",
    files: buildMetadataTree("originAnnotations, transformerAnnotations"),
  },
  { id: "buildmeta-transformers", root: "overlay", files: buildMetadataTree("transformerAnnotations") },
  { id: "buildmeta-origin", root: "overlay", files: buildMetadataTree("originAnnotations") },
  // multi-key merge: containerPort+protocol / port+protocol, with kyaml's handling of partial keys
  {
    id: "ports-udp",
    root: ".",
    files: portTree(
      `${DEPLOY_HEAD}        ports:\n        - containerPort: 80\n          protocol: UDP\n          hostPort: 8080\n`,
    ),
  },
  {
    id: "ports-no-protocol",
    root: ".",
    files: portTree(`${DEPLOY_HEAD}        ports:\n        - containerPort: 80\n          hostPort: 8080\n`),
  },
  {
    id: "ports-new",
    root: ".",
    files: portTree(
      `${DEPLOY_HEAD}        ports:\n        - containerPort: 90\n          protocol: TCP\n          name: new\n        - containerPort: 100\n`,
    ),
  },
  {
    id: "service-ports-udp",
    root: ".",
    files: portTree(`${SERVICE_HEAD}  - port: 53\n    protocol: UDP\n    targetPort: 5353\n`),
  },
  {
    id: "service-ports-partial",
    root: ".",
    files: portTree(`${SERVICE_HEAD}  - port: 53\n    targetPort: 5353\n`),
  },
  {
    id: "service-ports-delete",
    root: ".",
    files: portTree(
      `${SERVICE_HEAD}  - port: 53\n    protocol: TCP\n    $patch: delete\n  - port: 80\n    protocol: UDP\n`,
    ),
  },
  {
    // kyaml quirk: a list item without its merge key leaves only itself in the merged list
    id: "containers-unnamed-item",
    root: ".",
    files: portTree(`${DEPLOY_HEAD}        image: y\n      - image: unnamed\n`),
  },
  // replacements
  {
    id: "replacement-typed-copy",
    root: ".",
    files: replTree(`- source:
    kind: ConfigMap
    name: cfg
    fieldPath: data.num
  targets:
  - select:
      kind: Deployment
      name: web
    fieldPaths:
    - spec.replicas
    - spec.template.spec.containers.[name=app].env.[name=HOST].value
    - spec.template.metadata.labels.x
    - spec.template.spec.containers.[name=app].env.[name=NEW].value
    options:
      create: true
- source:
    kind: Deployment
    name: web
    fieldPath: spec.template.metadata.labels
  targets:
  - select:
      kind: ConfigMap
    fieldPaths:
    - data.obj
`),
  },
  {
    id: "replacement-selectors",
    root: ".",
    files: replTree(
      `- source:
    kind: ConfigMap
    name: cfg
    fieldPath: data.host
    options:
      delimiter: ":"
  targets:
  - select:
      kind: Deployment
      labelSelector: tier=front
    fieldPaths:
    - spec.template.spec.containers.[name=app].args.0
    options:
      delimiter: "="
      index: 1
  - select:
      kind: Deployment
    reject:
    - name: web
      labelSelector: nothere=x
    fieldPaths:
    - spec.template.spec.containers.[name=app].env.[name=HOST].value
  - select:
      kind: Deployment
      name: w.*
    fieldPaths:
    - metadata.annotations.never
    options:
      create: true
  - select:
      annotationSelector: pick=yes
    fieldPaths:
    - metadata.annotations.picked
    options:
      create: true
`,
      "namePrefix: p-\n",
    ),
  },
];

/** Write the trees under `base`; returns the directories to build. */
export function featureTrees(base: string): { id: string; dir: string }[] {
  return TREES.map((t) => {
    for (const [rel, text] of Object.entries(t.files)) {
      const p = `${base}/${t.id}/${rel}`;
      Deno.mkdirSync(p.slice(0, p.lastIndexOf("/")), { recursive: true });
      Deno.writeTextFileSync(p, text);
    }
    return { id: t.id, dir: t.root === "." ? `${base}/${t.id}` : `${base}/${t.id}/${t.root}` };
  });
}
