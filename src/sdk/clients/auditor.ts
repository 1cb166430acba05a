/**
 * An auditor or regulator: reads everything, changes nothing (R6, R13). Works from any provider — no
 * signing key is needed to audit.
 */
import type { ContractRunner } from "ethers";
import { type VoucherLedger, VoucherLedger__factory } from "../../../types/ethers-contracts/index.js";
import { MemberStatus, PieceStatus, pieceStatusName } from "../constants.js";
import { callLedger, InvalidArgumentError, requireAddress, requirePieceId, requireUscc } from "../errors.js";
import { rebuildLineage, type Lineage } from "../lineage.js";
import { bytes18ToUscc, usccToBytes18 } from "../uscc.js";

const MEMBER_STATUS_NAMES = Object.keys(MemberStatus) as Array<keyof typeof MemberStatus>;

export interface PieceView {
  pieceId: bigint;
  voucherId: bigint;
  holder: string;
  amount: bigint;
  depth: number;
  parentId: bigint | null;
  status: keyof typeof PieceStatus;
}

export interface MemberView {
  account: string;
  uscc: string;
  roles: number;
  status: keyof typeof MemberStatus;
  groupId: number;
  creditLine: bigint;
  defaulted: boolean;
}

export interface ExposureView {
  issuer: string;
  creditLine: bigint;
  outstanding: bigint;
  /** Outstanding as basis points of the credit line (R14); null without a credit line. */
  utilisationBps: bigint | null;
}

export class AuditorClient {
  readonly ledger: VoucherLedger;

  constructor(runner: ContractRunner, ledgerAddress: string) {
    this.ledger = VoucherLedger__factory.connect(ledgerAddress, runner);
  }

  async piece(pieceId: bigint): Promise<PieceView | null> {
    requirePieceId("pieceId", pieceId);
    const piece = await callLedger(() => this.ledger.pieceOf(pieceId));
    if (Number(piece.status) === PieceStatus.None) return null;
    const parentId = await callLedger(() => this.ledger.parentOf(pieceId));
    return {
      pieceId,
      voucherId: pieceId >> 16n,
      holder: piece.holder,
      amount: piece.amount,
      depth: Number(piece.depth),
      parentId: parentId === 0n ? null : parentId,
      status: pieceStatusName(piece.status)!,
    };
  }

  voucher(voucherId: bigint) {
    return callLedger(() => this.ledger.voucherOf(voucherId));
  }

  /** Every unsettled piece of a voucher (all pages). */
  async livePieces(voucherId: bigint): Promise<PieceView[]> {
    const pieces: PieceView[] = [];
    for (let from = 0n; ; ) {
      const [pieceIds, next] = await callLedger(() => this.ledger.livePiecesOf(voucherId, from, 100n));
      for (const pieceId of pieceIds) pieces.push((await this.piece(pieceId))!);
      if (next === 0n) return pieces;
      from = next;
    }
  }

  /** The chain of trades from the issue to this piece, rebuilt from events and checked against state (R7). */
  async lineage(pieceId: bigint, options: { fromBlock?: number } = {}): Promise<Lineage> {
    requirePieceId("pieceId", pieceId);
    // rebuildLineage refuses these with a bare RangeError, which would surface as an UnexpectedError.
    const { fromBlock } = options;
    if (fromBlock !== undefined && (!Number.isSafeInteger(fromBlock) || fromBlock < 0)) {
      throw new InvalidArgumentError("options.fromBlock", fromBlock, "expected a non-negative integer block number");
    }
    const piece = await callLedger(() => this.ledger.pieceOf(pieceId));
    if (Number(piece.status) === PieceStatus.None) throw new InvalidArgumentError("pieceId", pieceId, "expected a piece that exists on this ledger");
    return callLedger(() => rebuildLineage(this.ledger, pieceId, options));
  }

  async member(account: string): Promise<MemberView | null> {
    requireAddress("account", account);
    const member = await callLedger(() => this.ledger.memberOf(account));
    if (Number(member.status) === MemberStatus.None) return null;
    return {
      account,
      uscc: bytes18ToUscc(member.uscc),
      roles: Number(member.roles),
      status: MEMBER_STATUS_NAMES[Number(member.status)],
      groupId: Number(member.groupId),
      creditLine: member.creditLine,
      defaulted: member.defaulted,
    };
  }

  async memberByUscc(uscc: string): Promise<MemberView | null> {
    requireUscc("uscc", uscc);
    const account = await callLedger(() => this.ledger.accountOf(usccToBytes18(uscc)));
    return BigInt(account) === 0n ? null : this.member(account);
  }

  async exposure(issuer: string): Promise<ExposureView> {
    requireAddress("issuer", issuer);
    const [member, outstanding] = await Promise.all([callLedger(() => this.ledger.memberOf(issuer)), callLedger(() => this.ledger.outstandingOf(issuer))]);
    const creditLine = member.creditLine;
    return { issuer, creditLine, outstanding, utilisationBps: creditLine === 0n ? null : (outstanding * 10_000n) / creditLine };
  }

  policy() {
    return callLedger(() => this.ledger.policy());
  }

  isDocumentKeyUsed(documentKey: string): Promise<boolean> {
    return callLedger(() => this.ledger.isDocumentKeyUsed(documentKey));
  }
}
