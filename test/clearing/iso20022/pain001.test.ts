/**
 * pain.001.001.10 as the clearing engine sends it: valid against the official XSD for one and for 200
 * payouts, with names that need escaping, with a control sum that is exact to the fen, and with several
 * core enterprises (one payment block each) in one message from their clearing bank. Malformed input is
 * refused before any XML exists, naming the field; the XSD check is shown to bite on edited messages.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { XMLParser } from "fast-xml-parser";
import { Pain001InputError } from "../../../src/clearing/iso20022/errors.js";
import { buildPain001, type Pain001Input, type Pain001Payment } from "../../../src/clearing/iso20022/pain001.js";
import { validateAgainstSchema } from "../../../src/clearing/iso20022/validate.js";
import { parsePain001 } from "../../../src/clearing/simulator/pain001Read.js";
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

/** A second core enterprise clearing through the same bank. */
const SECOND_ISSUER_ACCOUNT: BankAccount = {
  name: "上海浦江精工机械股份有限公司",
  accountNumber: "31050161393600005678",
  cnaps: "105290036013",
  bankName: "中国建设银行股份有限公司上海闵行支行",
};

const CLEARING_BANK = { name: "中国建设银行股份有限公司上海市分行", uscc: testUscc(90) };
const MESSAGE_ID = "EVCLR-20250315-105290036005-01";

function creditor(n: number, name = `苏州精密零件有限公司第${n}分公司`): BankAccount {
  return { name, accountNumber: `6222${String(n).padStart(15, "0")}`, cnaps: "103305054016", bankName: "中国农业银行苏州工业园区支行" };
}

function payout(n: number, amount: bigint): Payout {
  return { voucherId: 42n, pieceId: (42n << 16n) | BigInt(n), role: "holder", payee: `0x${n.toString(16).padStart(40, "0")}`, amount, endToEndId: `EV-42-${n}-H` };
}

/** The first core enterprise's payment block. */
function payment(transactions: Pain001Payment["transactions"], overrides: Partial<Pain001Payment> = {}): Pain001Payment {
  return {
    paymentInformationId: `${MESSAGE_ID}-1`,
    requestedExecutionDate: "2025-03-17",
    debtor: { name: ISSUER_ACCOUNT.name, uscc: testUscc(1), account: ISSUER_ACCOUNT },
    transactions,
    ...overrides,
  };
}

/** A message with that one block (`block` overrides its fields, `message` the message's). */
function input(transactions: Pain001Payment["transactions"], block: Partial<Pain001Payment> = {}, message: Partial<Pain001Input> = {}): Pain001Input {
  return { messageId: MESSAGE_ID, createdAt: new Date("2025-03-15T00:00:00Z"), initiatingParty: CLEARING_BANK, payments: [payment(transactions, block)], ...message };
}

/** The second core enterprise's block, paying voucher 43. */
function secondPayment(transactions: Pain001Payment["transactions"], overrides: Partial<Pain001Payment> = {}): Pain001Payment {
  return payment(transactions, {
    paymentInformationId: `${MESSAGE_ID}-2`,
    debtor: { name: SECOND_ISSUER_ACCOUNT.name, uscc: testUscc(2), account: SECOND_ISSUER_ACCOUNT },
    ...overrides,
  });
}

function payoutOf43(n: number, amount: bigint): Payout {
  return { ...payout(n, amount), voucherId: 43n, pieceId: (43n << 16n) | BigInt(n), endToEndId: `EV-43-${n}-H` };
}

// The parser's default options decode XML's predefined entities, as a bank's would.
const read = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === "CdtTrfTxInf" || name === "PmtInf" }).parse(xml).Document.CstmrCdtTrfInitn;

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
    expect(message.GrpHdr.InitgPty).to.deep.equal({ Nm: CLEARING_BANK.name, Id: { OrgId: { Othr: { Id: testUscc(90), SchmeNm: { Prtry: "USCC" } } } } });
    expect(message.PmtInf).to.have.length(1);
    const [block] = message.PmtInf;
    expect(block).to.deep.include({ PmtInfId: "EVCLR-20250315-105290036005-01-1", PmtMtd: "TRF", BtchBookg: "false", NbOfTxs: "1", CtrlSum: "1234.56", ChrgBr: "DEBT" });
    expect(block.ReqdExctnDt).to.deep.equal({ Dt: "2025-03-17" });
    expect(block.Dbtr).to.deep.equal({ Nm: "上海华东重工集团有限公司", Id: { OrgId: { Othr: { Id: testUscc(1), SchmeNm: { Prtry: "USCC" } } } } });
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
    expect(message.PmtInf[0].CtrlSum).to.equal("1992.00");
    expect(message.PmtInf[0].CdtTrfTxInf).to.have.length(200);
    const amounts = message.PmtInf[0].CdtTrfTxInf.map((tx: { Amt: { InstdAmt: { "#text": string } } }) => cnyToFen(tx.Amt.InstdAmt["#text"]));
    expect(amounts.reduce((a: bigint, b: bigint) => a + b, 0n)).to.equal(199_200n);
    expect(message.PmtInf[0].CdtTrfTxInf[199].PmtId.EndToEndId).to.equal("EV-42-199-H");
    expect(message.PmtInf[0].CdtTrfTxInf[199].Amt.InstdAmt["#text"]).to.equal("19.91");
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
    const xml = buildPain001(input(
      [{ payout: payout(0, 50_000n), creditor: creditor(1, tricky) }],
      { paymentInformationId: `P&<1>`, debtor: { name: `华东 & "重工" <集团>`, uscc: testUscc(1), account: { ...ISSUER_ACCOUNT, bankName: "建行 <浦东> & 分行" } } },
      { initiatingParty: { name: `建行 "上海" & 分行`, uscc: testUscc(90) } },
    ));
    await expectValid(xml);
    expect(xml).to.include(`<Nm>A&amp;B &lt;精工&gt; &quot;机电&quot; &apos;Co&apos; 有限公司</Nm>`);
    const message = read(xml);
    const [block] = message.PmtInf;
    expect(block.CdtTrfTxInf[0].Cdtr.Nm).to.equal(tricky);
    expect(block.PmtInfId).to.equal(`P&<1>`);
    expect(block.Dbtr.Nm).to.equal(`华东 & "重工" <集团>`);
    expect(message.GrpHdr.InitgPty.Nm).to.equal(`建行 "上海" & 分行`);
    expect(block.DbtrAgt.FinInstnId.Nm).to.equal("建行 <浦东> & 分行");
  });

  it("accepts a 140-character Chinese name (characters, not bytes, count)", async function () {
    const name = "华".repeat(140);
    const xml = buildPain001(input([{ payout: payout(0, 1n), creditor: creditor(1, name) }]));
    await expectValid(xml);
    expect(read(xml).PmtInf[0].CdtTrfTxInf[0].Cdtr.Nm).to.equal(name);
  });

  describe("several core enterprises in one message", function () {
    // Voucher 42 of the first issuer, due on the 17th; voucher 43 of the second, already past due, on the 15th.
    const first = payment([
      { payout: payout(0, 123_456n), creditor: creditor(1) },
      { payout: payout(1, 1n), creditor: creditor(2) },
    ]);
    const second = secondPayment(
      [
        { payout: payoutOf43(0, 9_007_199_254_740_993n), creditor: creditor(3) },
        { payout: payoutOf43(1, 10n), creditor: creditor(4) },
        { payout: payoutOf43(2, 99n), creditor: creditor(1) },
      ],
      { requestedExecutionDate: "2025-03-15" },
    );
    const xml = buildPain001(input([], {}, { payments: [first, second] }));

    it("validates against the XSD with one payment block per debtor, each with its own account and execution date", async function () {
      await expectValid(xml);
      const message = read(xml);
      expect(message.GrpHdr.InitgPty.Nm).to.equal(CLEARING_BANK.name);
      expect(message.PmtInf.map((block: { PmtInfId: string }) => block.PmtInfId)).to.deep.equal([`${MESSAGE_ID}-1`, `${MESSAGE_ID}-2`]);
      expect(message.PmtInf.map((block: { ReqdExctnDt: { Dt: string } }) => block.ReqdExctnDt.Dt)).to.deep.equal(["2025-03-17", "2025-03-15"]);
      expect(message.PmtInf[1].Dbtr).to.deep.equal({ Nm: SECOND_ISSUER_ACCOUNT.name, Id: { OrgId: { Othr: { Id: testUscc(2), SchmeNm: { Prtry: "USCC" } } } } });
      expect(message.PmtInf[1].DbtrAcct.Id.Othr.Id).to.equal(SECOND_ISSUER_ACCOUNT.accountNumber);
      expect(message.PmtInf[1].DbtrAgt.FinInstnId.ClrSysMmbId.MmbId).to.equal("105290036013");
      expect(message.PmtInf[1].CdtTrfTxInf.map((tx: { PmtId: { EndToEndId: string } }) => tx.PmtId.EndToEndId)).to.deep.equal(["EV-43-0-H", "EV-43-1-H", "EV-43-2-H"]);
    });

    it("counts and sums every transaction in the group header and each block's own in its block, exact to the fen", function () {
      const message = read(xml);
      // 1,234.57 CNY + (90,071,992,547,409.93 + 0.10 + 0.99) CNY: the group sum is beyond a double too.
      expect(message.GrpHdr).to.deep.include({ NbOfTxs: "5", CtrlSum: "90071992548645.59" });
      expect(message.PmtInf.map((block: { NbOfTxs: string; CtrlSum: string }) => [block.NbOfTxs, block.CtrlSum])).to.deep.equal([
        ["2", "1234.57"],
        ["3", "90071992547411.02"],
      ]);

      // The bank's reader checks every count and sum against the transactions, and reads each block apart.
      const instruction = parsePain001(xml);
      expect(instruction.payments.map((block) => ({
        id: block.paymentInformationId,
        date: block.requestedExecutionDate,
        debtor: block.debtor.accountNumber,
        fen: block.transactions.reduce((sum, tx) => sum + tx.amount, 0n),
        ids: block.transactions.map((tx) => tx.endToEndId),
      }))).to.deep.equal([
        { id: `${MESSAGE_ID}-1`, date: "2025-03-17", debtor: ISSUER_ACCOUNT.accountNumber, fen: 123_457n, ids: ["EV-42-0-H", "EV-42-1-H"] },
        { id: `${MESSAGE_ID}-2`, date: "2025-03-15", debtor: SECOND_ISSUER_ACCOUNT.accountNumber, fen: 9_007_199_254_741_102n, ids: ["EV-43-0-H", "EV-43-1-H", "EV-43-2-H"] },
      ]);
      const group = instruction.payments.flatMap((block) => block.transactions).reduce((sum, tx) => sum + tx.amount, 0n);
      expect(cnyToFen(message.GrpHdr.CtrlSum)).to.equal(group);
    });
  });

  describe("refuses malformed input, naming the field", function () {
    const one = (p: Partial<Payout> = {}, c: Partial<BankAccount> = {}) => [{ payout: { ...payout(0, 100n), ...p }, creditor: { ...creditor(1), ...c } }];
    const issuer = (overrides: Partial<Pain001Payment["debtor"]>) => ({ debtor: { name: ISSUER_ACCOUNT.name, uscc: testUscc(1), account: ISSUER_ACCOUNT, ...overrides } });
    const two = (second: Partial<Pain001Payment>) => input(one(), {}, { payments: [payment(one()), secondPayment([{ payout: payoutOf43(0, 300n), creditor: creditor(3) }], second)] });
    const cases: Array<[string, () => Pain001Input, string]> = [
      ["no payment blocks", () => input(one(), {}, { payments: [] }), "payments"],
      ["a block with no transactions", () => input([]), "payments[0].transactions"],
      ["a zero amount", () => input(one({ amount: 0n })), "payments[0].transactions[0].payout.amount"],
      ["a negative amount", () => input(one({ amount: -100n })), "payments[0].transactions[0].payout.amount"],
      ["an amount of 19 digits of fen", () => input(one({ amount: 10n ** 18n })), "payments[0].transactions[0].payout.amount"],
      ["an 11-digit CNAPS code", () => input(one({}, { cnaps: "10330505401" })), "payments[0].transactions[0].creditor.cnaps"],
      ["a 13-digit CNAPS code", () => input(one({}, { cnaps: "1033050540160" })), "payments[0].transactions[0].creditor.cnaps"],
      ["a CNAPS code with a letter", () => input(one(), issuer({ account: { ...ISSUER_ACCOUNT, cnaps: "10529003600A" } })), "payments[0].debtor.account.cnaps"],
      ["a 36-character EndToEndId", () => input(one({ endToEndId: "EV-" + "1".repeat(33) })), "payments[0].transactions[0].payout.endToEndId"],
      ["an empty EndToEndId", () => input(one({ endToEndId: "" })), "payments[0].transactions[0].payout.endToEndId"],
      ["a 36-character MsgId", () => input(one(), {}, { messageId: "M".repeat(36) }), "messageId"],
      ["a 36-character PmtInfId", () => input(one(), { paymentInformationId: "P".repeat(36) }), "payments[0].paymentInformationId"],
      ["a 141-character creditor name", () => input(one({}, { name: "华".repeat(141) })), "payments[0].transactions[0].creditor.name"],
      ["a 141-character debtor name", () => input(one(), issuer({ name: "D".repeat(141) })), "payments[0].debtor.name"],
      ["a name with a control character", () => input(one({}, { name: "Bad\u0007Bell Co" })), "payments[0].transactions[0].creditor.name"],
      ["an account number with spaces", () => input(one({}, { accountNumber: "6222 0000 1111" })), "payments[0].transactions[0].creditor.accountNumber"],
      ["an invalid debtor USCC", () => input(one(), issuer({ uscc: "913100000000000000" })), "payments[0].debtor.uscc"],
      ["an impossible execution date", () => input(one(), { requestedExecutionDate: "2025-02-30" }), "payments[0].requestedExecutionDate"],
      ["an invalid creation time", () => input(one(), {}, { createdAt: new Date(Number.NaN) }), "createdAt"],
      ["no initiating party", () => input(one(), {}, { initiatingParty: undefined as unknown as Pain001Input["initiatingParty"] }), "initiatingParty"],
      ["an empty initiating party name", () => input(one(), {}, { initiatingParty: { name: " ", uscc: testUscc(90) } }), "initiatingParty.name"],
      ["an invalid initiating party USCC", () => input(one(), {}, { initiatingParty: { name: "建行", uscc: "913100000000000000" } }), "initiatingParty.uscc"],
      [
        "the same EndToEndId twice",
        () => input([{ payout: payout(0, 100n), creditor: creditor(1) }, { payout: { ...payout(1, 200n), endToEndId: "EV-42-0-H" }, creditor: creditor(2) }]),
        "payments[0].transactions[1].payout.endToEndId",
      ],
      ["the same PmtInfId in two blocks", () => two({ paymentInformationId: `${MESSAGE_ID}-1` }), "payments[1].paymentInformationId"],
      ["an EndToEndId of the first block repeated in the second", () => two({ transactions: [{ payout: { ...payoutOf43(0, 300n), endToEndId: "EV-42-0-H" }, creditor: creditor(3) }] }), "payments[1].transactions[0].payout.endToEndId"],
      ["an impossible execution date in the second block", () => two({ requestedExecutionDate: "2025-13-01" }), "payments[1].requestedExecutionDate"],
      ["an invalid USCC of the second debtor", () => two({ debtor: { name: SECOND_ISSUER_ACCOUNT.name, uscc: testUscc(1).slice(0, 17) + testUscc(2).slice(17), account: SECOND_ISSUER_ACCOUNT } }), "payments[1].debtor.uscc"],
      [
        "a message whose blocks fit 18 digits of fen but their sum does not",
        () => input(one(), {}, { payments: [payment(one({ amount: 10n ** 18n - 1n })), secondPayment([{ payout: payoutOf43(0, 1n), creditor: creditor(3) }])] }),
        "payments",
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
