/**
 * @seam-boundary talos-api
 *
 * Loads the hand-written, wire-exact Talos protos (proto/talos/, field numbers from Talos' own
 * protos — spec/talos.md §4.3–§4.5) at run time with protobufjs. Files are read with Deno's file API
 * (no Node `fs` shim, works under `deno run -P=conductor`); imports are resolved relative to
 * proto/talos/, and google/protobuf well-known types come from protobufjs' bundled definitions.
 */
import protobuf from "protobufjs";

/** proto/talos/ relative to this module. */
export const TALOS_PROTO_DIR = new URL("../../../proto/talos/", import.meta.url);

/** The entry files; their imports are followed. */
export const TALOS_PROTO_FILES = ["machine/machine.proto"] as const;

let cached: protobuf.Root | undefined;

function addWellKnown(root: protobuf.Root, file: string): boolean {
  const common =
    (protobuf as unknown as { common: { get(name: string): protobuf.INamespace | null } }).common;
  const json = common.get(file);
  if (!json) return false;
  root.addJSON(json.nested ?? {});
  return true;
}

/** Parses proto/talos/ into one protobufjs Root (cached; field names kept in snake_case). */
export function loadTalosRoot(dir: URL = TALOS_PROTO_DIR): protobuf.Root {
  if (cached && dir.href === TALOS_PROTO_DIR.href) return cached;
  const root = new protobuf.Root();
  const seen = new Set<string>();
  const queue: string[] = [...TALOS_PROTO_FILES];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.startsWith("google/protobuf/") && addWellKnown(root, file)) continue;
    const text = Deno.readTextFileSync(new URL(file, dir));
    const parsed = protobuf.parse(text, root, { keepCase: true });
    for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) queue.push(imp);
  }
  root.resolveAll();
  if (dir.href === TALOS_PROTO_DIR.href) cached = root;
  return root;
}

/** A message type by its full name, e.g. `machine.VersionResponse`. */
export function talosType(name: string): protobuf.Type {
  return loadTalosRoot().lookupType(name);
}
