// Deliberately bad fixture: the conductor reaches the Helm engine through shared code.
import { render } from "../shared/render.ts";
export const out = render();
