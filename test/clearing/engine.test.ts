/**
 * The clearing engine end to end on the embedded chain, through the host-to-host file exchange and the bank
 * simulator: a voucher split across a holder, a factor and a pledgee bank is paid and settled on-chain; a
 * core enterprise without funds is rejected, defaults, is stopped from issuing, and is cleared once it pays.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { FileBankAdapter } from "../../src/clearing/bank/fileBankAdapter.js";
import { parseMemberDirectory, type MemberDirectory } from "../../src/clearing/directory/memberDirectory.js";
import { ClearingEngine, bankReferenceOf } from "../../src/clearing/engine/clearingEngine.js";
import { ClearingStore } from "../../src/clearing/engine/clearingStore.js";
import { BankSimulator } from "../../src/clearing/simulator/bankSimulator.js";
import { parsePain001 } from "../../src/clearing/simulator/pain001Read.js";
import { PieceStatus } from "../../src/sdk/constants.js";
import { fenToCny } from "../../src/sdk/money.js";
import { openSqlClient } from "../../src/storage/sqlClient.js";
import { buildFactoring, buildPledge, DAY, deployConsortium, issueVoucher, MILLION_CNY, transferPiece, type Consortium } from "../fixtures/consortium.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const CNAPS = ["313290000174", "313584000321", "102305000011", "103331000026", "104290003016", "105100000017", "301290000007", "302100011000"];

function directoryFor(c: Consortium): MemberDirectory {
  const payable = ["coreA", "coreB", "supplierA", "supplierB", "supplierC", "bankX", "bankY"] as const;
  return parseMemberDirectory({
    members: payable.map((key, index) => {
      const account = c.actors[key].address;
      const name = `Member ${key}`;
      return {
        account,
        uscc: c.usccs.get(account)!,
        name,
        bankAccount: { name, accountNumber: `62220000${String(index + 1).padStart(8, "0")}`, cnaps: CNAPS[index], bankName: `Bank branch ${index + 1}` },
      };
    }),
  });
}

describe("clearing engine through the bank simulator", function () {
  let c: Consortium;
  let root: string;
  let directory: MemberDirectory;
  let store: ClearingStore;
  let engine: ClearingEngine;
  let simulator: BankSimulator;
  let dirs: { outbox: string; inbox: string; archive: string };

  before(async function () {
    c = await deployConsortium(ethers);
    directory = directoryFor(c);
    root = await mkdtemp(path.join(tmpdir(), "evoucher-clearing-"));
    dirs = { outbox: path.join(root, "outbox"), inbox: path.join(root, "inbox"), archive: path.join(root, "archive") };
    const bank = new FileBankAdapter(dirs);
    await bank.init();
    store = new ClearingStore(await openSqlClient({ kind: "pglite-memory" }));
    await store.migrate();
    const signers = new Map([c.actors.bankX, c.actors.bankY].map((signer) => [signer.address.toLowerCase(), signer]));
    engine = new ClearingEngine({
      store,
      ledger: c.contracts.ledger,
      directory,
      bankOf: () => bank,
      signerOf: (clearingBank) => signers.get(clearingBank.toLowerCase()),
    });
    simulator = await BankSimulator.open(path.join(root, "bank-state.json"));
  });

  after(async function () {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const accountNumberOf = (signer: { address: string }) => directory.accountOf(signer.address).accountNumber;

  it("pays the holder, the factor and the pledgee bank of one voucher and settles every piece on-chain", async function () {
    const { coreA, supplierA, supplierB, supplierC, bankX, bankY } = c.actors;
    // 1,000,000.00 CNY: 300,000 to B (then pledged to bank Y for 200,000 at 4.5%), 200,000 to C, 500,000 left with A and sold to bank Y.
    const root = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: MILLION_CNY });
    const toB = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: 30_000_000n });
    const toC = await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: root, amount: 20_000_000n });
    const pledge = await buildPledge(ethers, c, { holder: supplierB, pledgee: bankY, pieceId: toB, securedAmount: 20_000_000n, annualRateBps: 450 });
    await c.contracts.ledger.connect(bankY).pledge(pledge.terms, pledge.consent);
    const sale = await buildFactoring(ethers, c, { holder: supplierA, factor: bankY, pieceId: root, purchasePrice: 49_000_000n });
    await c.contracts.ledger.connect(bankY).factor(sale.terms, sale.consent);

    const voucherId = root >> 16n;
    const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
    await simulator.fund(accountNumberOf(coreA), 2n * MILLION_CNY);
    await networkHelpers.time.increaseTo(maturity);

    const first = await engine.tick();
    expect(first.planned).to.deep.equal([voucherId]);
    // One message per clearing bank and day, named for both and numbered.
    expect(first.sent).to.deep.equal([`${messagePrefix(bankX.address, maturity)}0001.xml`]);
    const payouts = await store.payouts({ voucherId });
    expect(payouts.map((p) => [p.role, p.payee, p.state])).to.have.deep.members([
      ["factor", bankY.address, "instructed"],
      ["pledgee", bankY.address, "instructed"],
      ["pledgor", supplierB.address, "instructed"],
      ["holder", supplierC.address, "instructed"],
    ]);
    expect(payouts.reduce((sum, p) => sum + p.amount, 0n)).to.equal(MILLION_CNY);

    await simulator.processOutbox(dirs);
    const second = await engine.tick();
    expect(second.ingested).to.have.length(2);
    expect(second.confirmed).to.have.members([root, toB, toC]);
    expect(await store.exceptions()).to.deep.equal([]);

    for (const pieceId of [root, toB, toC]) expect((await c.contracts.ledger.pieceOf(pieceId)).status).to.equal(BigInt(PieceStatus.Settled));
    expect(await c.contracts.ledger.outstandingOf(coreA.address)).to.equal(0n);
    // The bank paid each EndToEndId once, for the planned amount, to the planned account; the issuer was debited the total.
    const journal = simulator.journal();
    expect(journal.map((entry) => [entry.endToEndId, entry.amount, entry.creditorAccount])).to.have.deep.members(
      payouts.map((p) => [p.endToEndId, p.amount, directory.accountOf(p.payee).accountNumber]),
    );
    expect(await simulator.balanceOf(accountNumberOf(coreA))).to.equal(MILLION_CNY);
    // On-chain, each piece carries its first payment's EndToEndId as the bank reference.
    const settled = await c.contracts.ledger.queryFilter(c.contracts.ledger.filters.PieceSettled(undefined, voucherId));
    expect(settled.map((event) => [event.args.pieceId, event.args.bankReference])).to.have.deep.members(
      [root, toB, toC].map((pieceId) => [pieceId, bankReferenceOf(payouts.filter((p) => p.pieceId === pieceId).sort((a, b) => a.endToEndId.localeCompare(b.endToEndId))[0].endToEndId)]),
    );
    expect(settled.every((event) => event.args.clearingBank === bankX.address)).to.equal(true);

    // Nothing is done twice: a further tick finds nothing to plan, send, ingest or confirm.
    expect(await engine.tick()).to.deep.equal({ planned: [], sent: [], ingested: [], confirmed: [], markedOverdue: [], retried: [], held: [], failures: [] });
  });

  it("instructs two core enterprises of one clearing bank in one message, and a bank's rejection of one payment block touches only that block", async function () {
    const { admin, coreA, coreB, supplierA, supplierB, bankX, bankY } = c.actors;
    await c.contracts.registry.connect(admin).setClearingBank(coreB.address, bankX.address);
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const maturity = now + 60n * DAY;
    const pieceOfA = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: 40_000_000n, maturity });
    const pieceOfB = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierB, amount: 25_000_000n, maturity });
    await simulator.fund(accountNumberOf(coreA), 40_000_000n);
    await simulator.fund(accountNumberOf(coreB), 0n);
    await networkHelpers.time.increaseTo(maturity);

    const first = await engine.tick();
    expect(first.planned).to.have.members([pieceOfA >> 16n, pieceOfB >> 16n]);
    const messageName = `${messagePrefix(bankX.address, maturity)}0001.xml`;
    expect(first.sent).to.deep.equal([messageName]);
    const sent = parsePain001(await readFile(path.join(dirs.outbox, messageName), "utf8"));
    expect(sent.payments.map((payment) => [payment.paymentInformationId, payment.debtor.accountNumber, payment.transactions.length])).to.deep.equal([
      [`${messageName.slice(0, -4)}-1`, accountNumberOf(coreA), 1],
      [`${messageName.slice(0, -4)}-2`, accountNumberOf(coreB), 1],
    ]);

    // The bank first rejects coreB's whole block (no transaction named), then executes the message: coreA
    // is paid, coreB's payment fails for want of funds.
    await writeFile(path.join(dirs.inbox, `${messageName.slice(0, -4)}-block-pain002.xml`), blockRejection(messageName.slice(0, -4), `${messageName.slice(0, -4)}-2`));
    const afterRejection = await engine.tick();
    expect(afterRejection.ingested).to.deep.equal([`${messageName.slice(0, -4)}-block-pain002.xml`]);
    const [payoutOfB] = await store.payouts({ voucherId: pieceOfB >> 16n });
    expect([payoutOfB.state, (await store.payouts({ voucherId: pieceOfA >> 16n }))[0].state]).to.deep.equal(["rejected", "instructed"]);
    await simulator.processOutbox(dirs);
    expect((await engine.tick()).confirmed).to.deep.equal([pieceOfA]);

    // coreB's money arrives; a day later its payment goes out again, alone, and is paid.
    await simulator.fund(accountNumberOf(coreB), 25_000_000n);
    await networkHelpers.time.increaseTo(maturity + DAY);
    const retry = await engine.tick();
    expect(retry.retried).to.deep.equal([pieceOfB >> 16n]);
    expect(retry.sent).to.deep.equal([`${messagePrefix(bankX.address, maturity + DAY)}0001.xml`]);
    await simulator.processOutbox(dirs);
    expect((await engine.tick()).confirmed).to.deep.equal([pieceOfB]);
    expect(await store.exceptions()).to.deep.equal([]);
    await c.contracts.registry.connect(admin).setClearingBank(coreB.address, bankY.address);
  });

  it("an instruction the bank cannot read is rejected whole, and its payments go out again in a new message", async function () {
    const { coreA, supplierC, bankX } = c.actors;
    const pieceId = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierC, amount: 12_345_678n });
    const { maturity } = await c.contracts.ledger.voucherOf(pieceId >> 16n);
    await simulator.fund(accountNumberOf(coreA), 12_345_678n);
    await networkHelpers.time.increaseTo(maturity);

    const [messageName] = (await engine.tick()).sent;
    // Damaged on its way to the bank: cut off mid-element.
    const file = path.join(dirs.outbox, messageName);
    const xml = await readFile(file, "utf8");
    await writeFile(file, xml.slice(0, Math.floor(xml.length / 2)));
    const answered = await simulator.processOutbox(dirs);
    expect(answered.refused.map((refusal) => refusal.written)).to.deep.equal([[`${messageName.slice(0, -4)}-pain002.xml`]]);

    await engine.tick();
    const [payout] = await store.payouts({ voucherId: pieceId >> 16n });
    expect(payout.state).to.equal("rejected");
    expect(payout.messageName).to.equal(messageName);
    expect(simulator.hasExecuted(payout.endToEndId)).to.equal(false);

    await networkHelpers.time.increaseTo(maturity + DAY);
    const retry = await engine.tick();
    expect(retry.sent).to.deep.equal([`${messagePrefix(bankX.address, maturity + DAY)}0001.xml`]);
    await simulator.processOutbox(dirs);
    expect((await engine.tick()).confirmed).to.deep.equal([pieceId]);
    expect(simulator.journal().filter((entry) => entry.endToEndId === payout.endToEndId)).to.have.length(1);
  });

  it("a core enterprise without funds is rejected, defaults, cannot issue, and is cleared once it pays", async function () {
    const { coreB, supplierA } = c.actors;
    const pieceId = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierA, amount: MILLION_CNY });
    const voucherId = pieceId >> 16n;
    const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
    await networkHelpers.time.increaseTo(maturity);

    await engine.tick();
    await simulator.processOutbox(dirs);
    await engine.tick();
    const [rejected] = await store.payouts({ voucherId });
    expect(rejected.state).to.equal("rejected");

    // Past maturity plus the 3-day grace period: overdue on-chain, and the issuer is stopped. The rejected
    // payment, a day old by now, is instructed again in the same run.
    await networkHelpers.time.increaseTo(maturity + 3n * DAY);
    const late = await engine.tick();
    expect(late.markedOverdue).to.deep.equal([voucherId]);
    expect(late.retried).to.deep.equal([voucherId]);
    expect(late.sent).to.deep.equal([`${messagePrefix(c.actors.bankY.address, maturity + 3n * DAY)}0001.xml`]);
    expect((await c.contracts.ledger.voucherOf(voucherId)).overdue).to.equal(true);
    expect((await c.contracts.ledger.memberOf(coreB.address)).defaulted).to.equal(true);
    const refused = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierA, amount: MILLION_CNY }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(refused)).to.contain("IssuerInDefault");

    // The money arrives before the bank executes the second instruction: the piece is paid and settled.
    await simulator.fund(accountNumberOf(coreB), MILLION_CNY);
    await simulator.processOutbox(dirs);
    const paid = await engine.tick();
    expect(paid.confirmed).to.deep.equal([pieceId]);
    expect((await c.contracts.ledger.pieceOf(pieceId)).status).to.equal(BigInt(PieceStatus.Settled));
    expect((await store.payouts({ voucherId })).map((p) => p.state)).to.deep.equal(["booked"]);
    expect(simulator.journal().filter((entry) => entry.endToEndId === rejected.endToEndId)).to.have.length(1);
  });

  it("a payment the payee's bank returns is not confirmed, stays unpaid, and the voucher goes overdue", async function () {
    const { coreA, supplierA, supplierC } = c.actors;
    const pieceId = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: MILLION_CNY });
    const returned = await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId, amount: 30_000_000n });
    const voucherId = pieceId >> 16n;
    const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
    await simulator.fund(accountNumberOf(coreA), MILLION_CNY);
    await networkHelpers.time.increaseTo(maturity);

    await engine.tick();
    await simulator.processOutbox(dirs);
    const payoutToC = (await store.payouts({ voucherId })).find((payout) => payout.pieceId === returned)!;
    // supplierC's bank returns the payment (account closed) before the engine has read the booking: the
    // issuer's bank reports the booking and then its reversal, a credit with RvslInd true.
    await writeFile(path.join(dirs.inbox, "ZZ-RETURN-1-camt054.xml"), returnNotification(payoutToC.endToEndId, payoutToC.amount, accountNumberOf(coreA)));

    const report = await engine.tick();
    expect(report.ingested).to.have.length(3);
    expect(report.confirmed).to.deep.equal([pieceId]);
    expect((await c.contracts.ledger.pieceOf(returned)).status).to.equal(BigInt(PieceStatus.Active));
    expect((await store.payouts({ voucherId })).find((payout) => payout.pieceId === returned)!.state).to.equal("reversed");
    const [reversal] = (await store.exceptions()).filter((exception) => exception.code === "PAYMENT_REVERSED");
    expect(reversal).to.include({ source: "ZZ-RETURN-1-camt054.xml", endToEndId: payoutToC.endToEndId });
    expect(await store.pendingConfirmations()).to.deep.equal([]);

    // A returned payment is not retried under the same EndToEndId (the bank would refuse it as a
    // duplicate): past the grace period the voucher is overdue, for the members to settle by hand.
    await networkHelpers.time.increaseTo(maturity + 3n * DAY);
    const late = await engine.tick();
    expect(late.markedOverdue).to.deep.equal([voucherId]);
    expect(late.retried).to.deep.equal([]);
  });
});

/** `EVPAIN-<Beijing day>-<first 6 hex digits of the clearing bank>-`, the engine's message names before their number. */
function messagePrefix(clearingBank: string, at: bigint): string {
  const day = new Date((Number(at) + 8 * 3600) * 1000).toISOString().slice(0, 10).replaceAll("-", "");
  return `EVPAIN-${day}-${clearingBank.slice(2, 8).toUpperCase()}-`;
}

/** A pain.002.001.11 rejecting one payment block of a message whole, naming none of its transactions. */
function blockRejection(originalMessageId: string, paymentInformationId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.11"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BLOCK-RJCT-1</MsgId><CreDtTm>2026-01-01T10:00:00+08:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>${originalMessageId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.10</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>${paymentInformationId}</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>
<StsRsnInf><Rsn><Cd>AC06</Cd></Rsn><AddtlInf>Debtor account blocked</AddtlInf></StsRsnInf></OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>
`;
}

/** A camt.054.001.08 from the issuer's bank: the return of a payment, booked as a credit with RvslInd true. */
function returnNotification(endToEndId: string, fen: bigint, issuerAccount: string): string {
  const amount = fenToCny(fen);
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>RETURN-1</MsgId><CreDtTm>2026-01-01T10:00:00+08:00</CreDtTm></GrpHdr>
<Ntfctn><Id>RETURN-1-1</Id><Acct><Id><Othr><Id>${issuerAccount}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
<Ntry><Amt Ccy="CNY">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-01-01</Dt></BookgDt><AcctSvcrRef>RTN0001</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>${endToEndId}</EndToEndId></Refs><Amt Ccy="CNY">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Account closed</AddtlInf></RtrInf></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
`;
}
