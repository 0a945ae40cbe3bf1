/**
 * SOPS with age recipients, in TypeScript (renderers.md §5; docs/adr/0002-sops-in-typescript.md).
 *
 * Decrypt:  `decryptSopsFile(text, format, identities, {file, ignoreMac})` → `{data, text, branches,
 *           metadata, macVerified, …}`; YAML, JSON, dotenv and binary stores; X25519 and hybrid
 *           post-quantum age stanzas; MAC verified (incl. `mac_only_encrypted`).
 * Encrypt:  `encryptSopsDocument(doc, {recipients, format, rules, random, now, …})` for objects,
 *           `encryptSopsText(text, opts)` for plain files (YAML comments kept);
 *           `reencryptIfChanged(existingText, newDoc, identities, opts)` keeps an unchanged file
 *           byte for byte (`planReencryption` also says why).
 * Keys:     `parseAgeIdentities(text)`, `parseAgeRecipients(text)`, `recipientOf(identity)`.
 * Config:   `loadSopsConfig({cwd, readFile})`, `parseSopsConfig`, `matchCreationRule`,
 *           `resolveRecipients({flags, env, config, filePath})`,
 *           `resolveIdentities({flags, env, readFile})`, `ruleOptions(rule)`.
 * Formats:  `formatFromPath(path)`.
 *
 * No subprocesses; randomness (`random`) and time (`now`) are injectable.
 */
export {
  type AgeIdentity,
  decryptAgeArmored,
  parseAgeIdentities,
  parseAgeRecipients,
  recipientOf,
  validateRecipient,
  wrapDataKey,
} from "./age.ts";
export { cryptoRandomBytes, looksEncrypted, type RandomBytes } from "./cipher.ts";
export {
  type CreationRule,
  denoReadTextFile,
  type EnvGetter,
  loadSopsConfig,
  matchCreationRule,
  parseSopsConfig,
  type ReadTextFile,
  type ResolvedRecipients,
  resolveIdentities,
  resolveRecipients,
  ruleOptions,
  type SopsConfig,
} from "./config.ts";
export { type DecryptedSopsFile, type DecryptOptions, decryptSopsFile, SopsMacMismatch } from "./decrypt.ts";
export {
  defaultRules,
  type EncryptOptions,
  encryptSopsDocument,
  encryptSopsText,
  isKubernetesSecret,
  type PlainDocument,
  planReencryption,
  reencryptIfChanged,
  type ReencryptPlan,
} from "./encrypt.ts";
export { formatFromPath, type SopsFormat } from "./format.ts";
export { type AgeKeyEntry, SOPS_COMPAT_VERSION, type SopsMetadata } from "./metadata.ts";
export { DEFAULT_UNENCRYPTED_SUFFIX, KUBERNETES_SECRET_REGEX, type SelectionRules } from "./rules.ts";
export { type Branch, fromJS, toJS } from "./tree.ts";

/** True when the text looks like a SOPS-encrypted file of this format (has sops metadata). */
export function isSopsEncrypted(text: string, format: import("./format.ts").SopsFormat): boolean {
  if (format === "dotenv") return /^sops_mac=/m.test(text);
  if (format === "yaml") return /^sops:\s*$/m.test(text) && /^\s+mac:/m.test(text);
  return /"sops"\s*:/.test(text) && /"mac"\s*:/.test(text);
}
