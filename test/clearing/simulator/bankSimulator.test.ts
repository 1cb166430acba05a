/**
 * The simulated clearing bank executes real pain.001 instructions: it pays in file order while the
 * debtor's balance lasts (AM04 after), never pays an EndToEndId twice (DUPL), answers an instruction seen
 * again with the very same files, and keeps all of it across restarts. Its answers validate against the
 * official XSDs and read back, value for value, through the engine's own parsers.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { BankMessageError } from "../../../src/clearing/iso20022/errors.js";
import { parseBankToCustomer, parsePain002 } from "../../../src/clearing/iso20022/parse.js";
import { BankSimulator } from "../../../src/clearing/simulator/bankSimulator.js";
import { bankReference } from "../../../src/clearing/simulator/references.js";
import { clock, expectValid, instruction, ISSUER, payout, supplier, temporaryDirectory } from "./fixtures.js";

describe("clearing bank simulator", function () {
  this.timeout(30_000);

  let dir: string;
  let stateFile: string;
  // 17:30 UTC is 01:30 the next day in Beijing: the bank's booking day is the 17th.
  const time = clock("2025-03-16T17:30:00Z");

  beforeEach(async function () {
    dir = await temporaryDirectory();
    stateFile = path.join(dir, "bank", "state.json");
    time.set("2025-03-16T17:30:00Z");
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const open = () => BankSimulator.open(stateFile, { now: time.now });

  it("pays every transaction of a funded debtor, moves balances exactly, and reports each booking", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_000_00n);
    await bank.fund(supplier(1).accountNumber, 5_00n); // supplier 1 banks here too; supplier 2 elsewhere
    const payouts = [payout(1n, 0, 250_000_00n), payout(1n, 1, 123_456_78n, "factor")];
    const answers = await bank.processInstruction(instruction("EVPAIN-1-1", payouts));

    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(1_000_000_00n - 250_000_00n - 123_456_78n);
    expect(bank.balanceOf(supplier(1).accountNumber)).to.equal(250_005_00n);
    expect(bank.balanceOf(supplier(2).accountNumber)).to.equal(null); // external: recorded, not kept

    const status = parsePain002(answers.pain002);
    expect(status.originalMessageId).to.equal("EVPAIN-1-1");
    expect(status.groupStatus).to.equal("ACSC");
    expect(status.paymentInformation).to.deep.equal([{ originalPaymentInformationId: "EVPAIN-1-1-1", status: "ACSC" }]);
    expect(status.transactions).to.deep.equal([
      { endToEndId: "EV-1-0-H", status: "ACSC" },
      { endToEndId: "EV-1-1-F", status: "ACSC" },
    ]);

    const references = [bankReference("EVPAIN-1-1", "EV-1-0-H"), bankReference("EVPAIN-1-1", "EV-1-1-F")];
    const notification = parseBankToCustomer(answers.camt054!);
    expect(notification.kind).to.equal("camt.054");
    expect(notification.entries).to.deep.equal([
      { endToEndId: "EV-1-0-H", amount: 250_000_00n, currency: "CNY", creditDebit: "DBIT", reversal: false, status: "BOOK", bankReference: references[0], bookingDate: "2025-03-17" },
      { endToEndId: "EV-1-1-F", amount: 123_456_78n, currency: "CNY", creditDebit: "DBIT", reversal: false, status: "BOOK", bankReference: references[1], bookingDate: "2025-03-17" },
    ]);
    expect(answers.camt054).to.include("<BookgDt><DtTm>2025-03-17T01:30:00+08:00</DtTm></BookgDt>");
    expect(answers.camt054).to.include("<Nm>苏州精密零件 &amp; 配件有限公司1</Nm>");

    expect(bank.journal()).to.deep.equal([
      { endToEndId: "EV-1-0-H", messageId: "EVPAIN-1-1", debtorAccount: ISSUER.accountNumber, creditorAccount: supplier(1).accountNumber, creditorCnaps: "103305054016", creditorName: supplier(1).name, amount: 250_000_00n, bookedAt: "2025-03-16T17:30:00.000Z", bankReference: references[0] },
      { endToEndId: "EV-1-1-F", messageId: "EVPAIN-1-1", debtorAccount: ISSUER.accountNumber, creditorAccount: supplier(2).accountNumber, creditorCnaps: "103305054016", creditorName: supplier(2).name, amount: 123_456_78n, bookedAt: "2025-03-16T17:30:00.000Z", bankReference: references[1] },
    ]);
    await expectValid(answers.pain002, "pain.002.001.11");
    await expectValid(answers.camt054, "camt.054.001.08");
  });

  it("pays in file order while the balance lasts and rejects the rest with AM04", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 500_00n);
    const payouts = [payout(2n, 0, 300_00n), payout(2n, 1, 400_00n), payout(2n, 2, 200_00n)];
    const answers = await bank.processInstruction(instruction("EVPAIN-2-1", payouts));

    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(0n);
    const status = parsePain002(answers.pain002);
    expect(status.groupStatus).to.equal("PART");
    expect(status.transactions).to.deep.equal([
      { endToEndId: "EV-2-0-H", status: "ACSC" },
      { endToEndId: "EV-2-1-H", status: "RJCT", reasonCode: "AM04", reasonText: "Insufficient funds: 200.00 CNY available, 400.00 CNY instructed" },
      { endToEndId: "EV-2-2-H", status: "ACSC" },
    ]);
    expect(answers.pain002).to.include("<NbOfTxsPerSts><DtldNbOfTxs>2</DtldNbOfTxs><DtldSts>ACSC</DtldSts><DtldCtrlSum>500.00</DtldCtrlSum></NbOfTxsPerSts>");
    expect(parseBankToCustomer(answers.camt054!).entries.map((e) => [e.endToEndId, e.amount])).to.deep.equal([
      ["EV-2-0-H", 300_00n],
      ["EV-2-2-H", 200_00n],
    ]);
    expect(bank.hasExecuted("EV-2-1-H")).to.equal(false);
    await expectValid(answers.pain002, "pain.002.001.11");
    await expectValid(answers.camt054, "camt.054.001.08");
  });

  it("books nothing and sends no notification when nothing fits; a later instruction pays once funded", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 99n);
    const rejected = await bank.processInstruction(instruction("EVPAIN-3-1", [payout(3n, 0, 100n)]));
    expect(rejected.camt054).to.equal(null);
    const status = parsePain002(rejected.pain002);
    expect(status.groupStatus).to.equal("RJCT");
    expect(status.transactions.map((t) => [t.status, t.reasonCode])).to.deep.equal([["RJCT", "AM04"]]);
    await expectValid(rejected.pain002, "pain.002.001.11");

    // The engine retries the rejected payout under a new MsgId with the same EndToEndId.
    await bank.fund(ISSUER.accountNumber, 1n);
    const retried = await bank.processInstruction(instruction("EVPAIN-3-2", [payout(3n, 0, 100n)]));
    expect(parsePain002(retried.pain002).transactions).to.deep.equal([{ endToEndId: "EV-3-0-H", status: "ACSC" }]);
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(0n);
  });

  it("never pays an EndToEndId twice: a later instruction repeating it is rejected DUPL", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 10_000_00n);
    await bank.processInstruction(instruction("EVPAIN-4-1", [payout(4n, 0, 1_000_00n)]));
    const again = await bank.processInstruction(instruction("EVPAIN-4-2", [payout(4n, 0, 1_000_00n), payout(4n, 1, 2_000_00n)]));

    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(7_000_00n);
    expect(parsePain002(again.pain002).transactions).to.deep.equal([
      { endToEndId: "EV-4-0-H", status: "RJCT", reasonCode: "DUPL", reasonText: `Already paid under EVPAIN-4-1, ref ${bankReference("EVPAIN-4-1", "EV-4-0-H")}` },
      { endToEndId: "EV-4-1-H", status: "ACSC" },
    ]);
    expect(parseBankToCustomer(again.camt054!).entries.map((e) => e.endToEndId)).to.deep.equal(["EV-4-1-H"]);
    expect(bank.journal().map((e) => e.endToEndId)).to.deep.equal(["EV-4-0-H", "EV-4-1-H"]);
    await expectValid(again.pain002, "pain.002.001.11");
  });

  it("answers an instruction seen again with identical files and moves nothing, even after a restart", async function () {
    const first = await open();
    await first.fund(ISSUER.accountNumber, 700_00n);
    const xml = instruction("EVPAIN-5-1", [payout(5n, 0, 300_00n), payout(5n, 1, 500_00n)]);
    const answers = await first.processInstruction(xml);
    expect(await first.processInstruction(xml)).to.deep.equal(answers);

    time.set("2025-04-01T08:00:00Z"); // a restart on another day changes nothing either
    const restarted = await open();
    expect(await restarted.processInstruction(xml)).to.deep.equal(answers);
    expect(restarted.balanceOf(ISSUER.accountNumber)).to.equal(400_00n);
    expect(restarted.journal().map((e) => e.endToEndId)).to.deep.equal(["EV-5-0-H"]);
    // Funds arriving later do not turn the recorded AM04 into a payment under the same message.
    await restarted.fund(ISSUER.accountNumber, 1_000_00n);
    expect(await restarted.processInstruction(xml)).to.deep.equal(answers);
    expect(restarted.balanceOf(ISSUER.accountNumber)).to.equal(1_400_00n);
  });

  it("refuses a different instruction under a MsgId already executed, paying nothing", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_00n);
    await bank.processInstruction(instruction("EVPAIN-6-1", [payout(6n, 0, 100_00n)]));
    const error = await bank.processInstruction(instruction("EVPAIN-6-1", [payout(6n, 1, 200_00n)])).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BankMessageError);
    expect((error as BankMessageError).message).to.equal("BAD_VALUE: MsgId EVPAIN-6-1 was already used by a different instruction");
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(900_00n);
    expect(bank.hasExecuted("EV-6-1-H")).to.equal(false);
  });

  it("rejects every payment from an account it does not keep with AC02", async function () {
    const bank = await open();
    const answers = await bank.processInstruction(instruction("EVPAIN-8-1", [payout(8n, 0, 1n), payout(8n, 1, 2n)]));
    expect(parsePain002(answers.pain002).transactions.map((t) => [t.status, t.reasonCode, t.reasonText])).to.deep.equal([
      ["RJCT", "AC02", `Account ${ISSUER.accountNumber} is not held at this bank`],
      ["RJCT", "AC02", `Account ${ISSUER.accountNumber} is not held at this bank`],
    ]);
    expect(answers.camt054).to.equal(null);
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(null);
  });

  it("keeps balances, journal and executed EndToEndIds in its state file across reopening", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_00n);
    await bank.fund(supplier(1).accountNumber, 0n);
    await bank.processInstruction(instruction("EVPAIN-9-1", [payout(9n, 0, 600_00n)]));

    const reopened = await open();
    expect(reopened.balanceOf(ISSUER.accountNumber)).to.equal(400_00n);
    expect(reopened.balanceOf(supplier(1).accountNumber)).to.equal(600_00n);
    expect(reopened.journal()).to.deep.equal(bank.journal());
    expect(reopened.hasExecuted("EV-9-0-H")).to.equal(true);
    const again = await reopened.processInstruction(instruction("EVPAIN-9-2", [payout(9n, 0, 600_00n)]));
    expect(parsePain002(again.pain002).transactions[0].reasonCode).to.equal("DUPL");
    expect(reopened.balanceOf(ISSUER.accountNumber)).to.equal(400_00n);

    // Fen are strings in the file, and no temporary file is left beside it.
    const saved = JSON.parse(await readFile(stateFile, "utf8"));
    expect(saved.accounts).to.deep.equal({ [ISSUER.accountNumber]: "40000", [supplier(1).accountNumber]: "60000" });
    expect(await readdir(path.dirname(stateFile))).to.deep.equal(["state.json"]);
  });

  it("refuses to open a state file it cannot read rather than guess balances", async function () {
    await (await open()).fund(ISSUER.accountNumber, 1n);
    const saved = JSON.parse(await readFile(stateFile, "utf8"));
    saved.accounts[ISSUER.accountNumber] = 1.5;
    await writeFile(stateFile, JSON.stringify(saved));
    const error = await open().catch((e: unknown) => e);
    expect((error as Error).message).to.include(`accounts.${ISSUER.accountNumber} is not an integer number of fen`);
  });

  it("funds only whole, non-negative fen to a plausible account number", async function () {
    const bank = await open();
    for (const [account, fen] of [[ISSUER.accountNumber, -1n], [ISSUER.accountNumber, 100 as unknown as bigint], ["../x", 1n], ["", 1n]] as const) {
      const error = await bank.fund(account, fen).catch((e: unknown) => e);
      expect(error, `${account} ${String(fen)}`).to.be.instanceOf(RangeError);
    }
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(null);
  });
});
