/**
 * Tiny pieces: several pieces of one voucher created at, or just above, the policy's minimum piece amount.
 * One such piece is ordinary; many suggest probing the limit or fragmenting a claim.
 */
import { formatCny } from "../../sdk/money.js";
import { formatBps } from "../../sdk/display.js";
import { pieceLabel } from "../findings.js";
import type { PatternDetector } from "../patterns.js";

export function tinyPiecesDetector(): PatternDetector {
  const tiny = new Map<bigint, Array<{ pieceId: bigint; amount: bigint; minimum: bigint; blockNumber: number; logIndex: number; transactionHash: string }>>();

  return {
    name: "tiny pieces",
    before(event, model, { options }) {
      if (event.kind !== "PieceSplit") return;
      const minimum = model.policy?.minPieceAmount;
      if (minimum === undefined) return;
      // amount ≤ minimum × (1 + margin): compared in basis points, integers only.
      if (event.amount * 10_000n > minimum * BigInt(10_000 + options.tinyMarginBps)) return;
      const voucherId = event.pieceId >> 16n;
      const list = tiny.get(voucherId) ?? [];
      list.push({ pieceId: event.pieceId, amount: event.amount, minimum, blockNumber: event.blockNumber, logIndex: event.logIndex, transactionHash: event.transactionHash });
      tiny.set(voucherId, list);
    },
    finish(model, { options, report }) {
      for (const [voucherId, pieces] of tiny) {
        if (pieces.length < options.tinyPieces) continue;
        const shown = pieces.slice(0, 10).map((p) => `${pieceLabel(p.pieceId)} ${formatCny(p.amount)}`);
        const minimum = pieces[0].minimum;
        report({
          code: "TINY_PIECES",
          voucherId,
          blockNumber: pieces[0].blockNumber,
          logIndex: pieces[0].logIndex,
          transactionHash: pieces[0].transactionHash,
          message: `Voucher ${voucherId} has ${pieces.length} pieces created within ${formatBps(options.tinyMarginBps)} above the policy minimum of ${formatCny(minimum)} (${shown.join(", ")}${pieces.length > 10 ? ", …" : ""}); ${options.tinyPieces} or more are flagged. Pieces at the minimum can fragment a claim or probe the limit.`,
        });
      }
    },
  };
}
