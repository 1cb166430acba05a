/**
 * pain.002.001.11 CustomerPaymentStatusReport. Answering an executed instruction: a status for the group
 * and for each payment block (ACSC, RJCT, or PART when mixed) with counts per status, and one TxInfAndSts
 * per transaction under its block in the instruction's order — ACSC with the booking's reference, or RJCT
 * with its reason. Answering a file refused whole: only the group, RJCT with the reason (no transactions,
 * which the engine reads as "every payout of that message").
 */
import { fenToCny } from "../../sdk/money.js";
import type { Pain001Instruction } from "./pain001Read.js";
import { paymentOutcomes, type PaymentOutcome } from "./paymentOutcomes.js";
import { beijingDateTime, statusReportId } from "./references.js";
import type { InstructionOutcome, TransactionOutcome } from "./simulatorState.js";
import { amount, clip, element, xmlSafe } from "./xmlParts.js";

export const PAIN002_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.11";

// DecimalNumber has totalDigits 18: a larger control sum is left out rather than written invalid.
const MAX_XML_FEN = 10n ** 18n - 1n;

export function buildStatusReport(instruction: Pain001Instruction, outcome: InstructionOutcome): string {
  const at = beijingDateTime(new Date(outcome.processedAt));
  const blocks = paymentOutcomes(instruction, outcome);
  const itemsOf = (results: PaymentOutcome["results"]) => results.map(({ tx, result }) => ({ status: result.status, amount: tx.amount }));
  const paymentLines = blocks.flatMap(({ payment, results }) => [
    `<OrgnlPmtInfAndSts>${element("OrgnlPmtInfId", payment.paymentInformationId)}${countsOf(itemsOf(results), "PmtInfSts")}`,
    ...results.map(({ tx, result }) => {
      const paid = result.status === "ACSC" ? `<AccptncDtTm>${at}</AccptncDtTm>${element("AcctSvcrRef", result.bankReference!)}` : "";
      return (
        `<TxInfAndSts>${tx.instructionId === null ? "" : element("OrgnlInstrId", tx.instructionId)}${element("OrgnlEndToEndId", tx.endToEndId)}` +
        `<TxSts>${result.status}</TxSts>${reason(result)}${paid}` +
        `<OrgnlTxRef><Amt>${amount("InstdAmt", tx.amount, tx.currency)}</Amt><ReqdExctnDt><Dt>${payment.requestedExecutionDate}</Dt></ReqdExctnDt></OrgnlTxRef></TxInfAndSts>`
      );
    }),
    `</OrgnlPmtInfAndSts>`,
  ]);
  const groupItems = blocks.flatMap(({ results }) => itemsOf(results));
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="${PAIN002_NAMESPACE}">`,
    `<CstmrPmtStsRpt>`,
    `<GrpHdr><MsgId>${statusReportId(instruction.messageId)}</MsgId><CreDtTm>${at}</CreDtTm></GrpHdr>`,
    `<OrgnlGrpInfAndSts>${element("OrgnlMsgId", instruction.messageId)}${element("OrgnlMsgNmId", instruction.messageNameId)}${countsOf(groupItems, "GrpSts")}</OrgnlGrpInfAndSts>`,
    ...paymentLines,
    `</CstmrPmtStsRpt>`,
    `</Document>`,
    ``,
  ].join("\n");
}

export interface GroupRejection {
  /** MsgId of this report: unique per refused file. */
  messageId: string;
  originalMessageId: string;
  originalMessageNameId: string;
  /** ISO ExternalStatusReason1Code, e.g. FF01 (invalid file format) or DU01 (duplicate message id). */
  reasonCode: string;
  reasonText: string;
  at: Date;
}

/** The whole original message rejected: no payment blocks, no transactions, the reason on the group. */
export function buildGroupRejection(rejection: GroupRejection): string {
  const why = `<StsRsnInf><Rsn><Cd>${rejection.reasonCode}</Cd></Rsn>${element("AddtlInf", clip(xmlSafe(rejection.reasonText), 105))}</StsRsnInf>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="${PAIN002_NAMESPACE}">`,
    `<CstmrPmtStsRpt>`,
    `<GrpHdr>${element("MsgId", rejection.messageId)}<CreDtTm>${beijingDateTime(rejection.at)}</CreDtTm></GrpHdr>`,
    `<OrgnlGrpInfAndSts>${element("OrgnlMsgId", rejection.originalMessageId)}${element("OrgnlMsgNmId", rejection.originalMessageNameId)}<GrpSts>RJCT</GrpSts>${why}</OrgnlGrpInfAndSts>`,
    `</CstmrPmtStsRpt>`,
    `</Document>`,
    ``,
  ].join("\n");
}

/** OrgnlNbOfTxs, OrgnlCtrlSum, the status (GrpSts or PmtInfSts) and NbOfTxsPerSts, in schema order. */
function countsOf(items: Array<{ status: TransactionOutcome["status"]; amount: bigint }>, statusName: "GrpSts" | "PmtInfSts"): string {
  const total = items.reduce((sum, item) => sum + item.amount, 0n);
  const perStatus = (["ACSC", "RJCT"] as const)
    .map((status) => ({ status, matching: items.filter((item) => item.status === status) }))
    .filter(({ matching }) => matching.length > 0);
  const group = perStatus.length === 1 ? perStatus[0].status : "PART";
  return (
    `<OrgnlNbOfTxs>${items.length}</OrgnlNbOfTxs>${sumOf("OrgnlCtrlSum", total)}<${statusName}>${group}</${statusName}>` +
    perStatus
      .map(({ status, matching }) => `<NbOfTxsPerSts><DtldNbOfTxs>${matching.length}</DtldNbOfTxs><DtldSts>${status}</DtldSts>${sumOf("DtldCtrlSum", matching.reduce((sum, item) => sum + item.amount, 0n))}</NbOfTxsPerSts>`)
      .join("")
  );
}

function sumOf(name: string, fen: bigint): string {
  return fen > MAX_XML_FEN ? "" : `<${name}>${fenToCny(fen)}</${name}>`;
}

function reason(result: TransactionOutcome): string {
  if (result.reasonCode === undefined) return "";
  const text = result.reasonText === undefined ? "" : element("AddtlInf", clip(result.reasonText, 105));
  return `<StsRsnInf><Rsn><Cd>${result.reasonCode}</Cd></Rsn>${text}</StsRsnInf>`;
}
