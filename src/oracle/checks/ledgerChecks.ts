/**
 * Limits the ledger enforces that a trade check alone would not see: a paused ledger, an issuer without a
 * clearing bank or over its credit line (R10, R14), a piece at the depth limit or a voucher at its live-piece
 * limit (R5). Checked before signing so that an attestation the ledger must refuse never ties up invoices.
 */
import { formatCny } from "../../sdk/money.js";
import type { CheckFailure } from "./failures.js";

export interface LedgerFacts {
  paused: boolean;
  maxDepth: number;
  maxLivePieces: number;
  /** Issue: the issuer's standing. */
  issuer?: { account: string; clearingBankSet: boolean; creditLine: bigint; outstanding: bigint };
  /** Transfer: the piece's place in its voucher. */
  piece?: { depth: number; amount: bigint; livePieces: number; piecesCreated: number };
}

/** Most pieces one voucher can ever have (uint16 index; the last value is never used). */
const MAX_PIECE_INDEX = 65_535;

export function checkLedgerLimits(amount: bigint | null, facts: LedgerFacts): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (facts.paused) {
    failures.push({ code: "LEDGER_PAUSED", path: "", message: "The ledger is paused by the consortium admin; no voucher can be issued or transferred until it resumes." });
  }
  const { issuer, piece } = facts;
  if (issuer !== undefined) {
    if (!issuer.clearingBankSet) {
      failures.push({
        code: "CLEARING_BANK_NOT_SET",
        path: "/payerUscc",
        message: `The issuer ${issuer.account} has no clearing bank on the ledger; vouchers are paid only through a bank (R10).`,
      });
    }
    if (amount !== null && issuer.outstanding + amount > issuer.creditLine) {
      failures.push({
        code: "CREDIT_LINE_EXCEEDED",
        path: "/amount",
        message: `Issuing ${formatCny(amount)} would bring the issuer's outstanding vouchers to ${formatCny(issuer.outstanding + amount)}, above its credit line of ${formatCny(issuer.creditLine)} (R14).`,
      });
    }
  }
  if (piece !== undefined) {
    if (piece.depth >= facts.maxDepth) {
      failures.push({
        code: "DEPTH_LIMIT_REACHED",
        path: "/pieceId",
        message: `The piece is already ${piece.depth} transfers from the issue; the policy allows ${facts.maxDepth} (R5).`,
      });
    }
    const partial = amount !== null && amount < piece.amount;
    if (partial && (piece.livePieces >= facts.maxLivePieces || piece.piecesCreated >= MAX_PIECE_INDEX)) {
      failures.push({
        code: "LIVE_PIECE_LIMIT_REACHED",
        path: "/amount",
        message: `A part transfer would split the voucher into one more piece, but it already has ${piece.livePieces} unsettled pieces (the policy allows ${facts.maxLivePieces}); transfer the whole piece instead (R5).`,
      });
    }
  }
  return failures;
}
