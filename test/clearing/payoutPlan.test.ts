import { expect } from "chai";
import fc from "fast-check";
import { getAddress } from "ethers";
import { END_TO_END_ID_PATTERN, endToEndIdOf } from "../../src/clearing/payout/endToEndId.js";
import { planPayouts, type ClearingPiece, type ClearingVoucher } from "../../src/clearing/payout/payoutPlan.js";
import { PieceStatus, pieceIdOf } from "../../src/sdk/constants.js";

const DAY = 86_400n;
const MATURITY = 1_800_000_000n;
const address = (byte: string) => getAddress("0x" + byte.repeat(20));
const ISSUER = address("c0");
const SUPPLIER_A = address("a1");
const SUPPLIER_B = address("b2");
const BANK_X = address("d3");
const BANK_Y = address("e4");

const VOUCHER: ClearingVoucher = { voucherId: 7n, issuer: ISSUER, maturity: MATURITY };
const piece = (index: number, fields: Omit<ClearingPiece, "pieceId">, voucherId = 7n): ClearingPiece => ({ pieceId: pieceIdOf(voucherId, index), ...fields });
/** 600,000.00 CNY at 4.50% pledged 90 days before maturity: 6,657.53 CNY interest (see interest.test.ts). */
const PLEDGE_90_DAYS = { pledgee: BANK_Y, securedAmount: 60_000_000n, annualRateBps: 450, pledgedAt: MATURITY - 90n * DAY };

/** Payouts as [role, payee, amount, endToEndId] rows, easy to compare whole. */
function rows(pieces: ClearingPiece[], voucher = VOUCHER) {
  return planPayouts(voucher, pieces).payouts.map((p) => [p.role, p.payee, p.amount, p.endToEndId]);
}

describe("planPayouts()", function () {
  describe("one piece, each role", function () {
    it("an unfinanced piece pays its holder", function () {
      const plan = planPayouts(VOUCHER, [piece(0, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Active })]);
      expect(plan).to.deep.equal({
        voucherId: 7n,
        issuer: ISSUER,
        maturity: MATURITY,
        owed: 100_000_000n,
        payouts: [{ voucherId: 7n, pieceId: pieceIdOf(7n, 0), role: "holder", payee: SUPPLIER_A, amount: 100_000_000n, endToEndId: "EV-7-0-H" }],
      });
    });

    it("a factored piece still held by its factor pays the factor (addresses compared case-insensitively)", function () {
      const factored = piece(1, { holder: BANK_X.toLowerCase(), amount: 30_000_000n, status: PieceStatus.Active, factoring: { factor: BANK_X } });
      expect(rows([factored])).to.deep.equal([["factor", BANK_X, 30_000_000n, "EV-7-1-F"]]);
    });

    it("a factored piece the factor transferred on pays its current holder as holder", function () {
      const passedOn = piece(1, { holder: SUPPLIER_B, amount: 30_000_000n, status: PieceStatus.Active, factoring: { factor: BANK_X } });
      expect(rows([passedOn])).to.deep.equal([["holder", SUPPLIER_B, 30_000_000n, "EV-7-1-H"]]);
    });

    it("a pledged piece pays the pledgee principal plus interest and the holder the rest", function () {
      const pledged = piece(2, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Pledged, pledge: PLEDGE_90_DAYS });
      expect(rows([pledged])).to.deep.equal([
        ["pledgee", BANK_Y, 60_665_753n, "EV-7-2-P"],
        ["pledgor", SUPPLIER_A, 39_334_247n, "EV-7-2-R"],
      ]);
    });

    it("caps the pledgee at the piece when principal plus interest exceed it; the holder gets nothing", function () {
      const pledged = piece(2, { holder: SUPPLIER_A, amount: 60_000_000n, status: PieceStatus.Pledged, pledge: PLEDGE_90_DAYS });
      expect(rows([pledged])).to.deep.equal([["pledgee", BANK_Y, 60_000_000n, "EV-7-2-P"]]);
    });

    it("omits the pledgor when principal plus interest use the piece up exactly", function () {
      // 100,000.00 CNY at 3.65% for 365 days: 3,650.00 CNY interest, 103,650.00 CNY in all.
      const pledge = { pledgee: BANK_Y, securedAmount: 10_000_000n, annualRateBps: 365, pledgedAt: MATURITY - 365n * DAY };
      const pledged = piece(3, { holder: SUPPLIER_A, amount: 10_365_000n, status: PieceStatus.Pledged, pledge });
      expect(rows([pledged])).to.deep.equal([["pledgee", BANK_Y, 10_365_000n, "EV-7-3-P"]]);
    });

    it("a pledge taken at maturity earns no interest: the pledgee gets its principal", function () {
      const pledged = piece(2, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Pledged, pledge: { ...PLEDGE_90_DAYS, pledgedAt: MATURITY } });
      expect(rows([pledged])).to.deep.equal([
        ["pledgee", BANK_Y, 60_000_000n, "EV-7-2-P"],
        ["pledgor", SUPPLIER_A, 40_000_000n, "EV-7-2-R"],
      ]);
    });

    it("never emits a zero payout: a pledge securing nothing pays the holder everything as pledgor", function () {
      const pledged = piece(2, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Pledged, pledge: { ...PLEDGE_90_DAYS, securedAmount: 0n } });
      expect(rows([pledged])).to.deep.equal([["pledgor", SUPPLIER_A, 100_000_000n, "EV-7-2-R"]]);
    });

    it("an enforced pledge pays the whole piece to the pledgee, whatever it secured", function () {
      const enforced = piece(4, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Enforced, pledge: PLEDGE_90_DAYS });
      expect(rows([enforced])).to.deep.equal([["enforced-pledgee", BANK_Y, 100_000_000n, "EV-7-4-E"]]);
    });

    it("ignores the last pledge record of an Active piece (a released pledge)", function () {
      const released = piece(5, { holder: SUPPLIER_A, amount: 20_000_000n, status: PieceStatus.Active, pledge: PLEDGE_90_DAYS });
      expect(rows([released])).to.deep.equal([["holder", SUPPLIER_A, 20_000_000n, "EV-7-5-H"]]);
    });
  });

  describe("a whole voucher", function () {
    const FIVE: ClearingPiece[] = [
      piece(0, { holder: SUPPLIER_A, amount: 25_000_000n, status: PieceStatus.Active }),
      piece(1, { holder: BANK_X, amount: 30_000_000n, status: PieceStatus.Active, factoring: { factor: BANK_X } }),
      piece(2, { holder: SUPPLIER_B, amount: 100_000_000n, status: PieceStatus.Pledged, pledge: PLEDGE_90_DAYS }),
      piece(3, { holder: SUPPLIER_B, amount: 12_345_678n, status: PieceStatus.Enforced, pledge: { ...PLEDGE_90_DAYS, pledgee: BANK_X } }),
      piece(4, { holder: SUPPLIER_A, amount: 1_000_001n, status: PieceStatus.Active, factoring: { factor: BANK_Y } }),
    ];

    it("pays five pieces in piece order, adding up exactly to what is owed", function () {
      const plan = planPayouts(VOUCHER, FIVE);
      expect(plan.owed).to.equal(168_345_679n);
      expect(plan.payouts.map((p) => [p.role, p.payee, p.amount, p.endToEndId])).to.deep.equal([
        ["holder", SUPPLIER_A, 25_000_000n, "EV-7-0-H"],
        ["factor", BANK_X, 30_000_000n, "EV-7-1-F"],
        ["pledgee", BANK_Y, 60_665_753n, "EV-7-2-P"],
        ["pledgor", SUPPLIER_B, 39_334_247n, "EV-7-2-R"],
        ["enforced-pledgee", BANK_X, 12_345_678n, "EV-7-3-E"],
        ["holder", SUPPLIER_A, 1_000_001n, "EV-7-4-H"],
      ]);
      expect(plan.payouts.reduce((sum, p) => sum + p.amount, 0n)).to.equal(plan.owed);
    });

    it("leaves settled pieces out of the payouts and out of what is owed", function () {
      const withSettled = [...FIVE, piece(5, { holder: SUPPLIER_B, amount: 50_000_000n, status: PieceStatus.Settled })];
      const plan = planPayouts(VOUCHER, withSettled);
      expect(plan.owed).to.equal(168_345_679n);
      expect(plan.payouts.map((p) => p.pieceId)).to.not.include(pieceIdOf(7n, 5));
      expect(planPayouts(VOUCHER, [withSettled[5]])).to.deep.include({ owed: 0n, payouts: [] });
    });

    it("is deterministic: the same pieces in any order give the same plan and ids", function () {
      const shuffled = [FIVE[3], FIVE[0], FIVE[4], FIVE[2], FIVE[1]];
      expect(planPayouts(VOUCHER, shuffled)).to.deep.equal(planPayouts(VOUCHER, FIVE));
      expect(planPayouts(VOUCHER, FIVE)).to.deep.equal(planPayouts({ ...VOUCHER }, FIVE.map((p) => ({ ...p }))));
    });

    it("gives ids unique across vouchers, even where plain concatenation would collide (1|11 vs 11|1)", function () {
      const one = planPayouts({ ...VOUCHER, voucherId: 1n }, [
        piece(11, { holder: SUPPLIER_A, amount: 1n, status: PieceStatus.Active }, 1n),
        piece(1, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Pledged, pledge: PLEDGE_90_DAYS }, 1n),
      ]);
      const eleven = planPayouts({ ...VOUCHER, voucherId: 11n }, [
        piece(1, { holder: SUPPLIER_A, amount: 1n, status: PieceStatus.Active }, 11n),
        piece(11, { holder: SUPPLIER_A, amount: 100_000_000n, status: PieceStatus.Pledged, pledge: PLEDGE_90_DAYS }, 11n),
      ]);
      const ids = [...one.payouts, ...eleven.payouts].map((p) => p.endToEndId);
      expect(ids).to.deep.equal(["EV-1-1-P", "EV-1-1-R", "EV-1-11-H", "EV-11-1-H", "EV-11-11-P", "EV-11-11-R"]);
      expect(new Set(ids).size).to.equal(6);
    });

    it("never pays the issuer or anyone not named in a piece (there is no operator input)", function () {
      const payees = new Set(planPayouts(VOUCHER, FIVE).payouts.map((p) => p.payee));
      expect([...payees].sort()).to.deep.equal([SUPPLIER_A, SUPPLIER_B, BANK_X, BANK_Y].sort());
    });
  });

  describe("EndToEndId", function () {
    it("is EV-<voucherId>-<piece index>-<role letter>, ISO-safe and at most 35 characters", function () {
      expect(endToEndIdOf(7n, 0n, "holder")).to.equal("EV-7-0-H");
      expect(endToEndIdOf(7n, 3n, "factor")).to.equal("EV-7-3-F");
      expect(endToEndIdOf(7n, 3n, "pledgee")).to.equal("EV-7-3-P");
      expect(endToEndIdOf(7n, 3n, "pledgor")).to.equal("EV-7-3-R");
      expect(endToEndIdOf(7n, 3n, "enforced-pledgee")).to.equal("EV-7-3-E");
      const longest = endToEndIdOf(10n ** 24n - 1n, 65_535n, "enforced-pledgee");
      expect(longest).to.equal(`EV-${"9".repeat(24)}-65535-E`);
      expect(longest).to.have.length(35).and.match(/^[A-Za-z0-9-]+$/).and.match(END_TO_END_ID_PATTERN);
    });

    it("refuses what cannot make a valid id", function () {
      expect(() => endToEndIdOf(10n ** 24n, 0n, "holder")).to.throw(RangeError, "too long for a 35-character EndToEndId"); // even where this one would fit
      expect(() => endToEndIdOf(0n, 0n, "holder")).to.throw(RangeError, "voucherId");
      expect(() => endToEndIdOf(1n, 65_536n, "holder")).to.throw(RangeError, "pieceIndex");
      expect(() => endToEndIdOf(1n, 0n, "operator" as never)).to.throw(RangeError, 'unknown payout role "operator"');
    });
  });

  describe("refuses inconsistent input", function () {
    const active = (index: number) => piece(index, { holder: SUPPLIER_A, amount: 1_000n, status: PieceStatus.Active });

    it("a piece of another voucher", function () {
      expect(() => planPayouts(VOUCHER, [piece(0, { holder: SUPPLIER_A, amount: 1n, status: PieceStatus.Active }, 8n)])).to.throw(
        RangeError,
        `piece ${pieceIdOf(8n, 0)} is not a piece of voucher 7`,
      );
    });

    it("a piece given twice", function () {
      expect(() => planPayouts(VOUCHER, [active(1), active(1)])).to.throw(RangeError, `piece ${pieceIdOf(7n, 1)} is given twice`);
    });

    it("a pledged or enforced piece without its pledge", function () {
      for (const status of [PieceStatus.Pledged, PieceStatus.Enforced]) {
        expect(() => planPayouts(VOUCHER, [piece(1, { holder: SUPPLIER_A, amount: 1n, status })])).to.throw(RangeError, "needs its pledge");
      }
    });

    it("a status that is not a live or settled piece's, a negative amount, a bad address", function () {
      expect(() => planPayouts(VOUCHER, [piece(1, { holder: SUPPLIER_A, amount: 1n, status: PieceStatus.None })])).to.throw(RangeError, "status");
      expect(() => planPayouts(VOUCHER, [piece(1, { holder: SUPPLIER_A, amount: -1n, status: PieceStatus.Active })])).to.throw(RangeError, "amount");
      expect(() => planPayouts(VOUCHER, [piece(1, { holder: "0x1234", amount: 1n, status: PieceStatus.Active })])).to.throw(RangeError, "holder");
      expect(() => planPayouts({ ...VOUCHER, issuer: "nobody" }, [])).to.throw(RangeError, "voucher.issuer");
      expect(() => planPayouts({ ...VOUCHER, voucherId: 0n }, [])).to.throw(RangeError, "voucher.voucherId");
    });
  });

  describe("property: any set of pieces", function () {
    const PARTIES = [SUPPLIER_A, SUPPLIER_B, BANK_X, BANK_Y];
    const arbitraryPiece = fc.record({
      status: fc.constantFrom(PieceStatus.Active, PieceStatus.Pledged, PieceStatus.Enforced, PieceStatus.Settled),
      holder: fc.constantFrom(...PARTIES),
      amount: fc.bigInt(1n, 2n ** 64n - 1n),
      factor: fc.option(fc.constantFrom(...PARTIES), { nil: undefined }),
      pledgee: fc.constantFrom(BANK_X, BANK_Y),
      securedShare: fc.integer({ min: 0, max: 20_000 }), // secured as bps of the piece: up to 2×, to reach the cap
      annualRateBps: fc.integer({ min: 0, max: 65_535 }),
      pledgedBefore: fc.bigInt(-30n * DAY, 365n * DAY),
    });
    const arbitraryVoucher = fc.record({
      voucherId: fc.bigInt(1n, 10n ** 24n - 1n),
      pieces: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 65_535 }), arbitraryPiece), { maxLength: 40, selector: ([index]) => index }),
    });

    it("pays exactly what is owed, every payout positive, ids unique and well-formed, payees only the pieces' parties", function () {
      fc.assert(
        fc.property(arbitraryVoucher, ({ voucherId, pieces }) => {
          const input: ClearingPiece[] = pieces.map(([index, p]) => ({
            pieceId: pieceIdOf(voucherId, index),
            holder: p.holder,
            amount: p.amount,
            status: p.status,
            factoring: p.factor === undefined ? undefined : { factor: p.factor },
            pledge: {
              pledgee: p.pledgee,
              securedAmount: (p.amount * BigInt(p.securedShare)) / 10_000n,
              annualRateBps: p.annualRateBps,
              pledgedAt: MATURITY - p.pledgedBefore,
            },
          }));
          const plan = planPayouts({ ...VOUCHER, voucherId }, input);
          const live = input.filter((p) => p.status !== PieceStatus.Settled);
          expect(plan.owed).to.equal(live.reduce((sum, p) => sum + p.amount, 0n));
          expect(plan.payouts.reduce((sum, p) => sum + p.amount, 0n)).to.equal(plan.owed);
          for (const payout of plan.payouts) {
            expect(payout.amount > 0n, `payout ${payout.endToEndId} is ${payout.amount}`).to.equal(true);
            expect(payout.endToEndId).to.match(END_TO_END_ID_PATTERN);
            expect(payout.endToEndId.length).to.be.at.most(35);
            const source = input.find((p) => p.pieceId === payout.pieceId)!;
            expect([source.holder, source.pledge!.pledgee]).to.include(payout.payee);
          }
          expect(new Set(plan.payouts.map((p) => p.endToEndId)).size).to.equal(plan.payouts.length);
          // Every live piece is paid in full: its payouts add up to it.
          for (const p of live) {
            const paid = plan.payouts.filter((payout) => payout.pieceId === p.pieceId).reduce((sum, payout) => sum + payout.amount, 0n);
            expect(paid).to.equal(p.amount);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
