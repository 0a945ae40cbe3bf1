/** The phase layout as data (compiler.md §5.3); built by `phases.ts`, rendered by `enable.ts`. */
import type { Obj } from "./builders.ts";

export interface PhaseFile {
  name: string;
  /** `#` comment lines (without the `# `). */
  header: string[];
  docs: Obj[];
  /** Verbatim text instead of `header` + `docs` (vendored manifests). */
  raw?: string;
  /** A patch, not an object to apply: listed under `patches`, never in `applyOrder`. */
  patch?: boolean;
}

export interface Phase {
  dir: string;
  phase: string;
  order: string;
  gate: string;
  files: PhaseFile[];
}
