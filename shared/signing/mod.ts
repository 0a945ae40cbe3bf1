/**
 * Signing shared by both binaries (conductor.md §5, ADR 0010): canonical bytes, Ed25519 keys from
 * PEM, a signer and a verifying key ring, and the annotation keys signatures live under. Imports
 * nothing outside `shared/`.
 */
export * from "./canonical.ts";
export * from "./keys.ts";
export * from "./key_ring.ts";
export * from "./annotations.ts";
