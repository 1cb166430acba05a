/**
 * The SDK uses an oracle's attestation only if it is for exactly what the payer asked, and only k that
 * agree: a faulty or hostile oracle (here a real HTTP server signing with a registered oracle key) can
 * neither redirect a voucher nor block a quorum the honest oracles meet.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { network } from "hardhat";
import { Wallet, id } from "ethers";
import { CoreEnterpriseClient, OracleClient } from "../../src/sdk/clients/index.js";
import { DEFAULT_POLICY, MemberRole } from "../../src/sdk/constants.js";
import { signIssueAttestation } from "../../src/sdk/eip712.js";
import { OracleError } from "../../src/sdk/errors.js";
import { cnyToFen } from "../../src/sdk/money.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import type { IssuePackage } from "../../src/oracle/package/types.js";
import { DAY, deployConsortium, latestTimestamp, MILLION_CNY, type Consortium } from "../fixtures/consortium.js";
import { knownTrade, startTestOracles, type TestOracles } from "../fixtures/oracle.js";
import { testUscc } from "../helpers/uscc.js";

const { ethers } = await network.getOrCreate();

let hostileCount = 0;

/** An oracle that signs whatever `tamper` makes of the message an honest oracle would sign. */
async function hostileOracle(c: Consortium, tamper: (message: Record<string, unknown>) => Record<string, unknown>): Promise<{ url: string; wallet: Wallet; server: Server }> {
  const wallet = Wallet.createRandom() as unknown as Wallet;
  await c.contracts.registry.registerMember(wallet.address, usccToBytes18(testUscc(950 + ++hostileCount)), MemberRole.Oracle, 0);
  const accountOf = (uscc: string) => c.contracts.ledger.accountOf(usccToBytes18(uscc));
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const tradePackage = JSON.parse(body) as IssuePackage;
      const message = tamper({
        issuer: await accountOf(tradePackage.payerUscc),
        holder: await accountOf(tradePackage.payeeUscc),
        amount: cnyToFen(tradePackage.amount),
        maturity: BigInt(tradePackage.maturity),
        packageHash: id(`hostile-package:${body}`),
        documentKeys: tradePackage.invoices.map((invoice) => id(`hostile-key:${invoice.number}`)),
        deadline: BigInt(tradePackage.deadline),
      });
      const signature = await signIssueAttestation(wallet, c.domain, message as never);
      const stringify = (value: unknown) => (Array.isArray(value) ? value : String(value));
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          requestId: "hostile",
          replayed: false,
          attestation: {
            primaryType: "IssueAttestation",
            domain: { name: c.domain.name, version: c.domain.version, chainId: String(c.domain.chainId), verifyingContract: c.domain.verifyingContract },
            message: Object.fromEntries(Object.entries(message).map(([key, value]) => [key, stringify(value)])),
            signer: wallet.address,
            signature,
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, wallet, server };
}

describe("SDK attestation checks against a hostile oracle", function () {
  let c: Consortium;
  let honest: TestOracles;
  const servers: Server[] = [];

  before(async function () {
    c = await deployConsortium(ethers);
    honest = await startTestOracles(ethers, c, 2);
  });

  after(async function () {
    await honest.close();
    for (const server of servers) server.close();
  });

  async function order(holder = c.actors.supplierA) {
    const documents = await knownTrade(ethers, honest, c.usccs.get(holder.address)!, c.usccs.get(c.actors.coreA.address)!, MILLION_CNY);
    return { payeeUscc: c.usccs.get(holder.address)!, amount: MILLION_CNY, maturity: (await latestTimestamp(ethers)) + 60n * DAY, documents };
  }

  it("refuses an attestation that names another holder, and issues nothing", async function () {
    const hostile = await hostileOracle(c, (message) => ({ ...message, holder: c.actors.supplierB.address }));
    servers.push(hostile.server);
    const before = await c.contracts.ledger.voucherCount();
    const client = new CoreEnterpriseClient(c.actors.coreA, await c.contracts.ledger.getAddress(), [new OracleClient(hostile.url)]);
    const error = await client.issue(await order()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(OracleError);
    expect((error as OracleError).code).to.equal("ORACLE_QUORUM_NOT_MET");
    const [cause] = (error as OracleError).oracleErrors;
    expect(cause.code).to.equal("ORACLE_FAULTY");
    expect(cause.message).to.contain(`holder ${c.actors.supplierB.address}`);
    expect(await c.contracts.ledger.voucherCount()).to.equal(before);
  });

  for (const [name, tamper, detail] of [
    ["a different amount", (m: Record<string, unknown>) => ({ ...m, amount: 1n }), "amount 1"],
    ["a later deadline", (m: Record<string, unknown>) => ({ ...m, deadline: (m.deadline as bigint) + 3_600n }), "deadline"],
    ["no document key", (m: Record<string, unknown>) => ({ ...m, documentKeys: [] }), "0 document keys for 1 invoices"],
    ["a repeated document key", (m: Record<string, unknown>) => ({ ...m, documentKeys: [id("k"), id("k")] }), "2 document keys for 1 invoices"],
  ] as const) {
    it(`refuses an attestation with ${name}`, async function () {
      const hostile = await hostileOracle(c, tamper);
      servers.push(hostile.server);
      const client = new CoreEnterpriseClient(c.actors.coreA, await c.contracts.ledger.getAddress(), [new OracleClient(hostile.url)]);
      const error = (await client.issue(await order()).then(() => null, (e: unknown) => e)) as OracleError;
      expect(error.code).to.equal("ORACLE_QUORUM_NOT_MET");
      expect(error.oracleErrors[0].code).to.equal("ORACLE_FAULTY");
      expect(error.oracleErrors[0].message).to.contain(detail);
    });
  }

  it("2-of-3: a disagreeing oracle asked first neither blocks the two that agree nor gets them blamed", async function () {
    const { admin, coreA, supplierA } = c.actors;
    // Same addresses and amounts, but its own package hash and document keys (another secret).
    const hostile = await hostileOracle(c, (message) => message);
    servers.push(hostile.server);
    await c.contracts.ledger.connect(admin).setPolicy({ ...DEFAULT_POLICY, attestationQuorum: 2 });
    try {
      const oracles = [new OracleClient(hostile.url), ...honest.clients];
      // The payer signs the request once for all three oracles (one prompt on a hardware key).
      let signatures = 0;
      const countingPayer = new Proxy(coreA, {
        get(target, property, receiver) {
          if (property === "signMessage") return (message: string) => (signatures++, target.signMessage(message));
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const issued = await new CoreEnterpriseClient(countingPayer, await c.contracts.ledger.getAddress(), oracles).issue(await order());
      expect(signatures).to.equal(1);
      const expected = honest.wallets.map((wallet) => wallet.address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      expect(issued.attestors).to.deep.equal(expected);
      expect(issued.holder).to.equal(supplierA.address);
    } finally {
      await c.contracts.ledger.connect(admin).setPolicy(DEFAULT_POLICY);
    }
  });
});
