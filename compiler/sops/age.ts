/**
 * age recipients and identities, and wrapping the SOPS data key (renderers.md §5.5), on top of the
 * npm `age-encryption` library (X25519; hybrid post-quantum `age1pq1…` as the library allows).
 */
import { armor, Decrypter, Encrypter, identityToRecipient } from "age-encryption";
import { InputError } from "../../shared/errors.ts";
import type { AgeKeyEntry } from "./metadata.ts";

export interface AgeIdentity {
  /** `AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…`. */
  secret: string;
  /** Where it came from (file path, `SOPS_AGE_KEY`, …) for messages. */
  source?: string | undefined;
}

const IDENTITY_RE = /^AGE-SECRET-KEY-(PQ-)?1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]+$/;
const RECIPIENT_RE = /^age1(pq1)?[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+$/;

/**
 * Parses an age identity file: one identity per line, `#` comments and blank lines ignored.
 * Lines that are not age identities (SSH keys, plugin identities) are rejected with their line.
 */
export function parseAgeIdentities(text: string, source?: string): AgeIdentity[] {
  const out: AgeIdentity[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (!IDENTITY_RE.test(line)) {
      const what = line.startsWith("AGE-PLUGIN-")
        ? "age plugin identities are not supported"
        : line.startsWith("-----BEGIN")
        ? "SSH/PEM keys are not supported as age identities"
        : "not an age identity";
      throw new InputError(what, {
        file: source,
        line: i + 1,
        column: 1,
        code: "AgeIdentity",
        hint: "expected lines like AGE-SECRET-KEY-1…",
      });
    }
    out.push({ secret: line, source });
  });
  return out;
}

/** Parses recipients given as a comma-separated string (sops `--age`, `SOPS_AGE_RECIPIENTS`). */
export function parseAgeRecipients(text: string, source?: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,\s]+/)) {
    const r = part.trim();
    if (r === "") continue;
    validateRecipient(r, source);
    out.push(r);
  }
  return out;
}

export function validateRecipient(r: string, source?: string): void {
  if (!RECIPIENT_RE.test(r)) {
    throw new InputError(`invalid age recipient ${JSON.stringify(r)}`, {
      file: source,
      code: "AgeRecipient",
      hint: "expected age1… (X25519) or age1pq1… (post-quantum)",
    });
  }
}

/** The recipient (`age1…`) of an identity. */
export async function recipientOf(identity: AgeIdentity): Promise<string> {
  return await identityToRecipient(identity.secret);
}

/** Encrypts the data key to one recipient; returns the armored age file (with its final newline). */
export async function wrapDataKey(dataKey: Uint8Array, recipient: string): Promise<string> {
  validateRecipient(recipient);
  const e = new Encrypter();
  e.addRecipient(recipient);
  const file = await e.encrypt(dataKey);
  return armor.encode(file);
}

export class AgeUnwrapError extends InputError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { code: "SopsNoKey", hint, cause });
  }
}

/** Decrypts one armored age file with the given identities (any one that opens it). */
export async function decryptAgeArmored(
  armored: string,
  identities: readonly AgeIdentity[],
): Promise<Uint8Array> {
  const d = new Decrypter();
  for (const id of identities) d.addIdentity(id.secret);
  const bytes = armored.trimStart().startsWith("-----BEGIN")
    ? armor.decode(armored)
    : new TextEncoder().encode(armored);
  return await d.decrypt(bytes);
}

/**
 * Recovers the 32-byte data key: every identity against every age entry until one opens.
 * The failure names the recipients of the file and says which identities were tried.
 */
export async function unwrapDataKey(
  entries: readonly AgeKeyEntry[],
  identities: readonly AgeIdentity[],
  expectedLength: number | null = 32,
): Promise<Uint8Array> {
  if (entries.length === 0) {
    throw new AgeUnwrapError(
      "the file has no age recipients",
      "it was encrypted with another key type (kms, pgp, …)",
    );
  }
  if (identities.length === 0) {
    throw new AgeUnwrapError(
      "no age identity given",
      "pass --age-identity FILE, or set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY",
    );
  }
  const errors: string[] = [];
  for (const entry of entries) {
    try {
      const key = await decryptAgeArmored(entry.enc, identities);
      if (expectedLength !== null && key.length !== expectedLength) {
        throw new Error(`data key has ${key.length} bytes, expected ${expectedLength}`);
      }
      return key;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      errors.push(`${entry.recipient}: ${msg}`);
    }
  }
  const pq = entries.some((e) => e.recipient.startsWith("age1pq1"));
  const ours = await Promise.all(identities.map((i) => recipientOf(i).catch(() => "?")));
  throw new AgeUnwrapError(
    `none of the ${identities.length} age identities opens the data key (file recipients: ${
      entries.map((e) => e.recipient).join(", ")
    }; identities are for: ${ours.join(", ")})`,
    pq
      ? "the file uses a post-quantum age recipient; its AGE-SECRET-KEY-PQ-1 identity is needed"
      : errors.join("; "),
  );
}
