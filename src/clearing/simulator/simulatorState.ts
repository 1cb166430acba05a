/**
 * Everything the simulated bank remembers, and its file: accounts, the journal of executed payments (whose
 * EndToEndIds are the bank's duplicate control), the outcome of every instruction it executed and of every
 * file it refused whole (so either is answered identically when seen again, never re-executed), and which
 * outbox files it answered. Fen are decimal strings in the file; JSON numbers would lose them.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../../storage/atomicFile.js";

/** One executed payment. */
export interface JournalEntry {
  endToEndId: string;
  /** MsgId of the instruction that carried it. */
  messageId: string;
  debtorAccount: string;
  creditorAccount: string;
  creditorCnaps: string;
  creditorName: string;
  /** Fen. */
  amount: bigint;
  /** ISO date-time (UTC). */
  bookedAt: string;
  bankReference: string;
}

/** What became of one transaction of an instruction, in the instruction's order. */
export interface TransactionOutcome {
  endToEndId: string;
  status: "ACSC" | "RJCT";
  /** ISO ExternalStatusReason1Code when rejected. */
  reasonCode?: string;
  reasonText?: string;
  /** The booking's AcctSvcrRef when paid. */
  bankReference?: string;
}

export interface InstructionOutcome {
  /** sha256 of the instruction file. */
  digest: string;
  /** ISO date-time (UTC) of execution: the time of both answers and of every booking. */
  processedAt: string;
  transactions: TransactionOutcome[];
}

/** An outbox file answered (by MsgId), or refused because it could not be read. */
export type FileOutcome = { messageId: string } | { error: string };

/** An outbox file refused whole, as its group rejection (pain.002 GrpSts RJCT) reports it. */
export interface FileRefusal {
  /** FF01: unreadable, or its counts do not add up; DU01: its MsgId was used by a different instruction. */
  reasonCode: "FF01" | "DU01";
  /** Why, in the simulator's words. */
  error: string;
  /** OrgnlMsgId: the file's own MsgId when readable and usable, else its name without ".xml". */
  originalMessageId: string;
  originalMessageNameId: string;
  /** ISO date-time (UTC) of the refusal: the answer's CreDtTm. */
  refusedAt: string;
}

export interface SimulatorState {
  /** Account number → balance in fen; only accounts held at this bank. */
  accounts: Map<string, bigint>;
  journal: JournalEntry[];
  /** By the instruction's MsgId. */
  instructions: Map<string, InstructionOutcome>;
  /** By outbox file name; recorded before the rejection is filed, so a restart files the same bytes. */
  refusals: Map<string, FileRefusal>;
  /** By outbox file name. */
  files: Map<string, FileOutcome>;
}

const FORMAT = "evoucher-bank-simulator/1";

export function emptyState(): SimulatorState {
  return { accounts: new Map(), journal: [], instructions: new Map(), refusals: new Map(), files: new Map() };
}

/** The state in `file`, or an empty one when the file does not exist yet. */
export async function loadState(file: string): Promise<SimulatorState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw error;
  }
  try {
    return decode(JSON.parse(text));
  } catch (error) {
    throw new Error(`bank simulator state ${file} is unreadable: ${(error as Error).message}`);
  }
}

export async function saveState(file: string, state: SimulatorState): Promise<void> {
  const json = {
    format: FORMAT,
    accounts: Object.fromEntries([...state.accounts].map(([account, fen]) => [account, fen.toString()])),
    journal: state.journal.map((entry) => ({ ...entry, amount: entry.amount.toString() })),
    instructions: Object.fromEntries(state.instructions),
    refusals: Object.fromEntries(state.refusals),
    files: Object.fromEntries(state.files),
  };
  await writeFileAtomic(file, JSON.stringify(json, null, 2) + "\n");
}

// A hand-edited or foreign file must fail loudly here, not pay out of a misread balance later.
function decode(json: unknown): SimulatorState {
  const root = record(json, "root");
  if (root.format !== FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected ${FORMAT}`);
  const accounts = new Map(Object.entries(record(root.accounts, "accounts")).map(([account, fen]) => [account, toFen(fen, `accounts.${account}`)]));
  const journal = list(root.journal, "journal").map((value, i) => {
    const entry = record(value, `journal[${i}]`);
    for (const key of ["endToEndId", "messageId", "debtorAccount", "creditorAccount", "creditorCnaps", "creditorName", "bookedAt", "bankReference"]) {
      if (typeof entry[key] !== "string") throw new Error(`journal[${i}].${key} is not a string`);
    }
    return { ...(entry as unknown as JournalEntry), amount: toFen(entry.amount, `journal[${i}].amount`) };
  });
  const instructions = new Map(
    Object.entries(record(root.instructions, "instructions")).map(([messageId, value]) => {
      const outcome = record(value, `instructions.${messageId}`);
      if (typeof outcome.digest !== "string" || typeof outcome.processedAt !== "string") throw new Error(`instructions.${messageId} is incomplete`);
      list(outcome.transactions, `instructions.${messageId}.transactions`);
      return [messageId, outcome as unknown as InstructionOutcome];
    }),
  );
  // Absent from files written before refused files were answered: none were recorded then.
  const refusals = new Map(
    Object.entries(root.refusals === undefined ? {} : record(root.refusals, "refusals")).map(([name, value]) => {
      const refusal = record(value, `refusals.${name}`);
      for (const key of ["error", "originalMessageId", "originalMessageNameId", "refusedAt"]) {
        if (typeof refusal[key] !== "string") throw new Error(`refusals.${name}.${key} is not a string`);
      }
      if (refusal.reasonCode !== "FF01" && refusal.reasonCode !== "DU01") throw new Error(`refusals.${name}.reasonCode is not FF01 or DU01`);
      return [name, refusal as unknown as FileRefusal];
    }),
  );
  const files = new Map(Object.entries(record(root.files, "files")).map(([name, value]) => [name, record(value, `files.${name}`) as FileOutcome]));
  return { accounts, journal, instructions, refusals, files };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not an array`);
  return value;
}

function toFen(value: unknown, where: string): bigint {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value)) throw new Error(`${where} is not an integer number of fen`);
  return BigInt(value);
}
