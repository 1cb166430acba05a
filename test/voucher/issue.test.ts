import { expect } from "chai";
import { network } from "hardhat";
import { ethers as ethersLib } from "ethers";
import {
  CREDIT_LINE,
  DAY,
  MILLION_CNY,
  buildIssue,
  deployConsortium,
  freshDocumentKey,
  issueVoucher,
  type Consortium,
  type IssueOptions,
} from "../fixtures/consortium.js";
import { DEFAULT_POLICY, MemberRole, MemberStatus, PieceStatus, pieceIdOf } from "../../src/sdk/constants.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const MAX_TERM = BigInt(DEFAULT_POLICY.maxTerm);
const ENHANCED_REVIEW_TERM = BigInt(DEFAULT_POLICY.enhancedReviewTerm);
const MIN_PIECE = DEFAULT_POLICY.minPieceAmount;

async function consortiumFixture() {
  return deployConsortium(ethers);
}

/** A timestamp safely ahead of the latest block, for `setNextBlockTimestamp`. */
async function nextTimestamp(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 10n;
}

/** Builds an issue request and sends it from its issuer (the caller checks the outcome). */
async function sendIssue(c: Consortium, options: IssueOptions = {}) {
  const { issuer, request, attestations } = await buildIssue(ethers, c, options);
  return { request, tx: c.contracts.ledger.connect(issuer).issue(request, attestations) };
}

describe("VoucherLedger", function () {
  describe(".issue()", function () {
    describe("when the request is valid", function () {
      it("emits VoucherIssued with every argument", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { coreA, supplierA } = c.actors;
        const documentKeys = [freshDocumentKey(), freshDocumentKey()];
        const packageHash = ethersLib.id("package-of-voucher-1");
        const maturity = BigInt(await networkHelpers.time.latest()) + 90n * DAY;
        const { tx } = await sendIssue(c, { amount: 3n * MILLION_CNY, maturity, packageHash, documentKeys });
        await expect(tx)
          .to.emit(c.contracts.ledger, "VoucherIssued")
          .withArgs(1n, coreA.address, supplierA.address, pieceIdOf(1n, 0), 3n * MILLION_CNY, maturity, false, packageHash, documentKeys);
      });

      it("returns the root piece id voucherId << 16", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const first = await issueVoucher(ethers, c);
        const second = await issueVoucher(ethers, c);
        expect(first).to.equal(pieceIdOf(1n, 0));
        expect(second).to.equal(pieceIdOf(2n, 0));
      });

      it("records the voucher, its root piece and the issuer's outstanding amount", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { ledger } = c.contracts;
        const { coreA, supplierA } = c.actors;
        const maturity = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
        const rootId = await issueVoucher(ethers, c, { amount: 2n * MILLION_CNY, maturity });

        const voucher = await ledger.voucherOf(1n);
        expect(voucher.issuer).to.equal(coreA.address);
        expect(voucher.maturity).to.equal(maturity);
        expect(voucher.piecesCreated).to.equal(1n);
        expect(voucher.livePieces).to.equal(1n);
        expect(voucher.enhancedReviewRequired).to.equal(false);
        expect(voucher.overdue).to.equal(false);

        const piece = await ledger.pieceOf(rootId);
        expect(piece.holder).to.equal(supplierA.address);
        expect(piece.amount).to.equal(2n * MILLION_CNY);
        expect(piece.parentIndex).to.equal(0n);
        expect(piece.depth).to.equal(0n);
        expect(piece.status).to.equal(BigInt(PieceStatus.Active));

        expect(await ledger.outstandingOf(coreA.address)).to.equal(2n * MILLION_CNY);
        expect(await ledger.voucherCount()).to.equal(1n);
      });

      it("adds each voucher to the issuer's outstanding amount and the voucher count", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { ledger } = c.contracts;
        const { coreA, coreB, supplierB } = c.actors;
        await issueVoucher(ethers, c, { amount: MILLION_CNY });
        await issueVoucher(ethers, c, { amount: 5n * MILLION_CNY, holder: supplierB });
        await issueVoucher(ethers, c, { amount: 7n * MILLION_CNY, issuer: coreB });
        expect(await ledger.outstandingOf(coreA.address)).to.equal(6n * MILLION_CNY);
        expect(await ledger.outstandingOf(coreB.address)).to.equal(7n * MILLION_CNY);
        expect(await ledger.voucherCount()).to.equal(3n);
      });

      it("marks every document key of the request used", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { ledger } = c.contracts;
        const documentKeys = [freshDocumentKey(), freshDocumentKey(), freshDocumentKey()];
        const unrelated = freshDocumentKey();
        for (const key of documentKeys) expect(await ledger.isDocumentKeyUsed(key)).to.equal(false);
        await issueVoucher(ethers, c, { documentKeys });
        for (const key of documentKeys) expect(await ledger.isDocumentKeyUsed(key)).to.equal(true);
        expect(await ledger.isDocumentKeyUsed(unrelated)).to.equal(false);
      });

      it("accepts the maximum of 16 document keys", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const documentKeys = Array.from({ length: 16 }, () => freshDocumentKey());
        const { tx } = await sendIssue(c, { documentKeys });
        await expect(tx).to.emit(c.contracts.ledger, "VoucherIssued");
        expect(await c.contracts.ledger.isDocumentKeyUsed(documentKeys[15])).to.equal(true);
      });

      it("accepts an amount equal to the minimum piece", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const rootId = await issueVoucher(ethers, c, { amount: MIN_PIECE });
        expect((await c.contracts.ledger.pieceOf(rootId)).amount).to.equal(MIN_PIECE);
      });

      it("accepts an amount that fills the credit line exactly", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        await issueVoucher(ethers, c, { amount: CREDIT_LINE - MILLION_CNY });
        await issueVoucher(ethers, c, { amount: MILLION_CNY });
        expect(await c.contracts.ledger.outstandingOf(c.actors.coreA.address)).to.equal(CREDIT_LINE);
      });

      it("accepts an attestation whose deadline is the block time", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const { issuer, request, attestations } = await buildIssue(ethers, c, { deadline: at });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations)).to.emit(c.contracts.ledger, "VoucherIssued");
      });
    });

    describe("when the term is at or around the enhanced-review threshold (183 days)", function () {
      it("does not require an enhanced review at exactly 183 days", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const maturity = at + ENHANCED_REVIEW_TERM;
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.emit(c.contracts.ledger, "VoucherIssued")
          .withArgs(1n, issuer.address, request.holder, pieceIdOf(1n, 0), request.amount, maturity, false, request.packageHash, request.documentKeys);
        expect((await c.contracts.ledger.voucherOf(1n)).enhancedReviewRequired).to.equal(false);
      });

      it("requires an enhanced review one second above 183 days", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const maturity = at + ENHANCED_REVIEW_TERM + 1n;
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.emit(c.contracts.ledger, "VoucherIssued")
          .withArgs(1n, issuer.address, request.holder, pieceIdOf(1n, 0), request.amount, maturity, true, request.packageHash, request.documentKeys);
        expect((await c.contracts.ledger.voucherOf(1n)).enhancedReviewRequired).to.equal(true);
      });

      it("requires an enhanced review for a term of 200 days", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        await issueVoucher(ethers, c, { maturity: BigInt(await networkHelpers.time.latest()) + 200n * DAY });
        expect((await c.contracts.ledger.voucherOf(1n)).enhancedReviewRequired).to.equal(true);
      });
    });

    describe("when the term is exactly the maximum (365 days)", function () {
      it("issues the voucher", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const maturity = at + MAX_TERM;
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.emit(c.contracts.ledger, "VoucherIssued")
          .withArgs(1n, issuer.address, request.holder, pieceIdOf(1n, 0), request.amount, maturity, true, request.packageHash, request.documentKeys);
      });
    });

    describe("when the ledger is paused", function () {
      it("reverts with EnforcedPause", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        await c.contracts.ledger.connect(c.actors.admin).pause();
        const { tx } = await sendIssue(c);
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "EnforcedPause");
      });

      it("issues again once unpaused", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        await c.contracts.ledger.connect(c.actors.admin).pause();
        await c.contracts.ledger.connect(c.actors.admin).unpause();
        const { tx } = await sendIssue(c);
        await expect(tx).to.emit(c.contracts.ledger, "VoucherIssued");
      });
    });

    describe("when the issuer is not a member", function () {
      it("reverts with MemberNotActive", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { outsider } = c.actors;
        const { tx } = await sendIssue(c, { issuer: outsider });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(outsider.address, MemberStatus.None);
      });
    });

    describe("when the issuer is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { admin, coreA } = c.actors;
        await c.contracts.registry.connect(admin).setMemberStatus(coreA.address, MemberStatus.Suspended);
        const { tx } = await sendIssue(c);
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(coreA.address, MemberStatus.Suspended);
      });
    });

    describe("when the holder is not a member", function () {
      it("reverts with MemberNotActive", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { outsider } = c.actors;
        const { tx } = await sendIssue(c, { holder: outsider });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(outsider.address, MemberStatus.None);
      });
    });

    describe("when the holder is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { admin, supplierB } = c.actors;
        await c.contracts.registry.connect(admin).setMemberStatus(supplierB.address, MemberStatus.Suspended);
        const { tx } = await sendIssue(c, { holder: supplierB });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberNotActive")
          .withArgs(supplierB.address, MemberStatus.Suspended);
      });
    });

    describe("when the caller is not a core enterprise", function () {
      it("reverts with MemberLacksRole for a supplier", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { supplierA, supplierB } = c.actors;
        const { tx } = await sendIssue(c, { issuer: supplierA, holder: supplierB });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberLacksRole")
          .withArgs(supplierA.address, MemberRole.CoreEnterprise);
      });

      it("reverts with MemberLacksRole for a bank", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { bankX } = c.actors;
        const { tx } = await sendIssue(c, { issuer: bankX });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberLacksRole")
          .withArgs(bankX.address, MemberRole.CoreEnterprise);
      });

      it("reverts with MemberLacksRole for a core enterprise whose role was removed", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { admin, coreA } = c.actors;
        await c.contracts.registry.connect(admin).setMemberRoles(coreA.address, MemberRole.Supplier);
        const { tx } = await sendIssue(c);
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "MemberLacksRole")
          .withArgs(coreA.address, MemberRole.CoreEnterprise);
      });
    });

    describe("when the issuer is in default (R11)", function () {
      async function defaultedIssuerFixture() {
        const c = await deployConsortium(ethers);
        const maturity = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
        await issueVoucher(ethers, c, { maturity });
        await networkHelpers.time.increaseTo(maturity + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);
        await c.contracts.ledger.connect(c.actors.supplierA).markOverdue(1n);
        return c;
      }

      it("reverts with IssuerInDefault", async function () {
        const c = await networkHelpers.loadFixture(defaultedIssuerFixture);
        expect((await c.contracts.registry.memberOf(c.actors.coreA.address)).defaulted).to.equal(true);
        const { tx } = await sendIssue(c);
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "IssuerInDefault").withArgs(c.actors.coreA.address);
      });

      it("still lets another core enterprise issue", async function () {
        const c = await networkHelpers.loadFixture(defaultedIssuerFixture);
        const { tx } = await sendIssue(c, { issuer: c.actors.coreB });
        await expect(tx).to.emit(c.contracts.ledger, "VoucherIssued");
      });

      it("issues again after the admin restores the issuer", async function () {
        const c = await networkHelpers.loadFixture(defaultedIssuerFixture);
        await c.contracts.registry.connect(c.actors.admin).restoreIssuer(c.actors.coreA.address);
        const { tx } = await sendIssue(c);
        await expect(tx).to.emit(c.contracts.ledger, "VoucherIssued");
      });
    });

    describe("when the holder is the issuer", function () {
      it("reverts with IssueToSelf", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { coreA } = c.actors;
        const { tx } = await sendIssue(c, { holder: coreA });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "IssueToSelf").withArgs(coreA.address);
      });
    });

    describe("when the holder is no trade party (operator, bank, oracle, auditor)", function () {
      it("reverts with NotATradeParty naming the holder and its roles", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { operator, bankX, oracle2, auditor } = c.actors;
        for (const [holder, roles] of [
          [operator, MemberRole.Operator],
          [bankX, MemberRole.Bank],
          [oracle2, MemberRole.Oracle],
          [auditor, MemberRole.Auditor],
        ] as const) {
          const { tx } = await sendIssue(c, { holder });
          await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "NotATradeParty").withArgs(holder.address, roles);
        }
      });

      it("accepts another core enterprise as holder", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { tx } = await sendIssue(c, { holder: c.actors.coreB });
        await expect(tx).to.emit(c.contracts.ledger, "VoucherIssued");
      });
    });

    describe("when the issuer and the holder are related parties", function () {
      it("reverts with RelatedPartyTrade naming both and the group", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { admin, coreA, supplierA } = c.actors;
        await c.contracts.registry.connect(admin).setRelatedPartyGroup(coreA.address, 77);
        await c.contracts.registry.connect(admin).setRelatedPartyGroup(supplierA.address, 77);
        const { tx } = await sendIssue(c, { holder: supplierA });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "RelatedPartyTrade")
          .withArgs(coreA.address, supplierA.address, 77);
      });

      it("issues when only the holder is in a group", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        await c.contracts.registry.connect(c.actors.admin).setRelatedPartyGroup(c.actors.supplierA.address, 77);
        const { tx } = await sendIssue(c, { holder: c.actors.supplierA });
        await expect(tx).to.emit(c.contracts.ledger, "VoucherIssued");
      });
    });

    describe("when the issuer has no clearing bank", function () {
      it("reverts with ClearingBankNotSet", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { admin, supplierC } = c.actors;
        // supplierC becomes a core enterprise with a credit line but no clearing bank.
        await c.contracts.registry.connect(admin).setMemberRoles(supplierC.address, MemberRole.CoreEnterprise);
        await c.contracts.registry.connect(admin).setCreditLine(supplierC.address, MILLION_CNY);
        const { tx } = await sendIssue(c, { issuer: supplierC, holder: c.actors.supplierA, amount: MILLION_CNY });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "ClearingBankNotSet").withArgs(supplierC.address);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with AmountZero", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { tx } = await sendIssue(c, { amount: 0n });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "AmountZero");
      });
    });

    describe("when the amount is below the minimum piece", function () {
      it("reverts with PieceBelowMinimum", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { tx } = await sendIssue(c, { amount: 9_999n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "PieceBelowMinimum")
          .withArgs(9_999n, MIN_PIECE);
      });
    });

    describe("when the maturity is not in the future", function () {
      it("reverts with MaturityNotInFuture when it is the block time", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity: at });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.be.revertedWithCustomError(c.contracts.ledger, "MaturityNotInFuture")
          .withArgs(at, at);
      });

      it("reverts with MaturityNotInFuture when it is in the past", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity: at - DAY });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.be.revertedWithCustomError(c.contracts.ledger, "MaturityNotInFuture")
          .withArgs(at - DAY, at);
      });
    });

    describe("when the term exceeds the maximum (R4)", function () {
      it("reverts with TermTooLong for 366 days", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity: at + 366n * DAY });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.be.revertedWithCustomError(c.contracts.ledger, "TermTooLong")
          .withArgs(366n * DAY, MAX_TERM);
      });

      it("reverts with TermTooLong one second above 365 days", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const { issuer, request, attestations } = await buildIssue(ethers, c, { maturity: at + MAX_TERM + 1n });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.be.revertedWithCustomError(c.contracts.ledger, "TermTooLong")
          .withArgs(MAX_TERM + 1n, MAX_TERM);
      });
    });

    describe("when the issue would exceed the credit line (R14)", function () {
      it("reverts with CreditLineExceeded, counting earlier vouchers", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { coreA } = c.actors;
        await issueVoucher(ethers, c, { amount: 60n * MILLION_CNY });
        const { tx } = await sendIssue(c, { amount: 50n * MILLION_CNY });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "CreditLineExceeded")
          .withArgs(coreA.address, 110n * MILLION_CNY, CREDIT_LINE);
      });

      it("reverts with CreditLineExceeded one fen above the line", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { coreA } = c.actors;
        await issueVoucher(ethers, c, { amount: CREDIT_LINE - MILLION_CNY });
        const { tx } = await sendIssue(c, { amount: MILLION_CNY + 1n });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "CreditLineExceeded")
          .withArgs(coreA.address, CREDIT_LINE + 1n, CREDIT_LINE);
      });

      it("reverts with CreditLineExceeded when the issuer has no credit line", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { admin, coreA } = c.actors;
        await c.contracts.registry.connect(admin).setCreditLine(coreA.address, 0n);
        const { tx } = await sendIssue(c, { amount: MILLION_CNY });
        await expect(tx)
          .to.be.revertedWithCustomError(c.contracts.ledger, "CreditLineExceeded")
          .withArgs(coreA.address, MILLION_CNY, 0n);
      });
    });

    describe("when the attestation deadline has passed", function () {
      it("reverts with AttestationExpired", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const at = await nextTimestamp();
        const { issuer, request, attestations } = await buildIssue(ethers, c, { deadline: at - 1n });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(c.contracts.ledger.connect(issuer).issue(request, attestations))
          .to.be.revertedWithCustomError(c.contracts.ledger, "AttestationExpired")
          .withArgs(at - 1n, at);
      });
    });

    describe("when the request has no document key", function () {
      it("reverts with DocumentKeysMissing", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { tx } = await sendIssue(c, { documentKeys: [] });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeysMissing");
      });
    });

    describe("when the request has more than 16 document keys", function () {
      it("reverts with TooManyDocumentKeys", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const documentKeys = Array.from({ length: 17 }, () => freshDocumentKey());
        const { tx } = await sendIssue(c, { documentKeys });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "TooManyDocumentKeys").withArgs(17n, 16n);
      });
    });

    describe("when a document key is zero", function () {
      it("reverts with DocumentKeyZero and its index", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const documentKeys = [freshDocumentKey(), freshDocumentKey(), ethersLib.ZeroHash];
        const { tx } = await sendIssue(c, { documentKeys });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyZero").withArgs(2n);
      });

      it("reverts with DocumentKeyZero(0) when the first key is zero", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { tx } = await sendIssue(c, { documentKeys: [ethersLib.ZeroHash] });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyZero").withArgs(0n);
      });
    });

    describe("when a document key was already used (R2)", function () {
      it("reverts with DocumentKeyAlreadyUsed for the same key twice in one request", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const key = freshDocumentKey();
        const { tx } = await sendIssue(c, { documentKeys: [key, freshDocumentKey(), key] });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyAlreadyUsed").withArgs(key);
      });

      it("reverts with DocumentKeyAlreadyUsed for a key of an earlier voucher of the same issuer", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const key = freshDocumentKey();
        await issueVoucher(ethers, c, { documentKeys: [key] });
        const { tx } = await sendIssue(c, { documentKeys: [freshDocumentKey(), key], holder: c.actors.supplierB });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyAlreadyUsed").withArgs(key);
      });

      it("reverts with DocumentKeyAlreadyUsed when another core enterprise issues on the same invoice", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const { coreA, coreB, supplierA } = c.actors;
        const invoiceKey = freshDocumentKey();
        await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, documentKeys: [invoiceKey] });
        const { tx } = await sendIssue(c, { issuer: coreB, holder: supplierA, documentKeys: [invoiceKey] });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyAlreadyUsed").withArgs(invoiceKey);
        expect(await c.contracts.ledger.outstandingOf(coreB.address)).to.equal(0n);
        expect(await c.contracts.ledger.voucherCount()).to.equal(1n);
      });

      it("leaves the keys of a refused request unused", async function () {
        const c = await networkHelpers.loadFixture(consortiumFixture);
        const used = freshDocumentKey();
        const fresh = freshDocumentKey();
        await issueVoucher(ethers, c, { documentKeys: [used] });
        const { tx } = await sendIssue(c, { documentKeys: [fresh, used] });
        await expect(tx).to.be.revertedWithCustomError(c.contracts.ledger, "DocumentKeyAlreadyUsed").withArgs(used);
        expect(await c.contracts.ledger.isDocumentKeyUsed(fresh)).to.equal(false);
      });
    });
  });
});
