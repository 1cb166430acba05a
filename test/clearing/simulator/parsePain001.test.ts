/**
 * The simulator reads the engine's pain.001 exactly (amounts to the fen, names with escaped characters,
 * every payment block with its own debtor) and refuses, as a BankMessageError with a code, anything it
 * should not execute.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { BankMessageError } from "../../../src/clearing/iso20022/errors.js";
import { identifyPain001, parsePain001 } from "../../../src/clearing/simulator/pain001Read.js";
import { instruction, ISSUER, ISSUER_B, multiDebtorInstruction, payout, supplier } from "./fixtures.js";

function refusal(xml: string): BankMessageError {
  try {
    parsePain001(xml);
  } catch (error) {
    expect(error).to.be.instanceOf(BankMessageError);
    return error as BankMessageError;
  }
  expect.fail("parsePain001 accepted the message");
}

describe("clearing bank simulator: reading pain.001", function () {
  const xml = instruction("EVPAIN-7-1", [payout(7n, 0, 123456n), payout(7n, 1, 1n, "pledgee")]);

  it("reads every field the bank executes on, amounts in exact fen", function () {
    expect(parsePain001(xml)).to.deep.equal({
      messageId: "EVPAIN-7-1",
      messageNameId: "pain.001.001.10",
      payments: [
        {
          paymentInformationId: "EVPAIN-7-1-1",
          requestedExecutionDate: "2025-03-17",
          debtor: { name: "上海华东重工集团有限公司", accountNumber: ISSUER.accountNumber, cnaps: "105290036005" },
          transactions: [
            {
              instructionId: "EV-7-0-H",
              endToEndId: "EV-7-0-H",
              amount: 123456n,
              currency: "CNY",
              creditor: { name: "苏州精密零件 & 配件有限公司1", accountNumber: supplier(1).accountNumber, cnaps: "103305054016" },
              remittanceInformation: "E-voucher 7 piece 458752 (holder) maturity payment",
            },
            {
              instructionId: "EV-7-1-P",
              endToEndId: "EV-7-1-P",
              amount: 1n,
              currency: "CNY",
              creditor: { name: "苏州精密零件 & 配件有限公司2", accountNumber: supplier(2).accountNumber, cnaps: "103305054016" },
              remittanceInformation: "E-voucher 7 piece 458753 (pledgee) maturity payment",
            },
          ],
        },
      ],
    });
  });

  it("names the message version from its namespace", function () {
    expect(parsePain001(xml.replace("pain.001.001.10", "pain.001.001.09")).messageNameId).to.equal("pain.001.001.09");
  });

  it("refuses what is not a readable pain.001", function () {
    expect(refusal("not xml <").code).to.equal("NOT_XML");
    expect(refusal(`<!DOCTYPE d [<!ENTITY x "y">]>${xml}`).code).to.equal("DTD_NOT_ALLOWED");
    const statusReport = readFileSync(new URL("../iso20022/samples/pain.002.001.11-accepted.xml", import.meta.url), "utf8");
    expect(refusal(statusReport).code).to.equal("UNKNOWN_MESSAGE");
  });

  it("refuses a transaction without EndToEndId or with an amount finer than a fen", function () {
    expect(refusal(xml.replace("<EndToEndId>EV-7-1-P</EndToEndId>", "")).code).to.equal("MISSING_ELEMENT");
    const precise = refusal(xml.replace(">1234.56</InstdAmt>", ">1234.561</InstdAmt>"));
    expect(precise.code).to.equal("BAD_AMOUNT");
    expect(precise.message).to.include("EV-7-0-H");
  });

  it("refuses a file whose counts or control sum do not match its transactions", function () {
    const second = xml.slice(xml.lastIndexOf("<CdtTrfTxInf>"), xml.lastIndexOf("</CdtTrfTxInf>") + "</CdtTrfTxInf>".length);
    const truncated = refusal(xml.replace(second, ""));
    expect(truncated.code).to.equal("BAD_VALUE");
    expect(truncated.message).to.include("NbOfTxs says 2, the file holds 1");
    const edited = refusal(xml.replace(">0.01</InstdAmt>", ">0.02</InstdAmt>"));
    expect(edited.code).to.equal("BAD_VALUE");
    expect(edited.message).to.include("CtrlSum 1234.57 does not match");
  });

  describe("with several payment blocks", function () {
    const two = multiDebtorInstruction("EVPAIN-8-1", [
      { debtor: ISSUER, payouts: [payout(8n, 0, 100n), payout(8n, 1, 200n)] },
      { debtor: ISSUER_B, payouts: [payout(9n, 0, 300n)], requestedExecutionDate: "2025-03-18" },
    ]);

    it("reads each block with its own debtor, execution date and transactions, in file order", function () {
      const { payments } = parsePain001(two);
      expect(payments.map((block) => [block.paymentInformationId, block.requestedExecutionDate, block.debtor])).to.deep.equal([
        ["EVPAIN-8-1-1", "2025-03-17", { name: ISSUER.name, accountNumber: ISSUER.accountNumber, cnaps: ISSUER.cnaps }],
        ["EVPAIN-8-1-2", "2025-03-18", { name: ISSUER_B.name, accountNumber: ISSUER_B.accountNumber, cnaps: ISSUER_B.cnaps }],
      ]);
      expect(payments.map((block) => block.transactions.map((tx) => [tx.endToEndId, tx.amount]))).to.deep.equal([
        [["EV-8-0-H", 100n], ["EV-8-1-H", 200n]],
        [["EV-9-0-H", 300n]],
      ]);
    });

    it("refuses a PmtInfId used by two blocks: the status report could not tell them apart", function () {
      const twice = refusal(two.replace("<PmtInfId>EVPAIN-8-1-2</PmtInfId>", "<PmtInfId>EVPAIN-8-1-1</PmtInfId>"));
      expect(twice.code).to.equal("BAD_VALUE");
      expect(twice.message).to.equal("BAD_VALUE: pain.001 EVPAIN-8-1: PmtInfId EVPAIN-8-1-1 appears twice");
    });

    it("checks each block's counts against its own transactions and the group's against all of them", function () {
      // Moving a transaction to the other block keeps the group's counts right but not the blocks'.
      const at = two.indexOf("<CdtTrfTxInf><PmtId><InstrId>EV-8-1-H<");
      const tx = two.slice(at, two.indexOf("</CdtTrfTxInf>", at) + "</CdtTrfTxInf>\n".length);
      const without = two.replace(tx, "");
      const moved = without.slice(0, without.lastIndexOf("</PmtInf>")) + tx + without.slice(without.lastIndexOf("</PmtInf>"));
      expect(moved).to.not.equal(two);
      const block = refusal(moved);
      expect(block.code).to.equal("BAD_VALUE");
      expect(block.message).to.include("PmtInf 1 (EVPAIN-8-1-1): NbOfTxs says 2, the file holds 1");

      const group = refusal(two.replace("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>"));
      expect(group.message).to.include("GrpHdr: NbOfTxs says 2, the file holds 3");
      const sum = refusal(two.replace("<CtrlSum>6.00</CtrlSum>", "<CtrlSum>3.00</CtrlSum>"));
      expect(sum.message).to.include("GrpHdr: CtrlSum 3.00 does not match");
    });

    it("refuses a message with no payment block", function () {
      const none = two.replace(/<PmtInf>[\s\S]*<\/PmtInf>\n/, "");
      expect(refusal(none).message).to.equal("MISSING_ELEMENT: pain.001 EVPAIN-8-1: no PmtInf");
    });
  });

  describe("identifying a file it refuses", function () {
    it("reads the MsgId and version of a readable file, even one it would not execute", function () {
      expect(identifyPain001(xml.replace("<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>"))).to.deep.equal({ messageId: "EVPAIN-7-1", messageNameId: "pain.001.001.10" });
      expect(identifyPain001(xml.replace(/pain\.001\.001\.10/g, "pain.001.001.09")).messageNameId).to.equal("pain.001.001.09");
    });

    it("gives no MsgId for what is not XML, and pain.001.001.10 when no namespace says otherwise", function () {
      expect(identifyPain001("garbage")).to.deep.equal({ messageId: null, messageNameId: "pain.001.001.10" });
      expect(identifyPain001(xml.slice(0, xml.length / 2))).to.deep.equal({ messageId: null, messageNameId: "pain.001.001.10" });
    });
  });
});
