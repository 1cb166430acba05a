/**
 * Conservation per voucher: the pieces of a voucher (settled ones included) always add up to its issued
 * amount, no split leaves a negative remainder, and every event that states a piece's amount (factoring,
 * settlement) states the amount the earlier events leave it with.
 */
import { formatCny } from "../../sdk/money.js";
import type { EventOf } from "../events.js";
import { at, pieceLabel } from "../findings.js";
import type { InvariantCheck } from "../invariants.js";

export function conservationCheck(): InvariantCheck {
  // The last unbalanced total reported per voucher: report when the total departs, not on every later event.
  const reported = new Map<bigint, bigint>();
  // What the split under way looked like before it was applied, for the message.
  let parentBefore: bigint | undefined;

  return {
    name: "conservation",
    description: "the pieces of each voucher add up to its issued amount after every event, never negative; stated amounts match the pieces",
    before(event, model, context) {
      parentBefore = undefined;
      if (event.kind === "PieceSplit") {
        const parent = model.pieces.get(event.parentId);
        parentBefore = parent?.amount;
        if (parent !== undefined && event.amount > parent.amount) {
          context.report({
            code: "NEGATIVE_REMAINDER",
            voucherId: parent.voucherId,
            pieceId: event.pieceId,
            ...at(event),
            message: `The split creating ${pieceLabel(event.pieceId)} takes ${formatCny(event.amount)} from ${pieceLabel(event.parentId)}, which held only ${formatCny(parent.amount)}: the remainder would be ${formatCny(parent.amount - event.amount)}.`,
          });
        }
      }
      if (event.kind === "PieceFactored" || event.kind === "PieceSettled") {
        const piece = model.pieces.get(event.pieceId);
        if (piece !== undefined && piece.status !== "Settled" && event.amount !== piece.amount) {
          const what = event.kind === "PieceFactored" ? "factoring" : "settlement";
          context.report({
            code: "PIECE_AMOUNT_MISMATCH",
            voucherId: piece.voucherId,
            pieceId: piece.pieceId,
            ...at(event),
            message: `The ${what} of ${pieceLabel(piece.pieceId)} states ${formatCny(event.amount)}, but the earlier events leave the piece with ${formatCny(piece.amount)}.`,
          });
        }
      }
    },
    after(event, model, context) {
      if (event.kind !== "PieceSplit" && event.kind !== "VoucherIssued") return;
      const voucher = event.kind === "VoucherIssued" ? model.vouchers.get(event.voucherId) : model.vouchers.get(event.pieceId >> 16n);
      if (voucher === undefined) return;
      const total = voucher.piecesTotal;
      if (total === voucher.amount) {
        reported.delete(voucher.voucherId);
        return;
      }
      if (reported.get(voucher.voucherId) === total) return;
      reported.set(voucher.voucherId, total);
      const difference = total - voucher.amount;
      context.report({
        code: "CONSERVATION_BROKEN",
        voucherId: voucher.voucherId,
        pieceId: event.pieceId,
        ...at(event),
        message: `After ${describe(event, parentBefore)}, the pieces of voucher ${voucher.voucherId} add up to ${formatCny(total)}, not the issued ${formatCny(voucher.amount)} (${difference > 0n ? "+" : "−"}${formatCny(difference < 0n ? -difference : difference)}).`,
      });
    },
  };
}

function describe(event: EventOf<"PieceSplit" | "VoucherIssued">, parentBefore: bigint | undefined): string {
  if (event.kind === "VoucherIssued") return `the issue of voucher ${event.voucherId}`;
  const held = parentBefore === undefined ? "an unknown amount" : formatCny(parentBefore);
  return `the split creating ${pieceLabel(event.pieceId)} (${formatCny(event.amount)} taken from ${pieceLabel(event.parentId)}, which held ${held}, leaving ${formatCny(event.parentAmount)})`;
}
