/**
 * Argument checks for the role clients: each returns the value in the form the contracts take, or throws an
 * `InvalidArgumentError` naming the argument, so a bad input is refused before anything is signed or sent.
 * Re-exported by errors.ts.
 */
import { ZeroAddress, getAddress, isAddress, isHexString } from "ethers";
import { InvalidArgumentError } from "./errorTypes.js";
import { MAX_FEN } from "./money.js";
import { isValidUscc } from "./uscc.js";

const UINT256_MAX = 2n ** 256n - 1n;
const UINT40_MAX = 2n ** 40n - 1n;
// Unix seconds past this (year 5138) are almost surely milliseconds passed by mistake.
const LIKELY_MILLISECONDS = 100_000_000_000n;

/** A bigint, or a number that is a safe integer; anything else (1.5, "7", NaN) is undefined. */
function integerOf(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

/** A 20-byte address (any case, but a mixed-case one must carry a valid checksum); not the zero address. Returns it checksummed. */
export function requireAddress(name: string, value: unknown): string {
  // isAddress refuses ENS names too: the consortium chains have no ENS, and a name would be resolved silently.
  if (typeof value !== "string" || !isAddress(value)) {
    throw new InvalidArgumentError(name, value, "expected a 0x-prefixed 20-byte address (with a valid checksum if mixed-case)");
  }
  const address = getAddress(value);
  if (address === ZeroAddress) throw new InvalidArgumentError(name, value, "expected an account, not the zero address");
  return address;
}

/** An amount in fen (bigint) from zero to uint64, e.g. a credit line. Convert CNY strings with `cnyToFen` first. */
export function requireFen(name: string, value: unknown): bigint {
  if (typeof value !== "bigint") throw new InvalidArgumentError(name, value, "expected an amount in fen as a bigint (see cnyToFen)");
  if (value < 0n) throw new InvalidArgumentError(name, value, "expected an amount in fen, not a negative one");
  if (value > MAX_FEN) throw new InvalidArgumentError(name, value, `expected at most ${MAX_FEN} fen (uint64)`);
  return value;
}

/** An amount in fen (bigint) more than zero and at most uint64: a face value, price or secured amount. */
export function requirePositiveFen(name: string, value: unknown): bigint {
  requireFen(name, value);
  if (value === 0n) throw new InvalidArgumentError(name, value, "expected a positive amount in fen");
  return value as bigint;
}

/** A unified social credit code (GB 32100-2015) with a correct check character. */
export function requireUscc(name: string, value: unknown): string {
  if (typeof value !== "string" || !isValidUscc(value)) {
    throw new InvalidArgumentError(name, value, "expected an 18-character unified social credit code with a valid check character");
  }
  return value;
}

/** A piece id `voucherId << 16 | index` of an existing voucher number (voucherId ≥ 1). */
export function requirePieceId(name: string, value: unknown): bigint {
  const id = integerOf(value);
  if (id === undefined || id <= 0n || id > UINT256_MAX) throw new InvalidArgumentError(name, value, "expected a positive integer");
  if (id >> 16n === 0n) {
    throw new InvalidArgumentError(name, value, "expected a piece id (voucherId << 16 | index, voucherId from 1), at least 65536");
  }
  return id;
}

/** A voucher id: a positive integer. */
export function requireVoucherId(name: string, value: unknown): bigint {
  const id = integerOf(value);
  if (id === undefined || id <= 0n || id > UINT256_MAX) throw new InvalidArgumentError(name, value, "expected a positive integer");
  return id;
}

/** Unix time in whole seconds that fits the ledger's uint40 times; milliseconds are refused with a hint. */
export function requireUnixSeconds(name: string, value: unknown): bigint {
  const seconds = integerOf(value);
  if (seconds === undefined || seconds < 0n) throw new InvalidArgumentError(name, value, "expected Unix time in whole seconds");
  if (seconds >= LIKELY_MILLISECONDS) {
    throw new InvalidArgumentError(name, value, "expected Unix time in seconds, not milliseconds (divide by 1000)");
  }
  if (seconds > UINT40_MAX) throw new InvalidArgumentError(name, value, "expected Unix time in seconds within uint40");
  return seconds;
}

/** A 32-byte hex value (a hash, document key or bank reference); zero refused unless `allowZero`. Returns it lower-case. */
export function requireBytes32(name: string, value: unknown, { allowZero = false }: { allowZero?: boolean } = {}): string {
  if (typeof value !== "string" || !isHexString(value, 32)) {
    throw new InvalidArgumentError(name, value, "expected 32 bytes as 0x-prefixed hex");
  }
  if (!allowZero && BigInt(value) === 0n) throw new InvalidArgumentError(name, value, "expected a non-zero 32-byte value");
  return value.toLowerCase();
}

/** A rate in basis points, 0 to 10,000 (100%). */
export function requireBps(name: string, value: unknown): number {
  const bps = integerOf(value);
  if (bps === undefined || bps < 0n || bps > 10_000n) throw new InvalidArgumentError(name, value, "expected basis points from 0 to 10000");
  return Number(bps);
}
