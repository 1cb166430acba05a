/**
 * Matches what the bank reports against what was instructed — by EndToEndId, never by amount alone.
 * A payment counts only when booked for exactly its amount in CNY, once; anything else is a
 * reconciliation exception that is reported and never confirmed on-chain. A piece is confirmable when
 * every one of its payouts is booked (a pledged piece pays the pledgee and the holder).
 *
 * A reversal (an entry with RvslInd true) carries the opposite direction of what it undoes: the return of
 * a payment is a CRDT. It takes a booked payment back out of the booked set for good: the engine never
 * instructs a returned payment again, so a later booking under its EndToEndId (a statement repeating the
 * original booking, a notification delivered twice) is an exception, never a payment.
 */
import { formatCny } from "../../sdk/money.js";
import type { BookedEntry, Payout, PaymentStatus } from "../types.js";

export type ReconciliationExceptionCode =
  | "UNKNOWN_END_TO_END_ID"
  | "MISSING_END_TO_END_ID"
  | "AMOUNT_MISMATCH"
  | "CURRENCY_MISMATCH"
  | "WRONG_DIRECTION"
  | "DUPLICATE_BOOKING"
  | "BOOKED_AFTER_REJECTION"
  /** The bank reversed a booked payment (e.g. the payee's account was closed): it is no longer paid. */
  | "PAYMENT_REVERSED"
  /** A booking under the EndToEndId of a returned payment: not counted, the payment stays returned. */
  | "BOOKED_AFTER_REVERSAL"
  /** The bank refused a payment (DUPL) or a file (DU01) as a duplicate: nothing is rejected or sent again. */
  | "BANK_REPORTS_DUPLICATE"
  /** A rejection that arrived after the payout had gone out in a later message. */
  | "STATUS_OF_EARLIER_MESSAGE"
  /** A rejection of a whole message or payment block that covers no payout waiting on it. */
  | "REJECTION_MATCHES_NOTHING"
  /** A bank file that could not be read at all. */
  | "UNREADABLE_BANK_FILE"
  /** A reversal of a payment that is not booked (never booked, or already reversed): nothing to undo. */
  | "REVERSAL_WITHOUT_BOOKING";

export interface ReconciliationException {
  code: ReconciliationExceptionCode;
  endToEndId: string | null;
  message: string;
}

export interface Reconciliation {
  /** Payouts booked for the first time in these messages and not returned by their end. */
  booked: Payout[];
  /**
   * Payouts whose booked payment the bank returned in these messages: none of them is in `booked`, and
   * none counts as booked for `confirmablePieces`.
   */
  reversed: Payout[];
  /** Payouts the bank rejected (pain.002 RJCT), with its reason. */
  rejected: Array<{ payout: Payout; reasonCode: string | null; reasonText: string | null }>;
  exceptions: ReconciliationException[];
  /** Pieces whose payouts are now all booked (counting earlier bookings), ready to confirm on-chain. */
  confirmablePieces: bigint[];
}

export interface ReconcileInput {
  /** Every payout instructed so far, of any voucher. */
  instructed: readonly Payout[];
  /** EndToEndIds booked in earlier messages (and not reversed since). */
  previouslyBooked: ReadonlySet<string>;
  /**
   * EndToEndIds whose booking was reversed in earlier messages. An id also found in `previouslyBooked`
   * counts as reversed: a payment whose money came back must never be confirmed.
   */
  previouslyReversed?: ReadonlySet<string>;
  /** EndToEndIds rejected in earlier messages. */
  previouslyRejected?: ReadonlySet<string>;
  statuses: readonly PaymentStatus[];
  /** Entries of the issuer's account: payments show as debits (DBIT), their reversals as credits (CRDT). */
  entries: readonly BookedEntry[];
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const byId = new Map(input.instructed.map((payout) => [payout.endToEndId, payout]));
  const booked = new Set(input.previouslyBooked);
  const reversedIds = new Set(input.previouslyReversed ?? []);
  for (const id of reversedIds) booked.delete(id);
  const rejectedIds = new Set(input.previouslyRejected ?? []);
  const result: Reconciliation = { booked: [], reversed: [], rejected: [], exceptions: [], confirmablePieces: [] };
  const exception = (code: ReconciliationExceptionCode, endToEndId: string | null, message: string) =>
    result.exceptions.push({ code, endToEndId, message });

  /** A BOOK entry with RvslInd true for an instructed payout. */
  const reverse = (payout: Payout, entry: BookedEntry): void => {
    const id = payout.endToEndId;
    if (entry.creditDebit !== "CRDT") {
      exception("WRONG_DIRECTION", id, `${id} was booked as the reversal of a credit to the issuer's account (DBIT with RvslInd), not as a payment or the return of one; nothing is booked or reversed.`);
    } else if (entry.currency !== "CNY") {
      exception("CURRENCY_MISMATCH", id, `A reversal of ${id} was booked in ${entry.currency}; the payment was instructed in CNY, so nothing is reversed.`);
    } else if (entry.amount !== payout.amount) {
      exception("AMOUNT_MISMATCH", id, `A reversal of ${id} was booked for ${formatCny(entry.amount)}; the payment was instructed for ${formatCny(payout.amount)}, so nothing is reversed.`);
    } else if (!booked.has(id)) {
      const state = reversedIds.has(id) ? "its booking was already reversed" : "it was never booked";
      exception("REVERSAL_WITHOUT_BOOKING", id, `The bank reversed ${id} (bank ref ${entry.bankReference ?? "none"}), but ${state}; nothing is changed, check with the bank.`);
    } else {
      booked.delete(id);
      reversedIds.add(id);
      removePayout(result.booked, payout);
      result.reversed.push(payout);
      exception(
        "PAYMENT_REVERSED",
        id,
        `The bank reversed ${id} of ${formatCny(payout.amount)} after booking it (bank ref ${entry.bankReference ?? "none"}): the money came back, so it no longer counts as paid and piece ${payout.pieceId} is not confirmed. ` +
          `If the piece was already settled on-chain, it needs manual handling with the bank and the payee.`,
      );
    }
  };

  for (const status of input.statuses) {
    const payout = byId.get(status.endToEndId);
    if (payout === undefined) {
      exception("UNKNOWN_END_TO_END_ID", status.endToEndId, `The bank reported status ${status.status} for ${status.endToEndId}, which was never instructed.`);
    } else if (status.status === "RJCT" && !booked.has(payout.endToEndId)) {
      rejectedIds.add(payout.endToEndId);
      result.rejected.push({ payout, reasonCode: status.reasonCode ?? null, reasonText: status.reasonText ?? null });
    }
  }

  for (const entry of input.entries) {
    if (entry.status !== "BOOK") continue; // pending and information-only entries move no money yet
    const id = entry.endToEndId;
    const what = `${entry.reversal ? "reversal " : ""}${entry.creditDebit}`;
    if (id === null) {
      exception("MISSING_END_TO_END_ID", null, `A booked ${what} of ${formatCny(entry.amount)} (bank ref ${entry.bankReference ?? "none"}) carries no EndToEndId and cannot be matched.`);
      continue;
    }
    const payout = byId.get(id);
    if (payout === undefined) {
      exception("UNKNOWN_END_TO_END_ID", id, `A booked ${what} of ${formatCny(entry.amount)} under ${id} matches no instructed payment.`);
    } else if (entry.reversal) {
      reverse(payout, entry);
    } else if (entry.creditDebit !== "DBIT") {
      exception("WRONG_DIRECTION", id, `${id} was booked as a credit to the issuer's account; a payment is a debit.`);
    } else if (entry.currency !== "CNY") {
      exception("CURRENCY_MISMATCH", id, `${id} was booked in ${entry.currency}; it was instructed in CNY.`);
    } else if (entry.amount !== payout.amount) {
      exception("AMOUNT_MISMATCH", id, `${id} was booked for ${formatCny(entry.amount)}; it was instructed for ${formatCny(payout.amount)}.`);
    } else if (reversedIds.has(id)) {
      exception("BOOKED_AFTER_REVERSAL", id, `${id} was reported booked (bank ref ${entry.bankReference ?? "none"}) after the bank had returned it; a returned payment is never instructed again, so this is not counted as paid: check with the bank.`);
    } else if (booked.has(id)) {
      exception("DUPLICATE_BOOKING", id, `${id} was booked again (bank ref ${entry.bankReference ?? "none"}); it was instructed once and must be paid once.`);
    } else {
      if (rejectedIds.has(id)) exception("BOOKED_AFTER_REJECTION", id, `${id} was booked after the bank had rejected it; it is counted as paid, but check with the bank.`);
      booked.add(id);
      result.booked.push(payout);
    }
  }

  // `booked` no longer holds a reversed payout, so its piece cannot be confirmable here.
  // A piece is confirmable when all its payouts are booked and it had payouts booked in these messages.
  const pieces = new Map<bigint, Payout[]>();
  for (const payout of input.instructed) pieces.set(payout.pieceId, [...(pieces.get(payout.pieceId) ?? []), payout]);
  const touched = new Set(result.booked.map((payout) => payout.pieceId));
  for (const pieceId of touched) {
    if (pieces.get(pieceId)!.every((payout) => booked.has(payout.endToEndId))) result.confirmablePieces.push(pieceId);
  }
  return result;
}

function removePayout(payouts: Payout[], payout: Payout): void {
  const index = payouts.findIndex((other) => other.endToEndId === payout.endToEndId);
  if (index !== -1) payouts.splice(index, 1);
}
