/**
 * A bank: verifies a piece before lending (R7, R9), takes and ends pledges (R8), buys pieces (factoring),
 * records enhanced reviews of long-term vouchers (R4), and — as a clearing bank — confirms settlement (R10).
 */
import type { ContractTransactionReceipt } from "ethers";
import { callLedger, requireBytes32, requirePieceId } from "../errors.js";
import { verifyForFinancing, type FinancingReport } from "../financingCheck.js";
import { LedgerClient } from "./ledgerClient.js";
import type { SignedFactoringConsent, SignedPledgeConsent } from "./supplier.js";

export interface SettlementConfirmation {
  pieceId: bigint;
  /** The bank's payment reference (e.g. the EndToEndId of the credit transfer), non-zero. */
  bankReference: string;
}

export class BankClient extends LedgerClient {
  /** Everything a bank must know before lending against a piece, with a verdict and its reasons. */
  async verifyForFinancing(pieceId: bigint): Promise<FinancingReport> {
    requirePieceId("pieceId", pieceId);
    return callLedger(async () => verifyForFinancing(this.ledger, pieceId, { bank: await this.address() }));
  }

  /** Takes the pledge the holder consented to. The ledger refuses a second pledge of the same piece (R9). */
  acceptPledge(signed: SignedPledgeConsent): Promise<ContractTransactionReceipt> {
    return this.send(() => this.ledger.pledge(signed.terms, signed.consent));
  }

  /** The loan was repaid: the piece is free again. */
  async releasePledge(pieceId: bigint): Promise<ContractTransactionReceipt> {
    requirePieceId("pieceId", pieceId);
    return this.send(() => this.ledger.releasePledge(pieceId));
  }

  /** The loan defaulted: the bank will be paid the whole piece at clearing. */
  async enforcePledge(pieceId: bigint): Promise<ContractTransactionReceipt> {
    requirePieceId("pieceId", pieceId);
    return this.send(() => this.ledger.enforcePledge(pieceId));
  }

  /** Buys the piece the holder consented to sell; the bank becomes its holder. */
  factor(signed: SignedFactoringConsent): Promise<ContractTransactionReceipt> {
    return this.send(() => this.ledger.factor(signed.terms, signed.consent));
  }

  /** Records the bank's enhanced review of a voucher with a term over the threshold (R4). */
  async recordEnhancedReview(voucherId: bigint, reviewHash: string): Promise<ContractTransactionReceipt> {
    requireBytes32("reviewHash", reviewHash);
    return this.send(() => this.ledger.recordEnhancedReview(voucherId, reviewHash));
  }

  /**
   * As the issuer's clearing bank: marks paid pieces settled, in batches the ledger accepts. Batches go
   * one after another; if one is refused, the ones before it stay confirmed and the error says which.
   */
  async confirmSettlement(confirmations: readonly SettlementConfirmation[]): Promise<ContractTransactionReceipt[]> {
    confirmations.forEach((confirmation, index) => {
      requirePieceId(`confirmations[${index}].pieceId`, confirmation.pieceId);
      requireBytes32(`confirmations[${index}].bankReference`, confirmation.bankReference);
    });
    const batchSize = Number(await callLedger(() => this.ledger.MAX_SETTLEMENT_BATCH()));
    const receipts: ContractTransactionReceipt[] = [];
    for (let start = 0; start < confirmations.length; start += batchSize) {
      const batch = confirmations.slice(start, start + batchSize).map(({ pieceId, bankReference }) => ({ pieceId, bankReference }));
      receipts.push(await this.send(() => this.ledger.settle(batch)));
    }
    return receipts;
  }
}
