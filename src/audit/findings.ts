/**
 * What the audit reports. An invariant violation or an undecodable log is an `error` (the records cannot be
 * trusted as they are); an abnormal pattern (R6) is a `warning` (behaviour to look into, not proof of a
 * fault); a `notice` says what could not be checked (e.g. a block range starting after the deployment).
 * Errors and warnings make the CLI exit with 1; notices do not.
 */
import { formatPiece } from "../sdk/display.js";
import { formatPosition } from "./events.js";

export type Severity = "error" | "warning" | "notice";
export type FindingCategory = "source" | "invariant" | "pattern" | "scope";

export interface Finding {
  code: string;
  severity: Severity;
  category: FindingCategory;
  voucherId?: bigint;
  pieceId?: bigint;
  /** The member the finding is about, when it is about one (a holder, an issuer, a bank). */
  account?: string;
  blockNumber?: number;
  logIndex?: number;
  transactionHash?: string;
  /** A sentence naming the ids and amounts involved. */
  message: string;
}

export type FindingSink = (finding: Finding) => void;

/** The position fields of a finding, from the event it is about. */
export function at(event: { blockNumber: number; logIndex: number; transactionHash: string }) {
  return { blockNumber: event.blockNumber, logIndex: event.logIndex, transactionHash: event.transactionHash };
}

/** "piece 3.2" */
export function pieceLabel(pieceId: bigint): string {
  return `piece ${formatPiece(pieceId)}`;
}

export function countsToward(finding: Finding): boolean {
  return finding.severity !== "notice";
}

/** One line for people: "[error] DOUBLE_PLEDGE voucher 3 piece 3.2 (block 12, log 3): …". */
export function formatFinding(finding: Finding): string {
  const where = [
    finding.voucherId !== undefined ? `voucher ${finding.voucherId}` : null,
    finding.pieceId !== undefined ? pieceLabel(finding.pieceId) : null,
    finding.blockNumber !== undefined ? `(${formatPosition({ blockNumber: finding.blockNumber, logIndex: finding.logIndex ?? 0 })})` : null,
  ].filter((part) => part !== null);
  return `[${finding.severity}] ${finding.code}${where.length > 0 ? " " + where.join(" ") : ""}: ${finding.message}`;
}
