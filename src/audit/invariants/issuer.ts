/**
 * The issuer and the trade documents (R2, R11, R14): a voucher is issued by an active core enterprise with a
 * clearing bank, not in default, within its credit line at that time (outstanding after the issue ≤ credit
 * line); every trade (issue, transfer to another member) carries document keys, and no key is used twice.
 */
import { MemberRole } from "../../sdk/constants.js";
import { formatCny } from "../../sdk/money.js";
import type { DocumentEvent } from "../events.js";
import { at, pieceLabel } from "../findings.js";
import type { CheckContext, InvariantCheck } from "../invariants.js";
import type { LedgerModel } from "../model.js";

const ZERO_KEY = /^0x0{64}$/;

export function issuerCheck(): InvariantCheck {
  return {
    name: "issuer",
    description: "issuance only by an active core enterprise with a clearing bank, not in default, within its credit line at that time; every trade document key used once",
    before(event, model, context) {
      if (event.kind === "VoucherIssued" || event.kind === "PieceTransferred" || (event.kind === "PieceSplit" && event.from !== event.to)) {
        checkDocumentKeys(event, model, context);
      }
      if (event.kind !== "VoucherIssued" || model.vouchers.has(event.voucherId)) return;
      const report = (code: string, message: string) => context.report({ code, voucherId: event.voucherId, account: event.issuer, ...at(event), message });
      const issuer = model.members.get(event.issuer);
      const what = `Voucher ${event.voucherId} (${formatCny(event.amount)})`;
      if (issuer === undefined) {
        if (context.complete) report("ISSUER_NOT_ELIGIBLE", `${what} is issued by ${event.issuer}, which is not a registered member.`);
        return;
      }
      if (issuer.status !== "Active" || (issuer.roles & MemberRole.CoreEnterprise) === 0) {
        report("ISSUER_NOT_ELIGIBLE", `${what} is issued by ${model.label(event.issuer)}, which was ${issuer.status !== "Active" ? issuer.status.toLowerCase() : "not a core enterprise"} at that time.`);
      }
      if (issuer.clearingBank === null) {
        report("ISSUER_NOT_ELIGIBLE", `${what} is issued by ${model.label(event.issuer)}, which had no clearing bank at that time, so it could never be settled (R10).`);
      }
      if (issuer.defaulted) {
        const since = [...issuer.history].reverse().find((change) => change.what === "defaulted");
        report("ISSUED_IN_DEFAULT", `${what} is issued by ${model.label(event.issuer)} while it was in default${since ? ` since block ${since.at.blockNumber} (${since.value} overdue)` : ""} (R11).`);
      }
      const outstanding = model.outstanding.get(event.issuer) ?? 0n;
      // Outstanding before the range is unknown on a partial audit: the check would be meaningless there.
      if (context.complete && outstanding + event.amount > issuer.creditLine) {
        report(
          "EXPOSURE_EXCEEDED",
          `${what} brings the outstanding of ${model.label(event.issuer)} to ${formatCny(outstanding + event.amount)}, above its credit line of ${formatCny(issuer.creditLine)} at that time (R14).`,
        );
      }
    },
  };
}

function describeUse(event: DocumentEvent): string {
  switch (event.kind) {
    case "VoucherIssued":
      return `the issue of voucher ${event.voucherId}`;
    case "PieceSplit":
      return `the transfer creating ${pieceLabel(event.pieceId)}`;
    case "PieceTransferred":
      return `the transfer of ${pieceLabel(event.pieceId)}`;
  }
}

function checkDocumentKeys(event: DocumentEvent, model: LedgerModel, context: CheckContext) {
  const voucherId = event.kind === "VoucherIssued" ? event.voucherId : event.pieceId >> 16n;
  const report = (code: string, message: string) => context.report({ code, voucherId, pieceId: event.pieceId, ...at(event), message });
  const use = describeUse(event);
  if (event.documentKeys.length === 0 || event.documentKeys.some((key) => ZERO_KEY.test(key))) {
    report("DOCUMENT_KEYS_MISSING", `${use[0].toUpperCase()}${use.slice(1)} carries ${event.documentKeys.length === 0 ? "no" : "a zero"} trade document key (R1, R2).`);
  }
  const seen = new Set<string>();
  for (const key of event.documentKeys) {
    const earlier = model.documentKeys.get(key);
    if (earlier !== undefined) {
      report("DOCUMENT_KEY_REUSED", `Document key ${key} backs ${use}, but it was already used by ${earlier.what} at block ${earlier.at.blockNumber} (R2).`);
    } else if (seen.has(key)) {
      report("DOCUMENT_KEY_REUSED", `Document key ${key} appears twice in ${use} (R2).`);
    }
    seen.add(key);
  }
}
