/**
 * pain.001.001.10 CustomerCreditTransferInitiation: the payment instruction for one clearing bank and one
 * due date. The clearing bank initiates it (GrpHdr/InitgPty) on the core enterprises' standing authority;
 * one PmtInf per core enterprise and execution date debits that enterprise's account, one CdtTrfTxInf per
 * payout. EndToEndIds are unique across the whole message, so the bank's answers match by them alone.
 *
 * Choices: banks are named by CNAPS code as `ClrSysId/Cd` = "CNAPS" (the ISO
 * external clearing-system code "CNAPS Identifier, bank branch code used in China"); ChrgBr DEBT, so the
 * issuer bears the bank charges and every payee receives its piece in full; BtchBookg false, so each payout is
 * booked as its own debit and the camt.054 reports one entry per EndToEndId.
 */
import { fenToCny } from "../../sdk/money.js";
import { isValidUscc } from "../../sdk/uscc.js";
import type { BankAccount, Payout } from "../types.js";
import { Pain001InputError } from "./errors.js";
import { escapeXml, isXmlText, xmlLength } from "./xmlText.js";

export const PAIN001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.10";

export interface Pain001Payment {
  /** PmtInfId: unique within the message, ≤ 35 characters. */
  paymentInformationId: string;
  /** YYYY-MM-DD, the bank's (Beijing) calendar day. */
  requestedExecutionDate: string;
  /** The core enterprise whose account is debited. */
  debtor: { name: string; uscc: string; account: BankAccount };
  transactions: ReadonlyArray<{ payout: Payout; creditor: BankAccount }>;
}

export interface Pain001Input {
  /** GrpHdr/MsgId: unique per message sent to the bank, ≤ 35 characters. */
  messageId: string;
  createdAt: Date;
  /** GrpHdr/InitgPty: who sends the file — the clearing bank that runs clearing on the core enterprises' standing authority. */
  initiatingParty: { name: string; uscc: string };
  payments: ReadonlyArray<Pain001Payment>;
}

// Amounts and CtrlSum are xs:decimal with totalDigits 18: at most 18 digits of fen.
const MAX_XML_FEN = 10n ** 18n - 1n;

export function buildPain001(input: Pain001Input): string {
  const messageId = text("messageId", input.messageId, 35);
  const createdAt = beijingDateTime("createdAt", input.createdAt);
  const initiatingParty = party("initiatingParty", input.initiatingParty);
  if (!Array.isArray(input.payments) || input.payments.length === 0) {
    throw new Pain001InputError("payments", "at least one payment block is required");
  }

  const paymentIds = new Set<string>();
  // Across blocks too: the bank's pain.002 and camt.054 are matched by EndToEndId alone.
  const endToEndIds = new Set<string>();
  const blocks = input.payments.map((payment, p) => paymentBlock(`payments[${p}]`, payment, paymentIds, endToEndIds));
  const count = blocks.reduce((sum, block) => sum + block.count, 0);
  const controlSum = blocks.reduce((sum, block) => sum + block.controlSum, 0n);
  if (controlSum > MAX_XML_FEN) throw new Pain001InputError("payments", "control sum of the message exceeds 18 digits of fen");

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="${PAIN001_NAMESPACE}">`,
    `<CstmrCdtTrfInitn>`,
    `<GrpHdr><MsgId>${escapeXml(messageId)}</MsgId><CreDtTm>${createdAt}</CreDtTm><NbOfTxs>${count}</NbOfTxs><CtrlSum>${fenToCny(controlSum)}</CtrlSum><InitgPty>${initiatingParty}</InitgPty></GrpHdr>`,
    ...blocks.flatMap((block) => block.lines),
    `</CstmrCdtTrfInitn>`,
    `</Document>`,
    ``,
  ].join("\n");
}

/** One PmtInf: checks the block, records its ids in `paymentIds` and `endToEndIds`, returns its lines and totals. */
function paymentBlock(
  field: string,
  payment: Pain001Payment | undefined,
  paymentIds: Set<string>,
  endToEndIds: Set<string>,
): { lines: string[]; count: number; controlSum: bigint } {
  if (payment === null || typeof payment !== "object") throw new Pain001InputError(field, "a payment block is required");
  const paymentId = text(`${field}.paymentInformationId`, payment.paymentInformationId, 35);
  if (paymentIds.has(paymentId)) throw new Pain001InputError(`${field}.paymentInformationId`, `${paymentId} appears twice in the message`);
  paymentIds.add(paymentId);
  const executionDate = calendarDate(`${field}.requestedExecutionDate`, payment.requestedExecutionDate);
  if (payment.debtor === null || typeof payment.debtor !== "object") throw new Pain001InputError(`${field}.debtor`, "a debtor is required");
  const debtor = party(`${field}.debtor`, payment.debtor);
  const debtorAccount = account(`${field}.debtor.account`, payment.debtor.account);
  if (!Array.isArray(payment.transactions) || payment.transactions.length === 0) {
    throw new Pain001InputError(`${field}.transactions`, "at least one transaction is required");
  }

  let controlSum = 0n;
  const transactions = payment.transactions.map(({ payout, creditor }, i) => {
    const at = `${field}.transactions[${i}]`;
    const endToEndId = text(`${at}.payout.endToEndId`, payout?.endToEndId, 35);
    if (endToEndIds.has(endToEndId)) throw new Pain001InputError(`${at}.payout.endToEndId`, `${endToEndId} appears twice in the message`);
    endToEndIds.add(endToEndId);
    if (typeof payout.amount !== "bigint" || payout.amount <= 0n) {
      throw new Pain001InputError(`${at}.payout.amount`, `must be a bigint > 0 fen (got ${String(payout.amount)})`);
    }
    if (payout.amount > MAX_XML_FEN) throw new Pain001InputError(`${at}.payout.amount`, "exceeds 18 digits of fen");
    controlSum += payout.amount;
    const remittance = text(`${at}.payout`, `E-voucher ${payout.voucherId} piece ${payout.pieceId} (${payout.role}) maturity payment`, 140);
    return creditTransfer(endToEndId, payout.amount, account(`${at}.creditor`, creditor), remittance);
  });
  if (controlSum > MAX_XML_FEN) throw new Pain001InputError(`${field}.transactions`, "control sum exceeds 18 digits of fen");

  const lines = [
    `<PmtInf>`,
    `<PmtInfId>${escapeXml(paymentId)}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>false</BtchBookg><NbOfTxs>${transactions.length}</NbOfTxs><CtrlSum>${fenToCny(controlSum)}</CtrlSum>`,
    `<ReqdExctnDt><Dt>${executionDate}</Dt></ReqdExctnDt>`,
    `<Dbtr>${debtor}</Dbtr>`,
    `<DbtrAcct><Id><Othr><Id>${debtorAccount.accountNumber}</Id></Othr></Id><Ccy>CNY</Ccy></DbtrAcct>`,
    `<DbtrAgt>${agent(debtorAccount)}</DbtrAgt>`,
    `<ChrgBr>DEBT</ChrgBr>`,
    ...transactions,
    `</PmtInf>`,
  ];
  return { lines, count: transactions.length, controlSum };
}

/** A party by registered name and unified social credit code, as InitgPty and Dbtr carry it. */
function party(field: string, value: { name: string; uscc: string } | undefined): string {
  if (value === null || typeof value !== "object") throw new Pain001InputError(field, "a name and a unified social credit code are required");
  const name = text(`${field}.name`, value.name, 140);
  if (typeof value.uscc !== "string" || !isValidUscc(value.uscc)) {
    throw new Pain001InputError(`${field}.uscc`, `not a valid unified social credit code (got ${JSON.stringify(value.uscc)})`);
  }
  return `<Nm>${escapeXml(name)}</Nm><Id><OrgId><Othr><Id>${value.uscc}</Id><SchmeNm><Prtry>USCC</Prtry></SchmeNm></Othr></OrgId></Id>`;
}

function creditTransfer(endToEndId: string, fen: bigint, creditor: BankAccount, remittance: string): string {
  const id = escapeXml(endToEndId);
  return (
    `<CdtTrfTxInf><PmtId><InstrId>${id}</InstrId><EndToEndId>${id}</EndToEndId></PmtId>` +
    `<Amt><InstdAmt Ccy="CNY">${fenToCny(fen)}</InstdAmt></Amt>` +
    `<CdtrAgt>${agent(creditor)}</CdtrAgt>` +
    `<Cdtr><Nm>${escapeXml(creditor.name)}</Nm></Cdtr>` +
    `<CdtrAcct><Id><Othr><Id>${creditor.accountNumber}</Id></Othr></Id></CdtrAcct>` +
    `<RmtInf><Ustrd>${escapeXml(remittance)}</Ustrd></RmtInf></CdtTrfTxInf>`
  );
}

/** The bank branch by CNAPS code, and by name: Chinese banks check the payee bank's name too. */
function agent(account: BankAccount): string {
  const name = account.bankName.trim() === "" ? "" : `<Nm>${escapeXml(account.bankName)}</Nm>`;
  return `<FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>${account.cnaps}</MmbId></ClrSysMmbId>${name}</FinInstnId>`;
}

function account(field: string, value: BankAccount | undefined): BankAccount {
  if (value === null || typeof value !== "object") throw new Pain001InputError(field, "a bank account is required");
  const name = text(`${field}.name`, value.name, 140);
  if (typeof value.accountNumber !== "string" || !/^[0-9]{1,34}$/.test(value.accountNumber)) {
    throw new Pain001InputError(`${field}.accountNumber`, `expected 1 to 34 digits (got ${JSON.stringify(value.accountNumber)})`);
  }
  if (typeof value.cnaps !== "string" || !/^[0-9]{12}$/.test(value.cnaps)) {
    throw new Pain001InputError(`${field}.cnaps`, `a CNAPS code is exactly 12 digits (got ${JSON.stringify(value.cnaps)})`);
  }
  const bankName = value.bankName ?? "";
  if (bankName.trim() !== "") text(`${field}.bankName`, bankName, 140);
  return { name, accountNumber: value.accountNumber, cnaps: value.cnaps, bankName };
}

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== "string" || value.trim() === "") throw new Pain001InputError(field, "a non-empty text is required");
  if (xmlLength(value) > max) throw new Pain001InputError(field, `at most ${max} characters (got ${xmlLength(value)})`);
  if (!isXmlText(value)) throw new Pain001InputError(field, "contains a control character XML cannot carry");
  return value;
}

function calendarDate(field: string, value: unknown): string {
  const match = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const date = match && new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
  if (!match || !date || date.toISOString().slice(0, 10) !== value) {
    throw new Pain001InputError(field, `expected a calendar date YYYY-MM-DD (got ${JSON.stringify(value)})`);
  }
  return value as string;
}

/** CreDtTm in China Standard Time with its offset, as Chinese banks log it; whole seconds. */
function beijingDateTime(field: string, value: unknown): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new Pain001InputError(field, "a valid Date is required");
  return new Date(value.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + "+08:00";
}
