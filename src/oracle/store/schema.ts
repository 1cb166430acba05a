/**
 * The oracle's tables (PostgreSQL dialect; PGlite runs it unchanged). Request bodies are kept as TEXT,
 * not JSONB: a hostile body may hold "\u0000", which JSONB refuses, and every request must be kept.
 */
export const ORACLE_SCHEMA = `
CREATE TABLE IF NOT EXISTS oracle_requests (
  id            TEXT PRIMARY KEY,
  received_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  route         TEXT NOT NULL,
  requester     TEXT,
  http_status   INTEGER NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('attested', 'refused', 'rejected')),
  error_code    TEXT,
  failures      TEXT,
  body          TEXT,
  package_hash  TEXT,
  attestation   TEXT
);
CREATE INDEX IF NOT EXISTS oracle_requests_package_hash ON oracle_requests (package_hash);

-- An invoice backs one voucher (R2): a pending attestation reserves its document keys until its deadline.
CREATE TABLE IF NOT EXISTS invoice_reservations (
  document_key    TEXT PRIMARY KEY,
  request_id      TEXT NOT NULL,
  package_hash    TEXT NOT NULL,
  reserved_until  BIGINT NOT NULL
);

-- The offline verification source: invoices and delivery documents the oracle has on record.
CREATE TABLE IF NOT EXISTS known_invoices (
  invoice_key  TEXT PRIMARY KEY,
  record       TEXT NOT NULL,
  voided       BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS known_deliveries (
  document_hash  TEXT PRIMARY KEY,
  kind           TEXT NOT NULL,
  date           TEXT NOT NULL
);
`;
