import { expect } from "chai";
import { network } from "hardhat";
import { MILLION_CNY, buildIssue, buildPledge, deployConsortium, issueVoucher, transferPiece } from "../fixtures/consortium.js";
import { DEFAULT_POLICY, MemberStatus, PieceStatus } from "../../src/sdk/constants.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const GRACE = BigInt(DEFAULT_POLICY.gracePeriod);
const TO_SUPPLIER_B = 40_000_000n;

function ref(label: string): string {
  return ethers.id(`E2E-${label}`);
}

/**
 * A voucher of coreA with two live pieces (supplierA's root and supplierB's part), and a voucher of
 * coreB; returns the first voucher's maturity and the second after it.
 */
async function defaultFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  const voucherId = root >> 16n;
  const toB = await transferPiece(ethers, c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: root, amount: TO_SUPPLIER_B });
  const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
  return { c, root, toB, voucherId, maturity, overdueFrom: maturity + GRACE };
}

/** As `defaultFixture`, with the voucher marked overdue by supplierB one second after the grace period. */
async function overdueFixture() {
  const base = await defaultFixture();
  await networkHelpers.time.increaseTo(base.overdueFrom + 1n);
  await base.c.contracts.ledger.connect(base.c.actors.supplierB).markOverdue(base.voucherId);
  return base;
}

describe("VoucherLedger default: markOverdue", function () {
  describe(".markOverdue()", function () {
    describe("when the grace period is over and pieces are unpaid", function () {
      it("emits VoucherOverdue and IssuerDefaulted", async function () {
        const { c, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { coreA, supplierB } = c.actors;
        await networkHelpers.time.increaseTo(overdueFrom + 1n);
        const tx = ledger.connect(supplierB).markOverdue(voucherId);
        await expect(tx).to.emit(ledger, "VoucherOverdue").withArgs(voucherId, coreA.address, 2, supplierB.address);
        await expect(tx).to.emit(ledger, "IssuerDefaulted").withArgs(coreA.address, voucherId);
      });

      it("marks the voucher overdue and the issuer defaulted, leaving the other issuer alone", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(overdueFixture);
        const { ledger } = c.contracts;
        const { coreA, coreB } = c.actors;
        expect((await ledger.voucherOf(voucherId)).overdue).to.equal(true);
        expect((await ledger.memberOf(coreA.address)).defaulted).to.equal(true);
        expect((await ledger.memberOf(coreB.address)).defaulted).to.equal(false);
      });

      it("counts only unsettled pieces in VoucherOverdue", async function () {
        const { c, toB, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX, auditor } = c.actors;
        await ledger.connect(bankX).settle([{ pieceId: toB, bankReference: ref("B") }]);
        await networkHelpers.time.increaseTo(overdueFrom + 1n);
        await expect(ledger.connect(auditor).markOverdue(voucherId))
          .to.emit(ledger, "VoucherOverdue")
          .withArgs(voucherId, coreA.address, 1, auditor.address);
      });

      it("keeps each piece's pledge state", async function () {
        const { c, root, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankY } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankY,
          pieceId: root,
          securedAmount: 30_000_000n,
        });
        await ledger.connect(bankY).pledge(terms, consent);
        await networkHelpers.time.increaseTo(overdueFrom + 1n);
        await ledger.connect(bankY).markOverdue(voucherId);
        expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Pledged));
        await expect(ledger.connect(bankY).enforcePledge(root)).to.emit(ledger, "PledgeEnforced").withArgs(root, bankY.address, 1);
      });
    });

    describe("when the issuer is in default", function () {
      it("refuses new issuance with IssuerInDefault", async function () {
        const { c } = await networkHelpers.loadFixture(overdueFixture);
        const { ledger } = c.contracts;
        const { coreA } = c.actors;
        const { request, attestations } = await buildIssue(ethers, c);
        await expect(ledger.connect(coreA).issue(request, attestations))
          .to.be.revertedWithCustomError(ledger, "IssuerInDefault")
          .withArgs(coreA.address);
      });

      it("still lets the other core enterprise issue", async function () {
        const { c } = await networkHelpers.loadFixture(overdueFixture);
        const { ledger } = c.contracts;
        const { coreB, supplierC } = c.actors;
        const { request, attestations } = await buildIssue(ethers, c, { issuer: coreB, holder: supplierC });
        await expect(ledger.connect(coreB).issue(request, attestations)).to.emit(ledger, "VoucherIssued");
      });

      it("lets the issuer issue again once the admin restores it", async function () {
        const { c } = await networkHelpers.loadFixture(overdueFixture);
        const { ledger } = c.contracts;
        const { admin, coreA, supplierA } = c.actors;
        await expect(ledger.connect(admin).restoreIssuer(coreA.address))
          .to.emit(ledger, "IssuerRestored")
          .withArgs(coreA.address, admin.address);
        expect((await ledger.memberOf(coreA.address)).defaulted).to.equal(false);
        const { request, attestations } = await buildIssue(ethers, c);
        const voucherId = (await ledger.voucherCount()) + 1n;
        await expect(ledger.connect(coreA).issue(request, attestations))
          .to.emit(ledger, "VoucherIssued")
          .withArgs(
            voucherId,
            coreA.address,
            supplierA.address,
            voucherId << 16n,
            MILLION_CNY,
            request.maturity,
            false,
            request.packageHash,
            request.documentKeys,
          );
      });

      it("still settles the remaining pieces late", async function () {
        const { c, root, toB, voucherId } = await networkHelpers.loadFixture(overdueFixture);
        const { ledger } = c.contracts;
        const { coreA, supplierA, supplierB, bankX } = c.actors;
        const tx = ledger.connect(bankX).settle([
          { pieceId: root, bankReference: ref("late-A") },
          { pieceId: toB, bankReference: ref("late-B") },
        ]);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(root, voucherId, supplierA.address, MILLION_CNY - TO_SUPPLIER_B, PieceStatus.Active, ref("late-A"), bankX.address);
        await expect(tx)
          .to.emit(ledger, "PieceSettled")
          .withArgs(toB, voucherId, supplierB.address, TO_SUPPLIER_B, PieceStatus.Active, ref("late-B"), bankX.address);
        const voucher = await ledger.voucherOf(voucherId);
        expect(voucher.livePieces).to.equal(0n);
        expect(voucher.overdue).to.equal(true);
        expect(await ledger.outstandingOf(coreA.address)).to.equal(0n);
        // Paying late does not lift the default by itself (R11: the consortium decides).
        expect((await ledger.memberOf(coreA.address)).defaulted).to.equal(true);
      });
    });

    describe("when the voucher does not exist", function () {
      it("reverts with VoucherNotFound", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.supplierA).markOverdue(voucherId + 5n))
          .to.be.revertedWithCustomError(ledger, "VoucherNotFound")
          .withArgs(voucherId + 5n);
      });
    });

    describe("when the voucher is already overdue", function () {
      it("reverts with VoucherAlreadyOverdue", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(overdueFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.supplierA).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "VoucherAlreadyOverdue")
          .withArgs(voucherId);
      });
    });

    describe("when every piece is settled", function () {
      it("reverts with VoucherFullySettled and leaves the issuer in good standing", async function () {
        const { c, root, toB, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { coreA, bankX, supplierA } = c.actors;
        await networkHelpers.time.increaseTo(overdueFrom - 10n);
        await ledger.connect(bankX).settle([
          { pieceId: root, bankReference: ref("A") },
          { pieceId: toB, bankReference: ref("B") },
        ]);
        await networkHelpers.time.increaseTo(overdueFrom + 1n);
        await expect(ledger.connect(supplierA).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "VoucherFullySettled")
          .withArgs(voucherId);
        expect((await ledger.memberOf(coreA.address)).defaulted).to.equal(false);
      });
    });

    describe("when the grace period is not over", function () {
      it("reverts with GracePeriodNotOver at maturity", async function () {
        const { c, voucherId, maturity, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        await networkHelpers.time.setNextBlockTimestamp(maturity);
        await expect(ledger.connect(c.actors.supplierA).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "GracePeriodNotOver")
          .withArgs(voucherId, overdueFrom, maturity);
      });

      it("reverts with GracePeriodNotOver exactly at maturity + grace", async function () {
        const { c, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { coreA } = c.actors;
        await networkHelpers.time.setNextBlockTimestamp(overdueFrom);
        await expect(ledger.connect(c.actors.supplierA).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "GracePeriodNotOver")
          .withArgs(voucherId, overdueFrom, overdueFrom);
        expect((await ledger.memberOf(coreA.address)).defaulted).to.equal(false);
      });

      it("marks it one second later", async function () {
        const { c, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { coreA, supplierA } = c.actors;
        await networkHelpers.time.setNextBlockTimestamp(overdueFrom + 1n);
        await expect(ledger.connect(supplierA).markOverdue(voucherId))
          .to.emit(ledger, "VoucherOverdue")
          .withArgs(voucherId, coreA.address, 2, supplierA.address);
      });

      it("follows a policy with no grace period", async function () {
        const { c, voucherId, maturity } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { admin, coreA, supplierA } = c.actors;
        await ledger.connect(admin).setPolicy({ ...DEFAULT_POLICY, gracePeriod: 0 });
        await networkHelpers.time.setNextBlockTimestamp(maturity);
        await expect(ledger.connect(supplierA).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "GracePeriodNotOver")
          .withArgs(voucherId, maturity, maturity);
        await networkHelpers.time.setNextBlockTimestamp(maturity + 1n);
        await expect(ledger.connect(supplierA).markOverdue(voucherId))
          .to.emit(ledger, "IssuerDefaulted")
          .withArgs(coreA.address, voucherId);
      });
    });

    describe("when the caller is no member", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { outsider } = c.actors;
        await networkHelpers.time.increaseTo(overdueFrom + 1n);
        await expect(ledger.connect(outsider).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(outsider.address, MemberStatus.None);
      });
    });

    describe("when the caller is suspended", function () {
      it("reverts with MemberNotActive", async function () {
        const { c, voucherId, overdueFrom } = await networkHelpers.loadFixture(defaultFixture);
        const { ledger } = c.contracts;
        const { admin, supplierB } = c.actors;
        await ledger.connect(admin).setMemberStatus(supplierB.address, MemberStatus.Suspended);
        await networkHelpers.time.increaseTo(overdueFrom + 1n);
        await expect(ledger.connect(supplierB).markOverdue(voucherId))
          .to.be.revertedWithCustomError(ledger, "MemberNotActive")
          .withArgs(supplierB.address, MemberStatus.Suspended);
      });
    });
  });
});
