/**
 * Bursts of splits: many pieces carved from one voucher, or by one holder, in a short time — the way a
 * claim is shredded before it is passed on or financed in small parts. The largest burst of each voucher
 * and each holder is reported once.
 */
import { formatPosition, type EventOf } from "../events.js";
import { formatDuration, type PatternDetector } from "../patterns.js";

type Split = EventOf<"PieceSplit">;

/** The largest number of splits inside any window of `window` seconds, with where it starts and ends. */
function largestBurst(splits: Split[], window: number): { count: number; first: Split; last: Split } {
  let best = { count: 0, first: splits[0], last: splits[0] };
  let start = 0;
  for (let end = 0; end < splits.length; end++) {
    while (splits[end].timestamp - splits[start].timestamp > window) start++;
    if (end - start + 1 > best.count) best = { count: end - start + 1, first: splits[start], last: splits[end] };
  }
  return best;
}

export function burstDetector(): PatternDetector {
  const byVoucher = new Map<bigint, Split[]>();
  const byHolder = new Map<string, Split[]>();
  const add = <K>(map: Map<K, Split[]>, key: K, split: Split) => {
    const list = map.get(key);
    if (list) list.push(split);
    else map.set(key, [split]);
  };

  return {
    name: "burst of splits",
    before(event) {
      if (event.kind !== "PieceSplit") return;
      add(byVoucher, event.pieceId >> 16n, event);
      add(byHolder, event.from, event);
    },
    finish(model, { options, report }) {
      const window = options.burstWindowSeconds;
      const rule = `the threshold is ${options.burstSplits} within ${formatDuration(window)}`;
      for (const [voucherId, splits] of byVoucher) {
        if (splits.length < options.burstSplits) continue;
        const burst = largestBurst(splits, window);
        if (burst.count < options.burstSplits) continue;
        const holders = [...new Set(splits.filter((s) => s.timestamp >= burst.first.timestamp && s.timestamp <= burst.last.timestamp).map((s) => s.from))];
        report({
          code: "SPLIT_BURST",
          voucherId,
          blockNumber: burst.first.blockNumber,
          logIndex: burst.first.logIndex,
          transactionHash: burst.first.transactionHash,
          message: `Voucher ${voucherId} was split ${burst.count} times within ${formatDuration(burst.last.timestamp - burst.first.timestamp)} (${formatPosition(burst.first)} to ${formatPosition(burst.last)}), by ${holders.map((h) => model.label(h)).join(", ")}; ${rule}. Shredding a claim in a burst can prepare small transfers or financings that escape review.`,
        });
      }
      for (const [holder, splits] of byHolder) {
        if (splits.length < options.burstSplits) continue;
        const burst = largestBurst(splits, window);
        if (burst.count < options.burstSplits) continue;
        const inBurst = splits.filter((s) => s.timestamp >= burst.first.timestamp && s.timestamp <= burst.last.timestamp);
        const vouchers = [...new Set(inBurst.map((s) => s.pieceId >> 16n))];
        report({
          code: "SPLIT_BURST",
          account: holder,
          blockNumber: burst.first.blockNumber,
          logIndex: burst.first.logIndex,
          transactionHash: burst.first.transactionHash,
          message: `${model.label(holder)} made ${burst.count} splits within ${formatDuration(burst.last.timestamp - burst.first.timestamp)} (${formatPosition(burst.first)} to ${formatPosition(burst.last)}) across voucher(s) ${vouchers.join(", ")}; ${rule}.`,
        });
      }
    },
  };
}
