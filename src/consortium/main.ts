/**
 * `npm start`: a whole consortium on this machine. Starts the embedded chain node (anvil on 127.0.0.1,
 * chain kept in the data directory) or uses an existing node (--rpc), deploys the ledger with Ignition the
 * first time, onboards the consortium config, starts the oracles, the simulated clearing banks with the
 * clearing engine, and the dashboard, and prints where everything is. On a first start it walks the demo
 * (--demo / --no-demo to choose). Ctrl-C stops the services, then the node, which writes the chain to the
 * data directory; the next start goes on from there unless --fresh.
 *
 * npm start runs it as `node --import tsx`, not through the tsx launcher: that one kills its child outright
 * when a Ctrl-C is not acknowledged within a few milliseconds (a busy moment at start-up), which would leave
 * the node running.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseConsortiumConfig, type ConsortiumPlan } from "../deploy/consortiumConfig.js";
import { formatCny } from "../sdk/money.js";
import { MemberRole } from "../sdk/constants.js";
import { lockDataDirectory, type DataDirectoryLock } from "../storage/dataDirLock.js";
import { startAnvil, type RunningAnvil } from "../node/anvilNode.js";
import { DataDirectory } from "./dataDirectory.js";
import { ensureLedger } from "./deployment.js";
import { runDemo } from "./demo/demo.js";
import type { TickReport } from "../clearing/engine/clearingEngine.js";
import type { OutboxReport } from "../clearing/simulator/bankSimulator.js";
import { describeTick, describeBankAnswers } from "./serviceLog.js";
import { startServices, stopAll, type ConsortiumServices, type Stops } from "./services.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("expected a port number from 0 to 65535 (0: any free port)");
  return n;
};
const rpcUrl = (value: string) => {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError("expected an http:// or https:// JSON-RPC URL");
  return value;
};
const seconds = (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n <= 3600)) throw new InvalidArgumentError("expected seconds, more than 0 and at most 3600");
  return n;
};

const program = new Command("npm start --")
  .description("Runs a whole receivable e-voucher consortium on this machine: chain, ledger, oracles, clearing through simulated banks, dashboard.")
  .option("--data-dir <dir>", "where the chain, the databases and the banks' files are kept", "data")
  .option("--fresh", "delete the data directory first and start a new chain and consortium", false)
  .addOption(new Option("--rpc <url>", "use this JSON-RPC node instead of starting the embedded one (development accounts must be funded there, e.g. anvil)").argParser(rpcUrl))
  .option("--host <address>", "the address every service listens on", "127.0.0.1")
  .addOption(new Option("--port <n>", "the embedded node's JSON-RPC port").default(8545).argParser(port))
  .addOption(new Option("--oracle-port <n>", "the first oracle's port (the next ones follow)").default(8601).argParser(port))
  .addOption(new Option("--dashboard-port <n>", "the dashboard's port").default(8700).argParser(port))
  .option("--config <file>", "the consortium config", "config/consortium.example.json")
  .option("--directory <file>", "the members' bank accounts, for clearing", "config/member-directory.example.json")
  .option("--demo", "walk the demo scenario once everything is up (default: only on a new ledger)")
  .option("--no-demo", "do not walk the demo")
  .option("--exit", "stop once started (and the demo walked) instead of running until Ctrl-C", false)
  .addOption(new Option("--tick <seconds>", "how often the clearing engine looks at the chain and the banks").default(2).argParser(seconds))
  .showHelpAfterError();

const options = program.parse(process.argv).opts<{
  dataDir: string;
  fresh: boolean;
  rpc?: string;
  host: string;
  port: number;
  oraclePort: number;
  dashboardPort: number;
  config: string;
  directory: string;
  demo?: boolean;
  exit: boolean;
  tick: number;
}>();

const say = (line = "") => console.log(line);
const dataDir = new DataDirectory(path.resolve(options.dataDir));
let node: RunningAnvil | undefined;
let services: ConsortiumServices | undefined;
let lock: DataDirectoryLock | undefined;
let stopping: Promise<void> | undefined;
const stops: Stops = [];
const demo = new AbortController();

const shutdown = (code: number) =>
  (stopping ??= (async () => {
    say("Stopping: dashboard, clearing engine, banks, oracles, then the node. (Ctrl-C again to force.)");
    demo.abort();
    await stopAll(stops, say);
    await node?.stop();
    await lock?.release();
    if (node !== undefined) say(`Stopped. The chain and every database are kept in ${path.relative(process.cwd(), dataDir.root) || "."}: npm start goes on from there (--fresh starts over).`);
    process.exit(code);
  })());
// A second Ctrl-C does not wait: exiting stops the node (it writes the chain); the lock is taken over next time.
const onSignal = () => {
  if (stopping === undefined) return void shutdown(0);
  console.error("Forced to stop.");
  process.exit(130);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

try {
  const configFile = path.resolve(ROOT, options.config);
  const plan = parseConsortiumConfig(JSON.parse(await readFile(configFile, "utf8")));
  await dataDir.create();
  // The lock before anything is deleted: --fresh must not pull the folder from under a running consortium.
  lock = await lockDataDirectory(dataDir.root);
  if (options.fresh) await dataDir.wipe();

  if (options.rpc === undefined) {
    // --prune-history 256: the last 256 states in memory, none on disk. anvil otherwise writes every older
    // state to ~/.foundry/anvil/tmp, without bound, for as long as the consortium runs.
    node = await startAnvil({ host: options.host, port: options.port, stateFile: dataDir.chainStateFile, accounts: 20, extraArgs: ["--prune-history", "256"] });
    say(`Embedded chain node (anvil) at ${node.url}, chain kept in ${path.relative(process.cwd(), dataDir.chainStateFile)}`);
    void node.exited.then((code) => {
      if (stopping === undefined) {
        console.error(`The embedded node exited on its own (code ${code}); stopping.`);
        void shutdown(1);
      }
    });
  }
  const url = options.rpc ?? node!.url;
  const ledger = await ensureLedger({ rpcUrl: url, plan, configFile: path.relative(ROOT, configFile), dataDir, log: say });
  if (!ledger.deployed) say(`Ledger at ${ledger.record.ledger} (deployed at block ${ledger.record.deployedAtBlock} of chain ${ledger.record.chainId}), from ${path.relative(process.cwd(), dataDir.recordFile)}`);
  say(`Consortium "${plan.name ?? path.basename(configFile)}": ${plan.members.length} members${ledger.onboardingSent > 0 ? `, onboarded with ${ledger.onboardingSent} transactions` : ", registry already up to date"}`);

  services = await startServices({
    rpcUrl: url,
    record: ledger.record,
    plan,
    dataDir,
    memberDirectoryFile: path.resolve(ROOT, options.directory),
    host: options.host,
    oraclePort: options.oraclePort,
    dashboardPort: options.dashboardPort,
    tickIntervalSeconds: options.tick,
    log: say,
  }, stops);
  services.events.on("tick", (report: TickReport) => describeTick(report).forEach((line) => say(`  [clearing] ${line}`)));
  services.events.on("bank", (key: string, report: OutboxReport) => describeBankAnswers(plan.byKey.get(key)!.name, report).forEach((line) => say(`  [bank] ${line}`)));
  printDirectory(url, ledger.record.ledger, plan);

  if (options.demo ?? ledger.deployed) {
    say();
    await runDemo({ rpcUrl: url, ledgerAddress: ledger.record.ledger, plan, services, memberDirectoryFile: path.resolve(ROOT, options.directory), say, signal: demo.signal });
  }
  if (options.exit) await shutdown(0);
  say();
  say(`Running. Dashboard: ${services.dashboard.url}   Ctrl-C stops.`);
} catch (error) {
  // Stopping pulls the services from under whatever was under way: its failure is no news.
  if (stopping !== undefined) await stopping;
  // A coded error says what to do; anything else is a bug or an unexpected failure, shown with its stack.
  const coded = error instanceof Error && typeof (error as { code?: unknown }).code === "string";
  console.error(`npm start failed: ${coded ? (error as Error).message : error instanceof Error ? error.stack : String(error)}`);
  await shutdown(1);
}

function printDirectory(url: string, ledgerAddress: string, plan: ConsortiumPlan) {
  const roleNames = (roles: number) => (Object.keys(MemberRole) as Array<keyof typeof MemberRole>).filter((name) => (roles & MemberRole[name]) !== 0).join(", ");
  say();
  say(`  JSON-RPC node   ${url}`);
  say(`  VoucherLedger   ${ledgerAddress}`);
  for (const { member, running } of services!.oracles) say(`  oracle          ${running.url}   ${member.name} (signs as ${running.signer})`);
  for (const { member } of services!.banks) say(`  bank files      ${path.relative(process.cwd(), path.dirname(dataDir.bank(member.key).outbox))}/{outbox,inbox,archive}   ${member.name} (simulated)`);
  say(`  dashboard       ${services!.dashboard.url}`);
  say(`  auditor         npm run audit -- audit --rpc ${url} --ledger ${ledgerAddress}`);
  say();
  say("  Members (development accounts):");
  for (const member of plan.members) say(`    ${member.name.padEnd(40)} ${roleNames(member.roles).padEnd(16)} ${member.address}`);
  for (const core of plan.coreEnterprises) say(`    ${plan.byKey.get(core.key)!.name}: credit line ${formatCny(core.creditLine)}, clearing bank ${plan.byKey.get(core.clearingBankKey)!.name}`);
}
