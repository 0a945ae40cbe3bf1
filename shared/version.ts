/** One version for both binaries; a test keeps it equal to deno.json's. */
export const SEAM_VERSION = "0.1.0";
