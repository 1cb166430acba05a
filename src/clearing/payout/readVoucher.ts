/**
 * Reads what `planPayouts` needs from the ledger: the voucher and every live piece with its pledge in force
 * and its last factoring, all at ONE block, so a settlement or a pledge landing mid-read cannot mix two states.
 */
import { ZeroAddress, getAddress } from "ethers";
import type { VoucherLedger } from "../../../types/ethers-contracts/index.js";
import { PieceStatus } from "../../sdk/constants.js";
import type { ClearingPiece, ClearingVoucher } from "./payoutPlan.js";

/** The ledger's default (and usual maximum) of live pieces per voucher: most vouchers fit in one page. */
const PAGE_SIZE = 100n;

export interface VoucherForClearing {
  voucher: ClearingVoucher;
  pieces: ClearingPiece[];
  /** The block everything was read at. */
  blockNumber: number;
}

export class UnknownVoucherError extends Error {
  override readonly name = "UnknownVoucherError";
  constructor(
    readonly voucherId: bigint,
    readonly blockNumber: number,
  ) {
    super(`Voucher ${voucherId} does not exist on this ledger at block ${blockNumber}; there is nothing to clear`);
  }
}

/** The voucher and its live pieces at `options.blockTag` (default: the latest block). */
export async function readVoucherForClearing(
  ledger: VoucherLedger,
  voucherId: bigint,
  options: { blockTag?: number } = {},
): Promise<VoucherForClearing> {
  if (typeof voucherId !== "bigint" || voucherId <= 0n) throw new RangeError(`voucherId: expected a positive bigint, got ${String(voucherId)}`);
  const blockNumber = options.blockTag ?? (await latestBlock(ledger));
  if (!Number.isSafeInteger(blockNumber) || blockNumber < 0) throw new RangeError(`options.blockTag: expected a block number, got ${String(blockNumber)}`);
  const read = { blockTag: blockNumber };

  const voucher = await ledger.voucherOf(voucherId, read);
  if (voucher.issuer === ZeroAddress) throw new UnknownVoucherError(voucherId, blockNumber);

  const pieces: ClearingPiece[] = [];
  for (let from = 0n; ; ) {
    const [pieceIds, next] = await ledger.livePiecesOf(voucherId, from, PAGE_SIZE, read);
    pieces.push(...(await Promise.all(pieceIds.map((pieceId) => readPiece(ledger, pieceId, read)))));
    if (next === 0n) break;
    from = next;
  }
  return { voucher: { voucherId, issuer: getAddress(voucher.issuer), maturity: voucher.maturity }, pieces, blockNumber };
}

async function readPiece(ledger: VoucherLedger, pieceId: bigint, read: { blockTag: number }): Promise<ClearingPiece> {
  const [piece, pledge, factoring] = await Promise.all([
    ledger.pieceOf(pieceId, read),
    ledger.pledgeOf(pieceId, read),
    ledger.factoringOf(pieceId, read),
  ]);
  const status = Number(piece.status);
  const result: ClearingPiece = { pieceId, holder: getAddress(piece.holder), amount: piece.amount, status };
  // The pledge record outlives a release: it is in force only while the piece is Pledged or Enforced.
  if (status === PieceStatus.Pledged || status === PieceStatus.Enforced) {
    result.pledge = {
      pledgee: getAddress(pledge.pledgee),
      securedAmount: pledge.securedAmount,
      annualRateBps: Number(pledge.annualRateBps),
      pledgedAt: pledge.pledgedAt,
    };
  }
  if (factoring.factor !== ZeroAddress) result.factoring = { factor: getAddress(factoring.factor) };
  return result;
}

async function latestBlock(ledger: VoucherLedger): Promise<number> {
  const provider = ledger.runner?.provider;
  if (!provider) throw new RangeError("ledger: expected a contract connected to a provider");
  return provider.getBlockNumber();
}
