/**
 * The clearing engine: turns maturities into bank instructions and bank confirmations into on-chain
 * settlement (R10), and stops a core enterprise that does not pay (R11). One `tick` runs every step once:
 *
 *   ingest    every bank file → parsed, reconciled by EndToEndId, applied (one transaction), acknowledged
 *   confirm   every fully booked piece → settled on-chain by the clearing bank (already settled: skipped)
 *   default   an unpaid voucher past maturity + grace → marked overdue on-chain (its issuer defaults)
 *   plan      due vouchers → their payout plans → one pain.001 per clearing bank and day (a payment block
 *             per core enterprise), recorded with its payouts (one transaction)
 *   retry     rejected payouts → instructed again once the retry interval has passed (grouped the same way)
 *   send      every recorded, unsent instruction → the bank (idempotent by file name)
 *
 * Each step can be interrupted anywhere and run again: what was done is either in the database or
 * visible on the chain or in the bank's files, and each step looks before it acts.
 */
import { encodeBytes32String, keccak256, toUtf8Bytes, type Signer } from "ethers";
import type { VoucherLedger } from "../../../types/ethers-contracts/index.js";
import { BankClient } from "../../sdk/clients/bank.js";
import { PieceStatus } from "../../sdk/constants.js";
import type { BankAdapter } from "../bank/bankAdapter.js";
import type { MemberDirectory } from "../directory/memberDirectory.js";
import { buildPain001 } from "../iso20022/pain001.js";
import { parseBankMessage, type BankMessage } from "../iso20022/parse.js";
import { planPayouts } from "../payout/payoutPlan.js";
import { readVoucherForClearing } from "../payout/readVoucher.js";
import { reconcile } from "../reconcile/reconcile.js";
import { scopeStatusReport, type ScopedStatuses } from "../reconcile/statusScope.js";
import type { BookedEntry, Payout } from "../types.js";
import type { ClearingStore, PendingConfirmation, StoredVoucher } from "./clearingStore.js";

export interface ClearingEngineOptions {
  store: ClearingStore;
  /** Read access to the ledger. */
  ledger: VoucherLedger;
  directory: MemberDirectory;
  /** The host-to-host channel of each clearing bank, by its address (any case). */
  bankOf: (clearingBank: string) => BankAdapter;
  /** The signing key of each clearing bank the engine confirms for, by address (any case). */
  signerOf: (clearingBank: string) => Signer | undefined;
  /** The clearing banks this engine instructs for (default: every bank); vouchers of others are left to their engines. */
  clearingBanks?: readonly string[];
  /** Seconds before rejected payouts are instructed again (default one day). */
  retryAfter?: number;
  /** Offset of the banks' calendar, seconds east of UTC (Beijing: 8 h). */
  utcOffsetSeconds?: number;
  /** Told of every write the engine makes, as it makes it (for logs, and for the crash test's aim). */
  trace?: (event: TraceEvent, detail: Record<string, unknown>) => void;
}

/** The engine's writes: a database record, a transaction on the chain, a file to a bank. */
export type TraceEvent =
  | "instruction-recorded"
  | "message-delivered"
  | "message-marked-sent"
  | "bank-file-applied"
  | "bank-file-acknowledged"
  | "settlement-mined"
  | "settlement-recorded"
  | "overdue-mined"
  | "overdue-recorded";

export interface TickReport {
  planned: bigint[];
  sent: string[];
  ingested: string[];
  confirmed: bigint[];
  markedOverdue: bigint[];
  retried: bigint[];
  /** Vouchers due but not instructed, and why (e.g. a payee without a bank account in the directory). */
  held: Array<{ voucherId: bigint; reason: string }>;
  /** Steps (or one bank's part of a step) that failed; the others ran. Tried again on the next tick. */
  failures: Array<{ step: string; error: string }>;
}

interface DueVoucher {
  voucher: StoredVoucher;
  payouts: Payout[];
}

const DAY = 86_400;

export class ClearingEngine {
  private readonly retryAfter: number;
  private readonly utcOffsetSeconds: number;
  private readonly served: ReadonlySet<string> | null;
  private held: TickReport["held"] = [];
  private failures: TickReport["failures"] = [];

  constructor(private readonly options: ClearingEngineOptions) {
    this.served = options.clearingBanks === undefined ? null : new Set(options.clearingBanks.map((bank) => bank.toLowerCase()));
    this.retryAfter = options.retryAfter ?? DAY;
    this.utcOffsetSeconds = options.utcOffsetSeconds ?? 8 * 3600;
  }

  /**
   * Runs every step once at `now` (unix seconds; default the latest block's time). A step that fails is
   * reported in `failures` and does not stop the others: one piece the chain refuses to settle must not
   * stop every other voucher from being instructed and sent.
   */
  async tick(now?: number): Promise<TickReport> {
    const at = now ?? (await this.chainTime());
    this.held = [];
    this.failures = [];
    // What came in first, then what goes out, so that an instruction made in this run is also sent in it.
    const ingested = await this.step("ingest", () => this.ingestInbox());
    const confirmed = await this.step("confirm", () => this.confirmOnChain());
    const markedOverdue = await this.step("default", () => this.markDefaults(at));
    const planned = await this.step("plan", () => this.planDue(at));
    const retried = await this.step("retry", () => this.retryRejected(at));
    const sent = await this.step("send", () => this.sendOutbox());
    return { planned, sent, ingested, confirmed, markedOverdue, retried, held: this.held, failures: this.failures };
  }

  /** Vouchers at or past maturity with unsettled pieces, not yet instructed: one message per clearing bank and day. */
  async planDue(now: number): Promise<bigint[]> {
    const { ledger, store } = this.options;
    const due: DueVoucher[] = [];
    const instructed = new Set((await store.vouchers()).map((voucher) => voucher.voucherId));
    const count = await ledger.voucherCount();
    for (let voucherId = 1n; voucherId <= count; voucherId++) {
      if (instructed.has(voucherId)) continue;
      const voucher = await ledger.voucherOf(voucherId);
      if (Number(voucher.maturity) > now || Number(voucher.livePieces) === 0) continue;
      const read = await readVoucherForClearing(ledger, voucherId);
      const plan = planPayouts(read.voucher, read.pieces);
      const clearingBank = await ledger.clearingBankOf(plan.issuer);
      if (!this.serves(clearingBank)) continue;
      due.push({
        voucher: { voucherId, issuer: plan.issuer, clearingBank, maturity: plan.maturity, owed: plan.owed, rounds: 1, lastRoundAt: now, overdue: false },
        payouts: plan.payouts,
      });
    }
    return this.instruct(due, now);
  }

  async sendOutbox(): Promise<string[]> {
    const sent: string[] = [];
    for (const message of await this.options.store.unsentMessages()) {
      if (!this.serves(message.clearingBank)) continue;
      await this.part("send", message.clearingBank, async () => {
        await this.options.bankOf(message.clearingBank).send({ name: message.name, xml: message.xml });
        this.trace("message-delivered", { message: message.name });
        await this.options.store.markSent(message.name);
        this.trace("message-marked-sent", { message: message.name });
        sent.push(message.name);
      });
    }
    return sent;
  }

  /** Applies every bank file not applied before; a file seen again after a crash is only acknowledged. */
  async ingestInbox(): Promise<string[]> {
    const { store } = this.options;
    const ingested: string[] = [];
    for (const clearingBank of await this.banks()) {
      await this.part("ingest", clearingBank, async () => {
        const bank = this.options.bankOf(clearingBank);
        for (const file of await bank.receive()) {
          if (!(await store.isProcessed(file.name))) {
            await this.applyBankFile(file.name, file.xml);
            this.trace("bank-file-applied", { file: file.name });
            ingested.push(file.name);
          }
          await bank.acknowledge(file.name);
          this.trace("bank-file-acknowledged", { file: file.name });
        }
      });
    }
    return ingested;
  }

  /** Settles fully booked pieces on-chain, in the ledger's batch size, skipping what is already settled. */
  async confirmOnChain(): Promise<bigint[]> {
    const { store, ledger } = this.options;
    const pending = await store.pendingConfirmations();
    const confirmed: bigint[] = [];
    const byBank = new Map<string, PendingConfirmation[]>();
    for (const confirmation of pending) byBank.set(confirmation.clearingBank, [...(byBank.get(confirmation.clearingBank) ?? []), confirmation]);
    for (const [clearingBank, confirmations] of byBank) {
      const signer = this.options.signerOf(clearingBank);
      if (signer === undefined || !this.serves(clearingBank)) continue; // another engine confirms for that bank
      await this.part("confirm", clearingBank, async () => {
        // A settlement sent before a crash is on the chain already: record it, do not send it again.
        const open: PendingConfirmation[] = [];
        const done: bigint[] = [];
        for (const confirmation of confirmations) {
          const piece = await ledger.pieceOf(confirmation.pieceId);
          if (Number(piece.status) === PieceStatus.Settled) done.push(confirmation.pieceId);
          else open.push(confirmation);
        }
        if (done.length > 0) await store.markConfirmed(done, null);
        confirmed.push(...done);
        if (open.length === 0) return;
        const bank = new BankClient(signer, await ledger.getAddress());
        const receipts = await bank.confirmSettlement(open.map(({ pieceId, bankReference }) => ({ pieceId, bankReference })));
        this.trace("settlement-mined", { pieces: open.length, transactions: receipts.map((receipt) => receipt.hash) });
        await store.markConfirmed(
          open.map((c) => c.pieceId),
          receipts.map((receipt) => receipt.hash).join(","),
        );
        this.trace("settlement-recorded", { pieces: open.length });
        confirmed.push(...open.map((c) => c.pieceId));
      });
    }
    return confirmed;
  }

  /**
   * Puts back to be done again what the store records as done on-chain but the chain does not hold:
   * settlements and overdue marks. A development node killed before it wrote its state loses its last blocks
   * while the store keeps everything; a real network does not lose mined blocks, so this is for the embedded
   * chain (npm start runs it at every start). Reads one piece or voucher per record, for the banks served.
   */
  async catchUpWithChain(): Promise<{ reopened: bigint[]; unmarked: bigint[] }> {
    const { store, ledger } = this.options;
    const reopened: bigint[] = [];
    for (const { pieceId, clearingBank } of await store.confirmedPieces()) {
      if (!this.serves(clearingBank)) continue;
      if (Number((await ledger.pieceOf(pieceId)).status) !== PieceStatus.Settled) reopened.push(pieceId);
    }
    const unmarked: bigint[] = [];
    for (const voucher of await store.vouchers()) {
      if (voucher.overdue && this.serves(voucher.clearingBank) && !(await ledger.voucherOf(voucher.voucherId)).overdue) unmarked.push(voucher.voucherId);
    }
    if (reopened.length > 0) await store.reopenConfirmations(reopened);
    if (unmarked.length > 0) await store.clearOverdue(unmarked);
    return { reopened, unmarked };
  }

  /** A voucher not fully paid by maturity + grace is marked overdue: its issuer can no longer issue (R11). */
  async markDefaults(now: number): Promise<bigint[]> {
    const { store, ledger } = this.options;
    const grace = Number((await ledger.policy()).gracePeriod);
    const marked: bigint[] = [];
    for (const voucher of await store.vouchers()) {
      if (voucher.overdue || now < Number(voucher.maturity) + grace || !this.serves(voucher.clearingBank)) continue;
      const unpaid = (await store.payouts({ voucherId: voucher.voucherId })).some((payout) => payout.state !== "booked");
      if (!unpaid) continue;
      await this.part("default", voucher.clearingBank, async () => {
        const onChain = await ledger.voucherOf(voucher.voucherId);
        if (!onChain.overdue && Number(onChain.livePieces) > 0) {
          const signer = this.options.signerOf(voucher.clearingBank);
          if (signer === undefined) return;
          await (await ledger.connect(signer).markOverdue(voucher.voucherId)).wait();
          this.trace("overdue-mined", { voucher: voucher.voucherId });
        }
        await store.markOverdue(voucher.voucherId);
        this.trace("overdue-recorded", { voucher: voucher.voucherId });
        marked.push(voucher.voucherId);
      });
    }
    return marked;
  }

  /** Rejected payouts (e.g. insufficient funds) are instructed again once the retry interval has passed. */
  async retryRejected(now: number): Promise<bigint[]> {
    const { store } = this.options;
    const due: DueVoucher[] = [];
    for (const voucher of await store.vouchers()) {
      if (now < voucher.lastRoundAt + this.retryAfter || !this.serves(voucher.clearingBank)) continue;
      const rejected = (await store.payouts({ voucherId: voucher.voucherId })).filter((payout) => payout.state === "rejected");
      if (rejected.length > 0) due.push({ voucher: { ...voucher, rounds: voucher.rounds + 1, lastRoundAt: now }, payouts: rejected });
    }
    return this.instruct(due, now);
  }

  // ---------------------------------------------------------------- inside

  /**
   * Records one pain.001 per clearing bank and execution day, with a payment block per core enterprise.
   * A voucher whose parties the member directory cannot pay is held back (reported in the tick), so that
   * one missing bank account does not stop the others.
   */
  private async instruct(due: DueVoucher[], now: number): Promise<bigint[]> {
    const { directory, store } = this.options;
    const messages = new Map<string, DueVoucher[]>();
    for (const item of due) {
      const missing = directory.missing([item.voucher.issuer, item.voucher.clearingBank, ...item.payouts.map((payout) => payout.payee)]);
      if (missing.length > 0) {
        this.held.push({ voucherId: item.voucher.voucherId, reason: `no bank account in the member directory for ${missing.join(", ")}` });
        continue;
      }
      const key = `${item.voucher.clearingBank.toLowerCase()} ${this.bankDay(Math.max(now, Number(item.voucher.maturity)))}`;
      messages.set(key, [...(messages.get(key) ?? []), item]);
    }
    const instructed: bigint[] = [];
    for (const [key, items] of messages) {
      const [clearingBank, executionDate] = key.split(" ");
      // Numbered per bank and day: a crash before the commit leaves nothing, and the re-run takes the same number.
      const prefix = `EVPAIN-${executionDate.replaceAll("-", "")}-${clearingBank.slice(2, 8).toUpperCase()}-`;
      // Zero-padded so that names sort in the order they were made (the bank executes them in that order).
      const messageId = `${prefix}${String((await store.messageCount(prefix)) + 1).padStart(4, "0")}`;
      const byIssuer = new Map<string, DueVoucher[]>();
      for (const item of items) byIssuer.set(item.voucher.issuer, [...(byIssuer.get(item.voucher.issuer) ?? []), item]);
      const payments = [...byIssuer].map(([issuer, vouchers], index) => {
        const debtor = directory.memberOf(issuer)!;
        return {
          paymentInformationId: `${messageId}-${index + 1}`,
          requestedExecutionDate: executionDate,
          debtor: { name: debtor.name, uscc: debtor.uscc, account: debtor.bankAccount },
          transactions: vouchers.flatMap((voucher) => voucher.payouts).map((payout) => ({ payout, creditor: directory.accountOf(payout.payee) })),
        };
      });
      const bank = directory.memberOf(clearingBank)!;
      const xml = buildPain001({ messageId, createdAt: new Date(now * 1000), initiatingParty: { name: bank.name, uscc: bank.uscc }, payments });
      await store.recordInstruction({
        clearingBank: items[0].voucher.clearingBank,
        vouchers: items.map((item) => item.voucher),
        payouts: payments.flatMap(({ paymentInformationId, transactions }) => transactions.map(({ payout }) => ({ ...payout, paymentInformationId }))),
        messageName: `${messageId}.xml`,
        xml,
      });
      this.trace("instruction-recorded", { message: `${messageId}.xml`, vouchers: items.map((item) => item.voucher.voucherId) });
      instructed.push(...items.map((item) => item.voucher.voucherId));
    }
    return instructed;
  }

  private async applyBankFile(name: string, xml: string): Promise<void> {
    const { store } = this.options;
    let message: BankMessage;
    try {
      message = parseBankMessage(xml);
    } catch (error) {
      await store.applyBankFile({
        messageName: name,
        kind: "unreadable",
        booked: [],
        rejected: [],
        reversed: [],
        exceptions: [{ code: "UNREADABLE_BANK_FILE", endToEndId: null, message: `The bank file ${name} could not be read: ${(error as Error).message}` }],
        confirmations: [],
      });
      return;
    }
    const entries: BookedEntry[] = message.kind === "pain.002" ? [] : message.entries;
    // A status report may change only the payouts its original message carries now.
    const carried = message.kind === "pain.002" ? await store.payouts({ messageName: `${message.originalMessageId}.xml` }) : [];

    // Only the vouchers this file speaks of: an id matching none of them is unknown either way.
    const mentioned = [
      ...(message.kind === "pain.002" ? message.transactions.map((status) => status.endToEndId) : []),
      ...carried.map((payout) => payout.endToEndId),
      ...entries.flatMap((entry) => (entry.endToEndId === null ? [] : [entry.endToEndId])),
    ];
    const all = await store.payoutsOfVouchersOf(mentioned);
    const scoped: ScopedStatuses =
      message.kind === "pain.002" ? scopeStatusReport(message, carried, new Set(all.map((payout) => payout.endToEndId))) : { statuses: [], exceptions: [] };
    const inState = (state: string) => new Set(all.filter((p) => p.state === state).map((p) => p.endToEndId));
    const result = reconcile({
      instructed: all,
      previouslyBooked: inState("booked"),
      previouslyRejected: inState("rejected"),
      previouslyReversed: inState("reversed"),
      statuses: scoped.statuses,
      entries,
    });
    // Payouts come sorted by EndToEndId: the first of a piece names it on-chain.
    const firstPayoutOf = new Map<bigint, Payout>();
    for (const payout of all) if (!firstPayoutOf.has(payout.pieceId)) firstPayoutOf.set(payout.pieceId, payout);
    const clearingBankOf = new Map<bigint, string>();
    const confirmations: PendingConfirmation[] = [];
    for (const pieceId of result.confirmablePieces) {
      const first = firstPayoutOf.get(pieceId)!;
      if (!clearingBankOf.has(first.voucherId)) clearingBankOf.set(first.voucherId, (await store.voucher(first.voucherId))!.clearingBank);
      confirmations.push({ pieceId, voucherId: first.voucherId, clearingBank: clearingBankOf.get(first.voucherId)!, bankReference: bankReferenceOf(first.endToEndId) });
    }
    await store.applyBankFile({
      messageName: name,
      kind: message.kind,
      booked: result.booked.map((payout) => payout.endToEndId),
      rejected: result.rejected.map(({ payout, reasonCode, reasonText }) => ({ endToEndId: payout.endToEndId, reason: [reasonCode, reasonText].filter(Boolean).join(" ") })),
      reversed: result.reversed.map((payout) => ({ endToEndId: payout.endToEndId, pieceId: payout.pieceId })),
      exceptions: [...scoped.exceptions, ...result.exceptions],
      confirmations,
    });
  }

  /** The served clearing banks with instructions: only they have anything to answer. */
  private async banks(): Promise<string[]> {
    const banks = new Set((await this.options.store.vouchers()).map((voucher) => voucher.clearingBank.toLowerCase()));
    return [...banks].filter((bank) => this.serves(bank));
  }

  private serves(clearingBank: string): boolean {
    return this.served === null || this.served.has(clearingBank.toLowerCase());
  }

  /** Runs a step; a failure is recorded and the step's result is empty. */
  private async step<T>(name: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (error) {
      this.failures.push({ step: name, error: messageOf(error) });
      return [];
    }
  }

  /** One bank's (or one voucher's) part of a step: its failure is recorded, the rest of the step goes on. */
  private async part(step: string, clearingBank: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.failures.push({ step: `${step} (${clearingBank})`, error: messageOf(error) });
    }
  }

  private trace(event: TraceEvent, detail: Record<string, unknown>): void {
    this.options.trace?.(event, detail);
  }

  private bankDay(seconds: number): string {
    return new Date((seconds + this.utcOffsetSeconds) * 1000).toISOString().slice(0, 10);
  }

  private async chainTime(): Promise<number> {
    const block = await this.options.ledger.runner!.provider!.getBlock("latest");
    return block!.timestamp;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/** The on-chain bank reference of a piece: its first payment's EndToEndId (hashed when longer than 31 bytes). */
export function bankReferenceOf(endToEndId: string): string {
  return endToEndId.length <= 31 ? encodeBytes32String(endToEndId) : keccak256(toUtf8Bytes(endToEndId));
}
