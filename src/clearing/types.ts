/**
 * The clearing engine's vocabulary: who is paid what for each piece at maturity (R10), the bank messages
 * that carry it, and what comes back. Amounts are integer fen (bigint) everywhere; currency is CNY.
 */

/** Why a payee is paid for a piece. */
export type PayoutRole =
  /** An unfinanced piece: its holder. */
  | "holder"
  /** A factored piece: the factor, holder of record. */
  | "factor"
  /** A pledged piece: the pledgee bank, secured principal plus interest (capped at the piece). */
  | "pledgee"
  /** A pledged piece: the holder, what is left after the pledgee. */
  | "pledgor"
  /** An enforced pledge: the pledgee bank, the whole piece. */
  | "enforced-pledgee";

export interface Payout {
  voucherId: bigint;
  pieceId: bigint;
  role: PayoutRole;
  /** The account (address) of the member paid; its bank account comes from the member directory. */
  payee: string;
  /** Fen, > 0. */
  amount: bigint;
  /**
   * ISO 20022 EndToEndId (≤ 35 characters), derived only from voucher, piece and role, so that a re-run
   * produces the same id and a bank can refuse a second payment under it.
   */
  endToEndId: string;
}

/** Every payout of one voucher at maturity; the amounts add up to what the voucher still owes. */
export interface PayoutPlan {
  voucherId: bigint;
  issuer: string;
  /** Unix seconds. */
  maturity: bigint;
  /** Sum of the live pieces' amounts, fen. */
  owed: bigint;
  payouts: Payout[];
}

/** A member's bank account, from the off-chain member directory (never on-chain). */
export interface BankAccount {
  /** Account holder's registered name. */
  name: string;
  /** Account number (digits). */
  accountNumber: string;
  /** CNAPS code of the account's bank branch: 12 digits. */
  cnaps: string;
  /** Name of the bank branch. */
  bankName: string;
}

/** What a bank says of one instructed payment (pain.002 transaction status). */
export interface PaymentStatus {
  endToEndId: string;
  /** ISO 20022 ExternalPaymentTransactionStatus1Code, e.g. ACSC, ACCP, ACSP, PDNG, RJCT. */
  status: string;
  /** Reason code when rejected, e.g. AM04 (insufficient funds). */
  reasonCode?: string;
  reasonText?: string;
}

/** A booked (or pending) entry from a camt.054 notification or a camt.053 statement. */
export interface BookedEntry {
  endToEndId: string | null;
  /** Fen. */
  amount: bigint;
  currency: string;
  /** CRDT or DBIT. */
  creditDebit: "CRDT" | "DBIT";
  /** BOOK, PDNG, INFO… */
  status: string;
  /**
   * The entry undoes an earlier one (Ntry/RvslInd true), e.g. a payment returned because the payee's account
   * was closed. Its creditDebit is then the opposite of the original's: the reversal of a payment (DBIT)
   * shows as CRDT. False when RvslInd is absent.
   */
  reversal: boolean;
  /** The bank's own reference of the entry (AcctSvcrRef), when given. */
  bankReference: string | null;
  /** YYYY-MM-DD, when given. */
  bookingDate: string | null;
}
