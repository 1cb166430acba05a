/**
 * pain.002.001.11 CustomerPaymentStatusReport answering one instruction: a status for the group and the
 * payment block (ACSC, RJCT, or PART when mixed) with counts per status, and one TxInfAndSts per
 * transaction in the instruction's order — ACSC with the booking's reference, or RJCT with its reason.
 */
import { fenToCny } from "../../sdk/money.js";
import type { Pain001Instruction } from "./pain001Read.js";
import { beijingDateTime, statusReportId } from "./references.js";
import type { InstructionOutcome, TransactionOutcome } from "./simulatorState.js";
import { amount, clip, element } from "./xmlParts.js";

export const PAIN002_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.11";

// DecimalNumber has totalDigits 18: a larger control sum is left out rather than written invalid.
const MAX_XML_FEN = 10n ** 18n - 1n;

export function buildStatusReport(instruction: Pain001Instruction, outcome: InstructionOutcome): string {
  const at = beijingDateTime(new Date(outcome.processedAt));
  const pairs = instruction.transactions.map((tx, i) => ({ tx, result: outcome.transactions[i] }));
  const items = pairs.map(({ tx, result }) => ({ status: result.status, amount: tx.amount }));
  const transactions = pairs.map(({ tx, result }) => {
    const paid = result.status === "ACSC" ? `<AccptncDtTm>${at}</AccptncDtTm>${element("AcctSvcrRef", result.bankReference!)}` : "";
    return (
      `<TxInfAndSts>${tx.instructionId === null ? "" : element("OrgnlInstrId", tx.instructionId)}${element("OrgnlEndToEndId", tx.endToEndId)}` +
      `<TxSts>${result.status}</TxSts>${reason(result)}${paid}` +
      `<OrgnlTxRef><Amt>${amount("InstdAmt", tx.amount, tx.currency)}</Amt><ReqdExctnDt><Dt>${instruction.requestedExecutionDate}</Dt></ReqdExctnDt></OrgnlTxRef></TxInfAndSts>`
    );
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="${PAIN002_NAMESPACE}">`,
    `<CstmrPmtStsRpt>`,
    `<GrpHdr><MsgId>${statusReportId(instruction.messageId)}</MsgId><CreDtTm>${at}</CreDtTm></GrpHdr>`,
    `<OrgnlGrpInfAndSts>${element("OrgnlMsgId", instruction.messageId)}${element("OrgnlMsgNmId", instruction.messageNameId)}${countsOf(items, "GrpSts")}</OrgnlGrpInfAndSts>`,
    `<OrgnlPmtInfAndSts>${element("OrgnlPmtInfId", instruction.paymentInformationId)}${countsOf(items, "PmtInfSts")}`,
    ...transactions,
    `</OrgnlPmtInfAndSts>`,
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
