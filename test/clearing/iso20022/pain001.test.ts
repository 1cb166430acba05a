/**
 * pain.001.001.10 as the clearing engine sends it: valid against the official XSD for one and for 200
 * payouts, with names that need escaping, and with a control sum that is exact to the fen. Malformed input is
 * refused before any XML exists, naming the field; the XSD check is shown to bite on edited messages.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { XMLParser } from "fast-xml-parser";
import { Pain001InputError } from "../../../src/clearing/iso20022/errors.js";
import { buildPain001, type Pain001Input } from "../../../src/clearing/iso20022/pain001.js";
import { validateAgainstSchema } from "../../../src/clearing/iso20022/validate.js";
import type { BankAccount, Payout } from "../../../src/clearing/types.js";
import { cnyToFen } from "../../../src/sdk/money.js";
import { testUscc } from "../../helpers/uscc.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCHEMA_DIR = path.resolve(REPO_ROOT, "../shared/iso20022");

const ISSUER_ACCOUNT: BankAccount = {
  name: "上海华东重工集团有限公司",
  accountNumber: "31050161393600001234",
  cnaps: "105290036005",
  bankName: "中国建设银行股份有限公司上海浦东分行",
};

function creditor(n: number, name = `苏州精密零件有限公司第${n}分公司`): BankAccount {
  return { name, accountNumber: `6222${String(n).padStart(15, "0")}`, cnaps: "103305054016", bankName: "中国农业银行苏州工业园区支行" };
}

function payout(n: number, amount: bigint): Payout {
  return { voucherId: 42n, pieceId: (42n << 16n) | BigInt(n), role: "holder", payee: `0x${n.toString(16).padStart(40, "0")}`, amount, endToEndId: `EV-42-${n}-H` };
}

function input(transactions: Pain001Input["transactions"], overrides: Partial<Pain001Input> = {}): Pain001Input {
  return {
    messageId: "EVCLR-20250315-105290036005-01",
    createdAt: new Date("2025-03-15T00:00:00Z"),
    requestedExecutionDate: "2025-03-17",
    debtor: { name: ISSUER_ACCOUNT.name, uscc: testUscc(1), account: ISSUER_ACCOUNT },
    transactions,
    ...overrides,
  };
}

// The parser's default options decode XML's predefined entities, as a bank's would.
const read = (xml: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === "CdtTrfTxInf" }).parse(xml).Document.CstmrCdtTrfInitn;

async function expectValid(xml: string) {
  const result = await validateAgainstSchema(xml, "pain.001.001.10", SCHEMA_DIR);
  expect(result.errors).to.deep.equal([]);
  expect(result.valid).to.equal(true);
}

describe("clearing: pain.001.001.10 payment instructions", function () {
  this.timeout(30_000);

  it("builds one transfer that validates against the official XSD, with every field in place", async function () {
    const xml = buildPain001(input([{ payout: payout(0, 123456n), creditor: creditor(1) }]));
    await expectValid(xml);
    expect(xml).to.include(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.10">`);

    const message = read(xml);
    expect(message.GrpHdr).to.deep.include({ MsgId: "EVCLR-20250315-105290036005-01", CreDtTm: "2025-03-15T08:00:00+08:00", NbOfTxs: "1", CtrlSum: "1234.56" });
    expect(message.GrpHdr.InitgPty.Id.OrgId.Othr).to.deep.equal({ Id: testUscc(1), SchmeNm: { Prtry: "USCC" } });
    const block = message.PmtInf;
    expect(block).to.deep.include({ PmtInfId: "EVCLR-20250315-105290036005-01", PmtMtd: "TRF", BtchBookg: "false", NbOfTxs: "1", CtrlSum: "1234.56", ChrgBr: "DEBT" });
    expect(block.ReqdExctnDt).to.deep.equal({ Dt: "2025-03-17" });
    expect(block.Dbtr.Nm).to.equal("上海华东重工集团有限公司");
    expect(block.DbtrAcct.Id.Othr.Id).to.equal("31050161393600001234");
    expect(block.DbtrAgt.FinInstnId.ClrSysMmbId).to.deep.equal({ ClrSysId: { Cd: "CNAPS" }, MmbId: "105290036005" });

    const [tx] = block.CdtTrfTxInf;
    expect(tx.PmtId).to.deep.equal({ InstrId: "EV-42-0-H", EndToEndId: "EV-42-0-H" });
    expect(tx.Amt.InstdAmt).to.deep.equal({ "#text": "1234.56", "@_Ccy": "CNY" });
    expect(tx.CdtrAgt.FinInstnId).to.deep.equal({ ClrSysMmbId: { ClrSysId: { Cd: "CNAPS" }, MmbId: "103305054016" }, Nm: "中国农业银行苏州工业园区支行" });
    expect(tx.Cdtr.Nm).to.equal("苏州精密零件有限公司第1分公司");
    expect(tx.CdtrAcct.Id.Othr.Id).to.equal("6222000000000000001");
    expect(tx.RmtInf.Ustrd).to.equal("E-voucher 42 piece 2752512 (holder) maturity payment");
  });

  it("builds 200 transfers that validate, with NbOfTxs and a control sum exact to the fen", async function () {
    // 0.01, 0.11, 0.21 … CNY: amounts a float sum gets wrong.
    const transactions = Array.from({ length: 200 }, (_, i) => ({ payout: payout(i, 1n + 10n * BigInt(i)), creditor: creditor(i + 1) }));
    const xml = buildPain001(input(transactions));
    await expectValid(xml);

    const message = read(xml);
    // 200 × 1 + 10 × (0 + 1 + … + 199) = 200 + 199,000 = 199,200 fen.
    expect(message.GrpHdr.NbOfTxs).to.equal("200");
    expect(message.GrpHdr.CtrlSum).to.equal("1992.00");
    expect(message.PmtInf.CtrlSum).to.equal("1992.00");
    expect(message.PmtInf.CdtTrfTxInf).to.have.length(200);
    const amounts = message.PmtInf.CdtTrfTxInf.map((tx: { Amt: { InstdAmt: { "#text": string } } }) => cnyToFen(tx.Amt.InstdAmt["#text"]));
    expect(amounts.reduce((a: bigint, b: bigint) => a + b, 0n)).to.equal(199_200n);
    expect(message.PmtInf.CdtTrfTxInf[199].PmtId.EndToEndId).to.equal("EV-42-199-H");
    expect(message.PmtInf.CdtTrfTxInf[199].Amt.InstdAmt["#text"]).to.equal("19.91");
  });

  it("keeps the control sum exact beyond what a double can hold", async function () {
    // 2^53 + 1 fen is not a double; the sum must still come out to the last fen.
    const xml = buildPain001(input([
      { payout: payout(0, 9_007_199_254_740_993n), creditor: creditor(1) },
      { payout: payout(1, 1n), creditor: creditor(2) },
    ]));
    await expectValid(xml);
    expect(read(xml).GrpHdr.CtrlSum).to.equal("90071992547409.94");
    expect(xml).to.include(`<InstdAmt Ccy="CNY">90071992547409.93</InstdAmt>`);
  });

  it("escapes & < > \" ' in names and keeps Chinese text as written, still valid", async function () {
    const tricky = `A&B <精工> "机电" 'Co' 有限公司`;
    const xml = buildPain001(input([{ payout: payout(0, 50_000n), creditor: creditor(1, tricky) }], {
      debtor: { name: `华东 & "重工" <集团>`, uscc: testUscc(1), account: { ...ISSUER_ACCOUNT, bankName: "建行 <浦东> & 分行" } },
    }));
    await expectValid(xml);
    expect(xml).to.include(`<Nm>A&amp;B &lt;精工&gt; &quot;机电&quot; &apos;Co&apos; 有限公司</Nm>`);
    const message = read(xml);
    expect(message.PmtInf.CdtTrfTxInf[0].Cdtr.Nm).to.equal(tricky);
    expect(message.PmtInf.Dbtr.Nm).to.equal(`华东 & "重工" <集团>`);
    expect(message.GrpHdr.InitgPty.Nm).to.equal(`华东 & "重工" <集团>`);
    expect(message.PmtInf.DbtrAgt.FinInstnId.Nm).to.equal("建行 <浦东> & 分行");
  });

  it("accepts a 140-character Chinese name (characters, not bytes, count)", async function () {
    const name = "华".repeat(140);
    const xml = buildPain001(input([{ payout: payout(0, 1n), creditor: creditor(1, name) }]));
    await expectValid(xml);
    expect(read(xml).PmtInf.CdtTrfTxInf[0].Cdtr.Nm).to.equal(name);
  });

  describe("refuses malformed input, naming the field", function () {
    const one = (p: Partial<Payout> = {}, c: Partial<BankAccount> = {}) => [{ payout: { ...payout(0, 100n), ...p }, creditor: { ...creditor(1), ...c } }];
    const cases: Array<[string, () => Pain001Input, string]> = [
      ["no transactions", () => input([]), "transactions"],
      ["a zero amount", () => input(one({ amount: 0n })), "transactions[0].payout.amount"],
      ["a negative amount", () => input(one({ amount: -100n })), "transactions[0].payout.amount"],
      ["an 11-digit CNAPS code", () => input(one({}, { cnaps: "10330505401" })), "transactions[0].creditor.cnaps"],
      ["a 13-digit CNAPS code", () => input(one({}, { cnaps: "1033050540160" })), "transactions[0].creditor.cnaps"],
      ["a CNAPS code with a letter", () => input(one(), { debtor: { name: "X", uscc: testUscc(1), account: { ...ISSUER_ACCOUNT, cnaps: "10529003600A" } } }), "debtor.account.cnaps"],
      ["a 36-character EndToEndId", () => input(one({ endToEndId: "EV-" + "1".repeat(33) })), "transactions[0].payout.endToEndId"],
      ["an empty EndToEndId", () => input(one({ endToEndId: "" })), "transactions[0].payout.endToEndId"],
      ["a 36-character MsgId", () => input(one(), { messageId: "M".repeat(36) }), "messageId"],
      ["a 141-character creditor name", () => input(one({}, { name: "华".repeat(141) })), "transactions[0].creditor.name"],
      ["a 141-character debtor name", () => input(one(), { debtor: { name: "D".repeat(141), uscc: testUscc(1), account: ISSUER_ACCOUNT } }), "debtor.name"],
      ["a name with a control character", () => input(one({}, { name: "Bad\u0007Bell Co" })), "transactions[0].creditor.name"],
      ["an account number with spaces", () => input(one({}, { accountNumber: "6222 0000 1111" })), "transactions[0].creditor.accountNumber"],
      ["an invalid USCC", () => input(one(), { debtor: { name: "X", uscc: "913100000000000000", account: ISSUER_ACCOUNT } }), "debtor.uscc"],
      ["an impossible execution date", () => input(one(), { requestedExecutionDate: "2025-02-30" }), "requestedExecutionDate"],
      ["an invalid creation time", () => input(one(), { createdAt: new Date(Number.NaN) }), "createdAt"],
      [
        "the same EndToEndId twice",
        () => input([{ payout: payout(0, 100n), creditor: creditor(1) }, { payout: { ...payout(1, 200n), endToEndId: "EV-42-0-H" }, creditor: creditor(2) }]),
        "transactions[1].payout.endToEndId",
      ],
    ];
    for (const [what, make, field] of cases) {
      it(`${what} → ${field}`, function () {
        const bad = make();
        let thrown: unknown;
        try {
          buildPain001(bad);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).to.be.instanceOf(Pain001InputError);
        expect((thrown as Pain001InputError).field).to.equal(field);
        expect((thrown as Error).message).to.include(`pain.001 ${field}:`);
      });
    }
  });

  describe("the XSD check really rejects", function () {
    let good: string;
    before(function () {
      good = buildPain001(input([{ payout: payout(0, 100n), creditor: creditor(1) }, { payout: payout(1, 200n), creditor: creditor(2) }]));
    });

    it("a transfer whose EndToEndId was removed", async function () {
      const edited = good.replace("<EndToEndId>EV-42-1-H</EndToEndId>", "");
      expect(edited).to.not.equal(good);
      const result = await validateAgainstSchema(edited, "pain.001.001.10", SCHEMA_DIR);
      expect(result.valid).to.equal(false);
      expect(result.errors).to.have.length(1);
      expect(result.errors[0]).to.match(/^line \d+: .*PmtId.*EndToEndId/);
    });

    it("a CNAPS member id longer than the schema's 35 characters", async function () {
      const edited = good.replace("<MmbId>103305054016</MmbId>", `<MmbId>${"1".repeat(36)}</MmbId>`);
      const result = await validateAgainstSchema(edited, "pain.001.001.10", SCHEMA_DIR);
      expect(result.valid).to.equal(false);
      expect(result.errors.join("\n")).to.match(/MmbId.*maxLength/);
    });

    it("but not an 11-digit CNAPS code: the XSD allows any Max35Text, which is why buildPain001 checks 12 digits", async function () {
      const edited = good.replace("<MmbId>103305054016</MmbId>", "<MmbId>10330505401</MmbId>");
      expect(edited).to.not.equal(good);
      expect(await validateAgainstSchema(edited, "pain.001.001.10", SCHEMA_DIR)).to.deep.equal({ valid: true, errors: [] });
    });

    it("a clearing-system code longer than ExternalClearingSystemIdentification1Code's 5 characters", async function () {
      const edited = good.replace("<Cd>CNAPS</Cd>", "<Cd>CNCNAPS</Cd>");
      const result = await validateAgainstSchema(edited, "pain.001.001.10", SCHEMA_DIR);
      expect(result.valid).to.equal(false);
      expect(result.errors.join("\n")).to.match(/Cd.*maxLength/);
    });

    it("an amount with six decimals (the schema allows five)", async function () {
      const edited = good.replace(`<InstdAmt Ccy="CNY">1.00</InstdAmt>`, `<InstdAmt Ccy="CNY">1.000001</InstdAmt>`);
      expect(edited).to.not.equal(good);
      const result = await validateAgainstSchema(edited, "pain.001.001.10", SCHEMA_DIR);
      expect(result.valid).to.equal(false);
      expect(result.errors.join("\n")).to.match(/InstdAmt.*fractionDigits/);
    });

    it("an amount without its currency", async function () {
      const edited = good.replace(`<InstdAmt Ccy="CNY">1.00</InstdAmt>`, `<InstdAmt>1.00</InstdAmt>`);
      expect(edited).to.not.equal(good);
      const result = await validateAgainstSchema(edited, "pain.001.001.10", SCHEMA_DIR);
      expect(result.valid).to.equal(false);
      expect(result.errors.join("\n")).to.match(/Ccy/);
    });
  });
});
