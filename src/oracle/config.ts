/**
 * The oracle's configuration: a declared JSON Schema, validated at start-up with every problem reported
 * at once. Secrets are never in the file: the file names the environment variables that hold them, and
 * the resolved values are wrapped in `Secret` so that no log line or JSON dump can print them.
 */
import { dirname, resolve } from "node:path";
import { Ajv } from "ajv";
import { Wallet, getAddress, isAddress, isHexString } from "ethers";
import {
  ConfigProblemsError,
  chainSchema,
  databaseSchema,
  envNameSchema as envName,
  readJsonFile,
  requiredEnv,
  resolveDatabase,
  schemaProblems,
  section,
  type DatabaseFileConfig,
  type ResolvedDatabaseConfig,
} from "../config/configFile.js";
import { Secret } from "../config/secret.js";
import { openWallet, resolveSigner, signerSchema, type SignerConfig, type SignerFileConfig } from "../config/signerConfig.js";
import { MIN_SECRET_BYTES } from "./keyedHash.js";
import type { HttpVerifierConfig } from "./verifiers/httpVerifiers.js";

export { Secret };
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
    chain: chainSchema,
    signer: signerSchema,
    documentKeySecretEnv: envName,
    database: databaseSchema,
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
  signer: SignerFileConfig;
  documentKeySecretEnv: string;
  database: DatabaseFileConfig;
  attestationLifetimeSeconds?: number;
  utcOffsetMinutes?: number;
  bodyLimitBytes?: number;
  verifiers?: { invoices?: VerifierFileConfig; delivery?: VerifierFileConfig };
  seedFile?: string;
}

/** The configuration the service runs with: defaults filled in, paths absolute, secrets read. */
export interface OracleConfig {
  listen: { host: string; port: number };
  chain: { rpcUrl: string; ledgerAddress: string; chainId?: number };
  signer: SignerConfig;
  documentKeySecret: Secret<Uint8Array>;
  database: ResolvedDatabaseConfig;
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

export class OracleConfigError extends ConfigProblemsError {
  declare readonly code: "ORACLE_CONFIG_INVALID";
  constructor(problems: string[]) {
    super("ORACLE_CONFIG_INVALID", "oracle", problems);
  }
}

const validateFile = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ORACLE_CONFIG_SCHEMA);

/**
 * Validates a parsed config file against the schema and the environment; returns the resolved config or
 * throws `OracleConfigError` listing every problem. `baseDir` resolves relative paths (the file's folder).
 */
export function resolveOracleConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string): OracleConfig {
  const problems = schemaProblems(validateFile, raw);
  // The addresses and environment variables are checked even when the file breaks the schema, as far as
  // its shape allows, so that one run lists every problem.
  const fileSections = section(raw);
  const required = (name: unknown): string => requiredEnv(env, name, problems);

  const ledgerAddress = section(fileSections.chain).ledgerAddress;
  if (typeof ledgerAddress === "string" && !isAddress(ledgerAddress)) problems.push(`/chain/ledgerAddress is not an address: ${JSON.stringify(ledgerAddress)}`);

  const signer = resolveSigner(fileSections.signer, env, baseDir, problems);

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
  const database = resolveDatabase(file.database, databaseUrl, baseDir);

  return {
    listen: { host: file.listen.host ?? ORACLE_CONFIG_DEFAULTS.host, port: file.listen.port },
    chain: { ...file.chain, ledgerAddress: getAddress(file.chain.ledgerAddress) },
    signer: signer!,
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
  const raw = await readJsonFile(path, (problems) => new OracleConfigError(problems));
  return resolveOracleConfig(raw, env, dirname(resolve(path)));
}

/** The signing wallet: from the environment, or decrypted from a keystore (scrypt; takes a second). */
export function openSigner(config: OracleConfig): Promise<Wallet> {
  return openWallet(config.signer, (problems) => new OracleConfigError(problems));
}

function verifierConfig(file: VerifierFileConfig | undefined): VerifierConfig {
  if (file === undefined || file.kind === "records") return { kind: "records" };
  return { kind: "http", url: file.url, timeoutMs: file.timeoutMs ?? ORACLE_CONFIG_DEFAULTS.verifierTimeoutMs, tokenEnv: file.tokenEnv };
}

