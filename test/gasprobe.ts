import { network } from "hardhat";
import { deployConsortium, buildIssue, buildTransfer, buildPledge, issueVoucher, MILLION_CNY } from "./fixtures/consortium.js";
const { ethers } = await network.getOrCreate();
describe("gasprobe", function () {
  it("prints", async function () {
    const c = await deployConsortium(ethers);
    await issueVoucher(ethers, c); // warm issuer exposure
    const i = await buildIssue(ethers, c);
    const r1 = await (await c.contracts.ledger.connect(c.actors.coreA).issue(i.request, i.attestations)).wait();
    console.log("issue", r1!.gasUsed);
    const root = 2n << 16n;
    const t = await buildTransfer(ethers, c, { from: c.actors.supplierA, to: c.actors.supplierB, pieceId: root, amount: MILLION_CNY / 4n });
    const r2 = await (await c.contracts.ledger.connect(c.actors.supplierA).splitTransfer(t.request, t.attestations)).wait();
    console.log("split", r2!.gasUsed);
    const p = await buildPledge(ethers, c, { holder: c.actors.supplierA, pledgee: c.actors.bankX, pieceId: root, securedAmount: MILLION_CNY / 2n });
    const r3 = await (await c.contracts.ledger.connect(c.actors.bankX).pledge(p.terms, p.consent)).wait();
    console.log("pledge", r3!.gasUsed);
  });
});
