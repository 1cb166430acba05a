/**
 * pain.002 CustomerPaymentStatusReport (any version): the bank's verdict on a pain.001, per transaction
 * (TxInfAndSts) and for the whole message (GrpSts) or one payment block (PmtInfSts).
 */
import type { PaymentStatus } from "../types.js";
import { expectBankMessage, type ParseOptions } from "./detect.js";
import { BankMessageError } from "./errors.js";
import { children, requiredText, textAt, textOf, type XmlElement } from "./xmlRead.js";

/** The status of one PmtInf block of the original message. */
export interface PaymentInformationStatus {
  originalPaymentInformationId: string;
  status?: string;
  reasonCode?: string;
  reasonText?: string;
}

export interface Pain002 {
  messageId: string;
  /** MsgId of the pain.001 this reports on. */
  originalMessageId: string;
  /**
   * GrpSts, when given. RJCT with no per-transaction entries rejects every transaction of the original
   * message: the report cannot list them, so the caller applies it to what it sent.
   */
  groupStatus?: string;
  groupReasonCode?: string;
  groupReasonText?: string;
  /** PmtInfSts per payment block; a block rejected without TxInfAndSts rejects all its transactions. */
  paymentInformation: PaymentInformationStatus[];
  /** Per transaction; one without its own TxSts takes its block's, then the group's status. */
  transactions: PaymentStatus[];
}

export function parsePain002(xml: string, options?: ParseOptions): Pain002 {
  return pain002From(expectBankMessage(xml, ["pain.002"], options).message);
}

export function pain002From(report: XmlElement): Pain002 {
  const messageId = requiredText(report, "pain.002 group header", "GrpHdr", "MsgId");
  // .01/.02 called the original group block OrgnlGrpInf and put GrpSts and TxInfAndSts beside it.
  const group = children(report, "OrgnlGrpInfAndSts")[0] ?? children(report, "OrgnlGrpInf")[0];
  const originalMessageId = requiredText(group, "pain.002 original group", "OrgnlMsgId");
  const groupStatus = textAt(group, "GrpSts") ?? textAt(report, "GrpSts");
  const groupReason = reason(group);

  const result: Pain002 = { messageId, originalMessageId, paymentInformation: [], transactions: [] };
  if (groupStatus !== undefined) result.groupStatus = groupStatus;
  if (groupReason.reasonCode !== undefined) result.groupReasonCode = groupReason.reasonCode;
  if (groupReason.reasonText !== undefined) result.groupReasonText = groupReason.reasonText;

  for (const [i, block] of children(report, "OrgnlPmtInfAndSts").entries()) {
    const where = `OrgnlPmtInfAndSts ${i + 1}`;
    const status = textAt(block, "PmtInfSts");
    result.paymentInformation.push({ originalPaymentInformationId: requiredText(block, where, "OrgnlPmtInfId"), ...optional({ status }), ...reason(block) });
    addTransactions(result.transactions, children(block, "TxInfAndSts"), where, status ?? groupStatus);
  }
  addTransactions(result.transactions, children(report, "TxInfAndSts"), "pain.002", groupStatus);
  return result;
}

function addTransactions(into: PaymentStatus[], entries: unknown[], where: string, inherited: string | undefined): void {
  for (const [i, entry] of entries.entries()) {
    const at = `${where}, TxInfAndSts ${i + 1}`;
    const endToEndId = requiredText(entry, at, "OrgnlEndToEndId");
    const status = textAt(entry, "TxSts") ?? inherited;
    if (status === undefined) throw new BankMessageError("MISSING_ELEMENT", `${at} (${endToEndId}): TxSts is missing and no group status applies`);
    into.push({ endToEndId, status, ...reason(entry) });
  }
}

/** The first reason code (Cd, or Prtry) and every AddtlInf line of an element's StsRsnInf. */
function reason(node: unknown): { reasonCode?: string; reasonText?: string } {
  const infos = children(node, "StsRsnInf");
  let reasonCode: string | undefined;
  const lines: string[] = [];
  for (const info of infos) {
    // .02 spelled the reason StsRsn and the text AddtlStsRsnInf.
    const why = children(info, "Rsn")[0] ?? children(info, "StsRsn")[0];
    reasonCode ??= textAt(why, "Cd") ?? textAt(why, "Prtry");
    for (const line of [...children(info, "AddtlInf"), ...children(info, "AddtlStsRsnInf")]) {
      const text = textOf(line);
      if (text !== undefined) lines.push(text);
    }
  }
  return optional({ reasonCode, reasonText: lines.length > 0 ? lines.join(" ") : undefined });
}

/** Drops undefined fields, so results compare cleanly and optional fields are truly absent. */
function optional<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: string };
}
