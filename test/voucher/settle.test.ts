import { expect } from "chai";
import { network } from "hardhat";
import { MILLION_CNY, buildPledge, deployConsortium, issueVoucher, transferPiece } from "../fixtures/consortium.js";
import { DEFAULT_POLICY, MemberRole, MemberStatus, PieceStatus } from "../../src/sdk/constants.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const TO_SUPPLIER_B = 25_000_000n; // 250,000.00 CNY transferred to supplierB
const SPLIT_OFF = 10_000_000n; // 100,000.00 CNY split off by supplierA
const ROOT_LEFT = MILLION_CNY - TO_SUPPLIER_B - SPLIT_OFF;

/** A bank payment reference as the clearing bank reports it (the pain.001 EndToEndId, hashed). */
function ref(label: string): string {
  return ethers.id(`E2E-${label}`);
}

/**
 * One voucher of coreA (clearing bank bankX) with three live pieces in the three settleable states:
 * root (supplierA, Active), toB (supplierB, Pledged to bankY), part (supplierA, Enforced by bankX).
 */
async function settleFixture() {
  const c = await deployConsortium(ethers);
  const { ledger } = c.contracts;
  const { supplierA, supplierB, bankX, bankY } = c.actors;
  const root = await issueVoucher(ethers, c);
  const voucherId = root >> 16n;
  const toB = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: TO_SUPPLIER_B });
  const part = await ledger.connect(supplierA).split.staticCall(root, SPLIT_OFF);
  await ledger.connect(supplierA).split(root, SPLIT_OFF);

  const pledgeB = await buildPledge(ethers, c, { holder: supplierB, pledgee: bankY, pieceId: toB, securedAmount: 20_000_000n });
  await ledger.connect(bankY).pledge(pledgeB.terms, pledgeB.consent);
  const pledgePart = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: part, securedAmount: SPLIT_OFF });
  await ledger.connect(bankX).pledge(pledgePart.terms, pledgePart.consent);
  await ledger.connect(bankX).enforcePledge(part);
  return { c, root, toB, part, voucherId };
}

/** Two vouchers: one of coreA (bankX clears), one of coreB (bankY clears), plus a second of coreA. */
async function twoIssuersFixture() {
  const c = await deployConsortium(ethers);
  const rootA = await issueVoucher(ethers, c);
  const rootA2 = await issueVoucher(ethers, c, { amount: 3n * MILLION_CNY });
  const rootB = await issueVoucher(ethers, c, { issuer: c.actors.coreB, holder: c.actors.supplierC, amount: 2n * MILLION_CNY });
  return { c, rootA, rootA2, rootB };
}

/** Splits `count` pieces of `amount` off `root` (held by `holder`) and returns all piece ids, root first. */
async function splitMany(
  c: Awaited<ReturnType<typeof deployConsortium>>,
  holder: typeof c.actors.supplierA,
  root: bigint,
  count: number,
  amount: bigint,
): Promise<bigint[]> {
  const ids = [root];
  const ledger = c.contracts.ledger.connect(holder);
  for (let i = 0; i < count; i++) {
    ids.push(await ledger.split.staticCall(root, amount));
    await ledger.split(root, amount);
  }
  return ids;
}

/** One voucher split into 100 pieces: the default live-piece limit. */
async function hundredPiecesFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  // 99 pieces of 1,000.00 CNY each, far above the 100.00 CNY minimum; the root keeps the rest.
  const ids = await splitMany(c, c.actors.supplierA, root, 99, 100_000n);
  return { c, root, ids };
}

/** Policy raised to 200 live pieces, one voucher split into 200 pieces: the settlement batch limit. */
async function twoHundredPiecesFixture() {
  const c = await deployConsortium(ethers);
  await c.contracts.ledger.connect(c.actors.admin).setPolicy({ ...DEFAULT_POLICY, maxLivePieces: 200 });
  const root = await issueVoucher(ethers, c);
  const ids = await splitMany(c, c.actors.supplierA, root, 199, 100_000n);
  return { c, root, ids };
}

describe("VoucherLedger clearing: settle", function () {
  describe(".settle()", function () {
    describe("when the clearing bank settles a batch of one voucher", function () {
      it("emits PieceSettled per piece with holder, amount, previous status and reference", async function () {
        const { c, root, toB, part, voucherId } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { supplierA, supplierB, bankX } = c.actors;
        const tx = ledger.connect(bankX).settle([
          { pieceId: root, bankReference: ref("1") },
          { pieceId: toB, bankReference: ref("2") },
          { pieceId: part, bankReference: ref("3") },
        ]);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(root, voucherId, supplierA.address, ROOT_LEFT, PieceStatus.Active, ref("1"), bankX.address);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(toB, voucherId, supplierB.address, TO_SUPPLIER_B, PieceStatus.Pledged, ref("2"), bankX.address);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(part, voucherId, supplierA.address, SPLIT_OFF, PieceStatus.Enforced, ref("3"), bankX.address);
      });

      it("emits exactly one PieceSettled per piece, in batch order", async function () {
        const { c, root, toB, part } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const receipt = await (
          await ledger.connect(c.actors.bankX).settle([
            { pieceId: part, bankReference: ref("3") },
            { pieceId: root, bankReference: ref("1") },
            { pieceId: toB, bankReference: ref("2") },
          ])
        ).wait();
        const settled = receipt!.logs
          .map((log) => ledger.interface.parseLog(log))
          .filter((parsed) => parsed?.name === "PieceSettled")
          .map((parsed) => parsed!.args.pieceId as bigint);
        expect(settled).to.deep.equal([part, root, toB]);
      });

      it("marks every piece Settled and clears the voucher's live pieces and the issuer's outstanding", async function () {
        const { c, root, toB, part, voucherId } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX } = c.actors;
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(3n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(MILLION_CNY);
        await ledger.connect(bankX).settle([
          { pieceId: root, bankReference: ref("1") },
          { pieceId: toB, bankReference: ref("2") },
          { pieceId: part, bankReference: ref("3") },
        ]);
        for (const id of [root, toB, part]) {
          expect((await ledger.pieceOf(id)).status).to.equal(BigInt(PieceStatus.Settled));
        }
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(0n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(0n);
        const [live] = await ledger.livePiecesOf(voucherId, 0, 10);
        expect(live).to.deep.equal([]);
      });

      it("lowers live pieces and outstanding by exactly the pieces settled", async function () {
        const { c, toB, root, part, voucherId } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX } = c.actors;
        await ledger.connect(bankX).settle([{ pieceId: toB, bankReference: ref("2") }]);
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(2n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(MILLION_CNY - TO_SUPPLIER_B);
        const [live] = await ledger.livePiecesOf(voucherId, 0, 10);
        expect(live).to.deep.equal([root, part]);
        // The pledge record stays for the audit trail; only the piece status moves.
        expect((await ledger.pledgeOf(toB)).pledgee).to.equal(c.actors.bankY.address);
      });
    });

    describe("when a batch spans two vouchers of the same issuer", function () {
      it("settles both and lowers the issuer's outstanding by both", async function () {
        const { c, rootA, rootA2 } = await networkHelpers.loadFixture(twoIssuersFixture);
        const { ledger } = c.contracts;
        const { coreA, coreB, supplierA, bankX } = c.actors;
        expect(await ledger.outstandingOf(coreA.address)).to.equal(4n * MILLION_CNY);
        const tx = ledger.connect(bankX).settle([
          { pieceId: rootA, bankReference: ref("A1") },
          { pieceId: rootA2, bankReference: ref("A2") },
        ]);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(rootA, rootA >> 16n, supplierA.address, MILLION_CNY, PieceStatus.Active, ref("A1"), bankX.address);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(rootA2, rootA2 >> 16n, supplierA.address, 3n * MILLION_CNY, PieceStatus.Active, ref("A2"), bankX.address);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(0n);
        expect(await ledger.outstandingOf(coreB.address)).to.equal(2n * MILLION_CNY);
        expect((await ledger.voucherOf(rootA >> 16n)).livePieces).to.equal(0n);
        expect((await ledger.voucherOf(rootA2 >> 16n)).livePieces).to.equal(0n);
      });
    });

    describe("when the batch is empty", function () {
      it("reverts with SettlementBatchSizeInvalid", async function () {
        const { c } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.bankX).settle([]))
          .to.be.revertedWithCustomError(ledger, "SettlementBatchSizeInvalid")
          .withArgs(0, 200);
      });
    });

    describe("when the batch is above 200 pieces", function () {
      it("reverts with SettlementBatchSizeInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        expect(await ledger.MAX_SETTLEMENT_BATCH()).to.equal(200n);
        const batch = Array.from({ length: 201 }, (_, i) => ({ pieceId: root + BigInt(i), bankReference: ref(`big-${i}`) }));
        await expect(ledger.connect(c.actors.bankX).settle(batch))
          .to.be.revertedWithCustomError(ledger, "SettlementBatchSizeInvalid")
          .withArgs(201, 200);
      });
    });

    describe("when the caller is not a bank", function () {
      it("reverts with MemberLacksRole for the core enterprise itself", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { coreA } = c.actors;
        await expect(ledger.connect(coreA).settle([{ pieceId: root, bankReference: ref("1") }]))
          .to.be.revertedWithCustomError(ledger, "MemberLacksRole")
          .withArgs(coreA.address, MemberRole.Bank);
      });

      it("reverts with MemberLacksRole for the operator (which never routes funds)", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { operator } = c.actors;
        await expect(ledger.connect(operator).settle([{ pieceId: root, bankReference: ref("1") }]))
          .to.be.revertedWithCustomError(ledger, "MemberLacksRole")
          .withArgs(operator.address, MemberRole.Bank);
      });

      it("reverts with MemberNotActive for an outsider", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { outsider } = c.actors;
        await expect(ledger.connect(outsider).settle([{ pieceId: root, bankReference: ref("1") }]))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(outsider.address, MemberStatus.None);
      });
    });

    describe("when the clearing bank is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { admin, bankX } = c.actors;
        await ledger.connect(admin).setMemberStatus(bankX.address, MemberStatus.Suspended);
        await expect(ledger.connect(bankX).settle([{ pieceId: root, bankReference: ref("1") }]))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(bankX.address, MemberStatus.Suspended);
      });
    });

    describe("when the caller is not the issuer's clearing bank", function () {
      it("reverts with NotClearingBank", async function () {
        const { c, rootA } = await networkHelpers.loadFixture(twoIssuersFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX, bankY } = c.actors;
        await expect(ledger.connect(bankY).settle([{ pieceId: rootA, bankReference: ref("A1") }]))
          .to.be.revertedWithCustomError(ledger, "NotClearingBank")
          .withArgs(coreA.address, bankY.address, bankX.address);
      });

      it("reverts with NotClearingBank for the pledgee of a piece", async function () {
        const { c, toB } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX, bankY } = c.actors;
        await expect(ledger.connect(bankY).settle([{ pieceId: toB, bankReference: ref("2") }]))
          .to.be.revertedWithCustomError(ledger, "NotClearingBank")
          .withArgs(coreA.address, bankY.address, bankX.address);
      });

      it("reverts with NotClearingBank when the second issuer of a mixed batch clears elsewhere, settling nothing", async function () {
        const { c, rootA, rootB } = await networkHelpers.loadFixture(twoIssuersFixture);
        const { ledger } = c.contracts;
        const { coreA, coreB, bankX, bankY } = c.actors;
        await expect(
          ledger.connect(bankX).settle([
            { pieceId: rootA, bankReference: ref("A1") },
            { pieceId: rootB, bankReference: ref("B1") },
          ]),
        )
          .to.be.revertedWithCustomError(ledger, "NotClearingBank")
          .withArgs(coreB.address, bankX.address, bankY.address);
        expect((await ledger.pieceOf(rootA)).status).to.equal(BigInt(PieceStatus.Active));
        expect(await ledger.outstandingOf(coreA.address)).to.equal(4n * MILLION_CNY);
      });

      it("reverts with NotClearingBank when the issuers alternate A, B, A", async function () {
        const { c, rootA, rootA2, rootB } = await networkHelpers.loadFixture(twoIssuersFixture);
        const { ledger } = c.contracts;
        const { coreB, bankX, bankY } = c.actors;
        await expect(
          ledger.connect(bankX).settle([
            { pieceId: rootA, bankReference: ref("A1") },
            { pieceId: rootB, bankReference: ref("B1") },
            { pieceId: rootA2, bankReference: ref("A2") },
          ]),
        )
          .to.be.revertedWithCustomError(ledger, "NotClearingBank")
          .withArgs(coreB.address, bankX.address, bankY.address);
      });

      it("follows a change of clearing bank", async function () {
        const { c, rootA } = await networkHelpers.loadFixture(twoIssuersFixture);
        const { ledger } = c.contracts;
        const { admin, coreA, bankX, bankY } = c.actors;
        await ledger.connect(admin).setClearingBank(coreA.address, bankY.address);
        await expect(ledger.connect(bankX).settle([{ pieceId: rootA, bankReference: ref("A1") }]))
          .to.be.revertedWithCustomError(ledger, "NotClearingBank")
          .withArgs(coreA.address, bankX.address, bankY.address);
        await expect(ledger.connect(bankY).settle([{ pieceId: rootA, bankReference: ref("A1") }])).to.emit(ledger, "PieceSettled");
      });
    });

    describe("when a piece has no bank reference", function () {
      it("reverts with SettlementReferenceMissing", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.bankX).settle([{ pieceId: root, bankReference: ethers.ZeroHash }]))
          .to.be.revertedWithCustomError(ledger, "SettlementReferenceMissing")
          .withArgs(root);
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
      });
    });

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound", async function () {
        const { c, root } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const missing = root + 9n;
        await expect(ledger.connect(c.actors.bankX).settle([{ pieceId: missing, bankReference: ref("9") }]))
          .to.be.revertedWithCustomError(ledger, "PieceNotFound")
          .withArgs(missing);
      });
    });

    describe("when a piece is already settled (settled is final)", function () {
      it("reverts with PieceAlreadySettled for the same piece twice in one batch", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX } = c.actors;
        await expect(
          ledger.connect(bankX).settle([
            { pieceId: root, bankReference: ref("1") },
            { pieceId: root, bankReference: ref("1-again") },
          ]),
        )
          .to.be.revertedWithCustomError(ledger, "PieceAlreadySettled")
          .withArgs(root);
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(3n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(MILLION_CNY);
      });

      it("reverts with PieceAlreadySettled in a second transaction", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX } = c.actors;
        await ledger.connect(bankX).settle([{ pieceId: root, bankReference: ref("1") }]);
        await expect(ledger.connect(bankX).settle([{ pieceId: root, bankReference: ref("1-again") }]))
          .to.be.revertedWithCustomError(ledger, "PieceAlreadySettled")
          .withArgs(root);
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(2n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(MILLION_CNY - ROOT_LEFT);
      });

      it("refuses to release or enforce a settled pledged piece", async function () {
        const { c, toB } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { bankX, bankY } = c.actors;
        await ledger.connect(bankX).settle([{ pieceId: toB, bankReference: ref("2") }]);
        await expect(ledger.connect(bankY).releasePledge(toB))
          .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
          .withArgs(toB, PieceStatus.Settled, PieceStatus.Pledged);
      });
    });

    describe("when the ledger is paused", function () {
      it("still settles (payments already made are recorded)", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(settleFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankX } = c.actors;
        await ledger.connect(admin).pause();
        expect(await ledger.paused()).to.equal(true);
        await expect(ledger.connect(bankX).settle([{ pieceId: root, bankReference: ref("1") }]))
          .to.emit(ledger, "PieceSettled")
          .withArgs(root, voucherId, supplierA.address, ROOT_LEFT, PieceStatus.Active, ref("1"), bankX.address);
      });
    });

    describe("when a voucher has 100 live pieces (the default limit)", function () {
      it("settles all of them in one batch", async function () {
        const { c, ids } = await networkHelpers.loadFixture(hundredPiecesFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX } = c.actors;
        const voucherId = ids[0] >> 16n;
        expect(ids.length).to.equal(100);
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(100n);
        const receipt = await (
          await ledger.connect(bankX).settle(ids.map((pieceId, i) => ({ pieceId, bankReference: ref(`H${i}`) })))
        ).wait();
        const events = receipt!.logs.filter((log) => ledger.interface.parseLog(log)?.name === "PieceSettled");
        expect(events.length).to.equal(100);
        expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(0n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(0n);
      });
    });

    describe("when a batch holds exactly 200 pieces (the batch limit)", function () {
      it("settles all of them", async function () {
        const { c, ids } = await networkHelpers.loadFixture(twoHundredPiecesFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX } = c.actors;
        expect(ids.length).to.equal(200);
        await ledger.connect(bankX).settle(ids.map((pieceId, i) => ({ pieceId, bankReference: ref(`T${i}`) })));
        expect((await ledger.voucherOf(ids[0] >> 16n)).livePieces).to.equal(0n);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(0n);
        for (const id of [ids[0], ids[1], ids[199]]) {
          expect((await ledger.pieceOf(id)).status).to.equal(BigInt(PieceStatus.Settled));
        }
      });
    });
  });
});
