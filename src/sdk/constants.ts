/** Member role flags, as in contracts/types/MemberTypes.sol. */
export const MemberRole = {
  CoreEnterprise: 1 << 0,
  Supplier: 1 << 1,
  Bank: 1 << 2,
  Oracle: 1 << 3,
  Auditor: 1 << 4,
  Operator: 1 << 5,
} as const;

/** Member status, as in contracts/types/MemberTypes.sol. */
export const MemberStatus = { None: 0, Active: 1, Suspended: 2 } as const;

/** Piece status, as in contracts/types/VoucherTypes.sol. */
export const PieceStatus = { None: 0, Active: 1, Pledged: 2, Enforced: 3, Settled: 4 } as const;

export type PieceStatusName = keyof typeof PieceStatus;

/** The name of a piece status as the ledger returns it ("Pledged"); `undefined` for a value it never returns. */
export function pieceStatusName(status: bigint | number): PieceStatusName | undefined {
  return (Object.keys(PieceStatus) as PieceStatusName[]).find((name) => PieceStatus[name] === Number(status));
}

const DAY = 24 * 60 * 60;

/** The policy defaults of DOMAIN.md: depth 5, 100 live pieces, 100.00 CNY minimum, 365/183/3 days, k = 1. */
export const DEFAULT_POLICY = {
  minPieceAmount: 10_000n,
  maxTerm: 365 * DAY,
  enhancedReviewTerm: 183 * DAY,
  gracePeriod: 3 * DAY,
  maxLivePieces: 100,
  maxDepth: 5,
  attestationQuorum: 1,
} as const;

/** A piece id is `voucherId << 16 | index` (contracts/types/PieceId.sol). */
export function pieceIdOf(voucherId: bigint, index: bigint | number): bigint {
  return (voucherId << 16n) | BigInt(index);
}

export function voucherIdOfPiece(pieceId: bigint): bigint {
  return pieceId >> 16n;
}

/** A pledge registration number as the `bytes24` the ledger stores (ASCII, at most 24 characters). */
export function registrationNumberToBytes24(registrationNumber: string): string {
  if (!/^[\x21-\x7e]{1,24}$/.test(registrationNumber)) {
    throw new RangeError(`registrationNumber: expected 1 to 24 printable ASCII characters, got ${JSON.stringify(registrationNumber)}`);
  }
  return "0x" + Buffer.from(registrationNumber, "ascii").toString("hex").padEnd(48, "0");
}

/** The registration number as entered: the `bytes24` without its zero padding (hex if it is not printable ASCII). */
export function registrationNumberFromBytes24(value: string): string {
  const bytes = Buffer.from(value.replace(/^0x/, ""), "hex");
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const text = bytes.subarray(0, end).toString("latin1");
  return /^[\x21-\x7e]+$/.test(text) ? text : value;
}
