/**
 * The ledger of a consortium started by `npm start`: deployed once with the Ignition module
 * (deploy/modules/VoucherLedger.ts) and recorded in the data directory; on a restart the record is checked
 * against the chain instead of deploying again. Onboarding runs every time: it is idempotent (a second run
 * sends nothing) and brings the registry in line with a config that gained members.
 */
import { existsSync } from "node:fs";
import { cp, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider, Wallet } from "ethers";
import { network } from "hardhat";
import VoucherLedgerModule from "../../deploy/modules/VoucherLedger.js";
import { onboardConsortium } from "../deploy/onboard.js";
import type { ConsortiumPlan } from "../deploy/consortiumConfig.js";
import type { DataDirectory, DeploymentRecord } from "./dataDirectory.js";
import { developmentKeyFor } from "./developmentKeys.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export class DeploymentMismatchError extends Error {
  readonly code = "DEPLOYMENT_NOT_ON_CHAIN";
  constructor(message: string) {
    super(message);
    this.name = "DeploymentMismatchError";
  }
}

export interface LedgerDeployment {
  record: DeploymentRecord;
  /** True when this start deployed it. */
  deployed: boolean;
  /** Onboarding transactions sent by this start (0 when the registry already matched the config). */
  onboardingSent: number;
}

export async function ensureLedger(options: {
  rpcUrl: string;
  plan: ConsortiumPlan;
  configFile: string;
  dataDir: DataDirectory;
  log: (line: string) => void;
}): Promise<LedgerDeployment> {
  const { rpcUrl, plan, dataDir, log } = options;
  if (plan.admin === undefined) throw new DeploymentMismatchError(`${options.configFile} names no admin: npm start deploys and onboards as the config's admin`);
  const adminKey = developmentKeyFor("the consortium admin", plan.admin);
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 200, cacheTimeout: -1 });
  try {
    const { chainId } = await provider.getNetwork();
    let record = await dataDir.readRecord();
    let deployed = false;
    if (record !== null) {
      if (record.chainId !== chainId.toString()) {
        throw new DeploymentMismatchError(`${dataDir.recordFile} is a deployment on chain ${record.chainId}, but ${rpcUrl} is chain ${chainId}: use that chain's node, or another --data-dir, or --fresh`);
      }
      const deployedIn = await provider.getBlock(record.deployedAtBlock);
      if (deployedIn !== null && deployedIn.hash !== record.deployedAtBlockHash) {
        throw new DeploymentMismatchError(
          `${dataDir.recordFile} records the deployment in block ${record.deployedAtBlock} (${record.deployedAtBlockHash}) of chain ${record.chainId}, but that block at ${rpcUrl} is ${deployedIn.hash}: another chain with the same id. Use the node of that chain, another --data-dir, or --fresh`,
        );
      }
      if ((await provider.getCode(record.ledger)) === "0x") {
        throw new DeploymentMismatchError(
          `${dataDir.recordFile} records the ledger at ${record.ledger}, but chain ${chainId} at ${rpcUrl} has no contract there (the chain was reset or its state lost): start with --fresh to deploy anew`,
        );
      }
    } else {
      record = await deploy(rpcUrl, adminKey, plan.admin, chainId, options.configFile, dataDir);
      await dataDir.writeRecord(record);
      deployed = true;
      log(`Deployed with Ignition: VoucherLedger (with its consortium registry) at ${record.ledger}, FeeSchedule at ${record.feeSchedule} (block ${record.deployedAtBlock})`);
    }
    const admin = new Wallet(adminKey, provider);
    const onboarding = await onboardConsortium(admin, record.ledger, plan);
    return { record, deployed, onboardingSent: onboarding.sent };
  } finally {
    provider.destroy();
  }
}

async function deploy(rpcUrl: string, adminKey: string, admin: string, chainId: bigint, configFile: string, dataDir: DataDirectory): Promise<DeploymentRecord> {
  const connection = await network.create({ network: "localhost", override: { url: rpcUrl, accounts: [adminKey] } });
  // Ignition keeps a journal of the deployment; a new id per deployment, moved into the data directory after.
  const deploymentId = `evoucher-${chainId}-${Date.now()}`;
  const journal = path.join(ROOT, "deploy", "deployments", deploymentId);
  try {
    const deployed = await connection.ignition.deploy(VoucherLedgerModule, {
      parameters: { VoucherLedgerModule: { admin } },
      deploymentId,
      displayUi: false,
    });
    const ledger = await deployed.ledger.getAddress();
    // Ignition's contract objects carry no deployment transaction: the block is found from the code.
    const deployedAtBlock = await firstBlockWithCode(connection.ethers.provider, ledger);
    const deployedAtBlockHash = (await connection.ethers.provider.getBlock(deployedAtBlock))!.hash!;
    await moveJournal(journal, dataDir.deploymentJournal);
    return { chainId: chainId.toString(), ledger, feeSchedule: await deployed.feeSchedule.getAddress(), deployedAtBlock, deployedAtBlockHash, rpcUrl, config: configFile };
  } finally {
    // A failed deployment leaves nothing behind in the repository; a finished one was moved already.
    await rm(journal, { recursive: true, force: true });
    await connection.close();
  }
}

/** The first block in which `address` has code (a binary search over the blocks). */
async function firstBlockWithCode(provider: { getCode(address: string, block: number): Promise<string>; getBlockNumber(): Promise<number> }, address: string): Promise<number> {
  let low = 0;
  let high = await provider.getBlockNumber();
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await provider.getCode(address, middle)) === "0x") low = middle + 1;
    else high = middle;
  }
  return low;
}

async function moveJournal(from: string, to: string): Promise<void> {
  if (!existsSync(from)) return;
  await rm(to, { recursive: true, force: true });
  try {
    await rename(from, to);
  } catch {
    await cp(from, to, { recursive: true }); // another file system
    await rm(from, { recursive: true, force: true });
  }
}
