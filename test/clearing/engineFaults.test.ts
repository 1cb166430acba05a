/**
 * The clearing engine when something goes wrong around it: a settlement the chain refuses, a rejection
 * re-delivered after the payment went out again, a clearing bank the engine does not serve.
 */
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { FileBankAdapter } from "../../src/clearing/bank/fileBankAdapter.js";
import type { MemberDirectory } from "../../src/clearing/directory/memberDirectory.js";
import { ClearingEngine } from "../../src/clearing/engine/clearingEngine.js";
import { ClearingStore } from "../../src/clearing/engine/clearingStore.js";
import { BankSimulator } from "../../src/clearing/simulator/bankSimulator.js";
import { openSqlClient } from "../../src/storage/sqlClient.js";
import { DAY, deployConsortium, issueVoucher, type Consortium } from "../fixtures/consortium.js";
import { memberDirectoryOf } from "../fixtures/memberDirectory.js";

const { ethers, networkHelpers } = await network.getOrCreate();

describe("clearing engine faults", function () {
  let c: Consortium;
  let root: string;
  let directory: MemberDirectory;
  let store: ClearingStore;
  let simulator: BankSimulator;
  let dirs: { outbox: string; inbox: string; archive: string };
  let bank: FileBankAdapter;

  beforeEach(async function () {
    c = await deployConsortium(ethers);
    directory = memberDirectoryOf(c, ["coreA", "coreB", "supplierA", "supplierB", "bankX", "bankY"]);
    root = await mkdtemp(path.join(tmpdir(), "evoucher-faults-"));
    dirs = { outbox: path.join(root, "outbox"), inbox: path.join(root, "inbox"), archive: path.join(root, "archive") };
    bank = new FileBankAdapter(dirs);
    await bank.init();
    store = new ClearingStore(await openSqlClient({ kind: "pglite-memory" }));
    await store.migrate();
    simulator = await BankSimulator.open(path.join(root, "bank-state.json"));
  });

  afterEach(async function () {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  function engineFor(clearingBanks?: string[], bankOf: (clearingBank: string) => FileBankAdapter = () => bank) {
    const signers = new Map([c.actors.bankX, c.actors.bankY].map((signer) => [signer.address.toLowerCase(), signer]));
    return new ClearingEngine({ store, ledger: c.contracts.ledger, directory, clearingBanks, bankOf, signerOf: (b) => signers.get(b.toLowerCase()) });
  }
  const accountOf = (signer: { address: string }) => directory.accountOf(signer.address).accountNumber;

  it("a settlement the chain refuses is reported, and the other steps and banks go on", async function () {
    const { admin, coreA, coreB, supplierA, bankY } = c.actors;
    const engine = engineFor();
    const pieceOfA = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: 1_000_000n });
    await networkHelpers.time.increaseTo((await c.contracts.ledger.voucherOf(pieceOfA >> 16n)).maturity);
    await simulator.fund(accountOf(coreA), 1_000_000n);
    await engine.tick();
    await simulator.processOutbox(dirs);
    // Paid through bankX; before bankX confirms, the consortium moves coreA to bankY: bankX may no longer settle.
    await c.contracts.registry.connect(admin).setClearingBank(coreA.address, bankY.address);
    const pieceOfB = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierA, amount: 2_000_000n });
    await networkHelpers.time.increaseTo((await c.contracts.ledger.voucherOf(pieceOfB >> 16n)).maturity);

    const report = await engine.tick();
    expect(report.failures.map((failure) => failure.step)).to.deep.equal([`confirm (${c.actors.bankX.address})`]);
    expect(report.failures[0].error).to.contain("clearing bank");
    expect(report.ingested).to.have.length(2);
    expect(report.planned).to.deep.equal([pieceOfB >> 16n]);
    expect(report.sent).to.have.length(1);
    expect(await store.pendingConfirmations()).to.have.length(1);
  });

  it("a rejection delivered again after the payment went out in a new message changes nothing", async function () {
    const { coreB, supplierA } = c.actors;
    const engine = engineFor();
    const pieceId = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierA, amount: 3_000_000n });
    const { maturity } = await c.contracts.ledger.voucherOf(pieceId >> 16n);
    await networkHelpers.time.increaseTo(maturity);
    await simulator.fund(accountOf(coreB), 0n);
    await engine.tick();
    await simulator.processOutbox(dirs);
    await engine.tick();
    const [rejected] = await store.payouts();
    expect(rejected.state).to.equal("rejected");

    await networkHelpers.time.increaseTo(maturity + DAY);
    const retry = await engine.tick();
    expect(retry.retried).to.deep.equal([pieceId >> 16n]);
    // The first answer arrives again (the bank re-sends its files after an outage).
    const firstAnswer = (await readdir(dirs.archive)).find((name) => name.endsWith("pain002.xml"))!;
    await copyFile(path.join(dirs.archive, firstAnswer), path.join(dirs.inbox, `AGAIN-${firstAnswer}`));
    const again = await engine.tick();
    expect(again.ingested).to.deep.equal([`AGAIN-${firstAnswer}`]);
    const [payout] = await store.payouts();
    expect([payout.state, payout.messageName]).to.deep.equal(["instructed", retry.sent[0]]);
    expect((await store.exceptions()).map((e) => [e.code, e.endToEndId])).to.deep.equal([["STATUS_OF_EARLIER_MESSAGE", payout.endToEndId]]);

    // A day on, nothing goes out a third time: the payout waits on its second message.
    await networkHelpers.time.increaseTo(maturity + 2n * DAY);
    expect((await engine.tick()).retried).to.deep.equal([]);
  });

  it("leaves the vouchers of a clearing bank it does not serve alone, even in a shared database", async function () {
    const { coreA, supplierA, bankX, bankY } = c.actors;
    const pieceId = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: 1_000_000n });
    await networkHelpers.time.increaseTo((await c.contracts.ledger.voucherOf(pieceId >> 16n)).maturity);
    await simulator.fund(accountOf(coreA), 0n);
    await engineFor([bankX.address]).tick();
    await simulator.processOutbox(dirs);
    await engineFor([bankX.address]).tick();
    await networkHelpers.time.increaseTo((await c.contracts.ledger.voucherOf(pieceId >> 16n)).maturity + 4n * DAY);

    // bankY's engine has no channel to bankX: it must not ask for one, nor retry or default bankX's voucher.
    const onlyY = engineFor([bankY.address], (clearingBank) => {
      if (clearingBank.toLowerCase() !== bankY.address.toLowerCase()) throw new Error(`asked for the channel of ${clearingBank}`);
      return bank;
    });
    expect(await onlyY.tick()).to.deep.equal({ planned: [], sent: [], ingested: [], confirmed: [], markedOverdue: [], retried: [], held: [], failures: [] });
    expect((await store.payouts()).map((p) => p.state)).to.deep.equal(["rejected"]);
  });

  it("the store refuses to put a payout that is waiting on one message into another", async function () {
    const voucher = { voucherId: 9n, issuer: c.actors.coreA.address, clearingBank: c.actors.bankX.address, maturity: 1n, owed: 100n, rounds: 1, lastRoundAt: 0, overdue: false };
    const payout = { voucherId: 9n, pieceId: 9n << 16n, role: "holder" as const, payee: c.actors.supplierA.address, amount: 100n, endToEndId: "EV-9-0-H" };
    await store.recordInstruction({ clearingBank: voucher.clearingBank, vouchers: [voucher], payouts: [payout], messageName: "M-1.xml", xml: "<first/>" });
    const second = await store
      .recordInstruction({ clearingBank: voucher.clearingBank, vouchers: [{ ...voucher, rounds: 2 }], payouts: [payout], messageName: "M-2.xml", xml: "<second/>" })
      .then(() => null, (error: Error) => error.message);
    expect(second).to.equal("payout EV-9-0-H is already instructed or paid; M-2.xml is not recorded");
    expect((await store.unsentMessages()).map((message) => message.name)).to.deep.equal(["M-1.xml"]);
    expect((await store.voucher(9n))!.rounds).to.equal(1);
  });
});
