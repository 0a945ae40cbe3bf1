/**
 * Command-line flags with Go `flag` package semantics, which upstream scripts rely on:
 * `-name` or `--name`, value as `--name value` or `--name=value`, booleans set by presence or
 * `--name=true|false`, parsing stops at the first non-flag argument, `--` ends flags.
 */
import { UsageError } from "./errors.ts";

export type FlagKind = "string" | "bool" | "list";

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  /** Placeholder shown in help, e.g. `<dir>`. */
  value?: string;
  help: string;
  /** Shown in help; parsing itself never fills defaults in. */
  default?: string;
}

export interface ParsedFlags {
  /** Present flags only. Empty string values (`--input=`) are dropped: "not provided". */
  strings: Map<string, string>;
  bools: Map<string, boolean>;
  lists: Map<string, string[]>;
  positionals: string[];
  help: boolean;
}

const _TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const _FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"]);

export function parseGoFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: ParsedFlags = {
    strings: new Map(),
    bools: new Map(),
    lists: new Map(),
    positionals: [],
    help: false,
  };
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.length < 2 || arg[0] !== "-") break;
    let body = arg.slice(1);
    if (body[0] === "-") {
      body = body.slice(1);
      if (body === "") {
        i++;
        break;
      }
    }
    if (body === "" || body[0] === "-" || body[0] === "=") {
      throw new UsageError(`bad flag syntax: ${arg}`);
    }
    i++;
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const spec = byName.get(name);
    if (!spec) {
      if (name === "h" || name === "help") {
        out.help = true;
        continue;
      }
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
    if (spec.kind === "bool") {
      if (inline === undefined) out.bools.set(name, true);
      else if (_TRUE.has(inline)) out.bools.set(name, true);
      else if (_FALSE.has(inline)) out.bools.set(name, false);
      else throw new UsageError(`invalid boolean value "${inline}" for -${name}: use true or false`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i >= args.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = args[i++]!;
    }
    if (spec.kind === "list") {
      const list = out.lists.get(name) ?? [];
      if (value !== "") list.push(value);
      out.lists.set(name, list);
    } else if (value === "") out.strings.delete(name);
    else out.strings.set(name, value);
  }
  out.positionals = args.slice(i);
  return out;
}

/** The flag list of a help text, one flag per entry, in the order given. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const lines: string[] = [];
  for (const s of specs) {
    const head = s.kind === "bool" ? `  --${s.name}` : `  --${s.name} ${s.value ?? "<value>"}`;
    const def = s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : "";
    const rep = s.kind === "list" ? " (repeatable)" : "";
    lines.push(head, `        ${s.help}${def}${rep}`);
  }
  return lines.join("\n");
}

/** Splits a comma list, trimming items and dropping empties (`--targets a, ,b`). */
export function splitCommaList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
