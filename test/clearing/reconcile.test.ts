import { readFileSync } from "node:fs";
import { expect } from "chai";
import { parseBankToCustomer } from "../../src/clearing/iso20022/parse.js";
import { reconcile, type Reconciliation } from "../../src/clearing/reconcile/reconcile.js";
import type { BookedEntry, Payout } from "../../src/clearing/types.js";
import { prng } from "../helpers/random.js";

const payout = (pieceIndex: number, role: Payout["role"], amount: bigint): Payout => ({
  voucherId: 7n,
  pieceId: (7n << 16n) | BigInt(pieceIndex),
  role,
  payee: "0x" + String(pieceIndex).repeat(40).slice(0, 40),
  amount,
  endToEndId: `EV-7-${pieceIndex}-${{ holder: "H", factor: "F", pledgee: "P", pledgor: "R", "enforced-pledgee": "E" }[role]}`,
});

// Piece 0: paid to its holder; piece 1: pledged, paid to the pledgee and the pledgor.
const holder = payout(0, "holder", 50_000_00n);
const pledgee = payout(1, "pledgee", 30_123_45n);
const pledgor = payout(1, "pledgor", 19_876_55n);
const instructed = [holder, pledgee, pledgor];

const debit = (p: Payout, changes: Partial<BookedEntry> = {}): BookedEntry => ({
  endToEndId: p.endToEndId,
  amount: p.amount,
  currency: "CNY",
  creditDebit: "DBIT",
  reversal: false,
  status: "BOOK",
  bankReference: `REF-${p.endToEndId}`,
  bookingDate: "2027-02-20",
  ...changes,
});

/** The bank returns a payment (e.g. the payee's account was closed): a credit with RvslInd true. */
const returned = (p: Payout, changes: Partial<BookedEntry> = {}): BookedEntry =>
  debit(p, { creditDebit: "CRDT", reversal: true, bankReference: `RVSL-${p.endToEndId}`, bookingDate: "2027-02-23", ...changes });

const ids = (payouts: readonly Payout[]) => payouts.map((p) => p.endToEndId);
const codes = (result: Reconciliation) => result.exceptions.map((e) => [e.code, e.endToEndId]);

describe("clearing reconciliation", function () {
  it("books exact debits and confirms a piece only when all its payouts are booked", function () {
    const first = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(holder), debit(pledgee)] });
    expect(first.booked.map((p) => p.endToEndId)).to.deep.equal([holder.endToEndId, pledgee.endToEndId]);
    expect(first.exceptions).to.deep.equal([]);
    expect(first.confirmablePieces).to.deep.equal([holder.pieceId]);

    const second = reconcile({ instructed, previouslyBooked: new Set([holder.endToEndId, pledgee.endToEndId]), statuses: [], entries: [debit(pledgor)] });
    expect(second.confirmablePieces).to.deep.equal([pledgor.pieceId]);
  });

  it("reports every mismatch as an exception and books none of them", function () {
    const result = reconcile({
      instructed,
      previouslyBooked: new Set(),
      statuses: [],
      entries: [
        debit(holder, { amount: holder.amount - 1n }),
        debit(pledgee, { currency: "USD" }),
        debit(pledgor, { creditDebit: "CRDT" }),
        debit(holder, { endToEndId: "EV-9-9-H" }),
        debit(holder, { endToEndId: null }),
      ],
    });
    expect(result.booked).to.deep.equal([]);
    expect(result.confirmablePieces).to.deep.equal([]);
    expect(result.exceptions.map((e) => [e.code, e.endToEndId])).to.deep.equal([
      ["AMOUNT_MISMATCH", holder.endToEndId],
      ["CURRENCY_MISMATCH", pledgee.endToEndId],
      ["WRONG_DIRECTION", pledgor.endToEndId],
      ["UNKNOWN_END_TO_END_ID", "EV-9-9-H"],
      ["MISSING_END_TO_END_ID", null],
    ]);
    expect(result.exceptions[0].message).to.contain("49,999.99 CNY").and.to.contain("50,000.00 CNY");
  });

  it("reports a second booking of the same EndToEndId, in one message or across messages", function () {
    const within = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(holder), debit(holder, { bankReference: "AGAIN" })] });
    expect(within.booked.map((p) => p.endToEndId)).to.deep.equal([holder.endToEndId]);
    expect(within.exceptions.map((e) => e.code)).to.deep.equal(["DUPLICATE_BOOKING"]);
    expect(within.exceptions[0].message).to.contain("AGAIN");

    const across = reconcile({ instructed, previouslyBooked: new Set([holder.endToEndId]), statuses: [], entries: [debit(holder)] });
    expect(across.booked).to.deep.equal([]);
    expect(across.confirmablePieces).to.deep.equal([]);
    expect(across.exceptions.map((e) => e.code)).to.deep.equal(["DUPLICATE_BOOKING"]);
  });

  it("collects rejections with their reasons, ignores pending entries, and flags a booking after a rejection", function () {
    const rejected = reconcile({
      instructed,
      previouslyBooked: new Set(),
      statuses: [
        { endToEndId: holder.endToEndId, status: "RJCT", reasonCode: "AM04", reasonText: "insufficient funds" },
        { endToEndId: pledgee.endToEndId, status: "ACSP" },
        { endToEndId: "EV-1-1-H", status: "ACSC" },
      ],
      entries: [debit(pledgee, { status: "PDNG" })],
    });
    expect(rejected.rejected).to.deep.equal([{ payout: holder, reasonCode: "AM04", reasonText: "insufficient funds" }]);
    expect(rejected.booked).to.deep.equal([]);
    expect(rejected.exceptions.map((e) => [e.code, e.endToEndId])).to.deep.equal([["UNKNOWN_END_TO_END_ID", "EV-1-1-H"]]);

    const late = reconcile({ instructed, previouslyBooked: new Set(), previouslyRejected: new Set([holder.endToEndId]), statuses: [], entries: [debit(holder)] });
    expect(late.booked).to.deep.equal([holder]);
    expect(late.confirmablePieces).to.deep.equal([holder.pieceId]);
    expect(late.exceptions.map((e) => e.code)).to.deep.equal(["BOOKED_AFTER_REJECTION"]);
  });

  describe("reversals (an entry with RvslInd true)", function () {
    it("nets a booking and its reversal in the same entries to not booked: the piece is not confirmable", function () {
      const result = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(holder), returned(holder)] });
      expect(result.booked).to.deep.equal([]);
      expect(result.reversed).to.deep.equal([holder]);
      expect(result.confirmablePieces).to.deep.equal([]);
      expect(codes(result)).to.deep.equal([["PAYMENT_REVERSED", holder.endToEndId]]);
      const { message } = result.exceptions[0];
      expect(message).to.contain("reversed EV-7-0-H of 50,000.00 CNY after booking it").and.to.contain("RVSL-EV-7-0-H");
      expect(message).to.contain(`piece ${holder.pieceId} is not confirmed`);
      expect(message).to.contain("already settled on-chain, it needs manual handling with the bank and the payee");
    });

    it("keeps a pledged piece unconfirmable when one of its two payments comes back, the other staying booked", function () {
      const result = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(pledgee), debit(pledgor), returned(pledgor)] });
      expect(ids(result.booked)).to.deep.equal([pledgee.endToEndId]);
      expect(result.reversed).to.deep.equal([pledgor]);
      expect(result.confirmablePieces).to.deep.equal([]);
    });

    it("reverses a payment booked in an earlier message, and no later booking of the piece's other payout confirms it", function () {
      const earlier = reconcile({ instructed, previouslyBooked: new Set([holder.endToEndId, pledgee.endToEndId]), statuses: [], entries: [returned(holder)] });
      expect(earlier.reversed).to.deep.equal([holder]);
      expect(earlier.booked).to.deep.equal([]);
      expect(earlier.confirmablePieces).to.deep.equal([]);
      expect(codes(earlier)).to.deep.equal([["PAYMENT_REVERSED", holder.endToEndId]]);

      const pledgeeReturned = reconcile({ instructed, previouslyBooked: new Set([pledgee.endToEndId]), statuses: [], entries: [returned(pledgee), debit(pledgor)] });
      expect(ids(pledgeeReturned.booked)).to.deep.equal([pledgor.endToEndId]);
      expect(pledgeeReturned.reversed).to.deep.equal([pledgee]);
      expect(pledgeeReturned.confirmablePieces).to.deep.equal([]);
    });

    it("reverses nothing when the reversal's amount or currency differ from the payment's", function () {
      const result = reconcile({
        instructed,
        previouslyBooked: new Set([holder.endToEndId]),
        statuses: [],
        entries: [returned(holder, { amount: holder.amount - 1n }), returned(holder, { currency: "USD" }), debit(pledgee), debit(pledgor), returned(pledgor, { amount: pledgor.amount + 1n })],
      });
      expect(result.reversed).to.deep.equal([]);
      expect(ids(result.booked)).to.deep.equal([pledgee.endToEndId, pledgor.endToEndId]);
      expect(result.confirmablePieces).to.deep.equal([pledgor.pieceId]);
      expect(codes(result)).to.deep.equal([
        ["AMOUNT_MISMATCH", holder.endToEndId],
        ["CURRENCY_MISMATCH", holder.endToEndId],
        ["AMOUNT_MISMATCH", pledgor.endToEndId],
      ]);
      expect(result.exceptions[0].message).to.equal("A reversal of EV-7-0-H was booked for 49,999.99 CNY; the payment was instructed for 50,000.00 CNY, so nothing is reversed.");
      expect(result.exceptions[1].message).to.contain("booked in USD").and.to.contain("nothing is reversed");

      // Still booked: a second booking of it is a duplicate.
      const again = reconcile({ instructed, previouslyBooked: new Set([holder.endToEndId]), statuses: [], entries: [returned(holder, { amount: 1n }), debit(holder)] });
      expect(codes(again).map(([code]) => code)).to.deep.equal(["AMOUNT_MISMATCH", "DUPLICATE_BOOKING"]);
    });

    it("reports a reversal of a payment never booked, or already reversed, and changes nothing", function () {
      const never = reconcile({
        instructed,
        previouslyBooked: new Set(),
        previouslyRejected: new Set([pledgee.endToEndId]),
        statuses: [],
        entries: [returned(holder), returned(pledgee)],
      });
      expect(never.booked).to.deep.equal([]);
      expect(never.reversed).to.deep.equal([]);
      expect(never.confirmablePieces).to.deep.equal([]);
      expect(codes(never)).to.deep.equal([
        ["REVERSAL_WITHOUT_BOOKING", holder.endToEndId],
        ["REVERSAL_WITHOUT_BOOKING", pledgee.endToEndId],
      ]);
      expect(never.exceptions[0].message).to.equal("The bank reversed EV-7-0-H (bank ref RVSL-EV-7-0-H), but it was never booked; nothing is changed, check with the bank.");

      const twice = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(holder), returned(holder), returned(holder, { bankReference: "RVSL-2" })] });
      expect(twice.reversed).to.deep.equal([holder]);
      expect(codes(twice).map(([code]) => code)).to.deep.equal(["PAYMENT_REVERSED", "REVERSAL_WITHOUT_BOOKING"]);
      expect(twice.exceptions[1].message).to.contain("RVSL-2").and.to.contain("its booking was already reversed");

      const acrossMessages = reconcile({ instructed, previouslyBooked: new Set(), previouslyReversed: new Set([holder.endToEndId]), statuses: [], entries: [returned(holder)] });
      expect(acrossMessages.reversed).to.deep.equal([]);
      expect(acrossMessages.exceptions.map((e) => e.message)).to.deep.equal([
        "The bank reversed EV-7-0-H (bank ref RVSL-EV-7-0-H), but its booking was already reversed; nothing is changed, check with the bank.",
      ]);
    });

    it("reports a DBIT reversal as the reversal of a credit, not a payment, and leaves the booking alone", function () {
      const result = reconcile({ instructed, previouslyBooked: new Set([holder.endToEndId]), statuses: [], entries: [returned(holder, { creditDebit: "DBIT" }), returned(pledgee, { creditDebit: "DBIT" })] });
      expect(result.booked).to.deep.equal([]);
      expect(result.reversed).to.deep.equal([]);
      expect(codes(result)).to.deep.equal([
        ["WRONG_DIRECTION", holder.endToEndId],
        ["WRONG_DIRECTION", pledgee.endToEndId],
      ]);
      expect(result.exceptions[0].message).to.contain("the reversal of a credit to the issuer's account").and.to.contain("not as a payment");

      // A credit without RvslInd is still what it was: a payment booked the wrong way round.
      const plainCredit = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(holder, { creditDebit: "CRDT" })] });
      expect(plainCredit.exceptions.map((e) => e.message)).to.deep.equal(["EV-7-0-H was booked as a credit to the issuer's account; a payment is a debit."]);
    });

    it("reports reversals under an unknown or missing EndToEndId as such, and ignores pending ones", function () {
      const result = reconcile({
        instructed,
        previouslyBooked: new Set([holder.endToEndId]),
        statuses: [],
        entries: [returned(holder, { endToEndId: "EV-9-9-H" }), returned(holder, { endToEndId: null }), returned(holder, { status: "PDNG" })],
      });
      expect(result.reversed).to.deep.equal([]);
      expect(codes(result)).to.deep.equal([
        ["UNKNOWN_END_TO_END_ID", "EV-9-9-H"],
        ["MISSING_END_TO_END_ID", null],
      ]);
      expect(result.exceptions[0].message).to.equal("A booked reversal CRDT of 50,000.00 CNY under EV-9-9-H matches no instructed payment.");
      expect(result.exceptions[1].message).to.contain("A booked reversal CRDT of 50,000.00 CNY (bank ref RVSL-EV-7-0-H) carries no EndToEndId");
    });

    it("never counts a booking under a returned payment's EndToEndId: BOOKED_AFTER_REVERSAL, the payment stays returned", function () {
      // A notification delivered twice, or the day's statement repeating the original booking, after the return.
      const sameEntries = reconcile({ instructed, previouslyBooked: new Set(), statuses: [], entries: [debit(holder), returned(holder), debit(holder, { bankReference: "PAID-AGAIN" })] });
      expect(sameEntries.booked).to.deep.equal([]);
      expect(sameEntries.reversed).to.deep.equal([holder]);
      expect(sameEntries.confirmablePieces).to.deep.equal([]);
      expect(codes(sameEntries)).to.deep.equal([
        ["PAYMENT_REVERSED", holder.endToEndId],
        ["BOOKED_AFTER_REVERSAL", holder.endToEndId],
      ]);
      expect(sameEntries.exceptions[1].message).to.contain("bank ref PAID-AGAIN").and.to.contain("not counted as paid");

      const laterMessage = reconcile({ instructed, previouslyBooked: new Set(), previouslyReversed: new Set([holder.endToEndId]), statuses: [], entries: [debit(holder)] });
      expect([laterMessage.booked, laterMessage.confirmablePieces]).to.deep.equal([[], []]);
      expect(codes(laterMessage)).to.deep.equal([["BOOKED_AFTER_REVERSAL", holder.endToEndId]]);

      // Both sets naming it: taken as reversed, so its piece is never confirmable.
      const inBoth = new Set([holder.endToEndId, pledgee.endToEndId]);
      const contradictory = reconcile({ instructed, previouslyBooked: inBoth, previouslyReversed: new Set([pledgee.endToEndId]), statuses: [], entries: [debit(pledgee), debit(pledgor)] });
      expect(contradictory.confirmablePieces).to.deep.equal([]);
      expect(codes(contradictory)).to.deep.equal([["BOOKED_AFTER_REVERSAL", pledgee.endToEndId]]);
    });

    it("reconciles the bank's own files: the return of EV-42-0-H undoes its booking of three days before", function () {
      const sample = (name: string) => readFileSync(new URL(`./iso20022/samples/${name}`, import.meta.url), "utf8");
      const of = (voucherId: bigint, pieceIndex: number, role: Payout["role"], amount: bigint, endToEndId: string): Payout =>
        ({ voucherId, pieceId: (voucherId << 16n) | BigInt(pieceIndex), role, payee: "0x" + "4".repeat(40), amount, endToEndId });
      const bankInstructed = [
        of(42n, 0, "holder", 125_000_000n, "EV-42-0-H"),
        of(42n, 1, "pledgee", 80_000_000n, "EV-42-1-P"),
        of(42n, 1, "pledgor", 19_999_950n, "EV-42-1-R"),
        of(46n, 0, "holder", 30_000_000n, "EV-46-0-H"),
      ];
      const entries = [...parseBankToCustomer(sample("camt.054.001.08.xml")).entries, ...parseBankToCustomer(sample("camt.054.001.08-reversal.xml")).entries];
      const result = reconcile({ instructed: bankInstructed, previouslyBooked: new Set(), statuses: [], entries });
      expect(ids(result.booked)).to.deep.equal(["EV-42-1-P", "EV-42-1-R", "EV-46-0-H"]);
      expect(ids(result.reversed)).to.deep.equal(["EV-42-0-H"]);
      expect(result.confirmablePieces).to.deep.equal([(42n << 16n) | 1n, 46n << 16n]);
      // The interest credit and the return fee carry no EndToEndId; the return itself is no WRONG_DIRECTION.
      expect(codes(result)).to.deep.equal([
        ["MISSING_END_TO_END_ID", null],
        ["PAYMENT_REVERSED", "EV-42-0-H"],
        ["MISSING_END_TO_END_ID", null],
      ]);
    });

    it("never lets a reversed payout count as booked, whatever the order of bookings and returns (seeded)", function () {
      const random = prng(0x7e7e75a1);
      const pieceOf = new Map(instructed.map((p) => [p.endToEndId, p.pieceId]));
      for (let run = 0; run < 500; run++) {
        // A model of the account: booked or not, per payout, from earlier messages and then entry by entry.
        const state = new Map(instructed.map((p) => [p.endToEndId, random() < 0.3 ? "booked" : random() < 0.2 ? "reversed" : "none"]));
        const previouslyBooked = new Set(instructed.filter((p) => state.get(p.endToEndId) === "booked").map((p) => p.endToEndId));
        const previouslyReversed = new Set(instructed.filter((p) => state.get(p.endToEndId) === "reversed").map((p) => p.endToEndId));
        const entries: BookedEntry[] = [];
        const reversedHere = new Set<string>();
        for (let n = Math.floor(random() * 7); n > 0; n--) {
          const p = instructed[Math.floor(random() * instructed.length)];
          const isReturn = random() < 0.5;
          entries.push(isReturn ? returned(p) : debit(p));
          const now = state.get(p.endToEndId);
          if (isReturn && now === "booked") {
            state.set(p.endToEndId, "reversed");
            reversedHere.add(p.endToEndId);
          }
          // A booking of a returned payment changes nothing (BOOKED_AFTER_REVERSAL).
          if (!isReturn && now === "none") {
            state.set(p.endToEndId, "booked");
          }
        }
        const result = reconcile({ instructed, previouslyBooked, previouslyReversed, statuses: [], entries });
        const where = JSON.stringify({ run, previouslyBooked: [...previouslyBooked], previouslyReversed: [...previouslyReversed], entries: entries.map((e) => `${e.reversal ? "-" : "+"}${e.endToEndId}`) });

        const bookedNow = new Set(instructed.filter((p) => state.get(p.endToEndId) === "booked").map((p) => p.endToEndId));
        // Newly booked: booked now, not before.
        expect(ids(result.booked), where).to.have.members(instructed.filter((p) => bookedNow.has(p.endToEndId) && !previouslyBooked.has(p.endToEndId)).map((p) => p.endToEndId));
        expect(ids(result.reversed), where).to.have.members([...reversedHere]);
        expect(ids(result.booked).filter((id) => reversedHere.has(id)), where).to.deep.equal([]);
        for (const pieceId of result.confirmablePieces) {
          const payouts = instructed.filter((p) => p.pieceId === pieceId);
          expect(payouts.every((p) => bookedNow.has(p.endToEndId)), where).to.equal(true);
          expect(payouts.some((p) => ids(result.reversed).includes(p.endToEndId)), where).to.equal(false);
        }
        const touched = new Set(ids(result.booked).map((id) => pieceOf.get(id)));
        const expectedConfirmable = [...touched].filter((pieceId) => instructed.filter((p) => p.pieceId === pieceId).every((p) => bookedNow.has(p.endToEndId)));
        expect(result.confirmablePieces, where).to.have.members(expectedConfirmable);
      }
    });
  });
});
