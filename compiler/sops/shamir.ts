/**
 * Combining Shamir shares of the data key (sops `key_groups` + `shamir_threshold`, read only).
 * Share layout as in HashiCorp Vault's `shamir` package, which sops uses: the y bytes for every
 * secret byte followed by one x-coordinate byte; arithmetic in GF(2^8) with the AES polynomial.
 */

function gfMul(a: number, b: number): number {
  let r = 0;
  while (b > 0) {
    if (b & 1) r ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x11b;
    b >>= 1;
  }
  return r;
}

function gfInv(a: number): number {
  if (a === 0) throw new Error("shamir: inverse of zero");
  let r = 1;
  // a^254 = a^-1 in GF(2^8)
  for (let i = 0; i < 254; i++) r = gfMul(r, a);
  return r;
}

/** Reconstructs the secret from at least `threshold` shares (all of equal length). */
export function combineShares(shares: readonly Uint8Array[]): Uint8Array {
  if (shares.length < 2) throw new Error("shamir: at least two shares are needed");
  const len = shares[0]!.length;
  if (len < 2 || shares.some((s) => s.length !== len)) {
    throw new Error("shamir: shares must have the same length");
  }
  const xs = shares.map((s) => s[len - 1]!);
  if (new Set(xs).size !== xs.length) throw new Error("shamir: duplicate share");
  const out = new Uint8Array(len - 1);
  for (let i = 0; i < shares.length; i++) {
    // Lagrange basis at x = 0: Π_{j≠i} x_j / (x_i ⊕ x_j)
    let basis = 1;
    for (let j = 0; j < shares.length; j++) {
      if (i === j) continue;
      basis = gfMul(basis, gfMul(xs[j]!, gfInv(xs[i]! ^ xs[j]!)));
    }
    for (let k = 0; k < len - 1; k++) out[k] = out[k]! ^ gfMul(shares[i]![k]!, basis);
  }
  return out;
}
