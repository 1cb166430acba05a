import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  DAY,
  MILLION_CNY,
  buildFactoring,
  buildPledge,
  deployConsortium,
  issueVoucher,
  latestTimestamp,
  type Consortium,
} from "../fixtures/consortium.js";
import { PLEDGE_CONSENT_TYPES, ledgerDomain } from "../../src/sdk/eip712.js";
import { MemberRole, MemberStatus, PieceStatus, registrationNumberToBytes24 } from "../../src/sdk/constants.js";
import { shouldRefuseUnfinanceablePieces, type FinancingRequest } from "./financing.behavior.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const REGISTRATION = "04868843000012345678";
const REGISTRATION_BYTES = registrationNumberToBytes24(REGISTRATION);
const ZERO_REGISTRATION = "0x" + "00".repeat(24);
const SECURED = 60_000_000n; // 600,000.00 CNY of a 1,000,000.00 CNY piece
const REVIEW_HASH = ethers.id("enhanced-review-report-2025-001");

interface PledgeTermsInput {
  pieceId: bigint;
  securedAmount: bigint;
  annualRateBps: number;
  serviceFeeBps: number;
  registrationNumber: string;
  deadline: bigint;
}

/** Signs a PledgeConsent with any signer over any fields, for consents the fixture cannot build. */
async function signPledgeConsent(
  c: Consortium,
  signer: HardhatEthersSigner,
  fields: { holder: string; pledgee: string; serial: number; pieceAmount?: bigint; domain?: Consortium["domain"] },
  terms: PledgeTermsInput,
): Promise<string> {
  const pieceAmount = fields.pieceAmount ?? (await c.contracts.ledger.pieceOf(terms.pieceId)).amount;
  return signer.signTypedData(fields.domain ?? c.domain, PLEDGE_CONSENT_TYPES, {
    ...terms,
    holder: fields.holder,
    pledgee: fields.pledgee,
    pieceAmount,
    serial: fields.serial,
  });
}

/** A consortium with one 1,000,000.00 CNY voucher of coreA held by supplierA (90-day term). */
async function pledgeFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  const voucherId = root >> 16n;
  return { c, root, voucherId };
}

/** As `pledgeFixture`, with the root piece pledged to bankX (serial 1). */
async function pledgedFixture() {
  const base = await pledgeFixture();
  const { c, root } = base;
  const { supplierA, bankX } = c.actors;
  const { terms, consent } = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: SECURED });
  await c.contracts.ledger.connect(bankX).pledge(terms, consent);
  return { ...base, terms, consent };
}

/** A voucher with a 200-day term: above the 183-day enhanced-review threshold (R4). */
async function longTermFixture() {
  const c = await deployConsortium(ethers);
  const now = await latestTimestamp(ethers);
  const root = await issueVoucher(ethers, c, { maturity: now + 200n * DAY });
  return { c, root, voucherId: root >> 16n };
}

/** Pledges a piece for SECURED at the default terms (4.50% a year, 0.20% fee, registration REGISTRATION). */
async function sendPledge(c: Consortium, { pieceId, bank, holder, deadline }: FinancingRequest): Promise<ContractTransactionResponse> {
  const { terms, consent } = await buildPledge(ethers, c, { holder, pledgee: bank, pieceId, securedAmount: SECURED, deadline });
  return c.contracts.ledger.connect(bank).pledge(terms, consent);
}

/** Asserts that `tx` is the first pledge of the piece, as `sendPledge` asks for it. */
async function expectPledged(c: Consortium, tx: Promise<ContractTransactionResponse>, { pieceId, bank, holder }: FinancingRequest) {
  const { ledger } = c.contracts;
  await expect(tx).to.emit(ledger, "PiecePledged").withArgs(pieceId, bank.address, holder.address, SECURED, 450, 20, REGISTRATION_BYTES, 1);
  expect((await ledger.pieceOf(pieceId)).status).to.equal(BigInt(PieceStatus.Pledged));
}

/** What `releasePledge` and `enforcePledge` both refuse: a piece that is not pledged to the caller. */
function shouldRefuseWithoutAPledgeOfTheCaller(method: "releasePledge" | "enforcePledge") {
  describe("when the piece is not pledged", function () {
    it("reverts with PieceNotInStatus", async function () {
      const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
      const { ledger } = c.contracts;
      await expect(ledger.connect(c.actors.bankX)[method](root))
        .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
        .withArgs(root, PieceStatus.Active, PieceStatus.Pledged);
    });
  });

  describe("when the pledge was enforced", function () {
    it("reverts with PieceNotInStatus", async function () {
      const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
      const { ledger } = c.contracts;
      const { bankX } = c.actors;
      await ledger.connect(bankX).enforcePledge(root);
      await expect(ledger.connect(bankX)[method](root))
        .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
        .withArgs(root, PieceStatus.Enforced, PieceStatus.Pledged);
    });
  });

  for (const who of ["bankY", "supplierA", "outsider"] as const) {
    describe(`when ${who} is not the pledgee`, function () {
      it("reverts with NotPledgee", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const caller = c.actors[who];
        await expect(ledger.connect(caller)[method](root))
          .to.be.revertedWithCustomError(ledger, "NotPledgee")
          .withArgs(root, caller.address, c.actors.bankX.address);
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Pledged));
      });
    });
  }
}

describe("VoucherLedger financing: pledge", function () {
  describe(".pledge()", function () {
    describe("when the holder consents and the bank may finance", function () {
      it("emits PiecePledged with the terms and serial 1", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: SECURED,
          annualRateBps: 385,
          serviceFeeBps: 15,
        });
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.emit(ledger, "PiecePledged")
          .withArgs(root, bankX.address, supplierA.address, SECURED, 385, 15, REGISTRATION_BYTES, 1);
      });

      it("records the pledge and flags the piece Pledged", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: SECURED,
          annualRateBps: 385,
          serviceFeeBps: 15,
        });
        const tx = await ledger.connect(bankX).pledge(terms, consent);
        const receipt = await tx.wait();
        const block = await ethers.provider.getBlock(receipt!.blockNumber);

        const record = await ledger.pledgeOf(root);
        expect(record.pledgee).to.equal(bankX.address);
        expect(record.securedAmount).to.equal(SECURED);
        expect(record.annualRateBps).to.equal(385n);
        expect(record.serviceFeeBps).to.equal(15n);
        expect(record.registrationNumber).to.equal(REGISTRATION_BYTES);
        expect(record.serial).to.equal(1n);
        expect(record.pledgedAt).to.equal(BigInt(block!.timestamp));

        const piece = await ledger.pieceOf(root);
        expect(piece.status).to.equal(BigInt(PieceStatus.Pledged));
        expect(piece.holder).to.equal(supplierA.address);
        expect(piece.amount).to.equal(MILLION_CNY);
      });

      it("accepts a secured amount equal to the whole piece", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: MILLION_CNY,
        });
        await c.contracts.ledger.connect(bankX).pledge(terms, consent);
        expect((await c.contracts.ledger.pledgeOf(root)).securedAmount).to.equal(MILLION_CNY);
      });

      it("accepts a consent whose deadline is the block time", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { supplierA, bankX } = c.actors;
        const deadline = (await latestTimestamp(ethers)) + 100n;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: SECURED,
          deadline,
        });
        await networkHelpers.time.setNextBlockTimestamp(deadline);
        await c.contracts.ledger.connect(bankX).pledge(terms, consent);
        expect((await c.contracts.ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Pledged));
      });

      it("pledges a split-off part while the rest stays active", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const part = await ledger.connect(supplierA).split.staticCall(root, 25_000_000n);
        await ledger.connect(supplierA).split(root, 25_000_000n);
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: part,
          securedAmount: 25_000_000n,
        });
        await ledger.connect(bankX).pledge(terms, consent);
        expect((await ledger.pieceOf(part)).status).to.equal(BigInt(PieceStatus.Pledged));
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
      });
    });

    describe("when the piece was pledged and released before", function () {
      it("gives the new pledge serial 2", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        await ledger.connect(bankX).releasePledge(root);
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankY,
          pieceId: root,
          securedAmount: 40_000_000n,
          registrationNumber: "04868843000099999999",
        });
        await expect(ledger.connect(bankY).pledge(terms, consent))
          .to.emit(ledger, "PiecePledged")
          .withArgs(root, bankY.address, supplierA.address, 40_000_000n, 450, 20, registrationNumberToBytes24("04868843000099999999"), 2);
        const record = await ledger.pledgeOf(root);
        expect(record.serial).to.equal(2n);
        expect(record.pledgee).to.equal(bankY.address);
        expect(record.securedAmount).to.equal(40_000_000n);
      });
    });

    shouldRefuseUnfinanceablePieces({
      fixture: pledgeFixture,
      longTermFixture,
      finance: sendPledge,
      expectFinanced: expectPledged,
      inactiveStates: ["pledged", "enforced", "settled"],
      nonBankCallers: ["supplierB", "supplierA", "coreA", "operator"],
    });

    describe("when the piece is already pledged (double pledge)", function () {
      it("reverts with PieceNotInStatus for the same bank", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: 10_000_000n,
        });
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
          .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
        expect((await ledger.pledgeOf(root)).securedAmount).to.equal(SECURED);
      });
    });

    describe("when the bank already holds the piece (after factoring it)", function () {
      it("reverts with PledgeToHolder", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const sale = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: 95_000_000n });
        await ledger.connect(bankX).factor(sale.terms, sale.consent);
        await expect(sendPledge(c, { pieceId: root, bank: bankX, holder: bankX }))
          .to.be.revertedWithCustomError(ledger, "PledgeToHolder")
          .withArgs(root, bankX.address);
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
      });

      it("lets the factor pledge it to another bank", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { supplierA, bankX, bankY } = c.actors;
        const sale = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root, purchasePrice: 95_000_000n });
        await c.contracts.ledger.connect(bankX).factor(sale.terms, sale.consent);
        const request = { pieceId: root, bank: bankY, holder: bankX };
        await expectPledged(c, sendPledge(c, request), request);
      });
    });

    describe("when the holder and the bank are in different related-party groups", function () {
      it("pledges", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankX } = c.actors;
        await ledger.connect(admin).setRelatedPartyGroup(supplierA.address, 7);
        await ledger.connect(admin).setRelatedPartyGroup(bankX.address, 8);
        await expect(sendPledge(c, { pieceId: root, bank: bankX, holder: supplierA })).to.emit(ledger, "PiecePledged");
      });
    });

    for (const [when, securedAmount] of [
      ["the secured amount is zero", 0n],
      ["the secured amount exceeds the piece (empty pledge)", MILLION_CNY + 1n],
    ] as const) {
      describe(`when ${when}`, function () {
        it("reverts with PledgeAmountInvalid", async function () {
          const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount });
          await expect(ledger.connect(bankX).pledge(terms, consent))
            .to.be.revertedWithCustomError(ledger, "PledgeAmountInvalid")
            .withArgs(root, securedAmount, MILLION_CNY);
        });
      });
    }

    describe("when the registration number is missing", function () {
      it("reverts with PledgeRegistrationMissing", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const terms: PledgeTermsInput = {
          pieceId: root,
          securedAmount: SECURED,
          annualRateBps: 450,
          serviceFeeBps: 20,
          registrationNumber: ZERO_REGISTRATION,
          deadline: (await latestTimestamp(ethers)) + DAY,
        };
        const consent = await signPledgeConsent(c, supplierA, { holder: supplierA.address, pledgee: bankX.address, serial: 1 }, terms);
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.be.revertedWithCustomError(ledger, "PledgeRegistrationMissing")
          .withArgs(root);
      });
    });

    describe("when the consent is not the holder's", function () {
      for (const [who, when] of [
        ["supplierB", "someone else signed"],
        ["bankX", "the bank signed its own consent"],
      ] as const) {
        it(`reverts with ConsentSignatureInvalid when ${when}`, async function () {
          const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms } = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: SECURED });
          const forged = await signPledgeConsent(c, c.actors[who], { holder: supplierA.address, pledgee: bankX.address, serial: 1 }, terms);
          await expect(ledger.connect(bankX).pledge(terms, forged))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierA.address);
        });
      }
    });

    describe("when the consent names another bank", function () {
      it("reverts with ConsentSignatureInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankY,
          pieceId: root,
          securedAmount: SECURED,
        });
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });
    });

    describe("when the consent carries the wrong serial", function () {
      it("reverts with ConsentSignatureInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: SECURED,
          serial: 2,
        });
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });
    });

    describe("when the bank changes a term the holder signed", function () {
      for (const [what, change] of [
        ["a higher secured amount", { securedAmount: SECURED + 1n }],
        ["a higher rate", { annualRateBps: 900 }],
      ] as const) {
        it(`reverts with ConsentSignatureInvalid for ${what}`, async function () {
          const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: SECURED,
          });
          await expect(ledger.connect(bankX).pledge({ ...terms, ...change }, consent))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierA.address);
        });
      }
    });

    describe("when the consent was signed for another chain", function () {
      it("reverts with ConsentSignatureInvalid", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms } = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: SECURED });
        const otherChain = ledgerDomain(BigInt(c.domain.chainId!) + 1n, await ledger.getAddress());
        const consent = await signPledgeConsent(
          c,
          supplierA,
          { holder: supplierA.address, pledgee: bankX.address, serial: 1, domain: otherChain },
          terms,
        );
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
      });
    });

    describe("when an old consent is replayed after release", function () {
      it("reverts with ConsentSignatureInvalid because the serial moved on", async function () {
        const { c, root, terms, consent } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        await ledger.connect(bankX).releasePledge(root);
        await expect(ledger.connect(bankX).pledge(terms, consent))
          .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
          .withArgs(supplierA.address);
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
        expect((await ledger.pledgeOf(root)).serial).to.equal(1n);
      });
    });
  });

  describe(".releasePledge()", function () {
    describe("when the pledgee releases", function () {
      it("makes the piece Active and emits PledgeReleased", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { bankX } = c.actors;
        await expect(ledger.connect(bankX).releasePledge(root)).to.emit(ledger, "PledgeReleased").withArgs(root, bankX.address, 1);
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
      });

      it("keeps the record of the last pledge", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { bankX } = c.actors;
        await ledger.connect(bankX).releasePledge(root);
        const record = await ledger.pledgeOf(root);
        expect(record.pledgee).to.equal(bankX.address);
        expect(record.serial).to.equal(1n);
        expect(record.securedAmount).to.equal(SECURED);
      });
    });

    shouldRefuseWithoutAPledgeOfTheCaller("releasePledge");

    describe("when the piece does not exist", function () {
      it("reverts with PieceNotFound", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgeFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.bankX).releasePledge(root + 1n))
          .to.be.revertedWithCustomError(ledger, "PieceNotFound")
          .withArgs(root + 1n);
      });
    });
  });

  describe(".enforcePledge()", function () {
    describe("when the pledgee enforces", function () {
      it("makes the piece Enforced and emits PledgeEnforced", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { bankX, supplierA } = c.actors;
        await expect(ledger.connect(bankX).enforcePledge(root)).to.emit(ledger, "PledgeEnforced").withArgs(root, bankX.address, 1);
        const piece = await ledger.pieceOf(root);
        expect(piece.status).to.equal(BigInt(PieceStatus.Enforced));
        expect(piece.holder).to.equal(supplierA.address);
      });

      it("keeps the piece out of transfer and split", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { bankX, supplierA } = c.actors;
        await ledger.connect(bankX).enforcePledge(root);
        await expect(ledger.connect(supplierA).split(root, 10_000_000n))
          .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
          .withArgs(root, PieceStatus.Enforced, PieceStatus.Active);
      });
    });

    shouldRefuseWithoutAPledgeOfTheCaller("enforcePledge");

    describe("when the pledge was released", function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
        const { ledger } = c.contracts;
        const { bankX } = c.actors;
        await ledger.connect(bankX).releasePledge(root);
        await expect(ledger.connect(bankX).enforcePledge(root))
          .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
          .withArgs(root, PieceStatus.Active, PieceStatus.Pledged);
      });
    });
  });

  describe(".recordEnhancedReview()", function () {
    describe("when an active bank records a review", function () {
      it("stores the hash and emits EnhancedReviewRecorded", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(longTermFixture);
        const { ledger } = c.contracts;
        const { bankX, bankY } = c.actors;
        await expect(ledger.connect(bankX).recordEnhancedReview(voucherId, REVIEW_HASH))
          .to.emit(ledger, "EnhancedReviewRecorded")
          .withArgs(voucherId, bankX.address, REVIEW_HASH);
        expect(await ledger.enhancedReviewOf(voucherId, bankX.address)).to.equal(REVIEW_HASH);
        expect(await ledger.enhancedReviewOf(voucherId, bankY.address)).to.equal(ethers.ZeroHash);
      });
    });

    for (const [when, who, error, value] of [
      ["the caller is a supplier", "supplierA", "MemberLacksRole", MemberRole.Bank],
      ["the caller is no member", "outsider", "MemberNotActive", MemberStatus.None],
    ] as const) {
      describe(`when ${when}`, function () {
        it(`reverts with ${error}`, async function () {
          const { c, voucherId } = await networkHelpers.loadFixture(longTermFixture);
          const { ledger } = c.contracts;
          const caller = c.actors[who];
          await expect(ledger.connect(caller).recordEnhancedReview(voucherId, REVIEW_HASH))
            .to.be.revertedWithCustomError(ledger, error)
            .withArgs(caller.address, value);
        });
      });
    }

    describe("when the voucher does not exist", function () {
      it("reverts with VoucherNotFound", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(longTermFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.bankX).recordEnhancedReview(voucherId + 1n, REVIEW_HASH))
          .to.be.revertedWithCustomError(ledger, "VoucherNotFound")
          .withArgs(voucherId + 1n);
      });
    });

    describe("when the review hash is zero", function () {
      it("reverts with EnhancedReviewHashZero", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(longTermFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.bankX).recordEnhancedReview(voucherId, ethers.ZeroHash)).to.be.revertedWithCustomError(
          ledger,
          "EnhancedReviewHashZero",
        );
      });
    });
  });
});
