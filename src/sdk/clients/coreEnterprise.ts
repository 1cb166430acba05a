/**
 * A core enterprise: issues vouchers to its suppliers against attested trade (R1–R3) and sees what it
 * owes. Payment itself goes through its clearing bank (R10): the clearing engine instructs the bank.
 */
import type { Signer } from "ethers";
import type { TradeDocuments } from "../../oracle/package/types.js";
import { callLedger, requirePositiveFen, requireUnixSeconds, requireUscc } from "../errors.js";
import { fenToCny } from "../money.js";
import { collectAttestations } from "./attestations.js";
import { LedgerClient } from "./ledgerClient.js";
import type { OracleClient } from "./oracleClient.js";

/** How long an attestation stays valid unless the caller says otherwise: time to collect k and send. */
export const DEFAULT_ATTESTATION_WINDOW = 30n * 60n;

export interface IssueOrder {
  /** The supplier that receives the voucher. */
  payeeUscc: string;
  /** Face amount, fen. */
  amount: bigint;
  /** Unix seconds. */
  maturity: bigint;
  documents: TradeDocuments;
  /** Attestation deadline, unix seconds; default chain time + 30 minutes. */
  deadline?: bigint;
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

export class CoreEnterpriseClient extends LedgerClient {
  constructor(
    signer: Signer,
    ledgerAddress: string,
    readonly oracles: readonly OracleClient[],
  ) {
    super(signer, ledgerAddress);
  }

  /** Sends the trade to the oracles, collects k attestations, and issues. */
  async issue(order: IssueOrder): Promise<IssuedVoucher> {
    requireUscc("payeeUscc", order.payeeUscc);
    requirePositiveFen("amount", order.amount);
    requireUnixSeconds("maturity", order.maturity);
    if (order.deadline !== undefined) requireUnixSeconds("deadline", order.deadline);

    const [payerUscc, payer, holder, policy, deadline, { chainId }] = await Promise.all([
      this.uscc(),
      this.address(),
      this.accountOfUscc("payeeUscc", order.payeeUscc),
      callLedger(() => this.ledger.policy()),
      order.deadline ?? this.defaultDeadline(DEFAULT_ATTESTATION_WINDOW),
      callLedger(() => this.signer.provider!.getNetwork()),
    ]);
    const tradePackage = {
      payerUscc,
      payeeUscc: order.payeeUscc,
      amount: fenToCny(order.amount),
      maturity: Number(order.maturity),
      deadline: Number(deadline),
      ...order.documents,
    };
    const attested = await collectAttestations(this.oracles, "issue", tradePackage, this.signer, Number(policy.attestationQuorum), {
      primaryType: "IssueAttestation",
      chainId,
      ledger: await this.ledger.getAddress(),
      fields: { issuer: payer, holder, amount: order.amount.toString(), maturity: order.maturity.toString(), deadline: deadline.toString() },
      documentKeyCount: order.documents.invoices.length,
    });
    // Built from the order; only the keyed hashes come from the oracles (and were checked above).
    const request = {
      holder,
      amount: order.amount,
      maturity: order.maturity,
      packageHash: attested.packageHash,
      documentKeys: attested.documentKeys,
      deadline,
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
