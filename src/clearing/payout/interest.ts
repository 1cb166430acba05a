/**
 * Interest a pledgee bank is owed on its secured loan at maturity (R10, R12: interest, never the service fee).
 * Simple interest, ACT/365: whole days from the pledge to the voucher's maturity, over a 365-day year,
 * rounded once, at the end, to the fen. Computed with decimal.js on integers; never with floats.
 */
import { Decimal } from "decimal.js";

/** Seconds in a day: days are counted in whole 86,400-second days of chain time. */
export const SECONDS_PER_DAY = 86_400n;
/** ACT/365 (fixed): the year is always 365 days, leap years included. */
export const DAYS_PER_YEAR = 365n;
/** Basis points in one (annual rate 450 bps = 4.50%). */
export const BPS_PER_UNIT = 10_000n;

/** The rounding rule, stated once for statements, reports and tests. */
export const INTEREST_ROUNDING = {
  mode: "ROUND_HALF_UP",
  to: "fen",
  description:
    "interest = securedAmount × annualRateBps / 10000 × days / 365, days = floor((maturity − pledgedAt) / 86400) " +
    "(0 when pledged at or after maturity); computed exactly and rounded once to the fen, half a fen rounding up.",
} as const;

// Inputs are at most uint64 fen × uint16 bps × a few hundred days (< 10^28): 80 significant digits keep every
// quotient exact far past the fen, so the only rounding is the final ROUND_HALF_UP.
const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP });

export interface PledgeInterestInput {
  /** Loan principal, fen. */
  securedAmount: bigint;
  /** Annual rate, basis points (integer ≥ 0). */
  annualRateBps: number | bigint;
  /** Unix seconds the pledge took effect. */
  pledgedAt: bigint;
  /** Unix seconds the voucher matures. */
  maturity: bigint;
}

/** Whole days from `pledgedAt` to `maturity`; 0 when the pledge was taken at or after maturity. */
export function accrualDays(pledgedAt: bigint, maturity: bigint): bigint {
  if (typeof pledgedAt !== "bigint" || typeof maturity !== "bigint") {
    throw new TypeError("accrualDays: pledgedAt and maturity must be bigint unix seconds");
  }
  return maturity > pledgedAt ? (maturity - pledgedAt) / SECONDS_PER_DAY : 0n;
}

/** Interest in fen on a pledge from `pledgedAt` to `maturity` (see INTEREST_ROUNDING). */
export function pledgeInterest({ securedAmount, annualRateBps, pledgedAt, maturity }: PledgeInterestInput): bigint {
  if (typeof securedAmount !== "bigint" || securedAmount < 0n) {
    throw new RangeError(`securedAmount: expected a non-negative bigint of fen, got ${String(securedAmount)}`);
  }
  const rate = typeof annualRateBps === "bigint" ? annualRateBps : Number.isSafeInteger(annualRateBps) ? BigInt(annualRateBps) : -1n;
  if (rate < 0n) throw new RangeError(`annualRateBps: expected a non-negative integer, got ${String(annualRateBps)}`);
  const days = accrualDays(pledgedAt, maturity);
  const numerator = new Exact((securedAmount * rate * days).toString());
  const interest = numerator.dividedBy((BPS_PER_UNIT * DAYS_PER_YEAR).toString());
  return BigInt(interest.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
}
