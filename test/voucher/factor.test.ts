import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  DAY,
  MILLION_CNY,
  buildFactoring,
  buildPledge,
  deployConsortium,
  issueVoucher,
  latestTimestamp,
  transferPiece,
  type Consortium,
} from "../fixtures/consortium.js";
import { FACTORING_CONSENT_TYPES } from "../../src/sdk/eip712.js";
import { MemberRole, MemberStatus, PieceStatus } from "../../src/sdk/constants.js";

const { ethers, networkHelpers } = await network.getOrCreate();

/** 98% of the face value: a 2% discount. */
const PRICE = (MILLION_CNY * 98n) / 100n;
const REVIEW_HASH = ethers.id("enhanced-review-report-2025-002");

/** Signs a FactoringConsent with any signer over any fields, for consents the fixture cannot build. */
async function signFactoringConsent(
  c: Consortium,
  signer: HardhatEthersSigner,
  fields: { holder: string; factor: string; amount: bigint; nonce: bigint },
  terms: { pieceId: bigint; purchasePrice: bigint; withRecourse: boolean; deadline: bigint },
): Promise<string> {
  return signer.signTypedData(c.domain, FACTORING_CONSENT_TYPES, { ...terms, ...fields });
}

/** A consortium with one 1,000,000.00 CNY voucher of coreA held by supplierA (90-day term). */
async function factorFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  return { c, root, voucherId: root >> 16n };
}

/** A voucher whose root piece was transferred whole five times: at the default maximum depth 5. */
async function maxDepthFixture() {
  const c = await deployConsortium(ethers);
  const { supplierA, supplierB, supplierC } = c.actors;
  const root = await issueVoucher(ethers, c);
  const chain = [supplierA, supplierB, supplierC, supplierA, supplierB, supplierC];
  for (let i = 0; i + 1 < chain.length; i++) {
    await transferPiece(ethers, c, { from: chain[i], to: chain[i + 1], pieceId: root, amount: MILLION_CNY });
  }
  return { c, root, holder: supplierC };
}

/** A voucher with a 200-day term: above the 183-day enhanced-review threshold (R4). */
async function longTermFixture() {
  const c = await deployConsortium(ethers);
  const now = await latestTimestamp(ethers);
  const root = await issueVoucher(ethers, c, { maturity: now + 200n * DAY });
  return { c, root, voucherId: root >> 16n };
}

describe("VoucherLedger financing: factoring", function () {
  describe(".factor()", function () {
    describe("when the holder consents and the bank may finance", function () {
      it("emits PieceFactored with seller, factor, amount and price", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.emit(ledger, "PieceFactored")
          .withArgs(root, supplierA.address, bankX.address, MILLION_CNY, PRICE, true);
      });

      it("makes the bank the holder and keeps amount, status and depth", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const before = await ledger.pieceOf(root);
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await ledger.connect(bankX).factor(terms, consent);
        const after = await ledger.pieceOf(root);
        expect(after.holder).to.equal(bankX.address);
        expect(after.amount).to.equal(MILLION_CNY);
        expect(after.status).to.equal(BigInt(PieceStatus.Active));
        expect(after.depth).to.equal(before.depth);
        expect(after.parentIndex).to.equal(before.parentIndex);
      });

      it("records the factoring", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankY } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankY,
          pieceId: root,
          purchasePrice: PRICE,
          withRecourse: false,
        });
        const receipt = await (await ledger.connect(bankY).factor(terms, consent)).wait();
        const block = await ethers.provider.getBlock(receipt!.blockNumber);
        const record = await ledger.factoringOf(root);
        expect(record.factor).to.equal(bankY.address);
        expect(record.purchasePrice).to.equal(PRICE);
        expect(record.withRecourse).to.equal(false);
        expect(record.factoredAt).to.equal(BigInt(block!.timestamp));
      });

      it("uses up the holder's nonce", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        expect(await ledger.nonces(supplierA.address)).to.equal(0n);
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await ledger.connect(bankX).factor(terms, consent);
        expect(await ledger.nonces(supplierA.address)).to.equal(1n);
        expect(await ledger.nonces(bankX.address)).to.equal(0n);
      });

      it("accepts a price equal to the face value", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: MILLION_CNY,
        });
        await ledger.connect(bankX).factor(terms, consent);
        expect((await ledger.factoringOf(root)).purchasePrice).to.equal(MILLION_CNY);
      });

      it("lets the factor sell the piece on to another bank with its own nonce", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        const first = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: PRICE });
        await ledger.connect(bankX).factor(first.terms, first.consent);
        const second = await buildFactoring(ethers, c, { holder: bankX, factor: bankY, pieceId: root, purchasePrice: PRICE + 1_000_00n });
        await expect(ledger.connect(bankY).factor(second.terms, second.consent))
          .to.emit(ledger, "PieceFactored")
          .withArgs(root, bankX.address, bankY.address, MILLION_CNY, PRICE + 1_000_00n, true);
        expect((await ledger.pieceOf(root)).holder).to.equal(bankY.address);
        expect(await ledger.nonces(bankX.address)).to.equal(1n);
      });
    });

    describe("when the piece is at the maximum depth", function () {
      it("still factors, and the depth stays at the maximum", async function () {
        const { c, root, holder } = await networkHelpers.loadFixture(maxDepthFixture);
        const { ledger } = c.contracts;
        const { bankX } = c.actors;
        const maxDepth = (await ledger.policy()).maxDepth;
        expect((await ledger.pieceOf(root)).depth).to.equal(maxDepth);
        const { terms, consent } = await buildFactoring(ethers, c, { holder, factor: bankX, pieceId: root, purchasePrice: PRICE });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.emit(ledger, "PieceFactored")
          .withArgs(root, holder.address, bankX.address, MILLION_CNY, PRICE, true);
        const piece = await ledger.pieceOf(root);
        expect(piece.holder).to.equal(bankX.address);
        expect(piece.depth).to.equal(maxDepth);
      });
    });

    describe("when the ledger is paused", function () {
      it("reverts with EnforcedPause", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await ledger.connect(admin).pause();
        await expect(ledger.connect(bankX).factor(terms, consent)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      });
    });

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const missing = root + 3n;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: missing,
          purchasePrice: PRICE,
          amount: MILLION_CNY,
        });
        await expect(ledger.connect(bankX).factor(terms, consent)).to.be.revertedWithCustomError(ledger, "PieceNotFound").withArgs(missing);
      });
    });

    describe("when the piece is pledged", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        const pledge = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: PRICE });
        await ledger.connect(bankX).pledge(pledge.terms, pledge.consent);
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankY,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankY).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
          .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
        expect((await ledger.pieceOf(root)).holder).to.equal(supplierA.address);
      });
    });

    describe("when the voucher has matured", function () {
      it("reverts with VoucherMatured", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { maturity } = await ledger.voucherOf(voucherId);
        await networkHelpers.time.increaseTo(maturity);
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "VoucherMatured")
          .withArgs(voucherId, maturity);
      });
    });

    describe("when the caller is not a bank", function () {
      it("reverts with MemberLacksRole for a supplier", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, supplierB } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: supplierB,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(supplierB).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "MemberLacksRole")
          .withArgs(supplierB.address, MemberRole.Bank);
      });

      it("reverts with MemberLacksRole for the operator", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, operator } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: operator,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(operator).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "MemberLacksRole")
          .withArgs(operator.address, MemberRole.Bank);
      });
    });

    describe("when the bank is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await ledger.connect(admin).setMemberStatus(bankX.address, MemberStatus.Suspended);
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(bankX.address, MemberStatus.Suspended);
      });
    });

    describe("when the holder is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await ledger.connect(admin).setMemberStatus(supplierA.address, MemberStatus.Suspended);
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(supplierA.address, MemberStatus.Suspended);
      });
    });

    describe("when the caller is no member", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, outsider } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: outsider,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(outsider).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(outsider.address, MemberStatus.None);
      });
    });

    describe("when the holder and the bank are related parties", function () {
      it("reverts with RelatedPartyFinancing", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankY } = c.actors;
        await ledger.connect(admin).setRelatedPartyGroup(supplierA.address, 42);
        await ledger.connect(admin).setRelatedPartyGroup(bankY.address, 42);
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankY,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankY).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "RelatedPartyFinancing")
          .withArgs(supplierA.address, bankY.address, 42);
        expect(await ledger.nonces(supplierA.address)).to.equal(0n);
      });
    });

    describe("when the voucher needs an enhanced review", function () {
      it("reverts with EnhancedReviewMissing, and factors once the bank recorded it", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(longTermFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "EnhancedReviewMissing")
          .withArgs(voucherId, bankX.address);
        await ledger.connect(bankX).recordEnhancedReview(voucherId, REVIEW_HASH);
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.emit(ledger, "PieceFactored")
          .withArgs(root, supplierA.address, bankX.address, MILLION_CNY, PRICE, true);
      });
    });

    describe("when the bank already holds the piece", function () {
      it("reverts with FactoringByHolder", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const first = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: PRICE });
        await ledger.connect(bankX).factor(first.terms, first.consent);
        const again = await buildFactoring(ethers, c, { holder: bankX, factor: bankX, pieceId: root, purchasePrice: PRICE });
        await expect(ledger.connect(bankX).factor(again.terms, again.consent))
          .to.be.revertedWithCustomError(ledger, "FactoringByHolder")
          .withArgs(root, bankX.address);
      });
    });

    describe("when the purchase price is zero", function () {
      it("reverts with FactoringPriceInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: 0n });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "FactoringPriceInvalid")
          .withArgs(root, 0n, MILLION_CNY);
      });
    });

    describe("when the purchase price is above the face value", function () {
      it("reverts with FactoringPriceInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: MILLION_CNY + 1n,
        });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "FactoringPriceInvalid")
          .withArgs(root, MILLION_CNY + 1n, MILLION_CNY);
      });
    });

    describe("when the consent has expired", function () {
      it("reverts with ConsentExpired", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const deadline = (await latestTimestamp(ethers)) + 60n;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
          deadline,
        });
        await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentExpired")
          .withArgs(deadline, deadline + 1n);
      });
    });

    describe("when the consent is not valid for this factoring", function () {
      it("reverts with ConsentSignatureInvalid when someone else signed", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, supplierB, bankX } = c.actors;
        const { terms } = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: PRICE });
        const forged = await signFactoringConsent(
          c,
          supplierB,
          { holder: supplierA.address, factor: bankX.address, amount: MILLION_CNY, nonce: 0n },
          terms,
        );
        await expect(ledger.connect(bankX).factor(terms, forged))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });

      it("reverts with ConsentSignatureInvalid when the consent names another factor", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankY,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });

      it("reverts with ConsentSignatureInvalid when the bank lowers the price", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await expect(ledger.connect(bankX).factor({ ...terms, purchasePrice: PRICE - 1n }, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });

      it("reverts with ConsentSignatureInvalid when the bank flips recourse", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
          withRecourse: false,
        });
        await expect(ledger.connect(bankX).factor({ ...terms, withRecourse: true }, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });
    });

    describe("when a used consent is replayed", function () {
      it("reverts with ConsentSignatureInvalid after the piece came back to the seller (nonce moved on)", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: PRICE,
        });
        await ledger.connect(bankX).factor(terms, consent);
        // The factor sells the piece back to the seller on a real trade (recourse exercised, say).
        await transferPiece(ethers, c, { from: bankX, to: supplierA, pieceId: root, amount: MILLION_CNY });
        expect((await ledger.pieceOf(root)).holder).to.equal(supplierA.address);
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
        expect((await ledger.pieceOf(root)).holder).to.equal(supplierA.address);
      });

      it("reverts with ConsentSignatureInvalid for a second consent signed with the same nonce", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        const other = await ledger.connect(supplierA).split.staticCall(root, 25_000_000n);
        await ledger.connect(supplierA).split(root, 25_000_000n);
        const first = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: 70_000_000n });
        const second = await buildFactoring(ethers, c, { holder: supplierA, factor: bankY, pieceId: other, purchasePrice: 24_000_000n });
        await ledger.connect(bankX).factor(first.terms, first.consent);
        await expect(ledger.connect(bankY).factor(second.terms, second.consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
        expect((await ledger.pieceOf(other)).holder).to.equal(supplierA.address);
      });
    });

    describe("when a split changed the piece amount after the holder signed", function () {
      it("reverts with ConsentSignatureInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: 70_000_000n,
        });
        await ledger.connect(supplierA).split(root, 25_000_000n);
        expect((await ledger.pieceOf(root)).amount).to.equal(MILLION_CNY - 25_000_000n);
        await expect(ledger.connect(bankX).factor(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
        expect(await ledger.nonces(supplierA.address)).to.equal(0n);
      });
    });
  });
});
