/**
 * What the services' configuration files share: the schema fragments for environment-variable names, the
 * chain and the database, and the reading of a file into "every problem at once" lists. Secrets never sit in
 * a file: it names the environment variables that hold them.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { DatabaseConfig } from "../storage/sqlClient.js";
import { Secret } from "./secret.js";

export const envNameSchema = { type: "string", pattern: "^[A-Z_][A-Z0-9_]*$" } as const;
export const ENV_NAME = new RegExp(envNameSchema.pattern);

export const chainSchema = {
  type: "object",
  additionalProperties: false,
  required: ["rpcUrl", "ledgerAddress"],
  properties: {
    rpcUrl: { type: "string", pattern: "^(https?|wss?)://" },
    ledgerAddress: { type: "string" },
    chainId: { type: "integer", minimum: 1 },
  },
} as const;

export const databaseSchema = {
  oneOf: [
    {
      type: "object",
      additionalProperties: false,
      required: ["kind", "dataDir"],
      properties: { kind: { const: "pglite" }, dataDir: { type: "string", minLength: 1 } },
    },
    { type: "object", additionalProperties: false, required: ["kind"], properties: { kind: { const: "pglite-memory" } } },
    { type: "object", additionalProperties: false, required: ["kind", "urlEnv"], properties: { kind: { const: "postgres" }, urlEnv: envNameSchema } },
  ],
} as const;

export type DatabaseFileConfig = { kind: "pglite"; dataDir: string } | { kind: "pglite-memory" } | { kind: "postgres"; urlEnv: string };
export type ResolvedDatabaseConfig = Exclude<DatabaseConfig, { kind: "postgres" }> | { kind: "postgres"; connectionString: Secret<string> };

/** Every problem of a service's configuration, listed in one error (the caller names the service). */
export class ConfigProblemsError extends Error {
  constructor(
    readonly code: string,
    service: string,
    readonly problems: string[],
  ) {
    super(`The ${service} configuration has ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** The schema's complaints, one line each, naming the place in the file. */
export function schemaProblems(validate: ValidateFunction, raw: unknown): string[] {
  if (validate(raw)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || "(root)"} ${error.message}${paramsNote(error.params)}`);
}

/** The object at `value`, or an empty one: lets the checks after the schema go as far as the file's shape allows. */
export function section(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Reads the environment variable a file names, pushing a problem when it is unset. An ill-formed name is a
 * schema problem, reported there, and reads as "".
 */
export function requiredEnv(env: NodeJS.ProcessEnv, name: unknown, problems: string[]): string {
  if (typeof name !== "string" || !ENV_NAME.test(name)) return "";
  const value = env[name];
  if (value === undefined || value === "") problems.push(`environment variable ${name} is not set`);
  return value ?? "";
}

/** The database section with paths absolute and the connection string (read from the environment) wrapped. */
export function resolveDatabase(file: DatabaseFileConfig, connectionString: string, baseDir: string): ResolvedDatabaseConfig {
  if (file.kind === "postgres") return { kind: "postgres", connectionString: new Secret(connectionString) };
  if (file.kind === "pglite") return { kind: "pglite", dataDir: resolve(baseDir, file.dataDir) };
  return { kind: "pglite-memory" };
}

/** What `openSqlClient` takes: the secret revealed at the last moment. */
export function databaseToOpen(database: ResolvedDatabaseConfig): DatabaseConfig {
  return database.kind === "postgres" ? { kind: "postgres", connectionString: database.connectionString.reveal() } : database;
}

/** Parses a JSON file; a missing or non-JSON file becomes the one problem reported. */
export async function readJsonFile(path: string, fail: (problems: string[]) => Error): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw fail([`${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

function paramsNote(params: Record<string, unknown>): string {
  if ("additionalProperty" in params) return `: ${String(params.additionalProperty)}`;
  if ("allowedValues" in params) return `: ${(params.allowedValues as unknown[]).join(", ")}`;
  if ("allowedValue" in params) return `: ${JSON.stringify(params.allowedValue)}`;
  return "";
}
