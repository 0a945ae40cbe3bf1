/**
 * The PackDelivery CR packbuild writes (compiler.md §6.10; DECISIONS.md: PackDelivery takes
 * upstream ClusterPack's shape, in `seam-tenant-{first target cluster}` unless the input names a
 * namespace).
 *
 * Beyond upstream, a source-built pack records its provenance: `spec.provenance.buildID` is the
 * compiler and its version, `spec.provenance.sourceRef` one digest over every input the build read
 * (the input file, and the raw files, the kustomize output or the chart and values file), and the
 * per-input digests are listed in the annotation `seam.ontai.dev/build-inputs` and in the file's
 * comment header. `buildTimestamp` is set only when SOURCE_DATE_EPOCH pins the clock, so the file
 * stays byte-identical across runs.
 */
import { apiVersionOf, KIND_NAMES, type PackDelivery, PackDeliverySchema } from "../../schemas/mod.ts";
import type { PackBuildInput } from "../../schemas/inputs/mod.ts";
import { NAMESPACE_SEAM_SYSTEM, tenantNamespace } from "../../shared/runner_keys.ts";
import { sha256Hex } from "../../shared/digest.ts";
import { toYaml } from "../../shared/yaml_io.ts";
import { SEAM_VERSION } from "../../shared/version.ts";

export const BUILD_INPUTS_ANNOTATION = "seam.ontai.dev/build-inputs";
export const COMPILER_VERSION_ANNOTATION = "seam.ontai.dev/compiler-version";

export type PackPath = "helm" | "raw" | "kustomize" | "prebuilt";

export interface PushedDigests {
  rbac: string;
  /** Absent when the cluster-scoped bucket was empty (nothing pushed). */
  clusterScoped?: string | undefined;
  workload: string;
}

export interface PackCrParams {
  input: PackBuildInput;
  path: PackPath;
  /** Source-built packs only. */
  pushed?: PushedDigests;
  checksum?: string;
  helm?: { chartURL: string; chartVersion?: string | undefined; chartName: string; helmVersion: string };
  /** `label → sha256:…` of every input read (source-built packs). */
  inputs?: Record<string, string>;
  /** RFC 3339 build time; only when the clock is pinned. */
  buildTimestamp?: string | undefined;
}

/** The input's namespace, else `seam-tenant-{first target cluster}`, else `seam-system`. */
export function packNamespace(input: PackBuildInput): string {
  if (input.namespace) return input.namespace;
  const first = input.targetClusters?.[0];
  return first ? tenantNamespace(first) : NAMESPACE_SEAM_SYSTEM;
}

function _sortedInputs(inputs: Record<string, string>): [string, string][] {
  return Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The PackDelivery object (validated against the schema; a failure is a bug, not a user error). */
export function buildPackDelivery(p: PackCrParams): PackDelivery {
  const i = p.input;
  const built = p.path !== "prebuilt";
  const spec: Record<string, unknown> = {
    version: i.version,
    registryRef: { url: i.registryUrl ?? "", digest: built ? p.pushed!.workload : i.digest ?? "" },
  };
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)) spec[k] = v;
  };
  set("checksum", built ? p.checksum : i.checksum);
  set("sourceBuildRef", i.sourceBuildRef);
  if (i.targetClusters !== undefined) spec.targetClusters = [...i.targetClusters];
  set("rbacDigest", built ? p.pushed!.rbac : i.rbacDigest);
  set("clusterScopedDigest", built ? p.pushed!.clusterScoped : i.clusterScopedDigest);
  set("workloadDigest", built ? p.pushed!.workload : i.workloadDigest);
  set("basePackName", i.basePackName);
  set("valuesFile", p.path === "helm" ? i.helmSource?.valuesFile : i.valuesFile);
  if (p.path === "helm" && p.helm) {
    set("chartURL", p.helm.chartURL);
    set("chartVersion", p.helm.chartVersion);
    set("chartName", p.helm.chartName);
    set("helmVersion", p.helm.helmVersion);
  }
  const metadata: Record<string, unknown> = { name: i.name, namespace: packNamespace(i) };
  if (built && p.inputs) {
    const entries = _sortedInputs(p.inputs);
    const listing = entries.map(([k, v]) => `${k}=${v}`).join(",");
    spec.provenance = {
      buildID: `compiler packbuild ${SEAM_VERSION}`,
      sourceRef: `sha256:${sha256Hex(listing)}`,
      ...(p.buildTimestamp ? { buildTimestamp: p.buildTimestamp } : {}),
    };
    metadata.annotations = {
      [BUILD_INPUTS_ANNOTATION]: listing,
      [COMPILER_VERSION_ANNOTATION]: SEAM_VERSION,
    };
  }
  const obj = {
    apiVersion: apiVersionOf("PackDelivery"),
    kind: KIND_NAMES.PackDelivery.kind,
    metadata,
    spec,
  };
  const checked = PackDeliverySchema.safeParse(obj);
  if (!checked.success) {
    throw new Error(`packbuild produced an invalid PackDelivery: ${checked.error.message}`);
  }
  return obj as PackDelivery;
}

/** The file `<name>.yaml`: a comment header, then the CR (keys sorted). */
export function renderPackDelivery(cr: PackDelivery, p: PackCrParams): string {
  const head = [
    `# PackDelivery ${p.input.name} ${p.input.version}, written by compiler packbuild ${SEAM_VERSION} (${p.path} path).`,
    "# Apply it on the management cluster; the management Conductor signs it and delivers the pack.",
  ];
  if (p.path !== "prebuilt") {
    const d = p.pushed!;
    head.push(`# layers in ${p.input.registryUrl}:`);
    head.push(`#   ${p.input.version}-rbac            ${d.rbac}`);
    if (d.clusterScoped) head.push(`#   ${p.input.version}-cluster-scoped  ${d.clusterScoped}`);
    head.push(`#   ${p.input.version}-workload        ${d.workload}`);
    if (p.inputs) {
      head.push("# inputs:");
      for (const [k, v] of _sortedInputs(p.inputs)) head.push(`#   ${k} ${v}`);
    }
  }
  return `${head.join("\n")}\n${toYaml(cr)}`;
}
