/**
 * Where the shared reference data lives: `../shared/reference` beside the checkout, which is how
 * both a developer's machine and CI lay it out. `SEAM_REFERENCE_DIR` overrides it.
 */
const _fromRepo = new URL("../../../shared/reference", import.meta.url).pathname;

export const REFERENCE_DIR: string = (() => {
  try {
    return Deno.env.get("SEAM_REFERENCE_DIR") ?? _fromRepo;
  } catch {
    return _fromRepo;
  }
})();

/** Absolute path of a file or folder under the reference data. */
export function referencePath(rel: string): string {
  return `${REFERENCE_DIR}/${rel.replace(/^\/+/, "")}`;
}
