/** The Kubernetes objects bootstrap emits (compiler.md §3.8–§3.9), as plain values. */
import { apiVersionOf, type ClusterInput, KIND_NAMES } from "../../schemas/mod.ts";
import { toYaml } from "../../shared/yaml_io.ts";
import {
  machineConfigSecretName,
  sequenceConfigMapName,
  talosconfigSecretName,
  tenantNamespace,
} from "./derive.ts";

export type KubeDoc = Record<string, unknown>;
const MANAGED_BY = { "ontai.dev/managed-by": "compiler" };

export function nodeSecret(cluster: string, hostname: string, role: string, machineConfig: string): KubeDoc {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name: machineConfigSecretName(cluster, hostname),
      namespace: tenantNamespace(cluster),
      labels: {
        "ontai.dev/cluster": cluster,
        "ontai.dev/node": hostname,
        "ontai.dev/node-role": role,
        ...MANAGED_BY,
      },
    },
    stringData: { "machineconfig.yaml": machineConfig },
  };
}

export function tenantNamespaceDoc(cluster: string): KubeDoc {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: tenantNamespace(cluster),
      labels: { "ontai.dev/tenant": "true", "ontai.dev/cluster": cluster },
    },
  };
}

export function talosconfigSecret(cluster: string, talosconfig: string): KubeDoc {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name: talosconfigSecretName(cluster),
      namespace: tenantNamespace(cluster),
      labels: { "ontai.dev/cluster": cluster, ...MANAGED_BY },
    },
    stringData: { talosconfig },
  };
}

export interface ClusterCrOptions {
  input: ClusterInput;
  mode: "import" | "bootstrap";
  talosVersion?: string | undefined;
  kubernetesVersion?: string | undefined;
  clusterEndpoint?: string | undefined;
  /** False on the talosconfig-only path: no capi block there. */
  withCapi: boolean;
  /** Name of the talosconfig Secret bootstrap writes (`spec.talosconfigSecretRef`, §12.2). */
  talosconfigSecretRef?: string | undefined;
  /** Node IPs in input order (`spec.nodeAddresses`, §12.2); omitted when empty. */
  nodeAddresses?: readonly string[] | undefined;
}

/** `spec.capi` from the input's capi section (§3.2 table), or undefined when not enabled. */
export function capiSpec(capi: ClusterInput["capi"]): Record<string, unknown> | undefined {
  if (!capi || capi.enabled !== true) return undefined;
  const out: Record<string, unknown> = { enabled: true };
  if (capi.talosVersion) out.talosVersion = capi.talosVersion;
  if (capi.kubernetesVersion) out.kubernetesVersion = capi.kubernetesVersion;
  if (capi.controlPlane) {
    out.controlPlane = capi.controlPlane.replicas ? { replicas: capi.controlPlane.replicas } : {};
  }
  if (capi.workers) {
    out.workers = capi.workers.map((w) => {
      const pool: Record<string, unknown> = { name: w.name };
      if (w.replicas) pool.replicas = w.replicas;
      if (w.machines) pool.seamInfrastructureMachineNames = w.machines;
      return pool;
    });
  }
  if (capi.ciliumPackRef) {
    out.ciliumPackRef = { name: capi.ciliumPackRef.name, version: capi.ciliumPackRef.version };
  }
  return out;
}

export function talosClusterCr(o: ClusterCrOptions): KubeDoc {
  const spec: Record<string, unknown> = { mode: o.mode };
  const role = o.input.role;
  if (o.mode === "import" || role !== undefined) spec.role = role ?? "management";
  if (o.talosVersion !== undefined) spec.talosVersion = o.talosVersion;
  if (o.kubernetesVersion !== undefined) spec.kubernetesVersion = o.kubernetesVersion;
  if (o.clusterEndpoint !== undefined) spec.clusterEndpoint = o.clusterEndpoint;
  if (o.nodeAddresses !== undefined && o.nodeAddresses.length > 0) spec.nodeAddresses = [...o.nodeAddresses];
  if (o.talosconfigSecretRef !== undefined) spec.talosconfigSecretRef = o.talosconfigSecretRef;
  const capi = o.withCapi ? capiSpec(o.input.capi) : undefined;
  if (capi) spec.capi = capi;
  return {
    apiVersion: apiVersionOf("TalosCluster"),
    kind: KIND_NAMES.TalosCluster.kind,
    metadata: {
      name: o.input.name,
      namespace: o.input.namespace || "seam-system",
      annotations: { "ontai.dev/owns-runnerconfig": "true" },
    },
    spec,
  };
}

export function sequenceConfigMap(
  cluster: string,
  importing: boolean,
  step1: readonly string[],
  crFile: string,
) {
  const steps = importing
    ? [
      {
        step: 1,
        description:
          "Apply the tenant namespace and every Secret, including the talosconfig Secret Platform needs to mint the kubeconfig, before the TalosCluster CR.",
        resources: [...step1],
      },
      {
        step: 2,
        description: "Apply the TalosCluster CR (mode=import) only after those Secrets exist.",
        resources: [crFile],
      },
    ]
    : [
      {
        step: 1,
        description:
          "Apply every machine-config Secret (and the talosconfig Secret) before the TalosCluster CR.",
        resources: [...step1],
      },
      {
        step: 2,
        description: "Apply the TalosCluster CR; Platform then runs the bootstrap job.",
        resources: [crFile],
      },
    ];
  const inner = { apiVersion: "ontai.dev/v1alpha1", kind: "BootstrapSequence", clusterName: cluster, steps };
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: sequenceConfigMapName(cluster),
      namespace: "seam-system",
      labels: { ...MANAGED_BY, "ontai.dev/cluster": cluster },
    },
    data: { "sequence.yaml": toYaml(inner) },
  };
}
