/**
 * Lineage complete (R7): every voucher issued once, with consecutive ids; every piece created once, from a
 * parent of the same voucher that already existed, taking the next piece index; every event about a piece
 * names one that exists, from its holder of record. A missing event shows as a gap (an unknown piece or
 * voucher, a skipped index), an invented one as a duplicate or a holder that does not match.
 */
import { formatPiece } from "../../sdk/display.js";
import type { AuditEvent } from "../events.js";
import { at, pieceLabel } from "../findings.js";
import type { CheckContext, InvariantCheck } from "../invariants.js";
import type { LedgerModel } from "../model.js";

/** The piece an event is about and the account it says holds it (null: it names no holder). */
function claimedHolder(event: AuditEvent): { pieceId: bigint; holder: string | null; what: string } | null {
  switch (event.kind) {
    case "PieceTransferred":
      return { pieceId: event.pieceId, holder: event.from, what: "transfer" };
    case "PieceFactored":
      return { pieceId: event.pieceId, holder: event.from, what: "factoring" };
    case "PiecePledged":
      return { pieceId: event.pieceId, holder: event.holder, what: "pledge" };
    case "PieceSettled":
      return { pieceId: event.pieceId, holder: event.holder, what: "settlement" };
    case "PledgeReleased":
      return { pieceId: event.pieceId, holder: null, what: "pledge release" };
    case "PledgeEnforced":
      return { pieceId: event.pieceId, holder: null, what: "pledge enforcement" };
    default:
      return null;
  }
}

export function lineageCheck(): InvariantCheck {
  let lastVoucherId: bigint | null = null;

  const unknownVoucher = (event: AuditEvent, voucherId: bigint, what: string, context: CheckContext, pieceId?: bigint) => {
    if (!context.complete) return; // issued before the range: counted in the scope notice instead
    context.report({
      code: "LINEAGE_UNKNOWN_VOUCHER",
      voucherId,
      ...(pieceId !== undefined ? { pieceId } : {}),
      ...at(event),
      message: `The ${what} refers to voucher ${voucherId}, but no VoucherIssued for it comes before.`,
    });
  };

  return {
    name: "lineage",
    description: "every piece's parent exists and was created before it; every event refers to a known voucher and piece, from its holder of record",
    before(event, model, context) {
      switch (event.kind) {
        case "VoucherIssued":
          return checkIssue(event, model, context);
        case "PieceSplit":
          return checkSplit(event, model, context);
        case "VoucherOverdue":
        case "EnhancedReviewRecorded":
        case "IssuerDefaulted":
          if (!model.vouchers.has(event.voucherId)) unknownVoucher(event, event.voucherId, event.kind, context);
          return checkMemberKnown(event, model, context);
        default: {
          const claim = claimedHolder(event);
          if (claim === null) return checkMemberKnown(event, model, context);
          const voucherId = claim.pieceId >> 16n;
          if (!model.vouchers.has(voucherId)) return unknownVoucher(event, voucherId, `${claim.what} of ${pieceLabel(claim.pieceId)}`, context, claim.pieceId);
          const piece = model.pieces.get(claim.pieceId);
          if (piece === undefined) {
            context.report({
              code: "LINEAGE_UNKNOWN_PIECE",
              voucherId,
              pieceId: claim.pieceId,
              ...at(event),
              message: `The ${claim.what} refers to ${pieceLabel(claim.pieceId)}, which no earlier event created: its creation is missing or the event is invented.`,
            });
          } else if (claim.holder !== null && claim.holder !== piece.holder) {
            context.report({
              code: "HOLDER_MISMATCH",
              voucherId,
              pieceId: claim.pieceId,
              account: claim.holder,
              ...at(event),
              message: `The ${claim.what} of ${pieceLabel(claim.pieceId)} names ${model.label(claim.holder)} as holder, but the earlier events leave it with ${model.label(piece.holder)}.`,
            });
          }
        }
      }
    },
  };

  function checkIssue(event: Extract<AuditEvent, { kind: "VoucherIssued" }>, model: LedgerModel, context: CheckContext) {
    const { voucherId } = event;
    if (model.vouchers.has(voucherId)) {
      const first = model.vouchers.get(voucherId)!;
      context.report({
        code: "VOUCHER_ISSUED_TWICE",
        voucherId,
        ...at(event),
        message: `Voucher ${voucherId} is issued again (${event.issuer}), though it was issued at block ${first.issuedAt.blockNumber} by ${first.issuer}.`,
      });
      return;
    }
    if (event.pieceId !== voucherId << 16n) {
      context.report({
        code: "LINEAGE_ROOT_MISMATCH",
        voucherId,
        pieceId: event.pieceId,
        ...at(event),
        message: `Voucher ${voucherId} names root piece ${formatPiece(event.pieceId)}; its root must be ${formatPiece(voucherId << 16n)}.`,
      });
    }
    const expected = lastVoucherId === null ? (context.complete ? 1n : voucherId) : lastVoucherId + 1n;
    if (voucherId > expected) {
      const missing = voucherId - expected === 1n ? `voucher ${expected}` : `vouchers ${expected}–${voucherId - 1n}`;
      context.report({
        code: "VOUCHER_ID_GAP",
        voucherId,
        ...at(event),
        message: `Voucher ${voucherId} is issued next, but ${missing} never was: ${voucherId - expected === 1n ? "its VoucherIssued is" : "their VoucherIssued events are"} missing.`,
      });
    }
    if (lastVoucherId === null || voucherId > lastVoucherId) lastVoucherId = voucherId;
  }

  function checkSplit(event: Extract<AuditEvent, { kind: "PieceSplit" }>, model: LedgerModel, context: CheckContext) {
    const voucherId = event.pieceId >> 16n;
    const label = pieceLabel(event.pieceId);
    const report = (code: string, message: string) => context.report({ code, voucherId, pieceId: event.pieceId, ...at(event), message });
    const voucher = model.vouchers.get(voucherId);
    if (voucher === undefined) return unknownVoucher(event, voucherId, `split creating ${label}`, context, event.pieceId);
    if (event.parentId >> 16n !== voucherId) {
      report("LINEAGE_PARENT_FOREIGN", `${label} is split from ${pieceLabel(event.parentId)}, a piece of another voucher.`);
    }
    if (model.pieces.has(event.pieceId)) {
      const first = model.pieces.get(event.pieceId)!;
      report("PIECE_CREATED_TWICE", `${label} is created again, though it was created at block ${first.createdAt.blockNumber}, log ${first.createdAt.logIndex}.`);
      return;
    }
    const parent = model.pieces.get(event.parentId);
    if (parent === undefined) {
      report("LINEAGE_UNKNOWN_PARENT", `${label} is split from ${pieceLabel(event.parentId)}, which no earlier event created: the lineage back to the issue is broken.`);
    } else if (parent.holder !== event.from) {
      context.report({
        code: "HOLDER_MISMATCH",
        voucherId,
        pieceId: event.pieceId,
        account: event.from,
        ...at(event),
        message: `The split creating ${label} is made by ${model.label(event.from)}, but the earlier events leave ${pieceLabel(event.parentId)} with ${model.label(parent.holder)}.`,
      });
    }
    const index = Number(event.pieceId & 0xffffn);
    if (index > voucher.nextIndex) {
      const first = `${voucherId}.${voucher.nextIndex}`;
      const missing = index - voucher.nextIndex === 1 ? `piece ${first} was` : `pieces ${first}–${voucherId}.${index - 1} were`;
      report("LINEAGE_INDEX_GAP", `${label} is created next in voucher ${voucherId}, but ${missing} never created: a PieceSplit is missing.`);
    } else if (index < voucher.nextIndex) {
      report("LINEAGE_INDEX_GAP", `${label} is created after piece ${voucherId}.${voucher.nextIndex - 1}: piece indices of a voucher are taken in order.`);
    }
  }
}

/** Registry events must name registered members (a dropped MemberRegistered shows here). */
function checkMemberKnown(event: AuditEvent, model: LedgerModel, context: CheckContext) {
  if (!context.complete) return;
  let account: string | undefined;
  switch (event.kind) {
    case "MemberRolesChanged":
    case "MemberStatusChanged":
    case "RelatedPartyGroupChanged":
      account = event.account;
      break;
    case "CreditLineChanged":
    case "ClearingBankChanged":
      account = event.coreEnterprise;
      break;
    case "IssuerDefaulted":
    case "IssuerRestored":
      account = event.issuer;
      break;
  }
  if (account !== undefined && !model.members.has(account)) {
    context.report({
      code: "REGISTRY_UNKNOWN_MEMBER",
      account,
      ...at(event),
      message: `${event.kind} names ${account}, which no earlier MemberRegistered registered.`,
    });
  }
}
