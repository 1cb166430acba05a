/**
 * Circular flows: a piece, or a piece split from it, reaching a member who already held it or one of its
 * ancestors (A → B → C → A). A claim that comes back to where it was adds trades, not trade: the classic
 * shape of a fabricated background or of round-tripping to inflate volumes. Each lineage piece carries the
 * members who held it or an ancestor before, with where they first did.
 */
import { formatPosition } from "../events.js";
import { pieceLabel } from "../findings.js";
import type { PatternDetector } from "../patterns.js";

type Holders = Map<string, { pieceId: bigint; blockNumber: number; logIndex: number }>;

export function circularFlowDetector(): PatternDetector {
  const earlier = new Map<bigint, Holders>();

  return {
    name: "circular flow",
    before(event, model, { report }) {
      let pieceId: bigint;
      let to: string;
      let holders: Holders | undefined;
      let how: () => string; // built only when reported
      switch (event.kind) {
        case "VoucherIssued":
          earlier.set(event.pieceId, new Map([[event.holder, { pieceId: event.pieceId, blockNumber: event.blockNumber, logIndex: event.logIndex }]]));
          return;
        case "PieceSplit": {
          const parent = earlier.get(event.parentId);
          holders = new Map(parent ?? []);
          earlier.set(event.pieceId, holders);
          if (event.from === event.to) return;
          ({ pieceId, to } = event);
          how = () => `the transfer creating ${pieceLabel(pieceId)} from ${pieceLabel(event.parentId)}, by ${model.label(event.from)}`;
          break;
        }
        case "PieceTransferred":
          ({ pieceId, to } = event);
          holders = earlier.get(pieceId);
          how = () => `the transfer of ${pieceLabel(pieceId)} by ${model.label(event.from)}`;
          break;
        case "PieceFactored":
          ({ pieceId, factor: to } = event);
          holders = earlier.get(pieceId);
          how = () => `the factoring of ${pieceLabel(pieceId)} by ${model.label(event.from)}`;
          break;
        default:
          return;
      }
      if (holders === undefined) return;
      const before = holders.get(to);
      if (before !== undefined) {
        report({
          code: "CIRCULAR_FLOW",
          voucherId: pieceId >> 16n,
          pieceId,
          account: to,
          blockNumber: event.blockNumber,
          logIndex: event.logIndex,
          transactionHash: event.transactionHash,
          message: `${model.label(to)} receives ${pieceLabel(pieceId)} through ${how()}, but it already held ${before.pieceId === pieceId ? "this piece" : pieceLabel(before.pieceId)} of the same lineage (${formatPosition(before)}): the claim went round in a circle back to an earlier holder.`,
        });
      } else {
        holders.set(to, { pieceId, blockNumber: event.blockNumber, logIndex: event.logIndex });
      }
    },
  };
}
