/**
 * `WWW-Authenticate` challenges (RFC 7235) as registries send them (renderers.md §7.4):
 * `Basic realm="…"` and `Bearer realm="<token url>",service="<svc>",scope="repository:<repo>:pull,push"`.
 */

export interface Challenge {
  /** Lower-case scheme: `basic`, `bearer`, … */
  scheme: string;
  /** Lower-case parameter names → values (quotes and escapes removed). */
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges. Tolerates several challenges in one
 * header (`Basic realm="a", Bearer realm="b"`) and unquoted values.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipWs = () => {
    while (i < n && (header[i] === " " || header[i] === "\t" || header[i] === ",")) i++;
  };
  const token = () => {
    const start = i;
    while (i < n && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < n) {
    skipWs();
    if (i >= n) break;
    const start = i;
    const word = token();
    if (word === "") {
      i++;
      continue;
    }
    let j = i;
    while (j < n && header[j] === " ") j++;
    if (header[j] === "=" && current) {
      // A parameter of the current challenge.
      i = j + 1;
      while (i < n && header[i] === " ") i++;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < n && header[i] !== ",") i++;
        value = header.slice(vs, i).trim();
      }
      current.params[word.toLowerCase()] = value;
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      i = start + word.length;
    }
  }
  return out;
}

/** The challenge to answer: Bearer if offered (it carries the scope), else Basic, else the first. */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic") ??
    challenges[0];
}

/** `repository:<repo>:pull` or `repository:<repo>:pull,push`. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? "pull,push" : "pull"}`;
}
