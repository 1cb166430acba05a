/**
 * Reading a pain.001 CustomerCreditTransferInitiation as the bank simulator receives it, with the same
 * defensive reader as the engine's bank-message parsers (size cap, no DTD, namespace-blind). Every failure
 * is a `BankMessageError`: a file the bank cannot read is refused, never half-executed.
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

export interface Pain001Instruction {
  messageId: string;
  /** e.g. "pain.001.001.10", from the namespace (the pain.002 names it as OrgnlMsgNmId). */
  messageNameId: string;
  paymentInformationId: string;
  /** YYYY-MM-DD. */
  requestedExecutionDate: string;
  debtor: Pain001Party & { name: string | null };
  transactions: Pain001Transaction[];
}

// Amounts are xs:decimal with totalDigits 18 in the schema: at most 18 digits of fen.
const MAX_XML_FEN = 10n ** 18n - 1n;

export function parsePain001(xml: string, options: { maxChars?: number } = {}): Pain001Instruction {
  const tree = readXml(xml, options.maxChars);
  const document = child(tree, "Document");
  const initiations = children(document, "CstmrCdtTrfInitn");
  if (initiations.length !== 1 || typeof initiations[0] !== "object") {
    throw new BankMessageError("UNKNOWN_MESSAGE", "not a pain.001 message (no single Document/CstmrCdtTrfInitn)");
  }
  const message = initiations[0] as XmlElement;
  const messageId = requiredText(message, "pain.001 group header", "GrpHdr", "MsgId");
  // The reader drops namespace declarations with the prefixes, so the version comes from the text.
  const namespace = /xmlns(?::[A-Za-z0-9_.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:(pain\.001\.\d{3}\.\d{2})["']/.exec(xml)?.[1];

  // The engine sends one debtor per message; several PmtInf blocks would need one report block each.
  const blocks = children(message, "PmtInf");
  if (blocks.length !== 1) throw new BankMessageError("BAD_VALUE", `pain.001 ${messageId}: expected exactly one PmtInf, found ${blocks.length}`);
  const block = blocks[0];
  const where = `pain.001 ${messageId} PmtInf`;

  const transactions = children(block, "CdtTrfTxInf").map((tx, i) => transaction(tx, `${where}, CdtTrfTxInf ${i + 1}`));
  if (transactions.length === 0) throw new BankMessageError("MISSING_ELEMENT", `${where}: no CdtTrfTxInf`);
  // A truncated or edited file shows in its counts: a bank refuses it rather than pay part of it.
  checkCounts(child(message, "GrpHdr"), transactions, `pain.001 ${messageId} GrpHdr`);
  checkCounts(block, transactions, where);

  return {
    messageId,
    messageNameId: namespace ?? "pain.001.001.10",
    paymentInformationId: requiredText(block, where, "PmtInfId"),
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
