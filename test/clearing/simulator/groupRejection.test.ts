/**
 * A file the bank cannot execute at all is answered, as real banks do, with a file-level rejection: a
 * pain.002 whose group status is RJCT with the reason — FF01 for a file it cannot read (or whose counts do
 * not add up), DU01 for a MsgId already used by a different instruction — and no transaction statuses, so
 * the engine applies it to every payout of that message. Answered once; after a crash, with the same bytes.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { FileBankAdapter } from "../../../src/clearing/bank/fileBankAdapter.js";
import { parseBankMessage } from "../../../src/clearing/iso20022/parse.js";
import { BankSimulator } from "../../../src/clearing/simulator/bankSimulator.js";
import { clock, expectValid, instruction, ISSUER, payout, temporaryDirectory } from "./fixtures.js";

describe("clearing bank simulator: group rejection of a file it cannot execute", function () {
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
    time.set("2025-03-17T02:00:00Z");
  });

  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  /** The one answer in the inbox named `name`, checked against the XSD and read as the engine reads it. */
  async function rejection(name: string) {
    const xml = await readFile(path.join(dirs.inbox, name), "utf8");
    await expectValid(xml, "pain.002.001.11");
    const report = parseBankMessage(xml);
    if (report.kind !== "pain.002") expect.fail(`expected a pain.002, got ${report.kind}`);
    return { xml, report };
  }

  const full = instruction("EVPAIN-20-1", [payout(20n, 0, 100_00n), payout(20n, 1, 200_00n)]);
  const unreadable: Array<[string, string, RegExp]> = [
    ["garbage", "this is not a payment instruction \u0001 at all", /^NOT_XML: /],
    ["a truncated file", full.slice(0, Math.floor(full.length / 2)), /^NOT_XML: /],
    ["a well-formed file that is not a pain.001", `<?xml version="1.0"?><Document><Something/></Document>`, /^UNKNOWN_MESSAGE: /],
  ];
  for (const [what, content, error] of unreadable) {
    it(`answers ${what} with GrpSts RJCT FF01 for the MsgId its name gives, pain.001.001.10`, async function () {
      const bank = await open();
      await bank.fund(ISSUER.accountNumber, 1_000_00n);
      await engine.send({ name: "EVPAIN-20-1.xml", xml: content });

      const report = await bank.processOutbox(dirs);
      expect(report.answered).to.deep.equal([]);
      expect(report.refused.map((r) => [r.file, r.written])).to.deep.equal([["EVPAIN-20-1.xml", ["EVPAIN-20-1-pain002.xml"]]]);
      expect(report.refused[0].error).to.match(error);

      const { xml, report: status } = await rejection("EVPAIN-20-1-pain002.xml");
      expect(status).to.deep.include({ originalMessageId: "EVPAIN-20-1", groupStatus: "RJCT", groupReasonCode: "FF01", paymentInformation: [], transactions: [] });
      expect(status.groupReasonText).to.match(error);
      expect(xml).to.include("<OrgnlMsgNmId>pain.001.001.10</OrgnlMsgNmId>");
      expect(xml).to.include("<CreDtTm>2025-03-17T10:00:00+08:00</CreDtTm>");
      expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(1_000_00n);
      expect(bank.journal()).to.deep.equal([]);
    });
  }

  it("names the file's own MsgId and version when it is readable but its counts do not add up", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_00n);
    // The second transaction dropped in transit: the group and block counts still say two.
    const cut = full.slice(full.lastIndexOf("<CdtTrfTxInf>"), full.lastIndexOf("</CdtTrfTxInf>") + "</CdtTrfTxInf>\n".length);
    await engine.send({ name: "EVPAIN-20-1-copy.xml", xml: full.replace(cut, "").replace("pain.001.001.10", "pain.001.001.09") });

    const report = await bank.processOutbox(dirs);
    expect(report.refused[0].error).to.include("NbOfTxs says 2, the file holds 1");
    const { xml, report: status } = await rejection("EVPAIN-20-1-copy-pain002.xml");
    expect(status).to.deep.include({ originalMessageId: "EVPAIN-20-1", groupStatus: "RJCT", groupReasonCode: "FF01", transactions: [] });
    expect(xml).to.include("<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>");
    expect(bank.journal()).to.deep.equal([]);
  });

  it("answers a reused MsgId with different content with DU01, pays nothing, and leaves the first answers alone", async function () {
    const bank = await open();
    await bank.fund(ISSUER.accountNumber, 1_000_00n);
    await engine.send({ name: "EVPAIN-21-1.xml", xml: instruction("EVPAIN-21-1", [payout(21n, 0, 100_00n)]) });
    await bank.processOutbox(dirs);
    const first = await readFile(path.join(dirs.inbox, "EVPAIN-21-1-pain002.xml"), "utf8");

    // The same MsgId under another name, paying something else.
    await engine.send({ name: "EVPAIN-21-1-resent.xml", xml: instruction("EVPAIN-21-1", [payout(21n, 1, 200_00n)]) });
    const report = await bank.processOutbox(dirs);
    expect(report).to.deep.equal({
      answered: [],
      refused: [{ file: "EVPAIN-21-1-resent.xml", error: "BAD_VALUE: MsgId EVPAIN-21-1 was already used by a different instruction", written: ["EVPAIN-21-1-resent-pain002.xml"] }],
    });
    const { xml, report: status } = await rejection("EVPAIN-21-1-resent-pain002.xml");
    expect(status).to.deep.include({ originalMessageId: "EVPAIN-21-1", groupStatus: "RJCT", groupReasonCode: "DU01", transactions: [] });
    // Its own report id: not the first instruction's report under the same MsgId.
    expect(status.messageId).to.not.equal(parseBankMessage(first).messageId);
    expect(xml).to.not.equal(first);
    expect(await readFile(path.join(dirs.inbox, "EVPAIN-21-1-pain002.xml"), "utf8")).to.equal(first);
    expect(bank.hasExecuted("EV-21-1-H")).to.equal(false);
    expect(bank.balanceOf(ISSUER.accountNumber)).to.equal(900_00n);
  });

  it("answers once: a second run, by this simulator or a restarted one, writes nothing new", async function () {
    const bank = await open();
    await engine.send({ name: "EVPAIN-22-1.xml", xml: "garbage" });
    await bank.processOutbox(dirs);
    const answered = await engine.receive();
    expect(answered.map((m) => m.name)).to.deep.equal(["EVPAIN-22-1-pain002.xml"]);
    for (const message of answered) await engine.acknowledge(message.name);

    expect(await bank.processOutbox(dirs)).to.deep.equal({ answered: [], refused: [] });
    expect(await (await open()).processOutbox(dirs)).to.deep.equal({ answered: [], refused: [] });
    expect(await readdir(dirs.inbox)).to.deep.equal([]);
  });

  it("files the same bytes again when it died after recording the refusal but before recording the file as answered", async function () {
    await engine.send({ name: "EVPAIN-23-1.xml", xml: "<Document><CstmrCdtTrfInitn>" });
    await (await open()).processOutbox(dirs);
    const firstAnswers = await engine.receive();
    for (const message of firstAnswers) await engine.acknowledge(message.name);

    // The state as it stood after the refusal was recorded, before the file was marked answered.
    const saved = JSON.parse(await readFile(stateFile, "utf8"));
    expect(saved.refusals["EVPAIN-23-1.xml"]).to.include({ reasonCode: "FF01", originalMessageId: "EVPAIN-23-1" });
    delete saved.files["EVPAIN-23-1.xml"];
    await writeFile(stateFile, JSON.stringify(saved));

    time.set("2025-03-20T09:00:00Z");
    const restarted = await open();
    expect((await restarted.processOutbox(dirs)).refused.map((r) => r.written)).to.deep.equal([["EVPAIN-23-1-pain002.xml"]]);
    expect(await engine.receive()).to.deep.equal(firstAnswers);
  });

  it("records but cannot answer a file whose name cannot name an answer", async function () {
    const bank = await open();
    const name = `EVPAIN-${"9".repeat(40)}.xml`;
    await engine.send({ name, xml: "garbage" });
    const report = await bank.processOutbox(dirs);
    expect(report.refused).to.deep.equal([{ file: name, error: report.refused[0].error, written: [] }]);
    expect(await readdir(dirs.inbox)).to.deep.equal([]);
    expect(await bank.processOutbox(dirs)).to.deep.equal({ answered: [], refused: [] });
  });
});
