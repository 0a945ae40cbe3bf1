/**
 * go-yaml's double-quoted escapes (emitterc.go, yaml_emitter_write_double_quoted_scalar), shared by
 * the emitters that reproduce it: kustomize's (kyaml) and sops' (go-yaml v3).
 */

const _SHORT: ReadonlyMap<number, string> = new Map([
  [0x00, "0"],
  [0x07, "a"],
  [0x08, "b"],
  [0x09, "t"],
  [0x0a, "n"],
  [0x0b, "v"],
  [0x0c, "f"],
  [0x0d, "r"],
  [0x1b, "e"],
  [0x22, '"'],
  [0x5c, "\\"],
  [0x85, "N"],
  [0xa0, "_"],
  [0x2028, "L"],
  [0x2029, "P"],
]);

/** What follows the backslash for code point `cp`: a short escape, else `xHH`, `uHHHH` or `UHHHHHHHH`. */
export function goYamlEscape(cp: number): string {
  const short = _SHORT.get(cp);
  if (short !== undefined) return short;
  const [letter, width] = cp <= 0xff ? ["x", 2] : cp <= 0xffff ? ["u", 4] : ["U", 8];
  return letter + cp.toString(16).toUpperCase().padStart(width, "0");
}
