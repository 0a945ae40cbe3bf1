/**
 * The embedded component catalog (compiler.md §8.2), immutable per release. Extracted from upstream's
 * catalog templates (reference/catalog/<name>.yaml; `catalog_test.ts` cross-checks them): header
 * comments (with the catalog version substituted), principal and permission declarations.
 */
export interface CatalogDeclaration {
  permissionSetRef: string;
  scope: "cluster" | "namespaced";
  /** What the PermissionSet covers (informative). */
  comment: string;
}

export interface CatalogEntry {
  name: string;
  version: string;
  description: string;
  principalRef: string;
  /** Template header comment lines; `{{ .EntryVersion }}` is replaced when rendering. */
  header: readonly string[];
  permissionDeclarations: readonly CatalogDeclaration[];
}

/** Canonical catalog order (used by --discover). */
export const CATALOG: readonly CatalogEntry[] = [
  {
    "name": "cilium",
    "version": "v1.16",
    "description": "Cilium CNI agent and operator",
    "principalRef": "cilium",
    "header": [
      "Cilium CNI agent and operator — RBACProfile catalog entry.",
      "Catalog version: {{ .EntryVersion }}",
      "conductor-schema.md §16.",
      "",
      "PermissionSets referenced below must exist in the RBACProfile namespace before",
      "Guardian can set provisioned=true on this profile. Create them as PermissionSet",
      "CRs with the RBAC rules required by the Cilium CNI and operator ServiceAccounts.",
      "",
      "Cilium ServiceAccounts: cilium (DaemonSet agent), cilium-operator (Deployment).",
      "Both share cluster-scoped permissions for network policy enforcement and node config.",
      "",
      "spec.lineage is controller-managed — do not author this field manually.",
      "The InfrastructureLineageController sets it after admission. CLAUDE.md §14.",
    ],
    "permissionDeclarations": [
      {
        "permissionSetRef": "cilium-cluster-network",
        "scope": "cluster",
        "comment":
          "Cluster-wide network policy enforcement: Endpoint, NetworkPolicy, Node, CiliumNetworkPolicy.",
      },
      {
        "permissionSetRef": "cilium-cluster-identity",
        "scope": "cluster",
        "comment": "Cluster-wide node configuration: CiliumNode, CiliumEndpoint, CiliumIdentity.",
      },
      {
        "permissionSetRef": "cilium-operator",
        "scope": "cluster",
        "comment":
          "Cilium operator permissions: CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, IPPool.",
      },
    ],
  },
  {
    "name": "cnpg",
    "version": "v1.24",
    "description": "CloudNativePG operator",
    "principalRef": "cnpg-manager",
    "header": [
      "CloudNativePG operator — RBACProfile catalog entry.",
      "Catalog version: {{ .EntryVersion }}",
      "conductor-schema.md §16.",
      "",
      "CNPG is a Guardian dependency (INV-016). Guardian itself runs CNPG for its",
      "security warehouse. CNPG on the management cluster is provisioned by Guardian's",
      "Phase 1 bootstrap. This RBACProfile governs CNPG's service account RBAC.",
      "",
      "CNPG ServiceAccount: cnpg-manager (controller-manager Deployment in cnpg-system,",
      "or seam-system on management cluster). Requires cluster-wide access to Cluster,",
      "Pooler, Backup, ScheduledBackup CRDs plus core RBAC for pod/configmap management.",
      "",
      "spec.lineage is controller-managed — do not author this field manually.",
      "The InfrastructureLineageController sets it after admission. CLAUDE.md §14.",
    ],
    "permissionDeclarations": [
      {
        "permissionSetRef": "cnpg-cluster-management",
        "scope": "cluster",
        "comment": "Cluster-wide CNPG CRD management: Cluster, Pooler, Backup, ScheduledBackup.",
      },
      {
        "permissionSetRef": "cnpg-core-ops",
        "scope": "namespaced",
        "comment": "Namespaced core operations: Pod, ConfigMap, Secret, Service, PVC management.",
      },
      {
        "permissionSetRef": "cnpg-cluster-observer",
        "scope": "cluster",
        "comment": "Cluster-wide status and event access: Nodes, Events, StorageClass.",
      },
    ],
  },
  {
    "name": "kueue",
    "version": "v0.9",
    "description": "Kueue batch scheduler",
    "principalRef": "kueue-controller-manager",
    "header": [
      "Kueue batch scheduler — RBACProfile catalog entry.",
      "Catalog version: {{ .EntryVersion }}",
      "conductor-schema.md §16.",
      "",
      "Kueue is the batch scheduling layer for Wrapper pack-deploy Jobs. Guardian",
      "provisions the ClusterQueue from QueueProfile (guardian-schema.md §14).",
      "This RBACProfile governs Kueue's controller-manager service account RBAC.",
      "",
      "Kueue ServiceAccount: kueue-controller-manager (Deployment in kueue-system,",
      "or seam-system on management cluster). Requires cluster-wide access to",
      "ClusterQueue, LocalQueue, Workload, ResourceFlavor CRDs plus Job management.",
      "",
      "spec.lineage is controller-managed — do not author this field manually.",
      "The InfrastructureLineageController sets it after admission. CLAUDE.md §14.",
    ],
    "permissionDeclarations": [
      {
        "permissionSetRef": "kueue-cluster-scheduling",
        "scope": "cluster",
        "comment": "Cluster-wide Kueue CRD management: ClusterQueue, ResourceFlavor, AdmissionCheck.",
      },
      {
        "permissionSetRef": "kueue-workload-management",
        "scope": "cluster",
        "comment": "Cluster-wide Workload management: LocalQueue, Workload across namespaces.",
      },
      {
        "permissionSetRef": "kueue-job-admission",
        "scope": "cluster",
        "comment": "Cluster-wide Job admission: batch/Job, apps/Deployment admission integration.",
      },
    ],
  },
  {
    "name": "cert-manager",
    "version": "v1.16",
    "description": "cert-manager controller and webhook",
    "principalRef": "cert-manager",
    "header": [
      "cert-manager controller and webhook — RBACProfile catalog entry.",
      "Catalog version: {{ .EntryVersion }}",
      "conductor-schema.md §16.",
      "",
      "cert-manager is part of the Guardian enable phase (enable phase order step 2,",
      "platform-schema.md §8). It provisions TLS certificates for all platform",
      "webhooks and gRPC endpoints.",
      "",
      "cert-manager ServiceAccounts: cert-manager (controller), cert-manager-webhook",
      "(admission webhook), cert-manager-cainjector (CA injector). Cluster-wide",
      "Certificate, CertificateRequest, ClusterIssuer, Issuer CRD access required.",
      "",
      "spec.lineage is controller-managed — do not author this field manually.",
      "The InfrastructureLineageController sets it after admission. CLAUDE.md §14.",
    ],
    "permissionDeclarations": [
      {
        "permissionSetRef": "cert-manager-cluster-certs",
        "scope": "cluster",
        "comment": "Cluster-wide certificate management: Certificate, CertificateRequest, ClusterIssuer.",
      },
      {
        "permissionSetRef": "cert-manager-cainjector",
        "scope": "cluster",
        "comment": "Cluster-wide CA injection: MutatingWebhookConfiguration, ValidatingWebhookConfiguration.",
      },
      {
        "permissionSetRef": "cert-manager-namespaced",
        "scope": "namespaced",
        "comment": "Namespaced issuer management: Issuer, Secret (for private keys and CA bundles).",
      },
    ],
  },
  {
    "name": "local-path-provisioner",
    "version": "v0.0.30",
    "description": "Rancher local-path-provisioner",
    "principalRef": "local-path-provisioner-service-account",
    "header": [
      "Rancher local-path-provisioner — RBACProfile catalog entry.",
      "Catalog version: {{ .EntryVersion }}",
      "conductor-schema.md §16.",
      "",
      "local-path-provisioner is part of the Guardian enable phase (enable phase step 8,",
      "platform-schema.md §8). It provides dynamic PVC provisioning for clusters that",
      "do not have a cloud-native storage class.",
      "",
      "ServiceAccount: local-path-provisioner-service-account (Deployment in",
      "local-path-storage, or seam-system on management cluster). Requires",
      "PersistentVolume, PersistentVolumeClaim, StorageClass, and ConfigMap access.",
      "",
      "spec.lineage is controller-managed — do not author this field manually.",
      "The InfrastructureLineageController sets it after admission. CLAUDE.md §14.",
    ],
    "permissionDeclarations": [
      {
        "permissionSetRef": "local-path-cluster-storage",
        "scope": "cluster",
        "comment": "Cluster-wide storage provisioning: PersistentVolume, StorageClass.",
      },
      {
        "permissionSetRef": "local-path-namespaced",
        "scope": "namespaced",
        "comment": "Namespaced PVC and ConfigMap access for provisioner configuration.",
      },
    ],
  },
];
