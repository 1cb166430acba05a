/**
 * What the oracle knows about the world when it checks a package: the time, the policy, the parties'
 * membership on-chain, the state of each invoice, what the external verifiers said, and (for a transfer)
 * the piece. The service gathers these first; the checks themselves are pure functions of package + facts.
 */

/** A member as the on-chain registry records it (`memberOf`), looked up by USCC (`accountOf`). */
export interface MemberFacts {
  account: string;
  roles: number;
  /** 0 none, 1 active, 2 suspended (MemberStatus). */
  status: number;
  groupId: number;
  defaulted: boolean;
}

/** Whether an invoice can still back a trade: unused, used on-chain, or reserved by another pending attestation. */
export type InvoiceUse = "unused" | "used-on-chain" | "reserved";

/** An external source's verdict on a document (tax-invoice verification, logistics). */
export type VerifierVerdict =
  | { status: "verified" }
  | { status: "not-found" }
  | { status: "mismatch"; fields: string[] }
  | { status: "voided" };

/** The piece a transfer spends, from `pieceOf` and `voucherOf`. */
export interface PieceFacts {
  holder: string;
  amount: bigint;
  /** PieceStatus: 1 active, 2 pledged, 3 enforced, 4 settled. */
  status: number;
  issuer: string;
  maturity: number;
  overdue: boolean;
}

export interface TradeFacts {
  /** Unix seconds, the oracle's clock. */
  now: number;
  /** Offset of the calendar used for document dates, in seconds east of UTC (China Standard Time: 8 h). */
  utcOffsetSeconds: number;
  policy: { minPieceAmount: bigint; maxTerm: number };
  /** Longest time from `now` an attestation deadline may lie. */
  maxAttestationLifetime: number;
  /** Members by USCC; `null` when the USCC has no account on-chain. Only valid USCCs are looked up. */
  members: ReadonlyMap<string, MemberFacts | null>;
  /** By invoice key (see `invoiceKeyOf`); only invoices with a well-formed key are looked up. */
  invoiceUse: ReadonlyMap<string, InvoiceUse>;
  /** By invoice key. */
  invoiceVerdicts: ReadonlyMap<string, VerifierVerdict>;
  /** One per delivery evidence, in package order. */
  deliveryVerdicts: readonly VerifierVerdict[];
  /** The piece of a transfer; `null` when it does not exist; absent for an issue. */
  piece?: PieceFacts | null;
}
