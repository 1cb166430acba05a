/**
 * The simulated bank's identifiers and times. Every id is derived from the instruction it answers, so a
 * message answered again after a crash gets exactly the same answer files; every id fits Max35Text.
 */
import { createHash } from "node:crypto";

function hash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").toUpperCase();
}

/** sha256 of an instruction file: the same MsgId with other content is a different instruction. */
export function digestOf(xml: string): string {
  return createHash("sha256").update(xml, "utf8").digest("hex");
}

/** MsgId of the pain.002 answering `messageId` (32 characters). */
export function statusReportId(messageId: string): string {
  return `SIMPSR${hash(`pain.002\n${messageId}`).slice(0, 26)}`;
}

/**
 * MsgId of the group rejection answering outbox file `file` (32 characters): by file, not MsgId, since a
 * reused MsgId is refused while its first instruction keeps its own report.
 */
export function rejectionReportId(file: string): string {
  return `SIMREJ${hash(`pain.002 rejection\n${file}`).slice(0, 26)}`;
}

/** MsgId of the camt.054 answering `messageId` (32 characters). */
export function notificationId(messageId: string): string {
  return `SIMNTF${hash(`camt.054\n${messageId}`).slice(0, 26)}`;
}

/** AcctSvcrRef of one booked payment: an EndToEndId is booked once, so (message, EndToEndId) is unique. */
export function bankReference(messageId: string, endToEndId: string): string {
  return `SIM${hash(`${messageId}\n${endToEndId}`).slice(0, 29)}`;
}

const BEIJING_MS = 8 * 3600_000;

/** An ISO date-time in China Standard Time with its offset, whole seconds, as Chinese banks write them. */
export function beijingDateTime(at: Date): string {
  return new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 19) + "+08:00";
}

/** The bank's (Beijing) calendar day of `at`. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 10);
}
