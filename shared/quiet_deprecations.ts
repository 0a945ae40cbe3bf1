/**
 * `@kubernetes/client-node` pulls in Node's deprecated `punycode` module, which prints a DEP0040
 * warning on every start. That warning is about a dependency's internals and tells a user nothing
 * they can act on, so exactly that one code is dropped; every other warning still prints.
 * Import this module first, before anything that loads the client.
 */
import process from "node:process";

const _emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === "object" && rest[0] !== null
    ? (rest[0] as { code?: string }).code
    : typeof rest[1] === "string"
    ? rest[1]
    : undefined;
  if (code === "DEP0040") return;
  return (_emit as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
