// Deliberately bad fixture: a library area importing a binary, and a cycle with cycle_b.ts.
import { helm } from "../compiler/helm/mod.ts";
import { b } from "./cycle_b.ts";
export const a = 1;
export function render(): string {
  return helm() + b;
}
