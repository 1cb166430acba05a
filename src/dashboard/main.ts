/**
 * Runs the dashboard on its own:
 * `npm run dashboard -- --rpc http://127.0.0.1:8545 --ledger 0x… [--consortium config/consortium.example.json] [--port 8080]`.
 * Member names come from the consortium config when given. Exit codes as the auditor's: 2 bad usage or
 * config, 3 node unreachable or not a ledger.
 */
import { readFile } from "node:fs/promises";
import { Command, CommanderError, Option } from "commander";
import { parseAddress, parseRpcUrl, UsageError } from "../audit/cliOptions.js";
import { NotALedgerError } from "../audit/probe.js";
import { NodeUnreachableError, RpcError } from "../audit/rpc.js";
import { ConsortiumConfigError, parseConsortiumConfig } from "../deploy/consortiumConfig.js";
import { namesFromPlan } from "./names.js";
import { startDashboard } from "./server.js";

function parsePort(value: string): number {
  const port = /^(0|[1-9][0-9]*)$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65_535)) throw new UsageError(`--port: expected 0 (any free port) to 65535, got ${JSON.stringify(value)}.`);
  return port;
}

interface Options {
  rpc: string;
  ledger: string;
  consortium?: string;
  host: string;
  port: number;
}

async function namesFrom(file: string | undefined): Promise<Map<string, string> | undefined> {
  if (file === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--consortium: cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  try {
    return namesFromPlan(parseConsortiumConfig(raw));
  } catch (error) {
    if (error instanceof ConsortiumConfigError) throw new UsageError(`--consortium ${file}: ${error.message}`);
    throw error;
  }
}

const program = new Command("dashboard")
  .description("Serve the e-voucher web dashboard (vouchers, split trees, verify before lending, maturity calendar, issuer exposure).")
  .requiredOption("--rpc <url>", "JSON-RPC URL of a node of the consortium chain", parseRpcUrl)
  .requiredOption("--ledger <address>", "address of the VoucherLedger contract", parseAddress)
  .option("--consortium <file>", "consortium config (config/consortium.example.json) for the members' names")
  .addOption(new Option("--host <host>", "address to listen on").default("127.0.0.1"))
  .addOption(new Option("--port <n>", "port to listen on (0: any free port)").argParser(parsePort).default(0))
  .exitOverride();

try {
  program.parse(process.argv);
  const options = program.opts<Options>();
  const dashboard = await startDashboard({ rpcUrl: options.rpc, ledgerAddress: options.ledger, names: await namesFrom(options.consortium), host: options.host, port: options.port });
  console.log(`dashboard listening on ${dashboard.url}`);
  const stop = async () => {
    await dashboard.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2);
  const say = (text: string) => console.error(`dashboard: ${text}`);
  if (error instanceof UsageError) {
    say(error.message);
    process.exit(2);
  }
  if (error instanceof NodeUnreachableError || error instanceof NotALedgerError || error instanceof RpcError) {
    say(error.message);
    process.exit(3);
  }
  say(`failed to start: ${(error as Error).message}`);
  process.exit(1);
}
