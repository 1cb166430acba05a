import { expect } from "chai";
import { network } from "hardhat";
import { ethers as ethersLib } from "ethers";
import { DAY, MILLION_CNY, deployConsortium, freshDocumentKey, issueVoucher, transferPiece, type Consortium } from "../fixtures/consortium.js";
import { DEFAULT_POLICY, PieceStatus, pieceIdOf } from "../../src/sdk/constants.js";
import { LEDGER_DOMAIN_NAME, LEDGER_DOMAIN_VERSION } from "../../src/sdk/eip712.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const FACE = MILLION_CNY;
const P = FACE / 100n; // one percent of the face value
const ISSUE_KEYS = [freshDocumentKey(), freshDocumentKey()];
const TRANSFER_KEY = freshDocumentKey();

const P0 = pieceIdOf(1n, 0);
const P1 = pieceIdOf(1n, 1);
const P2 = pieceIdOf(1n, 2);
const P3 = pieceIdOf(1n, 3);
const P4 = pieceIdOf(1n, 4);

async function bareConsortiumFixture() {
  return deployConsortium(ethers);
}

/**
 * Voucher 1 of coreA (1,000,000.00 CNY) with five pieces, and voucher 2 of coreB:
 *
 *   P0 root, supplierA, 50%                     depth 0
 *   ├─ P1 A -> B 40%, then wholly B -> C, 30%   depth 2 (a whole transfer adds depth, not a piece)
 *   │   └─ P2 C -> B 10%                        depth 3
 *   └─ P3 A splits 10% for itself, 6%           depth 1
 *       └─ P4 A splits 4% for itself            depth 2
 */
async function pieceTreeFixture() {
  const c = await deployConsortium(ethers);
  const { coreB, supplierA, supplierB, supplierC } = c.actors;
  const maturity = BigInt(await networkHelpers.time.latest()) + 120n * DAY;
  await issueVoucher(ethers, c, { amount: FACE, maturity, documentKeys: ISSUE_KEYS });
  await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: P0, amount: 40n * P });
  await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: P1, amount: 40n * P });
  await transferPiece(ethers, c, { from: supplierC, to: supplierB, pieceId: P1, amount: 10n * P, documentKeys: [TRANSFER_KEY] });
  const ledgerA = c.contracts.ledger.connect(supplierA);
  await ledgerA.split(P0, 10n * P);
  await ledgerA.split(P3, 4n * P);
  await issueVoucher(ethers, c, { issuer: coreB, holder: supplierC, amount: 3n * FACE });
  return { c, maturity };
}

async function settleByBankX(c: Consortium, ...pieceIds: bigint[]) {
  await c.contracts.ledger
    .connect(c.actors.bankX)
    .settle(pieceIds.map((pieceId) => ({ pieceId, bankReference: ethersLib.id(`payment-${pieceId}`) })));
}

describe("VoucherLedger views", function () {
  describe(".pieceOf()", function () {
    it("returns holder, amount, parent index, depth and status of each piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const { supplierA, supplierB, supplierC } = c.actors;
      const expected: Array<[bigint, string, bigint, bigint, bigint]> = [
        [P0, supplierA.address, 50n * P, 0n, 0n],
        [P1, supplierC.address, 30n * P, 0n, 2n],
        [P2, supplierB.address, 10n * P, 1n, 3n],
        [P3, supplierA.address, 6n * P, 0n, 1n],
        [P4, supplierA.address, 4n * P, 3n, 2n],
      ];
      for (const [pieceId, holder, amount, parentIndex, depth] of expected) {
        const piece = await c.contracts.ledger.pieceOf(pieceId);
        expect([piece.holder, piece.amount, piece.parentIndex, piece.depth, piece.status]).to.deep.equal([
          holder,
          amount,
          parentIndex,
          depth,
          BigInt(PieceStatus.Active),
        ]);
      }
    });

    it("shows Settled after the clearing bank pays a piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P2);
      expect((await c.contracts.ledger.pieceOf(P2)).status).to.equal(BigInt(PieceStatus.Settled));
    });

    describe("when the piece does not exist", function () {
      it("returns an empty record with status None", async function () {
        const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
        const piece = await c.contracts.ledger.pieceOf(pieceIdOf(1n, 5));
        expect(piece.holder).to.equal(ethersLib.ZeroAddress);
        expect(piece.amount).to.equal(0n);
        expect(piece.status).to.equal(BigInt(PieceStatus.None));
      });
    });
  });

  describe(".voucherOf()", function () {
    it("returns issuer, maturity, piece counts and flags", async function () {
      const { c, maturity } = await networkHelpers.loadFixture(pieceTreeFixture);
      const voucher = await c.contracts.ledger.voucherOf(1n);
      expect(voucher.issuer).to.equal(c.actors.coreA.address);
      expect(voucher.maturity).to.equal(maturity);
      expect(voucher.piecesCreated).to.equal(5n);
      expect(voucher.livePieces).to.equal(5n);
      expect(voucher.enhancedReviewRequired).to.equal(false);
      expect(voucher.overdue).to.equal(false);
      const other = await c.contracts.ledger.voucherOf(2n);
      expect(other.issuer).to.equal(c.actors.coreB.address);
      expect(other.piecesCreated).to.equal(1n);
    });

    it("counts settled pieces out of livePieces but not out of piecesCreated", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P1, P4);
      const voucher = await c.contracts.ledger.voucherOf(1n);
      expect(voucher.livePieces).to.equal(3n);
      expect(voucher.piecesCreated).to.equal(5n);
    });

    describe("when the voucher does not exist", function () {
      it("returns an empty record", async function () {
        const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
        const voucher = await c.contracts.ledger.voucherOf(3n);
        expect(voucher.issuer).to.equal(ethersLib.ZeroAddress);
        expect(voucher.piecesCreated).to.equal(0n);
      });
    });
  });

  describe(".parentOf()", function () {
    it("returns 0 for a root piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      expect(await c.contracts.ledger.parentOf(P0)).to.equal(0n);
      expect(await c.contracts.ledger.parentOf(pieceIdOf(2n, 0))).to.equal(0n);
    });

    it("returns the piece each child was split from", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const { ledger } = c.contracts;
      expect(await ledger.parentOf(P1)).to.equal(P0);
      expect(await ledger.parentOf(P2)).to.equal(P1);
      expect(await ledger.parentOf(P3)).to.equal(P0);
      expect(await ledger.parentOf(P4)).to.equal(P3);
    });

    it("still returns the parent after the parent is settled", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P1);
      expect(await c.contracts.ledger.parentOf(P2)).to.equal(P1);
    });

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound", async function () {
        const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
        await expect(c.contracts.ledger.parentOf(pieceIdOf(1n, 5)))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotFound")
          .withArgs(pieceIdOf(1n, 5));
        await expect(c.contracts.ledger.parentOf(pieceIdOf(9n, 0)))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotFound")
          .withArgs(pieceIdOf(9n, 0));
      });
    });
  });

  describe(".lineageOf()", function () {
    it("returns just the root for a root piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      expect(await c.contracts.ledger.lineageOf(P0)).to.deep.equal([P0]);
    });

    it("returns the piece first, then each parent back to the root", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const { ledger } = c.contracts;
      expect(await ledger.lineageOf(P1)).to.deep.equal([P1, P0]);
      expect(await ledger.lineageOf(P4)).to.deep.equal([P4, P3, P0]);
    });

    it("has one link per piece, not per level, when a whole transfer added depth", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      // P2 is 3 levels deep (A -> B, B -> C wholly, C -> B) but was split only twice away from the root.
      expect((await c.contracts.ledger.pieceOf(P2)).depth).to.equal(3n);
      expect(await c.contracts.ledger.lineageOf(P2)).to.deep.equal([P2, P1, P0]);
    });

    it("stays complete after pieces on the path are settled", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P0, P1);
      expect(await c.contracts.ledger.lineageOf(P2)).to.deep.equal([P2, P1, P0]);
    });

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound", async function () {
        const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
        await expect(c.contracts.ledger.lineageOf(pieceIdOf(2n, 1)))
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceNotFound")
          .withArgs(pieceIdOf(2n, 1));
      });
    });
  });

  describe(".livePiecesOf()", function () {
    it("returns every live piece in index order when maxCount covers them", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const [pieceIds, nextIndex] = await c.contracts.ledger.livePiecesOf(1n, 0n, 10n);
      expect(pieceIds).to.deep.equal([P0, P1, P2, P3, P4]);
      expect(nextIndex).to.equal(0n);
    });

    it("pages with fromIndex and maxCount, returning where to continue", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const { ledger } = c.contracts;
      const [page1, next1] = await ledger.livePiecesOf(1n, 0n, 2n);
      expect(page1).to.deep.equal([P0, P1]);
      expect(next1).to.equal(2n);
      const [page2, next2] = await ledger.livePiecesOf(1n, next1, 2n);
      expect(page2).to.deep.equal([P2, P3]);
      expect(next2).to.equal(4n);
      const [page3, next3] = await ledger.livePiecesOf(1n, next2, 2n);
      expect(page3).to.deep.equal([P4]);
      expect(next3).to.equal(0n);
    });

    it("returns 0 as nextIndex when a page ends exactly on the last piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const [pieceIds, nextIndex] = await c.contracts.ledger.livePiecesOf(1n, 0n, 5n);
      expect(pieceIds).to.have.length(5);
      expect(nextIndex).to.equal(0n);
    });

    it("leaves out settled pieces", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P0, P2);
      const [pieceIds, nextIndex] = await c.contracts.ledger.livePiecesOf(1n, 0n, 10n);
      expect(pieceIds).to.deep.equal([P1, P3, P4]);
      expect(nextIndex).to.equal(0n);
    });

    it("skips settled pieces when paging", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const { ledger } = c.contracts;
      await settleByBankX(c, P1, P2);
      const [page1, next1] = await ledger.livePiecesOf(1n, 0n, 2n);
      expect(page1).to.deep.equal([P0, P3]);
      expect(next1).to.equal(4n);
      const [page2, next2] = await ledger.livePiecesOf(1n, next1, 2n);
      expect(page2).to.deep.equal([P4]);
      expect(next2).to.equal(0n);
    });

    it("returns nothing once every piece is settled", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P0, P1, P2, P3, P4);
      const [pieceIds, nextIndex] = await c.contracts.ledger.livePiecesOf(1n, 0n, 10n);
      expect(pieceIds).to.deep.equal([]);
      expect(nextIndex).to.equal(0n);
    });

    it("returns nothing from an index past the last piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const [pieceIds, nextIndex] = await c.contracts.ledger.livePiecesOf(1n, 7n, 10n);
      expect(pieceIds).to.deep.equal([]);
      expect(nextIndex).to.equal(0n);
    });

    it("reverts with PageSizeZero for maxCount 0", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await expect(c.contracts.ledger.livePiecesOf(1n, 2n, 0n)).to.be.revertedWithCustomError(c.contracts.ledger, "PageSizeZero");
    });

    it("lists only the pieces of the voucher asked for", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      const [pieceIds, nextIndex] = await c.contracts.ledger.livePiecesOf(2n, 0n, 10n);
      expect(pieceIds).to.deep.equal([pieceIdOf(2n, 0)]);
      expect(nextIndex).to.equal(0n);
    });

    describe("when the voucher does not exist", function () {
      it("reverts with VoucherNotFound", async function () {
        const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
        await expect(c.contracts.ledger.livePiecesOf(3n, 0n, 10n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "VoucherNotFound")
          .withArgs(3n);
        await expect(c.contracts.ledger.livePiecesOf(0n, 0n, 10n))
          .to.be.revertedWithCustomError(c.contracts.ledger, "VoucherNotFound")
          .withArgs(0n);
      });
    });
  });

  describe(".outstandingOf()", function () {
    it("is the issuer's unsettled face value, unchanged by splits and transfers", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      expect(await c.contracts.ledger.outstandingOf(c.actors.coreA.address)).to.equal(FACE);
      expect(await c.contracts.ledger.outstandingOf(c.actors.coreB.address)).to.equal(3n * FACE);
    });

    it("drops by the amount of each settled piece", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      await settleByBankX(c, P2, P4);
      expect(await c.contracts.ledger.outstandingOf(c.actors.coreA.address)).to.equal(FACE - 10n * P - 4n * P);
      expect(await c.contracts.ledger.outstandingOf(c.actors.coreB.address)).to.equal(3n * FACE);
    });

    it("is 0 for an account that never issued", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      expect(await c.contracts.ledger.outstandingOf(c.actors.supplierA.address)).to.equal(0n);
      expect(await c.contracts.ledger.outstandingOf(c.actors.outsider.address)).to.equal(0n);
    });
  });

  describe(".isDocumentKeyUsed()", function () {
    it("is true for the keys of an issue and of a transfer", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      for (const key of [...ISSUE_KEYS, TRANSFER_KEY]) expect(await c.contracts.ledger.isDocumentKeyUsed(key)).to.equal(true);
    });

    it("is false for a key never used and for the zero key", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      expect(await c.contracts.ledger.isDocumentKeyUsed(freshDocumentKey())).to.equal(false);
      expect(await c.contracts.ledger.isDocumentKeyUsed(ethersLib.ZeroHash)).to.equal(false);
    });
  });

  describe(".policy()", function () {
    it("returns the policy the ledger was deployed with", async function () {
      const c = await networkHelpers.loadFixture(bareConsortiumFixture);
      const p = await c.contracts.ledger.policy();
      expect({
        minPieceAmount: p.minPieceAmount,
        maxTerm: p.maxTerm,
        enhancedReviewTerm: p.enhancedReviewTerm,
        gracePeriod: p.gracePeriod,
        maxLivePieces: p.maxLivePieces,
        maxDepth: p.maxDepth,
        attestationQuorum: p.attestationQuorum,
      }).to.deep.equal({
        minPieceAmount: DEFAULT_POLICY.minPieceAmount,
        maxTerm: BigInt(DEFAULT_POLICY.maxTerm),
        enhancedReviewTerm: BigInt(DEFAULT_POLICY.enhancedReviewTerm),
        gracePeriod: BigInt(DEFAULT_POLICY.gracePeriod),
        maxLivePieces: BigInt(DEFAULT_POLICY.maxLivePieces),
        maxDepth: BigInt(DEFAULT_POLICY.maxDepth),
        attestationQuorum: BigInt(DEFAULT_POLICY.attestationQuorum),
      });
    });

    it("returns the policy the admin set last", async function () {
      const c = await networkHelpers.loadFixture(bareConsortiumFixture);
      const next = { ...DEFAULT_POLICY, minPieceAmount: 50_000n, maxLivePieces: 7, maxDepth: 3, attestationQuorum: 2 };
      await c.contracts.ledger.connect(c.actors.admin).setPolicy(next);
      const p = await c.contracts.ledger.policy();
      expect([p.minPieceAmount, p.maxLivePieces, p.maxDepth, p.attestationQuorum, p.maxTerm]).to.deep.equal([
        50_000n,
        7n,
        3n,
        2n,
        BigInt(DEFAULT_POLICY.maxTerm),
      ]);
    });
  });

  describe(".voucherCount()", function () {
    it("is 0 before any issue", async function () {
      const c = await networkHelpers.loadFixture(bareConsortiumFixture);
      expect(await c.contracts.ledger.voucherCount()).to.equal(0n);
    });

    it("counts vouchers, not pieces", async function () {
      const { c } = await networkHelpers.loadFixture(pieceTreeFixture);
      expect(await c.contracts.ledger.voucherCount()).to.equal(2n);
    });
  });

  describe(".eip712Domain()", function () {
    it("returns name EVoucherLedger, version 1, this chain and this contract", async function () {
      const c = await networkHelpers.loadFixture(bareConsortiumFixture);
      const { chainId } = await ethers.provider.getNetwork();
      const [fields, name, version, domainChainId, verifyingContract, salt, extensions] = await c.contracts.ledger.eip712Domain();
      expect(fields).to.equal("0x0f");
      expect(name).to.equal("EVoucherLedger");
      expect(version).to.equal("1");
      expect(domainChainId).to.equal(chainId);
      expect(verifyingContract).to.equal(await c.contracts.ledger.getAddress());
      expect(salt).to.equal(ethersLib.ZeroHash);
      expect(extensions).to.deep.equal([]);
    });

    it("matches the domain the SDK signs with", async function () {
      const c = await networkHelpers.loadFixture(bareConsortiumFixture);
      const [, name, version, chainId, verifyingContract] = await c.contracts.ledger.eip712Domain();
      expect(name).to.equal(LEDGER_DOMAIN_NAME);
      expect(version).to.equal(LEDGER_DOMAIN_VERSION);
      expect({ name, version, chainId, verifyingContract }).to.deep.equal(c.domain);
    });
  });
});
