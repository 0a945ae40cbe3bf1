/** Template functions with Go signatures: shared by the executor and the built-in functions. */

export type GoFunc = (...args: unknown[]) => unknown;

/** Go parameter types the executor checks before calling (as Go's reflection-based call does). */
export type ParamType =
  | "any" // interface{}
  | "value" // reflect.Value: receives undefined for a missing (invalid) value
  | "string"
  | "int"
  | "int64"
  | "float64"
  | "bool"
  | "map" // map[string]interface{}
  | "list"; // []interface{}

export interface GoSig {
  params: ParamType[];
  variadic?: ParamType;
}

export const GO_SIG: unique symbol = Symbol.for("conductor.go.sig");

/** Attach a Go signature to a function (argument count and type checks with Go's messages). */
export function goFunc<F extends GoFunc>(params: ParamType[], fn: F, variadic?: ParamType): F {
  const sig: GoSig = { params };
  if (variadic) sig.variadic = variadic;
  (fn as unknown as { [GO_SIG]: GoSig })[GO_SIG] = sig;
  return fn;
}
