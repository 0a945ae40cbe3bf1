/** Helpers shared by the input-schema tests. */
import type { z } from "zod";
import { type SeamError, ValidationError } from "../../shared/errors.ts";
import { parseYamlDocument } from "../../shared/yaml_io.ts";
import { AssertionError } from "../../shared/testing/asserts.ts";
import { validateInput } from "./validate.ts";

export interface Found {
  path: string | undefined;
  line: number | undefined;
  column: number | undefined;
  message: string;
  hint: string | undefined;
}

function found(e: SeamError): Found {
  return { path: e.path, line: e.line, column: e.column, message: e.message, hint: e.hint };
}

/** The errors validation reports for `text` (empty when it validates). */
export function errorsOf(schema: z.ZodType, text: string, file = "in.yaml"): Found[] {
  try {
    validateInput(schema, parseYamlDocument(text, file));
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map(found);
    throw err;
  }
}

/** The warnings of a document that must validate. */
export function warningsOf(schema: z.ZodType, text: string, file = "in.yaml"): Found[] {
  return validateInput(schema, parseYamlDocument(text, file)).warnings.map(found);
}

export interface Expected {
  path: string | undefined;
  line: number;
  column: number;
  /** Substrings the message must contain. */
  message: string[];
  /** Substring the hint must contain. */
  hint: string;
}

/** Asserts that exactly one of `list` matches `want` (path, line, column equal; message and hint contain). */
export function assertOneMatches(list: Found[], want: Expected, label: string): void {
  const hits = list.filter((f) =>
    f.path === want.path && f.line === want.line && f.column === want.column &&
    want.message.every((m) => f.message.includes(m)) && (f.hint ?? "").includes(want.hint)
  );
  if (hits.length !== 1) {
    throw new AssertionError({
      message: `${label}: expected exactly one issue like ${
        JSON.stringify(want)
      }, got ${hits.length} among:\n${list.map((f) => `  ${JSON.stringify(f)}`).join("\n")}`,
    });
  }
}
