// @seam-boundary talos-api (marker only in this fixture, to exercise the compiler rule)
export function helm(): string {
  return "rendered";
}
