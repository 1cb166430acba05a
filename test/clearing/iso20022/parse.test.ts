/**
 * Bank messages back from the clearing bank, read by structure: pain.002 status reports, camt.054 in the
 * .02, .04 and .08 shapes (same payments → same entries) and a camt.053 statement with a batch booking,
 * and the returns of earlier payments (Ntry/RvslInd) in each of them. Anything unreadable is a BankMessageError with a code — never a crash, never an entity expansion.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { BankMessageError, type BankMessageErrorCode } from "../../../src/clearing/iso20022/errors.js";
import { parseBankMessage, parseBankToCustomer, parsePain002 } from "../../../src/clearing/iso20022/parse.js";
import { validateAgainstSchema, type SchemaName } from "../../../src/clearing/iso20022/validate.js";
import type { BookedEntry } from "../../../src/clearing/types.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCHEMA_DIR = path.resolve(REPO_ROOT, "../shared/iso20022");
const sample = (name: string) => readFileSync(new URL(`./samples/${name}`, import.meta.url), "utf8");

function expectBankError(parse: () => unknown, code: BankMessageErrorCode, fragment?: string | RegExp): BankMessageError {
  let thrown: unknown;
  try {
    parse();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected a BankMessageError").to.be.instanceOf(BankMessageError);
  const error = thrown as BankMessageError;
  expect(error.code).to.equal(code);
  if (typeof fragment === "string") expect(error.message).to.include(fragment);
  else if (fragment) expect(error.message).to.match(fragment);
  return error;
}

const debit = (endToEndId: string | null, amount: bigint, bankReference: string, bookingDate: string): BookedEntry =>
  ({ endToEndId, amount, currency: "CNY", creditDebit: "DBIT", reversal: false, status: "BOOK", bankReference, bookingDate });

/** The return of an earlier payment: a credit to the issuer's account with RvslInd true. */
const reversalOfDebit = (endToEndId: string, amount: bigint, bankReference: string, bookingDate: string): BookedEntry =>
  ({ endToEndId, amount, currency: "CNY", creditDebit: "CRDT", reversal: true, status: "BOOK", bankReference, bookingDate });

/** What camt.054.001.02/.04/.08.xml all report. */
const NOTIFIED: BookedEntry[] = [
  debit("EV-42-0-H", 125_000_000n, "CCB2025031500000123", "2025-03-15"),
  debit("EV-42-1-P", 80_000_000n, "CCB2025031500000124-1", "2025-03-15"),
  debit("EV-42-1-R", 19_999_950n, "CCB2025031500000124-2", "2025-03-15"),
  { endToEndId: null, amount: 10_000n, currency: "CNY", creditDebit: "CRDT", reversal: false, status: "BOOK", bankReference: "CCB2025031500000125", bookingDate: "2025-03-15" },
];

/** What camt.054.001.02/.04/.08-reversal.xml all report: EV-42-0-H returned, RvslInd false, RvslInd absent. */
const NOTIFIED_REVERSAL: BookedEntry[] = [
  reversalOfDebit("EV-42-0-H", 125_000_000n, "CCB2025031800000231", "2025-03-18"),
  debit("EV-46-0-H", 30_000_000n, "CCB2025031800000232", "2025-03-18"),
  debit(null, 2_000n, "CCB2025031800000233", "2025-03-18"),
];

describe("clearing: parsing bank messages (pain.002, camt.054, camt.053)", function () {
  this.timeout(30_000);

  describe("the samples are valid messages", function () {
    const official: Array<[string, SchemaName]> = [
      ["pain.002.001.11-accepted.xml", "pain.002.001.11"],
      ["pain.002.001.11-rejected-am04.xml", "pain.002.001.11"],
      ["pain.002.001.11-group-rejected.xml", "pain.002.001.11"],
      ["camt.054.001.08.xml", "camt.054.001.08"],
      ["camt.053.001.08.xml", "camt.053.001.08"],
      ["camt.054.001.08-reversal.xml", "camt.054.001.08"],
      ["camt.053.001.08-reversal.xml", "camt.053.001.08"],
    ];
    // The .02 and .04 samples have no XSD beside the others (../shared/iso20022 holds only the .08 ones).
    for (const [file, schema] of official) {
      it(`${file} validates against the official ${schema} XSD`, async function () {
        expect(await validateAgainstSchema(sample(file), schema, SCHEMA_DIR)).to.deep.equal({ valid: true, errors: [] });
      });
    }
  });

  describe("pain.002 status reports", function () {
    it("reads an accepted report: every transaction by EndToEndId, with its status", function () {
      expect(parsePain002(sample("pain.002.001.11-accepted.xml"))).to.deep.equal({
        messageId: "CCBPSR2025031500017",
        originalMessageId: "EVCLR-20250315-105290036005-01",
        groupStatus: "ACSC",
        paymentInformation: [{ originalPaymentInformationId: "EVCLR-20250315-105290036005-01", status: "ACSC" }],
        transactions: [
          { endToEndId: "EV-42-0-H", status: "ACSC" },
          { endToEndId: "EV-42-1-P", status: "ACSC" },
          { endToEndId: "EV-42-1-R", status: "ACSP", reasonText: "已提交人民银行大额支付系统 Submitted to HVPS" },
        ],
      });
    });

    it("reads a rejection with reason AM04 and every line of its reason text, entities decoded", function () {
      const report = parsePain002(sample("pain.002.001.11-rejected-am04.xml"));
      expect(report.groupStatus).to.equal("PART");
      expect(report.transactions).to.deep.equal([
        { endToEndId: "EV-43-0-H", status: "ACSC" },
        { endToEndId: "EV-43-1-F", status: "RJCT", reasonCode: "AM04", reasonText: "付款账户可用余额不足 & 透支额度已用尽 Insufficient funds on 31050161393600001234" },
      ]);
    });

    it("decodes character references (decimal and hex) like the text they stand for", function () {
      const xml = sample("pain.002.001.11-rejected-am04.xml").replace("付款账户", "&#x4ED8;&#27454;账户");
      expect(parsePain002(xml).transactions[1].reasonText).to.equal("付款账户可用余额不足 & 透支额度已用尽 Insufficient funds on 31050161393600001234");
    });

    it("reports a group rejection with no transactions, for the caller to apply to the whole original message", function () {
      expect(parsePain002(sample("pain.002.001.11-group-rejected.xml"))).to.deep.equal({
        messageId: "CCBPSR2025031500019",
        originalMessageId: "EVCLR-20250315-105290036005-03",
        groupStatus: "RJCT",
        groupReasonCode: "DT01",
        groupReasonText: "要求执行日期2025-03-16为非工作日 Requested execution date is not a business day",
        paymentInformation: [],
        transactions: [],
      });
    });

    it("gives a transaction without its own TxSts the status of its payment block, else of the group", function () {
      const withoutTxSts = sample("pain.002.001.11-accepted.xml").replace("<TxSts>ACSC</TxSts>", "").replace("<GrpSts>ACSC</GrpSts>", "<GrpSts>ACCP</GrpSts>");
      const blockStatus = withoutTxSts.replace("<PmtInfSts>ACSC</PmtInfSts>", "<PmtInfSts>ACTC</PmtInfSts>");
      expect(parsePain002(blockStatus).transactions[0]).to.deep.equal({ endToEndId: "EV-42-0-H", status: "ACTC" });
      const groupStatus = withoutTxSts.replace("<PmtInfSts>ACSC</PmtInfSts>", "");
      expect(parsePain002(groupStatus).transactions[0]).to.deep.equal({ endToEndId: "EV-42-0-H", status: "ACCP" });
      const none = groupStatus.replace("<GrpSts>ACCP</GrpSts>", "");
      expectBankError(() => parsePain002(none), "MISSING_ELEMENT", "(EV-42-0-H): TxSts is missing and no group status applies");
    });

    it("refuses a status entry without OrgnlEndToEndId: it could not be matched", function () {
      const xml = sample("pain.002.001.11-accepted.xml").replace("<OrgnlEndToEndId>EV-42-1-P</OrgnlEndToEndId>", "");
      expectBankError(() => parsePain002(xml), "MISSING_ELEMENT", "OrgnlPmtInfAndSts 1, TxInfAndSts 2: OrgnlEndToEndId is missing");
    });

    it("refuses a camt.054 handed to parsePain002", function () {
      expectBankError(() => parsePain002(sample("camt.054.001.08.xml")), "UNKNOWN_MESSAGE", "expected pain.002, got camt.054");
    });
  });

  describe("camt.054 notifications in any version", function () {
    it("reads .08: one entry per transaction, batch split, NOTPROVIDED as no EndToEndId, BookgDt/DtTm as its date", function () {
      const notification = parseBankToCustomer(sample("camt.054.001.08.xml"));
      expect(notification.kind).to.equal("camt.054");
      expect(notification.messageId).to.equal("CCBNTF2025031500042");
      expect(notification.entries).to.deep.equal(NOTIFIED);
    });

    it("reads .02 (bare Sts, amounts under AmtDtls/TxAmt, none on a single transaction) to the same entries", function () {
      const notification = parseBankToCustomer(sample("camt.054.001.02.xml"));
      expect(notification).to.deep.equal({ kind: "camt.054", messageId: "CCBNTF2025031500042", entries: NOTIFIED });
    });

    it("reads .04 with prefixed elements (ns4:) and split NtryDtls to the same entries", function () {
      const notification = parseBankToCustomer(sample("camt.054.001.04.xml"));
      expect(notification).to.deep.equal({ kind: "camt.054", messageId: "CCBNTF2025031500042", entries: NOTIFIED });
    });

    it("reads a message element sent without the Document wrapper", function () {
      const xml = sample("camt.054.001.08.xml")
        .replace(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">`, "")
        .replace("</Document>", "")
        .replace("<BkToCstmrDbtCdtNtfctn>", `<BkToCstmrDbtCdtNtfctn xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">`);
      expect(parseBankToCustomer(xml).entries).to.deep.equal(NOTIFIED);
    });

    it("reads a Document inside a business envelope beside its AppHdr", function () {
      const body = sample("camt.054.001.08.xml").replace(`<?xml version="1.0" encoding="UTF-8"?>`, "");
      const xml = `<?xml version="1.0" encoding="UTF-8"?><BizMsg><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><BizMsgIdr>CCBNTF2025031500042</BizMsgIdr></AppHdr>${body}</BizMsg>`;
      expect(parseBankToCustomer(xml).entries).to.deep.equal(NOTIFIED);
      expectBankError(() => parseBankMessage(xml.replaceAll("BkToCstmrDbtCdtNtfctn", "BkToCstmrAcctRpt")), "UNKNOWN_MESSAGE", "found BizMsg/Document/BkToCstmrAcctRpt");
    });

    it("keeps a pending entry's status and an entry's own Prtry status", function () {
      const xml = sample("camt.054.001.08.xml")
        .replace("<Sts><Cd>BOOK</Cd></Sts>", "<Sts><Cd>PDNG</Cd></Sts>")
        .replace(/(<NtryRef>3<\/NtryRef>[\s\S]*?)<Sts><Cd>BOOK<\/Cd><\/Sts>/, "$1<Sts><Prtry>HOLD</Prtry></Sts>");
      const statuses = parseBankToCustomer(xml).entries.map((entry) => entry.status);
      expect(statuses).to.deep.equal(["PDNG", "BOOK", "BOOK", "HOLD"]);
    });

    it("refuses a batch entry whose transactions carry no amount: the total must not be booked to each", function () {
      const xml = sample("camt.054.001.08.xml").replace(`<Amt Ccy="CNY">800000.00</Amt>`, "");
      expectBankError(() => parseBankToCustomer(xml), "MISSING_ELEMENT", "Ntfctn 1, Ntry 2 (CCB2025031500000124), TxDtls 1: no transaction amount in a batch entry");
    });

    it("refuses a credit/debit indicator other than CRDT or DBIT", function () {
      const xml = sample("camt.054.001.02.xml").replace("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CREDIT</CdtDbtInd>");
      expectBankError(() => parseBankToCustomer(xml), "BAD_VALUE", 'Ntfctn 1, Ntry 3 (CCB2025031500000125): CdtDbtInd must be CRDT or DBIT, got "CREDIT"');
    });

    it("refuses an entry without a status", function () {
      const xml = sample("camt.054.001.04.xml").replace("<ns4:Sts>BOOK</ns4:Sts>", "");
      expectBankError(() => parseBankToCustomer(xml), "MISSING_ELEMENT", "Ntfctn 1, Ntry 1 (CCB2025031500000123): Sts is missing");
    });
  });

  describe("camt.053 statements", function () {
    it("reads every entry of the statement, the batch booking as its three payouts under their own references", function () {
      const statement = parseBankToCustomer(sample("camt.053.001.08.xml"));
      expect(statement.kind).to.equal("camt.053");
      expect(statement.messageId).to.equal("CCBSTM20250317001");
      expect(statement.entries).to.deep.equal([
        { endToEndId: "HT2025-0311-77", amount: 300_000_000n, currency: "CNY", creditDebit: "CRDT", reversal: false, status: "BOOK", bankReference: "CCB2025031700000301", bookingDate: "2025-03-17" },
        debit("EV-44-0-H", 45_000_000n, "CCB2025031700000302", "2025-03-17"),
        debit("EV-45-0-H", 60_000_000n, "CCB2025031700000303-01", "2025-03-17"),
        debit("EV-45-1-P", 50_000_000n, "CCB2025031700000303-02", "2025-03-17"),
        debit("EV-45-1-R", 10_000_000n, "CCB2025031700000303-03", "2025-03-17"),
        debit(null, 2_550n, "CCB2025031700000304", "2025-03-17"),
      ]);
    });

    it("adds up to the statement's own debit total, to the fen", function () {
      const debits = parseBankToCustomer(sample("camt.053.001.08.xml")).entries.filter((entry) => entry.creditDebit === "DBIT");
      // TxsSummry/TtlDbtNtries/Sum is 1650025.50.
      expect(debits.reduce((sum, entry) => sum + entry.amount, 0n)).to.equal(165_002_550n);
    });
  });

  describe("reversals (Ntry/RvslInd)", function () {
    it("reads .08: the returned payment as a CRDT reversal, RvslInd false and an absent RvslInd as no reversal", function () {
      expect(parseBankToCustomer(sample("camt.054.001.08-reversal.xml"))).to.deep.equal({ kind: "camt.054", messageId: "CCBNTF2025031800051", entries: NOTIFIED_REVERSAL });
    });

    it("reads .02 and .04 (RvslInd in the same place, between CdtDbtInd and Sts) to the same entries", function () {
      for (const file of ["camt.054.001.02-reversal.xml", "camt.054.001.04-reversal.xml"]) {
        expect(parseBankToCustomer(sample(file)), file).to.deep.equal({ kind: "camt.054", messageId: "CCBNTF2025031800051", entries: NOTIFIED_REVERSAL });
      }
    });

    it("reads a camt.053 statement with a returned payment", function () {
      const statement = parseBankToCustomer(sample("camt.053.001.08-reversal.xml"));
      expect(statement).to.deep.equal({
        kind: "camt.053",
        messageId: "CCBSTM20250318001",
        entries: [
          reversalOfDebit("EV-44-0-H", 45_000_000n, "CCB2025031800000401", "2025-03-18"),
          debit("EV-46-0-H", 30_000_000n, "CCB2025031800000402", "2025-03-18"),
          debit(null, 2_000n, "CCB2025031800000403", "2025-03-18"),
        ],
      });
    });

    it("reports no reversal in messages without any RvslInd", function () {
      const files = ["camt.054.001.02.xml", "camt.054.001.04.xml", "camt.054.001.08.xml", "camt.053.001.08.xml"];
      const reversals = files.flatMap((file) => parseBankToCustomer(sample(file)).entries.map((entry) => entry.reversal));
      expect(reversals).to.have.length(18).and.to.satisfy((all: boolean[]) => all.every((reversal) => reversal === false));
    });

    it("gives every transaction of a reversed batch entry the entry's reversal flag", async function () {
      // The batch booking of camt.053.001.08.xml returned whole: every indicator turned to CRDT, RvslInd true.
      const xml = sample("camt.053.001.08.xml").replace(/<Ntry>(?:(?!<\/Ntry>)[\s\S])*?CCB2025031700000303<[\s\S]*?<\/Ntry>/, (entry) =>
        entry.replaceAll("<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>CRDT</CdtDbtInd>").replace("</CdtDbtInd>", "</CdtDbtInd><RvslInd>true</RvslInd>"),
      );
      expect(await validateAgainstSchema(xml, "camt.053.001.08", SCHEMA_DIR)).to.deep.equal({ valid: true, errors: [] });
      const entries = parseBankToCustomer(xml).entries;
      expect(entries.filter((entry) => entry.reversal).map((entry) => [entry.endToEndId, entry.creditDebit, entry.bankReference])).to.deep.equal([
        ["EV-45-0-H", "CRDT", "CCB2025031700000303-01"],
        ["EV-45-1-P", "CRDT", "CCB2025031700000303-02"],
        ["EV-45-1-R", "CRDT", "CCB2025031700000303-03"],
      ]);
    });

    // Whatever the XSD accepts as xs:boolean the parser reads, and what it refuses the parser refuses.
    it("reads every xs:boolean spelling the schema accepts: true, false, 1, 0, with surrounding spaces", async function () {
      const spellings: Array<[string, boolean]> = [["true", true], ["1", true], [" true ", true], ["false", false], ["0", false], ["\n 0 \n", false]];
      for (const [text, reversal] of spellings) {
        const xml = sample("camt.054.001.08-reversal.xml").replace("<RvslInd>true</RvslInd>", `<RvslInd>${text}</RvslInd>`);
        expect(await validateAgainstSchema(xml, "camt.054.001.08", SCHEMA_DIR), JSON.stringify(text)).to.deep.equal({ valid: true, errors: [] });
        expect(parseBankToCustomer(xml).entries[0].reversal, JSON.stringify(text)).to.equal(reversal);
      }
    });

    it("refuses any other RvslInd, as the schema does, naming the entry", async function () {
      for (const text of ["yes", "TRUE", "True", "2", "", "true false"]) {
        const xml = sample("camt.054.001.08-reversal.xml").replace("<RvslInd>true</RvslInd>", `<RvslInd>${text}</RvslInd>`);
        expect((await validateAgainstSchema(xml, "camt.054.001.08", SCHEMA_DIR)).valid, JSON.stringify(text)).to.equal(false);
        expectBankError(() => parseBankToCustomer(xml), "BAD_VALUE", `Ntfctn 1, Ntry 1 (CCB2025031800000231): RvslInd must be true, false, 1 or 0, got ${JSON.stringify(text)}`);
      }
      const selfClosing = sample("camt.054.001.02-reversal.xml").replace("<RvslInd>false</RvslInd>", "<RvslInd/>");
      expectBankError(() => parseBankToCustomer(selfClosing), "BAD_VALUE", 'Ntfctn 1, Ntry 2 (CCB2025031800000232): RvslInd must be true, false, 1 or 0, got ""');
      const prefixed = sample("camt.054.001.04-reversal.xml").replace("<ns4:RvslInd>true</ns4:RvslInd>", "<ns4:RvslInd>Y</ns4:RvslInd>");
      expectBankError(() => parseBankToCustomer(prefixed), "BAD_VALUE", 'Ntfctn 1, Ntry 1 (CCB2025031800000231): RvslInd must be true, false, 1 or 0, got "Y"');
      const statement = sample("camt.053.001.08-reversal.xml").replace("<RvslInd>false</RvslInd>", "<RvslInd>no</RvslInd>");
      expectBankError(() => parseBankToCustomer(statement), "BAD_VALUE", 'Stmt 1, Ntry 2 (CCB2025031800000402): RvslInd must be true, false, 1 or 0, got "no"');
    });
  });

  describe("parseBankMessage dispatches on the message, whatever its version", function () {
    it("recognises each sample by its message element", function () {
      const kinds = ["pain.002.001.11-accepted.xml", "camt.054.001.02.xml", "camt.054.001.04.xml", "camt.054.001.08.xml", "camt.053.001.08.xml"].map(
        (file) => parseBankMessage(sample(file)).kind,
      );
      expect(kinds).to.deep.equal(["pain.002", "camt.054", "camt.054", "camt.054", "camt.053"]);
    });
  });

  describe("refuses what it cannot read, with a code", function () {
    it("not XML: text, JSON, an empty string, a truncated document, a non-string", function () {
      expectBankError(() => parseBankMessage("Payment accepted, thank you"), "NOT_XML", "not well-formed XML");
      expectBankError(() => parseBankMessage(`{"MsgId":"X"}`), "NOT_XML");
      expectBankError(() => parseBankMessage(""), "NOT_XML", "empty");
      expectBankError(() => parseBankMessage(sample("camt.053.001.08.xml").slice(0, 2000)), "NOT_XML");
      expectBankError(() => parseBankMessage(Buffer.from("<a/>") as unknown as string), "NOT_XML", "expected the message as a string");
    });

    it("an unknown message: our own pain.001, or some other XML", function () {
      const pain001 = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.10"><CstmrCdtTrfInitn><GrpHdr><MsgId>X</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>`;
      expectBankError(() => parseBankMessage(pain001), "UNKNOWN_MESSAGE", "found Document/CstmrCdtTrfInitn");
      expectBankError(() => parseBankToCustomer(`<html><body>502 Bad Gateway</body></html>`), "UNKNOWN_MESSAGE", "found html");
    });

    it("a message without its group header MsgId", function () {
      const xml = sample("camt.053.001.08.xml").replace("<MsgId>CCBSTM20250317001</MsgId>", "");
      expectBankError(() => parseBankToCustomer(xml), "MISSING_ELEMENT", "camt.053 group header: GrpHdr/MsgId is missing or empty");
    });

    it("an amount with three decimals, naming the entry", function () {
      const xml = sample("camt.054.001.08.xml").replace(`<Amt Ccy="CNY">800000.00</Amt>`, `<Amt Ccy="CNY">800000.001</Amt>`);
      expectBankError(() => parseBankToCustomer(xml), "BAD_AMOUNT", 'Ntfctn 1, Ntry 2 (CCB2025031500000124), TxDtls 1: amount "800000.001" is not exact in fen');
    });

    it("amounts that are not plain decimals, or lack a currency", function () {
      const entryAmount = `<Amt Ccy="CNY">1250000.00</Amt>\n        <CdtDbtInd>`;
      for (const bad of ["1.25E6", "-100.00", "1,250,000.00"]) {
        const xml = sample("camt.054.001.08.xml").replace(entryAmount, `<Amt Ccy="CNY">${bad}</Amt>\n        <CdtDbtInd>`);
        expectBankError(() => parseBankToCustomer(xml), "BAD_AMOUNT", "Ntfctn 1, Ntry 1 (CCB2025031500000123)");
      }
      const noCurrency = sample("camt.054.001.08.xml").replace(entryAmount, `<Amt>1250000.00</Amt>\n        <CdtDbtInd>`);
      expectBankError(() => parseBankToCustomer(noCurrency), "BAD_VALUE", "has no valid Ccy attribute");
    });

    it("a billion-laughs payload, at once and without expanding anything", function () {
      const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("");
      const bomb = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY lol0 "lol">${lol}]><Document><BkToCstmrStmt><GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></BkToCstmrStmt></Document>`;
      const started = performance.now();
      expectBankError(() => parseBankMessage(bomb), "DTD_NOT_ALLOWED");
      expect(performance.now() - started).to.be.below(100);
    });

    it("an undeclared entity reference without a DTD stays literal text: nothing to expand", function () {
      const xml = sample("camt.054.001.08.xml").replace("<MsgId>CCBNTF2025031500042</MsgId>", "<MsgId>&lol9;</MsgId>");
      expect(parseBankToCustomer(xml).messageId).to.equal("&lol9;");
    });

    it("a message over the size limit, before parsing it", function () {
      const xml = sample("camt.053.001.08.xml");
      expectBankError(() => parseBankToCustomer(xml, { maxChars: 1_000 }), "TOO_LARGE", `message of ${xml.length} characters exceeds the limit of 1000`);
      expect(parseBankToCustomer(xml, { maxChars: xml.length }).entries).to.have.length(6);
    });

    it("elements nested absurdly deep", function () {
      const deep = `<Document><BkToCstmrStmt>${"<X>".repeat(500)}${"</X>".repeat(500)}</BkToCstmrStmt></Document>`;
      expectBankError(() => parseBankMessage(deep), "NOT_XML", /nest/i);
    });
  });
});
