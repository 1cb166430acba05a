import { expect } from "chai";
import { network } from "hardhat";
import {
  DAY,
  MILLION_CNY,
  buildFactoring,
  buildPledge,
  deployConsortium,
  documentKey,
  issueVoucher,
  latestTimestamp,
  transferPiece,
  type Consortium,
} from "../fixtures/consortium.js";
import { DEFAULT_POLICY, MemberStatus, pieceIdOf } from "../../src/sdk/constants.js";
import {
  EXPOSURE_WARNING_BPS,
  formatFinancingReport,
  verifyForFinancing,
  type FinancingReport,
  type PieceFinancingReport,
} from "../../src/sdk/financingCheck.js";
import { rebuildLineage } from "../../src/sdk/lineage.js";
import type { VoucherLedger } from "../../types/ethers-contracts/index.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const SECURED = 60_000_000n; // 600,000.00 CNY of a 1,000,000.00 CNY piece
const REGISTRATION = "0D1234567890ABCDEF";
const REVIEW_HASH = ethers.id("enhanced-review-2025-007");

function codes(report: FinancingReport): string[] {
  return report.verdict.reasons.map((r) => r.code);
}

function found(report: FinancingReport): PieceFinancingReport {
  expect(report.found, "the piece should exist").to.equal(true);
  return report as PieceFinancingReport;
}

function reason(report: FinancingReport, code: string) {
  const match = report.verdict.reasons.find((r) => r.code === code);
  expect(match, `reason ${code} in ${codes(report).join(", ")}`).to.not.equal(undefined);
  return match!;
}

/** A consortium with one 1,000,000.00 CNY voucher of coreA (90-day term, clearing bank bankX) held by supplierA. */
async function singleFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  return { c, root, voucherId: root >> 16n };
}

/**
 * A voucher passed down three levels, with side branches the lineage must leave out:
 *   1.0 issue → supplierA (1,000,000.00)
 *   1.1 A → B 400,000.00 (split transfer)          1.2 B → C 50,000.00 off 1.1 (sibling, before the path split)
 *   1.3 B → C 150,000.00 off 1.1 (split transfer)  1.4 A → C 100,000.00 off 1.0 (sibling, after the path split)
 *   1.5 C self-splits 50,000.00 off 1.3, then transfers 1.5 whole to A.
 */
async function chainFixture() {
  const c = await deployConsortium(ethers);
  const { ledger } = c.contracts;
  const { supplierA, supplierB, supplierC } = c.actors;
  const packages = { issue: ethers.id("pkg:issue"), ab: ethers.id("pkg:A->B"), bc: ethers.id("pkg:B->C"), ca: ethers.id("pkg:C->A") };
  const keys = {
    issue: [documentKey("chain:issue:1"), documentKey("chain:issue:2")],
    ab: [documentKey("chain:ab")],
    bc: [documentKey("chain:bc")],
    ca: [documentKey("chain:ca")],
  };
  const root = await issueVoucher(ethers, c, { packageHash: packages.issue, documentKeys: keys.issue });
  const toB = await transferPiece(ethers, c, {
    from: supplierA,
    to: supplierB,
    pieceId: root,
    amount: 40_000_000n,
    packageHash: packages.ab,
    documentKeys: keys.ab,
  });
  await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: toB, amount: 5_000_000n });
  const toC = await transferPiece(ethers, c, {
    from: supplierB,
    to: supplierC,
    pieceId: toB,
    amount: 15_000_000n,
    packageHash: packages.bc,
    documentKeys: keys.bc,
  });
  await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: root, amount: 10_000_000n });
  const part = await ledger.connect(supplierC).split.staticCall(toC, 5_000_000n);
  await ledger.connect(supplierC).split(toC, 5_000_000n);
  await transferPiece(ethers, c, {
    from: supplierC,
    to: supplierA,
    pieceId: part,
    amount: 5_000_000n,
    packageHash: packages.ca,
    documentKeys: keys.ca,
  });
  return { c, root, toB, toC, piece: part, packages, keys };
}

async function pledge(c: Consortium, pieceId: bigint, bank: typeof c.actors.bankX, registrationNumber = REGISTRATION) {
  const { terms, consent } = await buildPledge(ethers, c, {
    holder: c.actors.supplierA,
    pledgee: bank,
    pieceId,
    securedAmount: SECURED,
    registrationNumber,
  });
  await c.contracts.ledger.connect(bank).pledge(terms, consent);
}

describe("src/sdk/financingCheck", function () {
  describe("verifyForFinancing()", function () {
    describe("a clean piece after a multi-level split transfer", function () {
      it("is financeable with no reasons, and reports the piece, issuer and term", async function () {
        const { c, piece } = await networkHelpers.loadFixture(chainFixture);
        const { supplierA, coreA, bankX, bankY } = c.actors;
        const report = found(await verifyForFinancing(c.contracts.ledger, piece, { bank: bankY.address }));

        expect(report.verdict).to.deep.equal({ financeable: true, reasons: [] });
        expect(report.pieceId).to.equal(pieceIdOf(1n, 5));
        expect(report.voucherId).to.equal(1n);
        expect(report.holder).to.equal(supplierA.address);
        expect(report.amount).to.equal(5_000_000n);
        expect(report.depth).to.equal(4);
        expect(report.status).to.equal("Active");
        expect(report.pledge).to.equal(null);
        expect(report.pledgeHistory).to.deep.equal({ pledgesSoFar: 0, last: null });
        expect(report.factoring).to.equal(null);
        expect(report.issuer.account).to.equal(coreA.address);
        expect(report.issuer.uscc).to.equal(c.usccs.get(coreA.address));
        expect(report.issuer.status).to.equal("Active");
        expect(report.issuer.defaulted).to.equal(false);
        expect(report.issuer.clearingBank).to.equal(bankX.address);
        expect(report.issuer.creditLine).to.equal(100n * MILLION_CNY);
        expect(report.issuer.outstanding).to.equal(MILLION_CNY);
        expect(report.issuer.headroom).to.equal(99n * MILLION_CNY);
        expect(report.issuer.exposureBps).to.equal(100);
        expect(report.term).to.deep.equal({ enhancedReviewRequired: false, enhancedReviewRecordedByThisBank: false, enhancedReviewHash: null });
        expect(report.voucherOverdue).to.equal(false);
        expect(report.matured).to.equal(false);
        const { maturity } = await c.contracts.ledger.voucherOf(1n);
        expect(report.maturity).to.equal(maturity);
        expect(report.at).to.equal(await latestTimestamp(ethers));
        expect(report.daysToMaturity).to.equal(Number((maturity - report.at) / DAY));
        expect(report.blockNumber).to.equal(await ethers.provider.getBlockNumber());
      });

      it("rebuilds every step from the issue to the piece in order, with each attested trade", async function () {
        const { c, root, toB, toC, piece, packages, keys } = await networkHelpers.loadFixture(chainFixture);
        const { coreA, supplierA, supplierB, supplierC, bankY } = c.actors;
        const report = found(await verifyForFinancing(c.contracts.ledger, piece, { bank: bankY.address }));

        expect(report.lineagePath).to.deep.equal([root, toB, toC, piece]);
        expect(report.lineageComplete).to.equal(true);
        const steps = report.lineage.map(({ kind, pieceId, parentPieceId, from, to, amount, depth, packageHash, documentKeys }) => ({
          kind,
          pieceId,
          parentPieceId,
          from,
          to,
          amount,
          depth,
          packageHash,
          documentKeys,
        }));
        expect(steps).to.deep.equal([
          { kind: "issue", pieceId: root, parentPieceId: null, from: coreA.address, to: supplierA.address, amount: MILLION_CNY, depth: 0, packageHash: packages.issue, documentKeys: keys.issue },
          { kind: "split-transfer", pieceId: toB, parentPieceId: root, from: supplierA.address, to: supplierB.address, amount: 40_000_000n, depth: 1, packageHash: packages.ab, documentKeys: keys.ab },
          { kind: "split-transfer", pieceId: toC, parentPieceId: toB, from: supplierB.address, to: supplierC.address, amount: 15_000_000n, depth: 2, packageHash: packages.bc, documentKeys: keys.bc },
          { kind: "self-split", pieceId: piece, parentPieceId: toC, from: supplierC.address, to: supplierC.address, amount: 5_000_000n, depth: 3, packageHash: null, documentKeys: [] },
          { kind: "transfer", pieceId: piece, parentPieceId: null, from: supplierC.address, to: supplierA.address, amount: 5_000_000n, depth: 4, packageHash: packages.ca, documentKeys: keys.ca },
        ]);

        // Each step points at the transaction and block that made it, in chain order.
        for (const [i, step] of report.lineage.entries()) {
          const receipt = await ethers.provider.getTransactionReceipt(step.transactionHash);
          expect(receipt?.blockNumber).to.equal(step.blockNumber);
          if (i > 0) expect(step.blockNumber).to.be.greaterThan(report.lineage[i - 1].blockNumber);
        }
      });

      it("works out a whole transfer's amount after a sibling split shrank the piece", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { coreA, supplierA, supplierB, supplierC } = c.actors;
        await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: 30_000_000n });
        await transferPiece(ethers, c, { from: supplierA, to: supplierC, pieceId: root, amount: 70_000_000n });

        const lineage = await rebuildLineage(c.contracts.ledger, root);
        expect(lineage.complete).to.equal(true);
        expect(lineage.problems).to.deep.equal([]);
        expect(lineage.holder).to.equal(supplierC.address);
        expect(lineage.steps.map((s) => [s.kind, s.from, s.to, s.amount, s.depth])).to.deep.equal([
          ["issue", coreA.address, supplierA.address, MILLION_CNY, 0],
          ["transfer", supplierA.address, supplierC.address, 70_000_000n, 1],
        ]);
      });
    });

    describe("a pledged piece", function () {
      it("is blocked with PIECE_PLEDGED naming the pledgee and the registration number", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { bankX, bankY } = c.actors;
        await pledge(c, root, bankX);
        const pledgedAt = await latestTimestamp(ethers);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: bankY.address }));
        expect(report.verdict.financeable).to.equal(false);
        expect(codes(report)).to.deep.equal(["PIECE_PLEDGED"]);
        expect(reason(report, "PIECE_PLEDGED")).to.deep.equal({
          code: "PIECE_PLEDGED",
          severity: "blocking",
          message: `Piece 1.0 is pledged to ${bankX.address} under registration ${REGISTRATION} securing 600,000.00 CNY; it cannot be pledged or factored again (R9).`,
        });
        expect(report.status).to.equal("Pledged");
        expect(report.pledge).to.deep.equal({
          pledgee: bankX.address,
          securedAmount: SECURED,
          annualRateBps: 450,
          serviceFeeBps: 20,
          registrationNumber: REGISTRATION,
          serial: 1,
          pledgedAt,
        });
        expect(report.pledgeHistory.pledgesSoFar).to.equal(1);
      });

      it("is blocked for the pledgee too", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        await pledge(c, root, c.actors.bankX);
        const report = await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankX.address });
        expect(codes(report)).to.deep.equal(["PIECE_PLEDGED"]);
      });
    });

    describe("a piece whose pledges were released", function () {
      it("is financeable with a PREVIOUSLY_PLEDGED warning counting the pledges and naming the last", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { ledger } = c.contracts;
        const { bankX, bankY } = c.actors;
        await pledge(c, root, bankX, "0D-FIRST");
        await ledger.connect(bankX).releasePledge(root);
        await pledge(c, root, bankY, "0D-SECOND");
        await ledger.connect(bankY).releasePledge(root);

        const report = found(await verifyForFinancing(ledger, root, { bank: bankX.address }));
        expect(report.verdict.financeable).to.equal(true);
        expect(codes(report)).to.deep.equal(["PREVIOUSLY_PLEDGED"]);
        const warning = reason(report, "PREVIOUSLY_PLEDGED");
        expect(warning.severity).to.equal("warning");
        expect(warning.message).to.equal(
          `Piece 1.0 was pledged 2 times before and released each time, last to ${bankY.address} under registration 0D-SECOND; confirm that registration was cancelled in the unified registry.`,
        );
        expect(report.pledge).to.equal(null);
        expect(report.pledgeHistory.pledgesSoFar).to.equal(2);
        expect(report.pledgeHistory.last?.pledgee).to.equal(bankY.address);
        expect(report.pledgeHistory.last?.serial).to.equal(2);
      });
    });

    describe("an enforced piece", function () {
      it("is blocked with PIECE_ENFORCED naming the pledgee", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { bankX, bankY } = c.actors;
        await pledge(c, root, bankX);
        await c.contracts.ledger.connect(bankX).enforcePledge(root);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: bankY.address }));
        expect(codes(report)).to.deep.equal(["PIECE_ENFORCED"]);
        expect(reason(report, "PIECE_ENFORCED").message).to.equal(
          `Piece 1.0 was enforced by pledgee ${bankX.address} under registration ${REGISTRATION}; it is paid to that bank at clearing and cannot be financed again.`,
        );
        expect(report.status).to.equal("Enforced");
        expect(report.pledge?.pledgee).to.equal(bankX.address);
      });
    });

    describe("a settled piece", function () {
      it("is blocked with PIECE_SETTLED", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { bankX, bankY } = c.actors;
        await c.contracts.ledger.connect(bankX).settle([{ pieceId: root, bankReference: ethers.id("E2E-settled") }]);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: bankY.address }));
        expect(codes(report)).to.deep.equal(["PIECE_SETTLED"]);
        expect(report.status).to.equal("Settled");
        expect(report.issuer.outstanding).to.equal(0n);
      });
    });

    describe("maturity, overdue and issuer default", function () {
      it("blocks a voucher matured on-chain even when `at` names an earlier time", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(singleFixture);
        const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
        await networkHelpers.time.increaseTo(maturity + DAY);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address, at: maturity - 30n * DAY }));
        expect(report.verdict.financeable).to.equal(false);
        expect(codes(report)).to.include("VOUCHER_MATURED");
      });

      it("blocks a matured voucher with VOUCHER_MATURED before it is marked overdue", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(singleFixture);
        const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
        await networkHelpers.time.increaseTo(maturity + DAY);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address }));
        expect(codes(report)).to.deep.equal(["VOUCHER_MATURED"]);
        expect(report.matured).to.equal(true);
        expect(report.daysToMaturity).to.equal(-1);
        expect(report.voucherOverdue).to.equal(false);
      });

      it("blocks an overdue voucher with VOUCHER_MATURED, VOUCHER_OVERDUE and ISSUER_DEFAULTED", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(singleFixture);
        const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
        await networkHelpers.time.increaseTo(maturity + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);
        await c.contracts.ledger.connect(c.actors.supplierA).markOverdue(voucherId);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address }));
        expect(codes(report)).to.deep.equal(["VOUCHER_MATURED", "VOUCHER_OVERDUE", "ISSUER_DEFAULTED"]);
        expect(reason(report, "VOUCHER_OVERDUE").message).to.contain(c.actors.coreA.address);
        expect(report.voucherOverdue).to.equal(true);
        expect(report.issuer.defaulted).to.equal(true);
      });

      it("blocks an unmatured voucher of a defaulted issuer with ISSUER_DEFAULTED alone", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(singleFixture);
        const now = await latestTimestamp(ethers);
        const other = await issueVoucher(ethers, c, { maturity: now + 180n * DAY });
        const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
        await networkHelpers.time.increaseTo(maturity + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);
        await c.contracts.ledger.connect(c.actors.supplierA).markOverdue(voucherId);

        const report = found(await verifyForFinancing(c.contracts.ledger, other, { bank: c.actors.bankY.address }));
        expect(codes(report)).to.deep.equal(["ISSUER_DEFAULTED"]);
        expect(reason(report, "ISSUER_DEFAULTED").message).to.contain(`${c.actors.coreA.address} (USCC ${c.usccs.get(c.actors.coreA.address)})`);
        expect(report.voucherOverdue).to.equal(false);
        expect(root).to.not.equal(other);
      });

      it("judges maturity at `at`: VOUCHER_MATURED at maturity, MATURITY_NEAR three days before", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(singleFixture);
        const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
        const bank = c.actors.bankY.address;

        const atMaturity = found(await verifyForFinancing(c.contracts.ledger, root, { bank, at: maturity }));
        expect(codes(atMaturity)).to.deep.equal(["VOUCHER_MATURED"]);
        expect(atMaturity.at).to.equal(maturity);
        expect(atMaturity.daysToMaturity).to.equal(0);

        const near = found(await verifyForFinancing(c.contracts.ledger, root, { bank, at: maturity - 3n * DAY }));
        expect(near.verdict.financeable).to.equal(true);
        expect(codes(near)).to.deep.equal(["MATURITY_NEAR"]);
        expect(near.daysToMaturity).to.equal(3);

        const eightDays = await verifyForFinancing(c.contracts.ledger, root, { bank, at: maturity - 8n * DAY });
        expect(codes(eightDays)).to.deep.equal([]);
      });
    });

    describe("a long-term voucher (R4)", function () {
      async function longTermFixture() {
        const c = await deployConsortium(ethers);
        const now = await latestTimestamp(ethers);
        const root = await issueVoucher(ethers, c, { maturity: now + 200n * DAY });
        return { c, root, voucherId: root >> 16n };
      }

      it("is blocked with ENHANCED_REVIEW_MISSING until this bank records its review", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(longTermFixture);
        const { ledger } = c.contracts;
        const { bankX, bankY } = c.actors;

        const before = found(await verifyForFinancing(ledger, root, { bank: bankY.address }));
        expect(codes(before)).to.deep.equal(["ENHANCED_REVIEW_MISSING"]);
        expect(reason(before, "ENHANCED_REVIEW_MISSING").message).to.equal(
          `Voucher ${voucherId} has a term above the enhanced-review threshold and bank ${bankY.address} has recorded no enhanced review of it (R4).`,
        );
        expect(before.term).to.deep.equal({ enhancedReviewRequired: true, enhancedReviewRecordedByThisBank: false, enhancedReviewHash: null });

        // Another bank's review does not count for this bank.
        await ledger.connect(bankX).recordEnhancedReview(voucherId, ethers.id("bankX-review"));
        expect(codes(await verifyForFinancing(ledger, root, { bank: bankY.address }))).to.deep.equal(["ENHANCED_REVIEW_MISSING"]);

        await ledger.connect(bankY).recordEnhancedReview(voucherId, REVIEW_HASH);
        const after = found(await verifyForFinancing(ledger, root, { bank: bankY.address }));
        expect(after.verdict).to.deep.equal({ financeable: true, reasons: [] });
        expect(after.term).to.deep.equal({ enhancedReviewRequired: true, enhancedReviewRecordedByThisBank: true, enhancedReviewHash: REVIEW_HASH });
      });
    });

    describe("who holds the piece", function () {
      async function factoredFixture() {
        const base = await singleFixture();
        const { c, root } = base;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: c.actors.supplierA,
          factor: c.actors.bankY,
          pieceId: root,
          purchasePrice: 98_000_000n,
          withRecourse: true,
        });
        await c.contracts.ledger.connect(c.actors.bankY).factor(terms, consent);
        return { ...base, factoredAt: await latestTimestamp(ethers) };
      }

      it("blocks the bank that holds the piece after factoring it (HOLDER_IS_BANK), warning of the recourse", async function () {
        const { c, root, factoredAt } = await networkHelpers.loadFixture(factoredFixture);
        const { supplierA, bankY } = c.actors;
        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: bankY.address }));

        expect(codes(report)).to.deep.equal(["HOLDER_IS_BANK", "FACTORED_WITH_RECOURSE"]);
        expect(reason(report, "HOLDER_IS_BANK").message).to.contain(`Bank ${bankY.address} already holds piece 1.0`);
        expect(reason(report, "FACTORED_WITH_RECOURSE").severity).to.equal("warning");
        expect(reason(report, "FACTORED_WITH_RECOURSE").message).to.contain("980,000.00 CNY");
        expect(report.holder).to.equal(bankY.address);
        expect(report.factoring).to.deep.equal({ factor: bankY.address, purchasePrice: 98_000_000n, withRecourse: true, factoredAt });
        const last = report.lineage[report.lineage.length - 1];
        expect([last.kind, last.from, last.to, last.amount, last.depth, last.packageHash]).to.deep.equal([
          "factoring",
          supplierA.address,
          bankY.address,
          MILLION_CNY,
          0,
          null,
        ]);
        expect(report.lineageComplete).to.equal(true);
      });

      it("lets another bank lend against the factored piece, with the recourse warning", async function () {
        const { c, root } = await networkHelpers.loadFixture(factoredFixture);
        const report = await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankX.address });
        expect(report.verdict.financeable).to.equal(true);
        expect(codes(report)).to.deep.equal(["FACTORED_WITH_RECOURSE"]);
      });

      it("blocks a holder in the bank's related-party group (RELATED_PARTY, R15)", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { registry } = c.contracts;
        const { supplierA, bankX, bankY } = c.actors;
        await registry.setRelatedPartyGroup(supplierA.address, 7);
        await registry.setRelatedPartyGroup(bankY.address, 7);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: bankY.address }));
        expect(codes(report)).to.deep.equal(["RELATED_PARTY"]);
        expect(reason(report, "RELATED_PARTY").message).to.equal(
          `Holder ${supplierA.address} and bank ${bankY.address} are in the same related-party group 7; financing between related parties is refused (R15).`,
        );
        expect(report.holderMember.relatedPartyGroup).to.equal(7);
        expect(codes(await verifyForFinancing(c.contracts.ledger, root, { bank: bankX.address }))).to.deep.equal([]);
      });

      it("blocks a suspended holder (HOLDER_NOT_ACTIVE)", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        await c.contracts.registry.setMemberStatus(c.actors.supplierA.address, MemberStatus.Suspended);
        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address }));
        expect(codes(report)).to.deep.equal(["HOLDER_NOT_ACTIVE"]);
        expect(reason(report, "HOLDER_NOT_ACTIVE").message).to.contain(`Holder ${c.actors.supplierA.address} is suspended`);
        expect(report.holderMember.status).to.equal("Suspended");
      });
    });

    describe("the lending bank and the ledger", function () {
      it("blocks a lender that is no active bank (BANK_NOT_ACTIVE)", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const supplier = await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.supplierB.address });
        expect(codes(supplier)).to.deep.equal(["BANK_NOT_ACTIVE"]);
        expect(reason(supplier, "BANK_NOT_ACTIVE").message).to.contain("an active member without the bank role");
        const outsider = await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.outsider.address });
        expect(codes(outsider)).to.deep.equal(["BANK_NOT_ACTIVE"]);
        expect(reason(outsider, "BANK_NOT_ACTIVE").message).to.contain("not a consortium member");
      });

      it("blocks while the ledger is paused (LEDGER_PAUSED)", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        await c.contracts.ledger.connect(c.actors.admin).pause();
        const report = await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address });
        expect(codes(report)).to.deep.equal(["LEDGER_PAUSED"]);
      });
    });

    describe("an unknown piece id", function () {
      it("returns a report with found false and PIECE_NOT_FOUND, for an unknown voucher and an unused index", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(singleFixture);
        const bank = c.actors.bankY.address;
        for (const pieceId of [pieceIdOf(99n, 0), pieceIdOf(voucherId, 7)]) {
          const report = await verifyForFinancing(c.contracts.ledger, pieceId, { bank });
          expect(report.found).to.equal(false);
          expect(report.pieceId).to.equal(pieceId);
          expect(report.verdict.financeable).to.equal(false);
          expect(report.verdict.reasons).to.have.length(1);
          expect(report.verdict.reasons[0].code).to.equal("PIECE_NOT_FOUND");
          expect(report.verdict.reasons[0].severity).to.equal("blocking");
          expect(report.verdict.reasons[0].message).to.contain(`(id ${pieceId}) does not exist`);
        }
      });
    });

    describe("issuer exposure (R14)", function () {
      it(`warns with ISSUER_EXPOSURE_HIGH above ${EXPOSURE_WARNING_BPS / 100}% of the credit line`, async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        await c.contracts.registry.setCreditLine(c.actors.coreA.address, 105_000_000n);

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address }));
        expect(report.verdict.financeable).to.equal(true);
        expect(codes(report)).to.deep.equal(["ISSUER_EXPOSURE_HIGH"]);
        expect(reason(report, "ISSUER_EXPOSURE_HIGH").message).to.equal(
          `Issuer ${c.actors.coreA.address} has 1,000,000.00 CNY outstanding, 95.23% of its credit line of 1,050,000.00 CNY, above the 90.00% watch level (R14).`,
        );
        expect(report.issuer.creditLine).to.equal(105_000_000n);
        expect(report.issuer.headroom).to.equal(5_000_000n);
        expect(report.issuer.exposureBps).to.equal(9523);
      });

      it("does not warn at exactly 90% of the credit line", async function () {
        const c = await deployConsortium(ethers);
        const root = await issueVoucher(ethers, c, { amount: 90_000_000n });
        await c.contracts.registry.setCreditLine(c.actors.coreA.address, 100_000_000n);
        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address }));
        expect(report.issuer.exposureBps).to.equal(9000);
        expect(codes(report)).to.deep.equal([]);
      });
    });

    describe("lineage that the events do not bear out (R7)", function () {
      it("blocks with LINEAGE_INCOMPLETE when the events start after the issue", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
        await transferPiece(ethers, c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: root, amount: MILLION_CNY });

        const report = found(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address, fromBlock }));
        expect(codes(report)).to.deep.equal(["LINEAGE_INCOMPLETE"]);
        expect(reason(report, "LINEAGE_INCOMPLETE").message).to.match(
          /^No VoucherIssued event for voucher 1 was found in blocks \d+–\d+, so the debt relationship of piece 1\.0 cannot be verified \(R7\)\.$/,
        );
        expect(report.lineageComplete).to.equal(false);
        expect(report.lineage.map((s) => s.kind)).to.deep.equal(["transfer"]);
      });

      it("blocks with LINEAGE_INCONSISTENT when the last holder in the events is not the ledger's holder", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { supplierA, supplierB } = c.actors;
        // A ledger view that misreports the holder, as a tampered or buggy node would.
        const real = c.contracts.ledger;
        const misreporting = new Proxy(real, {
          get(target, property) {
            if (property === "pieceOf") {
              return async (...args: Parameters<VoucherLedger["pieceOf"]>) => {
                const piece = await target.pieceOf(...args);
                return { holder: supplierB.address, amount: piece.amount, parentIndex: piece.parentIndex, depth: piece.depth, status: piece.status };
              };
            }
            const value = Reflect.get(target, property);
            return typeof value === "function" ? value.bind(target) : value;
          },
        }) as VoucherLedger;

        const report = found(await verifyForFinancing(misreporting, root, { bank: c.actors.bankY.address }));
        expect(codes(report)).to.deep.equal(["LINEAGE_INCONSISTENT"]);
        expect(reason(report, "LINEAGE_INCONSISTENT").message).to.equal(
          `The events leave piece 1.0 with ${supplierA.address}, but the ledger records ${supplierB.address} as its holder, so the debt relationship of piece 1.0 cannot be verified (R7).`,
        );
        expect(report.holder).to.equal(supplierB.address);
      });
    });

    describe("bad arguments", function () {
      it("throws RangeErrors naming the argument", async function () {
        const { c, root } = await networkHelpers.loadFixture(singleFixture);
        const { ledger } = c.contracts;
        const bank = c.actors.bankY.address;
        const cases: Array<[string, () => Promise<unknown>]> = [
          ["pieceId", () => verifyForFinancing(ledger, 65536 as unknown as bigint, { bank })],
          ["pieceId", () => verifyForFinancing(ledger, -1n, { bank })],
          ["options.bank", () => verifyForFinancing(ledger, root, { bank: "0x1234" })],
          ["options.bank", () => verifyForFinancing(ledger, root, { bank: ethers.ZeroAddress })],
          ["options.at", () => verifyForFinancing(ledger, root, { bank, at: -1n })],
          ["options.fromBlock", () => verifyForFinancing(ledger, root, { bank, fromBlock: -1 })],
          ["options.fromBlock", () => verifyForFinancing(ledger, root, { bank, fromBlock: 10_000_000 })],
          ["pieceId", () => rebuildLineage(ledger, pieceIdOf(99n, 0))],
        ];
        for (const [argument, call] of cases) {
          const error = await call().then(
            () => expect.fail(`expected a RangeError for ${argument}`),
            (e: unknown) => e,
          );
          expect(error).to.be.instanceOf(RangeError);
          expect((error as RangeError).message).to.match(new RegExp(`^${argument.replace(".", "\\.")}: `));
        }
      });
    });
  });

  describe("formatFinancingReport()", function () {
    it("starts with FINANCEABLE for a clean piece and lists every lineage step", async function () {
      const { c, piece } = await networkHelpers.loadFixture(chainFixture);
      const text = formatFinancingReport(await verifyForFinancing(c.contracts.ledger, piece, { bank: c.actors.bankY.address }));
      const lines = text.split("\n");
      expect(lines[0]).to.match(new RegExp(`^FINANCEABLE: piece 1\\.5 \\(id ${piece}\\) for bank ${c.actors.bankY.address}, as of block \\d+`));
      expect(lines[1]).to.equal("Blocking reasons: none.");
      expect(lines[2]).to.equal("Warnings: none.");
      expect(text).to.contain(`Piece: 50,000.00 CNY, status Active, depth 4, held by ${c.actors.supplierA.address}`);
      expect(text).to.contain("Lineage (5 step(s), complete and consistent with the ledger):");
      expect(lines.filter((line) => /^ {2}\d+\. (issue|split-transfer|self-split|transfer|factoring) of piece /.test(line))).to.have.length(5);
      expect(text).to.contain(`self-split of piece 1.5 from piece 1.3: ${c.actors.supplierC.address} -> ${c.actors.supplierC.address}, 50,000.00 CNY, depth 3; no trade package`);
    });

    it("starts with NOT FINANCEABLE and the blocking reasons for a pledged piece", async function () {
      const { c, root } = await networkHelpers.loadFixture(singleFixture);
      await pledge(c, root, c.actors.bankX);
      const text = formatFinancingReport(await verifyForFinancing(c.contracts.ledger, root, { bank: c.actors.bankY.address }));
      const lines = text.split("\n");
      expect(lines[0]).to.match(/^NOT FINANCEABLE: piece 1\.0 /);
      expect(lines[1]).to.equal("Blocking reasons (1):");
      expect(lines[2]).to.match(/^ {2}1\. \[PIECE_PLEDGED\] Piece 1\.0 is pledged to /);
      expect(text).to.contain(`Pledge in force (not enforced): to ${c.actors.bankX.address}, registration ${REGISTRATION}, serial 1, securing 600,000.00 CNY at 4.50% a year interest plus a 0.20% service fee`);
    });

    it("renders an unknown piece as NOT FINANCEABLE with only the verdict", async function () {
      const { c } = await networkHelpers.loadFixture(singleFixture);
      const text = formatFinancingReport(await verifyForFinancing(c.contracts.ledger, pieceIdOf(99n, 0), { bank: c.actors.bankY.address }));
      const lines = text.split("\n");
      expect(lines[0]).to.match(/^NOT FINANCEABLE: piece 99\.0 /);
      expect(lines.slice(1)).to.deep.equal([
        "Blocking reasons (1):",
        `  1. [PIECE_NOT_FOUND] ${(await verifyForFinancing(c.contracts.ledger, pieceIdOf(99n, 0), { bank: c.actors.bankY.address })).verdict.reasons[0].message}`,
        "Warnings: none.",
      ]);
    });
  });
});
