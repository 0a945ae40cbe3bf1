/** Errors raised by the kustomize engine; they name the kustomization file and field where known. */
import { InputError, type SeamErrorOptions } from "../../shared/errors.ts";

/** A kustomization (or a file it refers to) cannot be built. */
export class KustomizeError extends InputError {
  override name = "KustomizeError";
  constructor(message: string, options: SeamErrorOptions = {}) {
    super(message, { code: "KustomizeError", ...options });
  }
}

/** A `resources`/`components` entry is a remote URL or git repository; the engine works offline. */
export class RemoteResourceError extends KustomizeError {
  override name = "RemoteResourceError";
  readonly entry: string;
  constructor(entry: string, options: SeamErrorOptions = {}) {
    super(
      `remote resource '${entry}' is not supported: the kustomize engine builds offline only`,
      { hint: "vendor the remote base into the repository and refer to it by a relative path", ...options },
    );
    this.entry = entry;
  }
}
