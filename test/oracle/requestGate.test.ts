/**
 * What the oracle examines, and when: nothing of a package whose payer is not an active member asking for
 * itself, and no attestation (so no reserved invoice) for a trade the ledger's own limits would refuse.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { canonicalJson } from "../../src/oracle/keyedHash.js";
import { REQUESTER_SIGNATURE_HEADER } from "../../src/oracle/protocol.js";
import { fenToCny } from "../../src/sdk/money.js";
import { CoreEnterpriseClient, SupplierClient } from "../../src/sdk/clients/index.js";
import { DEFAULT_POLICY } from "../../src/sdk/constants.js";
import { OracleError } from "../../src/sdk/errors.js";
import { DAY, deployConsortium, latestTimestamp, MILLION_CNY, type Consortium } from "../fixtures/consortium.js";
import { knownTrade, startTestOracles, type TestOracles } from "../fixtures/oracle.js";
import { testUscc } from "../helpers/uscc.js";

const { ethers } = await network.getOrCreate();

describe("oracle request gate and ledger limits", function () {
  let c: Consortium;
  let oracles: TestOracles;
  let ledgerAddress: string;
  const uscc = (signer: { address: string }) => c.usccs.get(signer.address)!;

  before(async function () {
    c = await deployConsortium(ethers);
    oracles = await startTestOracles(ethers, c, 1);
    ledgerAddress = await c.contracts.ledger.getAddress();
  });

  after(async function () {
    await oracles.close();
  });

  it("examines nothing of a package whose payer is no member: one failure, even for an invoice used on-chain", async function () {
    const { coreA, supplierA, outsider } = c.actors;
    const documents = await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreA), MILLION_CNY);
    const maturity = (await latestTimestamp(ethers)) + 30n * DAY;
    await new CoreEnterpriseClient(coreA, ledgerAddress, oracles.clients).issue({ payeeUscc: uscc(supplierA), amount: MILLION_CNY, maturity, documents });

    // An outsider poses as a payer that does not exist and asks about the (used) invoice.
    const now = Number(await latestTimestamp(ethers));
    const body = canonicalJson({
      payerUscc: testUscc(777),
      payeeUscc: uscc(supplierA),
      amount: fenToCny(MILLION_CNY),
      maturity: Number(maturity),
      deadline: now + 600,
      ...documents,
    });
    const response = await fetch(`${oracles.running[0].url}/v1/attestations/issue`, {
      method: "POST",
      headers: { "content-type": "application/json", [REQUESTER_SIGNATURE_HEADER]: await outsider.signMessage(body) },
      body,
    });
    const answer = (await response.json()) as { error: { code: string; failures: Array<{ code: string; path: string }> } };
    expect(response.status).to.equal(422);
    expect(answer.error.failures.map((failure) => [failure.code, failure.path])).to.deep.equal([["PARTY_NOT_MEMBER", "/payerUscc"]]);
  });

  it("refuses a transfer past the depth limit before reserving its invoice; the same documents pass once the limit allows", async function () {
    const { admin, coreA, supplierA, supplierB, supplierC } = c.actors;
    const maturity = (await latestTimestamp(ethers)) + 60n * DAY;
    const issued = await new CoreEnterpriseClient(coreA, ledgerAddress, oracles.clients).issue({
      payeeUscc: uscc(supplierA),
      amount: MILLION_CNY,
      maturity,
      documents: await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreA), MILLION_CNY),
    });
    await new SupplierClient(supplierA, ledgerAddress, oracles.clients).transfer({
      pieceId: issued.pieceId,
      payeeUscc: uscc(supplierB),
      amount: MILLION_CNY,
      documents: await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), MILLION_CNY),
    });

    await c.contracts.ledger.connect(admin).setPolicy({ ...DEFAULT_POLICY, maxDepth: 1 });
    const order = {
      pieceId: issued.pieceId,
      payeeUscc: uscc(supplierC),
      amount: MILLION_CNY,
      documents: await knownTrade(ethers, oracles, uscc(supplierC), uscc(supplierB), MILLION_CNY),
    };
    const toC = new SupplierClient(supplierB, ledgerAddress, oracles.clients);
    try {
      const error = (await toC.transfer(order).then(() => null, (e: unknown) => e)) as OracleError;
      expect(error).to.be.instanceOf(OracleError);
      expect(error.failures.map((failure) => [failure.code, failure.path])).to.deep.equal([["DEPTH_LIMIT_REACHED", "/pieceId"]]);
    } finally {
      await c.contracts.ledger.connect(admin).setPolicy(DEFAULT_POLICY);
    }
    const done = await toC.transfer(order);
    expect((await c.contracts.ledger.pieceOf(done.pieceId)).holder).to.equal(supplierC.address);
  });
});
