/**
 * Parsers for the command line's values. Each refuses a bad value with a `UsageError` that names the option
 * and says what it expects, so the CLI can exit with 2 and one clear sentence.
 */
import { getAddress, isAddress } from "ethers";
import { cnyToFen, MoneyError } from "../sdk/money.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseRpcUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--rpc: expected an http:// or https:// URL of a JSON-RPC node, got ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--rpc: expected an http:// or https:// URL, got ${JSON.stringify(value)}.`);
  return value;
}

export function parseAddress(value: string): string {
  if (!isAddress(value)) throw new UsageError(`--ledger: expected a contract address (0x and 40 hex digits, checksummed if mixed case), got ${JSON.stringify(value)}.`);
  return getAddress(value);
}

export function parseBlock(option: string) {
  return (value: string): number => {
    const n = /^(0|[1-9][0-9]*)$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) throw new UsageError(`${option}: expected a block number (a whole number ≥ 0), got ${JSON.stringify(value)}.`);
    return n;
  };
}

export function parsePositiveInteger(option: string) {
  return (value: string): number => {
    const n = /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) throw new UsageError(`${option}: expected a whole number ≥ 1, got ${JSON.stringify(value)}.`);
    return n;
  };
}

const UNITS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3_600, d: 86_400 };

/** "90s", "30m", "1h", "7d" (or plain seconds) → seconds. */
export function parseDuration(option: string) {
  return (value: string): number => {
    const match = /^([1-9][0-9]*)(s|m|min|h|d)?$/.exec(value);
    if (!match) throw new UsageError(`${option}: expected a duration such as 3600, 90s, 30m, 1h or 7d, got ${JSON.stringify(value)}.`);
    return Number(match[1]) * UNITS[match[2] ?? "s"];
  };
}

/** "1", "0.5", "10%" → basis points (100, 50, 1000); at most two decimals, so the conversion is exact. */
export function parsePercent(option: string, { max = 100 }: { max?: number } = {}) {
  return (value: string): number => {
    const match = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?%?$/.exec(value);
    const bps = match ? Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0")) : NaN;
    if (!Number.isSafeInteger(bps) || bps > max * 100) throw new UsageError(`${option}: expected a percentage from 0 to ${max} with at most two decimals, such as 1 or 0.5, got ${JSON.stringify(value)}.`);
    return bps;
  };
}

/** A CNY amount such as "2000000.00" → fen; repeatable options collect into a list. */
export function parseCnyAmount(option: string) {
  return (value: string, previous: bigint[] | undefined): bigint[] => {
    try {
      const fen = cnyToFen(value.replaceAll(",", ""), option);
      if (fen === 0n) throw new UsageError(`${option}: the amount must be more than zero.`);
      return [...(previous ?? []), fen];
    } catch (error) {
      if (error instanceof MoneyError) throw new UsageError(`${option}: expected an amount in CNY with at most two decimals, such as 2000000.00, got ${JSON.stringify(value)}.`);
      throw error;
    }
  };
}
