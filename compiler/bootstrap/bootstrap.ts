/**
 * `compiler bootstrap` (compiler.md §3): ClusterInput → per-node machine-config Secrets, TalosCluster
 * CR, bootstrap sequence, and on import the tenant Namespace and talosconfig Secret; plus the secrets
 * bundle and an admin talosconfig (DECISIONS). Paths F (fresh PKI), A (PKI from a local init-node
 * config), B (from the live cluster's `seam-mc-*` Secret), C (talosconfig only).
 *
 * Every check runs before anything is written; the whole output tree is written atomically
 * (shared/atomic_write.ts), which improves on upstream's partial output (§2.5, §10).
 */
import { isAbsolute, resolve } from "node:path";
import { type ClusterInput, ClusterInputSchema, validateInput } from "../../schemas/mod.ts";
import { type Clock, clockFromSourceDateEpoch, fixedClock } from "../../shared/clock.ts";
import { cryptoRandom, type RandomSource, seededRandom } from "../../shared/rand.ts";
import { InputError, SeamError, ValidationError } from "../../shared/errors.ts";
import { readYamlFile, type SourceDoc, toYaml } from "../../shared/yaml_io.ts";
import {
  bundleFromMachineConfig,
  endpointOfMachineConfig,
  generateAdminTalosconfig,
  generateMachineConfig,
  generateSecretsBundle,
  installDiskOfMachineConfig,
  loadPatch,
  type MachineType,
  type SecretsBundle,
  SecretsBundleError,
  serializeSecretsBundle,
} from "../talos/mod.ts";
import { type InputRef, type ReportRequest, writeTreeWithReport } from "../report/mod.ts";
import { findMachineConfigSecret, kubeSecretReader, type SecretReader } from "./cluster_read.ts";
import {
  CILIUM_PATCH,
  FILES,
  machineConfigSecretName,
  resolveKubernetesVersion,
  resolveTalosconfigPath,
  stripScheme,
  talosconfigSecretName,
  talosMinor,
  tenantNamespace,
} from "./derive.ts";
import { KeyMaterial, loadSecretsBundleFile } from "./key_material.ts";
import {
  nodeSecret,
  sequenceConfigMap,
  talosClusterCr,
  talosconfigSecret,
  tenantNamespaceDoc,
} from "./objects.ts";

/** Instant used with `--seed` when SOURCE_DATE_EPOCH is not set (reproducible demos and fixtures). */
export const SEEDED_EPOCH = "2026-01-01T00:00:00Z";

export type BootstrapPath = "F" | "A" | "B" | "C";

export interface BootstrapOptions {
  /** --input, relative to cwd. */
  input: string;
  /** --output, relative to cwd. */
  output: string;
  cwd: string;
  env: (name: string) => string | undefined;
  kubeconfig?: string | undefined;
  talosconfig?: string | undefined;
  secrets?: string | undefined;
  ageRecipients?: readonly string[];
  ageIdentity?: string | undefined;
  unencrypted?: boolean;
  seed?: string | undefined;
  warn?: (message: string) => void;
  /** Test hook: RSA size of a fresh service-account key (Talos: 4096). */
  serviceAccountKeyBits?: number;
  /** Test hook: replaces the kubeconfig-based Secret reader of Path B. */
  secretReader?: SecretReader;
  /** Compile report (--report / $COMPILER_REPORT), written with the outputs (compiler/report/). */
  report?: ReportRequest | undefined;
}

export interface BootstrapResult {
  path: BootstrapPath;
  outDir: string;
  /** Every file of the output, sorted. */
  files: string[];
  written: string[];
  unchanged: string[];
  encrypted: boolean;
  /** Absolute path of the compile report, when one was written. */
  report?: string;
}

interface Node {
  hostname: string;
  ip: string;
  role: MachineType;
}

function abs(cwd: string, p: string): string {
  return isAbsolute(p) ? p : resolve(cwd, p);
}

function at(doc: SourceDoc, path: (string | number)[], dotted: string) {
  const { line, column } = doc.positionOf(path);
  return { file: doc.file, line, column, path: dotted };
}

function why(e: unknown): string {
  if (e instanceof SecretsBundleError) return e.issues.join("; ");
  if (e instanceof Deno.errors.NotFound) return "file not found";
  return e instanceof Error ? e.message : String(e);
}

/** Chooses clock and randomness: SOURCE_DATE_EPOCH pins time, --seed pins randomness (and time). */
export function runClockAndRandom(seed: string | undefined, env: (n: string) => string | undefined): {
  clock: Clock;
  random: RandomSource;
} {
  const sde = env("SOURCE_DATE_EPOCH");
  const clock = sde !== undefined && sde.trim() !== ""
    ? clockFromSourceDateEpoch(sde)
    : seed
    ? fixedClock(SEEDED_EPOCH)
    : clockFromSourceDateEpoch(undefined);
  return { clock, random: seed ? seededRandom(seed) : cryptoRandom() };
}

export async function runBootstrap(o: BootstrapOptions): Promise<BootstrapResult> {
  const warn = o.warn ?? (() => {});
  const inputPath = abs(o.cwd, o.input);
  const outDir = abs(o.cwd, o.output);

  // Stage 1: read and validate the input (every issue at once, with positions).
  const doc = await readYamlFile(inputPath);
  const inputs: InputRef[] = [{ path: o.input }];
  const validated = validateInput(ClusterInputSchema, doc);
  for (const w of validated.warnings) warn(w.describe());
  const input = validated.value as ClusterInput;
  const name = input.name;

  // Stage 2: path selection (§3.4).
  const importing = input.importExistingCluster === true;
  const mcp = input.machineConfigPaths ?? {};
  const nodes = (input.bootstrap?.nodes ?? []) as Node[];
  let path: BootstrapPath = !importing
    ? "F"
    : Object.keys(mcp).length > 0
    ? "A"
    : nodes.length > 0
    ? "B"
    : "C";

  if (o.secrets && importing) {
    throw new InputError(
      "--secrets reuses the bundle of a cluster this compiler bootstrapped (mode: bootstrap)",
      {
        code: "SecretsWithImport",
        hint:
          "an import takes its PKI from the existing cluster (machineConfigPaths or its seam-mc Secret); drop --secrets",
      },
    );
  }
  if (o.unencrypted) {
    warn(
      "--unencrypted: machine configs, the secrets bundle and the talosconfig are written in PLAINTEXT; keep them out of Git",
    );
  }
  if (o.seed) warn("--seed: generated keys are derived from the seed; use it for demos and tests only");

  const { clock, random } = runClockAndRandom(o.seed, o.env);
  const km = await KeyMaterial.create({
    outDir,
    cwd: o.cwd,
    env: o.env,
    recipientFlags: o.ageRecipients ?? [],
    identityFlag: o.ageIdentity,
    unencrypted: o.unencrypted === true,
    clock,
    random,
  });
  // Before any cluster read: key material must be encryptable (or --unencrypted).
  km.preflight(path === "C" ? [FILES.talosconfigSecret(name)] : [FILES.secretsBundle(name)]);

  const files = new Map<string, string>();
  const addKeyFile = async (file: string, text: string) => {
    files.set(file, await km.render(file, text, text));
  };

  // Path B reads the cluster; NotFound falls back to Path C.
  let clusterConfig: string | undefined;
  const initNode = nodes.find((n) => n.role === "init");
  if (path === "B") {
    const secretName = machineConfigSecretName(name, initNode!.hostname);
    let reader = o.secretReader;
    let origin = "the injected reader";
    if (!reader) {
      const { loadKubeconfig } = await import("../../shared/kubeconfig.ts");
      const kc = loadKubeconfig({ flag: o.kubeconfig, env: o.env });
      inputs.push({ path: kc.path, credential: true });
      origin = `kubeconfig ${JSON.stringify(kc.path)} (from ${kc.origin})`;
      reader = kubeSecretReader(kc.kubeConfig, origin);
    }
    const found = await findMachineConfigSecret(reader, [tenantNamespace(name), "seam-system"], secretName);
    if (found === undefined) {
      warn(
        `Secret ${secretName} was found in neither ${
          tenantNamespace(name)
        } nor seam-system through ${origin}; importing with the talosconfig only (Path C)`,
      );
      path = "C";
    } else {
      clusterConfig = found.machineConfig;
    }
  }

  if (path === "C") return await writeTalosconfigOnly(o, input, outDir, km, files, addKeyFile, inputs);

  // Stage 3/4: derivations; bootstrap-specific problems carry the input file position.
  const boot = input.bootstrap!;
  const talosVersion = boot.talosVersion!;
  const issues: SeamError[] = [];
  const mcpText = new Map<string, string>();
  const readMcp = async (hostname: string): Promise<string | undefined> => {
    if (mcpText.has(hostname)) return mcpText.get(hostname);
    const p = abs(o.cwd, mcp[hostname]!);
    try {
      const text = await Deno.readTextFile(p);
      mcpText.set(hostname, text);
      inputs.push({ path: mcp[hostname]! });
      return text;
    } catch (e) {
      issues.push(
        new InputError(`cannot read machine config ${JSON.stringify(mcp[hostname])}: ${why(e)}`, {
          ...at(doc, ["machineConfigPaths", hostname], `machineConfigPaths.${hostname}`),
          code: "MachineConfigUnreadable",
          hint: "a path relative to the working directory, to that node's Talos machine config",
        }),
      );
      return undefined;
    }
  };
  // The derivation source: the init node, else the first control-plane node, with a map entry.
  const ordered = [
    ...nodes.filter((n) => n.role === "init"),
    ...nodes.filter((n) => n.role === "controlplane"),
  ];
  const source = ordered.find((n) => n.hostname in mcp);

  let endpoint = boot.controlPlaneEndpoint;
  let installDisk = boot.installDisk;
  if (source && (endpoint === undefined || installDisk === undefined)) {
    const text = await readMcp(source.hostname);
    if (text !== undefined) {
      const where = at(doc, ["machineConfigPaths", source.hostname], `machineConfigPaths.${source.hostname}`);
      try {
        if (endpoint === undefined) {
          endpoint = endpointOfMachineConfig(text);
          if (endpoint === undefined) {
            issues.push(
              new InputError(
                `${mcp[source.hostname]} has no cluster.controlPlane.endpoint to derive the endpoint from`,
                {
                  ...where,
                  hint: "set bootstrap.controlPlaneEndpoint",
                },
              ),
            );
          }
        }
        if (installDisk === undefined) installDisk = installDiskOfMachineConfig(text) || undefined;
      } catch (e) {
        issues.push(new InputError(`${mcp[source.hostname]}: ${why(e)}`, where));
      }
    }
  }
  installDisk ??= "/dev/sda";

  let kubernetesVersion = "";
  try {
    talosMinor(talosVersion);
    kubernetesVersion = resolveKubernetesVersion(talosVersion, boot.kubernetesVersion);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    issues.push(
      new InputError(e.message, { ...at(doc, ["bootstrap", "talosVersion"], e.path ?? ""), hint: e.hint }),
    );
  }

  // Patches are checked up front, each at its position in the input.
  const userPatches = input.patches ?? [];
  userPatches.forEach((p, i) => {
    try {
      loadPatch(p);
    } catch (e) {
      issues.push(
        new InputError(`invalid Talos config patch: ${why(e)}`, at(doc, ["patches", i], `patches[${i}]`)),
      );
    }
  });

  // PKI (§3.6).
  let bundle: SecretsBundle | undefined;
  if (path === "A") {
    const text = await readMcp(initNode!.hostname);
    if (text !== undefined) {
      try {
        bundle = bundleFromMachineConfig(text);
      } catch (e) {
        issues.push(
          new InputError(
            `cannot take the cluster PKI from ${JSON.stringify(mcp[initNode!.hostname])}: ${why(e)}`,
            {
              ...at(
                doc,
                ["machineConfigPaths", initNode!.hostname],
                `machineConfigPaths.${initNode!.hostname}`,
              ),
              hint: "map the init node to its own (init or control-plane) machine config",
            },
          ),
        );
      }
    }
  } else if (path === "B") {
    try {
      bundle = bundleFromMachineConfig(clusterConfig!);
    } catch (e) {
      throw new InputError(
        `cannot take the cluster PKI from Secret ${machineConfigSecretName(name, initNode!.hostname)}: ${
          why(e)
        }`,
      );
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, issues.length > 1 ? { file: doc.file } : {});
  if (endpoint === undefined) {
    throw new InputError("bootstrap.controlPlaneEndpoint is required when it cannot be derived", {
      ...at(doc, ["bootstrap"], "bootstrap.controlPlaneEndpoint"),
    });
  }
  if (path === "F") {
    if (o.secrets) {
      inputs.push({ path: o.secrets });
      if (o.ageIdentity) inputs.push({ path: o.ageIdentity, credential: true });
    }
    bundle = o.secrets
      ? await loadSecretsBundleFile(abs(o.cwd, o.secrets), km)
      : await generateSecretsBundle({
        contract: talosVersion,
        clock,
        random: random.fork("talos-secrets"),
        // Without --seed the key comes from crypto randomness: the fast prime search (keys.ts).
        rsaSearch: o.seed ? "deterministic" : "fast",
        ...(o.serviceAccountKeyBits ? { serviceAccountKeyBits: o.serviceAccountKeyBits } : {}),
      });
  }

  // Machine configs, in input order (§3.7). Mirrors go through the generator (lower-case Talos keys,
  // and RegistryMirrorConfig documents on v1.12), the cilium patch and the user's patches follow.
  const mirrors: Record<string, string[]> = {};
  for (const m of input.registryMirrors ?? []) mirrors[m.registry] = [...m.endpoints];
  const patches = [...(input.ciliumPrerequisites ? [CILIUM_PATCH] : []), ...userPatches];
  const installImage = boot.installerImage || `ghcr.io/siderolabs/installer:${talosVersion}`;
  const step1: string[] = [];
  if (importing) step1.push(FILES.namespace);
  for (const node of nodes) {
    let config: string;
    const base = {
      machineType: node.role,
      contract: talosVersion,
      clusterName: name,
      endpoint,
      kubernetesVersion,
      secrets: bundle!,
      installDisk,
      installImage,
      registryMirrors: mirrors,
    };
    try {
      config = generateMachineConfig({ ...base, patches });
    } catch (e) {
      // Find the patch that fails, for the message.
      let index = -1;
      for (let i = 1; i <= patches.length && index < 0; i++) {
        try {
          generateMachineConfig({ ...base, patches: patches.slice(0, i) });
        } catch {
          index = i - 1;
        }
      }
      const userIndex = index - (input.ciliumPrerequisites ? 1 : 0);
      throw new InputError(
        index < 0
          ? `generate the machine config of node ${JSON.stringify(node.hostname)}: ${why(e)}`
          : `apply patch ${index} to node ${JSON.stringify(node.hostname)}: ${why(e)}`,
        userIndex >= 0 ? at(doc, ["patches", userIndex], `patches[${userIndex}]`) : {},
      );
    }
    const file = FILES.nodeSecret(name, node.hostname);
    await addKeyFile(file, toYaml(nodeSecret(name, node.hostname, node.role, config)));
    step1.push(file);
  }

  // Talosconfig: the user's on import when readable (verbatim, §3.8c), else an admin one minted from
  // the OS CA (DECISIONS: fresh clusters get one; upstream wrote none, §12 G2).
  const cpIps = nodes.filter((n) => n.role !== "worker").map((n) => n.ip);
  let talosconfig: string | undefined;
  if (importing) {
    const tc = resolveTalosconfigPath(o.talosconfig, o.env);
    if (tc) {
      try {
        talosconfig = await Deno.readTextFile(abs(o.cwd, tc.path));
        inputs.push({ path: tc.path, credential: true });
      } catch (e) {
        warn(
          `talosconfig ${JSON.stringify(tc.path)} (from ${tc.origin}) is not readable (${
            why(e)
          }); minting an admin talosconfig from the imported OS CA instead`,
        );
      }
    }
  }
  talosconfig ??= await generateAdminTalosconfig({
    clusterName: name,
    endpoints: cpIps,
    osCa: bundle!.certs.os,
    now: clock.now(),
    random: random.fork("admin-talosconfig"),
  });
  await addKeyFile(FILES.talosconfigSecret(name), toYaml(talosconfigSecret(name, talosconfig)));
  step1.push(FILES.talosconfigSecret(name));
  await addKeyFile(FILES.talosconfig(name), talosconfig);
  await addKeyFile(FILES.secretsBundle(name), serializeSecretsBundle(bundle!));

  if (importing) files.set(FILES.namespace, toYaml(tenantNamespaceDoc(name)));
  const crFile = FILES.cr(name);
  files.set(
    crFile,
    toYaml(talosClusterCr({
      input,
      mode: importing ? "import" : "bootstrap",
      talosVersion,
      kubernetesVersion,
      clusterEndpoint: stripScheme(endpoint),
      withCapi: true,
      talosconfigSecretRef: talosconfigSecretName(name),
      nodeAddresses: nodes.map((n) => n.ip),
    })),
  );
  files.set(FILES.sequence, toYaml(sequenceConfigMap(name, importing, step1, crFile)));
  return await finish(path, o, outDir, files, km, inputs);
}

async function writeTalosconfigOnly(
  o: BootstrapOptions,
  input: ClusterInput,
  outDir: string,
  km: KeyMaterial,
  files: Map<string, string>,
  addKeyFile: (file: string, text: string) => Promise<void>,
  inputs: InputRef[],
): Promise<BootstrapResult> {
  const name = input.name;
  const tc = resolveTalosconfigPath(o.talosconfig, o.env);
  if (!tc) {
    throw new InputError("a talosconfig is required to import without machine configs, and none resolves", {
      code: "TalosconfigMissing",
      hint: "pass --talosconfig <path> or set TALOSCONFIG",
    });
  }
  let talosconfig: string;
  try {
    talosconfig = await Deno.readTextFile(abs(o.cwd, tc.path));
    inputs.push({ path: tc.path, credential: true });
  } catch (e) {
    throw new InputError(`talosconfig (from ${tc.origin}) is not readable: ${why(e)}`, {
      file: tc.path,
      code: "TalosconfigUnreadable",
      hint: "the talosconfig-only import copies it into the talosconfig Secret",
    });
  }
  files.set(FILES.namespace, toYaml(tenantNamespaceDoc(name)));
  await addKeyFile(FILES.talosconfigSecret(name), toYaml(talosconfigSecret(name, talosconfig)));
  const boot = input.bootstrap;
  let kubernetesVersion: string | undefined;
  if (boot) {
    kubernetesVersion = boot.kubernetesVersion;
    if (!kubernetesVersion && boot.talosVersion) {
      try {
        kubernetesVersion = resolveKubernetesVersion(boot.talosVersion, undefined);
      } catch {
        kubernetesVersion = "";
      }
    }
  }
  files.set(
    FILES.cr(name),
    toYaml(talosClusterCr({
      input,
      mode: "import",
      talosVersion: boot ? boot.talosVersion ?? "" : undefined,
      kubernetesVersion: boot ? kubernetesVersion ?? "" : undefined,
      clusterEndpoint: boot ? stripScheme(boot.controlPlaneEndpoint ?? "") : undefined,
      withCapi: false,
      talosconfigSecretRef: talosconfigSecretName(name),
      nodeAddresses: (boot?.nodes ?? []).map((n) => n.ip),
    })),
  );
  return await finish("C", o, outDir, files, km, inputs);
}

async function finish(
  path: BootstrapPath,
  o: BootstrapOptions,
  outDir: string,
  files: Map<string, string>,
  km: KeyMaterial,
  inputs: readonly InputRef[],
): Promise<BootstrapResult> {
  // The report (when asked for) lands in the same atomic step when it lies inside outDir.
  const r = await writeTreeWithReport(outDir, files, o.report, {
    inputs,
    outputDir: o.output,
    encrypted: km.encrypted,
  });
  return {
    ...(r.report !== undefined ? { report: r.report } : {}),
    path,
    outDir,
    files: [...files.keys()].sort(),
    written: r.written,
    unchanged: r.unchanged,
    encrypted: km.encrypted,
  };
}
