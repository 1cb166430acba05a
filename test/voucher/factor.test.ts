import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  DAY,
  MILLION_CNY,
  buildFactoring,
  deployConsortium,
  issueVoucher,
  latestTimestamp,
  transferPiece,
  type Consortium,
} from "../fixtures/consortium.js";
import { FACTORING_CONSENT_TYPES } from "../../src/sdk/eip712.js";
import { PieceStatus } from "../../src/sdk/constants.js";
import { shouldRefuseUnfinanceablePieces, type FinancingRequest } from "./financing.behavior.js";

const { ethers, networkHelpers } = await network.getOrCreate();

/** 98% of the face value: a 2% discount. */
const PRICE = (MILLION_CNY * 98n) / 100n;

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

/** Factors a piece at PRICE, with recourse, on the holder's consent. */
async function sendFactoring(c: Consortium, { pieceId, bank, holder, deadline }: FinancingRequest): Promise<ContractTransactionResponse> {
  const { terms, consent } = await buildFactoring(ethers, c, { holder, factor: bank, pieceId, purchasePrice: PRICE, deadline });
  return c.contracts.ledger.connect(bank).factor(terms, consent);
}

/** Asserts that `tx` factored a 1,000,000.00 CNY piece as `sendFactoring` asks. */
async function expectFactored(c: Consortium, tx: Promise<ContractTransactionResponse>, { pieceId, bank, holder }: FinancingRequest) {
  await expect(tx).to.emit(c.contracts.ledger, "PieceFactored").withArgs(pieceId, holder.address, bank.address, MILLION_CNY, PRICE, true);
}

describe("VoucherLedger financing: factoring", function () {
  describe(".factor()", function () {
    describe("when the holder consents and the bank may finance", function () {
      it("emits PieceFactored with seller, factor, amount and price", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { supplierA, bankX } = c.actors;
        await expect(sendFactoring(c, { pieceId: root, bank: bankX, holder: supplierA }))
          .to.emit(c.contracts.ledger, "PieceFactored")
          .withArgs(root, supplierA.address, bankX.address, MILLION_CNY, PRICE, true);
      });

      it("makes the bank the holder and keeps amount, status and depth", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const before = await ledger.pieceOf(root);
        await sendFactoring(c, { pieceId: root, bank: bankX, holder: supplierA });
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
        await sendFactoring(c, { pieceId: root, bank: bankX, holder: supplierA });
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
        await sendFactoring(c, { pieceId: root, bank: bankX, holder: supplierA });
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
        const request = { pieceId: root, bank: bankX, holder };
        await expectFactored(c, sendFactoring(c, request), request);
        const piece = await ledger.pieceOf(root);
        expect(piece.holder).to.equal(bankX.address);
        expect(piece.depth).to.equal(maxDepth);
      });
    });

    shouldRefuseUnfinanceablePieces({
      fixture: factorFixture,
      longTermFixture,
      finance: sendFactoring,
      expectFinanced: expectFactored,
      inactiveStates: ["pledged", "enforced", "settled"],
      nonBankCallers: ["supplierB", "supplierA", "coreA", "operator"],
    });

    describe("when the bank already holds the piece", function () {
      it("reverts with FactoringByHolder", async function () {
        const { c, root } = await networkHelpers.loadFixture(factorFixture);
        const { supplierA, bankX } = c.actors;
        await sendFactoring(c, { pieceId: root, bank: bankX, holder: supplierA });
        await expect(sendFactoring(c, { pieceId: root, bank: bankX, holder: bankX }))
          .to.be.revertedWithCustomError(c.contracts.ledger, "FactoringByHolder")
          .withArgs(root, bankX.address);
      });
    });

    for (const [when, purchasePrice] of [
      ["the purchase price is zero", 0n],
      ["the purchase price is above the face value", MILLION_CNY + 1n],
    ] as const) {
      describe(`when ${when}`, function () {
        it("reverts with FactoringPriceInvalid", async function () {
          const { c, root } = await networkHelpers.loadFixture(factorFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice });
          await expect(ledger.connect(bankX).factor(terms, consent))
            .to.be.revertedWithCustomError(ledger, "FactoringPriceInvalid")
            .withArgs(root, purchasePrice, MILLION_CNY);
        });
      });
    }

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

      for (const [when, signed, sent] of [
        ["the bank lowers the price", {}, { purchasePrice: PRICE - 1n }],
        ["the bank flips recourse", { withRecourse: false }, { withRecourse: true }],
      ] as const) {
        it(`reverts with ConsentSignatureInvalid when ${when}`, async function () {
          const { c, root } = await networkHelpers.loadFixture(factorFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildFactoring(ethers, c, {
            holder: supplierA,
            factor: bankX,
            pieceId: root,
            purchasePrice: PRICE,
            ...signed,
          });
          await expect(ledger.connect(bankX).factor({ ...terms, ...sent }, consent))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierA.address);
        });
      }
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
