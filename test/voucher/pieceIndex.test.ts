import { expect } from "chai";
import { network } from "hardhat";
import { PieceStatus, pieceIdOf } from "../../src/sdk/constants.js";
import { deployConsortium, issueVoucher, MILLION_CNY } from "../fixtures/consortium.js";
import type { VoucherLedgerHarness } from "../../types/ethers-contracts/index.js";

const { ethers, networkHelpers } = await network.getOrCreate();

/** A voucher whose piece counter stands one below its uint16 bound (65,534 pieces created). */
async function nearlyExhaustedVoucherFixture() {
  const c = await deployConsortium(ethers, { ledgerContract: "VoucherLedgerHarness" });
  const root = await issueVoucher(ethers, c, { amount: MILLION_CNY });
  const harness = c.contracts.ledger as unknown as VoucherLedgerHarness;
  await harness.setPiecesCreated(1n, 65_534);
  return { c, root };
}

describe("VoucherLedger piece index bound", function () {
  describe(".split()", function () {
    it("creates the last piece a voucher can count (index 65,534)", async function () {
      const { c, root } = await networkHelpers.loadFixture(nearlyExhaustedVoucherFixture);
      const { ledger } = c.contracts;
      const last = await ledger.connect(c.actors.supplierA).split.staticCall(root, 10_000n);
      expect(last).to.equal(pieceIdOf(1n, 65_534));
      await ledger.connect(c.actors.supplierA).split(root, 10_000n);
      expect((await ledger.voucherOf(1n)).piecesCreated).to.equal(65_535n);
    });

    describe("when the voucher has 65,535 pieces", function () {
      it("reverts with PieceIndexExhausted and leaves the root piece intact", async function () {
        const { c, root } = await networkHelpers.loadFixture(nearlyExhaustedVoucherFixture);
        const { ledger } = c.contracts;
        await ledger.connect(c.actors.supplierA).split(root, 10_000n);
        await expect(ledger.connect(c.actors.supplierA).split(root, 10_000n))
          .to.be.revertedWithCustomError(ledger, "PieceIndexExhausted")
          .withArgs(1n);
        const rootPiece = await ledger.pieceOf(root);
        expect(rootPiece.amount).to.equal(MILLION_CNY - 10_000n);
        expect(rootPiece.status).to.equal(BigInt(PieceStatus.Active));
        expect((await ledger.voucherOf(1n)).piecesCreated).to.equal(65_535n);
      });
    });
  });
});
