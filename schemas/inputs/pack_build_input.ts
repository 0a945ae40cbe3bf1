/**
 * PackBuildInput — the file `compiler packbuild --input` reads (spec/compiler.md §6.2–§6.3).
 *
 * All of §6.3 is checked in one pass (not first-failure): `category` against the source blocks,
 * `registryUrl` for every path, `digest` for pre-built packs. Beyond upstream: names are DNS-1123,
 * `version` must be usable as the prefix of an OCI tag, digests must be OCI digests, the chart URL
 * scheme must be one the compiler fetches, and several source blocks without `category`, fields a
 * path ignores and the unimplemented `registryCredentialsSecret` are warnings.
 *
 * No defaults, no transforms (the namespace default of DECISIONS.md / api.md U8 is the compiler's).
 */
import { z } from "zod";
import {
  ALWAYS,
  asArray,
  asRecord,
  asString,
  dnsLabel,
  dnsSubdomain,
  field,
  type IssueSink,
  ociRepository,
  oneOf,
  patterned,
  quote,
  report,
  text,
  urlWithScheme,
} from "./fields.ts";

export const PACK_CATEGORIES = ["helm", "kustomize", "raw"] as const;
export type PackCategory = (typeof PACK_CATEGORIES)[number];

/** Source blocks in dispatch priority (§6.4): helm > raw > kustomize. */
export const PACK_SOURCE_KEYS = ["helmSource", "rawSource", "kustomizeSource"] as const;
export type PackSourceKey = (typeof PACK_SOURCE_KEYS)[number];
export const SOURCE_OF_CATEGORY: Readonly<Record<PackCategory, PackSourceKey>> = {
  helm: "helmSource",
  raw: "rawSource",
  kustomize: "kustomizeSource",
};

/** Fields only the pre-built path reads. */
const PREBUILT_ONLY = ["digest", "checksum", "rbacDigest", "clusterScopedDigest", "workloadDigest"] as const;

/** The longest tag suffix packbuild appends to `version` is `-cluster-scoped`; OCI tags hold 128 characters. */
const VERSION_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9._-]{0,112}$";
const DIGEST_PATTERN = "^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$";
const DIGEST_HINT = 'an OCI digest "sha256:" followed by 64 lower-case hex digits';

function digest(description: string) {
  return patterned("digest", description, DIGEST_PATTERN, DIGEST_HINT);
}

function relPath(what: string, description: string) {
  return text(what, description, "a file or directory path, relative to the input file's directory");
}

export const HelmSourceSchema = z.looseObject({
  url: urlWithScheme(
    "chart URL",
    "Chart archive (.tgz) to render: http://, https:// or file://.",
    ["http", "https", "file"],
    "an http://, https:// or file:// URL of a chart .tgz (oci:// and repository lookups are not supported)",
  ),
  chart: text("chart name", "Release name for rendering; default the chart's own name (→ spec.chartName).")
    .optional(),
  version: text("chart version", "Chart version, recorded as spec.chartVersion only.").optional(),
  valuesFile: relPath("values file", "Helm values file, relative to the input file's directory.").optional(),
  namespace: dnsLabel("namespace", "`.Release.Namespace` for rendering; default `default`.").optional(),
  registryCredentialsSecret: text("secret name", "Accepted for compatibility; not implemented (ignored).")
    .optional(),
  helmVersion: text("Helm version", "Overrides spec.helmVersion; default the Helm engine's version.")
    .optional(),
}).meta({ description: "Render a Helm chart (helm path)." });

export const RawSourceSchema = z.looseObject({
  path: relPath(
    "manifest directory",
    "Directory of .yaml/.yml manifests, relative to the input file's directory.",
  ),
}).meta({ description: "Pack a directory of plain manifests (raw path)." });

export const KustomizeSourceSchema = z.looseObject({
  path: relPath(
    "kustomization directory",
    "Kustomization directory, relative to the input file's directory.",
  ),
}).meta({ description: "Build a kustomization (kustomize path)." });

const PackBuildInputObject = z.looseObject({
  name: dnsSubdomain("pack name", "PackDelivery name and output file name `<name>.yaml`."),
  namespace: dnsLabel("namespace", "PackDelivery namespace; default `seam-tenant-<first target cluster>`.")
    .optional(),
  version: patterned(
    "version",
    "Pack version: spec.version and the prefix of the pushed OCI tags (`<version>-rbac`, …).",
    VERSION_PATTERN,
    'letters, digits, ".", "_" and "-" (it prefixes OCI tags), at most 113 characters, e.g. "v1.14.0-r1"',
  ),
  registryUrl: ociRepository("registry URL", "OCI repository for every layer, `host[:port]/repo/path`.")
    .optional(),
  digest: digest("Pre-built: digest of the single layer (spec.registryRef.digest).").optional(),
  checksum: text("checksum", "Pre-built: spec.checksum.").optional(),
  sourceBuildRef: text("source build reference", "Opaque provenance → spec.sourceBuildRef.").optional(),
  targetClusters: z.array(dnsLabel("cluster name", "A target cluster (TalosCluster name).")).meta({
    description: "Clusters the pack is delivered to (→ spec.targetClusters).",
  }).optional(),
  rbacDigest: digest("Pre-built: digest of the RBAC layer.").optional(),
  clusterScopedDigest: digest("Pre-built: digest of the cluster-scoped layer.").optional(),
  workloadDigest: digest("Pre-built: digest of the workload layer.").optional(),
  basePackName: dnsSubdomain("base pack name", "Version-independent pack family name (→ spec.basePackName).")
    .optional(),
  valuesFile: text(
    "values file",
    "Informational → spec.valuesFile (the helm path uses helmSource.valuesFile).",
  )
    .optional(),
  category: oneOf("category", "Which source block to build from; optional discriminator.", PACK_CATEGORIES)
    .optional(),
  helmSource: HelmSourceSchema.optional(),
  rawSource: RawSourceSchema.optional(),
  kustomizeSource: KustomizeSourceSchema.optional(),
});

/** Cross-field rules of §6.3 (plus the warnings §6.3 recommends). Runs even when field types are wrong. */
export function packBuildInputRules(value: unknown, ctx: IssueSink): void {
  const v = asRecord(value);
  if (!v) return;
  const present = PACK_SOURCE_KEYS.filter((k) => v[k] !== undefined);
  const category = asString(v.category);
  const known = category !== undefined && (PACK_CATEGORIES as readonly string[]).includes(category);

  if (known) {
    const wanted = SOURCE_OF_CATEGORY[category as PackCategory];
    if (v[wanted] === undefined) {
      report(
        ctx,
        ["category"],
        `category is ${quote(category)} but ${wanted} is missing`,
        `add a ${wanted} block, or change category to match the source block you have`,
      );
    }
    for (const key of present) {
      if (key === wanted) continue;
      report(
        ctx,
        [key],
        `${key} does not match category ${quote(category)}`,
        `remove ${key}, or change category to ${categoryOf(key)}`,
      );
    }
  } else if (category === undefined && present.length > 1) {
    report(
      ctx,
      [present[1]!],
      `several source blocks are set (${present.join(", ")}); ${
        present[0]
      } is used and the others are ignored`,
      "set category to choose explicitly, or remove the unused blocks",
      "warning",
    );
  }

  const source = known ? SOURCE_OF_CATEGORY[category as PackCategory] : present[0];
  if (v.registryUrl === undefined) {
    report(
      ctx,
      ["registryUrl"],
      source
        ? `required field is missing: the ${source} build pushes its layers there`
        : "required field is missing: it names the registry holding the pre-built layers",
      'an OCI repository host[:port]/repo/path, e.g. "10.0.0.1:5000/ontai-dev/packs/my-pack"',
    );
  }

  if (source === undefined) {
    if (v.digest === undefined && (v.rbacDigest === undefined || v.workloadDigest === undefined)) {
      report(
        ctx,
        ["digest"],
        "required field is missing: a pre-built pack (no helmSource, rawSource or kustomizeSource) needs digest, or both rbacDigest and workloadDigest",
        `${DIGEST_HINT}; or add a source block to build the pack`,
      );
    }
  } else {
    const ignored = PREBUILT_ONLY.filter((k) => v[k] !== undefined);
    if (ignored.length > 0) {
      report(
        ctx,
        [ignored[0]!],
        `ignored when building from ${source} (set: ${ignored.join(", ")}); the build computes the digests`,
        "remove them, or remove the source block to describe a pre-built pack",
        "warning",
      );
    }
  }

  const helm = asRecord(v.helmSource);
  if (helm && source === "helmSource") {
    if (v.valuesFile !== undefined) {
      report(
        ctx,
        ["valuesFile"],
        "ignored on the helm path; helmSource.valuesFile is the values file used",
        "move it to helmSource.valuesFile",
        "warning",
      );
    }
  }
  if (helm && helm.registryCredentialsSecret !== undefined) {
    report(
      ctx,
      ["helmSource", "registryCredentialsSecret"],
      "not implemented: the chart is fetched without credentials",
      "remove it, or serve the chart from a location that needs no credentials",
      "warning",
    );
  }

  const targets = asArray(v.targetClusters);
  if (targets) {
    const seen = new Map<string, number>();
    targets.forEach((t, i) => {
      if (typeof t !== "string") return;
      const first = seen.get(t);
      if (first === undefined) seen.set(t, i);
      else {
        report(
          ctx,
          ["targetClusters", i],
          `duplicate target cluster ${quote(t)}: already listed at targetClusters[${first}]`,
          "list each cluster once",
        );
      }
    });
  }
}

function categoryOf(key: PackSourceKey): PackCategory {
  return (Object.entries(SOURCE_OF_CATEGORY) as [PackCategory, PackSourceKey][]).find(([, k]) =>
    k === key
  )![0];
}

export const PackBuildInputSchema = field(
  PackBuildInputObject.superRefine(packBuildInputRules, ALWAYS).meta({
    title: "PackBuildInput",
    description:
      "Input of `compiler packbuild`: a pack built from a Helm chart, a kustomization or raw manifests, or a pre-built pack. spec/compiler.md §6.2.",
  }),
  {
    what: "PackBuildInput",
    hint:
      "a mapping with at least name, version and registryUrl (see schemas/json/pack-build-input.schema.json)",
  },
);

export type PackBuildInput = z.infer<typeof PackBuildInputSchema>;
export type HelmSource = z.infer<typeof HelmSourceSchema>;
export type RawSource = z.infer<typeof RawSourceSchema>;
export type KustomizeSource = z.infer<typeof KustomizeSourceSchema>;
