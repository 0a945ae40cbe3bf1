/** Timestamps the agent writes: `metav1.MicroTime` (Lease) and `metav1.Time` (conditions, specs). */

/** `2026-01-02T03:04:05.123000Z` — Kubernetes MicroTime, six fractional digits. */
export function rfc3339Micro(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** `2026-01-02T03:04:05Z` — Kubernetes Time, whole seconds. */
export function rfc3339Seconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
