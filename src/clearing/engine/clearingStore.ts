/** The clearing engine's records (see schema.ts); every method is one statement or one transaction. */
import type { SqlClient, SqlExecutor } from "../../storage/sqlClient.js";
import type { ReconciliationException } from "../reconcile/reconcile.js";
import type { Payout, PayoutRole } from "../types.js";
import { CLEARING_SCHEMA } from "./schema.js";

export type PayoutState = "instructed" | "booked" | "rejected" | "reversed";

export interface StoredPayout extends Payout {
  state: PayoutState;
  messageName: string;
  /** The PmtInf block of that message carrying it (null for payouts recorded without one). */
  paymentInformationId: string | null;
}

export interface StoredVoucher {
  voucherId: bigint;
  issuer: string;
  clearingBank: string;
  maturity: bigint;
  owed: bigint;
  rounds: number;
  lastRoundAt: number;
  overdue: boolean;
}

/** One message to a clearing bank: the vouchers it pays (first round or a retry) and their payouts. */
export interface Instruction {
  clearingBank: string;
  vouchers: StoredVoucher[];
  /** Each with the PmtInfId of its block in the message, when it has one. */
  payouts: Array<Payout & { paymentInformationId?: string }>;
  messageName: string;
  xml: string;
}

export interface PendingConfirmation {
  pieceId: bigint;
  voucherId: bigint;
  clearingBank: string;
  bankReference: string;
}

export class ClearingStore {
  constructor(private readonly sql: SqlClient) {}

  async migrate(): Promise<void> {
    for (const statement of CLEARING_SCHEMA.split(";").map((part) => part.trim()).filter(Boolean)) await this.sql.query(statement);
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  async voucher(voucherId: bigint): Promise<StoredVoucher | null> {
    const rows = await this.sql.query<VoucherRow>(`SELECT * FROM clearing_vouchers WHERE voucher_id = $1`, [voucherId.toString()]);
    return rows.length === 0 ? null : voucherFromRow(rows[0]);
  }

  async vouchers(): Promise<StoredVoucher[]> {
    return (await this.sql.query<VoucherRow>(`SELECT * FROM clearing_vouchers ORDER BY maturity, voucher_id`)).map(voucherFromRow);
  }

  /** First instructions, or later rounds for rejected payouts: vouchers, payouts and the message in one transaction. */
  async recordInstruction(instruction: Instruction): Promise<void> {
    const { clearingBank, vouchers, payouts, messageName, xml } = instruction;
    await this.sql.transaction(async (tx) => {
      for (const voucher of vouchers) {
        await tx.query(
          `INSERT INTO clearing_vouchers (voucher_id, issuer, clearing_bank, maturity, owed, rounds, last_round_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (voucher_id) DO UPDATE SET rounds = EXCLUDED.rounds, last_round_at = EXCLUDED.last_round_at`,
          [voucher.voucherId.toString(), voucher.issuer, voucher.clearingBank, voucher.maturity.toString(), voucher.owed.toString(), voucher.rounds, voucher.lastRoundAt],
        );
      }
      for (const payout of payouts) {
        const written = await tx.query(
          `INSERT INTO clearing_payouts (end_to_end_id, voucher_id, piece_id, role, payee, amount, message_name, payment_information_id, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'instructed')
           ON CONFLICT (end_to_end_id) DO UPDATE
             SET message_name = EXCLUDED.message_name, payment_information_id = EXCLUDED.payment_information_id, state = 'instructed', reason = NULL
           WHERE clearing_payouts.state = 'rejected'
           RETURNING end_to_end_id`,
          [payout.endToEndId, payout.voucherId.toString(), payout.pieceId.toString(), payout.role, payout.payee, payout.amount.toString(), messageName, payout.paymentInformationId ?? null],
        );
        // Neither new nor rejected: it is waiting on (or paid by) another message, and must not go out twice.
        if (written.length === 0) throw new Error(`payout ${payout.endToEndId} is already instructed or paid; ${messageName} is not recorded`);
      }
      await tx.query(`INSERT INTO clearing_outbox (message_name, clearing_bank, xml) VALUES ($1, $2, $3)`, [messageName, clearingBank, xml]);
    });
  }

  /** How many messages were recorded under names starting with `prefix` (to number the next one). */
  async messageCount(prefix: string): Promise<number> {
    const rows = await this.sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM clearing_outbox WHERE starts_with(message_name, $1)`, [prefix]);
    return rows[0].count;
  }

  async unsentMessages(): Promise<Array<{ name: string; clearingBank: string; xml: string }>> {
    const rows = await this.sql.query<{ message_name: string; clearing_bank: string; xml: string }>(
      `SELECT message_name, clearing_bank, xml FROM clearing_outbox WHERE NOT sent ORDER BY message_name`,
    );
    return rows.map((row) => ({ name: row.message_name, clearingBank: row.clearing_bank, xml: row.xml }));
  }

  async markSent(name: string): Promise<void> {
    await this.sql.query(`UPDATE clearing_outbox SET sent = true WHERE message_name = $1`, [name]);
  }

  async payouts(where: { voucherId?: bigint; messageName?: string } = {}): Promise<StoredPayout[]> {
    const conditions: string[] = [];
    const params: string[] = [];
    if (where.voucherId !== undefined) conditions.push(`voucher_id = $${params.push(where.voucherId.toString())}`);
    if (where.messageName !== undefined) conditions.push(`message_name = $${params.push(where.messageName)}`);
    const rows = await this.sql.query<PayoutRow>(
      `SELECT * FROM clearing_payouts ${conditions.length ? `WHERE ${conditions.join(" AND ")}` : ""} ORDER BY end_to_end_id`,
      params,
    );
    return rows.map(payoutFromRow);
  }

  /** Every payout of the vouchers that any of these EndToEndIds belongs to (what one bank file can touch). */
  async payoutsOfVouchersOf(endToEndIds: string[]): Promise<StoredPayout[]> {
    if (endToEndIds.length === 0) return [];
    const rows = await this.sql.query<PayoutRow>(
      `SELECT * FROM clearing_payouts WHERE voucher_id IN (SELECT voucher_id FROM clearing_payouts WHERE end_to_end_id = ANY($1::text[]))
       ORDER BY end_to_end_id`,
      [endToEndIds],
    );
    return rows.map(payoutFromRow);
  }

  async isProcessed(messageName: string): Promise<boolean> {
    return (await this.sql.query(`SELECT 1 FROM clearing_inbox WHERE message_name = $1`, [messageName])).length > 0;
  }

  /** Applies one bank file: bookings, rejections, exceptions, new confirmations, and the file as processed — all or nothing. */
  async applyBankFile(change: {
    messageName: string;
    kind: string;
    booked: string[];
    rejected: Array<{ endToEndId: string; reason: string }>;
    /** Booked payments the bank returned: no longer paid, and their pieces not to be confirmed. */
    reversed: Array<{ endToEndId: string; pieceId: bigint }>;
    exceptions: ReconciliationException[];
    confirmations: PendingConfirmation[];
  }): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const id of change.booked) await tx.query(`UPDATE clearing_payouts SET state = 'booked', reason = NULL WHERE end_to_end_id = $1`, [id]);
      for (const { endToEndId, reason } of change.rejected) {
        await tx.query(`UPDATE clearing_payouts SET state = 'rejected', reason = $2 WHERE end_to_end_id = $1 AND state = 'instructed'`, [endToEndId, reason]);
      }
      for (const { endToEndId, pieceId } of change.reversed) {
        await tx.query(`UPDATE clearing_payouts SET state = 'reversed', reason = 'reversed by the bank after booking' WHERE end_to_end_id = $1`, [endToEndId]);
        await tx.query(`DELETE FROM clearing_confirmations WHERE piece_id = $1 AND state = 'pending'`, [pieceId.toString()]);
      }
      for (const exception of change.exceptions) await insertException(tx, change.messageName, exception);
      for (const confirmation of change.confirmations) {
        await tx.query(
          `INSERT INTO clearing_confirmations (piece_id, voucher_id, clearing_bank, bank_reference, state) VALUES ($1, $2, $3, $4, 'pending')
           ON CONFLICT (piece_id) DO NOTHING`,
          [confirmation.pieceId.toString(), confirmation.voucherId.toString(), confirmation.clearingBank, confirmation.bankReference],
        );
      }
      await tx.query(`INSERT INTO clearing_inbox (message_name, kind) VALUES ($1, $2)`, [change.messageName, change.kind]);
    });
  }

  async recordException(source: string, exception: ReconciliationException): Promise<void> {
    await insertException(this.sql, source, exception);
  }

  async exceptions(): Promise<Array<ReconciliationException & { source: string }>> {
    const rows = await this.sql.query<{ source: string; code: string; end_to_end_id: string | null; message: string }>(
      `SELECT source, code, end_to_end_id, message FROM clearing_exceptions ORDER BY id`,
    );
    return rows.map((row) => ({ source: row.source, code: row.code as ReconciliationException["code"], endToEndId: row.end_to_end_id, message: row.message }));
  }

  async pendingConfirmations(): Promise<PendingConfirmation[]> {
    const rows = await this.sql.query<{ piece_id: string; voucher_id: string; clearing_bank: string; bank_reference: string }>(
      `SELECT piece_id, voucher_id, clearing_bank, bank_reference FROM clearing_confirmations WHERE state = 'pending' ORDER BY voucher_id, piece_id`,
    );
    return rows.map((row) => ({ pieceId: BigInt(row.piece_id), voucherId: BigInt(row.voucher_id), clearingBank: row.clearing_bank, bankReference: row.bank_reference }));
  }

  async markConfirmed(pieceIds: bigint[], transaction: string | null): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const pieceId of pieceIds) {
        await tx.query(`UPDATE clearing_confirmations SET state = 'confirmed', transactions = $2 WHERE piece_id = $1`, [pieceId.toString(), transaction]);
      }
    });
  }

  /** Pieces recorded as settled on-chain, with their clearing bank. */
  async confirmedPieces(): Promise<Array<{ pieceId: bigint; clearingBank: string }>> {
    const rows = await this.sql.query<{ piece_id: string; clearing_bank: string }>(`SELECT piece_id, clearing_bank FROM clearing_confirmations WHERE state = 'confirmed' ORDER BY piece_id`);
    return rows.map((row) => ({ pieceId: BigInt(row.piece_id), clearingBank: row.clearing_bank }));
  }

  /** Confirmations to be sent again: the chain does not hold the settlements recorded for them. */
  async reopenConfirmations(pieceIds: bigint[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const pieceId of pieceIds) await tx.query(`UPDATE clearing_confirmations SET state = 'pending', transactions = NULL WHERE piece_id = $1`, [pieceId.toString()]);
    });
  }

  /** Overdue marks to be made again: the chain does not hold them. */
  async clearOverdue(voucherIds: bigint[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const voucherId of voucherIds) await tx.query(`UPDATE clearing_vouchers SET overdue = false WHERE voucher_id = $1`, [voucherId.toString()]);
    });
  }

  async markOverdue(voucherId: bigint): Promise<void> {
    await this.sql.query(`UPDATE clearing_vouchers SET overdue = true WHERE voucher_id = $1`, [voucherId.toString()]);
  }
}

async function insertException(executor: SqlExecutor, source: string, exception: ReconciliationException): Promise<void> {
  await executor.query(`INSERT INTO clearing_exceptions (source, code, end_to_end_id, message) VALUES ($1, $2, $3, $4)`, [
    source,
    exception.code,
    exception.endToEndId,
    exception.message,
  ]);
}

interface VoucherRow extends Record<string, unknown> {
  voucher_id: string;
  issuer: string;
  clearing_bank: string;
  maturity: string | number;
  owed: string;
  rounds: number;
  last_round_at: string | number;
  overdue: boolean;
}

function voucherFromRow(row: VoucherRow): StoredVoucher {
  return {
    voucherId: BigInt(row.voucher_id),
    issuer: row.issuer,
    clearingBank: row.clearing_bank,
    maturity: BigInt(row.maturity),
    owed: BigInt(row.owed),
    rounds: Number(row.rounds),
    lastRoundAt: Number(row.last_round_at),
    overdue: row.overdue,
  };
}

interface PayoutRow extends Record<string, unknown> {
  end_to_end_id: string;
  voucher_id: string;
  piece_id: string;
  role: string;
  payee: string;
  amount: string;
  message_name: string;
  payment_information_id: string | null;
  state: PayoutState;
}

function payoutFromRow(row: PayoutRow): StoredPayout {
  return {
    endToEndId: row.end_to_end_id,
    voucherId: BigInt(row.voucher_id),
    pieceId: BigInt(row.piece_id),
    role: row.role as PayoutRole,
    payee: row.payee,
    amount: BigInt(row.amount),
    messageName: row.message_name,
    paymentInformationId: row.payment_information_id,
    state: row.state,
  };
}
