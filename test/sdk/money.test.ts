import { expect } from "chai";
import { MAX_FEN, MoneyError, cnyToFen, fenToCny, formatCny } from "../../src/sdk/money.js";

function expectMoneyError(action: () => unknown, code: string, argument: string) {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(MoneyError);
    expect((error as MoneyError).code).to.equal(code);
    expect((error as MoneyError).argument).to.equal(argument);
    expect((error as MoneyError).message).to.match(new RegExp(`^${argument}: `));
    return;
  }
  expect.fail(`expected MoneyError ${code}`);
}

describe("src/sdk/money", function () {
  describe("cnyToFen()", function () {
    for (const [cny, fen] of [
      ["0", 0n],
      ["0.01", 1n],
      ["0.1", 10n],
      ["100", 10_000n],
      ["1234.56", 123_456n],
      ["1000000.00", 100_000_000n],
      ["184467440737095516.15", MAX_FEN],
    ] as const) {
      it(`converts "${cny}" to ${fen} fen exactly`, function () {
        expect(cnyToFen(cny)).to.equal(fen);
      });
    }

    it("round-trips every amount from 0.00 to 20.00 exactly", function () {
      for (let fen = 0n; fen <= 2000n; fen++) expect(cnyToFen(fenToCny(fen))).to.equal(fen);
    });

    it("refuses more than two decimals instead of rounding", function () {
      for (const cny of ["0.001", "1234.567", "1.000"]) expectMoneyError(() => cnyToFen(cny), "AMOUNT_TOO_PRECISE", "amount");
    });

    it("refuses negative amounts", function () {
      for (const cny of ["-1", "-0.01", "-1234.56"]) expectMoneyError(() => cnyToFen(cny), "AMOUNT_NEGATIVE", "amount");
    });

    it("refuses anything that is not a plain decimal string, naming the argument", function () {
      for (const value of ["", " 1", "1 ", "1,234.56", "1e3", "+1", "01", ".5", "5.", "NaN", "Infinity", "0x10", "１２", "1.2.3"]) {
        expectMoneyError(() => cnyToFen(value, "faceAmount"), "AMOUNT_NOT_A_NUMBER", "faceAmount");
      }
      for (const value of [12, 12n, null, undefined, {}]) {
        expectMoneyError(() => cnyToFen(value as unknown as string), "AMOUNT_NOT_A_NUMBER", "amount");
      }
    });

    it("refuses amounts beyond the ledger's uint64 fen", function () {
      for (const cny of ["184467440737095516.16", "99999999999999999999999999.99"]) {
        expectMoneyError(() => cnyToFen(cny), "AMOUNT_TOO_LARGE", "amount");
      }
    });
  });

  describe("fenToCny()", function () {
    it("writes two decimals always", function () {
      expect(fenToCny(0n)).to.equal("0.00");
      expect(fenToCny(5n)).to.equal("0.05");
      expect(fenToCny(123_456n)).to.equal("1234.56");
    });

    it("refuses negatives and non-bigints", function () {
      expectMoneyError(() => fenToCny(-1n), "AMOUNT_NEGATIVE", "fen");
      expectMoneyError(() => fenToCny(1 as unknown as bigint), "AMOUNT_NOT_A_NUMBER", "fen");
    });
  });

  describe("formatCny()", function () {
    it("groups thousands and names the currency", function () {
      expect(formatCny(100_000_000n)).to.equal("1,000,000.00 CNY");
      expect(formatCny(99n)).to.equal("0.99 CNY");
      expect(formatCny(-123_456n)).to.equal("-1,234.56 CNY");
    });
  });
});
