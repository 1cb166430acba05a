/**
 * Runs one oracle: `tsx src/oracle/main.ts --config config/oracle.example.json`.
 * Secrets come from the environment variables the config names; nothing secret is ever printed.
 */
import { parseArgs } from "node:util";
import { loadOracleConfig, OracleConfigError } from "./config.js";
import { startOracle } from "./service.js";

const { values } = parseArgs({ options: { config: { type: "string", short: "c" } } });
if (values.config === undefined) {
  console.error("usage: main.ts --config <oracle config JSON>");
  process.exit(2);
}

try {
  const config = await loadOracleConfig(values.config);
  const oracle = await startOracle(config, { logger: { level: "info" } });
  console.log(`oracle ${oracle.signer} listening on ${oracle.url}`);
  const stop = async () => {
    await oracle.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof OracleConfigError ? error.message : `oracle failed to start: ${(error as Error).message}`);
  process.exit(1);
}
