import { a } from "./render.ts";
export const b = String(a);
