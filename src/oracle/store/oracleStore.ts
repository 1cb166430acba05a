/**
 * The oracle's records: every request it received (kept for audit, refused or not), the invoice
 * reservations of pending attestations, and the documents its offline verifiers know.
 */
import type { VatInvoice } from "../package/types.js";
import { ORACLE_SCHEMA } from "./schema.js";
import type { SqlClient } from "../../storage/sqlClient.js";

export type RequestOutcome = "attested" | "refused" | "rejected";

export interface RequestRecord {
  id: string;
  route: string;
  requester: string | null;
  httpStatus: number;
  outcome: RequestOutcome;
  errorCode: string | null;
  failures: unknown[] | null;
  /** The body as received (JSON text, or an excerpt of what could not be parsed). */
  body: string | null;
  packageHash: string | null;
  attestation: unknown | null;
}

export interface StoredRequest extends RequestRecord {
  receivedAt: Date;
}

export interface Reservation {
  documentKey: string;
  requestId: string;
  packageHash: string;
  reservedUntil: number;
}

export type ReserveResult = { reserved: true } | { reserved: false; conflicts: string[] };

export class OracleStore {
  constructor(private readonly sql: SqlClient) {}

  async migrate(): Promise<void> {
    for (const statement of ORACLE_SCHEMA.split(";").map((part) => part.trim()).filter(Boolean)) {
      await this.sql.query(statement);
    }
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  async recordRequest(record: RequestRecord): Promise<void> {
    await this.sql.query(
      `INSERT INTO oracle_requests (id, route, requester, http_status, outcome, error_code, failures, body, package_hash, attestation)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        record.id,
        record.route,
        record.requester,
        record.httpStatus,
        record.outcome,
        record.errorCode,
        record.failures === null ? null : JSON.stringify(record.failures),
        record.body,
        record.packageHash,
        record.attestation === null ? null : JSON.stringify(record.attestation),
      ],
    );
  }

  async requestById(id: string): Promise<StoredRequest | null> {
    const rows = await this.sql.query<RequestRow>(`SELECT * FROM oracle_requests WHERE id = $1`, [id]);
    return rows.length === 0 ? null : requestFromRow(rows[0]);
  }

  async countRequests(): Promise<Record<RequestOutcome, number>> {
    const rows = await this.sql.query<{ outcome: RequestOutcome; n: string | number }>(
      `SELECT outcome, count(*) AS n FROM oracle_requests GROUP BY outcome`,
    );
    const counts: Record<RequestOutcome, number> = { attested: 0, refused: 0, rejected: 0 };
    for (const row of rows) counts[row.outcome] = Number(row.n);
    return counts;
  }

  /** The attestation already given for exactly this package, if any (a retried request gets the same answer). */
  async attestationForPackage(packageHash: string): Promise<unknown | null> {
    const rows = await this.sql.query<{ attestation: string }>(
      `SELECT attestation FROM oracle_requests WHERE package_hash = $1 AND outcome = 'attested' ORDER BY received_at LIMIT 1`,
      [packageHash],
    );
    return rows.length === 0 ? null : JSON.parse(rows[0].attestation);
  }

  /** Reservations of these keys still in force at `now`. */
  async activeReservations(documentKeys: string[], now: number): Promise<Map<string, Reservation>> {
    if (documentKeys.length === 0) return new Map();
    const rows = await this.sql.query<{ document_key: string; request_id: string; package_hash: string; reserved_until: string | number }>(
      `SELECT * FROM invoice_reservations WHERE document_key = ANY($1::text[]) AND reserved_until > $2`,
      [documentKeys, now],
    );
    return new Map(
      rows.map((row) => [
        row.document_key,
        { documentKey: row.document_key, requestId: row.request_id, packageHash: row.package_hash, reservedUntil: Number(row.reserved_until) },
      ]),
    );
  }

  /**
   * Reserves every key until `until`, all or none. A key is free when it has no reservation, only an
   * expired one, or one for this same package (a retry: the attestor treats it as unused too, and signs the
   * same attestation). Two requests racing for one invoice: exactly one gets it (the row lock decides).
   */
  async reserve(documentKeys: string[], requestId: string, packageHash: string, until: number, now: number): Promise<ReserveResult> {
    try {
      await this.sql.transaction(async (tx) => {
        const conflicts: string[] = [];
        // One lock order for every request: two requests taking the same keys in opposite orders would deadlock.
        for (const documentKey of [...documentKeys].sort()) {
          const taken = await tx.query(
            `INSERT INTO invoice_reservations (document_key, request_id, package_hash, reserved_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (document_key) DO UPDATE
               SET request_id = EXCLUDED.request_id, package_hash = EXCLUDED.package_hash, reserved_until = EXCLUDED.reserved_until
               WHERE invoice_reservations.reserved_until <= $5 OR invoice_reservations.package_hash = EXCLUDED.package_hash
             RETURNING document_key`,
            [documentKey, requestId, packageHash, until, now],
          );
          if (taken.length === 0) conflicts.push(documentKey);
        }
        if (conflicts.length > 0) throw new ReservationConflict(conflicts);
      });
      return { reserved: true };
    } catch (error) {
      if (error instanceof ReservationConflict) return { reserved: false, conflicts: error.conflicts };
      throw error;
    }
  }

  async putKnownInvoice(invoiceKey: string, invoice: VatInvoice, voided = false): Promise<void> {
    await this.sql.query(
      `INSERT INTO known_invoices (invoice_key, record, voided) VALUES ($1, $2, $3)
       ON CONFLICT (invoice_key) DO UPDATE SET record = EXCLUDED.record, voided = EXCLUDED.voided`,
      [invoiceKey, JSON.stringify(invoice), voided],
    );
  }

  async knownInvoice(invoiceKey: string): Promise<{ invoice: VatInvoice; voided: boolean } | null> {
    const rows = await this.sql.query<{ record: string; voided: boolean }>(`SELECT record, voided FROM known_invoices WHERE invoice_key = $1`, [
      invoiceKey,
    ]);
    return rows.length === 0 ? null : { invoice: JSON.parse(rows[0].record) as VatInvoice, voided: rows[0].voided };
  }

  async putKnownDelivery(documentHash: string, kind: string, date: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO known_deliveries (document_hash, kind, date) VALUES ($1, $2, $3)
       ON CONFLICT (document_hash) DO UPDATE SET kind = EXCLUDED.kind, date = EXCLUDED.date`,
      [documentHash.toLowerCase(), kind, date],
    );
  }

  async knownDelivery(documentHash: string): Promise<{ kind: string; date: string } | null> {
    const rows = await this.sql.query<{ kind: string; date: string }>(`SELECT kind, date FROM known_deliveries WHERE document_hash = $1`, [
      documentHash.toLowerCase(),
    ]);
    return rows.length === 0 ? null : rows[0];
  }
}

class ReservationConflict extends Error {
  constructor(readonly conflicts: string[]) {
    super("document keys already reserved");
  }
}

interface RequestRow extends Record<string, unknown> {
  id: string;
  received_at: Date | string;
  route: string;
  requester: string | null;
  http_status: number;
  outcome: RequestOutcome;
  error_code: string | null;
  failures: string | null;
  body: string | null;
  package_hash: string | null;
  attestation: string | null;
}

function requestFromRow(row: RequestRow): StoredRequest {
  return {
    id: row.id,
    receivedAt: new Date(row.received_at),
    route: row.route,
    requester: row.requester,
    httpStatus: row.http_status,
    outcome: row.outcome,
    errorCode: row.error_code,
    failures: row.failures === null ? null : (JSON.parse(row.failures) as unknown[]),
    body: row.body,
    packageHash: row.package_hash,
    attestation: row.attestation === null ? null : JSON.parse(row.attestation),
  };
}
