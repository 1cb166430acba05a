/** What the clearing engine and the simulated banks did, in a line each, for the console of `npm start`. */
import type { TickReport } from "../clearing/engine/clearingEngine.js";
import type { OutboxReport } from "../clearing/simulator/bankSimulator.js";
import { formatPiece } from "../sdk/display.js";

const vouchers = (ids: bigint[]) => ids.map((id) => `#${id}`).join(", ");

export function describeTick(report: TickReport): string[] {
  const lines: string[] = [];
  if (report.planned.length > 0) lines.push(`due: payouts planned for voucher ${vouchers(report.planned)}`);
  if (report.retried.length > 0) lines.push(`rejected payments instructed again for voucher ${vouchers(report.retried)}`);
  if (report.sent.length > 0) lines.push(`payment instructions (pain.001) delivered to the bank: ${report.sent.join(", ")}`);
  if (report.ingested.length > 0) lines.push(`bank files read and reconciled: ${report.ingested.join(", ")}`);
  if (report.confirmed.length > 0) lines.push(`settlement confirmed on-chain for piece ${report.confirmed.map(formatPiece).join(", ")}`);
  if (report.markedOverdue.length > 0) lines.push(`marked overdue on-chain (grace period over, still unpaid): voucher ${vouchers(report.markedOverdue)}`);
  for (const held of report.held) lines.push(`voucher #${held.voucherId} held back: ${held.reason}`);
  for (const failure of report.failures) lines.push(`step ${failure.step} failed, tried again next tick: ${failure.error}`);
  return lines;
}

export function describeBankAnswers(bank: string, report: OutboxReport): string[] {
  return [
    ...report.answered.map((answer) => `${bank} executed ${answer.messageId} and answered with ${answer.written.map((file) => file.replace(/^.*-(pain002|camt054)\.xml$/, "$1")).join(" and ")}`),
    ...report.refused.map((refusal) => `${bank} refused ${refusal.file}: ${refusal.error}`),
  ];
}
