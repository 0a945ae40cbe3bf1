/** DNS-1123 label check for names the bundle derives (e.g. `seam-tenant-<cluster>`). */
export function dns1123LabelProblem(s: string): string | undefined {
  if (s.length > 63) return `is ${s.length} characters long (at most 63)`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)) {
    return "is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)";
  }
  return undefined;
}
