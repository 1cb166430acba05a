/**
 * A financing report as plain text for a bank officer: the verdict first, in capitals, then the reasons,
 * then the facts they rest on and the lineage step by step. Full addresses and amounts, nothing abbreviated,
 * so the text can be checked against the chain.
 */
import { formatCny } from "./money.js";
import { formatBps, formatTime } from "./display.js";
import { formatPiece } from "./display.js";
import type { LineageStep } from "./lineage.js";
import type { FinancingReport, FinancingReason, MemberSummary, PieceFinancingReport } from "./financingCheck.js";

/** Lines joined with "\n"; the first line starts with "FINANCEABLE" or "NOT FINANCEABLE". */
export function formatFinancingReport(report: FinancingReport): string {
  const { verdict } = report;
  const blocking = verdict.reasons.filter((r) => r.severity === "blocking");
  const warnings = verdict.reasons.filter((r) => r.severity === "warning");
  const lines = [
    `${verdict.financeable ? "FINANCEABLE" : "NOT FINANCEABLE"}: piece ${formatPiece(report.pieceId)} (id ${report.pieceId}) for bank ${report.bank}, ` +
      `as of block ${report.blockNumber}, judged at ${formatTime(report.at)}.`,
    ...reasonLines("Blocking reasons", blocking),
    ...reasonLines("Warnings", warnings),
  ];
  if (report.found) lines.push(...factLines(report));
  return lines.join("\n");
}

function reasonLines(title: string, reasons: FinancingReason[]): string[] {
  if (reasons.length === 0) return [`${title}: none.`];
  return [`${title} (${reasons.length}):`, ...reasons.map((r, i) => `  ${i + 1}. [${r.code}] ${r.message}`)];
}

function factLines(r: PieceFinancingReport): string[] {
  const { issuer, term } = r;
  const lines = [
    `Piece: ${formatCny(r.amount)}, status ${r.status}, depth ${r.depth}, held by ${r.holder} (${member(r.holderMember)}).`,
    `Bank: ${r.bank} (${member(r.bankMember)}).`,
    `Voucher ${r.voucherId}: matures ${formatTime(r.maturity)} (${maturityWords(r)}); ` +
      `enhanced review required: ${yesNo(term.enhancedReviewRequired)}, recorded by this bank: ${yesNo(term.enhancedReviewRecordedByThisBank)}; ` +
      `overdue: ${yesNo(r.voucherOverdue)}.`,
    `Issuer: ${issuer.account} (${member(issuer)}), ${issuer.defaulted ? "IN DEFAULT" : "not in default"}, ` +
      `clearing bank ${issuer.clearingBank ?? "none"}; credit line ${formatCny(issuer.creditLine)}, ` +
      `outstanding ${formatCny(issuer.outstanding)}, headroom ${formatCny(issuer.headroom)}` +
      `${issuer.exposureBps === null ? "" : ` (exposure ${formatBps(issuer.exposureBps)})`}.`,
  ];

  if (r.pledge) {
    const p = r.pledge;
    lines.push(
      `Pledge in force (${r.status === "Enforced" ? "enforced" : "not enforced"}): to ${p.pledgee}, registration ${p.registrationNumber}, ` +
        `serial ${p.serial}, securing ${formatCny(p.securedAmount)} at ${formatBps(p.annualRateBps)} a year interest ` +
        `plus a ${formatBps(p.serviceFeeBps)} service fee, since ${formatTime(p.pledgedAt)}.`,
    );
  } else {
    const { pledgesSoFar, last } = r.pledgeHistory;
    lines.push(
      pledgesSoFar === 0 || !last
        ? "Pledge in force: none; never pledged."
        : `Pledge in force: none; pledged ${pledgesSoFar} time(s) before, the last to ${last.pledgee} under registration ${last.registrationNumber}.`,
    );
  }
  const f = r.factoring;
  lines.push(
    f
      ? `Factoring: last factored to ${f.factor} on ${formatTime(f.factoredAt)} for ${formatCny(f.purchasePrice)}, ${f.withRecourse ? "with" : "without"} recourse.`
      : "Factoring: never factored.",
  );

  lines.push(
    `Lineage (${r.lineage.length} step(s), ${r.lineageComplete ? "complete and consistent with the ledger" : "NOT VERIFIABLE, see the blocking reasons"}):`,
    ...r.lineage.map((step, i) => `  ${i + 1}. ${stepLine(step)}`),
  );
  return lines;
}

function stepLine(s: LineageStep): string {
  const parent = s.parentPieceId === null ? "" : ` from piece ${formatPiece(s.parentPieceId)}`;
  const amount = s.amount === null ? "amount unknown" : formatCny(s.amount);
  const depth = s.depth === null ? "depth unknown" : `depth ${s.depth}`;
  const trade =
    s.packageHash === null
      ? "no trade package"
      : `trade package ${s.packageHash}, documents ${s.documentKeys.length === 0 ? "none" : s.documentKeys.join(", ")}`;
  return (
    `${s.kind} of piece ${formatPiece(s.pieceId)}${parent}: ${s.from} -> ${s.to}, ${amount}, ${depth}; ${trade}; ` +
    `block ${s.blockNumber}, tx ${s.transactionHash}.`
  );
}

function member(m: MemberSummary): string {
  if (m.status === "None") return "not a consortium member";
  const group = m.relatedPartyGroup === 0 ? "" : `, related-party group ${m.relatedPartyGroup}`;
  return `USCC ${m.uscc}, ${m.status}${group}`;
}

function maturityWords(r: PieceFinancingReport): string {
  if (!r.matured) return `${r.daysToMaturity} whole day(s) after the judged time`;
  const elapsed = (r.at - r.maturity) / 86_400n;
  return `MATURED, ${elapsed} whole day(s) before the judged time`;
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}
