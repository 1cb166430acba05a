/**
 * A clearing bank for development and tests: it executes the engine's pain.001 instructions (each payment
 * block debiting its own core enterprise) against accounts it keeps in a state file, and answers each with
 * a pain.002 status report and, when anything was booked, a camt.054 debit notification. An outbox file it
 * cannot execute at all is answered with a group rejection: pain.002 GrpSts RJCT, FF01 for a file it cannot
 * read (or whose counts do not add up), DU01 for a MsgId already used by a different instruction.
 *
 * Crash safety: an instruction's payments and its outcome reach the state file in one atomic write, and
 * an instruction seen again (same MsgId, same content) is answered from that outcome, never executed
 * again, so its answers come out byte for byte the same; a refusal likewise is recorded before it is
 * filed. Across instructions an EndToEndId is paid at most once (RJCT DUPL afterwards). One process per
 * state file.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { BankMessageError } from "../iso20022/errors.js";
import { writeFileAtomic } from "../../storage/atomicFile.js";
import { buildDebitNotification } from "./debitNotification.js";
import { executeInstruction } from "./execute.js";
import { identifyPain001, parsePain001, type Pain001Instruction } from "./pain001Read.js";
import { digestOf, rejectionReportId } from "./references.js";
import { loadState, saveState, type FileRefusal, type InstructionOutcome, type JournalEntry, type SimulatorState, type TransactionOutcome } from "./simulatorState.js";
import { buildGroupRejection, buildStatusReport } from "./statusReport.js";

export interface BankSimulatorOptions {
  /** The bank's clock: booking times and the answers' CreDtTm (default: the system clock). */
  now?: () => Date;
}

export interface BankAnswers {
  pain002: string;
  /** null when nothing was booked. */
  camt054: string | null;
}

/** The engine's side of the host-to-host exchange, as `FileBankAdapter` uses it. */
export interface OutboxDirectories {
  /** Where the engine puts its pain.001 files; the simulator only reads it. */
  outbox: string;
  /**
   * Where the simulator puts `<MsgId>-pain002.xml` and `<MsgId>-camt054.xml`, and for a refused file
   * `<file name without .xml>-pain002.xml` (not its MsgId, which a reused one shares with another answer).
   */
  inbox: string;
}

export interface OutboxReport {
  answered: Array<{ file: string; messageId: string; written: string[] }>;
  /**
   * Files the bank could not execute (unreadable, or a reused MsgId): answered with a group rejection
   * when the file's name can name the answer (else `written` is empty), recorded, never retried.
   */
  refused: Array<{ file: string; error: string; written: string[] }>;
}

const MESSAGE_NAME = /^[A-Za-z0-9._-]{1,200}\.xml$/;
const ANSWERABLE_ID = /^[A-Za-z0-9._-]{1,35}$/;
const ACCOUNT_NUMBER = /^[A-Za-z0-9]{1,34}$/;

/** The bank's duplicate-message control: a MsgId already executed, with other content (DU01). */
class ReusedMessageIdError extends BankMessageError {}

export class BankSimulator {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly stateFile: string,
    private state: SimulatorState,
    private readonly now: () => Date,
  ) {}

  static async open(stateFile: string, options: BankSimulatorOptions = {}): Promise<BankSimulator> {
    return new BankSimulator(stateFile, await loadState(stateFile), options.now ?? (() => new Date()));
  }

  /** Opens the account if needed and credits it with `fen` (0n just opens it). */
  async fund(accountNumber: string, fen: bigint): Promise<void> {
    if (typeof accountNumber !== "string" || !ACCOUNT_NUMBER.test(accountNumber)) throw new RangeError(`account number: 1 to 34 letters or digits, got ${JSON.stringify(accountNumber)}`);
    if (typeof fen !== "bigint" || fen < 0n) throw new RangeError(`fund ${accountNumber}: a bigint ≥ 0 fen is required, got ${String(fen)}`);
    return this.exclusive(() => this.commit((state) => void state.accounts.set(accountNumber, (state.accounts.get(accountNumber) ?? 0n) + fen)));
  }

  /** Balance in fen, or null for an account this bank does not keep. */
  balanceOf(accountNumber: string): bigint | null {
    return this.state.accounts.get(accountNumber) ?? null;
  }

  /** Every payment executed, in booking order. */
  journal(): JournalEntry[] {
    return this.state.journal.map((entry) => ({ ...entry }));
  }

  /** Every transaction the bank was instructed, paid or rejected, as its pain.002 reported it. */
  outcomes(): Array<TransactionOutcome & { messageId: string }> {
    return [...this.state.instructions].flatMap(([messageId, outcome]) => outcome.transactions.map((tx) => ({ ...tx, messageId })));
  }

  hasExecuted(endToEndId: string): boolean {
    return this.state.journal.some((entry) => entry.endToEndId === endToEndId);
  }

  /** Executes an instruction (or recalls how it was executed) and returns the bank's answers. */
  processInstruction(xml: string): Promise<BankAnswers> {
    return this.exclusive(() => this.answer(parsePain001(xml), xml));
  }

  /** Answers every pain.001 in the engine's outbox not answered before, oldest name first. */
  processOutbox(dirs: OutboxDirectories): Promise<OutboxReport> {
    return this.exclusive(async () => {
      const report: OutboxReport = { answered: [], refused: [] };
      const names = (await readdir(dirs.outbox)).filter((name) => MESSAGE_NAME.test(name)).sort();
      for (const file of names) {
        if (this.state.files.has(file)) continue;
        // A refusal recorded before a crash is filed as recorded, whatever the file says now.
        const result = this.state.refusals.get(file) ?? (await this.executeFile(file, await readFile(path.join(dirs.outbox, file), "utf8")));
        const written: string[] = [];
        if ("answers" in result) {
          const { instruction, answers } = result;
          // The notification first: by the time the status report is there, so is the booking.
          if (answers.camt054 !== null) written.push(await this.deliver(dirs.inbox, `${instruction.messageId}-camt054.xml`, answers.camt054));
          written.push(await this.deliver(dirs.inbox, `${instruction.messageId}-pain002.xml`, answers.pain002));
          await this.commit((state) => void state.files.set(file, { messageId: instruction.messageId }));
          report.answered.push({ file, messageId: instruction.messageId, written });
        } else {
          const name = file.slice(0, -".xml".length);
          if (ANSWERABLE_ID.test(name)) written.push(await this.deliver(dirs.inbox, `${name}-pain002.xml`, rejectionOf(file, result)));
          await this.commit((state) => void state.files.set(file, { error: result.error }));
          report.refused.push({ file, error: result.error, written });
        }
      }
      return report;
    });
  }

  // ---------------------------------------------------------------- inside

  /** Executes an outbox file, or records why the bank refuses it whole (before anything is filed). */
  private async executeFile(file: string, xml: string): Promise<{ instruction: Pain001Instruction; answers: BankAnswers } | FileRefusal> {
    try {
      const instruction = parsePain001(xml);
      // Checked before executing: a payment whose answer could not be filed would be paid unannounced.
      if (!ANSWERABLE_ID.test(instruction.messageId)) throw new BankMessageError("BAD_VALUE", `MsgId ${JSON.stringify(instruction.messageId)} cannot name an answer file`);
      return { instruction, answers: await this.answer(instruction, xml) };
    } catch (error) {
      if (!(error instanceof BankMessageError)) throw error; // I/O trouble: try again next run
      // The file's own MsgId when it can be read and written back; else the name the engine gave the file.
      const { messageId, messageNameId } = identifyPain001(xml);
      const refusal: FileRefusal = {
        reasonCode: error instanceof ReusedMessageIdError ? "DU01" : "FF01",
        error: error.message,
        originalMessageId: messageId !== null && ANSWERABLE_ID.test(messageId) ? messageId : file.slice(0, -".xml".length),
        originalMessageNameId: messageNameId,
        refusedAt: this.clock().toISOString(),
      };
      return this.commit((state) => {
        state.refusals.set(file, refusal);
        return refusal;
      });
    }
  }

  private async answer(instruction: Pain001Instruction, xml: string): Promise<BankAnswers> {
    const digest = digestOf(xml);
    let outcome = this.state.instructions.get(instruction.messageId);
    if (outcome !== undefined && outcome.digest !== digest) {
      throw new ReusedMessageIdError("BAD_VALUE", `MsgId ${instruction.messageId} was already used by a different instruction`);
    }
    if (outcome === undefined) {
      const at = this.clock();
      outcome = await this.commit((state) => executeInstruction(state, instruction, digest, at));
    }
    return render(instruction, outcome);
  }

  private clock(): Date {
    const at = this.now();
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError("the simulator's clock returned an invalid Date");
    return at;
  }

  private async deliver(inbox: string, name: string, xml: string): Promise<string> {
    await writeFileAtomic(path.join(inbox, name), xml);
    return name;
  }

  /** Applies `change` to a copy, writes it, and only then makes it the state: a failed write changes nothing. */
  private async commit<T>(change: (draft: SimulatorState) => T): Promise<T> {
    const draft = structuredClone(this.state);
    const result = change(draft);
    await saveState(this.stateFile, draft);
    this.state = draft;
    return result;
  }

  /** One operation at a time: each reads the state the previous one left. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function render(instruction: Pain001Instruction, outcome: InstructionOutcome): BankAnswers {
  return { pain002: buildStatusReport(instruction, outcome), camt054: buildDebitNotification(instruction, outcome) };
}

function rejectionOf(file: string, refusal: FileRefusal): string {
  return buildGroupRejection({
    messageId: rejectionReportId(file),
    originalMessageId: refusal.originalMessageId,
    originalMessageNameId: refusal.originalMessageNameId,
    reasonCode: refusal.reasonCode,
    reasonText: refusal.error,
    at: new Date(refusal.refusedAt),
  });
}
