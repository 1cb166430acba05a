/**
 * The simulator reads the engine's pain.001 exactly (amounts to the fen, names with escaped characters)
 * and refuses, as a BankMessageError with a code, anything it should not execute.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { BankMessageError } from "../../../src/clearing/iso20022/errors.js";
import { parsePain001 } from "../../../src/clearing/simulator/pain001Read.js";
import { instruction, ISSUER, payout, supplier } from "./fixtures.js";

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
      paymentInformationId: "EVPAIN-7-1",
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

  it("refuses more than one payment block", function () {
    const block = xml.slice(xml.indexOf("<PmtInf>"), xml.indexOf("</PmtInf>") + "</PmtInf>".length);
    const twice = refusal(xml.replace(block, block + "\n" + block));
    expect(twice.code).to.equal("BAD_VALUE");
    expect(twice.message).to.include("expected exactly one PmtInf, found 2");
  });
});
