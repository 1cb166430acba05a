import { MemberRole } from "../../src/sdk/constants.js";
import { expect } from "chai";
import { network } from "hardhat";
import { ethers as ethersLib } from "ethers";
import {
  DAY,
  MILLION_CNY,
  buildPledge,
  buildTransfer,
  deployConsortium,
  freshDocumentKey,
  issueVoucher,
  transferPiece,
  type Consortium,
  type TransferOptions,
} from "../fixtures/consortium.js";
import { DEFAULT_POLICY, MemberStatus, PieceStatus, pieceIdOf } from "../../src/sdk/constants.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

const { ethers, networkHelpers } = await network.getOrCreate();

const FACE = MILLION_CNY; // 1,000,000.00 CNY
const MIN_PIECE = DEFAULT_POLICY.minPieceAmount;
const MAX_DEPTH = BigInt(DEFAULT_POLICY.maxDepth);
const ROOT = pieceIdOf(1n, 0);
const ISSUE_KEY = ethersLib.keccak256(ethersLib.toUtf8Bytes("transfer-test:issue-invoice"));

/** The consortium with one voucher of coreA: root piece of 1,000,000.00 CNY held by supplierA, due in 90 days. */
async function issuedVoucherFixture() {
  const c = await deployConsortium(ethers);
  const maturity = BigInt(await networkHelpers.time.latest()) + 90n * DAY;
  const rootId = await issueVoucher(ethers, c, { amount: FACE, maturity, documentKeys: [ISSUE_KEY] });
  return { c, rootId, maturity };
}

/** The same, with the policy allowing at most 3 live pieces per voucher. */
async function threeLivePiecesFixture() {
  const f = await issuedVoucherFixture();
  await f.c.contracts.ledger.connect(f.c.actors.admin).setPolicy({ ...DEFAULT_POLICY, maxLivePieces: 3 });
  return f;
}

/** Builds a transfer request and sends it from `options.from`; the caller checks the outcome. */
async function sendTransfer(c: Consortium, options: TransferOptions) {
  const { request, attestations } = await buildTransfer(ethers, c, options);
  return { request, tx: c.contracts.ledger.connect(options.from).splitTransfer(request, attestations) };
}

async function pledgeToBankX(c: Consortium, holder: HardhatEthersSigner, pieceId: bigint) {
  const { terms, consent } = await buildPledge(ethers, c, { holder, pledgee: c.actors.bankX, pieceId, securedAmount: FACE / 2n });
  await c.contracts.ledger.connect(c.actors.bankX).pledge(terms, consent);
}

async function settleByBankX(c: Consortium, pieceId: bigint) {
  await c.contracts.ledger.connect(c.actors.bankX).settle([{ pieceId, bankReference: ethersLib.id(`payment-${pieceId}`) }]);
}

describe("VoucherLedger", function () {
  describe(".splitTransfer()", function () {
    describe("when part of a piece is transferred", function () {
      it("emits PieceSplit with every argument", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB } = c.actors;
        const documentKeys = [freshDocumentKey(), freshDocumentKey()];
        const packageHash = ethersLib.id("purchase-order-B-42");
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n, documentKeys, packageHash });
        await expect(tx)
          .to.emit(c.contracts.ledger, "PieceSplit")
          .withArgs(rootId, pieceIdOf(1n, 1), supplierB.address, supplierA.address, FACE / 4n, (3n * FACE) / 4n, 1n, packageHash, documentKeys);
      });

      it("creates a child piece for the receiver and leaves the remainder with the holder", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { ledger } = c.contracts;
        const { coreA, supplierA, supplierB } = c.actors;
        const childId = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        expect(childId).to.equal(pieceIdOf(1n, 1));

        const child = await ledger.pieceOf(childId);
        expect(child.holder).to.equal(supplierB.address);
        expect(child.amount).to.equal(FACE / 4n);
        expect(child.depth).to.equal(1n);
        expect(child.parentIndex).to.equal(0n);
        expect(child.status).to.equal(BigInt(PieceStatus.Active));

        const parent = await ledger.pieceOf(rootId);
        expect(parent.holder).to.equal(supplierA.address);
        expect(parent.amount).to.equal((3n * FACE) / 4n);
        expect(parent.depth).to.equal(0n);
        expect(parent.status).to.equal(BigInt(PieceStatus.Active));

        const voucher = await ledger.voucherOf(1n);
        expect(voucher.livePieces).to.equal(2n);
        expect(voucher.piecesCreated).to.equal(2n);
        expect(await ledger.parentOf(childId)).to.equal(rootId);
        // A transfer moves claims between creditors; the issuer owes the same.
        expect(await ledger.outstandingOf(coreA.address)).to.equal(FACE);
      });

      it("marks the transfer's document keys used", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const documentKeys = [freshDocumentKey(), freshDocumentKey()];
        await transferPiece(ethers, c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 4n, documentKeys });
        for (const key of documentKeys) expect(await c.contracts.ledger.isDocumentKeyUsed(key)).to.equal(true);
      });

      it("accepts a part of exactly the minimum piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const childId = await transferPiece(ethers, c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: MIN_PIECE });
        expect((await c.contracts.ledger.pieceOf(childId)).amount).to.equal(MIN_PIECE);
        expect((await c.contracts.ledger.pieceOf(rootId)).amount).to.equal(FACE - MIN_PIECE);
      });

      it("accepts a remainder of exactly the minimum piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const childId = await transferPiece(ethers, c, {
          from: c.actors.supplierA,
          to: c.actors.supplierB,
          pieceId: rootId,
          amount: FACE - MIN_PIECE,
        });
        expect((await c.contracts.ledger.pieceOf(childId)).amount).to.equal(FACE - MIN_PIECE);
        expect((await c.contracts.ledger.pieceOf(rootId)).amount).to.equal(MIN_PIECE);
      });
    });

    describe("when a whole piece is transferred", function () {
      it("emits PieceTransferred with every argument", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB } = c.actors;
        const documentKeys = [freshDocumentKey()];
        const packageHash = ethersLib.id("purchase-order-B-43");
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE, documentKeys, packageHash });
        await expect(tx)
          .to.emit(c.contracts.ledger, "PieceTransferred")
          .withArgs(rootId, supplierA.address, supplierB.address, 1n, packageHash, documentKeys);
        await expect(tx).to.not.emit(c.contracts.ledger, "PieceSplit");
      });

      it("moves the same piece to the receiver one level deeper", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { ledger } = c.contracts;
        const { supplierA, supplierB } = c.actors;
        const pieceId = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE });
        expect(pieceId).to.equal(rootId);
        const piece = await ledger.pieceOf(rootId);
        expect(piece.holder).to.equal(supplierB.address);
        expect(piece.amount).to.equal(FACE);
        expect(piece.depth).to.equal(1n);
        expect(piece.status).to.equal(BigInt(PieceStatus.Active));
        const voucher = await ledger.voucherOf(1n);
        expect(voucher.piecesCreated).to.equal(1n);
        expect(voucher.livePieces).to.equal(1n);
      });
    });

    describe("when a piece passes along a chain A -> B -> C", function () {
      it("links each piece to its parent, one level deeper each time, conserving the face value", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { ledger } = c.contracts;
        const { supplierA, supplierB, supplierC } = c.actors;
        const toB = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: 40n * (FACE / 100n) });
        const toC = await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: toB, amount: 10n * (FACE / 100n) });
        expect(toB).to.equal(pieceIdOf(1n, 1));
        expect(toC).to.equal(pieceIdOf(1n, 2));

        const pieceC = await ledger.pieceOf(toC);
        expect(pieceC.holder).to.equal(supplierC.address);
        expect(pieceC.depth).to.equal(2n);
        expect(pieceC.parentIndex).to.equal(1n);
        expect(await ledger.lineageOf(toC)).to.deep.equal([toC, toB, rootId]);

        const amounts = await Promise.all([rootId, toB, toC].map(async (id) => (await ledger.pieceOf(id)).amount));
        expect(amounts).to.deep.equal([60n * (FACE / 100n), 30n * (FACE / 100n), 10n * (FACE / 100n)]);
        expect(amounts.reduce((sum, amount) => sum + amount, 0n)).to.equal(FACE);
      });

      it("lets C pass the whole piece it received back on", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE });
        await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: rootId, amount: FACE });
        const piece = await c.contracts.ledger.pieceOf(rootId);
        expect(piece.holder).to.equal(supplierC.address);
        expect(piece.depth).to.equal(2n);
      });
    });

    describe("when the ledger is paused", function () {
      it("reverts with EnforcedPause", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await c.contracts.ledger.connect(c.actors.admin).pause();
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "EnforcedPause");
      });
    });

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound for an index never created", async function () {
        const { c } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const missing = pieceIdOf(1n, 5);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: missing, amount: MIN_PIECE });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotFound").withArgs(missing);
      });

      it("reverts with PieceNotFound for a voucher never issued", async function () {
        const { c } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const missing = pieceIdOf(9n, 0);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: missing, amount: MIN_PIECE });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotFound").withArgs(missing);
      });
    });

    describe("when the piece is pledged", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await pledgeToBankX(c, c.actors.supplierA, rootId);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotInStatus")
          .withArgs(rootId, PieceStatus.Pledged, PieceStatus.Active);
      });

      it("transfers again once the pledge is released", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await pledgeToBankX(c, c.actors.supplierA, rootId);
        await c.contracts.ledger.connect(c.actors.bankX).releasePledge(rootId);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx).to.emit(c.contracts.ledger, "PieceSplit");
      });
    });

    describe("when the pledge on the piece was enforced", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await pledgeToBankX(c, c.actors.supplierA, rootId);
        await c.contracts.ledger.connect(c.actors.bankX).enforcePledge(rootId);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotInStatus")
          .withArgs(rootId, PieceStatus.Enforced, PieceStatus.Active);
      });
    });

    describe("when the piece is settled", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await settleByBankX(c, rootId);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotInStatus")
          .withArgs(rootId, PieceStatus.Settled, PieceStatus.Active);
      });
    });

    describe("when the caller is not the holder", function () {
      for (const [label, who, to] of [
        ["another member", "supplierB", "supplierC"],
        ["the issuer", "coreA", "supplierC"],
        ["an outsider", "outsider", "outsider"],
      ] as const) {
        it(`reverts with NotPieceHolder for ${label}`, async function () {
          const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
          const caller = c.actors[who];
          const { tx } = await sendTransfer(c, { from: caller, to: c.actors[to], pieceId: rootId, amount: FACE / 2n });
          await expect(tx)
            .to.be.revertedWithCustomError(c.contracts.ledger, "NotPieceHolder")
            .withArgs(rootId, caller.address, c.actors.supplierA.address);
        });
      }

      it("reverts with NotPieceHolder for the former holder after a whole transfer", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE });
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierC, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "NotPieceHolder")
          .withArgs(rootId, supplierA.address, supplierB.address);
      });
    });

    describe("when the voucher has matured", function () {
      it("reverts with VoucherMatured at the maturity second", async function () {
        const { c, rootId, maturity } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await networkHelpers.time.increaseTo(maturity - 100n);
        const { request, attestations } = await buildTransfer(ethers, c, {
          from: c.actors.supplierA,
          to: c.actors.supplierB,
          pieceId: rootId,
          amount: FACE / 2n,
        });
        await networkHelpers.time.setNextBlockTimestamp(maturity);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).splitTransfer(request, attestations))
          .to.be.revertedWithCustomError(c.contracts.ledger, "VoucherMatured")
          .withArgs(1n, maturity);
      });

      it("reverts with VoucherMatured after maturity", async function () {
        const { c, rootId, maturity } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await networkHelpers.time.increaseTo(maturity + DAY);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "VoucherMatured").withArgs(1n, maturity);
      });

      it("still transfers one second before maturity", async function () {
        const { c, rootId, maturity } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await networkHelpers.time.increaseTo(maturity - 100n);
        const { request, attestations } = await buildTransfer(ethers, c, {
          from: c.actors.supplierA,
          to: c.actors.supplierB,
          pieceId: rootId,
          amount: FACE / 2n,
        });
        await networkHelpers.time.setNextBlockTimestamp(maturity - 1n);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).splitTransfer(request, attestations)).to.emit(
          c.contracts.ledger,
          "PieceSplit",
        );
      });
    });

    describe("when the receiver is the holder", function () {
      it("reverts with TransferToSelf", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierA, pieceId: rootId, amount: FACE / 2n });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "TransferToSelf").withArgs(rootId);
      });
    });

    describe("when the receiver is no trade party", function () {
      it("reverts with NotATradeParty for the operator and a bank", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        for (const [to, roles] of [
          [c.actors.operator, MemberRole.Operator],
          [c.actors.bankX, MemberRole.Bank],
        ] as const) {
          const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to, pieceId: rootId, amount: FACE / 2n });
          await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "NotATradeParty").withArgs(to.address, roles);
        }
      });
    });

    describe("when the receiver is the issuer", function () {
      it("reverts with TransferToIssuer, for a part and for the whole piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, coreA } = c.actors;
        for (const amount of [FACE / 2n, FACE]) {
          const { tx } = await sendTransfer(c, { from: supplierA, to: coreA, pieceId: rootId, amount });
          await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "TransferToIssuer").withArgs(rootId, coreA.address);
        }
      });

      it("still transfers to another core enterprise that supplies the holder", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.coreB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx).to.emit(c.contracts.ledger, "PieceSplit");
      });
    });

    describe("when sender and receiver are related parties", function () {
      it("reverts with RelatedPartyTrade", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { admin, supplierA, supplierB } = c.actors;
        await c.contracts.registry.connect(admin).setRelatedPartyGroup(supplierA.address, 5);
        await c.contracts.registry.connect(admin).setRelatedPartyGroup(supplierB.address, 5);
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "RelatedPartyTrade")
          .withArgs(supplierA.address, supplierB.address, 5);
      });
    });

    describe("when the receiver is a related party of the issuer", function () {
      it("reverts with RelatedPartyTrade naming the issuer", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { admin, coreA, supplierA, supplierB } = c.actors;
        await c.contracts.registry.connect(admin).setRelatedPartyGroup(coreA.address, 9);
        await c.contracts.registry.connect(admin).setRelatedPartyGroup(supplierB.address, 9);
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "RelatedPartyTrade")
          .withArgs(coreA.address, supplierB.address, 9);
      });
    });

    describe("when the sender is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { admin, supplierA, supplierB } = c.actors;
        await c.contracts.registry.connect(admin).setMemberStatus(supplierA.address, MemberStatus.Suspended);
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(supplierA.address, MemberStatus.Suspended);
      });
    });

    describe("when the receiver is not a member", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { outsider, supplierA } = c.actors;
        const { tx } = await sendTransfer(c, { from: supplierA, to: outsider, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(outsider.address, MemberStatus.None);
      });
    });

    describe("when the receiver is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { admin, supplierA, supplierB } = c.actors;
        await c.contracts.registry.connect(admin).setMemberStatus(supplierB.address, MemberStatus.Suspended);
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(supplierB.address, MemberStatus.Suspended);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with AmountZero", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: 0n });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "AmountZero");
      });
    });

    describe("when the amount exceeds the piece", function () {
      it("reverts with TransferAmountExceedsPiece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: FACE + 1n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "TransferAmountExceedsPiece")
          .withArgs(rootId, FACE + 1n, FACE);
      });
    });

    describe("when the part is below the minimum piece", function () {
      it("reverts with PieceBelowMinimum", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount: MIN_PIECE - 1n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceBelowMinimum")
          .withArgs(MIN_PIECE - 1n, MIN_PIECE);
      });
    });

    describe("when the remainder would be below the minimum piece", function () {
      it("reverts with RemainderBelowMinimum", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const amount = FACE - (MIN_PIECE - 1n);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: rootId, amount });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "RemainderBelowMinimum")
          .withArgs(rootId, MIN_PIECE - 1n, MIN_PIECE);
      });
    });

    describe("when the piece is at the maximum depth (5)", function () {
      /** Whole transfers A -> B -> C -> A -> B: the root is 5 levels deep, held by C. */
      async function fiveLevelsDeep(c: Consortium, rootId: bigint) {
        const { supplierA, supplierB, supplierC } = c.actors;
        const route = [supplierA, supplierB, supplierC, supplierA, supplierB, supplierC];
        for (let level = 0; level < Number(MAX_DEPTH); level++) {
          await transferPiece(ethers, c, { from: route[level], to: route[level + 1], pieceId: rootId, amount: FACE });
        }
      }

      it("allows the fifth level", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await fiveLevelsDeep(c, rootId);
        const piece = await c.contracts.ledger.pieceOf(rootId);
        expect(piece.depth).to.equal(MAX_DEPTH);
        expect(piece.holder).to.equal(c.actors.supplierC.address);
      });

      it("reverts with DepthLimitReached for a sixth whole transfer", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await fiveLevelsDeep(c, rootId);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierC, to: c.actors.supplierA, pieceId: rootId, amount: FACE });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "DepthLimitReached")
          .withArgs(rootId, MAX_DEPTH, MAX_DEPTH);
      });

      it("reverts with DepthLimitReached for a sixth partial transfer", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await fiveLevelsDeep(c, rootId);
        const { tx } = await sendTransfer(c, { from: c.actors.supplierC, to: c.actors.supplierA, pieceId: rootId, amount: FACE / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "DepthLimitReached")
          .withArgs(rootId, MAX_DEPTH, MAX_DEPTH);
      });

      it("reverts with DepthLimitReached for a split-off piece five levels deep", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        // Partial transfers A -> B -> C -> A -> B, each splitting off a new piece one level deeper.
        const route = [supplierA, supplierB, supplierC, supplierA, supplierB, supplierC];
        let pieceId = rootId;
        let amount = FACE;
        for (let level = 0; level < Number(MAX_DEPTH); level++) {
          amount /= 2n;
          pieceId = await transferPiece(ethers, c, { from: route[level], to: route[level + 1], pieceId, amount });
        }
        expect((await c.contracts.ledger.pieceOf(pieceId)).depth).to.equal(MAX_DEPTH);
        expect(pieceId).to.equal(pieceIdOf(1n, 5));
        const { tx } = await sendTransfer(c, { from: supplierC, to: supplierA, pieceId, amount: amount / 2n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "DepthLimitReached")
          .withArgs(pieceId, MAX_DEPTH, MAX_DEPTH);
      });
    });

    describe("when the voucher has the maximum number of live pieces", function () {
      it("allows pieces up to the limit (3)", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(threeLivePiecesFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: rootId, amount: FACE / 4n });
        expect((await c.contracts.ledger.voucherOf(1n)).livePieces).to.equal(3n);
      });

      it("reverts with LivePieceLimitReached for one more piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(threeLivePiecesFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: rootId, amount: FACE / 4n });
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "LivePieceLimitReached").withArgs(1n, 3n);
      });

      it("still allows a whole transfer, which creates no piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(threeLivePiecesFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: rootId, amount: FACE / 4n });
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 2n });
        await expect(tx).to.emit(c.contracts.ledger, "PieceTransferred");
        expect((await c.contracts.ledger.voucherOf(1n)).livePieces).to.equal(3n);
      });

      it("allows a new piece again once a piece is settled", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(threeLivePiecesFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        const first = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: rootId, amount: FACE / 4n });
        await settleByBankX(c, first);
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n });
        await expect(tx).to.emit(c.contracts.ledger, "PieceSplit");
        const voucher = await c.contracts.ledger.voucherOf(1n);
        expect(voucher.livePieces).to.equal(3n);
        expect(voucher.piecesCreated).to.equal(4n);
      });
    });

    describe("when a document key was already used", function () {
      it("reverts with DocumentKeyAlreadyUsed for the key of an earlier transfer", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB, supplierC } = c.actors;
        const key = freshDocumentKey();
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: rootId, amount: FACE / 4n, documentKeys: [key] });
        const { tx } = await sendTransfer(c, { from: supplierA, to: supplierC, pieceId: rootId, amount: FACE / 4n, documentKeys: [key] });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyAlreadyUsed").withArgs(key);
      });

      it("reverts with DocumentKeyAlreadyUsed for the invoice key of the issue", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { tx } = await sendTransfer(c, {
          from: c.actors.supplierA,
          to: c.actors.supplierB,
          pieceId: rootId,
          amount: FACE / 4n,
          documentKeys: [ISSUE_KEY],
        });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyAlreadyUsed").withArgs(ISSUE_KEY);
      });
    });
  });

  describe(".split()", function () {
    describe("when the holder splits a piece for itself", function () {
      it("emits PieceSplit with from == to and no package or document keys", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA } = c.actors;
        await expect(c.contracts.ledger.connect(supplierA).split(rootId, FACE / 5n))
          .to.emit(c.contracts.ledger, "PieceSplit")
          .withArgs(rootId, pieceIdOf(1n, 1), supplierA.address, supplierA.address, FACE / 5n, (4n * FACE) / 5n, 1n, ethersLib.ZeroHash, []);
      });

      it("creates a child piece of the holder, one level deeper", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { ledger } = c.contracts;
        const { supplierA } = c.actors;
        const childId = await ledger.connect(supplierA).split.staticCall(rootId, FACE / 5n);
        await ledger.connect(supplierA).split(rootId, FACE / 5n);
        expect(childId).to.equal(pieceIdOf(1n, 1));
        const child = await ledger.pieceOf(childId);
        expect(child.holder).to.equal(supplierA.address);
        expect(child.amount).to.equal(FACE / 5n);
        expect(child.depth).to.equal(1n);
        expect(child.parentIndex).to.equal(0n);
        expect((await ledger.pieceOf(rootId)).amount).to.equal((4n * FACE) / 5n);
        const voucher = await ledger.voucherOf(1n);
        expect(voucher.livePieces).to.equal(2n);
        expect(voucher.piecesCreated).to.equal(2n);
      });
    });

    describe("when the ledger is paused", function () {
      it("reverts with EnforcedPause", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await c.contracts.ledger.connect(c.actors.admin).pause();
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE / 2n)).to.be.revertedWithCustomError(
          c.contracts.ledger,
          "EnforcedPause",
        );
      });
    });

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound", async function () {
        const { c } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const missing = pieceIdOf(1n, 1);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(missing, MIN_PIECE))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotFound")
          .withArgs(missing);
      });
    });

    describe("when the piece is pledged", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await pledgeToBankX(c, c.actors.supplierA, rootId);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotInStatus")
          .withArgs(rootId, PieceStatus.Pledged, PieceStatus.Active);
      });
    });

    describe("when the piece is settled", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await settleByBankX(c, rootId);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotInStatus")
          .withArgs(rootId, PieceStatus.Settled, PieceStatus.Active);
      });
    });

    describe("when the caller is not the holder", function () {
      it("reverts with NotPieceHolder for another member", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { supplierA, supplierB } = c.actors;
        await expect(c.contracts.ledger.connect(supplierB).split(rootId, FACE / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "NotPieceHolder")
          .withArgs(rootId, supplierB.address, supplierA.address);
      });

      it("reverts with NotPieceHolder for an outsider", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { outsider, supplierA } = c.actors;
        await expect(c.contracts.ledger.connect(outsider).split(rootId, FACE / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "NotPieceHolder")
          .withArgs(rootId, outsider.address, supplierA.address);
      });
    });

    describe("when the voucher has matured", function () {
      it("reverts with VoucherMatured at the maturity second", async function () {
        const { c, rootId, maturity } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await networkHelpers.time.setNextBlockTimestamp(maturity);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "VoucherMatured")
          .withArgs(1n, maturity);
      });
    });

    describe("when the holder is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { admin, supplierA } = c.actors;
        await c.contracts.registry.connect(admin).setMemberStatus(supplierA.address, MemberStatus.Suspended);
        await expect(c.contracts.ledger.connect(supplierA).split(rootId, FACE / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(supplierA.address, MemberStatus.Suspended);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with AmountZero", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, 0n)).to.be.revertedWithCustomError(
          c.contracts.ledger,
          "AmountZero",
        );
      });
    });

    describe("when the amount is not below the piece", function () {
      it("reverts with SplitAmountNotBelowPiece for the whole amount", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE))
          .to.be.revertedWithCustomError(c.contracts.ledger, "SplitAmountNotBelowPiece")
          .withArgs(rootId, FACE, FACE);
      });

      it("reverts with SplitAmountNotBelowPiece for more than the piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE + 1n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "SplitAmountNotBelowPiece")
          .withArgs(rootId, FACE + 1n, FACE);
      });
    });

    describe("when the new piece is below the minimum", function () {
      it("reverts with PieceBelowMinimum", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, MIN_PIECE - 1n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceBelowMinimum")
          .withArgs(MIN_PIECE - 1n, MIN_PIECE);
      });
    });

    describe("when the remainder would be below the minimum", function () {
      it("reverts with RemainderBelowMinimum", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, FACE - 1n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "RemainderBelowMinimum")
          .withArgs(rootId, 1n, MIN_PIECE);
      });
    });

    describe("when the piece is at the maximum depth (5)", function () {
      /** Five self-splits, each of the newest piece: returns the piece five levels deep. */
      async function splitFiveDeep(c: Consortium, rootId: bigint) {
        const ledger = c.contracts.ledger.connect(c.actors.supplierA);
        let pieceId = rootId;
        let amount = FACE;
        for (let level = 0; level < Number(MAX_DEPTH); level++) {
          amount /= 2n;
          const next = await ledger.split.staticCall(pieceId, amount);
          await ledger.split(pieceId, amount);
          pieceId = next;
        }
        return { pieceId, amount };
      }

      it("allows the fifth level", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { pieceId } = await splitFiveDeep(c, rootId);
        expect((await c.contracts.ledger.pieceOf(pieceId)).depth).to.equal(MAX_DEPTH);
        expect(await c.contracts.ledger.lineageOf(pieceId)).to.have.length(Number(MAX_DEPTH) + 1);
      });

      it("reverts with DepthLimitReached for a sixth level", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        const { pieceId, amount } = await splitFiveDeep(c, rootId);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(pieceId, amount / 2n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "DepthLimitReached")
          .withArgs(pieceId, MAX_DEPTH, MAX_DEPTH);
      });

      it("still splits a shallower piece of the same voucher", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(issuedVoucherFixture);
        await splitFiveDeep(c, rootId);
        await expect(c.contracts.ledger.connect(c.actors.supplierA).split(rootId, MIN_PIECE)).to.emit(c.contracts.ledger, "PieceSplit");
      });
    });

    describe("when the voucher has the maximum number of live pieces (3)", function () {
      it("reverts with LivePieceLimitReached for the fourth piece", async function () {
        const { c, rootId } = await networkHelpers.loadFixture(threeLivePiecesFixture);
        const ledger = c.contracts.ledger.connect(c.actors.supplierA);
        await ledger.split(rootId, FACE / 4n);
        await ledger.split(rootId, FACE / 4n);
        expect((await ledger.voucherOf(1n)).livePieces).to.equal(3n);
        await expect(ledger.split(rootId, FACE / 4n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "LivePieceLimitReached")
          .withArgs(1n, 3n);
      });
    });
  });
});
