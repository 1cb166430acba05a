/**
 * Where a consortium started by `npm start` keeps everything between runs:
 *
 *   consortium.json        what was deployed (chain id, ledger and fee schedule addresses, block) — the
 *                          marker that this folder is a consortium's, checked before --fresh deletes it
 *   secrets.json           the consortium's document-key secret for the oracles (mode 0600; development only)
 *   chain/state.json       the embedded node's chain (blocks, logs, state, time)
 *   deployment/            the Ignition journal of the deployment
 *   oracle-<key>/          each oracle's database (embedded PostgreSQL)
 *   clearing/              the clearing engine's database
 *   banks/<key>/           each simulated clearing bank: outbox, inbox, archive, and its ledger (bank.json)
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, hexlify, isAddress, randomBytes } from "ethers";

export interface DeploymentRecord {
  chainId: string;
  ledger: string;
  feeSchedule: string;
  /** The block the ledger was deployed in: where an auditor starts reading. */
  deployedAtBlock: number;
  /** The JSON-RPC node it was deployed through, as given. */
  rpcUrl: string;
  /** The consortium config it was onboarded from. */
  config: string;
}

export class DataDirectoryError extends Error {
  readonly code = "DATA_DIRECTORY_NOT_OURS";
  constructor(message: string) {
    super(message);
    this.name = "DataDirectoryError";
  }
}

export class DataDirectory {
  constructor(readonly root: string) {}

  get recordFile() {
    return path.join(this.root, "consortium.json");
  }
  get chainStateFile() {
    return path.join(this.root, "chain", "state.json");
  }
  get deploymentJournal() {
    return path.join(this.root, "deployment");
  }
  oracleDatabase(key: string) {
    return path.join(this.root, `oracle-${key}`);
  }
  get clearingDatabase() {
    return path.join(this.root, "clearing");
  }
  bank(key: string) {
    const dir = path.join(this.root, "banks", key);
    return { outbox: path.join(dir, "outbox"), inbox: path.join(dir, "inbox"), archive: path.join(dir, "archive"), stateFile: path.join(dir, "bank.json") };
  }

  async create(): Promise<void> {
    await mkdir(path.join(this.root, "chain"), { recursive: true });
  }

  /**
   * Deletes the folder for a fresh start, but only when it is a consortium's (it holds consortium.json or
   * the embedded chain) or empty: a mistyped --data-dir must not wipe someone's files.
   */
  async wipe(): Promise<void> {
    if (!existsSync(this.root)) return;
    const entries = await readdir(this.root);
    const ours = entries.length === 0 || existsSync(this.recordFile) || existsSync(this.chainStateFile);
    if (!ours) {
      throw new DataDirectoryError(`${this.root} holds files but no consortium.json or chain/state.json: not a consortium's data directory, so --fresh will not delete it`);
    }
    await rm(this.root, { recursive: true, force: true });
  }

  async readRecord(): Promise<DeploymentRecord | null> {
    if (!existsSync(this.recordFile)) return null;
    const raw = JSON.parse(await readFile(this.recordFile, "utf8")) as Partial<DeploymentRecord>;
    const problems = [
      typeof raw.chainId === "string" && /^[0-9]+$/.test(raw.chainId) ? null : "chainId",
      typeof raw.ledger === "string" && isAddress(raw.ledger) ? null : "ledger",
      typeof raw.feeSchedule === "string" && isAddress(raw.feeSchedule) ? null : "feeSchedule",
      Number.isSafeInteger(raw.deployedAtBlock) ? null : "deployedAtBlock",
    ].filter((field) => field !== null);
    if (problems.length > 0) throw new DataDirectoryError(`${this.recordFile} is damaged (${problems.join(", ")}): start with --fresh to deploy anew`);
    return { ...(raw as DeploymentRecord), ledger: getAddress(raw.ledger!), feeSchedule: getAddress(raw.feeSchedule!) };
  }

  async writeRecord(record: DeploymentRecord): Promise<void> {
    await writeFile(this.recordFile, JSON.stringify(record, null, 2) + "\n");
  }

  /** The consortium's document-key secret, made once (the same key for an invoice in every run). */
  async documentKeySecret(): Promise<string> {
    const file = path.join(this.root, "secrets.json");
    if (existsSync(file)) return (JSON.parse(await readFile(file, "utf8")) as { documentKeySecret: string }).documentKeySecret;
    const secret = hexlify(randomBytes(32));
    await writeFile(file, JSON.stringify({ documentKeySecret: secret }) + "\n", { mode: 0o600 });
    await chmod(file, 0o600);
    return secret;
  }
}
