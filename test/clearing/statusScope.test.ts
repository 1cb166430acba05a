/** What a pain.002 may change: only the payouts its original message carries now. */
import { expect } from "chai";
import type { Pain002 } from "../../src/clearing/iso20022/pain002.js";
import { scopeStatusReport, type CarriedPayout } from "../../src/clearing/reconcile/statusScope.js";

const report = (fields: Partial<Pain002>): Pain002 => ({ messageId: "STS-1", originalMessageId: "EVPAIN-20260101-AAAAAA-0001", paymentInformation: [], transactions: [], ...fields });
const carried: CarriedPayout[] = [
  { endToEndId: "EV-1-0-H", paymentInformationId: "EVPAIN-20260101-AAAAAA-0001-1" },
  { endToEndId: "EV-1-1-H", paymentInformationId: "EVPAIN-20260101-AAAAAA-0001-1" },
  { endToEndId: "EV-2-0-H", paymentInformationId: "EVPAIN-20260101-AAAAAA-0001-2" },
];
const known = new Set([...carried.map((payout) => payout.endToEndId), "EV-3-0-H"]);
const codes = (exceptions: Array<{ code: string; endToEndId: string | null }>) => exceptions.map((e) => [e.code, e.endToEndId]);

describe("status report scope", function () {
  it("passes named statuses of carried payouts, and of unknown ids for the reconciler to report", function () {
    const result = scopeStatusReport(report({ transactions: [{ endToEndId: "EV-1-0-H", status: "ACSC" }, { endToEndId: "EV-9-9-H", status: "RJCT", reasonCode: "AM04" }] }), carried, known);
    expect(result.statuses.map((s) => s.endToEndId)).to.deep.equal(["EV-1-0-H", "EV-9-9-H"]);
    expect(result.exceptions).to.deep.equal([]);
  });

  it("drops a rejection of a payout that has gone out in another message since", function () {
    const result = scopeStatusReport(report({ transactions: [{ endToEndId: "EV-3-0-H", status: "RJCT", reasonCode: "AM04" }] }), carried, known);
    expect(result.statuses).to.deep.equal([]);
    expect(codes(result.exceptions)).to.deep.equal([["STATUS_OF_EARLIER_MESSAGE", "EV-3-0-H"]]);
  });

  it("never takes the bank's duplicate controls for rejections: DUPL per payment, DU01 per file", function () {
    const dupl = scopeStatusReport(report({ transactions: [{ endToEndId: "EV-1-0-H", status: "RJCT", reasonCode: "DUPL", reasonText: "Already paid" }] }), carried, known);
    expect(dupl.statuses).to.deep.equal([]);
    expect(codes(dupl.exceptions)).to.deep.equal([["BANK_REPORTS_DUPLICATE", "EV-1-0-H"]]);
    expect(dupl.exceptions[0].message).to.contain("Already paid");

    const du01 = scopeStatusReport(report({ groupStatus: "RJCT", groupReasonCode: "DU01" }), carried, known);
    expect(du01.statuses).to.deep.equal([]);
    expect(codes(du01.exceptions)).to.deep.equal([["BANK_REPORTS_DUPLICATE", null]]);
  });

  it("spreads a rejection of one payment block over that block's payouts only", function () {
    const result = scopeStatusReport(
      report({ groupStatus: "PART", paymentInformation: [{ originalPaymentInformationId: "EVPAIN-20260101-AAAAAA-0001-1", status: "RJCT", reasonCode: "AC06" }] }),
      carried,
      known,
    );
    expect(result.statuses).to.deep.equal([
      { endToEndId: "EV-1-0-H", status: "RJCT", reasonCode: "AC06", reasonText: undefined },
      { endToEndId: "EV-1-1-H", status: "RJCT", reasonCode: "AC06", reasonText: undefined },
    ]);
    expect(result.exceptions).to.deep.equal([]);
  });

  it("spreads a rejection of the whole message over every carried payout it does not name", function () {
    const result = scopeStatusReport(report({ groupStatus: "RJCT", groupReasonCode: "FF01", transactions: [{ endToEndId: "EV-1-0-H", status: "RJCT", reasonCode: "AM04" }] }), carried, known);
    expect(result.statuses.map((s) => [s.endToEndId, s.reasonCode])).to.deep.equal([
      ["EV-1-0-H", "AM04"],
      ["EV-1-1-H", "FF01"],
      ["EV-2-0-H", "FF01"],
    ]);
  });

  it("reports a block or message rejection that covers no waiting payout", function () {
    const block = scopeStatusReport(report({ paymentInformation: [{ originalPaymentInformationId: "SOMETHING-ELSE", status: "RJCT" }] }), carried, known);
    expect(codes(block.exceptions)).to.deep.equal([["REJECTION_MATCHES_NOTHING", null]]);
    expect(block.exceptions[0].message).to.contain("payment block SOMETHING-ELSE");

    const group = scopeStatusReport(report({ groupStatus: "RJCT", groupReasonCode: "FF01" }), [], known);
    expect(group.statuses).to.deep.equal([]);
    expect(codes(group.exceptions)).to.deep.equal([["REJECTION_MATCHES_NOTHING", null]]);
  });
});
