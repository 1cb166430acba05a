/**
 * Long fast chains: a voucher passed down many levels soon after its issue. Real supply chains pay their
 * own suppliers over weeks; a chain of several transfers within days suggests paper trades built to move or
 * disguise a claim. Reported once per voucher, at the first piece that reaches the depth in time.
 */
import { byPosition } from "../events.js";
import { pieceLabel } from "../findings.js";
import type { LedgerModel, PieceRecord } from "../model.js";
import { formatDuration, type PatternDetector } from "../patterns.js";

export function fastChainDetector(): PatternDetector {
  const flagged = new Set<bigint>();

  return {
    name: "long fast chain",
    after(event, model, { options, report }) {
      if (event.kind !== "PieceSplit" && event.kind !== "PieceTransferred") return;
      const voucherId = event.pieceId >> 16n;
      const voucher = model.vouchers.get(voucherId);
      if (voucher === undefined || flagged.has(voucherId) || event.depth < options.fastChainDepth) return;
      const elapsed = event.timestamp - voucher.issuedAt.timestamp;
      if (elapsed > options.fastChainWindowSeconds) return;
      flagged.add(voucherId);
      const chain = holderChain(model, event.pieceId);
      report({
        code: "FAST_LONG_CHAIN",
        voucherId,
        pieceId: event.pieceId,
        blockNumber: event.blockNumber,
        logIndex: event.logIndex,
        transactionHash: event.transactionHash,
        message: `${pieceLabel(event.pieceId)[0].toUpperCase()}${pieceLabel(event.pieceId).slice(1)} reached depth ${event.depth} within ${formatDuration(elapsed)} of the issue of voucher ${voucherId}, through ${chain.length} holders (${chain.join(" → ")}); chains of depth ${options.fastChainDepth} or more within ${formatDuration(options.fastChainWindowSeconds)} of issue are flagged.`,
      });
    },
  };
}

/** Who held the claim from the issue to `pieceId`, in order: each path piece's holders until the next path piece split off. */
function holderChain(model: LedgerModel, pieceId: bigint): string[] {
  const path: PieceRecord[] = [];
  for (let piece = model.pieces.get(pieceId); piece !== undefined; piece = piece.parentId === null ? undefined : model.pieces.get(piece.parentId)) {
    path.unshift(piece);
  }
  const chain: string[] = [];
  for (const [i, piece] of path.entries()) {
    const cut = path[i + 1]?.createdAt;
    for (const { holder, at } of piece.holders) {
      if (cut !== undefined && byPosition(at, cut) >= 0) break;
      if (chain.at(-1) !== holder) chain.push(holder);
    }
  }
  return chain;
}
