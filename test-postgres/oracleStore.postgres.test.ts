/**
 * The oracle's store on a real PostgreSQL server (run by scripts/check-postgres.sh, which starts one and
 * sets EVOUCHER_TEST_POSTGRES_URL). Fails, never skips, when the server is not there.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { hexlify, randomBytes, Wallet } from "ethers";
import pg from "pg";
import { resolveOracleConfig } from "../src/oracle/config.js";
import { OracleStore } from "../src/oracle/store/oracleStore.js";
import { openSqlClient } from "../src/storage/sqlClient.js";
import { seedStore, startOracle } from "../src/oracle/service.js";
import { sampleTradeDocuments } from "../src/oracle/package/sampleDocuments.js";
import { CoreEnterpriseClient, OracleClient } from "../src/sdk/clients/index.js";
import { MemberRole } from "../src/sdk/constants.js";
import { usccToBytes18 } from "../src/sdk/uscc.js";
import { DAY, deployConsortium, latestTimestamp, MILLION_CNY } from "../test/fixtures/consortium.js";
import { testUscc } from "../test/helpers/uscc.js";

const { ethers } = await network.getOrCreate();
const serverUrl = process.env.EVOUCHER_TEST_POSTGRES_URL;

describe("oracle store on PostgreSQL", function () {
  let database: string;
  let connectionString: string;

  before(async function () {
    if (serverUrl === undefined) throw new Error("EVOUCHER_TEST_POSTGRES_URL is not set: run scripts/check-postgres.sh");
    // A fresh database per run, so that nothing from an earlier run is counted.
    database = `evoucher_${Date.now()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    connectionString = url.toString();
  });

  async function openStore() {
    const store = new OracleStore(await openSqlClient({ kind: "postgres", connectionString }));
    await store.migrate();
    return store;
  }

  it("migrates twice without complaint and keeps hostile request bodies", async function () {
    const store = await openStore();
    try {
      await store.migrate();
      const body = JSON.stringify({ note: "nul \u0000 and a lone surrogate \ud800 and 𠀀" });
      await store.recordRequest({
        id: "00000000-0000-4000-8000-000000000001",
        route: "/v1/attestations/issue",
        requester: null,
        httpStatus: 400,
        outcome: "rejected",
        errorCode: "REQUEST_INVALID",
        failures: [{ code: "SCHEMA_VIOLATION", path: "/note", message: "extra" }],
        body,
        packageHash: null,
        attestation: null,
      });
      const stored = await store.requestById("00000000-0000-4000-8000-000000000001");
      expect(stored?.body).to.equal(body);
      expect(JSON.parse(stored!.body!).note).to.contain("\u0000");
      expect((await store.countRequests()).rejected).to.equal(1);
    } finally {
      await store.close();
    }
  });

  it("reserves all or nothing, and lets an expired reservation go", async function () {
    const store = await openStore();
    try {
      expect(await store.reserve(["0xa1", "0xa2"], "r1", "0xp1", 2_000, 1_000)).to.deep.equal({ reserved: true });
      expect(await store.reserve(["0xa3", "0xa2"], "r2", "0xp2", 2_000, 1_000)).to.deep.equal({ reserved: false, conflicts: ["0xa2"] });
      expect([...(await store.activeReservations(["0xa3"], 1_000)).keys()]).to.deep.equal([]);
      expect(await store.reserve(["0xa2"], "r3", "0xp3", 3_000, 2_000)).to.deep.equal({ reserved: true });
      expect((await store.activeReservations(["0xa2"], 2_000)).get("0xa2")?.requestId).to.equal("r3");
    } finally {
      await store.close();
    }
  });

  it("gives a contested invoice to exactly one of 16 concurrent requests (row locks across connections)", async function () {
    const stores = await Promise.all([openStore(), openStore()]);
    try {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, index) => stores[index % 2].reserve(["0xcontested", `0xown-${index}`], `r${index}`, `0xp${index}`, 9_000, 1_000)),
      );
      expect(results.filter((result) => result.reserved)).to.have.length(1);
      const winner = results.findIndex((result) => result.reserved);
      const owned = await stores[0].activeReservations(Array.from({ length: 16 }, (_, index) => `0xown-${index}`), 1_000);
      expect([...owned.keys()]).to.deep.equal([`0xown-${winner}`]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("never deadlocks when two requests take the same invoices in opposite orders", async function () {
    const stores = await Promise.all([openStore(), openStore()]);
    try {
      for (let round = 0; round < 20; round++) {
        const keys = [`0xx-${round}`, `0xy-${round}`];
        const results = await Promise.all([
          stores[0].reserve(keys, `a${round}`, "0xpa", 9_000, 1_000),
          stores[1].reserve([...keys].reverse(), `b${round}`, "0xpb", 9_000, 1_000),
        ]);
        expect(results.filter((result) => result.reserved), `round ${round}`).to.have.length(1);
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("serves a running oracle whose attestation the ledger accepts", async function () {
    const c = await deployConsortium(ethers);
    const wallet = Wallet.createRandom();
    await c.contracts.registry.registerMember(wallet.address, usccToBytes18(testUscc(990)), MemberRole.Oracle, 0);
    const config = resolveOracleConfig(
      {
        listen: { port: 0 },
        chain: { rpcUrl: "http://in-process.invalid", ledgerAddress: await c.contracts.ledger.getAddress() },
        signer: { privateKeyEnv: "ORACLE_KEY" },
        documentKeySecretEnv: "DOCUMENT_KEY_SECRET",
        database: { kind: "postgres", urlEnv: "ORACLE_DATABASE_URL" },
      },
      { ORACLE_KEY: wallet.privateKey, DOCUMENT_KEY_SECRET: hexlify(randomBytes(32)), ORACLE_DATABASE_URL: connectionString },
      process.cwd(),
    );
    const oracle = await startOracle(config, { provider: ethers.provider });
    try {
      const { coreA, supplierA } = c.actors;
      const now = await latestTimestamp(ethers);
      const documents = sampleTradeDocuments({
        sellerUscc: c.usccs.get(supplierA.address)!,
        buyerUscc: c.usccs.get(coreA.address)!,
        total: MILLION_CNY,
        today: Number(now),
      });
      await seedStore(oracle.store, { invoices: documents.invoices, deliveries: documents.delivery });
      const client = new CoreEnterpriseClient(coreA, await c.contracts.ledger.getAddress(), [new OracleClient(oracle.url)]);
      const issued = await client.issue({ payeeUscc: c.usccs.get(supplierA.address)!, amount: MILLION_CNY, maturity: now + 90n * DAY, documents });
      expect(issued.holder).to.equal(supplierA.address);
      expect(issued.attestors).to.deep.equal([wallet.address]);
      expect((await oracle.store.countRequests()).attested).to.equal(1);
    } finally {
      await oracle.close();
    }
  });
});
