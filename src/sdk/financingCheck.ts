/**
 * What a bank runs before it lends against a piece (pledge or factoring): one read of the ledger at one
 * block, the piece's lineage rebuilt from events (R7), and a verdict listing every reason against lending
 * (blocking) or for a closer look (warning). Read-only; it sends no transaction.
 *
 * The blocking reasons include everything the ledger itself would refuse for this bank (status, maturity,
 * inactive members, related parties, enhanced review, pause), so a "financeable" piece does not bounce on
 * chain, plus what a prudent bank refuses although the ledger would accept it (issuer in default, a lineage
 * that the events do not bear out).
 */
import { getAddress, isAddress, ZeroAddress, ZeroHash } from "ethers";
import { formatCny } from "./money.js";
import { formatBps, formatPiece, formatTime } from "./display.js";
import { MemberRole, MemberStatus, PieceStatus, registrationNumberFromBytes24, voucherIdOfPiece } from "./constants.js";
import { bytes18ToUscc } from "./uscc.js";
import { checkPieceId, rebuildLineage, type LineageStep } from "./lineage.js";
import type { VoucherLedger } from "../../types/ethers-contracts/index.js";

export { formatFinancingReport } from "./financingReportText.js";
export type { LineageStep, LineageStepKind } from "./lineage.js";

/** Exposure above this share of the issuer's credit line (basis points) draws a warning (R14). */
export const EXPOSURE_WARNING_BPS = 9_000;
/** A maturity at most this many days away draws a warning: little time to lend and clear. */
export const MATURITY_WARNING_DAYS = 7;

const DAY = 86_400n;

export type PieceStatusName = "Active" | "Pledged" | "Enforced" | "Settled";
export type MemberStatusName = "None" | "Active" | "Suspended";

export type BlockingCode =
  | "PIECE_NOT_FOUND"
  | "PIECE_SETTLED"
  | "PIECE_PLEDGED"
  | "PIECE_ENFORCED"
  | "VOUCHER_MATURED"
  | "VOUCHER_OVERDUE"
  | "ISSUER_DEFAULTED"
  | "ISSUER_NOT_ACTIVE"
  | "ENHANCED_REVIEW_MISSING"
  | "LINEAGE_INCOMPLETE"
  | "LINEAGE_INCONSISTENT"
  | "HOLDER_NOT_ACTIVE"
  | "HOLDER_IS_BANK"
  | "RELATED_PARTY"
  | "BANK_NOT_ACTIVE"
  | "LEDGER_PAUSED";

export type WarningCode = "ISSUER_EXPOSURE_HIGH" | "MATURITY_NEAR" | "PREVIOUSLY_PLEDGED" | "FACTORED_WITH_RECOURSE";

/** A code is always blocking or always a warning; the type says which. */
export type FinancingReason =
  | { code: BlockingCode; severity: "blocking"; message: string }
  | { code: WarningCode; severity: "warning"; message: string };

export interface FinancingVerdict {
  /** True iff there is no blocking reason. */
  financeable: boolean;
  /** Blocking reasons first, then warnings. */
  reasons: FinancingReason[];
}

/** A consortium member as the registry records it; `uscc` is null and status "None" for a non-member. */
export interface MemberSummary {
  uscc: string | null;
  status: MemberStatusName;
  /** Bitmap of `MemberRole` flags. */
  roles: number;
  /** Related-party group (R15); 0 = in no group. */
  relatedPartyGroup: number;
}

export interface PledgeInfo {
  pledgee: string;
  /** Loan principal in fen. */
  securedAmount: bigint;
  /** Interest, basis points a year. */
  annualRateBps: number;
  /** The bank's service fee, basis points of the secured amount, apart from interest (R12). */
  serviceFeeBps: number;
  /** Unified movable-property registry number, as entered (ASCII). */
  registrationNumber: string;
  /** Ordinal of this pledge among the pledges of the piece (1 for the first). */
  serial: number;
  /** Unix seconds. */
  pledgedAt: bigint;
}

export interface FactoringInfo {
  factor: string;
  /** Price paid in fen. */
  purchasePrice: bigint;
  withRecourse: boolean;
  /** Unix seconds. */
  factoredAt: bigint;
}

export interface IssuerSummary extends MemberSummary {
  account: string;
  defaulted: boolean;
  /** Null when the issuer has none (its vouchers could not be cleared). */
  clearingBank: string | null;
  /** Fen. */
  creditLine: bigint;
  /** Unsettled face value of all its vouchers (`outstandingOf`), fen. */
  outstanding: bigint;
  /** creditLine − outstanding, fen; negative when the line was cut below what is outstanding. */
  headroom: bigint;
  /** outstanding / creditLine in basis points (rounded down); null when the credit line is zero. */
  exposureBps: number | null;
}

/** Found: the full picture. Check `found` first; a missing piece has no holder, amount or lineage. */
export interface PieceFinancingReport {
  found: true;
  pieceId: bigint;
  voucherId: bigint;
  /** The lending bank the report was made for, and its membership. */
  bank: string;
  bankMember: MemberSummary;
  /** The block whose state and events were read. */
  blockNumber: number;
  /** The time maturity was judged at, unix seconds. */
  at: bigint;
  holder: string;
  holderMember: MemberSummary;
  /** Face value of the piece, fen. */
  amount: bigint;
  /** Transfer levels from the issue. */
  depth: number;
  status: PieceStatusName;
  /** The pledge in force (status Pledged or Enforced), else null. */
  pledge: PledgeInfo | null;
  /** Pledges ever made on the piece (in force or released) and the last of them. */
  pledgeHistory: { pledgesSoFar: number; last: PledgeInfo | null };
  /** The last factoring of the piece, else null. */
  factoring: FactoringInfo | null;
  issuer: IssuerSummary;
  /** Unix seconds. */
  maturity: bigint;
  /** Whole days from `at` to maturity, rounded down: 0 on the last day, negative once matured. */
  daysToMaturity: number;
  matured: boolean;
  term: {
    enhancedReviewRequired: boolean;
    enhancedReviewRecordedByThisBank: boolean;
    /** This bank's recorded review hash, else null. */
    enhancedReviewHash: string | null;
  };
  voucherOverdue: boolean;
  /** `lineageOf` root first. */
  lineagePath: bigint[];
  /** From the issue to this piece, rebuilt from events. */
  lineage: LineageStep[];
  /** False when events are missing or contradict the state; the reasons say how. */
  lineageComplete: boolean;
  verdict: FinancingVerdict;
}

/** Not found: never financeable; the verdict holds the one reason PIECE_NOT_FOUND. */
export interface MissingPieceReport {
  found: false;
  pieceId: bigint;
  voucherId: bigint;
  bank: string;
  blockNumber: number;
  at: bigint;
  verdict: FinancingVerdict;
}

export type FinancingReport = PieceFinancingReport | MissingPieceReport;

export interface FinancingCheckOptions {
  /** The lending bank's address. */
  bank: string;
  /** Time to judge maturity at, unix seconds; default the latest block's time. */
  at?: bigint;
  /** First block to read lineage events from (default 0); a block after the issue leaves the lineage incomplete. */
  fromBlock?: number;
}

/**
 * Checks a piece for financing by `options.bank`. A piece that does not exist is a report
 * (`found: false`, PIECE_NOT_FOUND), not an error: asking about a forged piece id is a normal question.
 * Throws a `RangeError` naming the argument for a malformed `pieceId`, `options.bank`, `options.at` or
 * `options.fromBlock`, and for a `ledger` without a provider.
 */
export async function verifyForFinancing(
  ledger: VoucherLedger,
  pieceId: bigint,
  options: FinancingCheckOptions,
): Promise<FinancingReport> {
  checkPieceId(pieceId, "pieceId");
  const bank = checkBank(options?.bank);
  const { at: atOption, fromBlock } = options;
  if (atOption !== undefined && (typeof atOption !== "bigint" || atOption < 0n)) {
    throw new RangeError(`options.at: expected unix seconds as a non-negative bigint (got ${describe(atOption)})`);
  }
  const provider = ledger.runner?.provider;
  if (!provider) throw new RangeError("ledger: expected a contract connected to a provider");

  // Everything is read at one block, so state and events describe the same moment.
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("The provider returned no latest block");
  const blockNumber = block.number;
  if (fromBlock !== undefined && (!Number.isSafeInteger(fromBlock) || fromBlock < 0 || fromBlock > blockNumber)) {
    throw new RangeError(`options.fromBlock: expected a block number from 0 to ${blockNumber} (got ${describe(fromBlock)})`);
  }
  const at = atOption ?? BigInt(block.timestamp);
  const read = { blockTag: blockNumber };
  const voucherId = voucherIdOfPiece(pieceId);

  const piece = await ledger.pieceOf(pieceId, read);
  if (piece.status === BigInt(PieceStatus.None)) {
    const message = `Piece ${formatPiece(pieceId)} (id ${pieceId}) does not exist on this ledger at block ${blockNumber}; there is nothing to lend against (R9).`;
    return { found: false, pieceId, voucherId, bank, blockNumber, at, verdict: verdictOf([{ code: "PIECE_NOT_FOUND", severity: "blocking", message }]) };
  }

  const voucher = await ledger.voucherOf(voucherId, read);
  const issuerAccount = getAddress(voucher.issuer);
  const holder = getAddress(piece.holder);
  const [pledge, factoring, issuerMember, clearingBank, outstanding, reviewHash, holderMember, bankMember, paused, lineage] =
    await Promise.all([
      ledger.pledgeOf(pieceId, read),
      ledger.factoringOf(pieceId, read),
      ledger.memberOf(issuerAccount, read),
      ledger.clearingBankOf(issuerAccount, read),
      ledger.outstandingOf(issuerAccount, read),
      ledger.enhancedReviewOf(voucherId, bank, read),
      ledger.memberOf(holder, read),
      ledger.memberOf(bank, read),
      ledger.paused(read),
      rebuildLineage(ledger, pieceId, { fromBlock, toBlock: blockNumber }),
    ]);

  const status = pieceStatusName(piece.status);
  const lastPledge: PledgeInfo | null =
    pledge.serial === 0n
      ? null
      : {
          pledgee: getAddress(pledge.pledgee),
          securedAmount: pledge.securedAmount,
          annualRateBps: Number(pledge.annualRateBps),
          serviceFeeBps: Number(pledge.serviceFeeBps),
          registrationNumber: registrationNumberFromBytes24(pledge.registrationNumber),
          serial: Number(pledge.serial),
          pledgedAt: pledge.pledgedAt,
        };
  const creditLine = issuerMember.creditLine;
  const report: PieceFinancingReport = {
    found: true,
    pieceId,
    voucherId,
    bank,
    bankMember: memberSummary(bankMember),
    blockNumber,
    at,
    holder,
    holderMember: memberSummary(holderMember),
    amount: piece.amount,
    depth: Number(piece.depth),
    status,
    // The ledger keeps the last pledge after release; it is in force only while pledged or enforced.
    pledge: status === "Pledged" || status === "Enforced" ? lastPledge : null,
    pledgeHistory: { pledgesSoFar: Number(pledge.serial), last: lastPledge },
    factoring:
      factoring.factor === ZeroAddress
        ? null
        : {
            factor: getAddress(factoring.factor),
            purchasePrice: factoring.purchasePrice,
            withRecourse: factoring.withRecourse,
            factoredAt: factoring.factoredAt,
          },
    issuer: {
      account: issuerAccount,
      ...memberSummary(issuerMember),
      defaulted: issuerMember.defaulted,
      clearingBank: clearingBank === ZeroAddress ? null : getAddress(clearingBank),
      creditLine,
      outstanding,
      headroom: creditLine - outstanding,
      exposureBps: creditLine === 0n ? null : Number((outstanding * 10_000n) / creditLine),
    },
    maturity: voucher.maturity,
    // Floor division also for negatives: one second past maturity is day −1, not day 0.
    daysToMaturity: Math.floor(Number(voucher.maturity - at) / Number(DAY)),
    // The ledger refuses financing from the maturity second on (block.timestamp >= maturity): matured at the
    // chain's time blocks whatever `at` says; `at` may only move the judgement later (a planned lending date).
    matured: at >= voucher.maturity || BigInt(block.timestamp) >= voucher.maturity,
    term: {
      enhancedReviewRequired: voucher.enhancedReviewRequired,
      enhancedReviewRecordedByThisBank: reviewHash !== ZeroHash,
      enhancedReviewHash: reviewHash === ZeroHash ? null : reviewHash,
    },
    voucherOverdue: voucher.overdue,
    lineagePath: lineage.path,
    lineage: lineage.steps,
    lineageComplete: lineage.complete,
    verdict: { financeable: false, reasons: [] },
  };
  report.verdict = verdictOf([
    ...blockingReasons(report, paused, lineage.problems),
    ...warnings(report),
  ]);
  return report;
}

// ---------------------------------------------------------------- reasons

function verdictOf(reasons: FinancingReason[]): FinancingVerdict {
  const ordered = [...reasons.filter((r) => r.severity === "blocking"), ...reasons.filter((r) => r.severity === "warning")];
  return { financeable: !ordered.some((r) => r.severity === "blocking"), reasons: ordered };
}

function blockingReasons(
  r: PieceFinancingReport,
  paused: boolean,
  lineageProblems: ReadonlyArray<{ code: "LINEAGE_INCOMPLETE" | "LINEAGE_INCONSISTENT"; message: string }>,
): FinancingReason[] {
  const reasons: FinancingReason[] = [];
  const block = (code: BlockingCode, message: string) => reasons.push({ code, severity: "blocking", message });
  const piece = `Piece ${formatPiece(r.pieceId)}`;
  const issuer = `${r.issuer.account} (USCC ${r.issuer.uscc ?? "none"})`;

  if (r.status === "Settled") block("PIECE_SETTLED", `${piece} was settled by the issuer's clearing bank; settlement is final and nothing is left to lend against.`);
  // The status alone blocks; the pledge record only adds who holds it.
  if (r.status === "Pledged") {
    const detail = r.pledge ? ` to ${r.pledge.pledgee} under registration ${r.pledge.registrationNumber} securing ${formatCny(r.pledge.securedAmount)}` : "";
    block("PIECE_PLEDGED", `${piece} is pledged${detail}; it cannot be pledged or factored again (R9).`);
  }
  if (r.status === "Enforced") {
    const detail = r.pledge ? ` by pledgee ${r.pledge.pledgee} under registration ${r.pledge.registrationNumber}` : "";
    block("PIECE_ENFORCED", `${piece} was enforced${detail}; it is paid to that bank at clearing and cannot be financed again.`);
  }
  if (r.matured) {
    block("VOUCHER_MATURED", `Voucher ${r.voucherId} matured on ${formatTime(r.maturity)}, at or before ${formatTime(r.at)}; the ledger refuses financing from maturity on.`);
  }
  if (r.voucherOverdue) {
    block("VOUCHER_OVERDUE", `Voucher ${r.voucherId} was marked overdue: its issuer ${r.issuer.account} did not pay it by maturity plus the grace period (R11).`);
  }
  if (r.issuer.defaulted) block("ISSUER_DEFAULTED", `Issuer ${issuer} is in default and may not issue until the consortium admin restores it (R11); its claims are not sound collateral.`);
  if (r.issuer.status !== "Active") block("ISSUER_NOT_ACTIVE", `Issuer ${issuer} is ${statusWords(r.issuer.status)}, not an active consortium member.`);
  if (r.term.enhancedReviewRequired && !r.term.enhancedReviewRecordedByThisBank) {
    block(
      "ENHANCED_REVIEW_MISSING",
      `Voucher ${r.voucherId} has a term above the enhanced-review threshold and bank ${r.bank} has recorded no enhanced review of it (R4).`,
    );
  }
  for (const problem of lineageProblems) {
    block(problem.code, `${problem.message.replace(/\.$/, "")}, so the debt relationship of ${piece.toLowerCase()} cannot be verified (R7).`);
  }
  if (r.holderMember.status !== "Active") {
    block("HOLDER_NOT_ACTIVE", `Holder ${r.holder} is ${statusWords(r.holderMember.status)}; the ledger refuses to finance a piece of an inactive member.`);
  }
  if (r.holder === r.bank) {
    const how = r.factoring?.factor === r.bank ? ` since it factored it on ${formatTime(r.factoring.factoredAt)}` : "";
    block("HOLDER_IS_BANK", `Bank ${r.bank} already holds ${piece.toLowerCase()}${how}; it cannot pledge it to itself or buy it from itself.`);
  }
  const group = r.bankMember.relatedPartyGroup;
  if (group !== 0 && group === r.holderMember.relatedPartyGroup) {
    block("RELATED_PARTY", `Holder ${r.holder} and bank ${r.bank} are in the same related-party group ${group}; financing between related parties is refused (R15).`);
  }
  if (r.bankMember.status !== "Active" || (r.bankMember.roles & MemberRole.Bank) === 0) {
    const what = r.bankMember.status === "Active" ? "an active member without the bank role" : statusWords(r.bankMember.status);
    block("BANK_NOT_ACTIVE", `${r.bank} is ${what}; only an active bank may pledge or factor a piece.`);
  }
  if (paused) block("LEDGER_PAUSED", `The ledger is paused by the consortium admin at block ${r.blockNumber}; no pledge or factoring can be recorded until it resumes.`);
  return reasons;
}

function warnings(r: PieceFinancingReport): FinancingReason[] {
  const reasons: FinancingReason[] = [];
  const warn = (code: WarningCode, message: string) => reasons.push({ code, severity: "warning", message });
  const piece = `Piece ${formatPiece(r.pieceId)}`;
  const { issuer } = r;

  const high = issuer.creditLine === 0n ? issuer.outstanding > 0n : issuer.outstanding * 10_000n > issuer.creditLine * BigInt(EXPOSURE_WARNING_BPS);
  if (high) {
    const share = issuer.exposureBps === null ? "no credit line at all" : `${formatBps(issuer.exposureBps)} of its credit line of ${formatCny(issuer.creditLine)}`;
    warn(
      "ISSUER_EXPOSURE_HIGH",
      `Issuer ${issuer.account} has ${formatCny(issuer.outstanding)} outstanding, ${share}, above the ${formatBps(EXPOSURE_WARNING_BPS)} watch level (R14).`,
    );
  }
  if (!r.matured && r.maturity - r.at <= BigInt(MATURITY_WARNING_DAYS) * DAY) {
    warn("MATURITY_NEAR", `Voucher ${r.voucherId} matures on ${formatTime(r.maturity)}, within ${MATURITY_WARNING_DAYS} days of ${formatTime(r.at)}.`);
  }
  const last = r.pledgeHistory.last;
  if (r.status === "Active" && last) {
    const times = r.pledgeHistory.pledgesSoFar === 1 ? "once" : `${r.pledgeHistory.pledgesSoFar} times`;
    warn(
      "PREVIOUSLY_PLEDGED",
      `${piece} was pledged ${times} before and released each time, last to ${last.pledgee} under registration ${last.registrationNumber}; confirm that registration was cancelled in the unified registry.`,
    );
  }
  if (r.factoring?.withRecourse) {
    warn(
      "FACTORED_WITH_RECOURSE",
      `${piece} was factored with recourse to ${r.factoring.factor} on ${formatTime(r.factoring.factoredAt)} for ${formatCny(r.factoring.purchasePrice)}; the seller stays liable if the issuer does not pay.`,
    );
  }
  return reasons;
}

// ---------------------------------------------------------------- decoding

function pieceStatusName(status: bigint): PieceStatusName {
  switch (Number(status)) {
    case PieceStatus.Active:
      return "Active";
    case PieceStatus.Pledged:
      return "Pledged";
    case PieceStatus.Enforced:
      return "Enforced";
    case PieceStatus.Settled:
      return "Settled";
    default:
      throw new Error(`The ledger returned an unknown piece status ${status}`);
  }
}

function memberSummary(member: { uscc: string; status: bigint; roles: bigint; groupId: bigint }): MemberSummary {
  const status: MemberStatusName =
    Number(member.status) === MemberStatus.Active ? "Active" : Number(member.status) === MemberStatus.Suspended ? "Suspended" : "None";
  return {
    uscc: status === "None" ? null : bytes18ToUscc(member.uscc),
    status,
    roles: Number(member.roles),
    relatedPartyGroup: Number(member.groupId),
  };
}

function statusWords(status: MemberStatusName): string {
  return status === "None" ? "not a consortium member" : status === "Suspended" ? "suspended" : "active";
}

function checkBank(bank: unknown): string {
  if (typeof bank !== "string" || !isAddress(bank) || BigInt(bank) === 0n) {
    throw new RangeError(`options.bank: expected the lending bank's address as a non-zero 0x address (got ${describe(bank)})`);
  }
  return getAddress(bank);
}

function describe(value: unknown): string {
  return typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
}
