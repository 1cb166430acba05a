/**
 * A development chain that loses its last blocks (its node killed before it wrote them) while the clearing
 * engine's store keeps everything: the store says "settled" or "marked overdue", the chain does not.
 * `catchUpWithChain` finds exactly those records and the next tick does them again; with nothing lost it
 * changes nothing. The loss is made with a snapshot of the embedded chain, restored after the engine acted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { FileBankAdapter } from "../../src/clearing/bank/fileBankAdapter.js";
import type { MemberDirectory } from "../../src/clearing/directory/memberDirectory.js";
import { ClearingEngine } from "../../src/clearing/engine/clearingEngine.js";
import { ClearingStore } from "../../src/clearing/engine/clearingStore.js";
import { BankSimulator } from "../../src/clearing/simulator/bankSimulator.js";
import { DEFAULT_POLICY, PieceStatus } from "../../src/sdk/constants.js";
import { openSqlClient } from "../../src/storage/sqlClient.js";
import { deployConsortium, issueVoucher, MILLION_CNY, transferPiece, type Consortium } from "../fixtures/consortium.js";
import { memberDirectoryOf } from "../fixtures/memberDirectory.js";

const { ethers, networkHelpers } = await network.getOrCreate();

describe("clearing engine after the chain lost its last blocks (catchUpWithChain)", function () {
  let c: Consortium;
  let root: string;
  let directory: MemberDirectory;
  let store: ClearingStore;
  let engine: ClearingEngine;
  let simulator: BankSimulator;
  let dirs: { outbox: string; inbox: string; archive: string };

  before(async function () {
    c = await deployConsortium(ethers);
    directory = memberDirectoryOf(c, ["coreA", "coreB", "supplierA", "supplierB", "bankX", "bankY"]);
    root = await mkdtemp(path.join(tmpdir(), "evoucher-chainloss-"));
    dirs = { outbox: path.join(root, "outbox"), inbox: path.join(root, "inbox"), archive: path.join(root, "archive") };
    const bank = new FileBankAdapter(dirs);
    await bank.init();
    store = new ClearingStore(await openSqlClient({ kind: "pglite-memory" }));
    await store.migrate();
    const signers = new Map([c.actors.bankX, c.actors.bankY].map((signer) => [signer.address.toLowerCase(), signer]));
    engine = new ClearingEngine({ store, ledger: c.contracts.ledger, directory, bankOf: () => bank, signerOf: (bank) => signers.get(bank.toLowerCase()) });
    simulator = await BankSimulator.open(path.join(root, "bank-state.json"));
  });

  after(async function () {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it("sends again the settlements and overdue marks the chain lost, and nothing else", async function () {
    const { coreA, coreB, supplierA, supplierB } = c.actors;
    const paid = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: MILLION_CNY });
    const split = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: paid, amount: 30_000_000n });
    const unpaid = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierB, amount: 50_000_000n });
    await simulator.fund(directory.accountOf(coreA.address).accountNumber, MILLION_CNY); // coreB has no money at its bank
    const latest = (await c.contracts.ledger.voucherOf(unpaid >> 16n)).maturity > (await c.contracts.ledger.voucherOf(paid >> 16n)).maturity ? unpaid : paid;
    await networkHelpers.time.increaseTo((await c.contracts.ledger.voucherOf(latest >> 16n)).maturity + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);

    expect(await engine.catchUpWithChain()).to.deep.equal({ reopened: [], unmarked: [] }); // an empty store

    await engine.tick(); // instructs both
    await simulator.processOutbox(dirs);
    const beforeLoss = await networkHelpers.takeSnapshot();
    const settling = await engine.tick(); // reads the answers, settles coreA's voucher, marks coreB's overdue
    expect(settling.confirmed).to.have.members([paid, split]);
    expect(settling.markedOverdue).to.deep.equal([unpaid >> 16n]);
    expect(await engine.catchUpWithChain()).to.deep.equal({ reopened: [], unmarked: [] }); // nothing lost yet

    await beforeLoss.restore(); // the chain loses the blocks the last tick mined; the store keeps its records
    expect((await c.contracts.ledger.pieceOf(paid)).status).to.equal(BigInt(PieceStatus.Active));
    expect((await c.contracts.ledger.voucherOf(unpaid >> 16n)).overdue).to.equal(false);

    const caughtUp = await engine.catchUpWithChain();
    expect(caughtUp.reopened).to.have.members([paid, split]);
    expect(caughtUp.unmarked).to.deep.equal([unpaid >> 16n]);

    const again = await engine.tick();
    expect(again.confirmed).to.have.members([paid, split]);
    expect(again.markedOverdue).to.deep.equal([unpaid >> 16n]);
    for (const pieceId of [paid, split]) expect((await c.contracts.ledger.pieceOf(pieceId)).status).to.equal(BigInt(PieceStatus.Settled));
    expect((await c.contracts.ledger.voucherOf(unpaid >> 16n)).overdue).to.equal(true);
    expect((await c.contracts.ledger.memberOf(coreB.address)).defaulted).to.equal(true);
    // The bank was not asked to pay anything twice: only the chain's side was redone.
    expect(new Set(simulator.journal().map((entry) => entry.endToEndId)).size).to.equal(simulator.journal().length);
    expect(await engine.catchUpWithChain()).to.deep.equal({ reopened: [], unmarked: [] });
  });
});
