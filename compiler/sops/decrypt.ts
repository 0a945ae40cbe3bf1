/**
 * Decrypting a SOPS file: data key from the age stanzas, every selected value, MAC check
 * (renderers.md §5.2–§5.5).
 */
import { InputError } from "../../shared/errors.ts";
import { type AgeIdentity, AgeUnwrapError, unwrapDataKey } from "./age.ts";
import { decryptValue, SopsCipherError } from "./cipher.ts";
import { emitPlain, loadEncrypted, type SopsFormat } from "./format.ts";
import { combineShares } from "./shamir.ts";
import { canonicalLastModified, type SopsMetadata } from "./metadata.ts";
import { type Branch, type Leaf, toJS } from "./tree.ts";
import { decryptBranches } from "./walk.ts";

export interface DecryptOptions {
  /** File name for messages. */
  file?: string | undefined;
  /** Accept a MAC mismatch (sops `--ignore-mac`). */
  ignoreMac?: boolean | undefined;
}

export interface DecryptedSopsFile {
  format: SopsFormat;
  /** Decrypted documents as trees (types and comments kept). */
  branches: Branch[];
  /**
   * Decrypted content as plain JavaScript: the document object (YAML/JSON/dotenv/binary
   * `{data}`), or an array of objects for a multi-document YAML stream.
   */
  data: unknown;
  /** Decrypted file text in its own format (what `sops -d` prints). */
  text: string;
  metadata: SopsMetadata;
  dataKey: Uint8Array;
  /** IVs of the decrypted values, for re-encrypting unchanged values identically. */
  ivStash: Map<string, Uint8Array>;
  macVerified: boolean;
}

export class SopsMacMismatch extends InputError {
  constructor(file: string | undefined, cause?: unknown) {
    super("MAC mismatch: the file was modified after it was encrypted, or is corrupt", {
      file,
      code: "SopsMacMismatch",
      hint: "re-encrypt it with sops, or restore it from version control",
      cause,
    });
  }
}

/** Data key from the metadata: age entries (flat layout), one key group, or Shamir shares of several. */
export async function recoverDataKey(
  meta: SopsMetadata,
  identities: readonly AgeIdentity[],
  file?: string,
): Promise<Uint8Array> {
  const all = [...meta.age, ...meta.keyGroups.flat()];
  if (all.length === 0) {
    const other = meta.otherKeyTypes.length > 0 ? meta.otherKeyTypes.join(", ") : "no key";
    throw new InputError(`the file has no age recipient (it uses ${other})`, {
      file,
      code: "SopsNoKey",
      hint: "only age recipients are supported",
    });
  }
  const rethrow = (e: unknown): never => {
    if (e instanceof AgeUnwrapError) {
      throw new InputError(e.message, { file, code: e.code, hint: e.hint, cause: e });
    }
    throw e;
  };
  if (meta.keyGroups.length <= 1) {
    return await unwrapDataKey(meta.keyGroups.length === 1 ? meta.keyGroups[0]! : meta.age, identities).catch(
      rethrow,
    );
  }
  // Several key groups: each holds a Shamir share; `shamir_threshold` of them are needed.
  const threshold = meta.shamirThreshold && meta.shamirThreshold > 0
    ? meta.shamirThreshold
    : meta.keyGroups.length;
  const shares: Uint8Array[] = [];
  const failures: string[] = [];
  for (const [i, group] of meta.keyGroups.entries()) {
    if (shares.length >= threshold) break;
    try {
      shares.push(await unwrapDataKey(group, identities, null));
    } catch (e) {
      failures.push(`group ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (shares.length < threshold) {
    throw new InputError(
      `only ${shares.length} of the ${threshold} key groups needed (shamir_threshold) could be opened`,
      { file, code: "SopsNoKey", hint: failures.join("; ") },
    );
  }
  const key = threshold === 1 ? shares[0]!.subarray(0, shares[0]!.length - 1) : combineShares(shares);
  if (key.length !== 32) {
    throw new InputError("the combined data key is not 32 bytes", { file, code: "SopsNoKey" });
  }
  return key;
}

function stashKey(path: string, v: Leaf): string {
  return `${path}\u0000${v.t}\u0000${
    v.t === "bytes" ? new TextDecoder().decode(v.v) : "v" in v ? String(v.v) : ""
  }`;
}

export { stashKey as ivStashKey };

/**
 * Decrypts a SOPS file. `identities` are age identities (see `parseAgeIdentities`).
 * Throws InputError with a clear message on: no metadata, no matching identity, a value that
 * does not decrypt, a MAC mismatch (unless `ignoreMac`).
 */
export async function decryptSopsFile(
  text: string,
  format: SopsFormat,
  identities: readonly AgeIdentity[],
  opts: DecryptOptions = {},
): Promise<DecryptedSopsFile> {
  const { branches: enc, metadata } = loadEncrypted(text, format, opts.file);
  const dataKey = await recoverDataKey(metadata, identities, opts.file);
  const ivStash = new Map<string, Uint8Array>();
  let result: { branches: Branch[]; mac: string };
  try {
    result = decryptBranches(enc, dataKey, {
      rules: metadata.rules,
      macOnlyEncrypted: metadata.macOnlyEncrypted,
      onDecrypted: (path, value, iv) => ivStash.set(stashKey(path, value), iv),
    });
  } catch (e) {
    if (e instanceof InputError && opts.file && !e.file) {
      throw new InputError(e.message, { file: opts.file, path: e.path, code: e.code, cause: e });
    }
    throw e;
  }
  let macVerified = false;
  let storedMac: string;
  try {
    const d = decryptValue(metadata.mac, dataKey, canonicalLastModified(metadata.lastModified)).value;
    storedMac = d.t === "str" ? d.v : "";
  } catch (e) {
    if (!opts.ignoreMac) {
      const why = e instanceof SopsCipherError ? e.message : String(e);
      throw new InputError(`cannot decrypt the MAC: ${why}`, {
        file: opts.file,
        code: "SopsMacMismatch",
        cause: e,
      });
    }
    storedMac = "";
  }
  if (storedMac === result.mac) macVerified = true;
  else if (!opts.ignoreMac) throw new SopsMacMismatch(opts.file);

  const docs = result.branches.map((b) => toJS(b));
  return {
    format,
    branches: result.branches,
    data: docs.length === 1 ? docs[0] : docs,
    text: emitPlain(result.branches, format),
    metadata,
    dataKey,
    ivStash,
    macVerified,
  };
}
