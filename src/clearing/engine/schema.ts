/**
 * The clearing engine's state (PostgreSQL dialect; PGlite runs it unchanged). Every step of the engine
 * reads and writes it in transactions, and every external effect (a file to the bank, a transaction on the
 * chain) is recorded before or checked after, so the engine can be killed at any point and resume.
 * Amounts and ids are TEXT holding decimal integers: fen and uint256 exceed BIGINT. No ";" inside a
 * statement or comment: migrate() splits on it.
 */
export const CLEARING_SCHEMA = `
CREATE TABLE IF NOT EXISTS clearing_vouchers (
  voucher_id     TEXT PRIMARY KEY,
  issuer         TEXT NOT NULL,
  clearing_bank  TEXT NOT NULL,
  maturity       BIGINT NOT NULL,
  owed           TEXT NOT NULL,
  rounds         INTEGER NOT NULL,
  last_round_at  BIGINT NOT NULL,
  overdue        BOOLEAN NOT NULL DEFAULT false
);

-- One row per payout, in state instructed, booked, rejected, or reversed (booked, then returned by the bank).
CREATE TABLE IF NOT EXISTS clearing_payouts (
  end_to_end_id  TEXT PRIMARY KEY,
  voucher_id     TEXT NOT NULL,
  piece_id       TEXT NOT NULL,
  role           TEXT NOT NULL,
  payee          TEXT NOT NULL,
  amount         TEXT NOT NULL,
  message_name   TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('instructed', 'booked', 'rejected', 'reversed')),
  reason         TEXT
);
CREATE INDEX IF NOT EXISTS clearing_payouts_piece ON clearing_payouts (piece_id);
-- The PmtInf block that carries the payout in its latest message: a bank may reject a whole block.
ALTER TABLE clearing_payouts ADD COLUMN IF NOT EXISTS payment_information_id TEXT;
-- Databases made before reversals were known keep the older state check: replace it.
ALTER TABLE clearing_payouts DROP CONSTRAINT IF EXISTS clearing_payouts_state_check;
ALTER TABLE clearing_payouts ADD CONSTRAINT clearing_payouts_state_check CHECK (state IN ('instructed', 'booked', 'rejected', 'reversed')) NOT VALID;

-- Instructions to the bank, written with the payouts they carry, sent afterwards (the outbox).
CREATE TABLE IF NOT EXISTS clearing_outbox (
  message_name   TEXT PRIMARY KEY,
  clearing_bank  TEXT NOT NULL,
  xml            TEXT NOT NULL,
  sent           BOOLEAN NOT NULL DEFAULT false
);

-- Bank files already applied: a file seen again after a crash is only acknowledged.
CREATE TABLE IF NOT EXISTS clearing_inbox (
  message_name   TEXT PRIMARY KEY,
  kind           TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS clearing_exceptions (
  id             SERIAL PRIMARY KEY,
  source         TEXT NOT NULL,
  code           TEXT NOT NULL,
  end_to_end_id  TEXT,
  message        TEXT NOT NULL
);

-- Pieces whose payouts are all booked, to be confirmed on-chain by the clearing bank (pending, then confirmed).
CREATE TABLE IF NOT EXISTS clearing_confirmations (
  piece_id        TEXT PRIMARY KEY,
  voucher_id      TEXT NOT NULL,
  clearing_bank   TEXT NOT NULL,
  bank_reference  TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')),
  transactions    TEXT
);
`;
