/**
 * What the pages show, worked out from the rebuilt model: pure functions, no I/O, no markup. Money stays
 * bigint fen; shares of a credit line are integer basis points (rounded down).
 */
import type { LedgerModel, MemberRecord, PieceRecord, VoucherRecord } from "../audit/model.js";
import { MemberRole } from "../sdk/constants.js";
import type { Calendar } from "./time.js";

export type VoucherState = "current" | "overdue" | "settled";

export interface VoucherSummary {
  voucher: VoucherRecord;
  state: VoucherState;
  /** Face value of its unsettled pieces, fen: what the issuer still has to pay. */
  outstanding: bigint;
  /** Pieces not settled. */
  livePieces: number;
  /** Marked overdue on chain (`VoucherOverdue`); an unpaid voucher past maturity is overdue even before that. */
  markedOverdue: boolean;
}

export function piecesOf(model: LedgerModel, voucher: VoucherRecord): PieceRecord[] {
  return voucher.pieceIds.map((id) => model.pieces.get(id)).filter((piece): piece is PieceRecord => piece !== undefined);
}

/**
 * Settled when every piece is settled; overdue when marked so on chain or past maturity with something unpaid
 * at `now` (the latest block's time: the ledger's clock, not the server's); current otherwise.
 */
export function summarizeVoucher(model: LedgerModel, voucher: VoucherRecord, now: number): VoucherSummary {
  const live = piecesOf(model, voucher).filter((piece) => piece.status !== "Settled");
  const outstanding = live.reduce((sum, piece) => sum + piece.amount, 0n);
  const markedOverdue = voucher.overdue !== null;
  const state: VoucherState = live.length === 0 ? "settled" : markedOverdue || voucher.maturity <= now ? "overdue" : "current";
  return { voucher, state, outstanding, livePieces: live.length, markedOverdue };
}

/** Every voucher, by number. */
export function voucherSummaries(model: LedgerModel, now: number): VoucherSummary[] {
  return [...model.vouchers.values()].sort((a, b) => (a.voucherId < b.voucherId ? -1 : 1)).map((voucher) => summarizeVoucher(model, voucher, now));
}

// ---------------------------------------------------------------- maturity calendar

export type DayStatus = "overdue" | "due today" | "upcoming" | "paid";

export interface IssuerDue {
  issuer: string;
  /** Still to be paid on this day's vouchers of this issuer, fen. */
  toPay: bigint;
  vouchers: VoucherSummary[];
}

export interface MaturityDay {
  /** "2035-06-08" in the calendar's zone. */
  day: string;
  status: DayStatus;
  toPay: bigint;
  /** By issuer, the largest amount first. */
  issuers: IssuerDue[];
}

/** Vouchers grouped by the calendar day they mature on, the earliest day first. */
export function maturityCalendar(summaries: readonly VoucherSummary[], calendar: Calendar, now: number): MaturityDay[] {
  const days = new Map<string, VoucherSummary[]>();
  for (const summary of summaries) {
    const day = calendar.day(summary.voucher.maturity);
    days.set(day, [...(days.get(day) ?? []), summary]);
  }
  const today = calendar.day(now);
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, vouchers]) => {
      const byIssuer = new Map<string, VoucherSummary[]>();
      for (const summary of vouchers) byIssuer.set(summary.voucher.issuer, [...(byIssuer.get(summary.voucher.issuer) ?? []), summary]);
      const issuers = [...byIssuer.entries()]
        .map(([issuer, list]) => ({ issuer, vouchers: list, toPay: list.reduce((sum, s) => sum + s.outstanding, 0n) }))
        .sort((a, b) => (a.toPay > b.toPay ? -1 : a.toPay < b.toPay ? 1 : a.issuer < b.issuer ? -1 : 1));
      const toPay = issuers.reduce((sum, issuer) => sum + issuer.toPay, 0n);
      const status: DayStatus =
        toPay === 0n ? "paid" : vouchers.some((s) => s.state === "overdue") ? "overdue" : day === today ? "due today" : "upcoming";
      return { day, status, toPay, issuers };
    });
}

// ---------------------------------------------------------------- issuer exposure

export interface Exposure {
  issuer: string;
  member: MemberRecord | undefined;
  creditLine: bigint;
  /** Unsettled face value of all its vouchers (R14), fen. */
  outstanding: bigint;
  /** outstanding / credit line in basis points, rounded down; null without a credit line. */
  utilisationBps: bigint | null;
  clearingBank: string | null;
  defaulted: boolean;
  vouchers: number;
}

/** Every core enterprise, and any other account that has issued: by outstanding amount, the largest first. */
export function issuerExposure(model: LedgerModel): Exposure[] {
  const issuers = new Set<string>(model.outstanding.keys());
  for (const member of model.members.values()) if ((member.roles & MemberRole.CoreEnterprise) !== 0) issuers.add(member.account);
  const voucherCounts = new Map<string, number>();
  for (const voucher of model.vouchers.values()) voucherCounts.set(voucher.issuer, (voucherCounts.get(voucher.issuer) ?? 0) + 1);
  return [...issuers]
    .map((issuer) => {
      const member = model.members.get(issuer);
      const creditLine = member?.creditLine ?? 0n;
      const outstanding = model.outstanding.get(issuer) ?? 0n;
      return {
        issuer,
        member,
        creditLine,
        outstanding,
        utilisationBps: creditLine === 0n ? null : (outstanding * 10_000n) / creditLine,
        clearingBank: member?.clearingBank ?? null,
        defaulted: member?.defaulted ?? false,
        vouchers: voucherCounts.get(issuer) ?? 0,
      };
    })
    .sort((a, b) => (a.outstanding > b.outstanding ? -1 : a.outstanding < b.outstanding ? 1 : a.issuer < b.issuer ? -1 : 1));
}

/** Active members with the bank role: the banks a verification can be run for. */
export function banksOf(model: LedgerModel): MemberRecord[] {
  return [...model.members.values()].filter((member) => (member.roles & MemberRole.Bank) !== 0 && member.status === "Active");
}
