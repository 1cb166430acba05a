/**
 * CNY amount fields of a package, parsed to fen with the SDK's exact conversion; a refusal becomes an
 * AMOUNT_INVALID failure that says which field and why, instead of an exception.
 */
import { MoneyError, cnyToFen, type MoneyErrorCode } from "../../sdk/money.js";
import type { CheckFailure } from "./failures.js";

const REASONS: Record<MoneyErrorCode, string> = {
  AMOUNT_NOT_A_NUMBER: 'it is not a plain decimal number such as "1234.56"',
  AMOUNT_TOO_PRECISE: "it has more than two decimals (fen)",
  AMOUNT_NEGATIVE: "it is negative",
  AMOUNT_TOO_LARGE: "it is larger than a piece can carry on-chain",
};

/** The amount in fen, or null when `cny` is not a valid amount (no failure reported). */
export function fenOrNull(cny: string): bigint | null {
  try {
    return cnyToFen(cny);
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

/**
 * The amount in fen; null, with AMOUNT_INVALID pushed to `failures`, when it does not parse.
 * `subject` names the field for people ("The voucher amount", "Invoice 26442000000012345678 tax").
 */
export function parseAmountField(cny: string, path: string, subject: string, failures: CheckFailure[]): bigint | null {
  try {
    return cnyToFen(cny, path);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    failures.push({
      code: "AMOUNT_INVALID",
      path,
      message: `${subject} ${JSON.stringify(cny)} is not a valid amount: ${REASONS[error.code]} (${error.code}).`,
    });
    return null;
  }
}
