/**
 * Parsing of what banks send back: pain.002 payment status reports, camt.054 debit/credit notifications
 * and camt.053 statements, in any version — read by structure, not by namespace (see detect.ts). Every
 * failure is a `BankMessageError` with a code; nothing else is thrown.
 */
import { bankToCustomerFrom, type BankToCustomer } from "./camt.js";
import { readBankMessage, type ParseOptions } from "./detect.js";
import { pain002From, type Pain002 } from "./pain002.js";

export { BankMessageError, type BankMessageErrorCode } from "./errors.js";
export { readBankMessage, type BankMessageKind, type ParseOptions } from "./detect.js";
export { parsePain002, type Pain002, type PaymentInformationStatus } from "./pain002.js";
export { parseBankToCustomer, type BankToCustomer } from "./camt.js";

export type BankMessage = ({ kind: "pain.002" } & Pain002) | BankToCustomer;

/** Any of the three, dispatched on what the message turns out to be. */
export function parseBankMessage(xml: string, options?: ParseOptions): BankMessage {
  const { kind, message } = readBankMessage(xml, options);
  return kind === "pain.002" ? { kind, ...pain002From(message) } : bankToCustomerFrom(kind, message);
}
