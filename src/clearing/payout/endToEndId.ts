/**
 * The ISO 20022 EndToEndId of a payout: `EV-<voucherId>-<pieceIndex>-<role letter>`, all decimal, e.g.
 * `EV-42-3-P`. Role letters: H holder, F factor, P pledgee, R pledgor (the remainder), E enforced pledgee.
 *
 * Derived only from voucher, piece and role, so a re-run of the same clearing instructs the same ids and the
 * bank can refuse a second payment under one of them; a piece id is unique in the ledger and a piece pays a
 * role at most once, so ids are unique within and across vouchers. Only [A-Za-z0-9-], at most 35
 * characters (Max35Text): with a piece index of at most 5 digits, voucher ids up to 24 digits fit. Longer
 * voucher ids are refused outright, not only for long indices, so that every piece of a voucher has an id.
 */
import type { PayoutRole } from "../types.js";

export const END_TO_END_ID_MAX_LENGTH = 35;
/** The largest voucher id whose every piece and role fits in 35 characters ("EV-" + 24 + "-65535-E"). */
export const MAX_VOUCHER_ID_FOR_END_TO_END_ID = 10n ** 24n - 1n;

export const ROLE_LETTER: Record<PayoutRole, string> = {
  holder: "H",
  factor: "F",
  pledgee: "P",
  pledgor: "R",
  "enforced-pledgee": "E",
};

/** Matches every id `endToEndIdOf` makes; the groups are voucher id, piece index and role letter. */
export const END_TO_END_ID_PATTERN = /^EV-([1-9][0-9]{0,23})-(0|[1-9][0-9]{0,4})-([HFPRE])$/;

/** The EndToEndId of `role`'s payout for piece `pieceIndex` (0–65535) of `voucherId` (> 0). */
export function endToEndIdOf(voucherId: bigint, pieceIndex: bigint, role: PayoutRole): string {
  if (voucherId <= 0n) throw new RangeError(`voucherId: expected a positive voucher id, got ${voucherId}`);
  if (pieceIndex < 0n || pieceIndex > 0xffffn) throw new RangeError(`pieceIndex: expected 0 to 65535, got ${pieceIndex}`);
  const letter = Object.hasOwn(ROLE_LETTER, role) ? ROLE_LETTER[role] : undefined;
  if (letter === undefined) throw new RangeError(`role: unknown payout role ${JSON.stringify(role)}`);
  if (voucherId > MAX_VOUCHER_ID_FOR_END_TO_END_ID) {
    throw new RangeError(`voucherId ${voucherId} is too long for a ${END_TO_END_ID_MAX_LENGTH}-character EndToEndId`);
  }
  return `EV-${voucherId}-${pieceIndex}-${letter}`;
}
