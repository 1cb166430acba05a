/**
 * A core enterprise: issues vouchers to its suppliers against attested trade (R1–R3) and sees what it
 * owes. Payment itself goes through its clearing bank (R10): the clearing engine instructs the bank.
 */
import { callLedger, requireUnixSeconds } from "../errors.js";
import { TradingClient, type TradeOrder } from "./tradingClient.js";

export interface IssueOrder extends TradeOrder {
  /** Unix seconds. */
  maturity: bigint;
}

export interface IssuedVoucher {
  voucherId: bigint;
  pieceId: bigint;
  holder: string;
  amount: bigint;
  maturity: bigint;
  enhancedReviewRequired: boolean;
  packageHash: string;
  documentKeys: string[];
  attestors: string[];
  transactionHash: string;
}

export interface Obligation {
  voucherId: bigint;
  maturity: bigint;
  /** Face value of the pieces not yet settled, fen. */
  outstanding: bigint;
  livePieces: number;
  overdue: boolean;
}

export class CoreEnterpriseClient extends TradingClient {
  /** Sends the trade to the oracles, collects k attestations, and issues. */
  async issue(order: IssueOrder): Promise<IssuedVoucher> {
    requireUnixSeconds("maturity", order.maturity);
    const attested = await this.attestTrade(order, { kind: "issue", maturity: order.maturity });
    // Built from the order; only the keyed hashes come from the oracles (and were checked against the order).
    const request = {
      holder: attested.payee,
      amount: order.amount,
      maturity: order.maturity,
      packageHash: attested.packageHash,
      documentKeys: attested.documentKeys,
      deadline: attested.deadline,
    };
    const receipt = await this.send(() => this.ledger.issue(request, attested.signatures));
    const [event] = this.eventsIn(receipt, "VoucherIssued");
    return {
      voucherId: event.args.voucherId,
      pieceId: event.args.pieceId,
      holder: event.args.holder,
      amount: event.args.amount,
      maturity: event.args.maturity,
      enhancedReviewRequired: event.args.enhancedReviewRequired,
      packageHash: event.args.packageHash,
      documentKeys: [...event.args.documentKeys],
      attestors: attested.signers,
      transactionHash: receipt.hash,
    };
  }

  /** Every voucher this enterprise issued that still has unsettled pieces, by maturity. */
  async obligations(options: { fromBlock?: number } = {}): Promise<Obligation[]> {
    const issuer = await this.address();
    const issued = await callLedger(() => this.ledger.queryFilter(this.ledger.filters.VoucherIssued(undefined, issuer), options.fromBlock ?? 0));
    const obligations: Obligation[] = [];
    for (const event of issued) {
      const voucherId = event.args.voucherId;
      const voucher = await callLedger(() => this.ledger.voucherOf(voucherId));
      if (Number(voucher.livePieces) === 0) continue;
      let outstanding = 0n;
      for (let from = 0n; ; ) {
        const [pieceIds, next] = await callLedger(() => this.ledger.livePiecesOf(voucherId, from, 100n));
        for (const pieceId of pieceIds) outstanding += (await callLedger(() => this.ledger.pieceOf(pieceId))).amount;
        if (next === 0n) break;
        from = next;
      }
      obligations.push({ voucherId, maturity: voucher.maturity, outstanding, livePieces: Number(voucher.livePieces), overdue: voucher.overdue });
    }
    return obligations.sort((a, b) => (a.maturity < b.maturity ? -1 : a.maturity > b.maturity ? 1 : 0));
  }
}
