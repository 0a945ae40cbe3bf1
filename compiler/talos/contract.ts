/** Talos version contracts (major.minor) and the generation gates that matter for v1.9–v1.12. */

export const SUPPORTED_CONTRACTS = ["v1.9", "v1.10", "v1.11", "v1.12"] as const;
export type ContractName = (typeof SUPPORTED_CONTRACTS)[number];

export interface Contract {
  major: number;
  minor: number;
}

export class ContractError extends Error {
  override name = "ContractError";
}

/** Parses "v1.12", "1.12.3" or "v1.12.0-beta.1" into a contract. */
export function parseContract(version: string): Contract {
  const v = version.startsWith("v") ? version : "v" + version;
  const m = /^v(\d+)\.(\d+)($|\.)/.exec(v);
  if (!m) throw new ContractError(`invalid version contract ${JSON.stringify(version)}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function contractName(c: Contract): string {
  return `v${c.major}.${c.minor}`;
}

export function assertSupported(c: Contract): void {
  if (!(SUPPORTED_CONTRACTS as readonly string[]).includes(contractName(c))) {
    throw new ContractError(
      `unsupported Talos contract ${contractName(c)} (supported: ${SUPPORTED_CONTRACTS.join(", ")})`,
    );
  }
}

/** c is strictly newer than major.minor. */
export function newerThan(c: Contract, major: number, minor: number): boolean {
  return c.major > major || (c.major === major && c.minor > minor);
}

export const gates = {
  multidocNetworkConfig: (c: Contract) => newerThan(c, 1, 11),
  hideRBACAndKeyUsage: (c: Contract) => newerThan(c, 1, 11),
  hideDisablePSP: (c: Contract) => newerThan(c, 1, 11),
  populateClusterSANsFromEndpoint: (c: Contract) => !newerThan(c, 1, 11),
  grubUseUKICmdlineDefault: (c: Contract) => newerThan(c, 1, 11),
  secretboxEncryption: (c: Contract) => newerThan(c, 1, 2),
  rsaServiceAccountKey: (c: Contract) => newerThan(c, 1, 6),
};
