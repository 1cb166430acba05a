/**
 * The whole job of a core enterprise, suppliers and banks through the SDK, against real oracle services
 * (HTTP on 127.0.0.1, embedded databases) on the embedded chain.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { DEFAULT_POLICY, PieceStatus } from "../../src/sdk/constants.js";
import { AuditorClient, BankClient, CoreEnterpriseClient, OracleClient, SupplierClient } from "../../src/sdk/clients/index.js";
import { isLedgerRefusal, OracleError } from "../../src/sdk/errors.js";
import { DAY, deployConsortium, latestTimestamp, MILLION_CNY, type Consortium } from "../fixtures/consortium.js";
import { knownTrade, startTestOracles, type TestOracles } from "../fixtures/oracle.js";

const { ethers } = await network.getOrCreate();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to be rejected");
}

describe("SDK with running oracles on the embedded chain", function () {
  let c: Consortium;
  let oracles: TestOracles;
  let ledgerAddress: string;
  let uscc: (signer: { address: string }) => string;

  before(async function () {
    c = await deployConsortium(ethers);
    oracles = await startTestOracles(ethers, c, 3);
    ledgerAddress = await c.contracts.ledger.getAddress();
    uscc = (signer) => c.usccs.get(signer.address)!;
  });

  after(async function () {
    await oracles.close();
  });

  const core = (signer = c.actors.coreA, clients = oracles.clients) => new CoreEnterpriseClient(signer, ledgerAddress, clients);
  const supplier = (signer: Consortium["actors"]["supplierA"]) => new SupplierClient(signer, ledgerAddress, oracles.clients.slice(0, 1));
  const bank = (signer: Consortium["actors"]["bankX"]) => new BankClient(signer, ledgerAddress);

  async function issue(amount = MILLION_CNY, issuer = c.actors.coreA, holder = c.actors.supplierA) {
    const documents = await knownTrade(ethers, oracles, uscc(holder), uscc(issuer), amount);
    const maturity = (await latestTimestamp(ethers)) + 90n * DAY;
    return { documents, issued: await core(issuer, oracles.clients.slice(0, 1)).issue({ payeeUscc: uscc(holder), amount, maturity, documents }) };
  }

  it("issues, transfers over two levels, pledges, refuses a double pledge, and factors", async function () {
    const { supplierA, supplierB, supplierC, bankX, bankY } = c.actors;
    const { issued } = await issue();
    expect(issued.holder).to.equal(supplierA.address);
    expect(issued.amount).to.equal(MILLION_CNY);
    expect(issued.documentKeys).to.have.length(1);
    expect(issued.attestors).to.deep.equal([oracles.wallets[0].address]);
    expect(await c.contracts.ledger.isDocumentKeyUsed(issued.documentKeys[0])).to.equal(true);

    // Level 1: A pays B with 400,000.00 of the voucher; level 2: B pays C with all of it.
    const toB = await supplier(supplierA).transfer({
      pieceId: issued.pieceId,
      payeeUscc: uscc(supplierB),
      amount: 40_000_000n,
      documents: await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), 40_000_000n),
    });
    expect(toB.remainder).to.equal(60_000_000n);
    const toC = await supplier(supplierB).transfer({
      pieceId: toB.pieceId,
      payeeUscc: uscc(supplierC),
      amount: 40_000_000n,
      documents: await knownTrade(ethers, oracles, uscc(supplierC), uscc(supplierB), 45_000_000n),
    });
    expect(toC.pieceId).to.equal(toB.pieceId);
    expect(toC.remainder).to.equal(0n);

    const auditor = new AuditorClient(ethers.provider, ledgerAddress);
    const lineage = await auditor.lineage(toC.pieceId);
    expect(lineage.steps.map((step) => step.kind)).to.deep.equal(["issue", "split-transfer", "transfer"]);
    expect(lineage.steps.every((step) => step.packageHash !== null && step.documentKeys.length === 1)).to.equal(true);

    // Pledge at bank X: verified first, then taken; bank Y cannot take it again (R9).
    const before = await bank(bankX).verifyForFinancing(toC.pieceId);
    expect(before.verdict.financeable, JSON.stringify(before.verdict.reasons)).to.equal(true);
    const now = await latestTimestamp(ethers);
    const consent = await supplier(supplierC).consentToPledge({
      pieceId: toC.pieceId,
      pledgee: bankX.address,
      securedAmount: 30_000_000n,
      annualRateBps: 385,
      serviceFeeBps: 10,
      registrationNumber: "0D2026112200001234",
      deadline: now + DAY,
    });
    await bank(bankX).acceptPledge(consent);
    expect((await c.contracts.ledger.pieceOf(toC.pieceId)).status).to.equal(BigInt(PieceStatus.Pledged));
    const after = await bank(bankY).verifyForFinancing(toC.pieceId);
    expect(after.verdict.financeable).to.equal(false);
    expect(after.verdict.reasons.map((reason) => reason.code)).to.include("PIECE_PLEDGED");

    const second = await supplier(supplierC).consentToPledge({
      pieceId: toC.pieceId,
      pledgee: bankY.address,
      securedAmount: 30_000_000n,
      annualRateBps: 385,
      serviceFeeBps: 10,
      registrationNumber: "0D2026112200009999",
      deadline: now + DAY,
    });
    const refusal = await rejection(bank(bankY).acceptPledge(second));
    expect(isLedgerRefusal(refusal, "PieceNotInStatus"), String(refusal)).to.equal(true);
    expect((refusal as Error).message).to.match(/pledged/i);

    // Factoring: A sells its remaining 600,000.00 to bank Y.
    const sale = await supplier(supplierA).consentToFactoring({
      pieceId: issued.pieceId,
      factor: bankY.address,
      purchasePrice: 58_500_000n,
      withRecourse: false,
      deadline: now + DAY,
    });
    await bank(bankY).factor(sale);
    const factored = await c.contracts.ledger.pieceOf(issued.pieceId);
    expect(factored.holder).to.equal(bankY.address);
    expect((await c.contracts.ledger.factoringOf(issued.pieceId)).purchasePrice).to.equal(58_500_000n);
  });

  it("refuses an invoice already used, even when another core enterprise presents it", async function () {
    const { coreA, coreB, supplierA } = c.actors;
    const { documents } = await issue(MILLION_CNY, coreA, supplierA);
    // Core enterprise B presents the same invoice (made out to itself) for its own voucher.
    const reused = {
      ...documents,
      invoices: documents.invoices.map((invoice) => ({ ...invoice, buyerUscc: uscc(coreB) })),
    };
    const maturity = (await latestTimestamp(ethers)) + 60n * DAY;
    const error = await rejection(core(coreB, oracles.clients.slice(0, 1)).issue({ payeeUscc: uscc(supplierA), amount: MILLION_CNY, maturity, documents: reused }));
    expect(error).to.be.instanceOf(OracleError);
    const codes = (error as OracleError).failures.map((failure) => failure.code);
    expect(codes).to.include("INVOICE_ALREADY_USED");

    // An oracle with an empty database of its own still refuses: the ledger remembers the document key.
    const fresh = await startTestOracles(ethers, c, 1, { secret: oracles.secret });
    try {
      await fresh.know({ ...reused, invoices: reused.invoices });
      const again = await rejection(
        new CoreEnterpriseClient(coreB, ledgerAddress, fresh.clients).issue({ payeeUscc: uscc(supplierA), amount: MILLION_CNY, maturity, documents: reused }),
      );
      expect((again as OracleError).failures.map((failure) => failure.code)).to.deep.equal(["INVOICE_ALREADY_USED"]);
    } finally {
      await fresh.close();
    }
  });

  it("k-of-n: with a quorum of 2, one refusing oracle out of two stops the issue; a third that agrees completes it", async function () {
    const { admin, coreA, supplierB } = c.actors;
    await c.contracts.ledger.connect(admin).setPolicy({ ...DEFAULT_POLICY, attestationQuorum: 2 });
    try {
      // Only oracles 0 and 2 have the invoice on record; oracle 1 cannot verify it and refuses.
      const now = Number(await latestTimestamp(ethers));
      const { sampleTradeDocuments } = await import("../../src/oracle/package/sampleDocuments.js");
      const documents = sampleTradeDocuments({ sellerUscc: uscc(supplierB), buyerUscc: uscc(coreA), total: MILLION_CNY, today: now });
      const { seedStore } = await import("../../src/oracle/service.js");
      for (const index of [0, 2]) await seedStore(oracles.running[index].store, { invoices: documents.invoices, deliveries: documents.delivery });
      const maturity = BigInt(now) + 30n * DAY;
      const order = { payeeUscc: uscc(supplierB), amount: MILLION_CNY, maturity, documents };

      const error = await rejection(core(coreA, oracles.clients.slice(0, 2)).issue(order));
      expect(error).to.be.instanceOf(OracleError);
      expect((error as OracleError).code).to.equal("ORACLE_QUORUM_NOT_MET");
      expect((error as OracleError).failures.map((failure) => failure.code)).to.include("INVOICE_NOT_VERIFIED");
      expect((error as Error).message).to.contain(oracles.clients[1].url);

      const issued = await core(coreA, oracles.clients).issue(order);
      const expected = [oracles.wallets[0].address, oracles.wallets[2].address].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      expect(issued.attestors).to.deep.equal(expected);
      expect(issued.holder).to.equal(supplierB.address);
    } finally {
      await c.contracts.ledger.connect(admin).setPolicy(DEFAULT_POLICY);
    }
  });

  it("an unreachable oracle is told apart from a refusal", async function () {
    const { coreA, supplierA } = c.actors;
    const documents = await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreA), MILLION_CNY);
    const maturity = (await latestTimestamp(ethers)) + 30n * DAY;
    const closed = new OracleClient("http://127.0.0.1:1", { timeoutMs: 2_000 });
    const error = await rejection(core(coreA, [closed]).issue({ payeeUscc: uscc(supplierA), amount: MILLION_CNY, maturity, documents }));
    expect(error).to.be.instanceOf(OracleError);
    expect((error as OracleError).code).to.equal("ORACLE_QUORUM_NOT_MET");
    expect((error as Error).message).to.contain("could not be reached");
  });
});
