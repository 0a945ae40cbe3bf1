/**
 * Machine config generation for init / controlplane / worker with the defaults Talos' generator
 * (`generate.NewInput(...).Config(type)`) fills in per version contract (spec/talos.md §1.3–§1.8),
 * encoded comment-free like `EncodeBytes(WithComments(CommentsDisabled))`.
 */
import { assertSupported, type Contract, gates, parseContract } from "./contract.ts";
import { type ConfigDocument, decodeDocument, encodeConfig } from "./documents.ts";
import { fromJS } from "./go_yaml_parse.ts";
import { applyPatches } from "./patcher.ts";
import type { SecretsBundle } from "./secrets.ts";

export type MachineType = "init" | "controlplane" | "worker";

export interface CniOptions {
  name: string;
  urls?: string[];
}

export interface MachineConfigOptions {
  machineType: MachineType;
  /** Version contract, e.g. "v1.12" or "1.11.3". */
  contract: string;
  clusterName: string;
  /** Control-plane endpoint URL, e.g. https://10.0.0.10:6443. */
  endpoint: string;
  /** Kubernetes version without a leading "v", e.g. "1.32.3". */
  kubernetesVersion: string;
  secrets: SecretsBundle;
  installDisk?: string;
  installImage?: string;
  extraKernelArgs?: string[];
  /** Additional certificate SANs (machine.certSANs and apiServer.certSANs). */
  additionalSANs?: string[];
  dnsDomain?: string;
  podSubnets?: string[];
  serviceSubnets?: string[];
  localAPIServerPort?: number;
  sysctls?: Record<string, string>;
  cni?: CniOptions;
  /** Registry host (lower-case, e.g. "ghcr.io") → mirror endpoint URLs. */
  registryMirrors?: Record<string, string[]>;
  allowSchedulingOnControlPlanes?: boolean;
  /** Patches (strategic merge YAML or JSON 6902) applied after generation, in order. */
  patches?: string[];
}

export class GenerateError extends Error {
  override name = "GenerateError";
}

function endpointHost(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new GenerateError(`invalid endpoint ${JSON.stringify(endpoint)}`);
  }
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

function mainDocument(o: MachineConfigOptions, c: Contract): Record<string, unknown> {
  const cp = o.machineType !== "worker";
  const k8s = o.kubernetesVersion.replace(/^v/, "");
  const s = o.secrets;
  const sans = o.additionalSANs ?? [];

  const install: Record<string, unknown> = {};
  if (o.installDisk) install.disk = o.installDisk;
  if (o.extraKernelArgs?.length) install.extraKernelArgs = o.extraKernelArgs;
  if (o.installImage) install.image = o.installImage;
  install.wipe = false;
  if (gates.grubUseUKICmdlineDefault(c)) install.grubUseUKICmdline = true;

  const features: Record<string, unknown> = {};
  if (!gates.hideRBACAndKeyUsage(c)) features.rbac = true;
  if (!gates.multidocNetworkConfig(c)) features.stableHostname = true;
  if (!gates.hideRBACAndKeyUsage(c)) features.apidCheckExtKeyUsage = true;
  features.diskQuotaSupport = true;
  features.kubePrism = { enabled: true, port: 7445 };
  features.hostDNS = { enabled: true, forwardKubeDNSToHost: true };

  const machine: Record<string, unknown> = {
    type: o.machineType,
    token: s.trustdInfo.token,
    ca: { crt: s.certs.os.crt, key: cp ? s.certs.os.key : "" },
    certSANs: sans,
    kubelet: {
      image: `ghcr.io/siderolabs/kubelet:v${k8s}`,
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
    },
    network: {},
    install,
  };
  if (o.sysctls && Object.keys(o.sysctls).length) machine.sysctls = o.sysctls;
  const mirrors = o.registryMirrors ?? {};
  if (!gates.multidocNetworkConfig(c) && Object.keys(mirrors).length) {
    machine.registries = {
      mirrors: Object.fromEntries(Object.entries(mirrors).map(([h, eps]) => [h, { endpoints: eps }])),
    };
  }
  machine.features = features;
  if (cp) machine.nodeLabels = { "node.kubernetes.io/exclude-from-external-load-balancers": "" };

  const controlPlane: Record<string, unknown> = { endpoint: o.endpoint };
  if (cp && o.localAPIServerPort) controlPlane.localAPIServerPort = o.localAPIServerPort;
  const network: Record<string, unknown> = {};
  if (o.cni) network.cni = o.cni.urls ? { name: o.cni.name, urls: o.cni.urls } : { name: o.cni.name };
  network.dnsDomain = o.dnsDomain ?? "cluster.local";
  network.podSubnets = o.podSubnets ?? ["10.244.0.0/16"];
  network.serviceSubnets = o.serviceSubnets ?? ["10.96.0.0/12"];

  const cluster: Record<string, unknown> = {
    id: s.cluster.id,
    secret: s.cluster.secret,
    controlPlane,
    clusterName: o.clusterName,
    network,
    token: s.secrets.bootstrapToken,
  };
  if (cp) {
    if (s.secrets.aescbcEncryptionSecret) cluster.aescbcEncryptionSecret = s.secrets.aescbcEncryptionSecret;
    if (s.secrets.secretboxEncryptionSecret) {
      cluster.secretboxEncryptionSecret = s.secrets.secretboxEncryptionSecret;
    }
  }
  cluster.ca = { crt: s.certs.k8s.crt, key: cp ? s.certs.k8s.key : "" };
  if (cp) {
    cluster.aggregatorCA = s.certs.k8sAggregator;
    cluster.serviceAccount = { key: s.certs.k8sServiceAccount.key };
    const apiSANs = gates.populateClusterSANsFromEndpoint(c) ? [endpointHost(o.endpoint), ...sans] : sans;
    const apiServer: Record<string, unknown> = { image: `registry.k8s.io/kube-apiserver:v${k8s}` };
    if (apiSANs.length) apiServer.certSANs = apiSANs;
    if (!gates.hideDisablePSP(c)) apiServer.disablePodSecurityPolicy = true;
    apiServer.admissionControl = [{
      name: "PodSecurity",
      configuration: {
        apiVersion: "pod-security.admission.config.k8s.io/v1alpha1",
        kind: "PodSecurityConfiguration",
        defaults: {
          enforce: "baseline",
          "enforce-version": "latest",
          audit: "restricted",
          "audit-version": "latest",
          warn: "restricted",
          "warn-version": "latest",
        },
        exemptions: { namespaces: ["kube-system"], runtimeClasses: [], usernames: [] },
      },
    }];
    apiServer.auditPolicy = { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: [{ level: "Metadata" }] };
    cluster.apiServer = apiServer;
    cluster.controllerManager = { image: `registry.k8s.io/kube-controller-manager:v${k8s}` };
    cluster.proxy = { image: `registry.k8s.io/kube-proxy:v${k8s}` };
    cluster.scheduler = { image: `registry.k8s.io/kube-scheduler:v${k8s}` };
  }
  cluster.discovery = { enabled: true, registries: { kubernetes: { disabled: true }, service: {} } };
  if (cp) {
    cluster.etcd = { ca: s.certs.etcd };
    if (o.allowSchedulingOnControlPlanes) cluster.allowSchedulingOnControlPlanes = true;
  }
  return { version: "v1alpha1", debug: false, persist: true, machine, cluster };
}

/** The generated documents (before patches). */
export function generateDocuments(o: MachineConfigOptions): ConfigDocument[] {
  const c = parseContract(o.contract);
  assertSupported(c);
  if (!["init", "controlplane", "worker"].includes(o.machineType)) {
    throw new GenerateError(`unknown machine type ${JSON.stringify(o.machineType)}`);
  }
  const docs = [decodeDocument(fromJS(mainDocument(o, c)))];
  if (gates.multidocNetworkConfig(c)) {
    const extra = Object.entries(o.registryMirrors ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, eps]) =>
        decodeDocument(fromJS({
          apiVersion: "v1alpha1",
          kind: "RegistryMirrorConfig",
          name,
          endpoints: eps.map((url) => ({ url })),
        }))
      );
    docs.push(...extra);
    docs.push(decodeDocument(fromJS({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" })));
  }
  return docs;
}

/** Generates a machine config and returns its YAML bytes (patches applied, if any). */
export function generateMachineConfig(o: MachineConfigOptions): string {
  const text = encodeConfig(generateDocuments(o));
  return o.patches?.length ? applyPatches(text, o.patches) : text;
}
