/**
 * Encrypting a plain document into a SOPS file real sops decrypts (renderers.md §5.2–§5.5, §5.8),
 * and the "unchanged plaintext → keep the file untouched" rule (DECISIONS.md).
 */
import { InputError } from "../../shared/errors.ts";
import { type AgeIdentity, validateRecipient, wrapDataKey } from "./age.ts";
import { cryptoRandomBytes, encryptValue, type RandomBytes } from "./cipher.ts";
import { decryptSopsFile, ivStashKey } from "./decrypt.ts";
import { emitEncrypted, loadPlain, type SopsFormat } from "./format.ts";
import { type AgeKeyEntry, formatLastModified, SOPS_COMPAT_VERSION, type SopsMetadata } from "./metadata.ts";
import { KUBERNETES_SECRET_REGEX, normaliseRules, type SelectionRules } from "./rules.ts";
import { type Branch, fromJS, getEntry, isComment, type MapNode, treeEquals } from "./tree.ts";
import { encryptBranches } from "./walk.ts";

export interface EncryptOptions {
  /** age recipients (`age1…`); at least one. */
  recipients: readonly string[];
  /** Output format (default `yaml`). */
  format?: SopsFormat | undefined;
  /**
   * Selection rule. Default: `encrypted_regex: ^(data|stringData)$` when every document is a
   * Kubernetes Secret, otherwise sops' default `unencrypted_suffix: _unencrypted`.
   */
  rules?: SelectionRules | undefined;
  macOnlyEncrypted?: boolean | undefined;
  /** YAML indentation (default 4). */
  indent?: number | undefined;
  /** IV and data-key source (default WebCrypto). The age wrapping itself is always random. */
  random?: RandomBytes | undefined;
  /** Clock for `lastmodified` (default `new Date()`). */
  now?: (() => Date) | undefined;
  /** Reuse this data key (sops keeps it when a file is edited). */
  dataKey?: Uint8Array | undefined;
  /** Reuse these wrapped keys when their recipients match (requires `dataKey`). */
  existingAgeEntries?: readonly AgeKeyEntry[] | undefined;
  /** IVs of values that did not change (from `DecryptedSopsFile.ivStash`). */
  ivStash?: ReadonlyMap<string, Uint8Array> | undefined;
  /** `version` written in the metadata (default 3.13.3, the layout emitted). */
  version?: string | undefined;
}

/** A plain document: JavaScript value(s), or already parsed branches. */
export type PlainDocument = unknown;

function isBranchArray(doc: unknown): doc is Branch[] {
  return Array.isArray(doc) && doc.length > 0 &&
    doc.every((d) =>
      d && typeof d === "object" && (d as Branch).t === "map" && Array.isArray((d as Branch).items)
    );
}

/**
 * Plain input → branches. An array of objects is a multi-document stream (YAML only); a single
 * object is one document.
 */
export function toBranches(doc: PlainDocument, format: SopsFormat): Branch[] {
  if (isBranchArray(doc)) return doc;
  const docs = format === "yaml" && Array.isArray(doc) ? doc : [doc];
  return docs.map((d, i) => {
    if (format === "binary" && typeof d === "string") {
      return { t: "map", items: [{ key: "data", value: { t: "str", v: d } }] };
    }
    const n = fromJS(d);
    if (n.t !== "map") {
      throw new InputError("a SOPS document must be a mapping at the top level", {
        code: "SopsEncrypt",
        path: docs.length > 1 ? `[${i}]` : undefined,
      });
    }
    return n;
  });
}

export function isKubernetesSecret(b: Branch): boolean {
  const kind = getEntry(b, "kind");
  const api = getEntry(b, "apiVersion");
  return kind?.t === "str" && kind.v === "Secret" && api?.t === "str" && api.v === "v1";
}

/** Default selection rules for these documents (see `EncryptOptions.rules`). */
export function defaultRules(branches: readonly Branch[]): SelectionRules {
  if (branches.length > 0 && branches.every(isKubernetesSecret)) {
    return { encryptedRegex: KUBERNETES_SECRET_REGEX };
  }
  return {};
}

function checkPlain(branches: readonly Branch[]) {
  for (const b of branches) {
    if (b.items.some((i) => !isComment(i) && i.key === "sops")) {
      throw new InputError("the document already has a top-level `sops` key (is it already encrypted?)", {
        code: "SopsEncrypt",
        path: "sops",
      });
    }
  }
}

/** Encrypts already-parsed branches; returns the file text. */
export async function encryptBranchesToFile(
  branches: readonly Branch[],
  opts: EncryptOptions,
): Promise<string> {
  const format = opts.format ?? "yaml";
  if (opts.recipients.length === 0) {
    throw new InputError("no age recipient to encrypt to", {
      code: "SopsNoRecipient",
      hint: "pass --age-recipient, set SOPS_AGE_RECIPIENTS, or add a .sops.yaml creation rule",
    });
  }
  for (const r of opts.recipients) validateRecipient(r);
  if (format !== "yaml" && branches.length !== 1) {
    throw new InputError(`a ${format} SOPS file holds exactly one document`, { code: "SopsEncrypt" });
  }
  checkPlain(branches);
  if (format === "dotenv") {
    for (const i of branches[0]!.items) {
      if (!isComment(i) && (i.value.t === "map" || i.value.t === "list")) {
        throw new InputError("a dotenv file cannot hold nested values", { code: "SopsEncrypt", path: i.key });
      }
    }
  }
  const random = opts.random ?? cryptoRandomBytes;
  const rules = normaliseRules(opts.rules ?? defaultRules(branches));
  const dataKey = opts.dataKey ?? random(32);
  if (dataKey.length !== 32) throw new InputError("the data key must be 32 bytes", { code: "SopsEncrypt" });
  const stash = opts.ivStash;
  const { branches: enc, mac } = encryptBranches(branches, dataKey, {
    rules,
    macOnlyEncrypted: opts.macOnlyEncrypted,
    random,
    ivFor: stash ? (path, v) => (v.t === "comment" ? undefined : stash.get(ivStashKey(path, v))) : undefined,
  });
  const lastModified = formatLastModified((opts.now ?? (() => new Date()))());
  const reuse = new Map((opts.dataKey ? opts.existingAgeEntries ?? [] : []).map((e) => [e.recipient, e.enc]));
  const age: AgeKeyEntry[] = [];
  for (const r of opts.recipients) {
    if (age.some((a) => a.recipient === r)) continue;
    age.push({ recipient: r, enc: reuse.get(r) ?? await wrapDataKey(dataKey, r) });
  }
  const metadata: SopsMetadata = {
    age,
    keyGroups: [],
    otherKeyTypes: [],
    lastModified,
    mac: encryptValue({ t: "str", v: mac }, dataKey, lastModified, random),
    rules,
    macOnlyEncrypted: opts.macOnlyEncrypted ?? false,
    version: opts.version ?? SOPS_COMPAT_VERSION,
  };
  return emitEncrypted(enc, metadata, format, { indent: opts.indent });
}

/**
 * Encrypts a plain document (e.g. a Kubernetes Secret object, or an array of objects for a YAML
 * stream) for age recipients. A Secret stays a Secret: by default only `data`/`stringData`
 * values are encrypted, so `sops -d FILE | kubectl apply -f -` works.
 */
export async function encryptSopsDocument(doc: PlainDocument, opts: EncryptOptions): Promise<string> {
  return await encryptBranchesToFile(toBranches(doc, opts.format ?? "yaml"), opts);
}

/** Encrypts plain file text (YAML comments and key order kept) in the given format. */
export async function encryptSopsText(
  text: string,
  opts: EncryptOptions & { file?: string },
): Promise<string> {
  return await encryptBranchesToFile(loadPlain(text, opts.format ?? "yaml", opts.file), opts);
}

export interface ReencryptPlan {
  text: string;
  /** False when the existing text is returned unchanged. */
  changed: boolean;
  reason: string;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a), sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function sameRules(a: SelectionRules, b: SelectionRules): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof SelectionRules>;
  return [...keys].every((k) => (a[k] ?? "") === (b[k] ?? ""));
}

/**
 * Like `reencryptIfChanged`, with the reason. When the existing file decrypts (MAC verified)
 * to the same plaintext, for the same recipients and rules, it is kept byte for byte. Otherwise
 * the new plaintext is encrypted; when the old file could be decrypted its data key, wrapped
 * keys and the IVs of unchanged values are reused (as `sops edit` does), so a diff shows only
 * what changed.
 */
export async function planReencryption(
  existingText: string | undefined,
  newPlainDoc: PlainDocument,
  identities: readonly AgeIdentity[],
  opts: EncryptOptions,
): Promise<ReencryptPlan> {
  const format = opts.format ?? "yaml";
  const branches = typeof newPlainDoc === "string" && format !== "binary"
    ? loadPlain(newPlainDoc, format)
    : toBranches(newPlainDoc, format);
  if (existingText === undefined) {
    return { text: await encryptBranchesToFile(branches, opts), changed: true, reason: "no existing file" };
  }
  let old;
  try {
    old = await decryptSopsFile(existingText, format, identities);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      text: await encryptBranchesToFile(branches, opts),
      changed: true,
      reason: `existing file unreadable: ${why}`,
    };
  }
  const rules = normaliseRules(opts.rules ?? defaultRules(branches));
  const sameContent = old.branches.length === branches.length &&
    old.branches.every((b, i) => treeEquals(b, branches[i] as MapNode));
  const sameRecipients = sameSet(old.metadata.age.map((a) => a.recipient), opts.recipients) &&
    old.metadata.keyGroups.length === 0;
  const sameOptions = sameRules(old.metadata.rules, rules) &&
    old.metadata.macOnlyEncrypted === (opts.macOnlyEncrypted ?? false);
  if (sameContent && sameRecipients && sameOptions && old.macVerified) {
    return { text: existingText, changed: false, reason: "plaintext unchanged" };
  }
  const reason = !sameContent
    ? "plaintext changed"
    : !sameRecipients
    ? "recipients changed"
    : "encryption options changed";
  // A changed recipient list gets a fresh data key: a removed recipient must not keep access.
  const text = await encryptBranchesToFile(
    branches,
    sameRecipients
      ? {
        ...opts,
        dataKey: opts.dataKey ?? old.dataKey,
        existingAgeEntries: opts.dataKey ? undefined : old.metadata.age,
        ivStash: opts.dataKey ? undefined : old.ivStash,
      }
      : opts,
  );
  return { text, changed: true, reason };
}

/**
 * Returns `existingText` untouched when it decrypts to the same plaintext (same recipients and
 * rules); otherwise a freshly encrypted file.
 */
export async function reencryptIfChanged(
  existingText: string | undefined,
  newPlainDoc: PlainDocument,
  identities: readonly AgeIdentity[],
  opts: EncryptOptions,
): Promise<string> {
  return (await planReencryption(existingText, newPlainDoc, identities, opts)).text;
}
