/**
 * A member that pays its suppliers with vouchers (a core enterprise issuing, a holder transferring): the
 * trade goes to the oracles first, and the ledger request is built from the member's own order plus the
 * keyed hashes the oracles agreed on.
 */
import type { Signer } from "ethers";
import type { TradeDocuments } from "../../oracle/package/types.js";
import { callLedger, requirePositiveFen, requireUnixSeconds, requireUscc } from "../errors.js";
import { fenToCny } from "../money.js";
import { collectAttestations, type CollectedAttestations } from "./attestations.js";
import { LedgerClient } from "./ledgerClient.js";
import type { OracleClient } from "./oracleClient.js";

/** How long an attestation stays valid unless the caller says otherwise: time to collect k and send. */
export const DEFAULT_ATTESTATION_WINDOW = 30n * 60n;

/** What the payer asks, common to an issue and a transfer. */
export interface TradeOrder {
  payeeUscc: string;
  /** Fen. */
  amount: bigint;
  documents: TradeDocuments;
  /** Attestation deadline, unix seconds; default 30 minutes from now. */
  deadline?: bigint;
}

export interface AttestedTrade extends CollectedAttestations {
  /** The payee's account, as the ledger knows its USCC. */
  payee: string;
  deadline: bigint;
}

export abstract class TradingClient extends LedgerClient {
  constructor(
    signer: Signer,
    ledgerAddress: string,
    readonly oracles: readonly OracleClient[],
  ) {
    super(signer, ledgerAddress);
  }

  /**
   * Checks the order, asks the oracles, and returns k agreeing attestations checked against the order.
   * `subject` is what only one kind has: the maturity of an issue, or the piece of a transfer.
   */
  protected async attestTrade(
    order: TradeOrder,
    subject: { kind: "issue"; maturity: bigint } | { kind: "transfer"; pieceId: bigint },
  ): Promise<AttestedTrade> {
    requireUscc("payeeUscc", order.payeeUscc);
    requirePositiveFen("amount", order.amount);
    if (order.deadline !== undefined) requireUnixSeconds("deadline", order.deadline);

    const [payerUscc, payer, payee, policy, deadline, { chainId }] = await Promise.all([
      this.uscc(),
      this.address(),
      this.accountOfUscc("payeeUscc", order.payeeUscc),
      callLedger(() => this.ledger.policy()),
      order.deadline ?? this.defaultDeadline(DEFAULT_ATTESTATION_WINDOW),
      callLedger(() => this.signer.provider!.getNetwork()),
    ]);
    const common = { payerUscc, payeeUscc: order.payeeUscc, amount: fenToCny(order.amount), deadline: Number(deadline), ...order.documents };
    const tradePackage =
      subject.kind === "issue" ? { ...common, maturity: Number(subject.maturity) } : { ...common, pieceId: subject.pieceId.toString() };
    const fields: Record<string, string> =
      subject.kind === "issue"
        ? { issuer: payer, holder: payee, maturity: subject.maturity.toString() }
        : { from: payer, to: payee, pieceId: subject.pieceId.toString() };
    const attested = await collectAttestations(this.oracles, subject.kind, tradePackage, this.signer, Number(policy.attestationQuorum), {
      primaryType: subject.kind === "issue" ? "IssueAttestation" : "TransferAttestation",
      chainId,
      ledger: await this.ledger.getAddress(),
      fields: { ...fields, amount: order.amount.toString(), deadline: deadline.toString() },
      documentKeyCount: order.documents.invoices.length,
    });
    return { ...attested, payee, deadline };
  }
}
