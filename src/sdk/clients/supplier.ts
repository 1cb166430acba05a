/**
 * A supplier (any holder of a piece): pays its own suppliers with all or part of a piece against attested
 * trade, splits, and signs the consents a bank needs to take a pledge or buy a piece (factoring).
 */
import { signFactoringConsent, signPledgeConsent, type FactoringConsent, type PledgeConsent } from "../eip712.js";
import { registrationNumberToBytes24 } from "../constants.js";
import { callLedger, InvalidArgumentError, requireAddress, requireBps, requireFen, requirePieceId, requireUnixSeconds } from "../errors.js";
import { TradingClient, type TradeOrder } from "./tradingClient.js";

export interface TransferOrder extends TradeOrder {
  /** The piece to pay with; the whole piece moves when `amount` equals it, otherwise a new piece is split off. */
  pieceId: bigint;
}

export interface TransferResult {
  /** The piece the payee now holds (the same id for a whole transfer). */
  pieceId: bigint;
  /** What the payer still holds of the original piece (0 after a whole transfer). */
  remainder: bigint;
  transactionHash: string;
}

export interface PledgeRequest {
  pieceId: bigint;
  /** The bank lending against the piece. */
  pledgee: string;
  /** Loan principal secured, fen (≤ the piece amount). */
  securedAmount: bigint;
  annualRateBps: number;
  serviceFeeBps: number;
  /** Number of the filing in the PBoC unified movable-property registry. */
  registrationNumber: string;
  /** When the consent expires, unix seconds. */
  deadline: bigint;
}

/** What the holder hands to the bank: the terms to submit and the holder's signature over them. */
export interface SignedPledgeConsent {
  terms: { pieceId: bigint; securedAmount: bigint; annualRateBps: number; serviceFeeBps: number; registrationNumber: string; deadline: bigint };
  consent: string;
  holder: string;
}

export interface FactoringRequest {
  pieceId: bigint;
  factor: string;
  /** Price the factor pays, fen (≤ the piece amount). */
  purchasePrice: bigint;
  withRecourse: boolean;
  deadline: bigint;
}

export interface SignedFactoringConsent {
  terms: { pieceId: bigint; purchasePrice: bigint; withRecourse: boolean; deadline: bigint };
  consent: string;
  holder: string;
}

export class SupplierClient extends TradingClient {
  /** Pays a supplier with all or part of a piece: the trade is attested by k oracles first. */
  async transfer(order: TransferOrder): Promise<TransferResult> {
    requirePieceId("pieceId", order.pieceId);
    const attested = await this.attestTrade(order, { kind: "transfer", pieceId: order.pieceId });
    // Built from the order; only the keyed hashes come from the oracles (and were checked against the order).
    const request = {
      pieceId: order.pieceId,
      to: attested.payee,
      amount: order.amount,
      packageHash: attested.packageHash,
      documentKeys: attested.documentKeys,
      deadline: attested.deadline,
    };
    const receipt = await this.send(() => this.ledger.splitTransfer(request, attested.signatures));
    const [split] = this.eventsIn(receipt, "PieceSplit");
    if (split !== undefined) return { pieceId: split.args.pieceId, remainder: split.args.parentAmount, transactionHash: receipt.hash };
    return { pieceId: order.pieceId, remainder: 0n, transactionHash: receipt.hash };
  }

  /** Splits a piece in two, both kept (no trade, so no attestation); returns the new piece. */
  async split(pieceId: bigint, amount: bigint): Promise<{ pieceId: bigint; remainder: bigint; transactionHash: string }> {
    requirePieceId("pieceId", pieceId);
    requireFen("amount", amount);
    const receipt = await this.send(() => this.ledger.split(pieceId, amount));
    const [split] = this.eventsIn(receipt, "PieceSplit");
    return { pieceId: split.args.pieceId, remainder: split.args.parentAmount, transactionHash: receipt.hash };
  }

  /**
   * Signs the consent a bank submits to take a pledge. It names the piece's current amount and the next
   * pledge serial, so it cannot be used after a split or replayed after a release.
   */
  async consentToPledge(request: PledgeRequest): Promise<SignedPledgeConsent> {
    requirePieceId("pieceId", request.pieceId);
    requireAddress("pledgee", request.pledgee);
    requireFen("securedAmount", request.securedAmount);
    requireBps("annualRateBps", request.annualRateBps);
    requireBps("serviceFeeBps", request.serviceFeeBps);
    requireUnixSeconds("deadline", request.deadline);
    let registration: string;
    try {
      registration = registrationNumberToBytes24(request.registrationNumber);
    } catch {
      // A malformed number is an argument error like the others, not a bare RangeError.
      throw new InvalidArgumentError("registrationNumber", request.registrationNumber, "expected 1 to 24 printable ASCII characters");
    }
    const [holder, piece, lastPledge, domain] = await Promise.all([
      this.address(),
      callLedger(() => this.ledger.pieceOf(request.pieceId)),
      callLedger(() => this.ledger.pledgeOf(request.pieceId)),
      this.domain(),
    ]);
    const consent: PledgeConsent = {
      pieceId: request.pieceId,
      holder,
      pledgee: request.pledgee,
      pieceAmount: piece.amount,
      securedAmount: request.securedAmount,
      annualRateBps: request.annualRateBps,
      serviceFeeBps: request.serviceFeeBps,
      registrationNumber: registration,
      serial: Number(lastPledge.serial) + 1,
      deadline: request.deadline,
    };
    return {
      terms: {
        pieceId: request.pieceId,
        securedAmount: request.securedAmount,
        annualRateBps: request.annualRateBps,
        serviceFeeBps: request.serviceFeeBps,
        registrationNumber: registration,
        deadline: request.deadline,
      },
      consent: await signPledgeConsent(this.signer, domain, consent),
      holder,
    };
  }

  /** Signs the consent a factor submits to buy the piece (single use: it carries the holder's nonce). */
  async consentToFactoring(request: FactoringRequest): Promise<SignedFactoringConsent> {
    requirePieceId("pieceId", request.pieceId);
    requireAddress("factor", request.factor);
    requireFen("purchasePrice", request.purchasePrice);
    requireUnixSeconds("deadline", request.deadline);
    const holder = await this.address();
    const [piece, nonce, domain] = await Promise.all([
      callLedger(() => this.ledger.pieceOf(request.pieceId)),
      callLedger(() => this.ledger.nonces(holder)),
      this.domain(),
    ]);
    const consent: FactoringConsent = {
      pieceId: request.pieceId,
      holder,
      factor: request.factor,
      amount: piece.amount,
      purchasePrice: request.purchasePrice,
      withRecourse: request.withRecourse,
      nonce,
      deadline: request.deadline,
    };
    return {
      terms: { pieceId: request.pieceId, purchasePrice: request.purchasePrice, withRecourse: request.withRecourse, deadline: request.deadline },
      consent: await signFactoringConsent(this.signer, domain, consent),
      holder,
    };
  }
}
