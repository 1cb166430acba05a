/**
 * Errors of the ISO 20022 layer. A bank message we cannot read is a `BankMessageError` with a code, so
 * the caller can park the file and alert someone instead of crashing the clearing run.
 */

export type BankMessageErrorCode =
  /** Not well-formed XML (or not XML at all). */
  | "NOT_XML"
  /** Larger than the parser accepts. */
  | "TOO_LARGE"
  /** Carries a DOCTYPE: ISO 20022 messages never do, and entity definitions are an attack surface. */
  | "DTD_NOT_ALLOWED"
  /** Well-formed, but not a message this parser knows (or not the kind asked for). */
  | "UNKNOWN_MESSAGE"
  /** A required element is absent or empty. */
  | "MISSING_ELEMENT"
  /** An amount that is not a plain decimal with at most two decimals. */
  | "BAD_AMOUNT"
  /** Any other value outside what the schema allows (credit/debit indicator, date…). */
  | "BAD_VALUE";

export class BankMessageError extends Error {
  override readonly name = "BankMessageError";
  constructor(
    readonly code: BankMessageErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** A pain.001 we refuse to build: `field` names the offending input, e.g. `transactions[3].payout.amount`. */
export class Pain001InputError extends RangeError {
  override readonly name = "Pain001InputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`pain.001 ${field}: ${message}`);
  }
}
