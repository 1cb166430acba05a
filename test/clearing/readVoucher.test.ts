import { expect } from "chai";
import { network } from "hardhat";
import { planPayouts } from "../../src/clearing/payout/payoutPlan.js";
import { UnknownVoucherError, readVoucherForClearing } from "../../src/clearing/payout/readVoucher.js";
import { DEFAULT_POLICY, PieceStatus, pieceIdOf } from "../../src/sdk/constants.js";
import { DAY, MILLION_CNY, buildFactoring, buildPledge, deployConsortium, issueVoucher, transferPiece } from "../fixtures/consortium.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const SECURED = 15_000_000n; // 150,000.00 CNY
const RATE_BPS = 450;

/**
 * One 1,000,000.00 CNY voucher of coreA: supplierA keeps 500,000.00 (piece 0), supplierB gets 300,000.00 and
 * factors it to bankX (piece 1), supplierC gets 200,000.00 and pledges it to bankY for 150,000.00 at 4.50%,
 * 60 days and one hour before maturity (piece 2).
 */
async function splitVoucherFixture() {
  const c = await deployConsortium(ethers);
  const { ledger } = c.contracts;
  const { supplierA, supplierB, supplierC, bankX, bankY } = c.actors;
  const root = await issueVoucher(ethers, c);
  const voucherId = root >> 16n;
  const { maturity } = await ledger.voucherOf(voucherId);

  const factored = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: 30_000_000n });
  const pledged = await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: root, amount: 20_000_000n });
  const factoring = await buildFactoring(ethers, c, { holder: supplierB, factor: bankX, pieceId: factored, purchasePrice: 29_000_000n });
  await ledger.connect(bankX).factor(factoring.terms, factoring.consent);

  const pledgedAt = maturity - 60n * DAY - 3_600n;
  await networkHelpers.time.increaseTo(pledgedAt - 60n);
  const blockBeforePledge = await ethers.provider.getBlockNumber();
  const pledge = await buildPledge(ethers, c, { holder: supplierC, pledgee: bankY, pieceId: pledged, securedAmount: SECURED, annualRateBps: RATE_BPS });
  await networkHelpers.time.setNextBlockTimestamp(pledgedAt);
  await ledger.connect(bankY).pledge(pledge.terms, pledge.consent);
  return { c, voucherId, maturity, pledgedAt, blockBeforePledge, pieces: { root, factored, pledged } };
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected the promise to reject");
}

describe("readVoucherForClearing()", function () {
  it("reads holder, factor and pledge, and the plan pays interest from the on-chain pledgedAt to maturity", async function () {
    const { c, voucherId, maturity, pledgedAt, pieces } = await networkHelpers.loadFixture(splitVoucherFixture);
    const { supplierA, supplierC, bankX, bankY, coreA } = c.actors;
    const read = await readVoucherForClearing(c.contracts.ledger, voucherId);

    expect(read.blockNumber).to.equal(await ethers.provider.getBlockNumber());
    expect(read.voucher).to.deep.equal({ voucherId, issuer: coreA.address, maturity });
    expect(read.pieces).to.deep.equal([
      { pieceId: pieces.root, holder: supplierA.address, amount: 50_000_000n, status: PieceStatus.Active },
      { pieceId: pieces.factored, holder: bankX.address, amount: 30_000_000n, status: PieceStatus.Active, factoring: { factor: bankX.address } },
      {
        pieceId: pieces.pledged,
        holder: supplierC.address,
        amount: 20_000_000n,
        status: PieceStatus.Pledged,
        pledge: { pledgee: bankY.address, securedAmount: SECURED, annualRateBps: RATE_BPS, pledgedAt },
      },
    ]);

    // 60 whole days: 150,000.00 × 4.50% × 60/365 = 1,109.589… CNY → 110,959 fen.
    const plan = planPayouts(read.voucher, read.pieces);
    expect(plan.owed).to.equal(MILLION_CNY);
    expect(plan.payouts.map((p) => [p.role, p.payee, p.amount, p.endToEndId])).to.deep.equal([
      ["holder", supplierA.address, 50_000_000n, `EV-${voucherId}-0-H`],
      ["factor", bankX.address, 30_000_000n, `EV-${voucherId}-1-F`],
      ["pledgee", bankY.address, 15_110_959n, `EV-${voucherId}-2-P`],
      ["pledgor", supplierC.address, 4_889_041n, `EV-${voucherId}-2-R`],
    ]);
  });

  it("reads everything at the block asked for: before the pledge, the piece pays its holder", async function () {
    const { c, voucherId, blockBeforePledge, pieces } = await networkHelpers.loadFixture(splitVoucherFixture);
    const read = await readVoucherForClearing(c.contracts.ledger, voucherId, { blockTag: blockBeforePledge });
    expect(read.blockNumber).to.equal(blockBeforePledge);
    expect(read.pieces[2]).to.deep.equal({ pieceId: pieces.pledged, holder: c.actors.supplierC.address, amount: 20_000_000n, status: PieceStatus.Active });
    const lastPayout = planPayouts(read.voucher, read.pieces).payouts.at(-1)!;
    expect([lastPayout.role, lastPayout.payee, lastPayout.amount]).to.deep.equal(["holder", c.actors.supplierC.address, 20_000_000n]);
  });

  it("leaves out settled pieces", async function () {
    const { c, voucherId, pieces } = await networkHelpers.loadFixture(splitVoucherFixture);
    await c.contracts.ledger.connect(c.actors.bankX).settle([{ pieceId: pieces.factored, bankReference: ethers.id("CNAPS-2025-0001") }]);
    const read = await readVoucherForClearing(c.contracts.ledger, voucherId);
    expect(read.pieces.map((p) => p.pieceId)).to.deep.equal([pieces.root, pieces.pledged]);
    expect(planPayouts(read.voucher, read.pieces).owed).to.equal(70_000_000n);
  });

  it("refuses an unknown voucher, naming it", async function () {
    const { c } = await networkHelpers.loadFixture(splitVoucherFixture);
    const error = await rejectionOf(readVoucherForClearing(c.contracts.ledger, 99n));
    expect(error).to.be.instanceOf(UnknownVoucherError);
    expect(error.message).to.match(/^Voucher 99 does not exist on this ledger at block \d+/);
    expect((error as UnknownVoucherError).voucherId).to.equal(99n);
    expect((await rejectionOf(readVoucherForClearing(c.contracts.ledger, 0n))).message).to.contain("voucherId");
  });

  it("reads a voucher of more than 100 live pieces completely, across pages and settled gaps", async function () {
    this.timeout(120_000);
    const c = await deployConsortium(ethers);
    const { ledger } = c.contracts;
    const { admin, supplierA, bankX } = c.actors;
    await ledger.connect(admin).setPolicy({ ...DEFAULT_POLICY, maxLivePieces: 150 });
    const root = await issueVoucher(ethers, c);
    const voucherId = root >> 16n;
    const PIECES = 130;
    for (let i = 1; i <= PIECES; i++) await ledger.connect(supplierA).split(root, 10_000n + BigInt(i));
    // Settled pieces on the first and the second page leave gaps the pagination must step over.
    const settled = [pieceIdOf(voucherId, 5), pieceIdOf(voucherId, 120)];
    await ledger.connect(bankX).settle(settled.map((pieceId) => ({ pieceId, bankReference: ethers.id(`ref-${pieceId}`) })));

    const read = await readVoucherForClearing(ledger, voucherId);
    const expectedIds = Array.from({ length: PIECES + 1 }, (_, i) => pieceIdOf(voucherId, i)).filter((id) => !settled.includes(id));
    expect(read.pieces.map((p) => p.pieceId)).to.deep.equal(expectedIds);
    expect(read.pieces).to.have.length(129);
    expect(read.pieces[1].amount).to.equal(10_001n);
    expect(read.pieces.at(-1)!.amount).to.equal(10_130n);

    const plan = planPayouts(read.voucher, read.pieces);
    expect(plan.owed).to.equal(MILLION_CNY - 10_005n - 10_120n);
    expect(plan.payouts).to.have.length(129);
    expect(new Set(plan.payouts.map((p) => p.payee))).to.deep.equal(new Set([supplierA.address]));
    expect(plan.payouts.at(-1)!.endToEndId).to.equal(`EV-${voucherId}-130-H`);
  });
});
