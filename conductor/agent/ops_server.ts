/**
 * The agent's operations endpoint: `/healthz`, `/readyz` and `/metrics` (Prometheus text format).
 * Readiness is reported by whoever owns the state (leader election, informers), not guessed here.
 */
import { SEAM_VERSION } from "../../shared/version.ts";
import type { ListenAddr } from "./listen_addr.ts";

export interface Readiness {
  /** Empty when ready; otherwise the reasons it is not. */
  notReadyReasons(): string[];
}

export interface OpsServerOptions {
  addr: ListenAddr;
  role: string;
  clusterRef: string;
  readiness: Readiness;
  /** Extra metric lines (already in exposition format). */
  metrics?: () => string;
}

function _escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function opsHandler(opts: Omit<OpsServerOptions, "addr">): (req: Request) => Response {
  return (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") return new Response("ok\n");
    if (path === "/readyz") {
      const reasons = opts.readiness.notReadyReasons();
      return reasons.length === 0
        ? new Response("ok\n")
        : new Response(reasons.map((r) => `not ready: ${r}\n`).join(""), { status: 503 });
    }
    if (path === "/metrics") {
      const body = [
        "# HELP conductor_info Build and identity of this agent.",
        "# TYPE conductor_info gauge",
        `conductor_info{version="${_escapeLabel(SEAM_VERSION)}",role="${_escapeLabel(opts.role)}",cluster="${
          _escapeLabel(opts.clusterRef)
        }"} 1`,
        opts.metrics?.() ?? "",
      ].filter((l) => l !== "").join("\n") + "\n";
      return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4" } });
    }
    return new Response("not found\n", { status: 404 });
  };
}

export function startOpsServer(opts: OpsServerOptions): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: opts.addr.hostname, port: opts.addr.port, onListen: () => {} },
    opsHandler(opts),
  );
}
