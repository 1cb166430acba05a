/**
 * Single pledge (R8, R9): a piece is pledged only while no pledge of it is in force, with the next serial,
 * a secured amount within the piece and a registration number; while pledged or enforced it is neither
 * moved, split, sold nor pledged again; only the pledgee of the pledge in force releases or enforces it.
 */
import { formatCny } from "../../sdk/money.js";
import { at, pieceLabel } from "../findings.js";
import type { InvariantCheck } from "../invariants.js";
import { pledgesInForce, type LedgerModel, type PieceRecord, type PledgeRecord } from "../model.js";

function describePledge(model: LedgerModel, pledge: PledgeRecord): string {
  return `pledge serial ${pledge.serial} to ${model.label(pledge.pledgee)} (registration ${pledge.registrationNumber}, ${formatCny(pledge.securedAmount)} secured, since block ${pledge.pledgedAt.blockNumber})`;
}

function inForce(piece: PieceRecord): boolean {
  return piece.status === "Pledged" || piece.status === "Enforced";
}

export function pledgeCheck(): InvariantCheck {
  return {
    name: "single pledge",
    description: "no piece is pledged again, moved, split or sold while a pledge of it is in force; pledges are released or enforced only by their pledgee",
    before(event, model, context) {
      const report = (piece: PieceRecord, code: string, message: string) =>
        context.report({ code, voucherId: piece.voucherId, pieceId: piece.pieceId, ...at(event), message });

      switch (event.kind) {
        case "PiecePledged": {
          const piece = model.pieces.get(event.pieceId);
          if (piece === undefined || piece.status === "Settled") return;
          const label = pieceLabel(piece.pieceId);
          const current = pledgesInForce(piece).at(-1) ?? piece.pledges.at(-1);
          if (inForce(piece) && current !== undefined) {
            report(
              piece,
              "DOUBLE_PLEDGE",
              `${label} (${formatCny(piece.amount)}, held by ${model.label(piece.holder)}) is pledged to ${model.label(event.pledgee)} (registration ${event.registrationNumber}, serial ${event.serial}, ${formatCny(event.securedAmount)} secured) while its ${describePledge(model, current)} is ${piece.status === "Enforced" ? "enforced" : "in force"}.`,
            );
          }
          if (event.serial !== piece.pledges.length + 1) {
            report(piece, "PLEDGE_SERIAL_MISMATCH", `The pledge of ${label} has serial ${event.serial}, but it is the piece's pledge number ${piece.pledges.length + 1}.`);
          }
          if (event.securedAmount === 0n || event.securedAmount > piece.amount) {
            report(piece, "PLEDGE_AMOUNT_INVALID", `The pledge of ${label} secures ${formatCny(event.securedAmount)}; it must be more than zero and at most the piece's ${formatCny(piece.amount)}.`);
          }
          if (/^0x0*$/.test(event.registrationNumber)) {
            report(piece, "PLEDGE_REGISTRATION_MISSING", `The pledge of ${label} to ${model.label(event.pledgee)} carries no unified-registry registration number (R8).`);
          }
          return;
        }
        case "PledgeReleased":
        case "PledgeEnforced": {
          const piece = model.pieces.get(event.pieceId);
          if (piece === undefined || piece.status === "Settled") return;
          const what = event.kind === "PledgeReleased" ? "released" : "enforced";
          const current = pledgesInForce(piece).at(-1);
          if (piece.status !== "Pledged" || current === undefined) {
            report(piece, "PLEDGE_NOT_IN_FORCE", `${pieceLabel(piece.pieceId)} is ${what} by ${model.label(event.pledgee)} (serial ${event.serial}), but it is ${piece.status === "Enforced" ? "already enforced" : "not pledged"}.`);
          } else if (current.pledgee !== event.pledgee || current.serial !== event.serial) {
            report(piece, "PLEDGE_NOT_IN_FORCE", `${pieceLabel(piece.pieceId)} is ${what} by ${model.label(event.pledgee)} as serial ${event.serial}, but the pledge in force is ${describePledge(model, current)}.`);
          }
          return;
        }
        case "PieceTransferred":
        case "PieceFactored":
        case "PieceSplit": {
          const id = event.kind === "PieceSplit" ? event.parentId : event.pieceId;
          const piece = model.pieces.get(id);
          if (piece === undefined || !inForce(piece)) return;
          const current = pledgesInForce(piece).at(-1) ?? piece.pledges.at(-1)!;
          const what = event.kind === "PieceTransferred" ? "transferred" : event.kind === "PieceFactored" ? "factored" : `split (creating ${pieceLabel(event.pieceId)})`;
          report(piece, "PLEDGED_PIECE_MOVED", `${pieceLabel(id)} is ${what} while its ${describePledge(model, current)} is ${piece.status === "Enforced" ? "enforced" : "in force"}.`);
          return;
        }
      }
    },
  };
}
