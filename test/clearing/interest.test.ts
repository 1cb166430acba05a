import { expect } from "chai";
import fc from "fast-check";
import { INTEREST_ROUNDING, accrualDays, pledgeInterest } from "../../src/clearing/payout/interest.js";

const DAY = 86_400n;
const MATURITY = 1_800_000_000n;
const MAX_FEN = 2n ** 64n - 1n;

/** Interest on `securedAmount` at `annualRateBps` for exactly `days` whole days before maturity. */
function interestFor(securedAmount: bigint, annualRateBps: number, days: bigint): bigint {
  return pledgeInterest({ securedAmount, annualRateBps, pledgedAt: MATURITY - days * DAY, maturity: MATURITY });
}

describe("pledge interest (ACT/365, simple, half-up to the fen)", function () {
  it("states its rounding rule", function () {
    expect(INTEREST_ROUNDING.mode).to.equal("ROUND_HALF_UP");
    expect(INTEREST_ROUNDING.to).to.equal("fen");
    expect(INTEREST_ROUNDING.description).to.contain("/ 365").and.contain("half a fen rounding up");
  });

  describe("accrualDays()", function () {
    it("counts whole days, dropping the part of a day", function () {
      expect(accrualDays(MATURITY - 90n * DAY, MATURITY)).to.equal(90n);
      expect(accrualDays(MATURITY - 90n * DAY - (DAY - 1n), MATURITY)).to.equal(90n);
      expect(accrualDays(MATURITY - DAY + 1n, MATURITY)).to.equal(0n);
    });

    it("is 0 for a pledge taken at or after maturity", function () {
      expect(accrualDays(MATURITY, MATURITY)).to.equal(0n);
      expect(accrualDays(MATURITY + 10n * DAY, MATURITY)).to.equal(0n);
    });
  });

  describe("pledgeInterest()", function () {
    it("600,000.00 CNY at 4.50% for 90 days is 6,657.53 CNY (665,753.42… fen rounds down)", function () {
      expect(interestFor(60_000_000n, 450, 90n)).to.equal(665_753n);
    });

    it("123,456,789.01 CNY at 3.85% for 181 days is 2,357,009.96 CNY (…95.676 rounds up)", function () {
      expect(interestFor(12_345_678_901n, 385, 181n)).to.equal(235_700_996n);
    });

    it("365 days is exactly the annual rate: 1,000,000.00 CNY at 4.50% → 45,000.00 CNY", function () {
      expect(interestFor(100_000_000n, 450, 365n)).to.equal(4_500_000n);
    });

    it("rounds exactly half a fen up, and just under half down", function () {
      expect(interestFor(5_000n, 1, 365n)).to.equal(1n); // 0.5 fen
      expect(interestFor(4_999n, 1, 365n)).to.equal(0n); // 0.4999 fen
      expect(interestFor(25_000n, 1, 365n)).to.equal(3n); // 2.5 fen: half-up, not half-even (2)
      expect(interestFor(25_000n, 1, 73n)).to.equal(1n); // 73/365 = 1/5: 0.5 fen
      expect(interestFor(24_999n, 1, 73n)).to.equal(0n); // 0.49998 fen
    });

    it("accrues nothing over 0 days, at 0% or on nothing secured", function () {
      expect(interestFor(100_000_000n, 450, 0n)).to.equal(0n);
      expect(pledgeInterest({ securedAmount: 100_000_000n, annualRateBps: 450, pledgedAt: MATURITY - DAY + 1n, maturity: MATURITY })).to.equal(0n);
      expect(pledgeInterest({ securedAmount: 100_000_000n, annualRateBps: 450, pledgedAt: MATURITY + DAY, maturity: MATURITY })).to.equal(0n);
      expect(interestFor(100_000_000n, 0, 365n)).to.equal(0n);
      expect(interestFor(0n, 450, 365n)).to.equal(0n);
    });

    it("is exact near 2^64 fen, where a float would be off by thousands of fen", function () {
      // (2^64 − 1) × 65535 / 10000 = 120,890,737,287,055,546,508.9025 fen
      const max = interestFor(MAX_FEN, 65_535, 365n);
      expect(max).to.equal(120_890_737_287_055_546_509n);
      expect(max.toString()).to.not.equal(Math.round((Number(MAX_FEN) * 65_535) / 10_000).toString());
      expect(interestFor(MAX_FEN, 450, 364n)).to.equal(827_829_227_198_253_303n);
      expect(interestFor(MAX_FEN, 1, 1n)).to.equal(5_053_902_485_948n);
    });

    it("accepts the rate as a bigint and refuses fractional, negative or float rates and negative amounts", function () {
      expect(pledgeInterest({ securedAmount: 60_000_000n, annualRateBps: 450n, pledgedAt: MATURITY - 90n * DAY, maturity: MATURITY })).to.equal(665_753n);
      const base = { securedAmount: 1n, pledgedAt: 0n, maturity: MATURITY };
      expect(() => pledgeInterest({ ...base, annualRateBps: 4.5 })).to.throw(RangeError, "annualRateBps");
      expect(() => pledgeInterest({ ...base, annualRateBps: -1 })).to.throw(RangeError, "annualRateBps");
      expect(() => pledgeInterest({ ...base, annualRateBps: 1, securedAmount: -1n })).to.throw(RangeError, "securedAmount");
      expect(() => pledgeInterest({ ...base, annualRateBps: 1, securedAmount: 1 as unknown as bigint })).to.throw(RangeError, "securedAmount");
    });

    it("always lies within half a fen of the exact value, halves going up (property)", function () {
      fc.assert(
        fc.property(fc.bigInt(0n, MAX_FEN), fc.integer({ min: 0, max: 65_535 }), fc.bigInt(0n, 400n), (secured, bps, days) => {
          // interest × 3,650,000 − secured × bps × days is the rounding error, scaled: in (−½, ½] fen.
          const error = interestFor(secured, bps, days) * 3_650_000n - secured * BigInt(bps) * days;
          return error > -1_825_000n && error <= 1_825_000n;
        }),
        { numRuns: 500 },
      );
    });
  });
});
