/**
 * Statistics for the regulator (clauses 十七, 十八): issuance, transfer, financing (pledge, factoring),
 * settlement and overdue — counts and amounts in fen — per issuer, per bank and per calendar month in China
 * Standard Time (UTC+8, from block timestamps). Collected by an observer during the one rebuild pass, so a
 * whole transfer is counted at the amount the piece had at that moment.
 *
 * | metric | counts | amount |
 * |---|---|---|
 * | issued | VoucherIssued | face value |
 * | transferred | split transfers to another member and whole transfers (not splits to oneself) | face value moved |
 * | pledged | PiecePledged | secured amount (loan principal) |
 * | factored | PieceFactored | face value bought (`factoringPrice`: purchase price paid) |
 * | settled | the first PieceSettled of each piece | face value paid |
 * | overdue | per issuer and month: VoucherOverdue, unpaid face value then; per bank: live pieces it financed (pledged to it, or bought) when their voucher went overdue |
 *
 * Per bank: pledged as pledgee, factored as factor, settled as clearing bank, overdue as financier.
 */
import type { AuditEvent } from "./events.js";
import type { LedgerModel, RebuildObserver } from "./model.js";
import { pledgesInForce } from "./model.js";

export interface Tally {
  count: number;
  amount: bigint;
}

export const METRICS = ["issued", "transferred", "pledged", "factored", "settled", "overdue"] as const;
export type Metric = (typeof METRICS)[number];
export type Metrics = Record<Metric, Tally> & { factoringPrice: bigint };

/** The metrics that make sense for a bank. */
export const BANK_METRICS = ["pledged", "factored", "settled", "overdue"] as const satisfies readonly Metric[];

export interface Statistics {
  totals: Metrics;
  byIssuer: Map<string, Metrics>;
  byBank: Map<string, Metrics>;
  /** "2035-03" (China Standard Time) → metrics. */
  byMonth: Map<string, Metrics>;
}

export function emptyMetrics(): Metrics {
  const metrics = { factoringPrice: 0n } as Metrics;
  for (const metric of METRICS) metrics[metric] = { count: 0, amount: 0n };
  return metrics;
}

const CST_OFFSET_SECONDS = 8 * 3_600;

/** The calendar month of a Unix time in China Standard Time: "2035-03". */
export function monthOf(timestamp: number): string {
  return new Date((timestamp + CST_OFFSET_SECONDS) * 1000).toISOString().slice(0, 7);
}

export function emptyStatistics(): Statistics {
  return { totals: emptyMetrics(), byIssuer: new Map(), byBank: new Map(), byMonth: new Map() };
}

/** An observer that fills `stats` during a rebuild. */
export function statisticsObserver(stats: Statistics = emptyStatistics()): RebuildObserver & { stats: Statistics } {
  const of = (map: Map<string, Metrics>, key: string) => {
    let metrics = map.get(key);
    if (metrics === undefined) map.set(key, (metrics = emptyMetrics()));
    return metrics;
  };
  const add = (event: AuditEvent, metric: Metric, amount: bigint, issuer: string | null, bank: string | null) => {
    const targets = [stats.totals, of(stats.byMonth, monthOf(event.timestamp))];
    if (issuer !== null) targets.push(of(stats.byIssuer, issuer));
    if (bank !== null) targets.push(of(stats.byBank, bank));
    for (const metrics of targets) {
      metrics[metric].count++;
      metrics[metric].amount += amount;
    }
  };

  const before = (event: AuditEvent, model: LedgerModel) => {
    switch (event.kind) {
      case "VoucherIssued":
        if (!model.vouchers.has(event.voucherId)) add(event, "issued", event.amount, event.issuer, null);
        return;
      case "PieceSplit": {
        const voucher = model.vouchers.get(event.pieceId >> 16n);
        if (voucher !== undefined && !model.pieces.has(event.pieceId) && event.from !== event.to) add(event, "transferred", event.amount, voucher.issuer, null);
        return;
      }
      case "PieceTransferred": {
        const piece = model.pieces.get(event.pieceId);
        if (piece !== undefined && piece.status === "Active") add(event, "transferred", piece.amount, model.vouchers.get(piece.voucherId)!.issuer, null);
        return;
      }
      case "PiecePledged": {
        const piece = model.pieces.get(event.pieceId);
        if (piece !== undefined && piece.status !== "Settled") add(event, "pledged", event.securedAmount, model.vouchers.get(piece.voucherId)!.issuer, event.pledgee);
        return;
      }
      case "PieceFactored": {
        const piece = model.pieces.get(event.pieceId);
        if (piece === undefined || piece.status === "Settled") return;
        const issuer = model.vouchers.get(piece.voucherId)!.issuer;
        add(event, "factored", event.amount, issuer, event.factor);
        for (const metrics of [stats.totals, of(stats.byMonth, monthOf(event.timestamp)), of(stats.byIssuer, issuer), of(stats.byBank, event.factor)]) {
          metrics.factoringPrice += event.purchasePrice;
        }
        return;
      }
      case "PieceSettled": {
        const piece = model.pieces.get(event.pieceId);
        if (piece !== undefined && piece.status !== "Settled") add(event, "settled", piece.amount, model.vouchers.get(piece.voucherId)!.issuer, event.clearingBank);
        return;
      }
      case "VoucherOverdue": {
        const voucher = model.vouchers.get(event.voucherId);
        if (voucher === undefined || voucher.overdue !== null) return;
        const live = voucher.pieceIds.map((id) => model.pieces.get(id)!).filter((piece) => piece.status !== "Settled");
        add(event, "overdue", live.reduce((sum, piece) => sum + piece.amount, 0n), voucher.issuer, null);
        // Each bank's share: the live pieces it financed.
        for (const piece of live) {
          const pledgee = pledgesInForce(piece).at(-1)?.pledgee ?? (piece.status === "Enforced" ? piece.pledges.at(-1)?.pledgee : undefined);
          const factor = piece.factorings.at(-1)?.factor;
          const bank = pledgee ?? (factor !== undefined && factor === piece.holder ? factor : undefined);
          if (bank === undefined) continue;
          const metrics = of(stats.byBank, bank);
          metrics.overdue.count++;
          metrics.overdue.amount += piece.amount;
        }
        return;
      }
    }
  };
  return { stats, before };
}
