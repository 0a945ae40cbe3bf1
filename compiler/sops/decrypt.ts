/**
 * Decrypting a SOPS file: data key from the age stanzas, every selected value, MAC check
 * (renderers.md §5.2–§5.5).
 */
import { InputError } from "../../shared/errors.ts";
import { type AgeIdentity, AgeUnwrapError, unwrapDataKey } from "./age.ts";
import { decryptValue, SopsCipherError } from "./cipher.ts";
import { emitPlain, loadEncrypted, type SopsFormat } from "./format.ts";
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

/** Data key from the metadata's age entries (flat layout, or key groups needing one group). */
export async function recoverDataKey(
  meta: SopsMetadata,
  identities: readonly AgeIdentity[],
  file?: string,
): Promise<Uint8Array> {
  const groups = meta.keyGroups.length > 0 ? meta.keyGroups : [meta.age];
  const threshold = meta.shamirThreshold ?? 0;
  if (meta.keyGroups.length > 1 && threshold > 1) {
    throw new InputError("Shamir-split data keys (key_groups with shamir_threshold > 1) are not supported", {
      file,
      code: "SopsUnsupported",
    });
  }
  const all = groups.flat();
  if (all.length === 0) {
    const other = meta.otherKeyTypes.length > 0 ? meta.otherKeyTypes.join(", ") : "no key";
    throw new InputError(`the file has no age recipient (it uses ${other})`, {
      file,
      code: "SopsNoKey",
      hint: "only age recipients are supported",
    });
  }
  try {
    return await unwrapDataKey(all, identities);
  } catch (e) {
    if (e instanceof AgeUnwrapError) {
      throw new InputError(e.message, { file, code: e.code, hint: e.hint, cause: e });
    }
    throw e;
  }
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
