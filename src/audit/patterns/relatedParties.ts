/**
 * Related parties (R15, R6): an issue, transfer, pledge or factoring between members that share a
 * related-party group according to the registry's events — at the time (the ledger refuses that, so it
 * would mean the contract was bypassed), or before or after (a relation hidden while they traded, or
 * discovered later). Self-financing through related parties is how receivables get invented.
 */
import { formatCny } from "../../sdk/money.js";
import { byPosition, formatPosition, type AuditEvent } from "../events.js";
import { at, pieceLabel } from "../findings.js";
import { positionOf, type At, type LedgerModel } from "../model.js";
import type { PatternDetector } from "../patterns.js";

interface Trade {
  /** Built only when reported: most trades are between unrelated members. */
  what: () => string;
  a: string;
  b: string;
  pieceId: bigint;
  at: At;
}

type Interval = { groupId: number; from: At; to: At | null };

function intervals(model: LedgerModel, account: string): Interval[] {
  const groups = model.members.get(account)?.groups ?? [];
  return groups.map((g, i) => ({ groupId: g.groupId, from: g.from, to: groups[i + 1]?.from ?? null })).filter((g) => g.groupId !== 0);
}

const before = (a: At, b: At | null) => b === null || byPosition(a, b) < 0;

/** When `a` and `b` shared a group: the first overlap, preferring one in force at `at`. */
function sharedGroup(model: LedgerModel, a: string, b: string, at: At): { groupId: number; from: At; to: At | null; when: "at the time" | "later" | "earlier" } | null {
  let best: ReturnType<typeof sharedGroup> = null;
  const rank = { "at the time": 0, later: 1, earlier: 2 } as const;
  for (const x of intervals(model, a)) {
    for (const y of intervals(model, b)) {
      if (x.groupId !== y.groupId) continue;
      const from = byPosition(x.from, y.from) >= 0 ? x.from : y.from;
      const to = x.to === null ? y.to : y.to === null ? x.to : byPosition(x.to, y.to) <= 0 ? x.to : y.to;
      if (!before(from, to)) continue; // no overlap
      const when = byPosition(from, at) <= 0 && before(at, to) ? "at the time" : byPosition(from, at) > 0 ? "later" : "earlier";
      if (best === null || rank[when] < rank[best.when]) best = { groupId: x.groupId, from, to, when };
    }
  }
  return best;
}

function tradeOf(event: AuditEvent, model: LedgerModel): Trade | null {
  const at = positionOf(event);
  switch (event.kind) {
    case "VoucherIssued":
      return { what: () => `the issue of voucher ${event.voucherId} (${formatCny(event.amount)})`, a: event.issuer, b: event.holder, pieceId: event.pieceId, at };
    case "PieceSplit":
      return event.from === event.to ? null : { what: () => `the transfer creating ${pieceLabel(event.pieceId)} (${formatCny(event.amount)})`, a: event.from, b: event.to, pieceId: event.pieceId, at };
    case "PieceTransferred": {
      const amount = model.pieces.get(event.pieceId)?.amount;
      return { what: () => `the transfer of ${pieceLabel(event.pieceId)}${amount === undefined ? "" : ` (${formatCny(amount)})`}`, a: event.from, b: event.to, pieceId: event.pieceId, at };
    }
    case "PiecePledged":
      return { what: () => `the pledge of ${pieceLabel(event.pieceId)} (${formatCny(event.securedAmount)} secured)`, a: event.holder, b: event.pledgee, pieceId: event.pieceId, at };
    case "PieceFactored":
      return { what: () => `the factoring of ${pieceLabel(event.pieceId)} (${formatCny(event.amount)})`, a: event.from, b: event.factor, pieceId: event.pieceId, at };
    default:
      return null;
  }
}

export function relatedPartyDetector(): PatternDetector {
  const trades: Trade[] = [];
  return {
    name: "related parties",
    before(event, model) {
      const trade = tradeOf(event, model);
      if (trade !== null) trades.push(trade);
    },
    // At the end: a relation recorded after the trade counts too.
    finish(model, { report }) {
      for (const trade of trades) {
        const shared = sharedGroup(model, trade.a, trade.b, trade.at);
        if (shared === null) continue;
        const span = `from ${formatPosition(shared.from)}${shared.to === null ? "" : ` to ${formatPosition(shared.to)}`}`;
        const when =
          shared.when === "at the time"
            ? `were both in related-party group ${shared.groupId} at the time (${span}), which the ledger should have refused`
            : shared.when === "later"
              ? `were put in the same related-party group ${shared.groupId} after it (${span})`
              : `had been in the same related-party group ${shared.groupId} before it (${span}) and were separated before they traded`;
        report({
          code: "RELATED_PARTY_FLOW",
          voucherId: trade.pieceId >> 16n,
          pieceId: trade.pieceId,
          account: trade.b,
          ...at(trade.at),
          message: `${capitalise(trade.what())} at ${formatPosition(trade.at)} is between ${model.label(trade.a)} and ${model.label(trade.b)}, which ${when}: a flow between related parties can be self-financing (R15).`,
        });
      }
    },
  };
}

function capitalise(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}
