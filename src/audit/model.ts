/**
 * The ledger rebuilt from its events alone (R13): members with their history, the policy over time, and
 * every voucher with its tree of pieces, pledges, factorings, settlement and overdue state.
 *
 * `rebuild` folds the events in chain order. Observers (invariants, patterns, statistics) see the model
 * just before and just after each event, so "at that time" questions (the policy, a credit line, the
 * clearing bank, who held a piece) are answered by the state at that moment, in one pass.
 *
 * The fold never throws on a faulty stream: it applies what it can (an event about a piece it does not
 * know changes nothing) and leaves the judgement to the invariant checks.
 */
import { APPLY } from "./apply.js";
import type { AuditEvent, EventArgs, EventKind, EventPosition, PolicyValues } from "./events.js";

export { pledgesInForce } from "./apply.js";

export type At = EventPosition;
export type PieceState = "Active" | "Pledged" | "Enforced" | "Settled";
export type MemberState = "Active" | "Suspended";

export interface MemberChange {
  at: At;
  what: "registered" | "roles" | "status" | "group" | "creditLine" | "clearingBank" | "defaulted" | "restored";
  value: string;
}

export interface MemberRecord {
  account: string;
  uscc: string;
  roles: number;
  status: MemberState;
  /** Related-party group (0 = none). */
  groupId: number;
  creditLine: bigint;
  clearingBank: string | null;
  defaulted: boolean;
  registeredAt: At;
  /** The group over time, the registration first: what the related-party pattern needs. */
  groups: Array<{ groupId: number; from: At }>;
  history: MemberChange[];
}

export interface PolicyRecord {
  policy: PolicyValues;
  admin: string;
  at: At;
}

/** A pledge as its `PiecePledged` event told it, and how it ended. */
export interface PledgeRecord extends Omit<EventArgs["PiecePledged"], "pieceId"> {
  pledgedAt: At;
  outcome: "in force" | "released" | "enforced" | "settled";
  endedAt: At | null;
}

export interface FactoringRecord {
  from: string;
  factor: string;
  amount: bigint;
  purchasePrice: bigint;
  withRecourse: boolean;
  at: At;
}

export interface SettlementRecord {
  amount: bigint;
  holder: string;
  settledFrom: number;
  bankReference: string;
  clearingBank: string;
  at: At;
}

export interface HolderChange {
  holder: string;
  via: "issue" | "split" | "transfer" | "factoring";
  at: At;
}

export interface PieceRecord {
  pieceId: bigint;
  voucherId: bigint;
  index: number;
  /** null for the root piece. */
  parentId: bigint | null;
  holder: string;
  amount: bigint;
  depth: number;
  status: PieceState;
  createdAt: At;
  holders: HolderChange[];
  pledges: PledgeRecord[];
  factorings: FactoringRecord[];
  settlement: SettlementRecord | null;
  children: bigint[];
}

export interface VoucherRecord {
  voucherId: bigint;
  issuer: string;
  rootPieceId: bigint;
  /** Issued face value in fen. */
  amount: bigint;
  maturity: number;
  enhancedReviewRequired: boolean;
  packageHash: string;
  documentKeys: string[];
  issuedAt: At;
  /** In creation order. */
  pieceIds: bigint[];
  livePieces: number;
  /** The next piece index the events lead to expect. */
  nextIndex: number;
  /** Sum of the amounts of all its pieces, settled included: equal to `amount` while conserved. */
  piecesTotal: bigint;
  settledAmount: bigint;
  overdue: { at: At; livePieces: number; markedBy: string; unpaid: bigint } | null;
  enhancedReviews: Array<{ bank: string; reviewHash: string; at: At }>;
}

/** Where a trade document key was first consumed. */
export interface DocumentUse {
  at: At;
  what: string;
}

export interface RebuildObserver {
  /** The model is the state just before `event`. */
  before?(event: AuditEvent, model: LedgerModel): void;
  /** The model is the state just after `event`. */
  after?(event: AuditEvent, model: LedgerModel): void;
  finish?(model: LedgerModel): void;
}

export class LedgerModel {
  readonly members = new Map<string, MemberRecord>();
  readonly policies: PolicyRecord[] = [];
  readonly vouchers = new Map<bigint, VoucherRecord>();
  readonly pieces = new Map<bigint, PieceRecord>();
  readonly documentKeys = new Map<string, DocumentUse>();
  /** Unsettled face value per issuer (R14), in fen. */
  readonly outstanding = new Map<string, bigint>();
  /** AccessControl roles (role hash → accounts). */
  readonly roles = new Map<string, Set<string>>();
  readonly pauses: Array<{ paused: boolean; by: string; at: At }> = [];
  readonly eventCounts = new Map<EventKind, number>();
  /** Events that name a voucher the model does not know, by voucher id: not applied. */
  readonly unresolved = new Map<bigint, number>();
  eventCount = 0;
  firstEvent: At | null = null;
  lastEvent: At | null = null;

  /** The policy in force, or null before any `PolicyUpdated`. */
  get policy(): PolicyValues | null {
    return this.policies.at(-1)?.policy ?? null;
  }

  get paused(): boolean {
    return this.pauses.at(-1)?.paused ?? false;
  }

  /** "0xAbC…123 (USCC 91310000…)" for messages. */
  label(account: string): string {
    const member = this.members.get(account);
    return member ? `${account} (USCC ${member.uscc})` : `${account} (not a registered member)`;
  }

  voucherOfPiece(pieceId: bigint): VoucherRecord | undefined {
    return this.vouchers.get(pieceId >> 16n);
  }

  apply(event: AuditEvent): void {
    this.eventCount++;
    this.eventCounts.set(event.kind, (this.eventCounts.get(event.kind) ?? 0) + 1);
    const at = positionOf(event);
    this.firstEvent ??= at;
    this.lastEvent = at;
    APPLY[event.kind](this, event as never, at);
  }

  unresolvedEvent(voucherId: bigint): void {
    this.unresolved.set(voucherId, (this.unresolved.get(voucherId) ?? 0) + 1);
  }

  /** The piece of a known voucher, or undefined (and the event counted as unresolved when the voucher is unknown). */
  pieceFor(pieceId: bigint): PieceRecord | undefined {
    if (!this.vouchers.has(pieceId >> 16n)) {
      this.unresolvedEvent(pieceId >> 16n);
      return undefined;
    }
    return this.pieces.get(pieceId);
  }
}

/** Folds the events (in chain order) into a model, calling the observers around each event. */
export function rebuild(events: Iterable<AuditEvent>, observers: RebuildObserver[] = [], model = new LedgerModel()): LedgerModel {
  for (const event of events) {
    for (const observer of observers) observer.before?.(event, model);
    model.apply(event);
    for (const observer of observers) observer.after?.(event, model);
  }
  for (const observer of observers) observer.finish?.(model);
  return model;
}

export function positionOf(event: EventPosition): At {
  return { blockNumber: event.blockNumber, logIndex: event.logIndex, transactionHash: event.transactionHash, timestamp: event.timestamp };
}
