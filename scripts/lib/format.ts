/** Display helpers for the runnable scripts. Amounts stay bigint fen until they are printed. */
export { formatCny } from "../../src/sdk/money.js";

/** 450 → "4.50%". */
export function formatBps(bps: bigint | number): string {
  const value = BigInt(bps);
  return `${value / 100n}.${(value % 100n).toString().padStart(2, "0")}%`;
}

/** Unix seconds → "2025-03-01 08:00 UTC". */
export function formatTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** A piece id (`voucherId << 16 | index`) as "voucher.index", e.g. "1.0" for a root piece. */
export function formatPiece(pieceId: bigint): string {
  return `${pieceId >> 16n}.${pieceId & 0xffffn}`;
}
