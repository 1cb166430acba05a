/**
 * camt.054 notifications and camt.053 statements (any version) as booked entries: one per transaction
 * (TxDtls), so a batch entry yields each payment under its own EndToEndId.
 *
 * Version differences handled here: the transaction amount is TxDtls/Amt from .03 on but only
 * TxDtls/AmtDtls/TxAmt/Amt in .02; the entry status is a bare code in the older versions (.02, .04) and a
 * choice `<Sts><Cd>BOOK</Cd></Sts>` in .08; TxDtls/CdtDbtInd is absent in .02 (the entry's applies).
 * Ntry/RvslInd sits between CdtDbtInd and Sts in every version (.02, .04, .08); there is none per transaction,
 * so an entry's reversal flag applies to each of its transactions.
 */
import type { BookedEntry } from "../types.js";
import { expectBankMessage, type ParseOptions } from "./detect.js";
import { BankMessageError } from "./errors.js";
import { amountOf, child, children, requiredText, textAt, textOf, type XmlElement } from "./xmlRead.js";

export interface BankToCustomer {
  kind: "camt.054" | "camt.053";
  messageId: string;
  entries: BookedEntry[];
}

export function parseBankToCustomer(xml: string, options?: ParseOptions): BankToCustomer {
  const { kind, message } = expectBankMessage(xml, ["camt.054", "camt.053"], options);
  return bankToCustomerFrom(kind, message);
}

export function bankToCustomerFrom(kind: "camt.054" | "camt.053", message: XmlElement): BankToCustomer {
  const messageId = requiredText(message, `${kind} group header`, "GrpHdr", "MsgId");
  const blockName = kind === "camt.054" ? "Ntfctn" : "Stmt";
  const blocks = children(message, blockName);
  if (blocks.length === 0) throw new BankMessageError("MISSING_ELEMENT", `${kind}: no ${blockName} element`);
  const entries: BookedEntry[] = [];
  for (const [b, block] of blocks.entries()) {
    for (const [n, entry] of children(block, "Ntry").entries()) {
      const ref = textAt(entry, "AcctSvcrRef") ?? textAt(entry, "NtryRef");
      entries.push(...bookedEntries(entry, `${blockName} ${b + 1}, Ntry ${n + 1}${ref === undefined ? "" : ` (${ref})`}`));
    }
  }
  return { kind, messageId, entries };
}

function bookedEntries(entry: unknown, where: string): BookedEntry[] {
  const total = amountOf(child(entry, "Amt"), where);
  const creditDebit = creditDebitOf(textAt(entry, "CdtDbtInd"), where);
  const reversal = reversalOf(child(entry, "RvslInd"), where);
  const status = statusOf(child(entry, "Sts"), where);
  const bookingDate = bookingDateOf(child(entry, "BookgDt"), where);
  const entryReference = textAt(entry, "AcctSvcrRef") ?? null;
  const transactions = children(entry, "NtryDtls").flatMap((details) => children(details, "TxDtls"));

  if (transactions.length === 0) {
    return [{ endToEndId: null, ...total, creditDebit, reversal, status, bankReference: entryReference, bookingDate }];
  }
  return transactions.map((tx, t) => {
    const at = `${where}, TxDtls ${t + 1}`;
    const amountElement = child(tx, "Amt") ?? child(tx, "AmtDtls", "TxAmt", "Amt");
    // Only a single transaction may borrow the entry's amount: in a batch that would book the total to each.
    if (amountElement === undefined && transactions.length > 1) throw new BankMessageError("MISSING_ELEMENT", `${at}: no transaction amount in a batch entry`);
    const txCreditDebit = textAt(tx, "CdtDbtInd");
    return {
      endToEndId: endToEndIdOf(textAt(tx, "Refs", "EndToEndId")),
      ...(amountElement === undefined ? total : amountOf(amountElement, at)),
      creditDebit: txCreditDebit === undefined ? creditDebit : creditDebitOf(txCreditDebit, at),
      reversal,
      status,
      // The transaction's own bank reference keeps batch members apart; else the entry's.
      bankReference: textAt(tx, "Refs", "AcctSvcrRef") ?? entryReference,
      bookingDate,
    };
  });
}

/** "NOTPROVIDED" is the ISO placeholder for "the payer gave no EndToEndId". */
function endToEndIdOf(text: string | undefined): string | null {
  return text === undefined || text === "NOTPROVIDED" ? null : text;
}

function creditDebitOf(text: string | undefined, where: string): "CRDT" | "DBIT" {
  if (text === "CRDT" || text === "DBIT") return text;
  if (text === undefined) throw new BankMessageError("MISSING_ELEMENT", `${where}: CdtDbtInd is missing`);
  throw new BankMessageError("BAD_VALUE", `${where}: CdtDbtInd must be CRDT or DBIT, got ${JSON.stringify(text)}`);
}

/**
 * RvslInd as xs:boolean reads it ("true", "false", "1", "0"); absent means not a reversal. A present but
 * empty or other value is refused: guessing would either hide a returned payment or invent one.
 */
function reversalOf(node: unknown, where: string): boolean {
  if (node === undefined) return false;
  const text = textOf(node);
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new BankMessageError("BAD_VALUE", `${where}: RvslInd must be true, false, 1 or 0, got ${JSON.stringify(text ?? "")}`);
}

/** `<Sts>BOOK</Sts>` (.02, .04) or `<Sts><Cd>BOOK</Cd></Sts>` / `<Sts><Prtry>…</Prtry></Sts>` (.08). */
function statusOf(node: unknown, where: string): string {
  const status = textAt(node, "Cd") ?? textAt(node, "Prtry") ?? textOf(node);
  if (status === undefined) throw new BankMessageError("MISSING_ELEMENT", `${where}: Sts is missing`);
  return status;
}

/** The booking day as the bank states it (Dt, or the date part of DtTm in the bank's own offset). */
function bookingDateOf(node: unknown, where: string): string | null {
  if (node === undefined) return null;
  const text = textAt(node, "Dt") ?? textAt(node, "DtTm");
  if (text === undefined) return null;
  const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
  if (date === undefined) throw new BankMessageError("BAD_VALUE", `${where}: BookgDt ${JSON.stringify(text)} is not an ISO date`);
  return date;
}
