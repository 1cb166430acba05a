/**
 * Money is integer fen (0.01 CNY) as `bigint` everywhere; decimal strings are for people.
 * Conversions are exact: an amount with more than two decimals, a negative one, or anything that is not
 * a plain decimal number is refused with a `MoneyError` naming the argument, never rounded.
 */
import { Decimal } from "decimal.js";

// Enough significant digits for any amount up to far beyond uint64 fen, so no multiplication rounds.
const ExactDecimal = Decimal.clone({ precision: 60 });

/** The largest amount a piece can carry on-chain (`uint64` fen). */
export const MAX_FEN = 2n ** 64n - 1n;

export type MoneyErrorCode = "AMOUNT_NOT_A_NUMBER" | "AMOUNT_TOO_PRECISE" | "AMOUNT_NEGATIVE" | "AMOUNT_TOO_LARGE";

export class MoneyError extends RangeError {
  override readonly name = "MoneyError";
  constructor(
    readonly code: MoneyErrorCode,
    readonly argument: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`${argument}: ${message} (got ${JSON.stringify(typeof value === "bigint" ? value.toString() : value)})`);
  }
}

// Plain decimal notation only: no sign, exponent, grouping commas, spaces or leading zeros.
const PLAIN_DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** "1234.56" CNY → 123456n fen. Refuses more than two decimals, negatives, non-numbers and > `MAX_FEN`. */
export function cnyToFen(cny: string, argument = "amount"): bigint {
  if (typeof cny !== "string") throw new MoneyError("AMOUNT_NOT_A_NUMBER", argument, cny, "expected a decimal string such as \"1234.56\"");
  if (/^-/.test(cny) && PLAIN_DECIMAL.test(cny.slice(1))) {
    throw new MoneyError("AMOUNT_NEGATIVE", argument, cny, "an amount cannot be negative");
  }
  if (!PLAIN_DECIMAL.test(cny)) {
    throw new MoneyError("AMOUNT_NOT_A_NUMBER", argument, cny, "expected a plain decimal number such as \"1234.56\"");
  }
  // Count the decimals as written: "1.000" claims a precision below the fen even though it equals 1.
  const decimals = cny.includes(".") ? cny.length - cny.indexOf(".") - 1 : 0;
  if (decimals > 2) throw new MoneyError("AMOUNT_TOO_PRECISE", argument, cny, "at most two decimals (fen)");
  const fen = BigInt(new ExactDecimal(cny).times(100).toFixed(0));
  if (fen > MAX_FEN) throw new MoneyError("AMOUNT_TOO_LARGE", argument, cny, `at most ${fenToCny(MAX_FEN)} CNY`);
  return fen;
}

/** 123456n fen → "1234.56" (always two decimals). Refuses negatives and non-bigints. */
export function fenToCny(fen: bigint, argument = "fen"): string {
  if (typeof fen !== "bigint") throw new MoneyError("AMOUNT_NOT_A_NUMBER", argument, fen, "expected a bigint number of fen");
  if (fen < 0n) throw new MoneyError("AMOUNT_NEGATIVE", argument, fen, "an amount cannot be negative");
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`;
}

/** 100000000n fen → "1,000,000.00 CNY", for display. */
export function formatCny(fen: bigint): string {
  const negative = fen < 0n;
  const [yuan, cents] = fenToCny(negative ? -fen : fen).split(".");
  return `${negative ? "-" : ""}${yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents} CNY`;
}
