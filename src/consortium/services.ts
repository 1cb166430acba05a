/**
 * The off-chain services of a development consortium, in one process: a trade-background oracle per
 * oracle member, a simulated bank per clearing bank (executing the engine's pain.001 files and answering
 * with pain.002 and camt.054, as a bank's host-to-host channel would), the clearing engine for those
 * banks, and the web dashboard. Each uses the same code and config checks as when run on its own
 * (`npm run oracle`, `npm run clearing`, `npm run dashboard`); only the keys come from the development
 * accounts. Everything lives in the data directory.
 */
import { EventEmitter } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveClearingConfig } from "../clearing/config.js";
import type { TickReport } from "../clearing/engine/clearingEngine.js";
import { startClearing, type RunningClearing } from "../clearing/service.js";
import { BankSimulator, type OutboxReport } from "../clearing/simulator/bankSimulator.js";
import { startDashboard, type RunningDashboard } from "../dashboard/server.js";
import type { ConsortiumPlan, PlannedMember } from "../deploy/consortiumConfig.js";
import { resolveOracleConfig } from "../oracle/config.js";
import { startOracle, type RunningOracle } from "../oracle/service.js";
import type { DataDirectory, DeploymentRecord } from "./dataDirectory.js";
import { developmentKeyFor } from "./developmentKeys.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ServiceOptions {
  rpcUrl: string;
  record: DeploymentRecord;
  plan: ConsortiumPlan;
  dataDir: DataDirectory;
  /** The members' bank accounts (the clearing engine's member directory). */
  memberDirectoryFile: string;
  host: string;
  /** The first oracle's port; the next oracles take the ports after it. 0: free ports. */
  oraclePort: number;
  dashboardPort: number;
  /** How often the clearing engine looks at the chain and the banks' files. */
  tickIntervalSeconds: number;
  log: (line: string) => void;
}

export interface SimulatedBank {
  member: PlannedMember;
  simulator: BankSimulator;
}

export interface ConsortiumServices {
  oracles: Array<{ member: PlannedMember; running: RunningOracle }>;
  banks: SimulatedBank[];
  clearing: RunningClearing;
  dashboard: RunningDashboard;
  /** "tick" (TickReport) after every clearing tick, "bank" (bank key, OutboxReport) after a bank answered files. */
  events: EventEmitter;
}

/** What stops the services started so far, in the order they started: the caller runs them last first. */
export type Stops = Array<() => Promise<void>>;

/**
 * Starts the services one after the other, adding to `stops` as each one is up, so that whoever stops
 * the program (Ctrl-C while starting, or a service failing to start) stops exactly what runs.
 */
export async function startServices(options: ServiceOptions, stops: Stops): Promise<ConsortiumServices> {
  const { record, plan, dataDir, log } = options;
  const chain = { rpcUrl: options.rpcUrl, ledgerAddress: record.ledger, chainId: Number(record.chainId) };
  const events = new EventEmitter();
  // ---------------------------------------------------------------- oracles
  const documentKeySecret = await dataDir.documentKeySecret();
  const oracles: ConsortiumServices["oracles"] = [];
  for (const [i, member] of plan.members.filter((m) => m.section === "oracles").entries()) {
    const config = resolveOracleConfig(
      {
        listen: { host: options.host, port: options.oraclePort === 0 ? 0 : options.oraclePort + i },
        chain,
        signer: { privateKeyEnv: "ORACLE_KEY" },
        documentKeySecretEnv: "DOCUMENT_KEY_SECRET",
        database: { kind: "pglite", dataDir: dataDir.oracleDatabase(member.key) },
      },
      { ORACLE_KEY: developmentKeyFor(member.name, member.address), DOCUMENT_KEY_SECRET: documentKeySecret },
      ROOT,
    );
    const running = await startOracle(config);
    stops.push(() => running.close());
    oracles.push({ member, running });
  }

  // ---------------------------------------------------------------- simulated clearing banks
  const clearingBankKeys = [...new Set(plan.coreEnterprises.map((core) => core.clearingBankKey))];
  const banks: SimulatedBank[] = [];
  for (const key of clearingBankKeys) {
    banks.push({ member: plan.byKey.get(key)!, simulator: await BankSimulator.open(dataDir.bank(key).stateFile) });
  }

  // ---------------------------------------------------------------- clearing engine
  const env: Record<string, string> = {};
  const clearingConfig = resolveClearingConfig(
    {
      chain,
      database: { kind: "pglite", dataDir: dataDir.clearingDatabase },
      memberDirectoryFile: options.memberDirectoryFile,
      banks: banks.map(({ member }, i) => {
        env[`BANK_${i}_KEY`] = developmentKeyFor(member.name, member.address);
        const { outbox, inbox, archive } = dataDir.bank(member.key);
        return { account: member.address, outbox, inbox, archive, signer: { privateKeyEnv: `BANK_${i}_KEY` } };
      }),
      tickIntervalSeconds: options.tickIntervalSeconds,
    },
    env,
    ROOT,
  );
  // A development chain can lose its last blocks (a kill before the node wrote them); the engine's records
  // cannot: what they hold as done on-chain and the chain does not is done again.
  const clearing = await startClearing(clearingConfig, {
    catchUpWithChain: true,
    log: {
      caughtUp: ({ reopened, unmarked }) => {
        if (reopened.length > 0 || unmarked.length > 0) {
          log(`clearing: the chain lost its last blocks; settlement of ${reopened.length} pieces and ${unmarked.length} overdue marks will be sent again`);
        }
      },
      tick: (report: TickReport) => events.emit("tick", report),
      failed: (error) => log(`clearing: a tick failed and is tried again: ${error instanceof Error ? error.message : String(error)}`),
    },
  });
  stops.push(() => clearing.stop());

  // The banks answer on their own, once the engine has made their directories.
  let banksOpen = true;
  const bankLoop = (async () => {
    while (banksOpen) {
      for (const bank of banks) {
        const report = await bank.simulator.processOutbox(dataDir.bank(bank.member.key)).catch((error: Error) => {
          log(`${bank.member.name} (simulated) could not process its outbox: ${error.message}`);
          return null;
        });
        if (report !== null && (report.answered.length > 0 || report.refused.length > 0)) events.emit("bank", bank.member.key, report satisfies OutboxReport);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  stops.push(async () => {
    banksOpen = false;
    await bankLoop;
  });

  // ---------------------------------------------------------------- dashboard
  const names = new Map(plan.members.map((member) => [member.address.toLowerCase(), member.name]));
  const dashboard = await startDashboard({ rpcUrl: options.rpcUrl, ledgerAddress: record.ledger, names, host: options.host, port: options.dashboardPort });
  stops.push(() => dashboard.close());

  return { oracles, banks, clearing, dashboard, events };
}

/** Runs `stops` last first; a failure is reported and the rest still run. */
export async function stopAll(stops: Stops, log: (line: string) => void): Promise<void> {
  while (stops.length > 0) await stops.pop()!().catch((error: Error) => log(`while stopping: ${error.message}`));
}
