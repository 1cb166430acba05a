/**
 * The keys of a development consortium: its members are accounts of the well-known development mnemonic
 * (the embedded node's and anvil's funded accounts), so one process can act for all of them. On a real
 * network every member holds its own key and runs its own services with their own configs.
 */
import { computeAddress } from "ethers";
import { developmentKeyOf } from "../node/anvilNode.js";

const SEARCHED_ACCOUNTS = 40;

export class NotADevelopmentAccountError extends Error {
  readonly code = "NOT_A_DEVELOPMENT_ACCOUNT";
  constructor(
    readonly who: string,
    readonly address: string,
  ) {
    super(`${who} (${address}) is not one of the first ${SEARCHED_ACCOUNTS} development accounts: npm start can act only for those; run that member's services with its own key (npm run oracle / npm run clearing with a config)`);
    this.name = "NotADevelopmentAccountError";
  }
}

const indexByAddress = new Map<string, number>();

/** The private key of `address` among the development accounts. */
export function developmentKeyFor(who: string, address: string): string {
  if (indexByAddress.size === 0) {
    for (let index = 0; index < SEARCHED_ACCOUNTS; index++) {
      indexByAddress.set(computeAddress(developmentKeyOf(index)).toLowerCase(), index);
    }
  }
  const index = indexByAddress.get(address.toLowerCase());
  if (index === undefined) throw new NotADevelopmentAccountError(who, address);
  return developmentKeyOf(index);
}
