/**
 * `compiler enable` (compiler.md §5): options → phases → files → one atomic write. Nothing touches
 * the output directory until every file, including the signing key, is ready (a port improvement
 * over upstream's partial writes, compiler.md §2.5/§10).
 */
import { basename, dirname, resolve } from "node:path";
import { InputError, IoError } from "../../shared/errors.ts";
import { clockFromSourceDateEpoch } from "../../shared/clock.ts";
import { cryptoRandom } from "../../shared/rand.ts";
import { KeyMaterial } from "../bootstrap/key_material.ts";
import { writeTreeAtomically } from "../../shared/atomic_write.ts";
import { toYamlStream } from "../../shared/yaml_io.ts";
import { dns1123LabelProblem } from "./dns.ts";
import { meta, type Obj, SIGNING_SECRET } from "./builders.ts";
import {
  CLUSTER_ROLES,
  type ClusterRole,
  DEFAULT_REGISTRY,
  DEFAULT_VERSION,
  MANAGED_BY,
  ONT_SYSTEM,
  OPERATORS,
  SEAM_SYSTEM,
  tenantNamespace,
} from "./operators.ts";
import { buildPhases, type EnableOptions, type Phase, type PhaseFile } from "./phases.ts";
import {
  checkPublicKeyPem,
  generateSigningKey,
  signingKeyFromPem,
  type SigningKeyPair,
} from "./signing_key.ts";

export const SIGNING_KEY_FILE = "conductor-signing-key.yaml";

export interface EnableRequest {
  output: string;
  version?: string | undefined;
  registry?: string | undefined;
  capi?: boolean | undefined;
  clusterName?: string | undefined;
  clusterRole?: string | undefined;
  dsnsIp?: string | undefined;
  managementSigningPublicKey?: string | undefined;
  signingPrivateKey?: string | undefined;
  outputPublicKey?: string | undefined;
  /** `--age-recipient` (repeatable): SOPS/age recipients of the signing key file. */
  ageRecipients?: readonly string[] | undefined;
  /** `--age-identity`: decrypts an existing signing key file so an unchanged one keeps its bytes. */
  ageIdentity?: string | undefined;
  /** `--unencrypted`: write the management signing key in plaintext (warned). */
  unencrypted?: boolean | undefined;
  /** Environment (SOPS_AGE_RECIPIENTS, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, SOURCE_DATE_EPOCH); default none. */
  env?: ((name: string) => string | undefined) | undefined;
  warn?: ((message: string) => void) | undefined;
}

export interface EnableResult {
  outDir: string;
  files: string[];
  /** Absolute path of the public key file, when `--output-public-key` was given. */
  publicKeyPath?: string;
  /** How the signing key file was written: SOPS-encrypted, plaintext (--unencrypted), or public only (tenant). */
  signingKey: "encrypted" | "plaintext" | "public";
}

export interface EnableIo {
  readTextFile(path: string): Promise<string>;
  /** Key source; default a fresh WebCrypto key pair. */
  generateKey?: () => Promise<SigningKeyPair>;
}

const _defaultIo: EnableIo = { readTextFile: (p) => Deno.readTextFile(p) };

/** Pre-flight checks (compiler.md §5.1, D-E1), before anything is read or written. */
export function resolveOptions(req: EnableRequest): EnableOptions {
  const role = req.clusterRole ?? "management";
  if (!(CLUSTER_ROLES as readonly string[]).includes(role)) {
    throw new InputError(`invalid --cluster-role ${JSON.stringify(role)}: want management or tenant`, {
      code: "ClusterRoleInvalid",
    });
  }
  const clusterName = req.clusterName ?? "";
  if (role === "tenant") {
    if (!req.managementSigningPublicKey) {
      throw new InputError("--management-signing-public-key is required when --cluster-role is tenant");
    }
    if (req.signingPrivateKey) {
      throw new InputError(
        "--signing-private-key is for management clusters only (tenants receive only the public key)",
      );
    }
    if (req.outputPublicKey) throw new InputError("--output-public-key is for management clusters only");
    if (clusterName === "") {
      throw new InputError(
        "--cluster-name is required when --cluster-role is tenant (it is the Conductor's CLUSTER_REF)",
      );
    }
  }
  if (clusterName !== "") {
    const why = dns1123LabelProblem(tenantNamespace(clusterName));
    if (why) {
      throw new InputError(
        `invalid --cluster-name ${JSON.stringify(clusterName)}: the namespace ${
          JSON.stringify(tenantNamespace(clusterName))
        } ${why}`,
      );
    }
  }
  return {
    registry: req.registry || DEFAULT_REGISTRY,
    version: req.version || DEFAULT_VERSION,
    capi: req.capi ?? false,
    clusterName,
    role: role as ClusterRole,
    dsnsIp: req.dsnsIp ?? "",
  };
}

async function _read(io: EnableIo, path: string, what: string): Promise<string> {
  try {
    return await io.readTextFile(path);
  } catch (cause) {
    throw new InputError(
      `cannot read ${what} ${JSON.stringify(path)}: ${cause instanceof Error ? cause.message : cause}`,
      {
        cause,
        code: "FileUnreadable",
      },
    );
  }
}

function _keyLabels(): Record<string, string> {
  return {
    "app.kubernetes.io/name": OPERATORS.conductor.name,
    "app.kubernetes.io/component": "signing",
    "ontai.dev/managed-by": MANAGED_BY,
  };
}

/** The 04 signing key file (§5.8) and, for management, the key pair used. */
export async function signingKeyFile(
  o: EnableOptions,
  req: EnableRequest,
  io: EnableIo = _defaultIo,
): Promise<{ file: PhaseFile; pair?: SigningKeyPair }> {
  if (o.role === "tenant") {
    const path = req.managementSigningPublicKey!;
    const pem = await checkPublicKeyPem(await _read(io, path, "management signing public key"), path);
    const secret: Obj = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(SIGNING_SECRET, ONT_SYSTEM, _keyLabels(), {
        "ontai.dev/key-source": "management-cluster-public-key",
      }),
      stringData: { "public.pem": pem },
    };
    return {
      file: {
        name: SIGNING_KEY_FILE,
        header: [
          "The management cluster's Ed25519 public key: the tenant Conductor verifies signed artefacts with it.",
        ],
        docs: [secret],
      },
    };
  }
  const pair = req.signingPrivateKey
    ? await signingKeyFromPem(
      await _read(io, req.signingPrivateKey, "signing private key"),
      req.signingPrivateKey,
    )
    : await (io.generateKey ?? generateSigningKey)();
  const secret: Obj = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(SIGNING_SECRET, ONT_SYSTEM, _keyLabels(), {
      "ontai.dev/rotate-via": "compiler enable --signing-private-key=<path> --output-public-key=<path>",
    }),
    stringData: { "private.pem": pair.privatePem, "public.pem": pair.publicPem },
  };
  return {
    file: {
      name: SIGNING_KEY_FILE,
      header: [
        "The management Conductor's Ed25519 signing key (PKCS#8 private, SPKI public). KEY MATERIAL.",
        req.unencrypted
          ? "Written in PLAINTEXT (--unencrypted): keep it out of Git."
          : "SOPS/age-encrypted (stringData): apply with  sops -d conductor-signing-key.yaml | kubectl apply -f -",
        req.signingPrivateKey
          ? `Built from ${
            basename(req.signingPrivateKey)
          }; re-running with the same key file gives the same bytes.`
          : "A fresh key is generated on every run unless --signing-private-key is given.",
      ],
      docs: [secret],
    },
    pair,
  };
}

export function phaseMeta(p: Phase): string {
  for (const f of p.files) {
    // `kubectl apply -f` fails on a file without objects: never list one (or emit it at all).
    if (f.raw === undefined && f.docs.length === 0) {
      throw new Error(`internal: ${p.dir}/${f.name} holds no object`);
    }
  }
  const applyOrder = p.files.filter((f) => !f.patch).map((f) => f.name);
  const patches = p.files.filter((f) => f.patch).map((f) => f.name);
  const data: Record<string, string> = {
    phase: p.phase,
    order: p.order,
    readinessGate: p.gate,
    applyOrder: applyOrder.join(","),
  };
  if (patches.length > 0) data.patches = patches.join(",");
  const cm: Obj = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(`seam-phase-${p.phase}-meta`, SEAM_SYSTEM, {
      "seam.ontai.dev/phase": p.phase,
      "seam.ontai.dev/phase-order": p.order,
    }),
    data,
  };
  return toYamlStream([cm], [
    `Phase ${p.order} (${p.phase}): apply the files listed in data.applyOrder, in that order.`,
    ...(patches.length > 0
      ? [`data.patches lists strategic-merge patches (kubectl patch), not objects to apply.`]
      : []),
  ]);
}

export function renderFile(f: PhaseFile): string {
  if (f.raw !== undefined) return f.raw;
  return toYamlStream(f.docs, f.header);
}

/** Every output file (relative path → text), phases in apply order. */
export function renderPhases(phases: readonly Phase[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of phases) {
    for (const f of p.files) files.set(`${p.dir}/${f.name}`, renderFile(f));
    files.set(`${p.dir}/phase-meta.yaml`, phaseMeta(p));
  }
  return files;
}

/** Builds the whole bundle in memory. */
export async function buildEnableBundle(
  req: EnableRequest,
  io: EnableIo = _defaultIo,
  cwd?: string,
): Promise<{ options: EnableOptions; files: Map<string, string>; pair?: SigningKeyPair }> {
  const options = resolveOptions(req);
  if (cwd !== undefined) {
    const base = io.readTextFile;
    io = { ...io, readTextFile: (p) => base(resolve(cwd, p)) };
  }
  const key = await signingKeyFile(options, req, io);
  const files = renderPhases(buildPhases(options, key.file));
  return key.pair ? { options, files, pair: key.pair } : { options, files };
}

export const SIGNING_KEY_PATH = `04-conductor/${SIGNING_KEY_FILE}`;

/**
 * Builds and writes (`<output>/…` atomically, then the public key file when asked). The management
 * signing key file holds a private key (DECISIONS "Compiler"): it is SOPS/age-encrypted for the
 * recipients of `--age-recipient`, SOPS_AGE_RECIPIENTS or a .sops.yaml creation rule; with none and
 * no `--unencrypted` the run is refused before anything is read or written. An existing encrypted
 * file that decrypts (with `--age-identity`, SOPS_AGE_KEY_FILE or SOPS_AGE_KEY) to the same
 * plaintext is kept byte for byte; without an identity it is re-encrypted.
 */
export async function runEnable(
  req: EnableRequest,
  cwd: string,
  io: EnableIo = _defaultIo,
): Promise<EnableResult> {
  const options = resolveOptions(req);
  const outDir = resolve(cwd, req.output);
  const env = req.env ?? (() => undefined);
  let km: KeyMaterial | undefined;
  if (options.role === "management") {
    if (req.unencrypted) {
      req.warn?.(
        `--unencrypted: ${SIGNING_KEY_PATH} holds the Conductor's private signing key in PLAINTEXT; keep it out of Git`,
      );
    } else {
      km = await KeyMaterial.create({
        outDir,
        cwd,
        env,
        recipientFlags: req.ageRecipients ?? [],
        identityFlag: req.ageIdentity !== undefined ? resolve(cwd, req.ageIdentity) : undefined,
        unencrypted: false,
        clock: clockFromSourceDateEpoch(env("SOURCE_DATE_EPOCH")),
        random: cryptoRandom(),
      });
      // Refused here, before any key is read or anything written.
      km.preflight([SIGNING_KEY_PATH]);
    }
  }
  const bundle = await buildEnableBundle(req, io, cwd);
  if (km) {
    const plain = bundle.files.get(SIGNING_KEY_PATH)!;
    bundle.files.set(SIGNING_KEY_PATH, await km.render(SIGNING_KEY_PATH, plain, plain));
  }
  try {
    await writeTreeAtomically(outDir, bundle.files);
  } catch (cause) {
    if (cause instanceof InputError || cause instanceof IoError) throw cause;
    throw new IoError(
      `cannot write ${JSON.stringify(req.output)}: ${cause instanceof Error ? cause.message : cause}`,
      {
        cause,
      },
    );
  }
  const result: EnableResult = {
    outDir,
    files: [...bundle.files.keys()].sort(),
    signingKey: options.role === "tenant" ? "public" : km ? "encrypted" : "plaintext",
  };
  if (req.outputPublicKey && bundle.pair) {
    const p = resolve(cwd, req.outputPublicKey);
    await writeTreeAtomically(dirname(p), new Map([[basename(p), bundle.pair.publicPem]]));
    result.publicKeyPath = p;
  }
  return result;
}
