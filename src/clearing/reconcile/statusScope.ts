/**
 * What a pain.002 status report may change. A report is about one message: it may reject payouts that
 * message carries now, and nothing else. A rejection re-delivered after the payout went out again in a later
 * message, the bank's duplicate controls (DUPL for a transaction, DU01 for a file), and a rejection that
 * covers no payout at all are reported as exceptions and change no payout: acting on them would send a
 * payout twice or strand it.
 */
import type { Pain002 } from "../iso20022/pain002.js";
import type { PaymentStatus } from "../types.js";
import type { ReconciliationException } from "./reconcile.js";

export interface CarriedPayout {
  endToEndId: string;
  /** The PmtInf block carrying it in the message, when recorded. */
  paymentInformationId: string | null;
}

export interface ScopedStatuses {
  /** The statuses to reconcile. */
  statuses: PaymentStatus[];
  exceptions: ReconciliationException[];
}

/**
 * `carried`: the payouts whose current message is the report's original message. `known`: every
 * EndToEndId the engine has instructed that the report names (to tell a stale status from an unknown one).
 */
export function scopeStatusReport(report: Pain002, carried: readonly CarriedPayout[], known: ReadonlySet<string>): ScopedStatuses {
  const result: ScopedStatuses = { statuses: [], exceptions: [] };
  const original = report.originalMessageId;
  const current = new Set(carried.map((payout) => payout.endToEndId));

  for (const status of report.transactions) {
    const id = status.endToEndId;
    if (status.status === "RJCT" && status.reasonCode === "DUPL") {
      result.exceptions.push({
        code: "BANK_REPORTS_DUPLICATE",
        endToEndId: id,
        message: `The bank refused ${id} in ${original} as a duplicate of a payment it already made (${status.reasonText ?? "DUPL"}); it is not marked rejected nor sent again: find the booking with the bank.`,
      });
    } else if (status.status === "RJCT" && !current.has(id) && known.has(id)) {
      result.exceptions.push({
        code: "STATUS_OF_EARLIER_MESSAGE",
        endToEndId: id,
        message: `A rejection of ${id} in ${original} arrived after ${id} had gone out in another message; it changes nothing.`,
      });
    } else {
      result.statuses.push(status);
    }
  }

  // A whole file refused as a duplicate message names the original, already executed one: nothing to reject.
  if (report.groupStatus === "RJCT" && report.groupReasonCode === "DU01") {
    result.exceptions.push({
      code: "BANK_REPORTS_DUPLICATE",
      endToEndId: null,
      message: `The bank refused a file as a duplicate of message ${original} (DU01${report.groupReasonText === undefined ? "" : `: ${report.groupReasonText}`}); no payout is changed.`,
    });
    return result;
  }

  // A rejection of the whole message or of one payment block may name no transactions: it covers every
  // payout of that message (or block) that the report does not name.
  const named = new Set(report.transactions.map((status) => status.endToEndId));
  const blocks = new Map(report.paymentInformation.map((block) => [block.originalPaymentInformationId, block]));
  const group = report.groupStatus === "RJCT" ? { reasonCode: report.groupReasonCode, reasonText: report.groupReasonText } : undefined;
  const coveredBlocks = new Set<string>();
  for (const payout of carried) {
    if (named.has(payout.endToEndId)) continue;
    const block = payout.paymentInformationId === null ? undefined : blocks.get(payout.paymentInformationId);
    const rejection = block?.status === "RJCT" ? block : group;
    if (rejection === undefined) continue;
    if (rejection === block) coveredBlocks.add(block.originalPaymentInformationId);
    result.statuses.push({ endToEndId: payout.endToEndId, status: "RJCT", reasonCode: rejection.reasonCode, reasonText: rejection.reasonText });
  }
  // A report that names no transaction at all is only a rejection of blocks or of the message: if that
  // covers nothing waiting, say so (with transactions named, block and group statuses merely sum them up).
  if (report.transactions.length === 0) {
    for (const { originalPaymentInformationId: id, status } of report.paymentInformation) {
      if (status !== "RJCT" || coveredBlocks.has(id)) continue;
      result.exceptions.push({
        code: "REJECTION_MATCHES_NOTHING",
        endToEndId: null,
        message: `The bank rejected payment block ${id} of ${original}, but no payout waiting on that message is in it; nothing is changed: check with the bank.`,
      });
    }
    if (group !== undefined && carried.length === 0) {
      result.exceptions.push({
        code: "REJECTION_MATCHES_NOTHING",
        endToEndId: null,
        message: `The bank rejected message ${original} as a whole, but no payout is waiting on it; nothing is changed: check with the bank.`,
      });
    }
  }
  return result;
}
