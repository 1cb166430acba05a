import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { buildPledge, latestTimestamp, type Consortium } from "../fixtures/consortium.js";
import { MemberRole, MemberStatus, PieceStatus } from "../../src/sdk/constants.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const REVIEW_HASH = ethers.id("enhanced-review-report-2025-001");

/** A bank financing a holder's piece: what `.pledge()` and `.factor()` both do. */
export interface FinancingRequest {
  pieceId: bigint;
  /** The financing bank: it sends the transaction and the holder's consent names it. */
  bank: HardhatEthersSigner;
  holder: HardhatEthersSigner;
  /** The consent deadline; a day from the latest block by default. */
  deadline?: bigint;
}

/** A consortium with one voucher of coreA held by supplierA, and the voucher's root piece. */
export interface FinancingFixture {
  c: Consortium;
  root: bigint;
  voucherId: bigint;
}

/** supplierA pledges the piece to bankX for 600,000.00 CNY. */
async function pledgeToBankX(c: Consortium, pieceId: bigint): Promise<void> {
  const { supplierA, bankX } = c.actors;
  const { terms, consent } = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId, securedAmount: 60_000_000n });
  await c.contracts.ledger.connect(bankX).pledge(terms, consent);
}

/** Piece states other than Active, and how a test brings the root piece (held by supplierA) into them. */
const INACTIVE_STATES = {
  pledged: {
    status: PieceStatus.Pledged,
    enter: pledgeToBankX,
  },
  enforced: {
    status: PieceStatus.Enforced,
    async enter(c: Consortium, root: bigint) {
      await pledgeToBankX(c, root);
      await c.contracts.ledger.connect(c.actors.bankX).enforcePledge(root);
    },
  },
  settled: {
    status: PieceStatus.Settled,
    async enter(c: Consortium, root: bigint) {
      await c.contracts.ledger.connect(c.actors.bankX).settle([{ pieceId: root, bankReference: ethers.id("E2E-0001") }]);
    },
  },
} as const;

/** Active members without the bank role. */
const NON_BANK_MEMBERS = {
  supplierB: "a supplier",
  supplierA: "the holder itself",
  coreA: "a core enterprise",
  operator: "the operator",
} as const;

export interface FinancingBehaviorContext {
  /** A 90-day voucher: no enhanced review needed. */
  fixture: () => Promise<FinancingFixture>;
  /** A voucher with a term above the 183-day enhanced-review threshold (R4). */
  longTermFixture: () => Promise<FinancingFixture>;
  /** Signs the holder's consent for the request and sends the operation from `request.bank`. */
  finance: (c: Consortium, request: FinancingRequest) => Promise<ContractTransactionResponse>;
  /** Asserts that `tx` financed the piece as asked (event with its arguments, and the state it leaves). */
  expectFinanced: (c: Consortium, tx: Promise<ContractTransactionResponse>, request: FinancingRequest) => Promise<void>;
  /** The piece states, other than Active, this operation is tried on. */
  inactiveStates: ReadonlyArray<keyof typeof INACTIVE_STATES>;
  /** The members without the bank role that try to finance. */
  nonBankCallers: ReadonlyArray<keyof typeof NON_BANK_MEMBERS>;
}

/**
 * The checks every financing operation shares (VoucherLedger `_financeablePiece`, `whenNotPaused` and the consent
 * deadline): the piece exists and is Active, its voucher has not matured, the caller is an active bank, the holder
 * is active, the two are no related parties, and a long-term voucher carries the bank's own enhanced review.
 * Call it inside the operation's `describe`.
 */
export function shouldRefuseUnfinanceablePieces(context: FinancingBehaviorContext): void {
  const { fixture, longTermFixture, finance, expectFinanced } = context;

  describe("when the ledger is paused", function () {
    it("reverts with EnforcedPause", async function () {
      const { c, root } = await networkHelpers.loadFixture(fixture);
      const { ledger } = c.contracts;
      const { admin, supplierA, bankX } = c.actors;
      await ledger.connect(admin).pause();
      await expect(finance(c, { pieceId: root, bank: bankX, holder: supplierA })).to.be.revertedWithCustomError(ledger, "EnforcedPause");
    });
  });

  describe("when the piece does not exist", function () {
    it("reverts with PieceNotFound", async function () {
      const { c, root } = await networkHelpers.loadFixture(fixture);
      const { ledger } = c.contracts;
      const { supplierA, bankX } = c.actors;
      const missing = root + 7n;
      await expect(finance(c, { pieceId: missing, bank: bankX, holder: supplierA }))
        .to.be.revertedWithCustomError(ledger, "PieceNotFound")
        .withArgs(missing);
    });
  });

  for (const state of context.inactiveStates) {
    describe(`when the piece is ${state}`, function () {
      it("reverts with PieceNotInStatus", async function () {
        const { c, root } = await networkHelpers.loadFixture(fixture);
        const { ledger } = c.contracts;
        const { supplierA, bankY } = c.actors;
        const { status, enter } = INACTIVE_STATES[state];
        await enter(c, root);
        await expect(finance(c, { pieceId: root, bank: bankY, holder: supplierA }))
          .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
          .withArgs(root, status, PieceStatus.Active);
        expect((await ledger.pieceOf(root)).holder).to.equal(supplierA.address);
      });
    });
  }

  describe("when the voucher has matured", function () {
    it("reverts with VoucherMatured at the maturity second", async function () {
      const { c, root, voucherId } = await networkHelpers.loadFixture(fixture);
      const { ledger } = c.contracts;
      const { supplierA, bankX } = c.actors;
      const { maturity } = await ledger.voucherOf(voucherId);
      await networkHelpers.time.increaseTo(maturity - 10n);
      await networkHelpers.time.setNextBlockTimestamp(maturity);
      await expect(finance(c, { pieceId: root, bank: bankX, holder: supplierA }))
        .to.be.revertedWithCustomError(ledger, "VoucherMatured")
        .withArgs(voucherId, maturity);
    });
  });

  describe("when the caller is not a bank", function () {
    for (const who of context.nonBankCallers) {
      it(`reverts with MemberLacksRole for ${NON_BANK_MEMBERS[who]}`, async function () {
        const { c, root } = await networkHelpers.loadFixture(fixture);
        const { ledger } = c.contracts;
        const caller = c.actors[who];
        await expect(finance(c, { pieceId: root, bank: caller, holder: c.actors.supplierA }))
          .to.be.revertedWithCustomError(ledger, "MemberLacksRole")
          .withArgs(caller.address, MemberRole.Bank);
      });
    }
  });

  describe("when the caller is no member", function () {
    it("reverts with MemberNotActive", async function () {
      const { c, root } = await networkHelpers.loadFixture(fixture);
      const { ledger } = c.contracts;
      const { supplierA, outsider } = c.actors;
      await expect(finance(c, { pieceId: root, bank: outsider, holder: supplierA }))
        .to.be.revertedWithCustomError(ledger, "MemberNotActive")
        .withArgs(outsider.address, MemberStatus.None);
    });
  });

  for (const party of ["bank", "holder"] as const) {
    describe(`when the ${party} is suspended`, function () {
      it("reverts with MemberNotActive", async function () {
        const { c, root } = await networkHelpers.loadFixture(fixture);
        const { ledger } = c.contracts;
        const { admin, supplierA, bankX } = c.actors;
        const request = { pieceId: root, bank: bankX, holder: supplierA };
        const suspended = request[party];
        await ledger.connect(admin).setMemberStatus(suspended.address, MemberStatus.Suspended);
        await expect(finance(c, request))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(suspended.address, MemberStatus.Suspended);
      });
    });
  }

  describe("when the holder and the bank are related parties", function () {
    it("reverts with RelatedPartyFinancing", async function () {
      const { c, root } = await networkHelpers.loadFixture(fixture);
      const { ledger } = c.contracts;
      const { admin, supplierA, bankX } = c.actors;
      await ledger.connect(admin).setRelatedPartyGroup(supplierA.address, 7);
      await ledger.connect(admin).setRelatedPartyGroup(bankX.address, 7);
      await expect(finance(c, { pieceId: root, bank: bankX, holder: supplierA }))
        .to.be.revertedWithCustomError(ledger, "RelatedPartyFinancing")
        .withArgs(supplierA.address, bankX.address, 7);
      expect(await ledger.nonces(supplierA.address)).to.equal(0n);
    });
  });

  describe("when the voucher needs an enhanced review (term above 183 days)", function () {
    it("reverts with EnhancedReviewMissing until the bank itself recorded a review, then finances", async function () {
      const { c, root, voucherId } = await networkHelpers.loadFixture(longTermFixture);
      const { ledger } = c.contracts;
      const { supplierA, bankX, bankY } = c.actors;
      const request = { pieceId: root, bank: bankX, holder: supplierA };
      expect((await ledger.voucherOf(voucherId)).enhancedReviewRequired).to.equal(true);
      await expect(finance(c, request)).to.be.revertedWithCustomError(ledger, "EnhancedReviewMissing").withArgs(voucherId, bankX.address);
      // Another bank's review does not count for bankX.
      await ledger.connect(bankY).recordEnhancedReview(voucherId, REVIEW_HASH);
      await expect(finance(c, request)).to.be.revertedWithCustomError(ledger, "EnhancedReviewMissing").withArgs(voucherId, bankX.address);
      await ledger.connect(bankX).recordEnhancedReview(voucherId, REVIEW_HASH);
      await expectFinanced(c, finance(c, request), request);
    });
  });

  describe("when the consent has expired", function () {
    it("reverts with ConsentExpired", async function () {
      const { c, root } = await networkHelpers.loadFixture(fixture);
      const { ledger } = c.contracts;
      const { supplierA, bankX } = c.actors;
      const deadline = (await latestTimestamp(ethers)) + 100n;
      await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(finance(c, { pieceId: root, bank: bankX, holder: supplierA, deadline }))
        .to.be.revertedWithCustomError(ledger, "ConsentExpired")
        .withArgs(deadline, deadline + 1n);
    });
  });
}
