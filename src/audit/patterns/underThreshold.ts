/**
 * Amounts just under a threshold: an issue, transfer, pledge or factoring for slightly less than an amount
 * that triggers a report or a review — structuring to stay below it.
 */
import { formatBps } from "../../sdk/display.js";
import { formatCny } from "../../sdk/money.js";
import { pieceLabel } from "../findings.js";
import type { PatternDetector } from "../patterns.js";

export function underThresholdDetector(): PatternDetector {
  return {
    name: "just under a threshold",
    before(event, model, { options, report }) {
      let amount: bigint;
      let what: () => string; // built only when reported
      let pieceId: bigint;
      switch (event.kind) {
        case "VoucherIssued":
          ({ amount, pieceId } = event);
          what = () => `Voucher ${event.voucherId} is issued by ${model.label(event.issuer)} for`;
          break;
        case "PieceSplit":
          if (event.from === event.to) return;
          ({ amount, pieceId } = event);
          what = () => `The transfer creating ${pieceLabel(pieceId)} from ${model.label(event.from)} to ${model.label(event.to)} moves`;
          break;
        case "PieceTransferred": {
          const piece = model.pieces.get(event.pieceId);
          if (piece === undefined) return;
          ({ amount } = piece);
          pieceId = event.pieceId;
          what = () => `The transfer of ${pieceLabel(pieceId)} from ${model.label(event.from)} to ${model.label(event.to)} moves`;
          break;
        }
        case "PiecePledged":
          ({ securedAmount: amount, pieceId } = event);
          what = () => `The pledge of ${pieceLabel(pieceId)} to ${model.label(event.pledgee)} secures`;
          break;
        case "PieceFactored":
          ({ amount, pieceId } = event);
          what = () => `The factoring of ${pieceLabel(pieceId)} to ${model.label(event.factor)} covers`;
          break;
        default:
          return;
      }
      const band = BigInt(10_000 - options.underThresholdBps);
      for (const threshold of options.thresholds) {
        // threshold × (1 − band) ≤ amount < threshold, in integers.
        if (amount >= threshold || amount * 10_000n < threshold * band) continue;
        const below = ((threshold - amount) * 10_000n) / threshold;
        report({
          code: "JUST_UNDER_THRESHOLD",
          voucherId: pieceId >> 16n,
          pieceId,
          blockNumber: event.blockNumber,
          logIndex: event.logIndex,
          transactionHash: event.transactionHash,
          message: `${what()} ${formatCny(amount)}, ${formatBps(below)} below the ${formatCny(threshold)} threshold (amounts within ${formatBps(options.underThresholdBps)} below it are flagged): an amount chosen to stay just under a reporting or review threshold.`,
        });
      }
    },
  };
}
