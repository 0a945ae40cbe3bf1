/**
 * Kubernetes name rules the generators check before emitting an object (names the API server
 * would reject are InputErrors at generation time, not surprises at apply time).
 */

const _DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const _DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const _LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** RFC 1123 label: ≤ 63 characters, lowercase alphanumerics and `-`, alphanumeric at both ends. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && _DNS_LABEL.test(s);
}

/** RFC 1123 subdomain: ≤ 253 characters, dot-separated labels (most object names). */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && _DNS_SUBDOMAIN.test(s);
}

/** Label value: empty, or ≤ 63 characters of `[A-Za-z0-9_.-]` starting and ending alphanumeric. */
export function isLabelValue(s: string): boolean {
  return s.length <= 63 && _LABEL_VALUE.test(s);
}

/**
 * Shortens `prefix` so that `prefix + "-" + suffix` fits in `max` characters, cutting from the end
 * of the prefix and trimming characters a name may not end with. Lowercases and replaces every
 * character outside `[a-z0-9.-]` with `-`.
 */
export function fitName(prefix: string, suffix: string, max = 63): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9.-]/g, "-");
  const room = max - suffix.length - 1;
  const cut = clean.slice(0, Math.max(0, room)).replace(/[^a-z0-9]+$/, "").replace(/^[^a-z0-9]+/, "");
  return cut === "" ? suffix : `${cut}-${suffix}`;
}
