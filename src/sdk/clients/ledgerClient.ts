/**
 * What every role client shares: the ledger bound to the member's signer, transactions whose reverts come
 * back as typed `LedgerRefusal`s, and events read from receipts.
 */
import type { ContractTransactionReceipt, ContractTransactionResponse, LogDescription, Signer, TypedDataDomain } from "ethers";
import { type VoucherLedger, VoucherLedger__factory } from "../../../types/ethers-contracts/index.js";
import { ledgerDomain } from "../eip712.js";
import { callLedger } from "../errors.js";
import { bytes18ToUscc } from "../uscc.js";

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
