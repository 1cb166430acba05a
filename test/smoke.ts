import { expect } from "chai";
import { network } from "hardhat";
import { deployConsortium, issueVoucher, transferPiece, MILLION_CNY } from "./fixtures/consortium.js";

const { ethers, networkHelpers } = await network.getOrCreate();

describe("smoke", function () {
  async function fixture() {
    return deployConsortium(ethers);
  }
  it("issues and transfers", async function () {
    const c = await networkHelpers.loadFixture(fixture);
    const root = await issueVoucher(ethers, c);
    const child = await transferPiece(ethers, c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: root, amount: MILLION_CNY / 4n });
    expect((await c.contracts.ledger.pieceOf(child)).holder).to.equal(c.actors.supplierB.address);
  });
});
