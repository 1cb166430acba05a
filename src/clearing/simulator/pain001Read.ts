/**
 * Reading a pain.001 CustomerCreditTransferInitiation as the bank simulator receives it, with the same
 * defensive reader as the engine's bank-message parsers (size cap, no DTD, namespace-blind): every payment
 * block (one debtor each) with its transactions. Every failure is a `BankMessageError`: a file the bank
 * cannot read is refused whole, never half-executed.
 */
import { cnyToFen, MoneyError } from "../../sdk/money.js";
import { BankMessageError } from "../iso20022/errors.js";
import { amountOf, child, children, readXml, requiredText, textAt, type XmlElement } from "../iso20022/xmlRead.js";

export interface Pain001Party {
  accountNumber: string;
  /** ClrSysMmbId/MmbId of the party's bank (a CNAPS code for Chinese banks). */
  cnaps: string;
}

export interface Pain001Transaction {
  instructionId: string | null;
  endToEndId: string;
  /** Fen. */
  amount: bigint;
  currency: string;
  creditor: Pain001Party & { name: string };
  remittanceInformation: string | null;
}

/** One PmtInf: the debtor it debits and its transactions, in file order. */
export interface Pain001Payment {
  paymentInformationId: string;
  /** YYYY-MM-DD. */
  requestedExecutionDate: string;
  debtor: Pain001Party & { name: string | null };
  transactions: Pain001Transaction[];
}

export interface Pain001Instruction {
  messageId: string;
  /** e.g. "pain.001.001.10", from the namespace (the pain.002 names it as OrgnlMsgNmId). */
  messageNameId: string;
  /** Every PmtInf, in file order; PmtInfIds are unique within the message. */
  payments: Pain001Payment[];
}

// Amounts are xs:decimal with totalDigits 18 in the schema: at most 18 digits of fen.
const MAX_XML_FEN = 10n ** 18n - 1n;

const DEFAULT_MESSAGE_NAME_ID = "pain.001.001.10";

export function parsePain001(xml: string, options: { maxChars?: number } = {}): Pain001Instruction {
  const message = initiationOf(readXml(xml, options.maxChars));
  const messageId = requiredText(message, "pain.001 group header", "GrpHdr", "MsgId");

  const blocks = children(message, "PmtInf");
  if (blocks.length === 0) throw new BankMessageError("MISSING_ELEMENT", `pain.001 ${messageId}: no PmtInf`);
  const payments = blocks.map((block, p) => payment(block, `pain.001 ${messageId} PmtInf ${p + 1}`));
  // Each block gets its own status in the pain.002, which names it by PmtInfId alone.
  const seen = new Set<string>();
  for (const { paymentInformationId } of payments) {
    if (seen.has(paymentInformationId)) throw new BankMessageError("BAD_VALUE", `pain.001 ${messageId}: PmtInfId ${paymentInformationId} appears twice`);
    seen.add(paymentInformationId);
  }
  checkCounts(child(message, "GrpHdr"), payments.flatMap((block) => block.transactions), `pain.001 ${messageId} GrpHdr`);

  return { messageId, messageNameId: messageNameIdOf(xml) ?? DEFAULT_MESSAGE_NAME_ID, payments };
}

/**
 * What a bank can still say of a file it refuses: its MsgId when the XML is readable that far, and the
 * message version from the namespace (pain.001.001.10 when even that is missing). Never throws.
 */
export function identifyPain001(xml: string, options: { maxChars?: number } = {}): { messageId: string | null; messageNameId: string } {
  let messageId: string | null = null;
  try {
    messageId = textAt(initiationOf(readXml(xml, options.maxChars)), "GrpHdr", "MsgId") ?? null;
  } catch (error) {
    if (!(error instanceof BankMessageError)) throw error;
  }
  return { messageId, messageNameId: messageNameIdOf(xml) ?? DEFAULT_MESSAGE_NAME_ID };
}

function initiationOf(tree: XmlElement): XmlElement {
  const initiations = children(child(tree, "Document"), "CstmrCdtTrfInitn");
  if (initiations.length !== 1 || typeof initiations[0] !== "object") {
    throw new BankMessageError("UNKNOWN_MESSAGE", "not a pain.001 message (no single Document/CstmrCdtTrfInitn)");
  }
  return initiations[0] as XmlElement;
}

// The reader drops namespace declarations with the prefixes, so the version comes from the text.
function messageNameIdOf(xml: string): string | undefined {
  return /xmlns(?::[A-Za-z0-9_.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:(pain\.001\.\d{3}\.\d{2})["']/.exec(xml)?.[1];
}

function payment(block: unknown, position: string): Pain001Payment {
  const paymentInformationId = requiredText(block, position, "PmtInfId");
  const where = `${position} (${paymentInformationId})`;
  const transactions = children(block, "CdtTrfTxInf").map((tx, i) => transaction(tx, `${where}, CdtTrfTxInf ${i + 1}`));
  if (transactions.length === 0) throw new BankMessageError("MISSING_ELEMENT", `${where}: no CdtTrfTxInf`);
  // A truncated or edited file shows in its counts: a bank refuses it rather than pay part of it.
  checkCounts(block, transactions, where);
  return {
    paymentInformationId,
    requestedExecutionDate: executionDate(block, where),
    debtor: {
      name: textAt(block, "Dbtr", "Nm") ?? null,
      accountNumber: accountNumber(child(block, "DbtrAcct"), `${where} DbtrAcct`),
      cnaps: requiredText(block, where, "DbtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId"),
    },
    transactions,
  };
}

function transaction(tx: unknown, where: string): Pain001Transaction {
  const endToEndId = requiredText(tx, where, "PmtId", "EndToEndId");
  const at = `${where} (${endToEndId})`;
  const { amount, currency } = amountOf(child(tx, "Amt", "InstdAmt"), `${at} Amt/InstdAmt`);
  if (amount > MAX_XML_FEN) throw new BankMessageError("BAD_AMOUNT", `${at}: amount exceeds 18 digits`);
  return {
    instructionId: textAt(tx, "PmtId", "InstrId") ?? null,
    endToEndId,
    amount,
    currency,
    creditor: {
      name: requiredText(tx, at, "Cdtr", "Nm"),
      accountNumber: accountNumber(child(tx, "CdtrAcct"), `${at} CdtrAcct`),
      cnaps: requiredText(tx, at, "CdtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId"),
    },
    remittanceInformation: textAt(tx, "RmtInf", "Ustrd") ?? null,
  };
}

function accountNumber(account: unknown, where: string): string {
  const id = textAt(account, "Id", "Othr", "Id") ?? textAt(account, "Id", "IBAN");
  if (id === undefined) throw new BankMessageError("MISSING_ELEMENT", `${where}: Id/Othr/Id (or IBAN) is missing`);
  return id;
}

/** ReqdExctnDt is `<Dt>` or `<DtTm>` from .08 on, a bare date before. */
function executionDate(block: unknown, where: string): string {
  const text = textAt(block, "ReqdExctnDt", "Dt") ?? textAt(block, "ReqdExctnDt", "DtTm") ?? textAt(block, "ReqdExctnDt");
  if (text === undefined) throw new BankMessageError("MISSING_ELEMENT", `${where}: ReqdExctnDt is missing`);
  const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
  if (date === undefined) throw new BankMessageError("BAD_VALUE", `${where}: ReqdExctnDt ${JSON.stringify(text)} is not an ISO date`);
  return date;
}

/** NbOfTxs and CtrlSum (when given) must match the transactions actually in the file. */
function checkCounts(scope: unknown, transactions: Pain001Transaction[], where: string): void {
  const count = textAt(scope, "NbOfTxs");
  if (count !== undefined && count !== String(transactions.length)) {
    throw new BankMessageError("BAD_VALUE", `${where}: NbOfTxs says ${count}, the file holds ${transactions.length}`);
  }
  const sumText = textAt(scope, "CtrlSum");
  if (sumText === undefined) return;
  let stated: bigint;
  try {
    stated = cnyToFen(sumText, `${where} CtrlSum`);
  } catch (error) {
    if (error instanceof MoneyError) throw new BankMessageError("BAD_AMOUNT", `${where}: CtrlSum ${JSON.stringify(sumText)} is not exact in fen`);
    throw error;
  }
  const actual = transactions.reduce((sum, tx) => sum + tx.amount, 0n);
  if (stated !== actual) throw new BankMessageError("BAD_VALUE", `${where}: CtrlSum ${sumText} does not match the transactions' total`);
}
