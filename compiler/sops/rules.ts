/**
 * Which values are encrypted (renderers.md §5.3): at most one selection rule, evaluated per leaf
 * with the list of ancestor keys and the comments seen on the way.
 */
import { InputError } from "../../shared/errors.ts";

export interface SelectionRules {
  unencryptedSuffix?: string | undefined;
  encryptedSuffix?: string | undefined;
  unencryptedRegex?: string | undefined;
  encryptedRegex?: string | undefined;
  unencryptedCommentRegex?: string | undefined;
  encryptedCommentRegex?: string | undefined;
}

export const RULE_KEYS = [
  ["unencryptedSuffix", "unencrypted_suffix"],
  ["encryptedSuffix", "encrypted_suffix"],
  ["unencryptedRegex", "unencrypted_regex"],
  ["encryptedRegex", "encrypted_regex"],
  ["unencryptedCommentRegex", "unencrypted_comment_regex"],
  ["encryptedCommentRegex", "encrypted_comment_regex"],
] as const;

/** Default rule when none is chosen: `unencrypted_suffix: _unencrypted`. */
export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** Kubernetes Secrets: only `data` and `stringData` values are encrypted. */
export const KUBERNETES_SECRET_REGEX = "^(data|stringData)$";

/** Throws unless at most one rule is set; returns the defaulted rules. */
export function normaliseRules(rules: SelectionRules): SelectionRules {
  const set = RULE_KEYS.filter(([k]) => rules[k] !== undefined && rules[k] !== "");
  if (set.length > 1) {
    throw new InputError(
      `only one of ${set.map(([, y]) => y).join(", ")} may be set`,
      { code: "SopsRules", hint: "sops refuses more than one selection rule" },
    );
  }
  if (set.length === 0) return { unencryptedSuffix: DEFAULT_UNENCRYPTED_SUFFIX };
  const [k] = set[0]!;
  for (const [rk] of RULE_KEYS) if (rk.endsWith("Regex") && rk === k) compileRe2(rules[rk]!);
  return { [k]: rules[k] };
}

const _reCache = new Map<string, RegExp>();

/**
 * An RE2 pattern as a JavaScript RegExp (unanchored, like Go's `regexp.Match`). Leading inline
 * flags `(?i)`, `(?s)`, `(?m)` become RegExp flags; the rest of the common syntax is shared.
 */
export function compileRe2(pattern: string): RegExp {
  let re = _reCache.get(pattern);
  if (re) return re;
  let body = pattern;
  let flags = "u";
  const m = /^\(\?([ims]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    for (const f of m[1]!) if (!flags.includes(f)) flags += f;
  }
  body = body.replace(/\\z/g, "$").replace(/\\A/g, "^");
  try {
    re = new RegExp(body, flags);
  } catch (cause) {
    throw new InputError(`invalid regular expression ${JSON.stringify(pattern)}`, {
      code: "SopsRules",
      cause,
    });
  }
  _reCache.set(pattern, re);
  return re;
}

/** sops `shouldBeEncrypted`. `comments` is the stack of comment groups seen down to this value. */
export function shouldBeEncrypted(
  rules: SelectionRules,
  path: readonly string[],
  comments: readonly (readonly string[])[],
  isComment: boolean,
): boolean {
  let encrypted = true;
  if (rules.unencryptedSuffix) {
    if (path.some((p) => p.endsWith(rules.unencryptedSuffix!))) encrypted = false;
  }
  if (rules.encryptedSuffix) {
    encrypted = path.some((p) => p.endsWith(rules.encryptedSuffix!));
  }
  if (rules.unencryptedRegex) {
    const re = compileRe2(rules.unencryptedRegex);
    if (path.some((p) => re.test(p))) encrypted = false;
  }
  if (rules.encryptedRegex) {
    const re = compileRe2(rules.encryptedRegex);
    encrypted = path.some((p) => re.test(p));
  }
  if (rules.unencryptedCommentRegex) {
    const re = compileRe2(rules.unencryptedCommentRegex);
    if (comments.some((cs) => cs.some((c) => re.test(c)))) encrypted = false;
  }
  if (rules.encryptedCommentRegex) {
    const re = compileRe2(rules.encryptedCommentRegex);
    encrypted = false;
    const last = comments.length - 1;
    outer: for (let i = 0; i < comments.length; i++) {
      const cs = comments[i]!;
      for (let j = 0; j < cs.length; j++) {
        // The comment line that matches is itself left readable.
        if (isComment && i === last && j === cs.length - 1) continue;
        if (re.test(cs[j]!)) {
          encrypted = true;
          break outer;
        }
      }
    }
  }
  return encrypted;
}
