/**
 * The clearing engine's configuration: a declared JSON Schema, validated at start-up with every problem
 * reported at once. One engine serves the clearing banks listed under `banks`: for each, the host-to-host
 * directories it exchanges files through and the bank's signing key, with which it confirms settlement and
 * marks overdue vouchers on-chain. Keys are never in the file: it names the environment variables.
 */
import { dirname, resolve } from "node:path";
import { Ajv } from "ajv";
import { getAddress, isAddress } from "ethers";
import {
  ConfigProblemsError,
  chainSchema,
  databaseSchema,
  readJsonFile,
  requiredEnv,
  resolveDatabase,
  schemaProblems,
  section,
  type DatabaseFileConfig,
  type ResolvedDatabaseConfig,
} from "../config/configFile.js";
import { resolveSigner, signerSchema, type SignerConfig, type SignerFileConfig } from "../config/signerConfig.js";

const directorySchema = { type: "string", minLength: 1 } as const;

export const CLEARING_CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["chain", "database", "memberDirectoryFile", "banks"],
  patternProperties: { "^\\$": {} },
  properties: {
    chain: chainSchema,
    database: databaseSchema,
    memberDirectoryFile: { type: "string", minLength: 1 },
    banks: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["account", "outbox", "inbox", "archive", "signer"],
        properties: { account: { type: "string" }, outbox: directorySchema, inbox: directorySchema, archive: directorySchema, signer: signerSchema },
      },
    },
    tickIntervalSeconds: { type: "number", minimum: 0.05, maximum: 3600 },
    retryAfterSeconds: { type: "integer", minimum: 0, maximum: 30 * 86_400 },
    utcOffsetMinutes: { type: "integer", minimum: -720, maximum: 840 },
  },
} as const;

export interface ClearingConfigFile {
  chain: { rpcUrl: string; ledgerAddress: string; chainId?: number };
  database: DatabaseFileConfig;
  memberDirectoryFile: string;
  banks: Array<{ account: string; outbox: string; inbox: string; archive: string; signer: SignerFileConfig }>;
  tickIntervalSeconds?: number;
  retryAfterSeconds?: number;
  utcOffsetMinutes?: number;
}

export interface ClearingBankConfig {
  /** Checksummed address of the clearing bank's member account. */
  account: string;
  directories: { outbox: string; inbox: string; archive: string };
  signer: SignerConfig;
}

/** The configuration the engine runs with: defaults filled in, paths absolute, keys read. */
export interface ClearingConfig {
  chain: { rpcUrl: string; ledgerAddress: string; chainId?: number };
  database: ResolvedDatabaseConfig;
  memberDirectoryFile: string;
  banks: ClearingBankConfig[];
  tickIntervalSeconds: number;
  retryAfterSeconds: number;
  utcOffsetMinutes: number;
}

export const CLEARING_CONFIG_DEFAULTS = { tickIntervalSeconds: 5, retryAfterSeconds: 86_400, utcOffsetMinutes: 480 } as const;

export class ClearingConfigError extends ConfigProblemsError {
  declare readonly code: "CLEARING_CONFIG_INVALID";
  constructor(problems: string[]) {
    super("CLEARING_CONFIG_INVALID", "clearing", problems);
  }
}

const validateFile = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(CLEARING_CONFIG_SCHEMA);

/** Validates a parsed file and the environment; returns the resolved config or throws listing every problem. */
export function resolveClearingConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string): ClearingConfig {
  const problems = schemaProblems(validateFile, raw);
  const file = section(raw);

  const ledgerAddress = section(file.chain).ledgerAddress;
  if (typeof ledgerAddress === "string" && !isAddress(ledgerAddress)) problems.push(`/chain/ledgerAddress is not an address: ${JSON.stringify(ledgerAddress)}`);

  const databaseSection = section(file.database);
  const databaseUrl = databaseSection.kind === "postgres" ? requiredEnv(env, databaseSection.urlEnv, problems) : "";

  const banks: ClearingBankConfig[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of (Array.isArray(file.banks) ? file.banks : []).entries()) {
    const bank = section(entry);
    const signer = resolveSigner(bank.signer, env, baseDir, problems);
    if (typeof bank.account === "string" && !isAddress(bank.account)) {
      problems.push(`/banks/${index}/account is not an address: ${JSON.stringify(bank.account)}`);
      continue;
    }
    if (typeof bank.account !== "string") continue; // a schema problem, reported above
    const account = getAddress(bank.account);
    if (seen.has(account)) problems.push(`/banks/${index}/account ${account} is listed twice`);
    seen.add(account);
    const directory = (name: string) => resolve(baseDir, String(bank[name]));
    if (signer !== undefined) banks.push({ account, signer, directories: { outbox: directory("outbox"), inbox: directory("inbox"), archive: directory("archive") } });
  }

  if (problems.length > 0) throw new ClearingConfigError(problems);
  const valid = raw as ClearingConfigFile;
  return {
    chain: { ...valid.chain, ledgerAddress: getAddress(valid.chain.ledgerAddress) },
    database: resolveDatabase(valid.database, databaseUrl, baseDir),
    memberDirectoryFile: resolve(baseDir, valid.memberDirectoryFile),
    banks,
    tickIntervalSeconds: valid.tickIntervalSeconds ?? CLEARING_CONFIG_DEFAULTS.tickIntervalSeconds,
    retryAfterSeconds: valid.retryAfterSeconds ?? CLEARING_CONFIG_DEFAULTS.retryAfterSeconds,
    utcOffsetMinutes: valid.utcOffsetMinutes ?? CLEARING_CONFIG_DEFAULTS.utcOffsetMinutes,
  };
}

/** Reads and resolves a config file; relative paths are taken from the file's folder. */
export async function loadClearingConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<ClearingConfig> {
  const raw = await readJsonFile(path, (problems) => new ClearingConfigError(problems));
  return resolveClearingConfig(raw, env, dirname(resolve(path)));
}
