/**
 * Walking the tree to encrypt or decrypt every selected value and to compute the MAC
 * (renderers.md §5.3, §5.4). Order: depth-first, mapping entries and list items in order.
 */
import { createHash } from "node:crypto";
import { InputError } from "../../shared/errors.ts";
import { decryptValue, encryptValue, type RandomBytes, SopsCipherError } from "./cipher.ts";
import { compileRe2, type SelectionRules, shouldBeEncrypted } from "./rules.ts";
import {
  type Branch,
  type Comment,
  isComment,
  isLeaf,
  type Leaf,
  leafBytes,
  type MapEntry,
  type Node,
} from "./tree.ts";

/** Constant the MAC hash starts with when `mac_only_encrypted` is set. */
const MAC_ONLY_ENCRYPTED_INIT = new Uint8Array(
  "8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69".match(/../g)!.map((h) =>
    parseInt(h, 16)
  ),
);

type OnLeaf = (
  value: Leaf | Comment,
  path: readonly string[],
  comments: readonly (readonly string[])[],
) => Leaf | Comment;

function walkNode(n: Node, path: string[], comments: string[][], f: OnLeaf): Node {
  if (n.t === "map") return walkMap(n, path, comments, f);
  if (n.t === "list") return walkList(n, path, comments, f);
  if (n.t === "null") return n;
  return f(n, path, comments) as Leaf;
}

function walkList(
  n: { t: "list"; items: (Node | Comment)[] },
  path: string[],
  stack: string[][],
  f: OnLeaf,
): Node {
  const comments = [...stack, []];
  const items: (Node | Comment)[] = [];
  for (const item of n.items) {
    if (isComment(item)) {
      comments[comments.length - 1]!.push(item.v);
      items.push(f(item, path, comments) as Comment);
    } else {
      items.push(walkNode(item, path, comments, f));
      comments[comments.length - 1] = [];
    }
  }
  return { t: "list", items };
}

function walkMap(n: Branch, path: string[], stack: string[][], f: OnLeaf): Branch {
  const comments = [...stack, []];
  const items: (MapEntry | Comment)[] = [];
  for (const item of n.items) {
    if (isComment(item)) {
      comments[comments.length - 1]!.push(item.v);
      items.push(f(item, path, comments) as Comment);
    } else {
      let value = walkNode(item.value, [...path, item.key], comments, f) as Node | Comment;
      if (value.t === "comment") value = { t: "str", v: value.v };
      items.push({ key: item.key, value });
      comments[comments.length - 1] = [];
    }
  }
  return { t: "map", items };
}

export interface WalkOptions {
  rules: SelectionRules;
  macOnlyEncrypted?: boolean | undefined;
}

export interface EncryptWalkOptions extends WalkOptions {
  random?: RandomBytes | undefined;
  /** IV to reuse for a value (sops' stash: unchanged values re-encrypt to the same text). */
  ivFor?: ((path: string, value: Leaf | Comment) => Uint8Array | undefined) | undefined;
}

export interface DecryptWalkOptions extends WalkOptions {
  /** Called for every decrypted (non-comment) value with its path string and IV. */
  onDecrypted?: ((path: string, value: Leaf, iv: Uint8Array) => void) | undefined;
}

function newHash(macOnlyEncrypted: boolean | undefined) {
  const h = createHash("sha512");
  if (macOnlyEncrypted) h.update(MAC_ONLY_ENCRYPTED_INIT);
  return h;
}

const pathString = (path: readonly string[]) => path.join(":") + ":";

/** Encrypts the selected values of every branch; returns the new branches and the MAC (uppercase hex). */
export function encryptBranches(
  branches: readonly Branch[],
  key: Uint8Array,
  opts: EncryptWalkOptions,
): { branches: Branch[]; mac: string } {
  const hash = newHash(opts.macOnlyEncrypted);
  const f: OnLeaf = (value, path, comments) => {
    const comment = value.t === "comment";
    const encrypted = shouldBeEncrypted(opts.rules, path, comments, comment);
    if ((!opts.macOnlyEncrypted || encrypted) && !comment) hash.update(leafBytes(value));
    if (!encrypted) return value;
    const ps = pathString(path);
    const text = encryptValue(value, key, ps, opts.random, opts.ivFor?.(ps, value));
    if (comment) {
      if (opts.rules.unencryptedCommentRegex && compileRe2(opts.rules.unencryptedCommentRegex).test(text)) {
        throw new InputError(`an encrypted comment matches unencrypted_comment_regex`, { code: "SopsRules" });
      }
      return { ...value, v: text };
    }
    return { t: "str", v: text };
  };
  const out = branches.map((b) => walkMap(b, [], [], f));
  return { branches: out, mac: hash.digest("hex").toUpperCase() };
}

/** Where decryption of a value failed. */
export class SopsValueError extends InputError {
  constructor(message: string, path: readonly string[], cause?: unknown) {
    super(message, { code: "SopsDecrypt", path: path.join("."), cause });
  }
}

/**
 * Decrypts the selected values of every branch; returns the plain branches and the MAC computed
 * over them. Comments that do not decrypt are kept as they are (files from older sops versions).
 */
export function decryptBranches(
  branches: readonly Branch[],
  key: Uint8Array,
  opts: DecryptWalkOptions,
): { branches: Branch[]; mac: string } {
  const hash = newHash(opts.macOnlyEncrypted);
  const f: OnLeaf = (value, path, comments) => {
    const comment = value.t === "comment";
    const encrypted = shouldBeEncrypted(opts.rules, path, comments, comment);
    let v: Leaf | Comment = value;
    if (encrypted) {
      if (comment) {
        // sops' decryption returns a fresh `Comment{Value}`: an encrypted inline comment comes
        // back as a comment line of its own (before the value), which is what `sops -d` prints.
        v = { t: "comment", v: decryptComment(value as Comment, key, path, containerPaths).v };
      } else if (value.t === "str") {
        try {
          const d = decryptValue(value.v, key, pathString(path));
          v = d.value;
          if (d.iv.length > 0 && v.t !== "comment") opts.onDecrypted?.(pathString(path), v, d.iv);
        } catch (cause) {
          const why = cause instanceof SopsCipherError ? cause.message : String(cause);
          throw new SopsValueError(`could not decrypt value: ${why}`, path, cause);
        }
      } else {
        throw new SopsValueError(`expected an encrypted value (string), found ${value.t}`, path);
      }
    }
    // The decrypted value decides, not the input: sops stores encrypted comments inside lists as
    // plain string items (`- ENC[…,type:comment]`); they decrypt to comments and stay out of the MAC.
    if ((!opts.macOnlyEncrypted || encrypted) && v.t !== "comment") hash.update(leafBytes(v));
    return v;
  };
  let containerPaths: string[] = [];
  const out = branches.map((b) => {
    containerPaths = [...collectContainerPaths(b, [], new Set())];
    return walkMap(b, [], [], f);
  });
  return { branches: out, mac: hash.digest("hex").toUpperCase() };
}

function collectContainerPaths(n: Node, path: string[], acc: Set<string>): Set<string> {
  if (n.t === "map") {
    acc.add(pathString(path));
    for (const i of n.items) if (!isComment(i)) collectContainerPaths(i.value, [...path, i.key], acc);
  } else if (n.t === "list") {
    acc.add(pathString(path));
    for (const i of n.items) if (!isComment(i)) collectContainerPaths(i, path, acc);
  }
  return acc;
}

/**
 * Comments are encrypted with the path of the container sops attached them to. YAML parsers
 * attach comments slightly differently, so every ancestor path is tried (GCM authenticates the
 * right one); a comment that opens under none stays as it is.
 */
function decryptComment(
  c: Comment,
  key: Uint8Array,
  path: readonly string[],
  others: readonly string[],
): Comment {
  const text = c.v.trim();
  if (!text.startsWith("ENC[")) return c;
  const candidates = new Set<string>();
  for (let n = path.length; n >= 0; n--) candidates.add(pathString(path.slice(0, n)));
  for (const o of others) candidates.add(o);
  for (const candidate of candidates) {
    try {
      const d = decryptValue(text, key, candidate).value;
      return {
        t: "comment",
        v: d.t === "comment" ? d.v : new TextDecoder().decode(leafBytes(d)),
        ...(c.inline ? { inline: true } : {}),
      };
    } catch {
      // try the next ancestor
    }
  }
  return c;
}

export { isLeaf };
