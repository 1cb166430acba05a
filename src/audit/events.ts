/**
 * The ledger's events as typed values: what an auditor rebuilds everything from (R13). One entry per event
 * of the VoucherLedger ABI (the ledger inherits the registry, AccessControl and Pausable, so one contract
 * emits them all). Addresses are checksummed, money is bigint fen, small integers are numbers.
 */
import type { PolicySettings } from "../sdk/clients/operator.js";

/** Where an event sits in the chain; events are ordered by (blockNumber, logIndex). */
export interface EventPosition {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  /** Unix seconds of the block. */
  timestamp: number;
}

/** The consortium policy as `PolicyUpdated` carries it (contracts/types/VoucherTypes.sol). */
export type PolicyValues = PolicySettings;

/** The arguments of each event, by event name. */
export interface EventArgs {
  VoucherIssued: {
    voucherId: bigint;
    issuer: string;
    holder: string;
    pieceId: bigint;
    amount: bigint;
    maturity: number;
    enhancedReviewRequired: boolean;
    packageHash: string;
    documentKeys: string[];
  };
  PieceSplit: {
    parentId: bigint;
    pieceId: bigint;
    to: string;
    from: string;
    amount: bigint;
    parentAmount: bigint;
    depth: number;
    packageHash: string;
    documentKeys: string[];
  };
  PieceTransferred: { pieceId: bigint; from: string; to: string; depth: number; packageHash: string; documentKeys: string[] };
  PieceFactored: { pieceId: bigint; from: string; factor: string; amount: bigint; purchasePrice: bigint; withRecourse: boolean };
  PiecePledged: {
    pieceId: bigint;
    pledgee: string;
    holder: string;
    securedAmount: bigint;
    annualRateBps: number;
    serviceFeeBps: number;
    /** As entered (ASCII), or the bytes24 hex when not printable. */
    registrationNumber: string;
    serial: number;
  };
  PledgeReleased: { pieceId: bigint; pledgee: string; serial: number };
  PledgeEnforced: { pieceId: bigint; pledgee: string; serial: number };
  PieceSettled: {
    pieceId: bigint;
    voucherId: bigint;
    holder: string;
    amount: bigint;
    /** The piece status before settlement (PieceStatus value). */
    settledFrom: number;
    bankReference: string;
    clearingBank: string;
  };
  VoucherOverdue: { voucherId: bigint; issuer: string; livePieces: number; markedBy: string };
  EnhancedReviewRecorded: { voucherId: bigint; bank: string; reviewHash: string };
  PolicyUpdated: { policy: PolicyValues; admin: string };
  MemberRegistered: { account: string; uscc: string; roles: number; groupId: number };
  MemberRolesChanged: { account: string; previousRoles: number; roles: number };
  MemberStatusChanged: { account: string; previousStatus: number; status: number };
  RelatedPartyGroupChanged: { account: string; previousGroupId: number; groupId: number };
  CreditLineChanged: { coreEnterprise: string; previousCreditLine: bigint; creditLine: bigint };
  ClearingBankChanged: { coreEnterprise: string; previousBank: string; bank: string };
  IssuerDefaulted: { issuer: string; voucherId: bigint };
  IssuerRestored: { issuer: string; admin: string };
  RoleGranted: { role: string; account: string; sender: string };
  RoleRevoked: { role: string; account: string; sender: string };
  RoleAdminChanged: { role: string; previousAdminRole: string; newAdminRole: string };
  Paused: { account: string };
  Unpaused: { account: string };
  EIP712DomainChanged: Record<string, never>;
}

export type EventKind = keyof EventArgs;

/** One decoded event: its kind, its position and its arguments. */
export type AuditEvent = { [K in EventKind]: EventPosition & { kind: K } & EventArgs[K] }[EventKind];

export type EventOf<K extends EventKind> = Extract<AuditEvent, { kind: K }>;

/** Events that consume trade document keys (R2). */
export type DocumentEvent = EventOf<"VoucherIssued" | "PieceSplit" | "PieceTransferred">;

export function byPosition(a: { blockNumber: number; logIndex: number }, b: { blockNumber: number; logIndex: number }): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

/** "block 12, log 3": how a finding points at an event. */
export function formatPosition(event: { blockNumber: number; logIndex: number }): string {
  return `block ${event.blockNumber}, log ${event.logIndex}`;
}
