/**
 * The simulator on the bank's end of the engine's host-to-host directories: the engine sends with
 * `FileBankAdapter`, the simulator answers into the inbox, the engine receives and acknowledges. A
 * simulator that dies between executing and filing its answers, or between filing them and recording
 * that, files the very same answers on restart and pays nothing twice.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { FileBankAdapter } from "../../../src/clearing/bank/fileBankAdapter.js";
import { parseBankMessage } from "../../../src/clearing/iso20022/parse.js";
import { BankSimulator } from "../../../src/clearing/simulator/bankSimulator.js";
import { bankReference } from "../../../src/clearing/simulator/references.js";
import { clock, instruction, ISSUER, payout, temporaryDirectory } from "./fixtures.js";

describe("clearing bank simulator: host-to-host outbox", function () {
  this.timeout(30_000);

  let root: string;
  let stateFile: string;
  let dirs: { outbox: string; inbox: string; archive: string };
  let engine: FileBankAdapter;
  const time = clock("2025-03-17T02:00:00Z");
  const open = () => BankSimulator.open(stateFile, { now: time.now });

  beforeEach(async function () {
    root = await temporaryDirectory();
    stateFile = path.join(root, "bank-state.json");
    dirs = { outbox: path.join(root, "out"), inbox: path.join(root, "in"), archive: path.join(root, "archive") };
    engine = new FileBankAdapter(dirs);
    await engine.init();
  });

  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  it("answers each instruction the engine sends once, with a notification and a status report it can read", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_00n);
    await engine.send({ name: "EVPAIN-1-1.xml", xml: instruction("EVPAIN-1-1", [payout(1n, 0, 600_00n), payout(1n, 1, 500_00n)]) });

    expect(await bank.processOutbox(dirs)).to.deep.equal({
      answered: [{ file: "EVPAIN-1-1.xml", messageId: "EVPAIN-1-1", written: ["EVPAIN-1-1-camt054.xml", "EVPAIN-1-1-pain002.xml"] }],
      refused: [],
    });
    const received = await engine.receive();
    expect(received.map((m) => m.name)).to.deep.equal(["EVPAIN-1-1-camt054.xml", "EVPAIN-1-1-pain002.xml"]);
    const [notification, report] = received.map((m) => parseBankMessage(m.xml));
    expect(notification.kind === "camt.054" && notification.entries).to.deep.equal([
      { endToEndId: "EV-1-0-H", amount: 600_00n, currency: "CNY", creditDebit: "DBIT", reversal: false, status: "BOOK", bankReference: bankReference("EVPAIN-1-1", "EV-1-0-H"), bookingDate: "2025-03-17" },
    ]);
    expect(report.kind === "pain.002" && report.transactions).to.deep.equal([
      { endToEndId: "EV-1-0-H", status: "ACSC" },
      { endToEndId: "EV-1-1-H", status: "RJCT", reasonCode: "AM04", reasonText: "Insufficient funds: 400.00 CNY available, 500.00 CNY instructed" },
    ]);
    for (const message of received) await engine.acknowledge(message.name);

    // Answered is answered: neither this simulator nor a restarted one answers the file again.
    expect(await bank.processOutbox(dirs)).to.deep.equal({ answered: [], refused: [] });
    expect(await (await open()).processOutbox(dirs)).to.deep.equal({ answered: [], refused: [] });
    expect(await engine.receive()).to.deep.equal([]);
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(400_00n);
  });

  it("files the same answers when it died after executing but before filing them", async function () {
    const xml = instruction("EVPAIN-2-1", [payout(2n, 0, 100_00n)]);
    await engine.send({ name: "EVPAIN-2-1.xml", xml });
    const crashed = await open();
    await crashed.fund(ISSUER.accountNumber, 100_00n);
    const executed = await crashed.processInstruction(xml); // executed and recorded, nothing filed yet

    time.set("2025-03-18T09:00:00Z");
    const restarted = await open();
    expect((await restarted.processOutbox(dirs)).answered.map((a) => a.file)).to.deep.equal(["EVPAIN-2-1.xml"]);
    expect(await readFile(path.join(dirs.inbox, "EVPAIN-2-1-pain002.xml"), "utf8")).to.equal(executed.pain002);
    expect(await readFile(path.join(dirs.inbox, "EVPAIN-2-1-camt054.xml"), "utf8")).to.equal(executed.camt054);
    expect(restarted.balanceOf(ISSUER.accountNumber)).to.equal(0n);
    expect(restarted.journal().map((e) => e.endToEndId)).to.deep.equal(["EV-2-0-H"]);
  });

  it("files identical answers again when it died after filing them but before recording it", async function () {
    await engine.send({ name: "EVPAIN-3-1.xml", xml: instruction("EVPAIN-3-1", [payout(3n, 0, 70_00n), payout(3n, 1, 30_00n)]) });
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 100_00n);
    await bank.processOutbox(dirs);
    const firstAnswers = await engine.receive();
    for (const message of firstAnswers) await engine.acknowledge(message.name);

    // The state as it stood after executing, before the file was recorded as answered.
    const saved = JSON.parse(await readFile(stateFile, "utf8"));
    delete saved.files["EVPAIN-3-1.xml"];
    await writeFile(stateFile, JSON.stringify(saved));

    time.set("2025-03-20T09:00:00Z");
    const restarted = await open();
    expect((await restarted.processOutbox(dirs)).answered.map((a) => a.written)).to.deep.equal([["EVPAIN-3-1-camt054.xml", "EVPAIN-3-1-pain002.xml"]]);
    const again = await engine.receive();
    expect(again).to.deep.equal(firstAnswers); // byte for byte, so the engine recognises them by name
    expect(restarted.balanceOf(ISSUER.accountNumber)).to.equal(0n);
    expect(restarted.journal().map((e) => e.endToEndId)).to.deep.equal(["EV-3-0-H", "EV-3-1-H"]);
  });

  it("refuses an unreadable file once and for all, skips files still being written, and goes on with the rest", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 10_00n);
    await engine.send({ name: "EVPAIN-4-0.xml", xml: "<Document><CstmrCdtTrfInitn>" });
    await engine.send({ name: "EVPAIN-4-1.xml", xml: instruction("EVPAIN-4-1", [payout(4n, 0, 10_00n)]) });
    await writeFile(path.join(dirs.outbox, ".EVPAIN-4-2.xml.77.tmp"), "<partial");

    const report = await bank.processOutbox(dirs);
    expect(report.answered.map((a) => a.file)).to.deep.equal(["EVPAIN-4-1.xml"]);
    expect(report.refused.map((r) => [r.file, r.written])).to.deep.equal([["EVPAIN-4-0.xml", ["EVPAIN-4-0-pain002.xml"]]]);
    expect(report.refused[0].error).to.match(/^NOT_XML: not well-formed XML/);
    expect(await (await open()).processOutbox(dirs)).to.deep.equal({ answered: [], refused: [] });
    expect((await readdir(dirs.inbox)).sort()).to.deep.equal(["EVPAIN-4-0-pain002.xml", "EVPAIN-4-1-camt054.xml", "EVPAIN-4-1-pain002.xml"]);
  });
});
