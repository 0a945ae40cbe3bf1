/**
 * @seam-boundary talos-api
 *
 * Reads a talosconfig (spec/talos.md §2; conductor.md §9.2, §10.0.3): the active context, its
 * endpoints (port 50000 when none is given; legacy `target` appended), nodes, and the base64 PEM
 * CA / client certificate / key. Unknown keys are ignored (so Seam's `clusterEndpoint` survives).
 */
import { parse } from "yaml";

export const TALOS_API_PORT = 50000;

export class TalosconfigError extends Error {
  override name = "TalosconfigError";
}

/** One resolved context, with the PEMs decoded (ready for TLS). */
export interface TalosContext {
  name: string;
  /** `host:port`, port defaulted to 50000. */
  endpoints: string[];
  nodes: string[];
  /** The Seam extension naming the VIP; excluded from per-node targets. */
  clusterEndpoint?: string;
  caPem: string;
  certPem: string;
  /** PKCS#8 PEM under the label Node/Deno TLS accepts (`PRIVATE KEY`). */
  keyPem: string;
}

function decodeB64Pem(field: string, v: unknown, context: string): string {
  if (typeof v !== "string" || v.trim() === "") {
    throw new TalosconfigError(`talosconfig context ${JSON.stringify(context)} has no ${field}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(v.replace(/\s+/g, "")), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw new TalosconfigError(`talosconfig context ${JSON.stringify(context)}: ${field} is not base64`);
  }
  if (!text.includes("-----BEGIN ")) {
    throw new TalosconfigError(`talosconfig context ${JSON.stringify(context)}: ${field} is not a PEM`);
  }
  return text;
}

/**
 * Talos writes Ed25519 keys as PKCS#8 under `ED25519 PRIVATE KEY` (spec/talos.md §1.2); TLS stacks
 * want `PRIVATE KEY`. The DER is the same.
 */
export function normalizeKeyPem(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, "-----$1 PRIVATE KEY-----");
}

/** `host` → `host:50000`; `host:port` and `[v6]:port` kept; bare IPv6 bracketed. */
export function withDefaultPort(endpoint: string): string {
  const e = endpoint.trim();
  if (e.startsWith("[")) return /\]:\d+$/.test(e) ? e : `${e}:${TALOS_API_PORT}`;
  const colons = (e.match(/:/g) ?? []).length;
  if (colons === 0) return `${e}:${TALOS_API_PORT}`;
  if (colons === 1) return e;
  return `[${e}]:${TALOS_API_PORT}`;
}

/** The host part of `host:port` (brackets removed). */
export function endpointHost(endpoint: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(endpoint);
  if (m) return m[1]!;
  const i = endpoint.lastIndexOf(":");
  return i < 0 ? endpoint : endpoint.slice(0, i);
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new TalosconfigError(`talosconfig ${what} must be a list of strings`);
  }
  return v as string[];
}

/** Parses the talosconfig text and resolves `contextName` (default: the top-level `context`). */
export function parseTalosconfig(text: string, contextName?: string): TalosContext {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new TalosconfigError(`talosconfig is not YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new TalosconfigError("talosconfig is not a mapping");
  }
  const top = doc as Record<string, unknown>;
  const name = contextName ?? top["context"];
  if (typeof name !== "string" || name === "") {
    throw new TalosconfigError("talosconfig has no current context (top-level `context`)");
  }
  const contexts = top["contexts"];
  const raw = contexts && typeof contexts === "object"
    ? (contexts as Record<string, unknown>)[name]
    : undefined;
  if (!raw || typeof raw !== "object") {
    throw new TalosconfigError(`talosconfig context ${JSON.stringify(name)} is not defined`);
  }
  const c = raw as Record<string, unknown>;
  const endpoints = strings(c["endpoints"], `context ${name} endpoints`);
  if (typeof c["target"] === "string" && c["target"] !== "") endpoints.push(c["target"]);
  const clusterEndpoint = typeof c["clusterEndpoint"] === "string" ? c["clusterEndpoint"] : undefined;
  return {
    name,
    endpoints: endpoints.map(withDefaultPort),
    nodes: strings(c["nodes"], `context ${name} nodes`),
    ...(clusterEndpoint ? { clusterEndpoint } : {}),
    caPem: decodeB64Pem("ca", c["ca"], name),
    certPem: decodeB64Pem("crt", c["crt"], name),
    keyPem: normalizeKeyPem(decodeB64Pem("key", c["key"], name)),
  };
}

/**
 * Per-node targets (conductor.md §10.0.3): `nodes` as given; else the endpoints' hosts minus the
 * `clusterEndpoint` VIP.
 */
export function nodeTargets(ctx: TalosContext): string[] {
  if (ctx.nodes.length > 0) return [...ctx.nodes];
  if (ctx.endpoints.length === 0) {
    throw new TalosconfigError(
      `talosconfig context ${JSON.stringify(ctx.name)} has neither nodes nor endpoints`,
    );
  }
  const vip = ctx.clusterEndpoint === undefined
    ? undefined
    : endpointHost(withDefaultPort(ctx.clusterEndpoint));
  const out = ctx.endpoints.map(endpointHost).filter((h) => h !== vip);
  if (out.length === 0) throw new TalosconfigError("no node IPs remain; add individual node IPs to nodes");
  return out;
}
