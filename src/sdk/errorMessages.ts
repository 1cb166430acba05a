/**
 * One sentence per custom error the ledger and the fee schedule can revert with, naming the values a
 * person needs: amounts in CNY, times as ISO dates, pieces as "voucher.index", the rule (R1–R15) that refused.
 *
 * The table is typed by the TypeChain ABIs: an error added to a contract without a sentence, or a sentence
 * reading an argument the error does not have, fails the typecheck (and test/sdk/errors.test.ts).
 */
import type { FeeSchedule__factory, VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { formatCny } from "./money.js";

type AbiErrorOf<Abi extends readonly unknown[]> = Extract<Abi[number], { type: "error" }>;
type LedgerAbiError = AbiErrorOf<typeof VoucherLedger__factory.abi> | AbiErrorOf<typeof FeeSchedule__factory.abi>;

/** Name of every custom error in the VoucherLedger (with its registry and OpenZeppelin bases) and FeeSchedule ABIs. */
export type LedgerErrorName = LedgerAbiError["name"];

/** A decoded argument: enums and role bitmaps as names, short uints as number, long uints as bigint. */
export type LedgerArgValue = bigint | number | string | boolean;

type AbiInput = { readonly name: string; readonly type: string; readonly internalType: string };
type SmallUint = "uint8" | "uint16" | "uint24" | "uint32" | "uint40" | "uint48";

/** The decoded value type of one ABI input; mirrors `decodeArgument` in errors.ts. */
type ArgValueOf<I extends AbiInput> = I["internalType"] extends `enum ${string}`
  ? string
  : I["name"] extends "role" | "roles"
    ? string
    : I["type"] extends SmallUint
      ? number
      : I["type"] extends `uint${string}` | `int${string}`
        ? bigint
        : I["type"] extends "bool"
          ? boolean
          : string;

/** The arguments of one error by parameter name, e.g. `{ pieceId: 65536n, status: "Pledged", required: "Active" }`. */
export type LedgerArgsOf<N extends LedgerErrorName> = {
  readonly [I in Extract<LedgerAbiError, { name: N }>["inputs"][number] as I["name"]]: ArgValueOf<I>;
};

type Sentences = { readonly [N in LedgerErrorName]: (args: LedgerArgsOf<N>) => string };

// ---------------------------------------------------------------- formatting helpers

/** 65537n → "piece 1.1 (id 65537)": voucher 1, index 1, as the scripts print pieces. */
export function formatPieceRef(pieceId: bigint): string {
  return `piece ${pieceId >> 16n}.${pieceId & 0xffffn} (id ${pieceId})`;
}

/** Unix seconds → "2025-03-01T08:00:00Z"; values beyond any date are printed as they are. */
export function formatUnixTime(seconds: bigint | number): string {
  const s = BigInt(seconds);
  if (s < 0n || s > 8_640_000_000_000n) return `Unix time ${s}`;
  return new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");
}

/** 31_536_000 → "365 days"; 90_061 → "1 day 1 h 1 min 1 s". */
export function formatDuration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  const parts: string[] = [];
  for (const [unit, size, plural] of [
    ["day", 86_400n, "days"],
    ["h", 3_600n, "h"],
    ["min", 60n, "min"],
    ["s", 1n, "s"],
  ] as const) {
    const n = rest / size;
    rest %= size;
    if (n > 0n) parts.push(`${n} ${n === 1n ? unit : plural}`);
  }
  return parts.length > 0 ? parts.join(" ") : "0 s";
}

const piece = formatPieceRef;
const cny = formatCny;
const time = formatUnixTime;
const days = formatDuration;
const lower = (name: string) => name.toLowerCase();
const plural = (n: bigint | number, one: string, many: string) => `${n} ${BigInt(n) === 1n ? one : many}`;

// Policy fields by unit, so PolicyValueOutOfRange prints "400 days" rather than 34560000.
const POLICY_FIELD_FORMAT: Record<string, (value: bigint) => string> = {
  minPieceAmount: cny,
  maxTerm: days,
  enhancedReviewTerm: days,
  gracePeriod: days,
};

// What a piece in a given status can still do, so a refusal explains the state rather than just naming it.
const STATUS_HINT: Record<string, string> = {
  Pledged: "a piece can be pledged only once, and a pledged piece cannot be transferred, split or factored until its pledgee releases it (R9)",
  Enforced: "its pledgee enforced the pledge and is paid the whole piece at clearing; nothing else can happen to it",
  Settled: "it has been paid and settlement is final",
  Active: "only a pledged piece can be released or enforced",
};

// ---------------------------------------------------------------- the sentences

export const LEDGER_ERROR_SENTENCES: Sentences = {
  // members and roles
  MemberNotActive: (a) =>
    a.status === "None"
      ? `${a.account} is not a member of the consortium.`
      : `${a.account} is ${lower(a.status)}; only active members may take part until the consortium admin reactivates it.`,
  MemberLacksRole: (a) => `${a.account} does not hold the ${a.role} role this operation needs.`,
  NotATradeParty: (a) =>
    `${a.account} (roles: ${a.roles}) is neither a supplier nor a core enterprise, so it cannot receive a voucher or piece in trade; banks receive pieces only by financing them.`,
  RelatedPartyTrade: (a) =>
    `${a.from} and ${a.to} are related parties (group ${a.groupId}); a voucher or piece passing between them is refused as possible self-financing (R15).`,
  RelatedPartyFinancing: (a) =>
    `Holder ${a.holder} and financier ${a.financier} are related parties (group ${a.groupId}); financing between them is refused as self-financing (R15).`,

  // issuance
  IssuerInDefault: (a) =>
    `Issuer ${a.issuer} is in default on an overdue voucher and may not issue until the consortium admin restores it (R11).`,
  IssueToSelf: (a) => `Issuer ${a.issuer} cannot issue a voucher to itself.`,
  ClearingBankNotSet: (a) =>
    `Issuer ${a.issuer} has no clearing bank, so its vouchers could never be settled; the consortium admin must name one before it issues (R10).`,
  AmountZero: () => `The amount must be more than 0.00 CNY.`,
  PieceBelowMinimum: (a) => `${cny(a.amount)} is below the minimum piece amount of ${cny(a.minimum)} (R5).`,
  MaturityNotInFuture: (a) =>
    `The maturity ${time(a.maturity)} is not after the chain time ${time(a.currentTime)}; a voucher must mature in the future.`,
  TermTooLong: (a) => `A term of ${days(a.term)} is longer than the ${days(a.maxTerm)} the policy allows (R4).`,
  CreditLineExceeded: (a) =>
    `Issuing would bring the outstanding vouchers of ${a.issuer} to ${cny(a.outstandingAfter)}, above its credit line of ${cny(a.creditLine)} (R14).`,

  // trade documents and oracle attestations
  DocumentKeysMissing: () => `The request names no trade document; every issue and transfer must be backed by at least one (R1, R2).`,
  TooManyDocumentKeys: (a) => `The request names ${a.count} trade documents; at most ${a.max} are allowed in one request.`,
  DocumentKeyZero: (a) => `Trade document key #${a.index} is zero; each key must be the oracle's keyed hash of a document.`,
  DocumentKeyAlreadyUsed: (a) =>
    `Trade document ${a.documentKey} already backs a voucher or transfer; a document can back only one in the whole consortium (R2).`,
  AttestationExpired: (a) =>
    `The oracle attestation expired at ${time(a.deadline)} (chain time ${time(a.currentTime)}); ask the oracle to attest again.`,
  AttestationQuorumNotMet: (a) =>
    `${plural(a.provided, "oracle attestation was", "oracle attestations were")} given but ${a.required} from distinct oracles are required (R1).`,
  TooManyAttestations: (a) => `${a.provided} attestations were given; at most ${a.max} are accepted.`,
  AttestationSignatureInvalid: (a) => `Attestation #${a.index} is not a valid signature.`,
  AttestorDuplicated: (a) => `Oracle ${a.signer} signed more than one of the attestations; each must come from a distinct oracle.`,
  AttestorsNotAscending: (a) =>
    `Attestations must be sorted by signer address, but ${a.signer} comes after ${a.previous}.`,
  AttestorNotOracle: (a) => `Attestation signer ${a.signer} is not an active oracle of the consortium (R1).`,

  // pieces and vouchers
  PieceNotFound: (a) => `There is no ${piece(a.pieceId)}.`,
  PieceNotInStatus: (a) =>
    `${capitalize(piece(a.pieceId))} is ${lower(a.status)} but this operation needs it ${lower(a.required)}` +
    (STATUS_HINT[a.status] ? `; ${STATUS_HINT[a.status]}.` : "."),
  PieceAlreadySettled: (a) => `${capitalize(piece(a.pieceId))} is already settled; settlement is final.`,
  NotPieceHolder: (a) => `${a.caller} does not hold ${piece(a.pieceId)}; its holder is ${a.holder}.`,
  VoucherNotFound: (a) => `There is no voucher ${a.voucherId}.`,
  VoucherMatured: (a) =>
    `Voucher ${a.voucherId} matured at ${time(a.maturity)}; a matured voucher can no longer be transferred or financed, only settled.`,
  TransferToSelf: (a) => `${capitalize(piece(a.pieceId))} cannot be transferred to its own holder.`,
  TransferToIssuer: (a) => `${capitalize(piece(a.pieceId))} cannot go to ${a.issuer}, the issuer that owes it.`,
  TransferAmountExceedsPiece: (a) =>
    `Cannot transfer ${cny(a.amount)} out of ${piece(a.pieceId)}, which holds only ${cny(a.pieceAmount)}.`,
  SplitAmountNotBelowPiece: (a) =>
    `A split of ${cny(a.amount)} must be less than the ${cny(a.pieceAmount)} of ${piece(a.pieceId)}; transfer the whole piece instead.`,
  RemainderBelowMinimum: (a) =>
    `Splitting ${piece(a.pieceId)} would leave ${cny(a.remainder)}, below the minimum piece amount of ${cny(a.minimum)} (R5).`,
  DepthLimitReached: (a) =>
    `${capitalize(piece(a.pieceId))} is already ${plural(a.depth, "transfer level", "transfer levels")} from the issue, the most the policy allows is ${a.maxDepth} (R5).`,
  LivePieceLimitReached: (a) =>
    `Voucher ${a.voucherId} already has ${a.maxLivePieces} unsettled pieces, the most the policy allows (R5).`,
  PieceIndexExhausted: (a) => `Voucher ${a.voucherId} has used all 65,535 piece numbers and cannot be split further.`,
  PageSizeZero: () => `The page size must be at least 1.`,

  // financing
  PledgeAmountInvalid: (a) =>
    `A secured amount of ${cny(a.securedAmount)} is invalid for ${piece(a.pieceId)} of ${cny(a.pieceAmount)}; it must be more than zero and at most the piece amount.`,
  PledgeRegistrationMissing: (a) =>
    `The pledge of ${piece(a.pieceId)} has no registration number from the unified movable-property registry (R8).`,
  PledgeToHolder: (a) => `${a.holder} holds ${piece(a.pieceId)} and cannot take it in pledge itself.`,
  ConsentExpired: (a) =>
    `The holder's consent expired at ${time(a.deadline)} (chain time ${time(a.currentTime)}); ask the holder to sign again.`,
  ConsentSignatureInvalid: (a) =>
    `The consent is not signed by ${a.holder}, the holder, over these terms; if the piece was split, pledged or factored since signing, the holder must sign again.`,
  EnhancedReviewMissing: (a) =>
    `Voucher ${a.voucherId} has a term over the enhanced-review threshold; bank ${a.bank} must record its enhanced review before financing it (R4).`,
  EnhancedReviewHashZero: () => `The enhanced review hash is zero; record the hash of the review report.`,
  NotPledgee: (a) =>
    `${a.caller} is not the pledgee of ${piece(a.pieceId)}; only ${a.pledgee} may release or enforce its pledge.`,
  FactoringByHolder: (a) => `${a.holder} holds ${piece(a.pieceId)} and cannot factor it to itself.`,
  FactoringPriceInvalid: (a) =>
    `A purchase price of ${cny(a.purchasePrice)} is invalid for ${piece(a.pieceId)} of ${cny(a.pieceAmount)}; it must be more than zero and at most the piece amount.`,

  // clearing and default
  SettlementBatchSizeInvalid: (a) => `A settlement batch of ${a.size} pieces is invalid; a batch holds 1 to ${a.max}.`,
  SettlementReferenceMissing: (a) => `The settlement of ${piece(a.pieceId)} has no bank payment reference (R10).`,
  NotClearingBank: (a) =>
    BigInt(a.clearingBank) === 0n
      ? `Issuer ${a.issuer} has no clearing bank, so ${a.caller} cannot settle its pieces (R10).`
      : `${a.caller} is not the clearing bank of issuer ${a.issuer}; only ${a.clearingBank} may settle its pieces (R10).`,
  VoucherAlreadyOverdue: (a) => `Voucher ${a.voucherId} is already marked overdue.`,
  VoucherFullySettled: (a) => `Voucher ${a.voucherId} is fully settled, so it cannot be overdue.`,
  GracePeriodNotOver: (a) =>
    `Voucher ${a.voucherId} can be marked overdue only after ${time(a.overdueFrom)}, the end of its grace period (chain time ${time(a.currentTime)}) (R11).`,

  // administration
  PolicyValueOutOfRange: (a) => {
    const format = POLICY_FIELD_FORMAT[a.field] ?? String;
    return `Policy field ${a.field} = ${format(a.value)} is out of range; it must be from ${format(a.min)} to ${format(a.max)}.`;
  },

  // consortium registry
  RegistryZeroAddress: () => `The zero address was given where an account is required.`,
  RegistryInvalidUscc: (a) => `"${a.uscc}" is not a valid unified social credit code (alphabet or check character).`,
  RegistryMemberAlreadyRegistered: (a) => `${a.account} is already a member of the consortium.`,
  RegistryUsccAlreadyRegistered: (a) => `USCC ${a.uscc} is already registered to ${a.account}.`,
  RegistryNotAMember: (a) => `${a.account} is not a member of the consortium.`,
  RegistryInvalidRoles: (a) => `The roles ${a.roles} are invalid: give at least one known role.`,
  RegistryConflictingRoles: (a) =>
    `The roles ${a.roles} conflict: an oracle or operator cannot also be a core enterprise, supplier or bank.`,
  RegistryMissingRole: (a) => `${a.account} does not hold the ${a.role} role.`,
  RegistryStatusUnchanged: (a) => `${a.account} is already ${lower(a.status)}.`,
  RegistryInvalidStatus: (a) => `A member's status can be set only to Active or Suspended, not ${a.status}.`,
  RegistryIssuerNotDefaulted: (a) => `${a.issuer} is not in default, so there is nothing to restore.`,

  // fee schedule (R12)
  FeeScheduleZeroAddress: () => `The fee schedule needs the registry's address; the zero address was given.`,
  FeeScheduleCallerNotOperator: (a) =>
    `${a.caller} is not an active operator; only the operator publishes the fee schedule (R12).`,
  FeeScheduleItemCountInvalid: (a) => `A fee schedule of ${a.count} items is invalid; it must list 1 to ${a.max} fees.`,
  FeeScheduleDocumentHashMissing: () => `The fee schedule has no document hash; publish the hash of the full fee document (R12).`,
  FeeScheduleEffectiveTimeInPast: (a) =>
    `The effective time ${time(a.effectiveFrom)} is before the chain time ${time(a.currentTime)}.`,
  FeeScheduleEffectiveTimeTooFar: (a) =>
    `The effective time ${time(a.effectiveFrom)} is after ${time(a.latest)}, the furthest ahead a schedule may be published.`,
  FeeScheduleEffectiveTimeNotAfterPrevious: (a) =>
    `The effective time ${time(a.effectiveFrom)} must be after ${time(a.previous)}, when the previous schedule takes effect.`,
  FeeScheduleRateInvalid: (a) => `Fee #${a.index} has a rate of ${a.rateBps} bps; at most 10000 bps (100%) is allowed.`,
  FeeSchedulePayerInvalid: (a) =>
    `Fee #${a.index} names payer ${a.payer}; the payer must be 0 (issuer), 1 (holder) or 2 (financier).`,
  FeeScheduleServiceMissing: (a) => `Fee #${a.index} has no service code.`,
  FeeScheduleTooManyPending: (a) =>
    `${a.pending} schedules are already waiting to take effect; at most ${a.max} may wait at once.`,
  FeeScheduleNotFound: (a) => `There is no fee schedule version ${a.version}.`,
  FeeScheduleNoneInEffect: (a) => `No fee schedule was in effect at ${time(a.at)}.`,

  // OpenZeppelin errors compiled into the ledger
  AccessControlUnauthorizedAccount: (a) =>
    `${a.account} lacks the ${a.neededRole} this administrative operation needs.`,
  AccessControlBadConfirmation: () => `An account can renounce a role only for itself.`,
  EnforcedPause: () =>
    `The ledger is paused by the consortium admin: issue, transfer and financing are stopped until it is resumed.`,
  ExpectedPause: () => `The ledger is not paused.`,
  InvalidAccountNonce: (a) => `The nonce given for ${a.account} is not its current nonce ${a.currentNonce}.`,
  InvalidShortString: () => `The contract's EIP-712 domain holds a malformed short string (a deployment error).`,
  StringTooLong: (a) => `"${a.str}" is too long for the contract's EIP-712 domain (a deployment error).`,
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
