/**
 * Starting the oracle service: the checks it makes before it serves (chain id, ledger code, oracle
 * membership), its seed file — on the embedded chain — and the oracle run as an operator would run it: a
 * separate process (`tsx src/oracle/main.ts --config <file>`) against an anvil node, stopped with SIGTERM.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { network } from "hardhat";
import { hexlify, JsonRpcProvider, Network, randomBytes, Wallet } from "ethers";
import { resolveOracleConfig, OracleConfigError, type OracleConfig } from "../../src/oracle/config.js";
import { invoiceKeyOf } from "../../src/oracle/checks/invoice.js";
import { sampleTradeDocuments } from "../../src/oracle/package/sampleDocuments.js";
import { startOracle, type OracleSeed } from "../../src/oracle/service.js";
import { DEFAULT_POLICY, MemberRole } from "../../src/sdk/constants.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import { VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { deployConsortium, latestTimestamp, type Consortium } from "../fixtures/consortium.js";
import { testUscc } from "../helpers/uscc.js";

const { ethers } = await network.getOrCreate();

async function configErrorOf(promise: Promise<unknown>): Promise<OracleConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(OracleConfigError);
    return error as OracleConfigError;
  }
  throw new Error("expected an OracleConfigError");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

let memberCounter = 700;

describe("oracle service start-up on the embedded chain", function () {
  this.timeout(60_000);
  let c: Consortium;
  let ledgerAddress: string;
  let chainId: bigint;
  let oracleWallet: Wallet;
  let dir: string;
  const secret = hexlify(randomBytes(32));

  before(async function () {
    c = await deployConsortium(ethers);
    ledgerAddress = await c.contracts.ledger.getAddress();
    chainId = (await ethers.provider.getNetwork()).chainId;
    oracleWallet = Wallet.createRandom() as unknown as Wallet;
    await c.contracts.registry.registerMember(oracleWallet.address, usccToBytes18(testUscc(++memberCounter)), MemberRole.Oracle, 0);
    dir = await mkdtemp(join(tmpdir(), "evoucher-oracle-service-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  function config(overrides: { chain?: Record<string, unknown>; key?: string; [field: string]: unknown } = {}): OracleConfig {
    const { chain, key, ...rest } = overrides;
    return resolveOracleConfig(
      {
        listen: { port: 0 },
        chain: { rpcUrl: "http://in-process.invalid", ledgerAddress, ...chain },
        signer: { privateKeyEnv: "ORACLE_KEY" },
        documentKeySecretEnv: "DOCUMENT_KEY_SECRET",
        database: { kind: "pglite-memory" },
        ...rest,
      },
      { ORACLE_KEY: key ?? oracleWallet.privateKey, DOCUMENT_KEY_SECRET: secret },
      dir,
    );
  }

  it("refuses to start when the configured chain id is not the node's", async function () {
    expect(chainId).to.not.equal(1n);
    const error = await configErrorOf(startOracle(config({ chain: { chainId: 1 } }), { provider: ethers.provider }));
    expect(error.problems).to.deep.equal([`/chain/chainId is 1 but the node at in-process.invalid is chain ${chainId}`]);
  });

  it("starts when the configured chain id is the node's", async function () {
    const oracle = await startOracle(config({ chain: { chainId: Number(chainId) } }), { provider: ethers.provider });
    try {
      expect(oracle.signer).to.equal(oracleWallet.address);
      expect(oracle.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await oracle.close();
    }
  });

  it("refuses to start when the ledger address has no contract", async function () {
    const empty = Wallet.createRandom().address;
    const error = await configErrorOf(startOracle(config({ chain: { ledgerAddress: empty } }), { provider: ethers.provider }));
    expect(error.problems).to.deep.equal([`/chain/ledgerAddress ${empty} has no contract on chain ${chainId}`]);
  });

  it("refuses to start when its key is not an active oracle member, naming the account", async function () {
    const stranger = Wallet.createRandom();
    const error = await configErrorOf(startOracle(config({ key: stranger.privateKey }), { provider: ethers.provider }));
    expect(error.problems).to.have.length(1);
    expect(error.problems[0]).to.equal(
      `the signing key ${stranger.address} is not an active oracle member of the ledger; the ledger would refuse its attestations`,
    );
    expect(error.message).to.not.include(stranger.privateKey.slice(2));

    // A member in another role is no oracle either.
    const supplier = Wallet.createRandom();
    await c.contracts.registry.registerMember(supplier.address, usccToBytes18(testUscc(++memberCounter)), MemberRole.Supplier, 0);
    const asSupplier = await configErrorOf(startOracle(config({ key: supplier.privateKey }), { provider: ethers.provider }));
    expect(asSupplier.problems[0]).to.include(`the signing key ${supplier.address} is not an active oracle member`);
  });

  it("loads its seed file into the offline verifiers' records and serves /v1/health", async function () {
    const today = Number(await latestTimestamp(ethers));
    const known = sampleTradeDocuments({ sellerUscc: testUscc(4), buyerUscc: testUscc(2), total: 50_000_000n, today });
    const voided = sampleTradeDocuments({ sellerUscc: testUscc(4), buyerUscc: testUscc(2), total: 20_000_000n, today });
    const seed: OracleSeed = { invoices: known.invoices, voidedInvoices: voided.invoices, deliveries: known.delivery };
    await writeFile(join(dir, "seed.json"), JSON.stringify(seed, null, 2));

    const oracle = await startOracle(config({ seedFile: "seed.json", database: { kind: "pglite", dataDir: "seeded-db" } }), { provider: ethers.provider });
    try {
      expect(await oracle.store.knownInvoice(invoiceKeyOf(known.invoices[0])!)).to.deep.equal({ invoice: known.invoices[0], voided: false });
      expect(await oracle.store.knownInvoice(invoiceKeyOf(voided.invoices[0])!)).to.deep.equal({ invoice: voided.invoices[0], voided: true });
      const delivery = known.delivery[0];
      expect(await oracle.store.knownDelivery(delivery.documentHash)).to.deep.equal({ kind: delivery.kind, date: delivery.date });
      expect(await oracle.store.knownDelivery(voided.delivery[0].documentHash)).to.equal(null);

      const response = await fetch(`${oracle.url}/v1/health`);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({
        status: "ok",
        signer: oracleWallet.address,
        chainId: chainId.toString(),
        ledgerAddress,
        attestationLifetimeSeconds: 3_600,
        requests: { attested: 0, refused: 0, rejected: 0 },
      });
    } finally {
      await oracle.close();
    }
    // The relative dataDir was resolved from the config's folder.
    expect(existsSync(join(dir, "seeded-db", "PG_VERSION"))).to.equal(true);
  });

  it("refuses a seed file that is not JSON, naming the file", async function () {
    await writeFile(join(dir, "broken-seed.json"), "{ invoices: [");
    const error = await configErrorOf(startOracle(config({ seedFile: "broken-seed.json" }), { provider: ethers.provider }));
    expect(error.problems).to.have.length(1);
    expect(error.problems[0]).to.match(new RegExp(`^seed file ${join(dir, "broken-seed.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} could not be read as JSON: `));
  });

  it("refuses a seed invoice with a malformed number, naming it", async function () {
    const today = Number(await latestTimestamp(ethers));
    const invoice = { ...sampleTradeDocuments({ sellerUscc: testUscc(4), buyerUscc: testUscc(2), total: 10_000_000n, today }).invoices[0], number: "12345" };
    await writeFile(join(dir, "bad-seed.json"), JSON.stringify({ invoices: [invoice] }));
    const error = await configErrorOf(startOracle(config({ seedFile: "bad-seed.json" }), { provider: ethers.provider }));
    expect(error.problems).to.deep.equal(['seed invoice "12345" has a malformed number or code']);
  });
});

/** The anvil binary itself (not the npm wrapper, which exits on SIGTERM without waiting for it), as scripts/check-networks.sh does. */
function anvilBinary(): string {
  const scoped = resolve("node_modules", "@foundry-rs");
  for (const entry of existsSync(scoped) ? readdirSync(scoped) : []) {
    const candidate = join(scoped, entry, "bin", "anvil");
    if (entry.startsWith("anvil-") && existsSync(candidate)) return candidate;
  }
  return resolve("node_modules", ".bin", "anvil");
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process with its output collected and its exit awaited. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.stdout += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString("utf8")));
  const exited = new Promise<Exit>((done) => child.on("exit", (code, signal) => done({ code, signal })));
  return { child, output, exited };
}

async function stopChild(child: ChildProcess | undefined, exited: Promise<Exit> | undefined): Promise<void> {
  if (child === undefined || exited === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, gaveUp: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    const reason = gaveUp();
    if (reason !== null) throw new Error(`${what}: ${reason}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe("oracle as a separate process (tsx src/oracle/main.ts) against an anvil node", function () {
  this.timeout(120_000);
  const tsxCli = resolve("node_modules", "tsx", "dist", "cli.mjs");
  const oracleKey = Wallet.createRandom();
  const documentKeySecret = hexlify(randomBytes(32));
  let anvil: ReturnType<typeof run> | undefined;
  let oracle: ReturnType<typeof run> | undefined;
  let rpcUrl: string;
  let provider: JsonRpcProvider;
  let ledgerAddress: string;
  let dir: string;

  before(async function () {
    if (!existsSync(tsxCli)) throw new Error(`tsx is not installed (${tsxCli}): the oracle cannot be run as a separate process`);
    dir = await mkdtemp(join(tmpdir(), "evoucher-oracle-process-"));
    const port = await freePort();
    rpcUrl = `http://127.0.0.1:${port}`;
    anvil = run(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--silent"], process.env);
    let anvilExit: Exit | null = null;
    void anvil.exited.then((exit) => (anvilExit = exit));
    await waitFor(
      "anvil did not answer eth_chainId",
      async () => {
        try {
          const response = await fetch(rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
            signal: AbortSignal.timeout(2_000),
          });
          return "result" in ((await response.json()) as object);
        } catch {
          return false;
        }
      },
      60_000,
      () => (anvilExit === null ? null : `anvil exited (${JSON.stringify(anvilExit)}): ${anvil!.output.stderr.slice(-2000)}`),
    );

    provider = new JsonRpcProvider(rpcUrl, Network.from(31337), { staticNetwork: true, polling: true, pollingInterval: 100 });
    const deployer = await provider.getSigner(0);
    const ledger = await new VoucherLedger__factory(deployer).deploy(deployer.address, DEFAULT_POLICY);
    await ledger.waitForDeployment();
    ledgerAddress = await ledger.getAddress();
    const registered = await ledger.registerMember(oracleKey.address, usccToBytes18(testUscc(++memberCounter)), MemberRole.Oracle, 0);
    await registered.wait();
    expect(await ledger.isActiveWith(oracleKey.address, MemberRole.Oracle)).to.equal(true);
  });

  after(async function () {
    await stopChild(oracle?.child, oracle?.exited);
    provider?.destroy();
    await stopChild(anvil?.child, anvil?.exited);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(name: string, port: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(
      path,
      JSON.stringify(
        {
          $comment: "written by test/oracle/service.test.ts",
          listen: { host: "127.0.0.1", port },
          chain: { rpcUrl, ledgerAddress, chainId: 31337 },
          signer: { privateKeyEnv: "EVOUCHER_ORACLE_KEY" },
          documentKeySecretEnv: "EVOUCHER_DOCUMENT_KEY_SECRET",
          database: { kind: "pglite", dataDir: "oracle-db" },
        },
        null,
        2,
      ),
    );
    return path;
  }

  function assertNoSecrets(text: string, secrets: string[]) {
    for (const secret of secrets) {
      expect(text.toLowerCase(), "the output holds a secret").to.not.include(secret.toLowerCase());
      expect(text.toLowerCase(), "the output holds a secret").to.not.include(secret.slice(2).toLowerCase());
    }
  }

  it("starts, answers /v1/health, and exits 0 on SIGTERM without printing a secret", async function () {
    const port = await freePort();
    const configPath = await writeConfig("oracle.json", port);
    oracle = run(process.execPath, [tsxCli, "src/oracle/main.ts", "--config", configPath], {
      ...process.env,
      EVOUCHER_ORACLE_KEY: oracleKey.privateKey,
      EVOUCHER_DOCUMENT_KEY_SECRET: documentKeySecret,
    });
    let exit: Exit | null = null;
    void oracle.exited.then((result) => (exit = result));
    await waitFor(
      "the oracle did not say it was listening",
      () => oracle!.output.stdout.includes("listening on"),
      90_000,
      () => (exit === null ? null : `it exited (${JSON.stringify(exit)}): ${oracle!.output.stderr.slice(-2000)}${oracle!.output.stdout.slice(-2000)}`),
    );
    expect(oracle.output.stdout).to.include(`oracle ${oracleKey.address} listening on http://127.0.0.1:${port}`);

    const response = await fetch(`http://127.0.0.1:${port}/v1/health`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({
      status: "ok",
      signer: oracleKey.address,
      chainId: "31337",
      ledgerAddress,
      attestationLifetimeSeconds: 3_600,
      requests: { attested: 0, refused: 0, rejected: 0 },
    });
    // A malformed request is refused and kept on the audit record; the process keeps serving.
    const refused = await fetch(`http://127.0.0.1:${port}/v1/attestations/issue`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal("BODY_NOT_JSON");
    const after = (await (await fetch(`http://127.0.0.1:${port}/v1/health`)).json()) as { requests: Record<string, number> };
    expect(after.requests).to.deep.equal({ attested: 0, refused: 0, rejected: 1 });

    oracle.child.kill("SIGTERM");
    const result = await oracle.exited;
    expect(result, `stderr: ${oracle.output.stderr.slice(-2000)}`).to.deep.equal({ code: 0, signal: null });
    assertNoSecrets(oracle.output.stdout + oracle.output.stderr, [oracleKey.privateKey, documentKeySecret]);
    // The database is where the config file says, relative to the config file's folder.
    expect(existsSync(join(dir, "oracle-db", "PG_VERSION"))).to.equal(true);
    await waitFor("the port was not released", async () => fetch(`http://127.0.0.1:${port}/v1/health`).then(() => false, () => true), 5_000);
  });

  it("exits 1 listing the configuration problems, without printing a secret", async function () {
    const configPath = await writeConfig("oracle-bad.json", await freePort());
    const shortSecret = "0x" + "3c".repeat(16);
    const failing = run(process.execPath, [tsxCli, "src/oracle/main.ts", "--config", configPath], {
      ...process.env,
      EVOUCHER_ORACLE_KEY: oracleKey.privateKey,
      EVOUCHER_DOCUMENT_KEY_SECRET: shortSecret,
    });
    let result: Exit;
    try {
      result = await Promise.race([
        failing.exited,
        new Promise<Exit>((_, reject) => setTimeout(() => reject(new Error("the oracle did not exit")), 90_000)),
      ]);
    } finally {
      await stopChild(failing.child, failing.exited);
    }
    expect(result).to.deep.equal({ code: 1, signal: null });
    expect(failing.output.stderr).to.include("The oracle configuration has 1 problem(s):");
    expect(failing.output.stderr).to.include("environment variable EVOUCHER_DOCUMENT_KEY_SECRET must be 0x-hex of at least 32 bytes");
    assertNoSecrets(failing.output.stdout + failing.output.stderr, [oracleKey.privateKey, shortSecret]);
  });
});
