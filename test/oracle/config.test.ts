/**
 * The oracle's configuration: defaults and paths, every problem reported at once (schema, addresses and
 * environment variables together), secrets that never print, keystores, unreadable files, and the
 * committed example config.
 */
import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inspect } from "node:util";
import { encryptKeystoreJson, getAddress, hexlify, randomBytes, Wallet } from "ethers";
import {
  loadOracleConfig,
  openSigner,
  ORACLE_CONFIG_DEFAULTS,
  OracleConfigError,
  resolveOracleConfig,
  Secret,
  type OracleConfig,
} from "../../src/oracle/config.js";

const LEDGER = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const PRIVATE_KEY = "0x" + "4c".repeat(32);
const SECRET = "0x" + "a7".repeat(32);

function configError(run: () => unknown): OracleConfigError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(OracleConfigError);
    return error as OracleConfigError;
  }
  throw new Error("expected an OracleConfigError");
}

async function configErrorOf(promise: Promise<unknown>): Promise<OracleConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(OracleConfigError);
    return error as OracleConfigError;
  }
  throw new Error("expected an OracleConfigError");
}

function minimalFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: { port: 0 },
    chain: { rpcUrl: "http://127.0.0.1:8545", ledgerAddress: LEDGER },
    signer: { privateKeyEnv: "ORACLE_KEY" },
    documentKeySecretEnv: "DOCUMENT_KEY_SECRET",
    database: { kind: "pglite-memory" },
    ...overrides,
  };
}

const ENV = { ORACLE_KEY: PRIVATE_KEY, DOCUMENT_KEY_SECRET: SECRET };

describe("oracle configuration", function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "evoucher-oracle-config-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  describe("resolveOracleConfig", function () {
    it("fills in the defaults, makes relative paths absolute and checksums the ledger address", function () {
      const config = resolveOracleConfig(
        minimalFile({
          database: { kind: "pglite", dataDir: "data/oracle-1" },
          seedFile: "../seeds/known.json",
          verifiers: { delivery: { kind: "http", url: "https://logistics.example.com/verify" } },
        }),
        ENV,
        "/srv/evoucher/config",
      );
      expect(config.listen).to.deep.equal({ host: "127.0.0.1", port: 0 });
      expect(config.chain).to.deep.equal({ rpcUrl: "http://127.0.0.1:8545", ledgerAddress: getAddress(LEDGER) });
      expect(config.chain.ledgerAddress).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
      expect(config.database).to.deep.equal({ kind: "pglite", dataDir: "/srv/evoucher/config/data/oracle-1" });
      expect(config.seedFile).to.equal("/srv/evoucher/seeds/known.json");
      expect(config.attestationLifetimeSeconds).to.equal(3_600);
      expect(config.utcOffsetMinutes).to.equal(480);
      expect(config.bodyLimitBytes).to.equal(262_144);
      expect(config.verifiers.invoices).to.deep.equal({ kind: "records" });
      expect(config.verifiers.delivery).to.deep.equal({
        kind: "http",
        url: "https://logistics.example.com/verify",
        timeoutMs: ORACLE_CONFIG_DEFAULTS.verifierTimeoutMs,
        tokenEnv: undefined,
      });
      expect("privateKey" in config.signer && config.signer.privateKey.reveal()).to.equal(PRIVATE_KEY);
      expect(hexlify(config.documentKeySecret.reveal())).to.equal(SECRET);
    });

    it("keeps the values that are given instead of the defaults", function () {
      const config = resolveOracleConfig(
        minimalFile({
          listen: { host: "0.0.0.0", port: 8601 },
          chain: { rpcUrl: "ws://node.example.com:8546", ledgerAddress: LEDGER, chainId: 1337 },
          attestationLifetimeSeconds: 600,
          utcOffsetMinutes: 0,
          bodyLimitBytes: 4096,
          verifiers: { invoices: { kind: "http", url: "http://127.0.0.1:9000/invoices", timeoutMs: 250, tokenEnv: "INVOICE_TOKEN" } },
        }),
        { ...ENV, INVOICE_TOKEN: "token-1" },
        "/srv",
      );
      expect(config.listen).to.deep.equal({ host: "0.0.0.0", port: 8601 });
      expect(config.chain.chainId).to.equal(1337);
      expect(config.attestationLifetimeSeconds).to.equal(600);
      expect(config.utcOffsetMinutes).to.equal(0);
      expect(config.bodyLimitBytes).to.equal(4096);
      expect(config.verifiers.invoices).to.deep.equal({ kind: "http", url: "http://127.0.0.1:9000/invoices", timeoutMs: 250, tokenEnv: "INVOICE_TOKEN" });
      expect(config.verifiers.delivery).to.deep.equal({ kind: "records" });
    });

    it("accepts $comment keys", function () {
      const config = resolveOracleConfig(
        minimalFile({ $comment: "local oracle", "$comment-database": "in memory for tests" }),
        ENV,
        "/srv",
      );
      expect(config.database).to.deep.equal({ kind: "pglite-memory" });
      expect(Object.keys(config)).to.not.include("$comment");
    });

    it("lists every problem at once: unknown field, wrong types, bad address and each environment variable", function () {
      const badKey = "not-a-hex-private-key-at-all-" + "z".repeat(20);
      const shortSecret = "0x" + "5e".repeat(16);
      const error = configError(() =>
        resolveOracleConfig(
          {
            listen: { port: "8601" },
            chain: { rpcUrl: "http://127.0.0.1:8545", ledgerAddress: "0x1234" },
            signer: { privateKeyEnv: "ORACLE_KEY" },
            documentKeySecretEnv: "DOCUMENT_KEY_SECRET",
            database: { kind: "postgres", urlEnv: "ORACLE_DATABASE_URL" },
            attestationLifetimeSeconds: "one hour",
            verifiers: { invoices: { kind: "http", url: "https://invoices.example.com/verify", tokenEnv: "INVOICE_TOKEN" } },
            listne: { port: 8601 },
          },
          { ORACLE_KEY: badKey, DOCUMENT_KEY_SECRET: shortSecret },
          "/srv",
        ),
      );
      expect(error.code).to.equal("ORACLE_CONFIG_INVALID");
      const problems = error.problems;
      expect(problems).to.include("(root) must NOT have additional properties: listne");
      expect(problems).to.include("/listen/port must be integer");
      expect(problems).to.include("/attestationLifetimeSeconds must be integer");
      expect(problems).to.include('/chain/ledgerAddress is not an address: "0x1234"');
      expect(problems).to.include("environment variable ORACLE_KEY is not a 32-byte 0x-hex private key");
      expect(problems).to.include("environment variable DOCUMENT_KEY_SECRET must be 0x-hex of at least 32 bytes");
      expect(problems).to.include("environment variable ORACLE_DATABASE_URL is not set");
      expect(problems).to.include("environment variable INVOICE_TOKEN is not set");
      expect(problems).to.have.length(8);
      expect(error.message).to.match(/^The oracle configuration has 8 problem\(s\):\n {2}- /);
      for (const problem of problems) expect(error.message).to.include(problem);
      // The values themselves are never echoed.
      expect(error.message).to.not.include(badKey);
      expect(error.message).to.not.include(shortSecret);
    });

    it("reports unset variables for the key, the secret and a keystore password by name", function () {
      const error = configError(() => resolveOracleConfig(minimalFile(), {}, "/srv"));
      expect(error.problems).to.deep.equal([
        "environment variable ORACLE_KEY is not set",
        "environment variable DOCUMENT_KEY_SECRET is not set",
      ]);
      const keystore = configError(() =>
        resolveOracleConfig(minimalFile({ signer: { keystoreFile: "keys/oracle.json", passwordEnv: "ORACLE_KEY_PASSWORD" } }), { DOCUMENT_KEY_SECRET: SECRET, ORACLE_KEY_PASSWORD: "" }, "/srv"),
      );
      expect(keystore.problems).to.deep.equal(["environment variable ORACLE_KEY_PASSWORD is not set"]);
    });

    it("refuses a private key of the wrong length and a secret of odd hex length", function () {
      const error = configError(() =>
        resolveOracleConfig(minimalFile(), { ORACLE_KEY: "0x" + "4c".repeat(31), DOCUMENT_KEY_SECRET: "0x" + "a".repeat(65) }, "/srv"),
      );
      expect(error.problems).to.deep.equal([
        "environment variable ORACLE_KEY is not a 32-byte 0x-hex private key",
        "environment variable DOCUMENT_KEY_SECRET must be 0x-hex of at least 32 bytes",
      ]);
    });

    it("names the allowed database kinds, and ill-formed variable names, without also calling them unset", function () {
      const error = configError(() =>
        resolveOracleConfig(minimalFile({ database: { kind: "sqlite" }, documentKeySecretEnv: "document-key" }), ENV, "/srv"),
      );
      expect(error.problems).to.include('/documentKeySecretEnv must match pattern "^[A-Z_][A-Z0-9_]*$"');
      expect(error.problems).to.include('/database/kind must be equal to constant: "pglite"');
      expect(error.problems).to.include('/database/kind must be equal to constant: "pglite-memory"');
      expect(error.problems).to.include('/database/kind must be equal to constant: "postgres"');
      expect(error.problems.some((problem) => problem.includes("document-key is not set"))).to.equal(false);
    });

    it("refuses a file that is not an object at all with one problem", function () {
      const error = configError(() => resolveOracleConfig([1, 2, 3], ENV, "/srv"));
      expect(error.problems).to.deep.equal(["(root) must be object"]);
    });
  });

  describe("secrets", function () {
    const databaseUrl = "postgres://oracle:pa55-w0rd-db@db.internal:5432/oracle";
    let config: OracleConfig;

    before(function () {
      config = resolveOracleConfig(
        minimalFile({ database: { kind: "postgres", urlEnv: "ORACLE_DATABASE_URL" } }),
        { ...ENV, ORACLE_DATABASE_URL: databaseUrl },
        "/srv",
      );
    });

    function assertNoSecretIn(text: string) {
      for (const secret of [PRIVATE_KEY, PRIVATE_KEY.slice(2), SECRET, SECRET.slice(2), "a7 a7 a7", "167, 167", "pa55-w0rd-db", databaseUrl]) {
        expect(text, `leaks ${secret}`).to.not.include(secret);
      }
    }

    it("never appear in JSON.stringify", function () {
      const json = JSON.stringify(config);
      assertNoSecretIn(json);
      const parsed = JSON.parse(json) as Record<string, unknown>;
      expect(parsed.signer).to.deep.equal({ privateKey: "[redacted]" });
      expect(parsed.documentKeySecret).to.equal("[redacted]");
      expect(parsed.database).to.deep.equal({ kind: "postgres", connectionString: "[redacted]" });
    });

    it("never appear in String() or template literals", function () {
      expect("privateKey" in config.signer).to.equal(true);
      const signer = config.signer as { privateKey: Secret<string> };
      expect(String(signer.privateKey)).to.equal("[redacted]");
      expect(`${config.documentKeySecret}`).to.equal("[redacted]");
      expect(String(config.database.kind === "postgres" && config.database.connectionString)).to.equal("[redacted]");
      assertNoSecretIn(String(config));
    });

    it("never appear in util.inspect, however deep", function () {
      const text = inspect(config, { depth: 10, showHidden: true });
      assertNoSecretIn(text);
      expect(text).to.include("[redacted]");
      expect(text).to.include("postgres");
      assertNoSecretIn(inspect({ nested: { deeper: config } }, { depth: 10 }));
    });

    it("are still available to the code that needs them", function () {
      const signer = config.signer as { privateKey: Secret<string> };
      expect(signer.privateKey.reveal()).to.equal(PRIVATE_KEY);
      expect(config.database.kind === "postgres" && config.database.connectionString.reveal()).to.equal(databaseUrl);
      expect(config.documentKeySecret.reveal()).to.have.length(32);
    });
  });

  describe("openSigner", function () {
    const password = "correct horse battery staple";
    const wallet = new Wallet(PRIVATE_KEY);

    before(async function () {
      // Low scrypt cost (N = 1024): the same format as a real keystore, decrypted in milliseconds.
      const keystore = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: 1024 } });
      await mkdir(join(dir, "keys"), { recursive: true });
      await writeFile(join(dir, "keys", "oracle.json"), keystore);
    });

    function keystoreConfig(passwordValue: string, keystoreFile = "keys/oracle.json"): OracleConfig {
      return resolveOracleConfig(
        minimalFile({ signer: { keystoreFile, passwordEnv: "ORACLE_KEY_PASSWORD" } }),
        { DOCUMENT_KEY_SECRET: SECRET, ORACLE_KEY_PASSWORD: passwordValue },
        dir,
      );
    }

    it("returns the wallet of a private key from the environment", async function () {
      const signer = await openSigner(resolveOracleConfig(minimalFile(), ENV, "/srv"));
      expect(signer.address).to.equal(wallet.address);
    });

    it("decrypts a keystore found relative to the config file's folder with the right password", async function () {
      const config = keystoreConfig(password);
      expect("keystoreFile" in config.signer && config.signer.keystoreFile).to.equal(join(dir, "keys", "oracle.json"));
      const signer = await openSigner(config);
      expect(signer.address).to.equal(wallet.address);
      expect(signer.privateKey).to.equal(PRIVATE_KEY);
      assertNoPassword(inspect(config, { depth: 10 }));
      assertNoPassword(JSON.stringify(config));
    });

    it("refuses a wrong password with a clear sentence", async function () {
      const error = await configErrorOf(openSigner(keystoreConfig("wrong password")));
      expect(error.problems).to.deep.equal([`keystore ${join(dir, "keys", "oracle.json")} could not be decrypted: incorrect password`]);
      expect(error.message).to.not.include("wrong password");
    });

    it("refuses a keystore file that does not exist, naming it", async function () {
      const error = await configErrorOf(openSigner(keystoreConfig(password, "keys/missing.json")));
      expect(error.problems).to.have.length(1);
      expect(error.problems[0]).to.match(new RegExp(`^keystore ${escapeRegExp(join(dir, "keys", "missing.json"))} could not be read: ENOENT`));
    });

    function assertNoPassword(text: string) {
      expect(text).to.not.include(password);
      expect(text).to.include("[redacted]");
    }
  });

  describe("loadOracleConfig", function () {
    it("refuses a file that is not JSON with one problem naming the file", async function () {
      const path = join(dir, "broken.json");
      await writeFile(path, '{ "listen": { "port": 8601 }, oops }');
      const error = await configErrorOf(loadOracleConfig(path, ENV));
      expect(error.problems).to.have.length(1);
      expect(error.problems[0]).to.match(new RegExp(`^${escapeRegExp(path)} could not be read as JSON: `));
    });

    it("refuses a file that does not exist with one problem naming the file", async function () {
      const path = join(dir, "absent.json");
      const error = await configErrorOf(loadOracleConfig(path, ENV));
      expect(error.problems).to.have.length(1);
      expect(error.problems[0]).to.include(path);
      expect(error.problems[0]).to.include("ENOENT");
    });

    it("resolves relative paths from the file's folder", async function () {
      await mkdir(join(dir, "conf"), { recursive: true });
      const path = join(dir, "conf", "oracle.json");
      await writeFile(path, JSON.stringify(minimalFile({ database: { kind: "pglite", dataDir: "../data/oracle-2" }, seedFile: "seed.json" })));
      const config = await loadOracleConfig(path, ENV);
      expect(config.database).to.deep.equal({ kind: "pglite", dataDir: join(dir, "data", "oracle-2") });
      expect(config.seedFile).to.equal(join(dir, "conf", "seed.json"));
    });
  });

  describe("config/oracle.example.json", function () {
    const examplePath = resolve("config", "oracle.example.json");
    const exampleEnv = {
      EVOUCHER_ORACLE_KEY: hexlify(randomBytes(32)),
      EVOUCHER_DOCUMENT_KEY_SECRET: hexlify(randomBytes(32)),
    };

    it("parses with the environment variables it names", async function () {
      const raw = JSON.parse(await readFile(examplePath, "utf8")) as Record<string, unknown>;
      const config = resolveOracleConfig(raw, exampleEnv, resolve("config"));
      expect(config.listen).to.deep.equal({ host: "127.0.0.1", port: 8601 });
      expect(config.chain.rpcUrl).to.equal("http://127.0.0.1:8545");
      expect(config.chain.ledgerAddress).to.equal(getAddress(config.chain.ledgerAddress));
      expect(config.database).to.deep.equal({ kind: "pglite", dataDir: resolve("data", "oracle-1") });
      expect(config.verifiers).to.deep.equal({ invoices: { kind: "records" }, delivery: { kind: "records" } });
      expect(Object.keys(raw).filter((key) => key.startsWith("$")).length).to.be.greaterThan(3);
      expect(raw.signer).to.deep.equal({ privateKeyEnv: "EVOUCHER_ORACLE_KEY" });
      expect(raw.documentKeySecretEnv).to.equal("EVOUCHER_DOCUMENT_KEY_SECRET");

      // The same through loadOracleConfig, which resolves paths from the file's own folder.
      const loaded = await loadOracleConfig(examplePath, exampleEnv);
      expect(loaded.database).to.deep.equal(config.database);
    });

    it("names its variables when they are missing", async function () {
      const error = await configErrorOf(loadOracleConfig(examplePath, {}));
      expect(error.problems).to.deep.equal([
        "environment variable EVOUCHER_ORACLE_KEY is not set",
        "environment variable EVOUCHER_DOCUMENT_KEY_SECRET is not set",
      ]);
    });

    it("switches to PostgreSQL and HTTP verifiers as its comments describe", async function () {
      const raw = JSON.parse(await readFile(examplePath, "utf8")) as Record<string, unknown>;
      const comments = Object.entries(raw)
        .filter(([key]) => key.startsWith("$"))
        .map(([, text]) => String(text))
        .join("\n");
      expect(comments).to.include('{ "kind": "postgres", "urlEnv": "EVOUCHER_ORACLE_DATABASE_URL" }');
      expect(comments).to.include('"kind": "http"');
      const switched = {
        ...raw,
        database: { kind: "postgres", urlEnv: "EVOUCHER_ORACLE_DATABASE_URL" },
        verifiers: {
          invoices: { kind: "http", url: "https://invoice-check.example.com/v1/verify", timeoutMs: 5000, tokenEnv: "EVOUCHER_INVOICE_SERVICE_TOKEN" },
          delivery: { kind: "http", url: "https://logistics.example.com/v1/verify" },
        },
      };
      const config = resolveOracleConfig(
        switched,
        { ...exampleEnv, EVOUCHER_ORACLE_DATABASE_URL: "postgres://oracle:secret@127.0.0.1:5432/oracle", EVOUCHER_INVOICE_SERVICE_TOKEN: "t0ken" },
        resolve("config"),
      );
      expect(config.database.kind).to.equal("postgres");
      expect(config.verifiers.invoices).to.deep.include({ kind: "http", timeoutMs: 5000, tokenEnv: "EVOUCHER_INVOICE_SERVICE_TOKEN" });
      expect(config.verifiers.delivery).to.deep.include({ kind: "http", timeoutMs: 5000 });
      const missing = configError(() => resolveOracleConfig(switched, exampleEnv, resolve("config")));
      expect(missing.problems).to.deep.equal([
        "environment variable EVOUCHER_ORACLE_DATABASE_URL is not set",
        "environment variable EVOUCHER_INVOICE_SERVICE_TOKEN is not set",
      ]);
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
