/**
 * What every role client shares: the ledger bound to the member's signer, transactions whose reverts come
 * back as typed `LedgerRefusal`s, and events read from receipts.
 */
import type { ContractTransactionReceipt, ContractTransactionResponse, LogDescription, Signer, TypedDataDomain } from "ethers";
import { type VoucherLedger, VoucherLedger__factory } from "../../../types/ethers-contracts/index.js";
import { ledgerDomain } from "../eip712.js";
import { callLedger, InvalidArgumentError } from "../errors.js";
import { bytes18ToUscc, usccToBytes18 } from "../uscc.js";

export abstract class LedgerClient {
  readonly ledger: VoucherLedger;

  constructor(
    readonly signer: Signer,
    ledgerAddress: string,
  ) {
    this.ledger = VoucherLedger__factory.connect(ledgerAddress, signer);
  }

  address(): Promise<string> {
    return this.signer.getAddress();
  }

  /** This member's USCC as the registry records it. */
  async uscc(): Promise<string> {
    const member = await callLedger(async () => this.ledger.memberOf(await this.address()));
    return bytes18ToUscc(member.uscc);
  }

  /** The EIP-712 domain of this ledger on this chain. */
  async domain(): Promise<TypedDataDomain> {
    const { chainId } = await callLedger(() => this.signer.provider!.getNetwork());
    return ledgerDomain(chainId, await this.ledger.getAddress());
  }

  /** The time of the latest block: deadlines and maturities are judged by it. */
  async chainTime(): Promise<bigint> {
    const block = await callLedger(() => this.signer.provider!.getBlock("latest"));
    return BigInt(block!.timestamp);
  }

  /** The account of a member given by USCC; a USCC that is no member is refused before any oracle is asked. */
  protected async accountOfUscc(argument: string, uscc: string): Promise<string> {
    const account = await callLedger(() => this.ledger.accountOf(usccToBytes18(uscc)));
    if (BigInt(account) === 0n) throw new InvalidArgumentError(argument, uscc, "expected the USCC of a consortium member");
    return account;
  }

  /**
   * The default attestation deadline: `window` after the later of the wall clock and the latest block —
   * the oracle judges deadlines by the same "now", and a quiet chain's latest block can be hours old.
   */
  protected async defaultDeadline(window: bigint): Promise<bigint> {
    const wallClock = BigInt(Math.floor(Date.now() / 1000));
    const chain = await this.chainTime();
    return (wallClock > chain ? wallClock : chain) + window;
  }

  /** Sends, waits for the receipt; a revert (at estimation or in the block) becomes a typed error. */
  protected send(transaction: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return callLedger(async () => {
      const response = await transaction();
      const receipt = await response.wait();
      return receipt!;
    });
  }

  /** The ledger's events of one name in a receipt, decoded. */
  protected eventsIn(receipt: ContractTransactionReceipt, name: string): LogDescription[] {
    return receipt.logs
      .map((log) => this.ledger.interface.parseLog(log))
      .filter((event): event is LogDescription => event !== null && event.name === name);
  }
}
