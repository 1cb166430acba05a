/**
 * How each event changes the rebuilt model (model.ts): one function per event kind. Tolerant by design — an
 * event about something the model does not know changes nothing, a second settlement of a piece does not
 * count twice — so that a faulty stream is judged by the invariant checks instead of crashing the rebuild.
 */
import { ZeroAddress } from "ethers";
import type { EventKind, EventOf } from "./events.js";
import type { At, HolderChange, LedgerModel, MemberChange, MemberRecord, MemberState, PieceRecord, PledgeRecord } from "./model.js";

const MEMBER_STATES: Record<number, MemberState> = { 1: "Active", 2: "Suspended" };

/** The pledges of a piece still in force (one, on an honest ledger). */
export function pledgesInForce(piece: PieceRecord): PledgeRecord[] {
  return piece.pledges.filter((pledge) => pledge.outcome === "in force");
}

type Apply<K extends EventKind> = (model: LedgerModel, event: EventOf<K>, at: At) => void;

const noop = () => {};

function recordMember(model: LedgerModel, account: string, at: At, what: MemberChange["what"], value: string): MemberRecord | undefined {
  const member = model.members.get(account);
  member?.history.push({ at, what, value });
  return member;
}

function addOutstanding(model: LedgerModel, issuer: string, delta: bigint) {
  model.outstanding.set(issuer, (model.outstanding.get(issuer) ?? 0n) + delta);
}

function useDocumentKeys(model: LedgerModel, keys: string[], at: At, what: string) {
  for (const key of keys) if (!model.documentKeys.has(key)) model.documentKeys.set(key, { at, what });
}

export const APPLY: { [K in EventKind]: Apply<K> } = {
  VoucherIssued(model, e, at) {
    useDocumentKeys(model, e.documentKeys, at, `the issue of voucher ${e.voucherId}`);
    if (model.vouchers.has(e.voucherId)) return;
    model.vouchers.set(e.voucherId, {
      voucherId: e.voucherId,
      issuer: e.issuer,
      rootPieceId: e.pieceId,
      amount: e.amount,
      maturity: e.maturity,
      enhancedReviewRequired: e.enhancedReviewRequired,
      packageHash: e.packageHash,
      documentKeys: e.documentKeys,
      issuedAt: at,
      pieceIds: [e.pieceId],
      livePieces: 1,
      nextIndex: Number(e.pieceId & 0xffffn) + 1,
      piecesTotal: e.amount,
      settledAmount: 0n,
      overdue: null,
      enhancedReviews: [],
    });
    model.pieces.set(e.pieceId, newPiece(e.pieceId, null, e.holder, e.amount, 0, at, "issue"));
    addOutstanding(model, e.issuer, e.amount);
  },

  PieceSplit(model, e, at) {
    const self = e.from === e.to;
    if (!self) useDocumentKeys(model, e.documentKeys, at, `the transfer creating piece ${e.pieceId >> 16n}.${e.pieceId & 0xffffn}`);
    const voucher = model.vouchers.get(e.pieceId >> 16n);
    if (voucher === undefined) return model.unresolvedEvent(e.pieceId >> 16n);
    if (model.pieces.has(e.pieceId)) return;
    const parent = model.pieces.get(e.parentId);
    if (parent !== undefined) {
      voucher.piecesTotal += e.parentAmount - parent.amount;
      parent.amount = e.parentAmount;
      parent.children.push(e.pieceId);
    }
    voucher.piecesTotal += e.amount;
    voucher.pieceIds.push(e.pieceId);
    voucher.livePieces++;
    voucher.nextIndex = Math.max(voucher.nextIndex, Number(e.pieceId & 0xffffn) + 1);
    model.pieces.set(e.pieceId, newPiece(e.pieceId, e.parentId, e.to, e.amount, e.depth, at, "split"));
  },

  PieceTransferred(model, e, at) {
    useDocumentKeys(model, e.documentKeys, at, `the transfer of piece ${e.pieceId >> 16n}.${e.pieceId & 0xffffn}`);
    const piece = model.pieceFor(e.pieceId);
    if (piece === undefined || piece.status === "Settled") return;
    piece.holder = e.to;
    piece.depth = e.depth;
    piece.holders.push({ holder: e.to, via: "transfer", at });
  },

  PieceFactored(model, e, at) {
    const piece = model.pieceFor(e.pieceId);
    if (piece === undefined || piece.status === "Settled") return;
    piece.factorings.push({ from: e.from, factor: e.factor, amount: e.amount, purchasePrice: e.purchasePrice, withRecourse: e.withRecourse, at });
    piece.holder = e.factor;
    piece.holders.push({ holder: e.factor, via: "factoring", at });
  },

  PiecePledged(model, e, at) {
    const piece = model.pieceFor(e.pieceId);
    if (piece === undefined || piece.status === "Settled") return;
    piece.pledges.push({
      serial: e.serial,
      pledgee: e.pledgee,
      holder: e.holder,
      securedAmount: e.securedAmount,
      annualRateBps: e.annualRateBps,
      serviceFeeBps: e.serviceFeeBps,
      registrationNumber: e.registrationNumber,
      pledgedAt: at,
      outcome: "in force",
      endedAt: null,
    });
    piece.status = "Pledged";
  },

  PledgeReleased(model, e, at) {
    endPledge(model, e, at, "released");
  },

  PledgeEnforced(model, e, at) {
    endPledge(model, e, at, "enforced");
  },

  PieceSettled(model, e, at) {
    const piece = model.pieceFor(e.pieceId);
    if (piece === undefined || piece.status === "Settled") return;
    const voucher = model.vouchers.get(piece.voucherId)!;
    piece.status = "Settled";
    piece.settlement = { amount: e.amount, holder: e.holder, settledFrom: e.settledFrom, bankReference: e.bankReference, clearingBank: e.clearingBank, at };
    for (const pledge of pledgesInForce(piece)) Object.assign(pledge, { outcome: "settled", endedAt: at });
    // An enforced pledge ends with the settlement too: the pledgee is paid the whole piece.
    for (const pledge of piece.pledges) if (pledge.outcome === "enforced" && pledge.endedAt === null) pledge.endedAt = at;
    voucher.livePieces--;
    voucher.settledAmount += piece.amount;
    addOutstanding(model, voucher.issuer, -piece.amount);
  },

  VoucherOverdue(model, e, at) {
    const voucher = model.vouchers.get(e.voucherId);
    if (voucher === undefined) return model.unresolvedEvent(e.voucherId);
    if (voucher.overdue !== null) return;
    const unpaid = voucher.pieceIds.map((id) => model.pieces.get(id)!).filter((piece) => piece.status !== "Settled").reduce((sum, piece) => sum + piece.amount, 0n);
    voucher.overdue = { at, livePieces: e.livePieces, markedBy: e.markedBy, unpaid };
  },

  EnhancedReviewRecorded(model, e, at) {
    const voucher = model.vouchers.get(e.voucherId);
    if (voucher === undefined) return model.unresolvedEvent(e.voucherId);
    voucher.enhancedReviews.push({ bank: e.bank, reviewHash: e.reviewHash, at });
  },

  PolicyUpdated(model, e, at) {
    model.policies.push({ policy: e.policy, admin: e.admin, at });
  },

  MemberRegistered(model, e, at) {
    if (model.members.has(e.account)) return;
    model.members.set(e.account, {
      account: e.account,
      uscc: e.uscc,
      roles: e.roles,
      status: "Active",
      groupId: e.groupId,
      creditLine: 0n,
      clearingBank: null,
      defaulted: false,
      registeredAt: at,
      groups: [{ groupId: e.groupId, from: at }],
      history: [{ at, what: "registered", value: `roles ${e.roles}, group ${e.groupId}` }],
    });
  },

  MemberRolesChanged(model, e, at) {
    const member = recordMember(model, e.account, at, "roles", String(e.roles));
    if (member) member.roles = e.roles;
  },

  MemberStatusChanged(model, e, at) {
    const status = MEMBER_STATES[e.status];
    const member = recordMember(model, e.account, at, "status", status ?? `unknown status ${e.status}`);
    if (member && status) member.status = status;
  },

  RelatedPartyGroupChanged(model, e, at) {
    const member = recordMember(model, e.account, at, "group", String(e.groupId));
    if (!member) return;
    member.groupId = e.groupId;
    member.groups.push({ groupId: e.groupId, from: at });
  },

  CreditLineChanged(model, e, at) {
    const member = recordMember(model, e.coreEnterprise, at, "creditLine", e.creditLine.toString());
    if (member) member.creditLine = e.creditLine;
  },

  ClearingBankChanged(model, e, at) {
    const member = recordMember(model, e.coreEnterprise, at, "clearingBank", e.bank);
    if (member) member.clearingBank = e.bank === ZeroAddress ? null : e.bank;
  },

  IssuerDefaulted(model, e, at) {
    const member = recordMember(model, e.issuer, at, "defaulted", `voucher ${e.voucherId}`);
    if (member) member.defaulted = true;
  },

  IssuerRestored(model, e, at) {
    const member = recordMember(model, e.issuer, at, "restored", `by ${e.admin}`);
    if (member) member.defaulted = false;
  },

  RoleGranted(model, e) {
    const holders = model.roles.get(e.role) ?? new Set<string>();
    holders.add(e.account);
    model.roles.set(e.role, holders);
  },

  RoleRevoked(model, e) {
    model.roles.get(e.role)?.delete(e.account);
  },

  RoleAdminChanged: noop,

  Paused(model, e, at) {
    model.pauses.push({ paused: true, by: e.account, at });
  },

  Unpaused(model, e, at) {
    model.pauses.push({ paused: false, by: e.account, at });
  },

  EIP712DomainChanged: noop,
};

function newPiece(pieceId: bigint, parentId: bigint | null, holder: string, amount: bigint, depth: number, at: At, via: HolderChange["via"]): PieceRecord {
  return {
    pieceId,
    voucherId: pieceId >> 16n,
    index: Number(pieceId & 0xffffn),
    parentId,
    holder,
    amount,
    depth,
    status: "Active",
    createdAt: at,
    holders: [{ holder, via, at }],
    pledges: [],
    factorings: [],
    settlement: null,
    children: [],
  };
}

function endPledge(model: LedgerModel, e: EventOf<"PledgeReleased" | "PledgeEnforced">, at: At, outcome: "released" | "enforced") {
  const piece = model.pieceFor(e.pieceId);
  if (piece === undefined || piece.status === "Settled") return;
  const inForce = pledgesInForce(piece);
  const pledge = inForce.find((p) => p.serial === e.serial && p.pledgee === e.pledgee) ?? inForce.at(-1);
  if (pledge === undefined) return;
  pledge.outcome = outcome;
  pledge.endedAt = outcome === "released" ? at : null;
  if (outcome === "enforced") piece.status = "Enforced";
  else if (pledgesInForce(piece).length === 0 && piece.status === "Pledged") piece.status = "Active";
}
