/**
 * The build-time split between the two binaries, checked on the real module graphs
 * (`deno info --json`): DESIGN.md "Boundaries". Test tooling; it runs `deno info`.
 */

export interface ModuleNode {
  specifier: string;
  /** Absolute path for local modules. */
  local?: string;
  deps: string[];
}

export interface ModuleGraph {
  root: string;
  modules: Map<string, ModuleNode>;
  /** Modules that failed to resolve or load, with deno's message. */
  errors?: string[];
}

export interface Violation {
  rule: string;
  /** The import chain from the root to the offending module. */
  chain: string[];
  message: string;
}

/** npm packages that only compile-side engines (SOPS, Helm, Kustomize) may use. */
export const COMPILER_ONLY_NPM = ["age-encryption"];

/** Source markers for modules the compiler must never reach. */
export const FORBIDDEN_IN_COMPILER_MARKERS = ["@seam-boundary cluster-write", "@seam-boundary talos-api"];

export async function loadGraph(entry: string): Promise<ModuleGraph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`deno info ${entry} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const json = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: {
      specifier: string;
      local?: string;
      error?: string;
      dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
    }[];
    redirects?: Record<string, string>;
  };
  const redirects = json.redirects ?? {};
  const modules = new Map<string, ModuleNode>();
  const errors: string[] = [];
  for (const m of json.modules) {
    if (m.error) errors.push(m.error);
    const deps = new Set<string>();
    for (const d of m.dependencies ?? []) {
      for (const s of [d.code?.specifier, d.type?.specifier]) {
        if (s) deps.add(redirects[s] ?? s);
      }
    }
    modules.set(m.specifier, {
      specifier: m.specifier,
      ...(m.local ? { local: m.local } : {}),
      deps: [...deps].sort(),
    });
  }
  return { root: json.roots[0]!, modules, errors };
}

function _under(spec: string, rootDir: string, area: string): boolean {
  return spec.startsWith(`file://${rootDir.replace(/\/$/, "")}/${area}/`);
}

export function npmName(spec: string): string | undefined {
  const m = /^npm:\/?(@[^/@]+\/[^/@]+|[^/@]+)/.exec(spec);
  return m?.[1];
}

/** Breadth-first parents, so a violation can show the shortest import chain from the root. */
function _chains(g: ModuleGraph): Map<string, string | null> {
  const parent = new Map<string, string | null>([[g.root, null]]);
  const queue = [g.root];
  while (queue.length > 0) {
    const cur = queue.shift()!;
    for (const d of g.modules.get(cur)?.deps ?? []) {
      if (!parent.has(d)) {
        parent.set(d, cur);
        queue.push(d);
      }
    }
  }
  return parent;
}

function _chainTo(parent: Map<string, string | null>, spec: string, rootDir: string): string[] {
  const chain: string[] = [];
  let cur: string | null | undefined = spec;
  while (cur) {
    chain.unshift(cur.replace(`file://${rootDir.replace(/\/$/, "")}/`, ""));
    cur = parent.get(cur);
  }
  return chain;
}

export type Binary = "compiler" | "conductor";

export async function checkBinaryGraph(
  g: ModuleGraph,
  rootDir: string,
  binary: Binary,
): Promise<Violation[]> {
  const parent = _chains(g);
  const out: Violation[] = [];
  const other = binary === "compiler" ? "conductor" : "compiler";
  for (const spec of [...parent.keys()].sort()) {
    const chain = () => _chainTo(parent, spec, rootDir);
    if (_under(spec, rootDir, other)) {
      out.push({
        rule: `${binary}-reaches-${other}`,
        chain: chain(),
        message: `${binary} reaches ${other} code`,
      });
      continue;
    }
    const pkg = npmName(spec);
    if (binary === "conductor" && pkg && COMPILER_ONLY_NPM.includes(pkg)) {
      out.push({
        rule: "conductor-reaches-compile-only-package",
        chain: chain(),
        message: `conductor reaches ${pkg}`,
      });
    }
    if (binary === "compiler" && spec.startsWith("file://")) {
      const local = g.modules.get(spec)?.local;
      if (local) {
        const text = await Deno.readTextFile(local);
        for (const marker of FORBIDDEN_IN_COMPILER_MARKERS) {
          if (text.includes(marker)) {
            out.push({
              rule: "compiler-reaches-cluster-writer",
              chain: chain(),
              message: `compiler reaches a module marked "${marker}"`,
            });
          }
        }
      }
    }
  }
  return out;
}

/** Library areas must not import either binary. */
export function checkLibraryAreas(g: ModuleGraph, rootDir: string): Violation[] {
  const out: Violation[] = [];
  for (const m of g.modules.values()) {
    if (!["shared", "schemas", "proto"].some((a) => _under(m.specifier, rootDir, a))) continue;
    for (const d of m.deps) {
      if (_under(d, rootDir, "compiler") || _under(d, rootDir, "conductor")) {
        const rel = (s: string) => s.replace(`file://${rootDir.replace(/\/$/, "")}/`, "");
        out.push({
          rule: "library-imports-binary",
          chain: [rel(m.specifier), rel(d)],
          message: "a library area imports a binary",
        });
      }
    }
  }
  return out;
}

/** Import cycles among local modules (Tarjan's strongly connected components). */
export function findCycles(g: ModuleGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const local = [...g.modules.keys()].filter((s) => s.startsWith("file://")).sort();
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.modules.get(v)?.deps ?? []) {
      if (!w.startsWith("file://") || !g.modules.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = g.modules.get(v)?.deps.includes(v);
      if (comp.length > 1 || selfLoop) cycles.push(comp.sort());
    }
  };
  for (const v of local) if (!idx.has(v)) visit(v);
  return cycles;
}

export function formatViolation(v: Violation): string {
  return `[${v.rule}] ${v.message}: ${v.chain.join(" -> ")}`;
}
