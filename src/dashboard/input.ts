/**
 * What people type or put in a URL, parsed into ids, or refused with a sentence that says what was wrong
 * and what is expected. Pure: the routes turn an `InputError` into a 400 page.
 */
import { getAddress, isAddress } from "ethers";

const UINT256_MAX = 2n ** 256n - 1n;
const INDEX_MAX = 0xffffn;

/** Input the dashboard cannot use; `field` names the form field or URL part. */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly field: "piece" | "bank" | "voucher",
    message: string,
  ) {
    super(message);
  }
}

/** The input as typed, in quotes, cut short if long: messages echo it, but never a megabyte of it. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}

/** A voucher number from the URL: 1, 2, 3, … */
export function parseVoucherId(text: string): bigint {
  if (!/^[0-9]+$/.test(text)) {
    throw new InputError("voucher", `${quote(text)} is not a voucher number: vouchers are numbered 1, 2, 3, … (for example /vouchers/1).`);
  }
  const id = BigInt(text);
  if (id === 0n) throw new InputError("voucher", "Voucher 0 does not exist: vouchers are numbered from 1.");
  if (id > UINT256_MAX) throw new InputError("voucher", `${quote(text)} is not a voucher number: it is larger than a uint256.`);
  return id;
}

/**
 * A piece as `voucherId.index` ("1.2") or as the decimal piece id (`voucherId << 16 | index`, "65538").
 * Surrounding spaces are ignored.
 */
export function parsePieceId(input: string): bigint {
  const text = input.trim();
  if (text === "") throw new InputError("piece", "Enter a piece id: voucher.index such as 1.2, or the decimal piece id such as 65538.");
  const dotted = /^([0-9]+)\.([0-9]+)$/.exec(text);
  if (dotted) {
    const [voucherId, index] = [BigInt(dotted[1]), BigInt(dotted[2])];
    if (voucherId === 0n) throw new InputError("piece", `${quote(text)} is not a piece id: vouchers are numbered from 1.`);
    if (index > INDEX_MAX) throw new InputError("piece", `${quote(text)} is not a piece id: the index after the dot is at most 65535.`);
    if (voucherId > UINT256_MAX >> 16n) throw new InputError("piece", `${quote(text)} is not a piece id: the voucher number is too large.`);
    return (voucherId << 16n) | index;
  }
  if (/^[0-9]+$/.test(text)) {
    const id = BigInt(text);
    if (id > UINT256_MAX) throw new InputError("piece", `${quote(text)} is not a piece id: it is larger than a uint256.`);
    if (id >> 16n === 0n) {
      throw new InputError("piece", `${quote(text)} is not a piece id: a decimal piece id is voucher × 65536 + index, so at least 65536 (piece 1.0).`);
    }
    return id;
  }
  throw new InputError("piece", `${quote(text)} is not a piece id: write it as voucher.index (for example 1.2) or as the decimal piece id (for example 65538).`);
}

/** A bank chosen in the form: one of `banks` (checksummed addresses), compared without regard to case. */
export function parseBank(input: string, banks: readonly string[]): string {
  const text = input.trim();
  if (text === "") throw new InputError("bank", "Choose the lending bank.");
  if (!isAddress(text)) throw new InputError("bank", `${quote(text)} is not an address: choose the lending bank from the list.`);
  const address = getAddress(text);
  if (!banks.includes(address)) throw new InputError("bank", `${address} is not an active bank member of this consortium: choose the lending bank from the list.`);
  return address;
}
