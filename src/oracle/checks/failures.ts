/**
 * Machine-readable codes of the trade-background checks. Every failed check of a package is reported
 * with its code, the JSON pointer of the offending field and a sentence a person understands.
 */
export const CHECK_CODES = [
  // parties
  "USCC_INVALID",
  "PARTY_NOT_MEMBER",
  "PARTY_NOT_ACTIVE",
  "PARTY_LACKS_ROLE",
  "PARTIES_IDENTICAL",
  "RELATED_PARTIES",
  "ISSUER_IN_DEFAULT",
  "PAYEE_IS_ISSUER",
  // amounts and dates
  "AMOUNT_INVALID",
  "AMOUNT_ZERO",
  "AMOUNT_EXCEEDS_INVOICES",
  "AMOUNT_EXCEEDS_CONTRACT",
  "AMOUNT_BELOW_MINIMUM",
  "DATE_INVALID",
  "DATE_IN_FUTURE",
  "DEADLINE_PASSED",
  "DEADLINE_TOO_FAR",
  "MATURITY_NOT_IN_FUTURE",
  "TERM_TOO_LONG",
  // invoices
  "INVOICE_NUMBER_INVALID",
  "INVOICE_CODE_INVALID",
  "INVOICE_TYPE_INVALID",
  "INVOICE_NUMBER_YEAR_MISMATCH",
  "INVOICE_SELLER_MISMATCH",
  "INVOICE_BUYER_MISMATCH",
  "INVOICE_TOTAL_MISMATCH",
  "INVOICE_DUPLICATED_IN_PACKAGE",
  "INVOICE_ALREADY_USED",
  "INVOICE_RESERVED",
  "INVOICE_NOT_VERIFIED",
  "INVOICE_BEFORE_CONTRACT",
  // delivery and terms
  "DELIVERY_MISSING",
  "DELIVERY_NOT_VERIFIED",
  "DELIVERY_BEFORE_CONTRACT",
  "PREPAYMENT_TRADE",
  // the piece of a transfer
  "PIECE_NOT_FOUND",
  "PIECE_NOT_HELD_BY_PAYER",
  "PIECE_NOT_ACTIVE",
  "AMOUNT_EXCEEDS_PIECE",
  "VOUCHER_MATURED",
  "VOUCHER_OVERDUE",
  // what the ledger would refuse anyway (checked so that no invoice is reserved for a doomed request)
  "LEDGER_PAUSED",
  "CLEARING_BANK_NOT_SET",
  "CREDIT_LINE_EXCEEDED",
  "DEPTH_LIMIT_REACHED",
  "LIVE_PIECE_LIMIT_REACHED",
] as const;

export type CheckCode = (typeof CHECK_CODES)[number];

/** One failed check. `path` is a JSON pointer into the package ("/invoices/0/total"), "" for the whole package. */
export interface CheckFailure {
  code: CheckCode;
  path: string;
  message: string;
}
