/**
 * The clearing engine's configuration and start-up: the committed example resolves; every problem of a bad
 * file is reported at once; a key that is not the configured bank's, or not a bank member's, is refused;
 * a second engine on the same database directory is refused while the first runs.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { HDNodeWallet } from "ethers";
import { network } from "hardhat";
import { ClearingConfigError, loadClearingConfig, resolveClearingConfig, type ClearingConfig } from "../../src/clearing/config.js";
import { startClearing } from "../../src/clearing/service.js";
import { DataDirectoryLockedError } from "../../src/storage/dataDirLock.js";
import { ANVIL_MNEMONIC } from "../helpers/anvil.js";
import { deployConsortium, type Consortium } from "../fixtures/consortium.js";

const { ethers } = await network.getOrCreate();
/** Hardhat's simulated accounts come from the same development mnemonic as anvil's. */
const keyOf = (index: number) => HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
const BANK_X = 7;
const SUPPLIER_A = 4;

describe("clearing configuration", function () {
  const env = { EVOUCHER_BANK_X_KEY: keyOf(BANK_X), EVOUCHER_BANK_Y_KEY: keyOf(8) };

  it("resolves the committed example: absolute paths, defaults, keys wrapped", async function () {
    const config = await loadClearingConfig("config/clearing.example.json", env);
    expect(config.banks.map((bank) => bank.account)).to.deep.equal(["0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"]);
    expect(config.database).to.deep.equal({ kind: "pglite", dataDir: path.resolve("data/clearing") });
    expect(config.memberDirectoryFile).to.equal(path.resolve("config/member-directory.example.json"));
    expect(config.banks[0].directories.outbox).to.equal(path.resolve("data/banks/bankX/outbox"));
    expect([config.tickIntervalSeconds, config.retryAfterSeconds, config.utcOffsetMinutes]).to.deep.equal([5, 86_400, 480]);
    expect(JSON.stringify(config)).not.to.contain(env.EVOUCHER_BANK_X_KEY.slice(2));
  });

  it("reports every problem of a file at once", function () {
    const raw = {
      chain: { rpcUrl: "ftp://node", ledgerAddress: "0x1234" },
      database: { kind: "postgres", urlEnv: "CLEARING_DB_URL" },
      banks: [
        { account: "0x976EA74026E726554dB657fA54763abd0C3a0aa9", outbox: "o", inbox: "i", archive: "a", signer: { privateKeyEnv: "MISSING_KEY" } },
        { account: "0x976ea74026e726554db657fa54763abd0c3a0aa9", outbox: "o", inbox: "i", archive: "a", signer: { privateKeyEnv: "SHORT_KEY" } },
        { account: "bank-y", outbox: "o", inbox: "i", archive: "a", signer: { privateKeyEnv: "EVOUCHER_BANK_Y_KEY" } },
      ],
      tickIntervalSeconds: 0,
      colour: "blue",
    };
    const error = captureConfigError(() => resolveClearingConfig(raw, { SHORT_KEY: "0x1234", EVOUCHER_BANK_Y_KEY: keyOf(8) }, "/etc/evoucher"));
    expect(error.code).to.equal("CLEARING_CONFIG_INVALID");
    const expected = [
      "(root) must have required property 'memberDirectoryFile'",
      "(root) must NOT have additional properties: colour",
      "/chain/rpcUrl must match pattern",
      "/tickIntervalSeconds must be >= 0.05",
      "/chain/ledgerAddress is not an address",
      "environment variable CLEARING_DB_URL is not set",
      "environment variable MISSING_KEY is not set",
      "environment variable SHORT_KEY is not a 32-byte 0x-hex private key",
      "/banks/1/account 0x976EA74026E726554dB657fA54763abd0C3a0aa9 is listed twice",
      '/banks/2/account is not an address: "bank-y"',
    ];
    for (const problem of expected) expect(error.problems.some((line) => line.startsWith(problem)), `${problem}\n in ${error.problems.join("\n")}`).to.equal(true);
    expect(error.problems).to.have.length(expected.length);
  });

  it("refuses a file that is not JSON, naming it", async function () {
    const dir = await mkdtemp(path.join(tmpdir(), "evoucher-clearing-config-"));
    try {
      await writeFile(path.join(dir, "clearing.json"), "{ not json");
      const error = await loadClearingConfig(path.join(dir, "clearing.json"), env).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(ClearingConfigError);
      expect((error as ClearingConfigError).problems[0]).to.contain(`${path.join(dir, "clearing.json")} could not be read as JSON`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("clearing engine start-up", function () {
  let c: Consortium;
  let dir: string;

  before(async function () {
    c = await deployConsortium(ethers);
    dir = await mkdtemp(path.join(tmpdir(), "evoucher-clearing-start-"));
    const members = [c.actors.coreA, c.actors.bankX].map((signer, index) => ({
      account: signer.address,
      uscc: c.usccs.get(signer.address)!,
      name: `Member ${index}`,
      bankAccount: { name: `Member ${index}`, accountNumber: `6222000000${index}`, cnaps: "313290000174", bankName: "Branch" },
    }));
    await writeFile(path.join(dir, "directory.json"), JSON.stringify({ members }));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  function configWith(account: string, keyIndex: number, dataDir = "db"): ClearingConfig {
    return resolveClearingConfig(
      {
        chain: { rpcUrl: "http://127.0.0.1:1", ledgerAddress: c.contracts.ledger.target },
        database: { kind: "pglite", dataDir },
        memberDirectoryFile: "directory.json",
        banks: [{ account, outbox: "bank/outbox", inbox: "bank/inbox", archive: "bank/archive", signer: { privateKeyEnv: "KEY" } }],
        tickIntervalSeconds: 60,
      },
      { KEY: keyOf(keyIndex) },
      dir,
    );
  }

  it("refuses a key that is not the configured bank's", async function () {
    const error = await startClearing(configWith(c.actors.bankX.address, SUPPLIER_A), { provider: ethers.provider }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(ClearingConfigError);
    expect((error as ClearingConfigError).problems).to.deep.equal([`the key configured for bank ${c.actors.bankX.address} is the key of ${c.actors.supplierA.address}`]);
  });

  it("refuses an account that is not an active bank member", async function () {
    const error = await startClearing(configWith(c.actors.supplierA.address, SUPPLIER_A), { provider: ethers.provider }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as ClearingConfigError).problems).to.deep.equal([`${c.actors.supplierA.address} is not an active bank member of the ledger: it cannot confirm settlement`]);
  });

  it("runs a tick at once, refuses a second engine on the same database while it runs, and stops cleanly", async function () {
    const ticks: unknown[] = [];
    const first = await startClearing(configWith(c.actors.bankX.address, BANK_X), { provider: ethers.provider, log: { tick: (report) => ticks.push(report), failed: (error) => ticks.push(error) } });
    try {
      const second = await startClearing(configWith(c.actors.bankX.address, BANK_X), { provider: ethers.provider }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(second).to.be.instanceOf(DataDirectoryLockedError);
      expect((second as DataDirectoryLockedError).ownerPid).to.equal(process.pid);
    } finally {
      await first.stop();
    }
    expect(ticks).to.have.length(1);
    expect(ticks[0]).to.deep.equal({ planned: [], sent: [], ingested: [], confirmed: [], markedOverdue: [], retried: [], held: [], failures: [] });
    // Once stopped, the directory is free again.
    const again = await startClearing(configWith(c.actors.bankX.address, BANK_X), { provider: ethers.provider });
    await again.stop();
  });
});

function captureConfigError(action: () => unknown): ClearingConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ClearingConfigError) return error;
    throw error;
  }
  throw new Error("expected a ClearingConfigError");
}
