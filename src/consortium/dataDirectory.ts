/**
 * Where a consortium started by `npm start` keeps everything between runs:
 *
 *   consortium.json        what was deployed (chain id, ledger and fee schedule addresses, block and its hash)
 *   secrets.json           the consortium's document-key secret for the oracles (mode 0600; development only)
 *   chain/state.json       the embedded node's chain (blocks, logs, state, time)
 *   deployment/            the Ignition journal of the deployment
 *   oracle-<key>/          each oracle's database (embedded PostgreSQL)
 *   clearing/              the clearing engine's database
 *   banks/<key>/           each simulated clearing bank: outbox, inbox, archive, and its ledger (bank.json)
 *
 * A folder holding anything else is refused, and --fresh deletes only these.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getAddress, hexlify, isAddress, randomBytes } from "ethers";
import { writeFileAtomic } from "../storage/atomicFile.js";

export interface DeploymentRecord {
  chainId: string;
  ledger: string;
  feeSchedule: string;
  /** The block the ledger was deployed in: where an auditor starts reading. */
  deployedAtBlock: number;
  /** That block's hash: tells this chain from another that has a contract at the same address. */
  deployedAtBlockHash: string;
  /** The JSON-RPC node it was deployed through, as given. */
  rpcUrl: string;
  /** The consortium config it was onboarded from. */
  config: string;
}

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What a consortium puts in its data directory; nothing else is ever deleted by --fresh. */
const OURS = [/^consortium\.json$/, /^secrets\.json$/, /^chain$/, /^deployment$/, /^oracle-[A-Za-z][A-Za-z0-9_]*(\.lock)?$/, /^clearing(\.lock)?$/, /^banks$/, /^\..+\.tmp$/];
const isOurs = (entry: string) => OURS.some((pattern) => pattern.test(entry));

export class DataDirectoryError extends Error {
  readonly code = "DATA_DIRECTORY_REFUSED";
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

  /**
   * Makes the folder, or checks that an existing one holds only what a consortium puts there: a mistyped
   * --data-dir must not mix the chain into someone's files (nor, with --fresh, delete them).
   */
  async create(): Promise<void> {
    this.refuseProtected();
    await mkdir(this.root, { recursive: true });
    const foreign = (await readdir(this.root)).filter((entry) => !isOurs(entry));
    if (foreign.length > 0) {
      throw new DataDirectoryError(
        `${this.root} holds files that are not a consortium's (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}): choose an empty or new folder with --data-dir`,
      );
    }
  }

  /** For a fresh start: deletes what a consortium put in the folder, and nothing else. */
  async wipe(): Promise<void> {
    if (!existsSync(this.root)) return;
    await this.create(); // the same checks: a folder with anything else in it is not touched
    for (const entry of await readdir(this.root)) await rm(path.join(this.root, entry), { recursive: true, force: true });
  }

  /** Never the file system's root, a home folder, the working folder, the repository, or a folder holding them. */
  private refuseProtected(): void {
    const root = path.resolve(this.root);
    const holds = (inner: string) => inner === root || inner.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    const protectedFolder = [os.homedir(), process.cwd(), REPOSITORY, path.parse(root).root].find(holds);
    if (protectedFolder !== undefined) {
      throw new DataDirectoryError(`--data-dir ${this.root} is (or holds) ${protectedFolder}: choose a folder of its own, e.g. ${path.join(REPOSITORY, "data")}`);
    }
  }

  async readRecord(): Promise<DeploymentRecord | null> {
    if (!existsSync(this.recordFile)) return null;
    const damaged = (what: string) => new DataDirectoryError(`${this.recordFile} is damaged (${what}): start with --fresh to deploy anew`);
    let raw: Partial<DeploymentRecord>;
    try {
      raw = JSON.parse(await readFile(this.recordFile, "utf8")) as Partial<DeploymentRecord>;
    } catch (error) {
      throw damaged((error as Error).message);
    }
    const problems = [
      typeof raw.chainId === "string" && /^[0-9]+$/.test(raw.chainId) ? null : "chainId",
      typeof raw.ledger === "string" && isAddress(raw.ledger) ? null : "ledger",
      typeof raw.feeSchedule === "string" && isAddress(raw.feeSchedule) ? null : "feeSchedule",
      Number.isSafeInteger(raw.deployedAtBlock) ? null : "deployedAtBlock",
      typeof raw.deployedAtBlockHash === "string" && /^0x[0-9a-f]{64}$/.test(raw.deployedAtBlockHash) ? null : "deployedAtBlockHash",
    ].filter((field) => field !== null);
    if (problems.length > 0) throw damaged(problems.join(", "));
    return { ...(raw as DeploymentRecord), ledger: getAddress(raw.ledger!), feeSchedule: getAddress(raw.feeSchedule!) };
  }

  async writeRecord(record: DeploymentRecord): Promise<void> {
    await writeFileAtomic(this.recordFile, JSON.stringify(record, null, 2) + "\n");
  }

  /** The consortium's document-key secret, made once (the same key for an invoice in every run). */
  async documentKeySecret(): Promise<string> {
    const file = path.join(this.root, "secrets.json");
    if (existsSync(file)) return (JSON.parse(await readFile(file, "utf8")) as { documentKeySecret: string }).documentKeySecret;
    const secret = hexlify(randomBytes(32));
    await writeFileAtomic(file, JSON.stringify({ documentKeySecret: secret }) + "\n", 0o600);
    return secret;
  }
}
