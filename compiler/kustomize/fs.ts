/** The file access the engine needs, injectable for tests (all paths absolute, `/`-separated). */

export interface KustomizeFs {
  /** File bytes, or undefined when there is no such file. */
  readFile(path: string): Uint8Array | undefined;
  isDir(path: string): boolean;
  isFile(path: string): boolean;
  /** Symlinks resolved (the identity used for loader restrictions); may return the path unchanged. */
  realPath(path: string): string;
}

export function normalizePath(p: string): string {
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return (abs ? "/" : "") + out.join("/") || (abs ? "/" : ".");
}

export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith("/")) return normalizePath(rel);
  return normalizePath(`${dir}/${rel}`);
}

export function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  if (i <= 0) return "/";
  return p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

export function isWithin(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith("/") ? root : root + "/");
}

/** The real file system (Deno). */
export function denoFs(): KustomizeFs {
  const stat = (p: string) => {
    try {
      return Deno.statSync(p);
    } catch {
      return undefined;
    }
  };
  return {
    readFile(path) {
      try {
        return Deno.readFileSync(path);
      } catch {
        return undefined;
      }
    },
    isDir: (p) => stat(p)?.isDirectory ?? false,
    isFile: (p) => stat(p)?.isFile ?? false,
    realPath(p) {
      try {
        return Deno.realPathSync(p);
      } catch {
        return p;
      }
    },
  };
}

/** An in-memory file system: keys are absolute file paths. */
export function memoryFs(files: Record<string, string | Uint8Array>): KustomizeFs {
  const enc = new TextEncoder();
  const map = new Map<string, Uint8Array>();
  const dirs = new Set<string>(["/"]);
  for (const [k, v] of Object.entries(files)) {
    const p = normalizePath(k.startsWith("/") ? k : "/" + k);
    map.set(p, typeof v === "string" ? enc.encode(v) : v);
    let d = dirname(p);
    while (!dirs.has(d)) {
      dirs.add(d);
      d = dirname(d);
    }
  }
  return {
    readFile: (p) => map.get(normalizePath(p)),
    isDir: (p) => dirs.has(normalizePath(p)),
    isFile: (p) => map.has(normalizePath(p)),
    realPath: (p) => normalizePath(p),
  };
}
