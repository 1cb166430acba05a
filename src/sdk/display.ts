/** Display helpers for reports people read. Values stay bigint / numbers until they are printed. */
import { decodeBytes32String } from "ethers";

/** Unix seconds → "2025-03-01 08:00 UTC". */
export function formatTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** 9524 → "95.24%". */
export function formatBps(bps: bigint | number): string {
  const value = BigInt(bps);
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}%`;
}

/** A piece id (`voucherId << 16 | index`) as "voucher.index", e.g. "1.0" for a root piece. */
export function formatPiece(pieceId: bigint): string {
  return `${pieceId >> 16n}.${pieceId & 0xffffn}`;
}

/**
 * A settlement's on-chain bank reference as people know it: the clearing engine stores an EndToEndId of
 * up to 31 characters as a bytes32 string ("EV-1-0-F"); a longer one as its hash, shown in hex.
 */
export function formatBankReference(bytes32: string): string {
  try {
    const text = decodeBytes32String(bytes32);
    return /^[\x21-\x7e]+$/.test(text) ? text : bytes32;
  } catch {
    return bytes32;
  }
}
