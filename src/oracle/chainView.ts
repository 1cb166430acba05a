/**
 * What the oracle reads from the ledger: members by USCC, whether document keys were used, the policy,
 * the piece a transfer spends, and the time. Read-only; the oracle never sends a transaction.
 */
import type { Provider } from "ethers";
import { MemberRole } from "../sdk/constants.js";
import { bytes18ToUscc, usccToBytes18 } from "../sdk/uscc.js";
import type { VoucherLedger } from "../../types/ethers-contracts/index.js";
import type { MemberFacts, PieceFacts } from "./checks/facts.js";

export class ChainUnavailableError extends Error {
  readonly code = "CHAIN_UNAVAILABLE";
  constructor(reason: string) {
    super(`The ledger could not be read: ${reason}`);
  }
}

export class ChainView {
  constructor(
    private readonly ledger: VoucherLedger,
    private readonly provider: Provider,
  ) {}

  /**
   * The oracle's "now": the later of its own clock and the latest block. Deadlines and maturities are
   * judged by the chain's clock when the attestation is used; documents dated "in the future" by the wall clock.
   */
  async now(): Promise<number> {
    const block = await this.read(() => this.provider.getBlock("latest"));
    return Math.max(Math.floor(Date.now() / 1000), block?.timestamp ?? 0);
  }

  async policy(): Promise<{ minPieceAmount: bigint; maxTerm: number; maxDepth: number; maxLivePieces: number }> {
    const policy = await this.read(() => this.ledger.policy());
    return {
      minPieceAmount: policy.minPieceAmount,
      maxTerm: Number(policy.maxTerm),
      maxDepth: Number(policy.maxDepth),
      maxLivePieces: Number(policy.maxLivePieces),
    };
  }

  paused(): Promise<boolean> {
    return this.read(() => this.ledger.paused());
  }

  /** What the ledger checks of an issuer before an issue: a clearing bank, and room under its credit line. */
  async issuerStanding(account: string): Promise<{ account: string; clearingBankSet: boolean; creditLine: bigint; outstanding: bigint }> {
    const [bank, member, outstanding] = await Promise.all([
      this.read(() => this.ledger.clearingBankOf(account)),
      this.read(() => this.ledger.memberOf(account)),
      this.read(() => this.ledger.outstandingOf(account)),
    ]);
    return { account, clearingBankSet: BigInt(bank) !== 0n, creditLine: member.creditLine, outstanding };
  }

  async memberByUscc(uscc: string): Promise<MemberFacts | null> {
    const account = await this.read(() => this.ledger.accountOf(usccToBytes18(uscc)));
    return BigInt(account) === 0n ? null : (await this.memberByAccount(account)).facts;
  }

  /** A member by account, with its USCC (`null` facts when the account is no member). */
  async memberByAccount(account: string): Promise<{ uscc: string; facts: MemberFacts | null }> {
    const member = await this.read(() => this.ledger.memberOf(account));
    if (Number(member.status) === 0) return { uscc: "", facts: null };
    return {
      uscc: bytes18ToUscc(member.uscc),
      facts: { account, roles: Number(member.roles), status: Number(member.status), groupId: Number(member.groupId), defaulted: member.defaulted },
    };
  }

  async isDocumentKeyUsed(documentKey: string): Promise<boolean> {
    return this.read(() => this.ledger.isDocumentKeyUsed(documentKey));
  }

  async piece(pieceId: bigint): Promise<(PieceFacts & { depth: number; livePieces: number; piecesCreated: number }) | null> {
    const piece = await this.read(() => this.ledger.pieceOf(pieceId));
    if (Number(piece.status) === 0) return null;
    const voucher = await this.read(() => this.ledger.voucherOf(pieceId >> 16n));
    return {
      holder: piece.holder,
      amount: piece.amount,
      status: Number(piece.status),
      issuer: voucher.issuer,
      maturity: Number(voucher.maturity),
      overdue: voucher.overdue,
      depth: Number(piece.depth),
      livePieces: Number(voucher.livePieces),
      piecesCreated: Number(voucher.piecesCreated),
    };
  }

  /** Whether `account` is an active oracle member: an oracle that is not would sign attestations the ledger refuses. */
  async isActiveOracle(account: string): Promise<boolean> {
    return this.read(() => this.ledger.isActiveWith(account, MemberRole.Oracle));
  }

  private async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new ChainUnavailableError(error instanceof Error ? error.message.split("\n")[0] : String(error));
    }
  }
}
