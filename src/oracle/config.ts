/**
 * The oracle's configuration: a declared JSON Schema, validated at start-up with every problem reported
 * at once. Secrets are never in the file: the file names the environment variables that hold them, and
 * the resolved values are wrapped in `Secret` so that no log line or JSON dump can print them.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { inspect } from "node:util";
import { Ajv } from "ajv";
import { Wallet, getAddress, isAddress, isHexString } from "ethers";
import { MIN_SECRET_BYTES } from "./keyedHash.js";
import type { DatabaseConfig } from "../storage/sqlClient.js";
import type { HttpVerifierConfig } from "./verifiers/httpVerifiers.js";

const envName = { type: "string", pattern: "^[A-Z_][A-Z0-9_]*$" } as const;
const ENV_NAME = new RegExp(envName.pattern);
const verifierSchema = {
  oneOf: [
    { type: "object", additionalProperties: false, required: ["kind"], properties: { kind: { const: "records" } } },
    {
      type: "object",
      additionalProperties: false,
      required: ["kind", "url"],
      properties: {
        kind: { const: "http" },
        url: { type: "string", pattern: "^https?://" },
        timeoutMs: { type: "integer", minimum: 100, maximum: 60_000 },
        tokenEnv: envName,
      },
    },
  ],
} as const;

export const ORACLE_CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["listen", "chain", "signer", "documentKeySecretEnv", "database"],
  patternProperties: { "^\\$": {} },
  properties: {
    listen: {
      type: "object",
      additionalProperties: false,
      required: ["port"],
      properties: { host: { type: "string", minLength: 1 }, port: { type: "integer", minimum: 0, maximum: 65535 } },
    },
    chain: {
      type: "object",
      additionalProperties: false,
      required: ["rpcUrl", "ledgerAddress"],
      properties: {
        rpcUrl: { type: "string", pattern: "^(https?|wss?)://" },
        ledgerAddress: { type: "string" },
        chainId: { type: "integer", minimum: 1 },
      },
    },
    signer: {
      oneOf: [
        { type: "object", additionalProperties: false, required: ["privateKeyEnv"], properties: { privateKeyEnv: envName } },
        {
          type: "object",
          additionalProperties: false,
          required: ["keystoreFile", "passwordEnv"],
          properties: { keystoreFile: { type: "string", minLength: 1 }, passwordEnv: envName },
        },
      ],
    },
    documentKeySecretEnv: envName,
    database: {
      oneOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["kind", "dataDir"],
          properties: { kind: { const: "pglite" }, dataDir: { type: "string", minLength: 1 } },
        },
        { type: "object", additionalProperties: false, required: ["kind"], properties: { kind: { const: "pglite-memory" } } },
        { type: "object", additionalProperties: false, required: ["kind", "urlEnv"], properties: { kind: { const: "postgres" }, urlEnv: envName } },
      ],
    },
    attestationLifetimeSeconds: { type: "integer", minimum: 60, maximum: 86_400 },
    utcOffsetMinutes: { type: "integer", minimum: -720, maximum: 840 },
    bodyLimitBytes: { type: "integer", minimum: 1024, maximum: 4_194_304 },
    verifiers: {
      type: "object",
      additionalProperties: false,
      properties: { invoices: verifierSchema, delivery: verifierSchema },
    },
    seedFile: { type: "string", minLength: 1 },
  },
} as const;

type VerifierFileConfig = { kind: "records" } | ({ kind: "http" } & Partial<HttpVerifierConfig> & { url: string });

/** The config file as written. */
export interface OracleConfigFile {
  listen: { host?: string; port: number };
  chain: { rpcUrl: string; ledgerAddress: string; chainId?: number };
  signer: { privateKeyEnv: string } | { keystoreFile: string; passwordEnv: string };
  documentKeySecretEnv: string;
  database: { kind: "pglite"; dataDir: string } | { kind: "pglite-memory" } | { kind: "postgres"; urlEnv: string };
  attestationLifetimeSeconds?: number;
  utcOffsetMinutes?: number;
  bodyLimitBytes?: number;
  verifiers?: { invoices?: VerifierFileConfig; delivery?: VerifierFileConfig };
  seedFile?: string;
}

/** A value that prints as "[redacted]" everywhere: logs, JSON, util.inspect. */
export class Secret<T> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return "[redacted]";
  }
  toString(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "[redacted]";
  }
}

/** The configuration the service runs with: defaults filled in, paths absolute, secrets read. */
export interface OracleConfig {
  listen: { host: string; port: number };
  chain: { rpcUrl: string; ledgerAddress: string; chainId?: number };
  signer: { privateKey: Secret<string> } | { keystoreFile: string; password: Secret<string> };
  documentKeySecret: Secret<Uint8Array>;
  database: Exclude<DatabaseConfig, { kind: "postgres" }> | { kind: "postgres"; connectionString: Secret<string> };
  attestationLifetimeSeconds: number;
  utcOffsetMinutes: number;
  bodyLimitBytes: number;
  verifiers: { invoices: VerifierConfig; delivery: VerifierConfig };
  seedFile?: string;
}

export type VerifierConfig = { kind: "records" } | ({ kind: "http" } & HttpVerifierConfig);

export const ORACLE_CONFIG_DEFAULTS = {
  host: "127.0.0.1",
  attestationLifetimeSeconds: 3_600,
  utcOffsetMinutes: 480,
  bodyLimitBytes: 262_144,
  verifierTimeoutMs: 5_000,
} as const;

export class OracleConfigError extends Error {
  readonly code = "ORACLE_CONFIG_INVALID";
  constructor(readonly problems: string[]) {
    super(`The oracle configuration has ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

const validateFile = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ORACLE_CONFIG_SCHEMA);

/**
 * Validates a parsed config file against the schema and the environment; returns the resolved config or
 * throws `OracleConfigError` listing every problem. `baseDir` resolves relative paths (the file's folder).
 */
export function resolveOracleConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string): OracleConfig {
  const problems: string[] = validateFile(raw)
    ? []
    : (validateFile.errors ?? []).map((error) => `${error.instancePath || "(root)"} ${error.message}${paramsNote(error.params)}`);
  // The addresses and environment variables are checked even when the file breaks the schema, as far as
  // its shape allows, so that one run lists every problem.
  const section = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const fileSections = section(raw);
  const required = (name: unknown): string => {
    if (typeof name !== "string" || !ENV_NAME.test(name)) return ""; // an ill-formed name is a schema problem, reported above
    const value = env[name];
    if (value === undefined || value === "") problems.push(`environment variable ${name} is not set`);
    return value ?? "";
  };

  const ledgerAddress = section(fileSections.chain).ledgerAddress;
  if (typeof ledgerAddress === "string" && !isAddress(ledgerAddress)) problems.push(`/chain/ledgerAddress is not an address: ${JSON.stringify(ledgerAddress)}`);

  const signerSection = section(fileSections.signer);
  let signerText: string;
  if ("privateKeyEnv" in signerSection) {
    signerText = required(signerSection.privateKeyEnv);
    if (signerText !== "" && !isHexString(signerText, 32)) problems.push(`environment variable ${signerSection.privateKeyEnv} is not a 32-byte 0x-hex private key`);
  } else {
    signerText = required(signerSection.passwordEnv);
  }

  const secretText = required(fileSections.documentKeySecretEnv);
  if (secretText !== "" && !(isHexString(secretText, true) && (secretText.length - 2) / 2 >= MIN_SECRET_BYTES)) {
    problems.push(`environment variable ${fileSections.documentKeySecretEnv} must be 0x-hex of at least ${MIN_SECRET_BYTES} bytes`);
  }

  const databaseSection = section(fileSections.database);
  const databaseUrl = databaseSection.kind === "postgres" ? required(databaseSection.urlEnv) : "";

  // A verifier that needs a token would answer every request 401: an outage from the first request on.
  for (const verifier of Object.values(section(fileSections.verifiers))) {
    const verifierSection = section(verifier);
    if (verifierSection.kind === "http" && verifierSection.tokenEnv !== undefined) required(verifierSection.tokenEnv);
  }

  if (problems.length > 0) throw new OracleConfigError(problems);
  const file = raw as OracleConfigFile;
  const signer: OracleConfig["signer"] =
    "privateKeyEnv" in file.signer ? { privateKey: new Secret(signerText) } : { keystoreFile: resolve(baseDir, file.signer.keystoreFile), password: new Secret(signerText) };
  let database: OracleConfig["database"];
  if (file.database.kind === "postgres") database = { kind: "postgres", connectionString: new Secret(databaseUrl) };
  else if (file.database.kind === "pglite") database = { kind: "pglite", dataDir: resolve(baseDir, file.database.dataDir) };
  else database = { kind: "pglite-memory" };

  return {
    listen: { host: file.listen.host ?? ORACLE_CONFIG_DEFAULTS.host, port: file.listen.port },
    chain: { ...file.chain, ledgerAddress: getAddress(file.chain.ledgerAddress) },
    signer,
    documentKeySecret: new Secret(Buffer.from(secretText.slice(2), "hex")),
    database,
    attestationLifetimeSeconds: file.attestationLifetimeSeconds ?? ORACLE_CONFIG_DEFAULTS.attestationLifetimeSeconds,
    utcOffsetMinutes: file.utcOffsetMinutes ?? ORACLE_CONFIG_DEFAULTS.utcOffsetMinutes,
    bodyLimitBytes: file.bodyLimitBytes ?? ORACLE_CONFIG_DEFAULTS.bodyLimitBytes,
    verifiers: { invoices: verifierConfig(file.verifiers?.invoices), delivery: verifierConfig(file.verifiers?.delivery) },
    seedFile: file.seedFile === undefined ? undefined : resolve(baseDir, file.seedFile),
  };
}

/** Reads and resolves a config file; a file that is not JSON is one more reported problem. */
export async function loadOracleConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<OracleConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new OracleConfigError([`${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return resolveOracleConfig(raw, env, dirname(resolve(path)));
}

/** The signing wallet: from the environment, or decrypted from a keystore (scrypt; takes a second). */
export async function openSigner(config: OracleConfig): Promise<Wallet> {
  if ("privateKey" in config.signer) return new Wallet(config.signer.privateKey.reveal());
  const { keystoreFile, password } = config.signer;
  const keystore = await readFile(keystoreFile, "utf8").catch((error: Error) => {
    throw new OracleConfigError([`keystore ${keystoreFile} could not be read: ${error.message}`]);
  });
  try {
    const wallet = await Wallet.fromEncryptedJson(keystore, password.reveal());
    return new Wallet(wallet.privateKey);
  } catch (error) {
    throw new OracleConfigError([`keystore ${keystoreFile} could not be decrypted: ${(error as Error).message.split(" (")[0]}`]);
  }
}

function verifierConfig(file: VerifierFileConfig | undefined): VerifierConfig {
  if (file === undefined || file.kind === "records") return { kind: "records" };
  return { kind: "http", url: file.url, timeoutMs: file.timeoutMs ?? ORACLE_CONFIG_DEFAULTS.verifierTimeoutMs, tokenEnv: file.tokenEnv };
}

function paramsNote(params: Record<string, unknown>): string {
  if ("additionalProperty" in params) return `: ${String(params.additionalProperty)}`;
  if ("allowedValues" in params) return `: ${(params.allowedValues as unknown[]).join(", ")}`;
  if ("allowedValue" in params) return `: ${JSON.stringify(params.allowedValue)}`;
  return "";
}
