/**
 * Settlement (R10, R11): a piece is settled with a non-zero bank reference, by the clearing bank its
 * issuer had at that moment, once; after that nothing happens to it (settled is final). A settlement states
 * the holder and status the piece had. Overdue is marked once, after maturity plus the grace period then in
 * force, with the live pieces the events leave.
 */
import { PieceStatus, pieceStatusName } from "../../sdk/constants.js";
import { formatTime } from "../../sdk/display.js";
import { formatCny } from "../../sdk/money.js";
import { at, pieceLabel } from "../findings.js";
import type { InvariantCheck } from "../invariants.js";
import type { LedgerModel, PieceRecord } from "../model.js";

const ZERO_REFERENCE = /^0x0{64}$/;

function settledAt(piece: PieceRecord): string {
  const s = piece.settlement!;
  return `block ${s.at.blockNumber} by ${s.clearingBank} with reference ${s.bankReference}`;
}

/** The piece an event acts on (the parent for a split), when the event changes a piece. */
function actedOn(event: Parameters<NonNullable<InvariantCheck["before"]>>[0]): bigint | null {
  switch (event.kind) {
    case "PieceSplit":
      return event.parentId;
    case "PieceTransferred":
    case "PieceFactored":
    case "PiecePledged":
    case "PledgeReleased":
    case "PledgeEnforced":
    case "PieceSettled":
      return event.pieceId;
    default:
      return null;
  }
}

export function settlementCheck(): InvariantCheck {
  return {
    name: "settlement",
    description: "settled only with a non-zero bank reference, by the issuer's clearing bank at that time; settled is final; overdue marked once, after maturity plus grace",
    before(event, model, context) {
      const pieceId = actedOn(event);
      if (pieceId !== null) {
        const piece = model.pieces.get(pieceId);
        if (piece?.status === "Settled") {
          const what = event.kind === "PieceSettled" ? `settled again (reference ${event.bankReference}, by ${event.clearingBank})` : `changed by ${event.kind}`;
          context.report({
            code: "SETTLED_NOT_FINAL",
            voucherId: piece.voucherId,
            pieceId,
            ...at(event),
            message: `${pieceLabel(pieceId)} is ${what} after it was settled at ${settledAt(piece)}; settled is final.`,
          });
          return;
        }
      }
      if (event.kind === "PieceSettled") {
        const label = pieceLabel(event.pieceId);
        const report = (code: string, message: string, account?: string) =>
          context.report({ code, voucherId: event.pieceId >> 16n, pieceId: event.pieceId, ...(account ? { account } : {}), ...at(event), message });
        if (ZERO_REFERENCE.test(event.bankReference)) {
          report("SETTLEMENT_REFERENCE_MISSING", `${label} is recorded as paid (${formatCny(event.amount)} by ${model.label(event.clearingBank)}) without a bank payment reference (R10).`, event.clearingBank);
        }
        if (event.voucherId !== event.pieceId >> 16n) {
          report("SETTLEMENT_MISMATCH", `The settlement of ${label} names voucher ${event.voucherId}; the piece belongs to voucher ${event.pieceId >> 16n}.`);
        }
        const voucher = model.vouchers.get(event.pieceId >> 16n);
        const piece = model.pieces.get(event.pieceId);
        if (voucher !== undefined) {
          const issuer = model.members.get(voucher.issuer);
          if (issuer !== undefined || context.complete) {
            const clearingBank = issuer?.clearingBank ?? null;
            if (clearingBank !== event.clearingBank) {
              report(
                "SETTLEMENT_NOT_CLEARING_BANK",
                `${label} is settled by ${model.label(event.clearingBank)}, but the clearing bank of issuer ${model.label(voucher.issuer)} at that time was ${clearingBank === null ? "none" : model.label(clearingBank)} (R10).`,
                event.clearingBank,
              );
            }
          }
        }
        if (piece !== undefined) {
          const status = PieceStatus[piece.status];
          if (event.settledFrom !== status) {
            report("SETTLEMENT_MISMATCH", `The settlement of ${label} says the piece was ${pieceStatusName(event.settledFrom) ?? `in status ${event.settledFrom}`}, but the earlier events leave it ${piece.status}.`);
          }
        }
        return;
      }
      if (event.kind === "VoucherOverdue") checkOverdue(event, model, context);
    },
  };
}

function checkOverdue(event: Extract<Parameters<NonNullable<InvariantCheck["before"]>>[0], { kind: "VoucherOverdue" }>, model: LedgerModel, context: Parameters<NonNullable<InvariantCheck["before"]>>[2]) {
  const voucher = model.vouchers.get(event.voucherId);
  if (voucher === undefined) return;
  const report = (code: string, message: string) => context.report({ code, voucherId: voucher.voucherId, ...at(event), message });
  if (voucher.overdue !== null) {
    report("OVERDUE_MISMATCH", `Voucher ${voucher.voucherId} is marked overdue again; it was marked at block ${voucher.overdue.at.blockNumber}.`);
    return;
  }
  if (event.issuer !== voucher.issuer) report("OVERDUE_MISMATCH", `Voucher ${voucher.voucherId} is marked overdue for issuer ${event.issuer}, but it was issued by ${voucher.issuer}.`);
  if (event.livePieces !== voucher.livePieces || voucher.livePieces === 0) {
    report("OVERDUE_MISMATCH", `Voucher ${voucher.voucherId} is marked overdue with ${event.livePieces} live piece(s), but the earlier events leave it ${voucher.livePieces}.`);
  }
  const grace = model.policy?.gracePeriod;
  if (grace !== undefined && event.timestamp <= voucher.maturity + grace) {
    report(
      "OVERDUE_TOO_EARLY",
      `Voucher ${voucher.voucherId} is marked overdue at ${formatTime(event.timestamp)}, before its maturity ${formatTime(voucher.maturity)} plus the ${grace / 86_400}-day grace period had passed.`,
    );
  }
}
