/**
 * Matches what the bank reports against what was instructed — by EndToEndId, never by amount alone.
 * A payment counts only when booked for exactly its amount in CNY, once; anything else is a
 * reconciliation exception that is reported and never confirmed on-chain. A piece is confirmable when
 * every one of its payouts is booked (a pledged piece pays the pledgee and the holder).
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
  | "BOOKED_AFTER_REJECTION";

export interface ReconciliationException {
  code: ReconciliationExceptionCode;
  endToEndId: string | null;
  message: string;
}

export interface Reconciliation {
  /** Payouts booked for the first time in these messages. */
  booked: Payout[];
  /** Payouts the bank rejected (pain.002 RJCT), with its reason. */
  rejected: Array<{ payout: Payout; reasonCode: string | null; reasonText: string | null }>;
  exceptions: ReconciliationException[];
  /** Pieces whose payouts are now all booked (counting earlier bookings), ready to confirm on-chain. */
  confirmablePieces: bigint[];
}

export interface ReconcileInput {
  /** Every payout instructed so far, of any voucher. */
  instructed: readonly Payout[];
  /** EndToEndIds booked in earlier messages. */
  previouslyBooked: ReadonlySet<string>;
  /** EndToEndIds rejected in earlier messages. */
  previouslyRejected?: ReadonlySet<string>;
  statuses: readonly PaymentStatus[];
  /** Entries of the issuer's account: payments show as debits (DBIT). */
  entries: readonly BookedEntry[];
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const byId = new Map(input.instructed.map((payout) => [payout.endToEndId, payout]));
  const booked = new Set(input.previouslyBooked);
  const rejectedIds = new Set(input.previouslyRejected ?? []);
  const result: Reconciliation = { booked: [], rejected: [], exceptions: [], confirmablePieces: [] };
  const exception = (code: ReconciliationExceptionCode, endToEndId: string | null, message: string) =>
    result.exceptions.push({ code, endToEndId, message });

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
    if (id === null) {
      exception("MISSING_END_TO_END_ID", null, `A booked ${entry.creditDebit} of ${formatCny(entry.amount)} (bank ref ${entry.bankReference ?? "none"}) carries no EndToEndId and cannot be matched.`);
      continue;
    }
    const payout = byId.get(id);
    if (payout === undefined) {
      exception("UNKNOWN_END_TO_END_ID", id, `A booked ${entry.creditDebit} of ${formatCny(entry.amount)} under ${id} matches no instructed payment.`);
    } else if (entry.creditDebit !== "DBIT") {
      exception("WRONG_DIRECTION", id, `${id} was booked as a credit to the issuer's account; a payment is a debit.`);
    } else if (entry.currency !== "CNY") {
      exception("CURRENCY_MISMATCH", id, `${id} was booked in ${entry.currency}; it was instructed in CNY.`);
    } else if (entry.amount !== payout.amount) {
      exception("AMOUNT_MISMATCH", id, `${id} was booked for ${formatCny(entry.amount)}; it was instructed for ${formatCny(payout.amount)}.`);
    } else if (booked.has(id)) {
      exception("DUPLICATE_BOOKING", id, `${id} was booked again (bank ref ${entry.bankReference ?? "none"}); it was instructed once and must be paid once.`);
    } else {
      if (rejectedIds.has(id)) exception("BOOKED_AFTER_REJECTION", id, `${id} was booked after the bank had rejected it; it is counted as paid, but check with the bank.`);
      booked.add(id);
      result.booked.push(payout);
    }
  }

  // A piece is confirmable when all its payouts are booked and it had payouts booked in these messages.
  const pieces = new Map<bigint, Payout[]>();
  for (const payout of input.instructed) pieces.set(payout.pieceId, [...(pieces.get(payout.pieceId) ?? []), payout]);
  const touched = new Set(result.booked.map((payout) => payout.pieceId));
  for (const pieceId of touched) {
    if (pieces.get(pieceId)!.every((payout) => booked.has(payout.endToEndId))) result.confirmablePieces.push(pieceId);
  }
  return result;
}
