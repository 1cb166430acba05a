/**
 * Who is paid what for each live piece of a voucher at maturity (R10, DOMAIN.md step 4). Pure: the same
 * voucher and pieces always give the same plan, ids included. There is no operator input: the operator
 * never holds or routes funds (clause 十四), so it cannot appear as a payee.
 *
 *   Active, not factored            → holder            ("holder")
 *   Active, factored, factor holds  → factor            ("factor"); transferred on since → current holder ("holder")
 *   Pledged                         → pledgee: min(secured + interest, piece) ("pledgee"); holder the rest ("pledgor")
 *   Enforced                        → pledgee, whole piece ("enforced-pledgee")
 *   Settled                         → not in the plan
 */
import { getAddress } from "ethers";
import { PieceStatus, voucherIdOfPiece } from "../../sdk/constants.js";
import type { Payout, PayoutPlan, PayoutRole } from "../types.js";
import { endToEndIdOf } from "./endToEndId.js";
import { pledgeInterest } from "./interest.js";

export interface ClearingVoucher {
  voucherId: bigint;
  /** The core enterprise that pays. */
  issuer: string;
  /** Unix seconds. */
  maturity: bigint;
}

/** The pledge in force on a Pledged or Enforced piece. */
export interface ClearingPledge {
  pledgee: string;
  /** Fen. */
  securedAmount: bigint;
  annualRateBps: number;
  /** Unix seconds; interest accrues from it. */
  pledgedAt: bigint;
}

/** A piece as clearing sees it. `status` is a `PieceStatus` value (Active, Pledged, Enforced or Settled). */
export interface ClearingPiece {
  pieceId: bigint;
  holder: string;
  /** Fen. */
  amount: bigint;
  status: number;
  /** Required when Pledged or Enforced; ignored otherwise (the last pledge record outlives its release). */
  pledge?: ClearingPledge;
  /** The last factoring, when the piece was ever factored. */
  factoring?: { factor: string };
}

const INDEX_MASK = 0xffffn;

/** The payout plan of `voucher` over its `pieces` (in any order); throws on inconsistent input. */
export function planPayouts(voucher: ClearingVoucher, pieces: ClearingPiece[]): PayoutPlan {
  const { voucherId, maturity } = voucher;
  if (typeof voucherId !== "bigint" || voucherId <= 0n) throw new RangeError(`voucher.voucherId: expected a positive bigint, got ${String(voucherId)}`);
  if (typeof maturity !== "bigint" || maturity < 0n) throw new RangeError(`voucher.maturity: expected unix seconds as a bigint, got ${String(maturity)}`);
  const issuer = addressOf(voucher.issuer, "voucher.issuer");

  // Sorted by piece id, so the order of the input never changes the plan.
  const sorted = [...pieces].sort((a, b) => (a.pieceId < b.pieceId ? -1 : a.pieceId > b.pieceId ? 1 : 0));
  let owed = 0n;
  const payouts: Payout[] = [];
  sorted.forEach((piece, position) => {
    checkPiece(piece, voucherId, sorted[position - 1]);
    if (piece.status === PieceStatus.Settled) return;
    owed += piece.amount;
    for (const [role, payee, amount] of sharesOf(piece, maturity)) {
      // A zero payout would be an instruction the bank rejects (and an id with nothing behind it).
      if (amount === 0n) continue;
      const endToEndId = endToEndIdOf(voucherId, piece.pieceId & INDEX_MASK, role);
      payouts.push({ voucherId, pieceId: piece.pieceId, role, payee, amount, endToEndId });
    }
  });

  // The plan must pay exactly what the voucher owes: not a fen more, not a fen less.
  const paid = payouts.reduce((sum, payout) => sum + payout.amount, 0n);
  if (paid !== owed) throw new Error(`payout plan of voucher ${voucherId} pays ${paid} fen but the voucher owes ${owed} fen`);
  return { voucherId, issuer, maturity, owed, payouts };
}

type Share = [role: PayoutRole, payee: string, amount: bigint];

/** The shares of one live piece, before zero shares are dropped. */
function sharesOf(piece: ClearingPiece, maturity: bigint): Share[] {
  const where = `piece ${piece.pieceId}`;
  const holder = addressOf(piece.holder, `${where}.holder`);
  switch (piece.status) {
    case PieceStatus.Active: {
      // The factor is paid only while it is still the holder of record; whoever it sold the piece to is paid as holder.
      const factor = piece.factoring === undefined ? undefined : addressOf(piece.factoring.factor, `${where}.factoring.factor`);
      return [[factor === holder ? "factor" : "holder", holder, piece.amount]];
    }
    case PieceStatus.Pledged: {
      const pledge = pledgeOf(piece, where);
      const interest = pledgeInterest({ ...pledge, maturity });
      const secured = pledge.securedAmount + interest;
      const toPledgee = secured < piece.amount ? secured : piece.amount;
      return [
        ["pledgee", addressOf(pledge.pledgee, `${where}.pledge.pledgee`), toPledgee],
        ["pledgor", holder, piece.amount - toPledgee],
      ];
    }
    case PieceStatus.Enforced:
      return [["enforced-pledgee", addressOf(pledgeOf(piece, where).pledgee, `${where}.pledge.pledgee`), piece.amount]];
    default:
      throw new RangeError(`${where}.status: expected Active, Pledged, Enforced or Settled, got ${String(piece.status)}`);
  }
}

function checkPiece(piece: ClearingPiece, voucherId: bigint, previous: ClearingPiece | undefined): void {
  if (typeof piece.pieceId !== "bigint" || voucherIdOfPiece(piece.pieceId) !== voucherId) {
    throw new RangeError(`piece ${String(piece.pieceId)} is not a piece of voucher ${voucherId}`);
  }
  if (previous !== undefined && previous.pieceId === piece.pieceId) throw new RangeError(`piece ${piece.pieceId} is given twice`);
  if (typeof piece.amount !== "bigint" || piece.amount < 0n) {
    throw new RangeError(`piece ${piece.pieceId}.amount: expected a non-negative bigint of fen, got ${String(piece.amount)}`);
  }
}

function pledgeOf(piece: ClearingPiece, where: string): ClearingPledge {
  if (piece.pledge === undefined) throw new RangeError(`${where}: a pledged or enforced piece needs its pledge`);
  return piece.pledge;
}

/** Checksummed, so one member is one payee however its address was spelt. */
function addressOf(value: string, what: string): string {
  try {
    return getAddress(value);
  } catch {
    throw new RangeError(`${what}: expected an address, got ${JSON.stringify(value)}`);
  }
}
