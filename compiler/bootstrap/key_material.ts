/**
 * Files that hold key material (DECISIONS "Compiler"): SOPS/age-encrypted whenever recipients resolve
 * (`--age-recipient`, `SOPS_AGE_RECIPIENTS`, a `.sops.yaml` creation rule); plaintext only with
 * `--unencrypted`. An existing encrypted file whose plaintext did not change is kept byte for byte.
 * The secrets bundle given with `--secrets` is decrypted with `--age-identity` / `SOPS_AGE_KEY_FILE` /
 * `SOPS_AGE_KEY`; missing or undecryptable is an error, never a regeneration.
 */
import { join } from "node:path";
import type { Clock } from "../../shared/clock.ts";
import type { RandomSource } from "../../shared/rand.ts";
import { InputError } from "../../shared/errors.ts";
import {
  type AgeIdentity,
  decryptSopsFile,
  isSopsEncrypted,
  loadSopsConfig,
  planReencryption,
  resolveIdentities,
  resolveRecipients,
  ruleOptions,
  type SopsConfig,
} from "../sops/mod.ts";
import { parseSecretsBundle, type SecretsBundle, SecretsBundleError } from "../talos/mod.ts";

export interface KeyMaterialOptions {
  outDir: string;
  cwd: string;
  env: (name: string) => string | undefined;
  recipientFlags: readonly string[];
  identityFlag?: string | undefined;
  unencrypted: boolean;
  clock: Clock;
  random: RandomSource;
}

/** Decides encryption once per run and encrypts each key-material file. */
export class KeyMaterial {
  #o: KeyMaterialOptions;
  #config: SopsConfig | undefined;
  #identities: AgeIdentity[] | undefined;

  private constructor(o: KeyMaterialOptions, config: SopsConfig | undefined) {
    this.#o = o;
    this.#config = config;
  }

  static async create(o: KeyMaterialOptions): Promise<KeyMaterial> {
    const config = o.unencrypted ? undefined : await loadSopsConfig({ cwd: o.cwd });
    return new KeyMaterial(o, config);
  }

  get encrypted(): boolean {
    return !this.#o.unencrypted;
  }

  /** Recipients for one output file; an error when none resolve and --unencrypted was not given. */
  recipientsFor(file: string): { recipients: string[]; rule: ReturnType<typeof resolveRecipients>["rule"] } {
    const r = resolveRecipients({
      flags: this.#o.recipientFlags,
      env: this.#o.env,
      config: this.#config,
      filePath: join(this.#o.outDir, file),
    });
    if (r.recipients.length === 0) {
      throw new InputError(
        `${file} holds key material and no age recipient resolved, so it would be written in plaintext`,
        {
          code: "NoRecipients",
          hint:
            "pass --age-recipient age1…, set SOPS_AGE_RECIPIENTS, add a .sops.yaml creation rule, or pass --unencrypted to write plaintext on purpose",
        },
      );
    }
    return { recipients: r.recipients, rule: r.rule };
  }

  /** Checks up front (before any cluster read) that the given files can be encrypted. */
  preflight(files: readonly string[]): void {
    if (this.#o.unencrypted) return;
    for (const f of files) this.recipientsFor(f);
  }

  /** Identities from --age-identity, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY (loaded once). */
  async identities(): Promise<AgeIdentity[]> {
    if (this.#identities === undefined) {
      this.#identities = await resolveIdentities({
        flags: this.#o.identityFlag ? [this.#o.identityFlag] : [],
        env: this.#o.env,
      });
    }
    return this.#identities;
  }

  /**
   * Final text of a key-material file: plain `plainText` with --unencrypted; otherwise the existing
   * file when it decrypts to the same content, else a fresh SOPS encryption of `doc`.
   */
  async render(file: string, doc: unknown, plainText: string): Promise<string> {
    if (this.#o.unencrypted) return plainText;
    const { recipients, rule } = this.recipientsFor(file);
    let existing: string | undefined;
    try {
      existing = await Deno.readTextFile(join(this.#o.outDir, file));
    } catch {
      existing = undefined;
    }
    const identities = existing !== undefined ? await this.identities() : [];
    const fork = this.#o.random.fork(`sops/${file}`);
    const plan = await planReencryption(existing, doc, identities, {
      recipients,
      format: "yaml",
      ...ruleOptions(rule),
      random: (n) => fork.bytes(n),
      now: () => this.#o.clock.now(),
    });
    return plan.text;
  }
}

/**
 * Reads the bundle named by `--secrets`: SOPS-encrypted (decrypted with the identities) or plain
 * talosctl `secrets.yaml`. Every failure is an InputError naming the file.
 */
export async function loadSecretsBundleFile(path: string, km: KeyMaterial): Promise<SecretsBundle> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new InputError(
      cause instanceof Deno.errors.NotFound ? "secrets bundle not found" : "cannot read the secrets bundle",
      {
        file: path,
        code: "SecretsBundleMissing",
        cause,
        hint:
          "--secrets names the bundle an earlier run wrote ({cluster}-secrets.yaml); it is never regenerated. Drop --secrets to generate a fresh one",
      },
    );
  }
  let plain = text;
  if (isSopsEncrypted(text, "yaml")) {
    const identities = await km.identities();
    if (identities.length === 0) {
      throw new InputError("the secrets bundle is SOPS-encrypted and no age identity was given", {
        file: path,
        code: "SecretsBundleUndecryptable",
        hint: "pass --age-identity <keys.txt>, or set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY",
      });
    }
    try {
      plain = (await decryptSopsFile(text, "yaml", identities, { file: path })).text;
    } catch (cause) {
      throw new InputError(
        `cannot decrypt the secrets bundle: ${cause instanceof Error ? cause.message : String(cause)}`,
        {
          file: path,
          code: "SecretsBundleUndecryptable",
          cause,
          hint: "use the age identity it was encrypted for",
        },
      );
    }
  }
  try {
    return parseSecretsBundle(plain);
  } catch (cause) {
    if (cause instanceof SecretsBundleError) {
      throw new InputError(`invalid secrets bundle: ${cause.issues.join("; ")}`, {
        file: path,
        code: "SecretsBundleInvalid",
        cause,
      });
    }
    throw cause;
  }
}
