import { expect } from "chai";
import { reconcile } from "../../src/clearing/reconcile/reconcile.js";
import type { BookedEntry, Payout } from "../../src/clearing/types.js";

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
  status: "BOOK",
  bankReference: `REF-${p.endToEndId}`,
  bookingDate: "2027-02-20",
  ...changes,
});

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
});
