import { helm } from "./helm/mod.ts";
export const x = helm();
