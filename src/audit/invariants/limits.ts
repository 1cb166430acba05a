/**
 * The policy's limits at the time of each event (R4, R5): depth at most `maxDepth` and one more than the
 * piece it comes from, at most `maxLivePieces` live pieces, no piece or remainder below `minPieceAmount`,
 * a term within `maxTerm`, the enhanced-review flag as the term demands, and no financing of a long-term
 * voucher by a bank that recorded no enhanced review.
 */
import { formatCny } from "../../sdk/money.js";
import type { AuditEvent } from "../events.js";
import { at, pieceLabel } from "../findings.js";
import type { CheckContext, InvariantCheck } from "../invariants.js";
import type { LedgerModel } from "../model.js";

const DAY = 86_400;

export function limitsCheck(): InvariantCheck {
  let policyMissingReported = false;

  const policyAt = (event: AuditEvent, model: LedgerModel, context: CheckContext) => {
    const policy = model.policy;
    if (policy === null && context.complete && !policyMissingReported) {
      policyMissingReported = true;
      context.report({ code: "POLICY_UNKNOWN", ...at(event), message: `${event.kind} comes before any PolicyUpdated; the ledger's constructor emits one, so it is missing. Limits were not checked until a policy is known.` });
    }
    return policy;
  };

  return {
    name: "limits",
    description: "depth ≤ the policy's maxDepth at the time, live pieces ≤ maxLivePieces, pieces ≥ minPieceAmount, term ≤ maxTerm, enhanced review before financing long terms",
    before(event, model, context) {
      const report = (voucherId: bigint, pieceId: bigint | undefined, code: string, message: string) =>
        context.report({ code, voucherId, ...(pieceId !== undefined ? { pieceId } : {}), ...at(event), message });

      switch (event.kind) {
        case "VoucherIssued": {
          const policy = policyAt(event, model, context);
          if (policy === null || model.vouchers.has(event.voucherId)) return;
          const term = event.maturity - event.timestamp;
          if (event.amount < policy.minPieceAmount) {
            report(event.voucherId, event.pieceId, "PIECE_BELOW_MINIMUM", `Voucher ${event.voucherId} is issued for ${formatCny(event.amount)}, below the policy minimum of ${formatCny(policy.minPieceAmount)}.`);
          }
          if (term > policy.maxTerm) {
            report(event.voucherId, undefined, "TERM_TOO_LONG", `Voucher ${event.voucherId} runs ${days(term)} from issue to maturity, beyond the policy's ${days(policy.maxTerm)} (R4).`);
          }
          if (event.enhancedReviewRequired !== term > policy.enhancedReviewTerm) {
            report(
              event.voucherId,
              undefined,
              "ENHANCED_REVIEW_FLAG_WRONG",
              `Voucher ${event.voucherId} runs ${days(term)} and is marked as ${event.enhancedReviewRequired ? "needing" : "not needing"} enhanced review, but the threshold is ${days(policy.enhancedReviewTerm)} (R4).`,
            );
          }
          return;
        }
        case "PieceSplit": {
          const policy = policyAt(event, model, context);
          const voucherId = event.pieceId >> 16n;
          if (policy === null || !model.vouchers.has(voucherId) || model.pieces.has(event.pieceId)) return;
          const label = pieceLabel(event.pieceId);
          if (event.depth > policy.maxDepth) {
            report(voucherId, event.pieceId, "DEPTH_EXCEEDED", `${label} is created at depth ${event.depth}, beyond the policy's maximum depth of ${policy.maxDepth} at that time.`);
          }
          const parent = model.pieces.get(event.parentId);
          if (parent !== undefined && event.depth !== parent.depth + 1) {
            report(voucherId, event.pieceId, "DEPTH_INCONSISTENT", `${label} records depth ${event.depth}, but it is split from ${pieceLabel(event.parentId)} at depth ${parent.depth}, so it must be ${parent.depth + 1}.`);
          }
          if (event.amount < policy.minPieceAmount) {
            report(voucherId, event.pieceId, "PIECE_BELOW_MINIMUM", `${label} is created with ${formatCny(event.amount)}, below the policy minimum of ${formatCny(policy.minPieceAmount)}.`);
          }
          if (event.parentAmount < policy.minPieceAmount) {
            report(voucherId, event.parentId, "PIECE_BELOW_MINIMUM", `The split creating ${label} leaves ${pieceLabel(event.parentId)} with ${formatCny(event.parentAmount)}, below the policy minimum of ${formatCny(policy.minPieceAmount)}.`);
          }
          return;
        }
        case "PieceTransferred": {
          const policy = policyAt(event, model, context);
          const piece = model.pieces.get(event.pieceId);
          if (policy === null || piece === undefined) return;
          const label = pieceLabel(event.pieceId);
          if (event.depth > policy.maxDepth) {
            report(piece.voucherId, piece.pieceId, "DEPTH_EXCEEDED", `${label} is transferred to depth ${event.depth}, beyond the policy's maximum depth of ${policy.maxDepth} at that time.`);
          }
          if (event.depth !== piece.depth + 1) {
            report(piece.voucherId, piece.pieceId, "DEPTH_INCONSISTENT", `The transfer of ${label} records depth ${event.depth}; the piece was at depth ${piece.depth}, so it must be ${piece.depth + 1}.`);
          }
          return;
        }
        case "PiecePledged":
        case "PieceFactored": {
          const piece = model.pieces.get(event.pieceId);
          const voucher = model.vouchers.get(event.pieceId >> 16n);
          if (piece === undefined || voucher === undefined || !voucher.enhancedReviewRequired) return;
          const bank = event.kind === "PiecePledged" ? event.pledgee : event.factor;
          if (!voucher.enhancedReviews.some((review) => review.bank === bank)) {
            report(
              voucher.voucherId,
              piece.pieceId,
              "FINANCING_WITHOUT_REVIEW",
              `${model.label(bank)} ${event.kind === "PiecePledged" ? "took a pledge of" : "factored"} ${pieceLabel(piece.pieceId)} of long-term voucher ${voucher.voucherId} without recording an enhanced review first (R4).`,
            );
          }
          return;
        }
      }
    },
    after(event, model, context) {
      if (event.kind !== "PieceSplit") return;
      const voucher = model.vouchers.get(event.pieceId >> 16n);
      const policy = model.policy;
      if (voucher === undefined || policy === null || voucher.livePieces <= policy.maxLivePieces) return;
      context.report({
        code: "LIVE_PIECES_EXCEEDED",
        voucherId: voucher.voucherId,
        pieceId: event.pieceId,
        ...at(event),
        message: `Creating ${pieceLabel(event.pieceId)} gives voucher ${voucher.voucherId} ${voucher.livePieces} live pieces, beyond the policy's maximum of ${policy.maxLivePieces} at that time.`,
      });
    },
  };
}

function days(seconds: number): string {
  const whole = Math.floor(seconds / DAY);
  const rest = seconds - whole * DAY;
  return rest === 0 ? `${whole} days` : `${whole} days ${Math.round(rest / 3600)} h`;
}
