/**
 * Starts the clearing engine from its resolved config: checks the chain, the ledger and that every
 * configured key is the active bank member it claims to be; takes the database directory's lock; opens the
 * store and the banks' file channels; then ticks every `tickIntervalSeconds` until stopped. A failed tick
 * (node unreachable) is logged and tried again on the next one, and so is a failed step (a bank directory
 * unwritable, a settlement the chain refuses): every step of the engine looks before it acts, so a repeat
 * never does anything twice.
 */
import { JsonRpcProvider, type Provider, type Signer } from "ethers";
import { databaseToOpen } from "../config/configFile.js";
import { openWallet } from "../config/signerConfig.js";
import { MemberRole } from "../sdk/constants.js";
import { lockDataDirectory, type DataDirectoryLock } from "../storage/dataDirLock.js";
import { openSqlClient } from "../storage/sqlClient.js";
import { VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { FileBankAdapter } from "./bank/fileBankAdapter.js";
import { ClearingConfigError, type ClearingConfig } from "./config.js";
import { readMemberDirectory } from "./directory/memberDirectory.js";
import { ClearingEngine, type ClearingEngineOptions, type TickReport } from "./engine/clearingEngine.js";
import { ClearingStore } from "./engine/clearingStore.js";

export interface ClearingLog {
  tick(report: TickReport): void;
  failed(error: unknown): void;
  /** What `catchUpWithChain` put back to be done again (only when asked for). */
  caughtUp?(result: { reopened: bigint[]; unmarked: bigint[] }): void;
}

export interface RunningClearing {
  engine: ClearingEngine;
  /** Stops after the tick under way (if any) and closes the database. */
  stop(): Promise<void>;
  /** Settles when the loop has ended. */
  stopped: Promise<void>;
}

export interface ClearingOptions {
  /** A provider of the caller's (closed by the caller); by default the engine connects to `chain.rpcUrl`. */
  provider?: Provider;
  log?: ClearingLog;
  trace?: ClearingEngineOptions["trace"];
  /** Before the first tick, redo what the store records as done but the chain lost (a development chain). */
  catchUpWithChain?: boolean;
}

export async function startClearing(config: ClearingConfig, options: ClearingOptions = {}): Promise<RunningClearing> {
  const fail = (problems: string[]) => new ClearingConfigError(problems);
  // cacheTimeout -1: ethers otherwise answers a repeated call within 250 ms from its cache, and the nonce of
  // a bank's second transaction in a row would be the first's ("nonce too low").
  const provider = options.provider ?? new JsonRpcProvider(config.chain.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 250, cacheTimeout: -1 });
  const { chainId } = await provider.getNetwork();
  if (config.chain.chainId !== undefined && BigInt(config.chain.chainId) !== chainId) {
    throw fail([`/chain/chainId is ${config.chain.chainId} but the node at ${new URL(config.chain.rpcUrl).host} is chain ${chainId}`]);
  }
  if ((await provider.getCode(config.chain.ledgerAddress)) === "0x") throw fail([`/chain/ledgerAddress ${config.chain.ledgerAddress} has no contract on chain ${chainId}`]);
  const ledger = VoucherLedger__factory.connect(config.chain.ledgerAddress, provider);
  const directory = readMemberDirectory(config.memberDirectoryFile);

  const signers = new Map<string, Signer>();
  const channels = new Map<string, FileBankAdapter>();
  const problems: string[] = [];
  for (const bank of config.banks) {
    const wallet = await openWallet(bank.signer, fail);
    if (wallet.address !== bank.account) problems.push(`the key configured for bank ${bank.account} is the key of ${wallet.address}`);
    else if (!(await ledger.isActiveWith(bank.account, MemberRole.Bank))) problems.push(`${bank.account} is not an active bank member of the ledger: it cannot confirm settlement`);
    // No NonceManager: it counts a transaction that failed before sending, and the next would never be mined.
    signers.set(bank.account.toLowerCase(), wallet.connect(provider));
    const channel = new FileBankAdapter(bank.directories);
    await channel.init();
    channels.set(bank.account.toLowerCase(), channel);
  }
  if (problems.length > 0) throw fail(problems);

  const lock: DataDirectoryLock | undefined = config.database.kind === "pglite" ? await lockDataDirectory(config.database.dataDir) : undefined;
  let store: ClearingStore;
  try {
    store = new ClearingStore(await openSqlClient(databaseToOpen(config.database)));
    await store.migrate();
  } catch (error) {
    await lock?.release();
    throw error;
  }

  const engine = new ClearingEngine({
    store,
    ledger,
    directory,
    clearingBanks: config.banks.map((bank) => bank.account),
    bankOf: (clearingBank) => {
      const channel = channels.get(clearingBank.toLowerCase());
      if (channel === undefined) throw new Error(`no file channel is configured for clearing bank ${clearingBank}`);
      return channel;
    },
    signerOf: (clearingBank) => signers.get(clearingBank.toLowerCase()),
    retryAfter: config.retryAfterSeconds,
    utcOffsetSeconds: config.utcOffsetMinutes * 60,
    trace: options.trace,
  });

  if (options.catchUpWithChain) {
    try {
      options.log?.caughtUp?.(await engine.catchUpWithChain());
    } catch (error) {
      await store.close();
      await lock?.release();
      throw error;
    }
  }

  let stopping = false;
  let wake: () => void = () => undefined;
  const loop = async () => {
    while (!stopping) {
      try {
        options.log?.tick(await engine.tick());
      } catch (error) {
        options.log?.failed(error);
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.tickIntervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await store.close();
    await lock?.release();
    if (options.provider === undefined) provider.destroy?.();
  };
  const stopped = loop();
  return {
    engine,
    stopped,
    stop: async () => {
      stopping = true;
      wake();
      await stopped;
    },
  };
}
