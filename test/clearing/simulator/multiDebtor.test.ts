/**
 * One pain.001 from the clearing bank for several core enterprises: each payment block debits its own
 * debtor's account, so one enterprise's shortfall rejects only its own payouts. The pain.002 reports every
 * block apart, the camt.054 notifies each debited account apart, and both read back through the engine's
 * parser with every EndToEndId's status and amount.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { XMLParser } from "fast-xml-parser";
import { parseBankMessage } from "../../../src/clearing/iso20022/parse.js";
import { BankSimulator } from "../../../src/clearing/simulator/bankSimulator.js";
import { bankReference } from "../../../src/clearing/simulator/references.js";
import { clock, expectValid, ISSUER, ISSUER_B, multiDebtorInstruction, payout, supplier, temporaryDirectory } from "./fixtures.js";

const ARRAYS = new Set(["OrgnlPmtInfAndSts", "TxInfAndSts", "Ntfctn", "Ntry"]);
const read = (xml: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => ARRAYS.has(name) }).parse(xml).Document;

interface RawTransactionStatus {
  OrgnlEndToEndId: string;
  TxSts: string;
  OrgnlTxRef: { Amt: { InstdAmt: { "#text": string } }; ReqdExctnDt: { Dt: string } };
}

describe("clearing bank simulator: several core enterprises in one message", function () {
  this.timeout(30_000);

  let dir: string;
  const time = clock("2025-03-17T02:00:00Z");
  const open = () => BankSimulator.open(path.join(dir, "state.json"), { now: time.now });

  beforeEach(async function () {
    dir = await temporaryDirectory();
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("pays the funded enterprise's block, rejects the other's with AM04, and reports and notifies each apart", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_00n);
    await bank.fund(ISSUER_B.accountNumber, 1n); // held here, but short of every payout
    const xml = multiDebtorInstruction("EVPAIN-10-1", [
      { debtor: ISSUER, payouts: [payout(10n, 0, 600_00n), payout(10n, 1, 400_00n, "factor")] },
      { debtor: ISSUER_B, payouts: [payout(11n, 0, 250_00n), payout(11n, 1, 2n)], creditors: [supplier(3), supplier(4)], requestedExecutionDate: "2025-03-18" },
    ]);
    const answers = await bank.processInstruction(xml);
    await expectValid(answers.pain002, "pain.002.001.11");
    await expectValid(answers.camt054, "camt.054.001.08");

    const report = parseBankMessage(answers.pain002);
    if (report.kind !== "pain.002") expect.fail(`expected a pain.002, got ${report.kind}`);
    expect(report.originalMessageId).to.equal("EVPAIN-10-1");
    expect(report.groupStatus).to.equal("PART");
    expect(report.paymentInformation).to.deep.equal([
      { originalPaymentInformationId: "EVPAIN-10-1-1", status: "ACSC" },
      { originalPaymentInformationId: "EVPAIN-10-1-2", status: "RJCT" },
    ]);
    expect(report.transactions).to.deep.equal([
      { endToEndId: "EV-10-0-H", status: "ACSC" },
      { endToEndId: "EV-10-1-F", status: "ACSC" },
      { endToEndId: "EV-11-0-H", status: "RJCT", reasonCode: "AM04", reasonText: "Insufficient funds: 0.01 CNY available, 250.00 CNY instructed" },
      { endToEndId: "EV-11-1-H", status: "RJCT", reasonCode: "AM04", reasonText: "Insufficient funds: 0.01 CNY available, 0.02 CNY instructed" },
    ]);
    // Amounts and execution dates as each block instructed them, and the counts per block and for the group.
    const raw = read(answers.pain002).CstmrPmtStsRpt;
    const reported = raw.OrgnlPmtInfAndSts.flatMap((block: { TxInfAndSts: RawTransactionStatus[] }) =>
      block.TxInfAndSts.map((tx) => [tx.OrgnlEndToEndId, tx.TxSts, tx.OrgnlTxRef.Amt.InstdAmt["#text"], tx.OrgnlTxRef.ReqdExctnDt.Dt]),
    );
    expect(reported).to.deep.equal([
      ["EV-10-0-H", "ACSC", "600.00", "2025-03-17"],
      ["EV-10-1-F", "ACSC", "400.00", "2025-03-17"],
      ["EV-11-0-H", "RJCT", "250.00", "2025-03-18"],
      ["EV-11-1-H", "RJCT", "0.02", "2025-03-18"],
    ]);
    expect(raw.OrgnlGrpInfAndSts).to.deep.include({ OrgnlNbOfTxs: "4", OrgnlCtrlSum: "1250.02", GrpSts: "PART" });
    expect(raw.OrgnlPmtInfAndSts.map((block: { OrgnlNbOfTxs: string; OrgnlCtrlSum: string }) => [block.OrgnlNbOfTxs, block.OrgnlCtrlSum])).to.deep.equal([
      ["2", "1000.00"],
      ["2", "250.02"],
    ]);

    // Only the debited account is notified: one Ntfctn, for the first enterprise, with its two bookings.
    const notification = parseBankMessage(answers.camt054!);
    if (notification.kind !== "camt.054") expect.fail(`expected a camt.054, got ${notification.kind}`);
    expect(notification.entries.map((entry) => [entry.endToEndId, entry.amount, entry.creditDebit, entry.status, entry.bankReference])).to.deep.equal([
      ["EV-10-0-H", 600_00n, "DBIT", "BOOK", bankReference("EVPAIN-10-1", "EV-10-0-H")],
      ["EV-10-1-F", 400_00n, "DBIT", "BOOK", bankReference("EVPAIN-10-1", "EV-10-1-F")],
    ]);
    const [only, ...others] = read(answers.camt054!).BkToCstmrDbtCdtNtfctn.Ntfctn;
    expect(others).to.deep.equal([]);
    expect(only.Acct.Id.Othr.Id).to.equal(ISSUER.accountNumber);

    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(0n);
    expect(bank.balanceOf(ISSUER_B.accountNumber)).to.equal(1n);
    expect(bank.journal().map((entry) => [entry.endToEndId, entry.debtorAccount])).to.deep.equal([
      ["EV-10-0-H", ISSUER.accountNumber],
      ["EV-10-1-F", ISSUER.accountNumber],
    ]);
  });

  it("debits each block's own debtor and notifies each debited account in its own Ntfctn", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 500_00n);
    await bank.fund(ISSUER_B.accountNumber, 300_00n);
    // The first enterprise twice (two execution dates): its bookings share one Ntfctn, in file order.
    const xml = multiDebtorInstruction("EVPAIN-12-1", [
      { debtor: ISSUER, payouts: [payout(12n, 0, 100_00n)] },
      { debtor: ISSUER_B, payouts: [payout(13n, 0, 300_00n), payout(13n, 1, 1n)] },
      { debtor: ISSUER, payouts: [payout(14n, 0, 400_00n)], requestedExecutionDate: "2025-03-18" },
    ]);
    const answers = await bank.processInstruction(xml);
    await expectValid(answers.pain002, "pain.002.001.11");
    await expectValid(answers.camt054, "camt.054.001.08");

    const report = parseBankMessage(answers.pain002);
    if (report.kind !== "pain.002") expect.fail(`expected a pain.002, got ${report.kind}`);
    expect(report.paymentInformation.map((block) => block.status)).to.deep.equal(["ACSC", "PART", "ACSC"]);
    expect(report.transactions.map((tx) => [tx.endToEndId, tx.status, tx.reasonCode])).to.deep.equal([
      ["EV-12-0-H", "ACSC", undefined],
      ["EV-13-0-H", "ACSC", undefined],
      ["EV-13-1-H", "RJCT", "AM04"],
      ["EV-14-0-H", "ACSC", undefined],
    ]);

    const notifications = read(answers.camt054!).BkToCstmrDbtCdtNtfctn.Ntfctn;
    type RawEntry = { Amt: { "#text": string }; NtryDtls: { TxDtls: { Refs: { EndToEndId: string; PmtInfId: string } } } };
    expect(
      notifications.map((n: { Id: string; Acct: { Id: { Othr: { Id: string } } }; Ntry: RawEntry[] }) => ({
        account: n.Acct.Id.Othr.Id,
        entries: n.Ntry.map((entry) => [entry.NtryDtls.TxDtls.Refs.EndToEndId, entry.NtryDtls.TxDtls.Refs.PmtInfId, entry.Amt["#text"]]),
      })),
    ).to.deep.equal([
      { account: ISSUER.accountNumber, entries: [["EV-12-0-H", "EVPAIN-12-1-1", "100.00"], ["EV-14-0-H", "EVPAIN-12-1-3", "400.00"]] },
      { account: ISSUER_B.accountNumber, entries: [["EV-13-0-H", "EVPAIN-12-1-2", "300.00"]] },
    ]);
    expect(new Set(notifications.map((n: { Id: string }) => n.Id)).size).to.equal(2);

    const notification = parseBankMessage(answers.camt054!);
    expect(notification.kind === "camt.054" && notification.entries.map((entry) => [entry.endToEndId, entry.amount])).to.deep.equal([
      ["EV-12-0-H", 100_00n],
      ["EV-14-0-H", 400_00n],
      ["EV-13-0-H", 300_00n],
    ]);
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(0n);
    expect(bank.balanceOf(ISSUER_B.accountNumber)).to.equal(0n);
  });

  it("sends no notification when no block booked anything", async function () {
    const bank = await open();
    await bank.fund(ISSUER_B.accountNumber, 1n);
    const answers = await bank.processInstruction(multiDebtorInstruction("EVPAIN-15-1", [
      { debtor: ISSUER, payouts: [payout(15n, 0, 100n)] },
      { debtor: ISSUER_B, payouts: [payout(16n, 0, 100n)] },
    ]));
    expect(answers.camt054).to.equal(null);
    const report = parseBankMessage(answers.pain002);
    expect(report.kind === "pain.002" && report.transactions.map((tx) => [tx.endToEndId, tx.reasonCode])).to.deep.equal([
      ["EV-15-0-H", "AC02"],
      ["EV-16-0-H", "AM04"],
    ]);
    expect(report.kind === "pain.002" && report.groupStatus).to.equal("RJCT");
    await expectValid(answers.pain002, "pain.002.001.11");
  });
});
